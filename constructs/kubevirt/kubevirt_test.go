package kubevirt

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/constructs/platform/platformtest"

	"github.com/kargo-platform/kargo/internal/suggest"

	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/fixture/fixturetest"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/manifest"
	"github.com/kargo-platform/kargo/internal/synth"
)

// Use go test -update (or KARGO_UPDATE_GOLDEN=1) to create or update the golden files
// in testdata/. Goldens are synthesized against the fixture upstream
// (internal/fixture), a stand-in with the shape of the real kubevirt-operator.yaml.

func target(d platform.Distribution) platform.Kubernetes {
	return platform.Kubernetes{Version: "1.30", Distribution: d}
}

// with returns the defaults changed by mod.
func with(mod func(*Config)) Config {
	c := DefaultConfig()
	if mod != nil {
		mod(&c)
	}
	return c
}

func synthesize(t *testing.T, cfg Config, d platform.Distribution) ([]byte, []string) {
	t.Helper()
	var warnings []string
	got, err := synth.ModuleWith(Module, cfg, synth.ModuleOptions{
		Kubernetes: target(d),
		Artifacts:  fixturetest.Store(t),
		Warn:       func(msg string) { warnings = append(warnings, msg) },
	})
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	return got, warnings
}

type scenario struct {
	dist platform.Distribution
	mod  func(*Config)
	// emulation and selinux are what the output must say.
	emulation, selinux bool
}

var scenarios = map[string]scenario{
	"talos":            {dist: platform.Talos, selinux: true},
	"kind":             {dist: platform.Kind, emulation: true},
	"generic":          {dist: platform.Generic},
	"use-emulation":    {dist: platform.Generic, emulation: true, mod: func(c *Config) { c.UseEmulation = true }},
	"selinux-off":      {dist: platform.Talos, mod: func(c *Config) { c.DisableSELinux = Off }},
	"selinux-on":       {dist: platform.Generic, selinux: true, mod: func(c *Config) { c.DisableSELinux = On }},
	"custom-gates":     {dist: platform.Talos, selinux: true, mod: func(c *Config) { c.FeatureGates = []string{"Snapshot", "HotplugVolumes", "VMExport"} }},
	"custom-namespace": {dist: platform.Talos, selinux: true, mod: func(c *Config) { c.Namespace = "virtualization" }},
	"pci-host-devices": {dist: platform.Generic, mod: func(c *Config) {
		c.PCIHostDevices = []PCIHostDevice{
			{PCIVendorSelector: "10de:1eb8", ResourceName: "nvidia.com/TU104GL_Tesla_T4"},
			{PCIVendorSelector: "8086:6f54", ResourceName: "intel.com/qat", ExternalResourceProvider: true},
		}
	}},
}

func TestGolden(t *testing.T) {
	for name, s := range scenarios {
		t.Run(name, func(t *testing.T) {
			cfg := with(s.mod)
			got, warnings := synthesize(t, cfg, s.dist)
			if len(warnings) > 0 {
				t.Errorf("unexpected warnings: %q", warnings)
			}
			golden.Assert(t, got, name+".golden.yaml")
			checkOutput(t, platformtest.Files(t, got), cfg, s)
		})
	}
}

// checkOutput checks what every scenario must hold: the stages, the namespace (no
// object left in upstream's when it moved), emulation and the DaemonSet.
func checkOutput(t *testing.T, files []platformtest.File, cfg Config, s scenario) {
	t.Helper()
	stages := map[string]string{
		"Namespace/" + cfg.Namespace:                     "00-crds-",
		"CustomResourceDefinition/kubevirts.kubevirt.io": "00-crds-",
		"Deployment/" + OperatorName:                     "10-cluster-",
		"ClusterRoleBinding/kubevirt-operator":           "10-cluster-",
		"RoleBinding/kubevirt-operator-rolebinding":      "10-cluster-",
		"PriorityClass/kubevirt-cluster-critical":        "10-cluster-",
		"KubeVirt/" + KubeVirtName:                       "20-resources-",
	}
	for id, prefix := range stages {
		kind, name, _ := strings.Cut(id, "/")
		if o, f := platformtest.Find(files, kind, name); o == nil || !strings.HasPrefix(f, prefix) {
			t.Errorf("%s: in file %q, want a %s file", id, f, prefix)
		}
	}
	namespaces := 0
	for _, f := range files {
		for _, o := range f.Objects {
			if o.Kind() == "Namespace" {
				namespaces++
			}
			if ns := o.Namespace(); ns != "" && ns != cfg.Namespace {
				t.Errorf("%s: namespace %q, want %q", o.ID(), ns, cfg.Namespace)
			}
			subjects, _ := o["subjects"].([]any)
			for _, sub := range subjects {
				if ns := sub.(map[string]any)["namespace"]; ns != cfg.Namespace {
					t.Errorf("%s: subject in namespace %v, want %q", o.ID(), ns, cfg.Namespace)
				}
			}
		}
	}
	if namespaces != 1 {
		t.Errorf("%d Namespace objects, want only the module's", namespaces)
	}
	ns, _ := platformtest.Find(files, "Namespace", cfg.Namespace)
	if ns != nil {
		labels := ns.StringMap("labels", false)
		for k, v := range map[string]string{"kubevirt.io": "", "openshift.io/cluster-monitoring": "true", "pod-security.kubernetes.io/enforce": "privileged"} {
			if labels[k] != v {
				t.Errorf("namespace label %s = %v, want %q", k, labels[k], v)
			}
		}
	}
	kv, _ := platformtest.Find(files, "KubeVirt", KubeVirtName)
	if kv != nil {
		if got, _ := kv.Lookup("spec", "configuration", "developerConfiguration", "useEmulation"); got != s.emulation {
			t.Errorf("useEmulation = %v, want %v", got, s.emulation)
		}
		if got, _ := kv.LookupString("spec", "configuration", "smbios", "version"); got != cfg.Version {
			t.Errorf("smbios version = %q, want %q", got, cfg.Version)
		}
	}
	if ds, _ := platformtest.Find(files, "DaemonSet", SELinuxName); (ds != nil) != s.selinux {
		t.Errorf("disable-selinux DaemonSet present: %v, want %v", ds != nil, s.selinux)
	}
}

func TestIdempotent(t *testing.T) {
	a, _ := synthesize(t, DefaultConfig(), platform.Talos)
	b, _ := synthesize(t, DefaultConfig(), platform.Talos)
	if !bytes.Equal(a, b) {
		t.Fatalf("two synths of the same config differ:\n%s", golden.Diff(string(a), string(b), "first", "second"))
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		dist                 platform.Distribution
		toggle               Toggle
		useEmulation         bool
		wantEmu, wantSELinux bool
	}{
		{platform.Talos, Auto, false, false, true},
		{platform.Talos, Off, false, false, false},
		{platform.Kind, Auto, false, true, false},
		{platform.Kind, On, false, true, true},
		{platform.Generic, Auto, false, false, false},
		{platform.Generic, Auto, true, true, false},
		{platform.Generic, On, false, false, true},
	}
	for _, tc := range tests {
		cfg := with(func(c *Config) { c.DisableSELinux, c.UseEmulation = tc.toggle, tc.useEmulation })
		r := cfg.resolve(target(tc.dist))
		if r.useEmulation != tc.wantEmu || r.disableSELinux != tc.wantSELinux {
			t.Errorf("%s, disable_selinux %s, use_emulation %v: %+v, want emulation %v, selinux %v", tc.dist, tc.toggle, tc.useEmulation, r, tc.wantEmu, tc.wantSELinux)
		}
	}
}

func TestInvalid(t *testing.T) {
	tests := map[string]Config{
		"unknown-gate":        with(func(c *Config) { c.FeatureGates = []string{"HostDevice", "livemigration", "Snapshots"} }),
		"duplicate-gate":      with(func(c *Config) { c.FeatureGates = []string{"HostDevices", "", "HostDevices"} }),
		"bad-namespace":       with(func(c *Config) { c.Namespace = "KubeVirt_NS" }),
		"system-namespace":    with(func(c *Config) { c.Namespace = "kube-system" }),
		"empty-version":       with(func(c *Config) { c.Version = "" }),
		"v-version":           with(func(c *Config) { c.Version = "v1.3.1" }),
		"latest-version":      with(func(c *Config) { c.Version = "latest" }),
		"bad-disable-selinux": with(func(c *Config) { c.DisableSELinux = "yes" }),
		"bad-pci-host-devices": with(func(c *Config) {
			c.PCIHostDevices = []PCIHostDevice{
				{PCIVendorSelector: "10de-1eb8", ResourceName: "Tesla T4"},
				{ResourceName: "nvidia.com/T4"},
				{PCIVendorSelector: "10de:1eb9", ResourceName: "nvidia.com/T4"},
			}
		}),
		"pci-without-gate": with(func(c *Config) {
			c.FeatureGates = []string{"LiveMigration"}
			c.PCIHostDevices = []PCIHostDevice{{PCIVendorSelector: "10de:1eb8", ResourceName: "nvidia.com/T4"}}
		}),
		// Values are checked when the module is disabled too.
		"disabled-everything": {
			Namespace:      "",
			Version:        "1.3",
			FeatureGates:   []string{"ExpandDisk"},
			DisableSELinux: "",
		},
	}
	platformtest.Invalid(t, "kubevirt", tests)
}

func TestValid(t *testing.T) {
	tests := map[string]Config{
		"defaults":      DefaultConfig(),
		"every gate":    with(func(c *Config) { c.FeatureGates = FeatureGates13 }),
		"no gates":      with(func(c *Config) { c.FeatureGates = nil }),
		"patch release": with(func(c *Config) { c.Version = "1.3.0" }),
		// kargo cannot check the gates of another minor version: New warns instead.
		"other version": with(func(c *Config) { c.Version = "1.4.0"; c.FeatureGates = []string{"DynamicPodInterfaceNaming"} }),
		"disabled":      with(func(c *Config) { c.Enabled = false }),
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			if errs := cfg.Validate(field.NewPath("modules", "kubevirt")); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs.ToAggregate())
			}
		})
	}
}

// anyVersion serves the fixture kubevirt-operator.yaml for every version.
type anyVersion struct{ store platform.Fetcher }

func (f anyVersion) Fetch(ctx context.Context, _ artifact.Ref) (artifact.Artifact, error) {
	return f.store.Fetch(ctx, DefaultConfig().Manifest())
}

// TestOtherVersionWarns: with a version kargo has no gate list for, an unknown gate is
// a warning, not an error.
func TestOtherVersionWarns(t *testing.T) {
	cfg := with(func(c *Config) {
		c.Version = "1.4.0"
		c.FeatureGates = []string{"LiveMigration", "DynamicPodInterfaceNaming"}
	})
	var warnings []string
	env := platform.Env{
		Kubernetes: target(platform.Generic),
		Warn:       func(format string, args ...any) { warnings = append(warnings, fmt.Sprintf(format, args...)) },
		Artifacts:  anyVersion{fixturetest.Store(t)},
		Scope:      synth.Scope,
	}
	if err := Module.Build(platform.NewChart(cdk8s.NewApp(nil), "kubevirt"), cfg, env); err != nil {
		t.Fatal(err)
	}
	want := []string{`feature_gates[1]: "DynamicPodInterfaceNaming" is not a feature gate of KubeVirt 1.3 and kargo cannot check the gates of KubeVirt 1.4.0: make sure the name is right`}
	if !reflect.DeepEqual(warnings, want) {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
}

func TestClosest(t *testing.T) {
	for in, want := range map[string]string{
		"HostDevice":         "HostDevices",
		"livemigration":      "LiveMigration",
		"Snapshots":          "Snapshot",
		"ExpandDisk":         "ExpandDisks",
		"NetworkBinding":     "NetworkBindingPlugins",
		"autoresourcelimits": "AutoResourceLimitsGate",
	} {
		if got := suggest.Nearest(in, FeatureGates13); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefaultGatesKnown(t *testing.T) {
	for _, g := range DefaultFeatureGates {
		if !knownGates[g] {
			t.Errorf("default gate %s is not in FeatureGates13", g)
		}
	}
	seen := map[string]bool{}
	for _, g := range FeatureGates13 {
		if seen[g] {
			t.Errorf("FeatureGates13 lists %s twice", g)
		}
		seen[g] = true
	}
}

func TestRebind(t *testing.T) {
	objs := []manifest.Object{
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": map[string]any{"name": "a"}, "subjects": []any{
			map[string]any{"kind": "ServiceAccount", "name": "op", "namespace": "kubevirt"},
			map[string]any{"kind": "ServiceAccount", "name": "other", "namespace": "monitoring"},
			map[string]any{"kind": "Group", "name": "system:authenticated", "apiGroup": "rbac.authorization.k8s.io"},
		}},
		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "b", "namespace": "kubevirt"}, "subjects": []any{
			map[string]any{"kind": "ServiceAccount", "name": "op", "namespace": "kubevirt"},
		}},
	}
	out, err := Rebind{From: "kubevirt", To: "virt"}.Apply(objs)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(out[0]["subjects"], out[1]["subjects"])
	want := "[map[kind:ServiceAccount name:op namespace:virt] map[kind:ServiceAccount name:other namespace:monitoring] map[apiGroup:rbac.authorization.k8s.io kind:Group name:system:authenticated]] [map[kind:ServiceAccount name:op namespace:kubevirt]]"
	if got != want {
		t.Errorf("subjects:\n got %s\nwant %s", got, want)
	}
	_, err = Rebind{From: "elsewhere", To: "virt"}.Apply(objs)
	if want := "rebind service accounts of namespace elsewhere: no RoleBinding or ClusterRoleBinding names one"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// TestImages: kargo images lists the image virt-operator takes from VIRT_OPERATOR_IMAGE,
// and image mirrors rewrite it together with the container image.
func TestImages(t *testing.T) {
	got, _ := synthesize(t, DefaultConfig(), platform.Talos)
	var objs []manifest.Object
	for _, f := range platformtest.Files(t, got) {
		objs = append(objs, f.Objects...)
	}
	var listed []string
	for _, u := range images.List(objs, Module.ImageRules()...) {
		listed = append(listed, u.Image)
	}
	want := []string{"docker.io/library/alpine:3.20", "quay.io/kubevirt/virt-operator:v1.3.1"}
	if !reflect.DeepEqual(listed, want) {
		t.Errorf("images = %q, want %q", listed, want)
	}
	deploy, _ := platformtest.Find(platformtest.Files(t, got), "Deployment", OperatorName)
	var refs []string
	for _, r := range images.Find(deploy, Module.ImageRules()...) {
		refs = append(refs, r.Image)
	}
	if want := []string{"quay.io/kubevirt/virt-operator:v1.3.1", "quay.io/kubevirt/virt-operator:v1.3.1"}; !reflect.DeepEqual(refs, want) {
		t.Errorf("references in virt-operator = %q, want the image and VIRT_OPERATOR_IMAGE", refs)
	}
	mirror := images.Rewriter{Mirrors: images.Mirrors{"quay.io/kubevirt": "harbor.example/kubevirt"}, Rules: Module.ImageRules()}
	if err := mirror.Visit(deploy); err != nil {
		t.Fatal(err)
	}
	env, _ := deploy.Lookup("spec", "template", "spec", "containers")
	if s := fmt.Sprint(env); !strings.Contains(s, "name:VIRT_OPERATOR_IMAGE value:harbor.example/kubevirt/virt-operator:v1.3.1") || strings.Contains(s, "quay.io") {
		t.Errorf("mirrored containers: %s", s)
	}
}

func TestModule(t *testing.T) {
	cfg := DefaultConfig()
	want := []artifact.Ref{{
		Name:    "kubevirt/kubevirt-operator.yaml",
		Kind:    artifact.Manifest,
		URL:     "https://github.com/kubevirt/kubevirt/releases/download/v1.3.1/kubevirt-operator.yaml",
		Version: "1.3.1",
	}}
	if got := Module.Artifacts(cfg); !reflect.DeepEqual(got, want) {
		t.Errorf("Artifacts = %+v, want %+v", got, want)
	}
	if got := Module.Artifacts(with(func(c *Config) { c.Enabled = false })); got != nil {
		t.Errorf("Artifacts of a disabled module = %+v", got)
	}
	if got := Module.Version(cfg); got != "1.3.1" {
		t.Errorf("Version = %q", got)
	}
	if got := Module.APIs(); !reflect.DeepEqual(got, []string{"kubevirt.io/v1", "kubevirt.io/v1/KubeVirt"}) {
		t.Errorf("APIs = %q", got)
	}
	if len(Module.Requires()) != 0 {
		t.Errorf("Requires = %q, want none", Module.Requires())
	}
}

// TestRealCRD checks the KubeVirt CR against the schema of the real
// kubevirts.kubevirt.io CRD of KubeVirt v1.3.1 (../shared/upstream): every field kargo
// writes exists there with the type written, so the API server prunes nothing.
func TestRealCRD(t *testing.T) {
	p := filepath.Join("..", "..", "..", "shared", "upstream", "kubevirt", "v1.3.1", "kv-resource.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("real CRD %s: %v", p, err)
	}
	crds, err := manifest.ParseYAML(data, p)
	if err != nil || len(crds) != 1 {
		t.Fatalf("parse %s: %d objects, %v", p, len(crds), err)
	}
	versions, _ := crds[0].Lookup("spec", "versions")
	var schema map[string]any
	for _, v := range versions.([]any) {
		vm := v.(map[string]any)
		if vm["name"] == "v1" {
			found, _ := manifest.Object(vm).Lookup("schema", "openAPIV3Schema")
			schema, _ = found.(map[string]any)
			break
		}
	}
	if schema == nil {
		t.Fatal("no v1 schema in the real CRD")
	}
	for name, s := range scenarios {
		cfg := with(s.mod)
		kv, err := kubeVirt(cfg, cfg.resolve(target(s.dist)))
		if err != nil {
			t.Fatal(err)
		}
		for _, msg := range conform(map[string]any(kv), schema, "") {
			t.Errorf("%s: %s", name, msg)
		}
	}
}

// conform returns where v does not fit the structural schema s: unknown fields (which
// the API server would prune) and wrong types.
func conform(v any, s map[string]any, path string) []string {
	if s["x-kubernetes-preserve-unknown-fields"] == true && s["properties"] == nil {
		return nil
	}
	typ, _ := s["type"].(string)
	var out []string
	switch t := v.(type) {
	case map[string]any:
		if typ != "object" {
			return []string{fmt.Sprintf("%s: an object, the schema says %s", path, typ)}
		}
		props, _ := s["properties"].(map[string]any)
		extra, _ := s["additionalProperties"].(map[string]any)
		for k, e := range t {
			sub, ok := props[k].(map[string]any)
			switch {
			case ok:
				out = append(out, conform(e, sub, path+"."+k)...)
			case extra != nil:
				out = append(out, conform(e, extra, path+"."+k)...)
			case path == ".metadata":
			default:
				out = append(out, fmt.Sprintf("%s.%s: not in the schema", path, k))
			}
		}
	case []any:
		if typ != "array" {
			return []string{fmt.Sprintf("%s: a list, the schema says %s", path, typ)}
		}
		items, _ := s["items"].(map[string]any)
		for i, e := range t {
			out = append(out, conform(e, items, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case string:
		if typ != "string" && s["x-kubernetes-int-or-string"] != true {
			out = append(out, fmt.Sprintf("%s: a string, the schema says %s", path, typ))
		}
	case bool:
		if typ != "boolean" {
			out = append(out, fmt.Sprintf("%s: a boolean, the schema says %s", path, typ))
		}
	case float64, int64, int:
		if typ != "integer" && typ != "number" && s["x-kubernetes-int-or-string"] != true {
			out = append(out, fmt.Sprintf("%s: a number, the schema says %s", path, typ))
		}
	}
	return out
}

func TestDocTags(t *testing.T) {
	platformtest.Docs(t, reflect.TypeOf(Config{}))
}

// TestReadme checks that README.md documents every option with its doc tag's text.
func TestReadme(t *testing.T) {
	platformtest.Readme(t, reflect.TypeOf(Config{}), "README.md")
}
