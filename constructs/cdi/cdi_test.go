package cdi

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/constructs/platform/platformtest"

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
// (internal/fixture), a stand-in with the shape of the real cdi-operator.yaml.

var target = platform.Kubernetes{Version: "1.30", Distribution: platform.Talos}

// with returns the defaults changed by mod.
func with(mod func(*Config)) Config {
	c := DefaultConfig()
	if mod != nil {
		mod(&c)
	}
	return c
}

func synthesize(t *testing.T, cfg Config) ([]byte, []string) {
	t.Helper()
	var warnings []string
	got, err := synth.ModuleWith(Module, cfg, synth.ModuleOptions{
		Kubernetes: target,
		Artifacts:  fixturetest.Store(t),
		Warn:       func(msg string) { warnings = append(warnings, msg) },
	})
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	return got, warnings
}

func TestGolden(t *testing.T) {
	scenarios := map[string]func(*Config){
		"default": nil,
		"custom-gates": func(c *Config) {
			c.FeatureGates = []string{"HonorWaitForFirstConsumer", "DataVolumeClaimAdoption", "WebhookPvcRendering"}
		},
		"no-gates": func(c *Config) { c.FeatureGates = nil },
	}
	for name, mod := range scenarios {
		t.Run(name, func(t *testing.T) {
			cfg := with(mod)
			got, warnings := synthesize(t, cfg)
			if len(warnings) > 0 {
				t.Errorf("unexpected warnings: %q", warnings)
			}
			golden.Assert(t, got, name+".golden.yaml")
			checkOutput(t, platformtest.Files(t, got), cfg)
		})
	}
}

// checkOutput checks what every scenario must hold: the stages, one cdi namespace (the
// manifest's) and the CDI CR.
func checkOutput(t *testing.T, files []platformtest.File, cfg Config) {
	t.Helper()
	stages := map[string]string{
		"Namespace/" + Namespace:                        "00-crds-",
		"CustomResourceDefinition/cdis.cdi.kubevirt.io": "00-crds-",
		"Deployment/" + OperatorName:                    "10-cluster-",
		"ClusterRoleBinding/cdi-operator":               "10-cluster-",
		"CDI/" + CDIName:                                "20-resources-",
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
			if ns := o.Namespace(); ns != "" && ns != Namespace {
				t.Errorf("%s: namespace %q, want %q", o.ID(), ns, Namespace)
			}
		}
	}
	if namespaces != 1 {
		t.Errorf("%d Namespace objects, want the manifest's only", namespaces)
	}
	cr, _ := platformtest.Find(files, "CDI", CDIName)
	if cr == nil {
		return
	}
	if cr.Namespace() != "" {
		t.Errorf("CDI has namespace %q; it is cluster-scoped", cr.Namespace())
	}
	gates, _ := cr.Lookup("spec", "config", "featureGates")
	if fmt.Sprint(gates) != fmt.Sprint(anyList(cfg.FeatureGates)) {
		t.Errorf("featureGates = %v, want %v", gates, cfg.FeatureGates)
	}
}

func anyList(s []string) any {
	if len(s) == 0 {
		return nil
	}
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e
	}
	return out
}

func TestIdempotent(t *testing.T) {
	a, _ := synthesize(t, DefaultConfig())
	b, _ := synthesize(t, DefaultConfig())
	if !bytes.Equal(a, b) {
		t.Fatalf("two synths of the same config differ:\n%s", golden.Diff(string(a), string(b), "first", "second"))
	}
}

func TestInvalid(t *testing.T) {
	tests := map[string]Config{
		"unknown-gate": with(func(c *Config) {
			c.FeatureGates = []string{"HonorWaitForFirstConsumers", "honorwaitforfirstconsumer", "ClaimAdoption"}
		}),
		"duplicate-gate": with(func(c *Config) {
			c.FeatureGates = []string{"HonorWaitForFirstConsumer", " ", "HonorWaitForFirstConsumer"}
		}),
		"empty-version":  with(func(c *Config) { c.Version = "" }),
		"v-version":      with(func(c *Config) { c.Version = "v1.60.3" }),
		"latest-version": with(func(c *Config) { c.Version = "latest" }),
		// Values are checked when the module is disabled too.
		"disabled-everything": {Version: "1.60", FeatureGates: []string{"WebhookPVCRendering"}},
	}
	platformtest.Invalid(t, "cdi", tests)
}

func TestValid(t *testing.T) {
	tests := map[string]Config{
		"defaults":      DefaultConfig(),
		"every gate":    with(func(c *Config) { c.FeatureGates = FeatureGates160 }),
		"no gates":      with(func(c *Config) { c.FeatureGates = []string{} }),
		"patch release": with(func(c *Config) { c.Version = "1.60.1" }),
		// kargo cannot check the gates of another minor version: New warns instead.
		"other version": with(func(c *Config) { c.Version = "1.61.0"; c.FeatureGates = []string{"NewGate"} }),
		"disabled":      with(func(c *Config) { c.Enabled = false }),
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			if errs := cfg.Validate(field.NewPath("modules", "cdi")); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs.ToAggregate())
			}
		})
	}
}

// anyVersion serves the fixture cdi-operator.yaml for every version.
type anyVersion struct{ store platform.Fetcher }

func (f anyVersion) Fetch(ctx context.Context, _ artifact.Ref) (artifact.Artifact, error) {
	return f.store.Fetch(ctx, DefaultConfig().Manifest())
}

// TestOtherVersionWarns: with a version kargo has no gate list for, an unknown gate is
// a warning, not an error.
func TestOtherVersionWarns(t *testing.T) {
	cfg := with(func(c *Config) {
		c.Version = "1.61.0"
		c.FeatureGates = []string{"HonorWaitForFirstConsumer", "NewGate"}
	})
	var warnings []string
	env := platform.Env{
		Kubernetes: target,
		Warn:       func(format string, args ...any) { warnings = append(warnings, fmt.Sprintf(format, args...)) },
		Artifacts:  anyVersion{fixturetest.Store(t)},
		Scope:      synth.Scope,
	}
	if err := Module.Build(platform.NewChart(cdk8s.NewApp(nil), "cdi"), cfg, env); err != nil {
		t.Fatal(err)
	}
	want := []string{`feature_gates[1]: "NewGate" is not a feature gate of CDI 1.60 and kargo cannot check the gates of CDI 1.61.0: make sure the name is right`}
	if !reflect.DeepEqual(warnings, want) {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
}

// TestImages: kargo images lists the images cdi-operator takes from its *_IMAGE env
// vars, and image mirrors rewrite them.
func TestImages(t *testing.T) {
	got, _ := synthesize(t, DefaultConfig())
	files := platformtest.Files(t, got)
	var objs []manifest.Object
	for _, f := range files {
		objs = append(objs, f.Objects...)
	}
	var listed []string
	for _, u := range images.List(objs, Module.ImageRules()...) {
		listed = append(listed, u.Image)
	}
	want := []string{
		"quay.io/kubevirt/cdi-apiserver:v1.60.3",
		"quay.io/kubevirt/cdi-cloner:v1.60.3",
		"quay.io/kubevirt/cdi-controller:v1.60.3",
		"quay.io/kubevirt/cdi-importer:v1.60.3",
		"quay.io/kubevirt/cdi-operator:v1.60.3",
		"quay.io/kubevirt/cdi-uploadproxy:v1.60.3",
		"quay.io/kubevirt/cdi-uploadserver:v1.60.3",
	}
	if !reflect.DeepEqual(listed, want) {
		t.Errorf("images = %q, want %q", listed, want)
	}
	if plain := images.List(objs); len(plain) != 1 {
		t.Errorf("without the module's rules %d images are listed, want the operator's only", len(plain))
	}
	deploy, _ := platformtest.Find(files, "Deployment", OperatorName)
	mirror := images.Rewriter{Mirrors: images.Mirrors{"quay.io/kubevirt": "harbor.example/kubevirt"}, Rules: Module.ImageRules()}
	if err := mirror.Visit(deploy); err != nil {
		t.Fatal(err)
	}
	containers, _ := deploy.Lookup("spec", "template", "spec", "containers")
	if s := fmt.Sprint(containers); strings.Contains(s, "quay.io") || strings.Count(s, "harbor.example/kubevirt/") != 8 {
		t.Errorf("mirrored containers: %s", s)
	}
}

func TestModule(t *testing.T) {
	cfg := DefaultConfig()
	want := []artifact.Ref{{
		Name:    "cdi/cdi-operator.yaml",
		Kind:    artifact.Manifest,
		URL:     "https://github.com/kubevirt/containerized-data-importer/releases/download/v1.60.3/cdi-operator.yaml",
		Version: "1.60.3",
	}}
	if got := Module.Artifacts(cfg); !reflect.DeepEqual(got, want) {
		t.Errorf("Artifacts = %+v, want %+v", got, want)
	}
	if got := Module.Artifacts(with(func(c *Config) { c.Enabled = false })); got != nil {
		t.Errorf("Artifacts of a disabled module = %+v", got)
	}
	if got := Module.Version(cfg); got != "1.60.3" {
		t.Errorf("Version = %q", got)
	}
	if got := Module.APIs(); !reflect.DeepEqual(got, []string{"cdi.kubevirt.io/v1beta1", "cdi.kubevirt.io/v1beta1/CDI"}) {
		t.Errorf("APIs = %q", got)
	}
	// cdi-operator needs nothing from another module: it installs CDI on its own, and
	// KubeVirt uses DataVolumes only when both are there.
	if len(Module.Requires()) != 0 {
		t.Errorf("Requires = %q, want none", Module.Requires())
	}
}

func TestDefaultGatesKnown(t *testing.T) {
	for _, g := range DefaultFeatureGates {
		if !knownGates[g] {
			t.Errorf("default gate %s is not in FeatureGates160", g)
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
