package hostpathprovisioner

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/constructs/platform/platformtest"

	"github.com/kargo-platform/kargo/constructs/certmanager"

	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/upstream"
	"github.com/kargo-platform/kargo/internal/fixture/fixturetest"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/manifest"
	"github.com/kargo-platform/kargo/internal/synth"
)

// Use go test -update (or make golden) to create or update the golden files in testdata/.

var target = platform.Kubernetes{Version: "1.30", Distribution: platform.Talos}

func synthesize(t *testing.T, cfg Config) []byte {
	t.Helper()
	var warnings []string
	got, err := synth.ModuleWith(Module, cfg, synth.ModuleOptions{
		Kubernetes: target,
		Artifacts:  fixturetest.Store(t),
		Enabled:    []string{"cert_manager"},
		// The Issuer and Certificate of webhook.yaml are cert_manager's kinds.
		APIVersions: certmanager.Module.APIs(),
		Warn:        func(msg string) { warnings = append(warnings, msg) },
	})
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	if len(warnings) > 0 {
		t.Errorf("unexpected warnings: %q", warnings)
	}
	return got
}

func TestGolden(t *testing.T) {
	scenarios := map[string]func(*Config){
		"default": nil,
		"two-pools": func(c *Config) {
			c.StoragePools = []StoragePool{
				{Name: "ssd", Path: "/var/mnt/hostpath-provisioner"},
				{Name: "hdd", Path: "/var/mnt/hdd"},
			}
		},
		"no-default-class":  func(c *Config) { c.DefaultStorageClass = false },
		"immediate-binding": func(c *Config) { c.VolumeBindingMode = storagev1.VolumeBindingImmediate },
	}
	for name, mod := range scenarios {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			if mod != nil {
				mod(&cfg)
			}
			golden.Assert(t, synthesize(t, cfg), name+".golden.yaml")
		})
	}
}

func TestIdempotent(t *testing.T) {
	a := synthesize(t, DefaultConfig())
	b := synthesize(t, DefaultConfig())
	if !bytes.Equal(a, b) {
		t.Fatalf("two synths of the same config differ:\n%s", golden.Diff(string(a), string(b), "first", "second"))
	}
}

// realManifests parses the real release manifests with the module's transform (skipped
// without ../shared/upstream).
func realManifests(t *testing.T, mod func([]manifest.Object)) ([]manifest.Object, error) {
	t.Helper()
	var all []manifest.Object
	for _, name := range []string{"webhook.yaml", "operator.yaml"} {
		p := filepath.Join("..", "..", "..", "shared", "upstream", "hostpath-provisioner-operator", "v0.20.0", name)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Skipf("upstream file %s: %v", p, err)
		}
		objs, err := manifest.ParseYAML(data, p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, objs...)
	}
	if mod != nil {
		mod(all)
	}
	return upstream.SetNamespace{Namespace: Namespace, Scope: synth.Scope}.Apply(all)
}

func TestNamespaceOnRealManifests(t *testing.T) {
	objs, err := realManifests(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	crds := map[string]bool{}
	for _, o := range objs {
		if o.Kind() == "CustomResourceDefinition" {
			g, _ := o.LookupString("spec", "group")
			k, _ := o.LookupString("spec", "names", "kind")
			s, _ := o.LookupString("spec", "scope")
			crds[g+"/"+k] = s == "Namespaced"
		}
	}
	sc := synth.Scope
	var namespaced, cluster []string
	for _, o := range objs {
		ns, known := sc(o.Group(), o.Kind())
		if local, ok := crds[o.Group()+"/"+o.Kind()]; ok {
			ns, known = local, true
		}
		if !known {
			t.Fatalf("%s: unknown scope", o.ID())
		}
		switch {
		case ns && o.Namespace() != Namespace:
			t.Errorf("%s: namespace %q, want %s", o.ID(), o.Namespace(), Namespace)
		case !ns && o.Namespace() != "":
			t.Errorf("%s: cluster-scoped with namespace %q", o.ID(), o.Namespace())
		case ns:
			namespaced = append(namespaced, o.ID().String())
		default:
			cluster = append(cluster, o.ID().String())
		}
	}
	// The real files: Issuer, Certificate, Service (webhook.yaml); ServiceAccount, Role,
	// RoleBinding, Deployment (operator.yaml) are namespaced; the ValidatingWebhookConfiguration,
	// ClusterRole, ClusterRoleBinding and CRD are not.
	if len(namespaced) != 7 || len(cluster) != 4 {
		t.Errorf("namespaced %q, cluster-scoped %q; want 7 and 4", namespaced, cluster)
	}
}

func TestOtherNamespaceOnRealManifests(t *testing.T) {
	_, err := realManifests(t, func(objs []manifest.Object) {
		for _, o := range objs {
			if o.Kind() == "Deployment" {
				o.Metadata(true)["namespace"] = "storage"
			}
		}
	})
	want := `set namespace hostpath-provisioner:
  apps/Deployment storage/hostpath-provisioner-operator: names namespace "storage", the module's is "hostpath-provisioner"`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestInvalid(t *testing.T) {
	with := func(mod func(*Config)) Config {
		c := DefaultConfig()
		mod(&c)
		return c
	}
	tests := map[string]Config{
		"pool-without-path": with(func(c *Config) { c.StoragePools = []StoragePool{{Name: "ssd"}} }),
		"pool-without-name": with(func(c *Config) { c.StoragePools = []StoragePool{{Path: "/var/mnt/ssd"}} }),
		"relative-path":     with(func(c *Config) { c.StoragePools = []StoragePool{{Name: "ssd", Path: "var/mnt/ssd"}} }),
		"unclean-path":      with(func(c *Config) { c.StoragePools = []StoragePool{{Name: "ssd", Path: "/var/mnt//ssd/"}} }),
		"root-path":         with(func(c *Config) { c.StoragePools = []StoragePool{{Name: "ssd", Path: "/"}} }),
		"duplicate-names": with(func(c *Config) {
			c.StoragePools = []StoragePool{{Name: "ssd", Path: "/var/mnt/a"}, {Name: "hdd", Path: "/var/mnt/b"}, {Name: "ssd", Path: "/var/mnt/c"}}
		}),
		"bad-pool-name":    with(func(c *Config) { c.StoragePools = []StoragePool{{Name: "Fast_SSD", Path: "/var/mnt/ssd"}} }),
		"no-pools":         with(func(c *Config) { c.StoragePools = nil }),
		"bad-binding-mode": with(func(c *Config) { c.VolumeBindingMode = "Lazy" }),
		"version-with-v":   with(func(c *Config) { c.Version = "v0.20.0" }),
		"empty-version":    with(func(c *Config) { c.Version = "" }),
		"disabled-bad-pool": with(func(c *Config) {
			c.Enabled = false
			c.StoragePools = []StoragePool{{Name: "ssd", Path: "relative"}}
		}),
	}
	platformtest.Invalid(t, "hostpath_provisioner", tests)
}

func TestValid(t *testing.T) {
	for name, mod := range map[string]func(*Config){
		"defaults":  nil,
		"immediate": func(c *Config) { c.VolumeBindingMode = storagev1.VolumeBindingImmediate },
		"three pools": func(c *Config) {
			c.StoragePools = []StoragePool{{Name: "a", Path: "/a"}, {Name: "b", Path: "/var/b"}, {Name: "c-1", Path: "/var/mnt/c"}}
		},
		"prerelease": func(c *Config) { c.Version = "0.21.0-rc.1" },
	} {
		cfg := DefaultConfig()
		if mod != nil {
			mod(&cfg)
		}
		if errs := cfg.Validate(field.NewPath("modules", "hostpath_provisioner")); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs.ToAggregate())
		}
	}
}

func TestModule(t *testing.T) {
	if !reflect.DeepEqual(Module.Requires(), []string{"cert_manager"}) {
		t.Errorf("requires %v", Module.Requires())
	}
	refs := Module.Artifacts(DefaultConfig())
	base := "https://github.com/kubevirt/hostpath-provisioner-operator/releases/download/v0.20.0/"
	if len(refs) != 2 || refs[0].Name != "hostpath_provisioner/webhook.yaml" || refs[0].URL != base+"webhook.yaml" ||
		refs[1].Name != "hostpath_provisioner/operator.yaml" || refs[1].URL != base+"operator.yaml" || refs[1].Version != "0.20.0" {
		t.Errorf("artifacts = %+v", refs)
	}
	if got := Module.Version(DefaultConfig()); got != "0.20.0" {
		t.Errorf("version = %q", got)
	}
	want := []string{"hostpathprovisioner.kubevirt.io/v1beta1", "hostpathprovisioner.kubevirt.io/v1beta1/HostPathProvisioner"}
	if !reflect.DeepEqual(Module.APIs(), want) {
		t.Errorf("APIs = %v", Module.APIs())
	}
}

func TestDocTags(t *testing.T) {
	platformtest.Docs(t, reflect.TypeOf(Config{}))
}

// TestReadme checks that README.md documents every option with its doc tag's text.
func TestReadme(t *testing.T) {
	platformtest.Readme(t, reflect.TypeOf(Config{}), "README.md")
}

// TestPinImagesRealManifest: the real operator.yaml runs :latest images; after the
// module's transform, none is left, and every hostpath image carries the release tag.
func TestPinImagesRealManifest(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "upstream", "hostpath-provisioner-operator", "v0.20.0", "operator.yaml"))
	if err != nil {
		t.Skip(err)
	}
	objs, err := upstream.Parse(data, "operator.yaml", pinImages("0.20.0"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, o := range objs {
		for _, r := range images.Find(o, Module.Images...) {
			if strings.HasSuffix(r.Image, ":latest") {
				t.Errorf("%s still runs %s", o.ID(), r.Image)
			}
			if strings.HasPrefix(r.Image, "quay.io/kubevirt/hostpath-") {
				found++
				if !strings.HasSuffix(r.Image, ":v0.20.0") {
					t.Errorf("%s runs %s, want the release tag", o.ID(), r.Image)
				}
			}
		}
	}
	if found < 4 {
		t.Errorf("found %d hostpath images; want the container and its image env vars", found)
	}
}
