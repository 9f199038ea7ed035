package talos

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/constructs/platform/platformtest"

	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/synth"
)

// Use go test -update to create or update the golden files in testdata/.

var target = platform.Kubernetes{Version: "1.30", Distribution: platform.Talos}

// enabled returns the defaults, enabled, changed by mod.
func enabled(mod func(*Config)) Config {
	c := DefaultConfig()
	c.Enabled = true
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
		"ha":      func(c *Config) { c.ControlPlane.Replicas = HA },
		"workers": func(c *Config) {
			c.Workers.Replicas = 3
			c.Workers.CPUCores = 8
			c.Workers.MemorySize = 16
			c.Workers.RootDiskSize = 64
		},
		"empty-disks": func(c *Config) {
			c.ControlPlane.EmptyDiskSize = 10
			c.Workers.Replicas = 2
			c.Workers.EmptyDiskSize = 100
		},
		"network-name":  func(c *Config) { c.NetworkName = "kube-system/vlan42" },
		"storage-class": func(c *Config) { c.StorageClass = "ssd" },
		"namespace": func(c *Config) {
			c.Namespace = "talos"
			c.ClusterName = "lab"
			c.Image = "registry.example.com/talos:1.8.0"
		},
		"stopped": func(c *Config) {
			c.ControlPlane.Running = false
			c.Workers.Replicas = 1
			c.Workers.Running = false
		},
	}
	for name, mod := range scenarios {
		t.Run(name, func(t *testing.T) {
			cfg := enabled(mod)
			got, warnings := synthesize(t, cfg)
			// synth.Module enables no other module, so only storage_class silences the warning.
			if want := cfg.StorageClass == ""; (len(warnings) == 1) != want || len(warnings) > 1 {
				t.Errorf("warnings = %q, want a storage warning: %v", warnings, want)
			}
			golden.Assert(t, got, name+".golden.yaml")
		})
	}
}

// build builds the module in a fresh chart with the given modules enabled and returns
// the warnings.
func build(t *testing.T, cfg Config, enabledModules ...string) []string {
	t.Helper()
	var warnings []string
	env := platform.Env{
		Kubernetes: target,
		Enabled: func(m string) bool {
			for _, e := range enabledModules {
				if e == m {
					return true
				}
			}
			return false
		},
		Warn: func(format string, args ...any) { warnings = append(warnings, fmt.Sprintf(format, args...)) },
	}
	chart := platform.NewChart(cdk8s.NewApp(nil), Module.Name())
	if err := Module.Build(chart, cfg, env); err != nil {
		t.Fatalf("build: %v", err)
	}
	return warnings
}

func TestStorageWarning(t *testing.T) {
	const want = "the DataVolumes of the Talos VMs need a default StorageClass, and neither hostpath_provisioner nor local_path_storage is enabled; enable one of them, set modules.talos.storage_class, or make sure the cluster has a default StorageClass"
	tests := map[string]struct {
		cfg     Config
		enabled []string
		warn    bool
	}{
		"no storage module":    {cfg: enabled(nil), enabled: []string{"kubevirt", "multus", "cdi"}, warn: true},
		"hostpath_provisioner": {cfg: enabled(nil), enabled: []string{"kubevirt", "multus", "cdi", "hostpath_provisioner"}},
		"local_path_storage":   {cfg: enabled(nil), enabled: []string{"local_path_storage"}},
		"storage_class set":    {cfg: enabled(func(c *Config) { c.StorageClass = "ceph-block" })},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := build(t, tc.cfg, tc.enabled...)
			switch {
			case tc.warn && (len(got) != 1 || got[0] != want):
				t.Errorf("warnings = %q, want [%q]", got, want)
			case !tc.warn && len(got) > 0:
				t.Errorf("unexpected warnings: %q", got)
			}
		})
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
		"replicas-three":     enabled(func(c *Config) { c.ControlPlane.Replicas = "three" }),
		"negative-workers":   enabled(func(c *Config) { c.Workers.Replicas = -1 }),
		"zero-cpu":           enabled(func(c *Config) { c.ControlPlane.CPUCores = 0 }),
		"bad-cluster-name":   enabled(func(c *Config) { c.ClusterName = "Kargo_Dev" }),
		"long-cluster-name":  enabled(func(c *Config) { c.ClusterName = strings.Repeat("k", 41) }),
		"bad-network-name":   enabled(func(c *Config) { c.NetworkName = "Default/br_0" }),
		"bad-storage-class":  enabled(func(c *Config) { c.StorageClass = "SSD pool" }),
		"image-with-scheme":  enabled(func(c *Config) { c.Image = "docker://docker.io/containercraft/talos:1.7.6" }),
		"negative-disk-size": enabled(func(c *Config) { c.Workers.EmptyDiskSize = -5 }),
		"everything": {
			Enabled:      true,
			ControlPlane: ControlPlane{Replicas: "3"},
			Workers:      Workers{Replicas: -2, EmptyDiskSize: -1},
		},
		// Values are checked when the module is disabled too.
		"disabled-replicas-three": func() Config { c := DefaultConfig(); c.ControlPlane.Replicas = "three"; return c }(),
	}
	platformtest.Invalid(t, "talos", tests)
}

func TestValid(t *testing.T) {
	tests := map[string]Config{
		"defaults":                DefaultConfig(),
		"enabled":                 enabled(nil),
		"ha with workers":         enabled(func(c *Config) { c.ControlPlane.Replicas = HA; c.Workers.Replicas = 5 }),
		"qualified network name":  enabled(func(c *Config) { c.NetworkName = "default/br0" }),
		"longest cluster name":    enabled(func(c *Config) { c.ClusterName = strings.Repeat("k", 40) }),
		"stopped with no workers": enabled(func(c *Config) { c.ControlPlane.Running = false; c.Workers.Running = false }),
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			if errs := cfg.Validate(nil); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs.ToAggregate())
			}
		})
	}
}

func TestReplicasCount(t *testing.T) {
	for r, want := range map[Replicas]int{Single: 1, HA: 3, "three": 0, "": 0} {
		if got := r.Count(); got != want {
			t.Errorf("Replicas(%q).Count() = %d, want %d", r, got, want)
		}
	}
}

func TestVersion(t *testing.T) {
	if got := Module.Version(enabled(nil)); got != "1.7.6" {
		t.Errorf("Version = %q, want 1.7.6", got)
	}
}

func TestRequires(t *testing.T) {
	if got, want := Module.Requires(), []string{"cdi", "kubevirt", "multus"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Requires() = %q, want %q", got, want)
	}
}

func TestDocTags(t *testing.T) {
	platformtest.Docs(t, reflect.TypeOf(Config{}))
}

// TestReadme checks that README.md documents every option with its doc tag's text.
func TestReadme(t *testing.T) {
	platformtest.Readme(t, reflect.TypeOf(Config{}), "README.md")
}
