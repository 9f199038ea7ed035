package vm

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/constructs/platform/platformtest"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/synth"
)

// Use go test -update to create or update the golden files in testdata/.

// testKey is a syntactically valid ed25519 public key (no private key exists for it).
const testKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINJrnaYR5syVLY0zTKWQiLXuF1fsknL87MbukqhSDQ7q kargo-test"

var target = platform.Kubernetes{Version: "1.30", Distribution: platform.Talos}

// enabled returns the defaults, enabled with the test key, changed by mod.
func enabled(mod func(*Config)) Config {
	c := DefaultConfig()
	c.Enabled = true
	c.SSHPubKey = testKey
	if mod != nil {
		mod(&c)
	}
	return c
}

func synthesize(t *testing.T, cfg Config) ([]byte, []string) {
	t.Helper()
	var warnings []string
	got, err := synth.Module(Module, cfg, target, func(msg string) { warnings = append(warnings, msg) })
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	return got, warnings
}

func TestGolden(t *testing.T) {
	scenarios := map[string]func(*Config){
		"default": nil,
		"custom-instance": func(c *Config) {
			c.InstanceName = "dev-box"
			c.Namespace = "vms"
		},
		"custom-user": func(c *Config) {
			c.SSHUser = "ops"
			c.SSHPubKey = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDSYOzDCDGNJlvidnEksDJyr1wUeQEUrjyWGwFv743aIYHECu3RVyScuN9qVfU34xFdQxpAzjhJCR6ZUDhu8hBs=\n"
		},
		"custom-node-port": func(c *Config) { c.NodePort = 32222 },
		"custom-image":     func(c *Config) { c.Image = "registry.example.com/vms/ubuntu:24.04" },
		"resources": func(c *Config) {
			c.CPUCores = 4
			c.MemorySize = 8
		},
		"stopped": func(c *Config) { c.Running = false },
	}
	for name, mod := range scenarios {
		t.Run(name, func(t *testing.T) {
			got, warnings := synthesize(t, enabled(mod))
			if len(warnings) > 0 {
				t.Errorf("unexpected warnings: %q", warnings)
			}
			golden.Assert(t, got, name+".golden.yaml")
		})
	}
}

func TestNoPassword(t *testing.T) {
	got, _ := synthesize(t, enabled(nil))
	for _, bad := range []string{"chpasswd", "password:", "plain_text_passwd", "hashed_passwd", "lock_passwd: false", "stringData", "ssh_pwauth: true"} {
		if bytes.Contains(got, []byte(bad)) {
			t.Errorf("output contains %q", bad)
		}
	}
}

func TestIdempotent(t *testing.T) {
	a, _ := synthesize(t, enabled(nil))
	b, _ := synthesize(t, enabled(nil))
	if !bytes.Equal(a, b) {
		t.Fatalf("two synths of the same config differ:\n%s", golden.Diff(string(a), string(b), "first", "second"))
	}
}

func TestInvalid(t *testing.T) {
	tests := map[string]Config{
		"missing-key": enabled(func(c *Config) { c.SSHPubKey = "" }),
		"malformed-key": enabled(func(c *Config) {
			c.SSHPubKey = "ssh-ed25519 not-base64!"
		}),
		"private-key": enabled(func(c *Config) {
			c.SSHPubKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
		}),
		"wrong-key-type": enabled(func(c *Config) {
			c.SSHPubKey = "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAINJrnaYR5syVLY0zTKWQiLXuF1fsknL87MbukqhSDQ7q"
		}),
		"unknown-key-type": enabled(func(c *Config) {
			c.SSHPubKey = "ssh-dss AAAAB3NzaC1kc3M= old"
		}),
		"bad-instance-name": enabled(func(c *Config) {
			c.InstanceName = "Ubuntu_VM"
		}),
		"long-instance-name": enabled(func(c *Config) {
			c.InstanceName = strings.Repeat("a", 60)
		}),
		"bad-node-port": enabled(func(c *Config) { c.NodePort = 22 }),
		"everything": {
			Enabled:      true,
			Namespace:    "",
			InstanceName: "1vm",
			Image:        "",
			CPUCores:     0,
			MemorySize:   -1,
			SSHUser:      "root",
			NodePort:     40000,
		},
		"bad-user":  enabled(func(c *Config) { c.SSHUser = "Kc2 admin" }),
		"bad-image": enabled(func(c *Config) { c.Image = "docker://docker.io/containercraft/ubuntu:22.04" }),
		// Values are checked when the module is disabled too; only the key is not required.
		"disabled-bad-port": func() Config { c := DefaultConfig(); c.NodePort = 80; return c }(),
	}
	platformtest.Invalid(t, "vm", tests)
}

func TestValid(t *testing.T) {
	tests := map[string]Config{
		"defaults (disabled, no key)": DefaultConfig(),
		"enabled":                     enabled(nil),
		"key without comment":         enabled(func(c *Config) { c.SSHPubKey = strings.TrimSuffix(testKey, " kargo-test") }),
		"key with spaces in comment":  enabled(func(c *Config) { c.SSHPubKey = testKey + " laptop 2026\n" }),
		"longest instance name":       enabled(func(c *Config) { c.InstanceName = strings.Repeat("a", 59) }),
		"node port range low":         enabled(func(c *Config) { c.NodePort = 30000 }),
		"node port range high":        enabled(func(c *Config) { c.NodePort = 32767 }),
		"nil path":                    enabled(nil),
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			var path *field.Path
			if name != "nil path" {
				path = field.NewPath("modules", "vm")
			}
			if errs := cfg.Validate(path); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs.ToAggregate())
			}
		})
	}
}

func TestVersion(t *testing.T) {
	tests := map[string]string{
		"docker.io/containercraft/ubuntu:22.04":           "22.04",
		"localhost:5000/ubuntu:24.04":                     "24.04",
		"localhost:5000/ubuntu":                           "",
		"ubuntu@sha256:0123":                              "",
		"quay.io/containerdisks/ubuntu:22.04@sha256:0123": "22.04",
	}
	for image, want := range tests {
		if got := Module.Version(enabled(func(c *Config) { c.Image = image })); got != want {
			t.Errorf("Version(image %q) = %q, want %q", image, got, want)
		}
	}
}

func TestDocTags(t *testing.T) {
	platformtest.Docs(t, reflect.TypeOf(Config{}))
}

// TestReadme checks that README.md documents every option with its doc tag's text.
func TestReadme(t *testing.T) {
	platformtest.Readme(t, reflect.TypeOf(Config{}), "README.md")
}
