package synth

import (
	"bytes"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/config"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/manifest"
)

type demoConfig struct {
	Enabled   bool   `json:"enabled"`
	Namespace string `json:"namespace"`
	// Break makes the module emit a bad object: "dup", "nons", "unknown".
	Break string `json:"break"`
}

func (c demoConfig) IsEnabled() bool                      { return c.Enabled }
func (c demoConfig) Validate(*field.Path) field.ErrorList { return nil }

// demo authors objects through cdk8s and holds others in bulk, like a module that
// renders a chart.
func demo(c *platform.Chart, cfg demoConfig, env platform.Env) error {
	ns := cfg.Namespace
	objs := []any{
		&corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: ns}},
		&corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: ns, Labels: map[string]string{"team": "own"}},
			Data: map[string]string{"on": "yes", "script.sh": "#!/bin/sh\necho hi\n", "port": "8080"}},
		&appsv1.Deployment{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}, ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
			Spec: appsv1.DeploymentSpec{
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27", Args: []string{"--port", "8080"}}}},
				},
			}},
	}
	for _, o := range objs {
		if err := c.Add(o); err != nil {
			return err
		}
	}
	bulk := []manifest.Object{
		{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": map[string]any{"name": "widgets.example.com"},
			"spec": map[string]any{"group": "example.com", "scope": "Namespaced", "names": map[string]any{"kind": "Widget", "plural": "widgets"}}},
		{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": map[string]any{"name": "w1", "namespace": ns}, "spec": map[string]any{"size": 3}},
		{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "web", "namespace": ns}},
		{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine", "metadata": map[string]any{"name": "vm1", "namespace": ns}, "spec": map[string]any{"running": false}},
	}
	switch cfg.Break {
	case "dup":
		bulk = append(bulk, manifest.Object{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "web", "namespace": ns}})
	case "nons":
		bulk = append(bulk, manifest.Object{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s"}})
	case "unknown":
		bulk = append(bulk, manifest.Object{"apiVersion": "unknown.io/v1", "kind": "Thing", "metadata": map[string]any{"name": "t"}})
	}
	c.AddBulk("fixture", "test fixture", bulk)
	return nil
}

// other authors a Namespace and a custom resource of demo's CRD.
func other(c *platform.Chart, cfg demoConfig, env platform.Env) error {
	if err := c.Add(&corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: cfg.Namespace}}); err != nil {
		return err
	}
	return c.AddObject(manifest.Object{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": map[string]any{"name": "w2", "namespace": cfg.Namespace}, "spec": map[string]any{"size": 1}})
}

func registry() *platform.Registry {
	return platform.NewRegistry(
		platform.Definition[demoConfig]{ModuleName: "demo", Description: "Demo.",
			Default: func() demoConfig { return demoConfig{Namespace: "demo"} }, New: demo,
			VersionOf: func(demoConfig) string { return "1.0.0" }},
		platform.Definition[demoConfig]{ModuleName: "other", Description: "Other.", Requirement: []string{"demo"},
			Default: func() demoConfig { return demoConfig{Namespace: "other"} }, New: other},
	)
}

const baseConfig = `apiVersion: kargo/v1alpha1
metadata:
  labels:
    team: infra
    app.kubernetes.io/part-of: kargo
  annotations:
    owner: platform@example.com
compliance:
  fisma: {enabled: true, level: moderate, enforcing: strict, ato: {authorized: "2026-01-31"}}
  nist: {enabled: true, controls: [AC-2]}
  scip: {environment: Production, ownership: {operator: {name: ops}}}
modules:
  demo: {enabled: true}
  other: {enabled: true}
`

func synth(t *testing.T, sets ...string) (*Result, error) {
	t.Helper()
	reg := registry()
	cfg, err := config.Parse(reg, []config.Source{{Name: "kargo.config.yaml", Data: []byte(baseConfig)}}, sets)
	if err != nil {
		return nil, err
	}
	return Run(cfg, Options{Registry: reg, Version: "test"})
}

func TestPlatformGolden(t *testing.T) {
	res, err := synth(t)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range res.Files {
		files[f.Name] = f.Data
	}
	golden.AssertTree(t, files, "platform")
}

func TestIdempotent(t *testing.T) {
	a, err := synth(t)
	if err != nil {
		t.Fatal(err)
	}
	b, err := synth(t)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for i := range a.Files {
		if a.Files[i].Name != b.Files[i].Name || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
			t.Errorf("file %s differs between two synths", a.Files[i].Name)
		}
	}
}

// TestAspectsReachEveryObject checks that every document of every file — authored
// through cdk8s or held in bulk — carries the global and compliance metadata.
func TestAspectsReachEveryObject(t *testing.T) {
	res, err := synth(t)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range res.Files {
		for _, doc := range strings.Split(string(f.Data), "\n---\n") {
			n++
			for _, want := range []string{
				"team: ", "app.kubernetes.io/part-of: kargo", "owner: platform@example.com",
				"compliance.fisma.enabled: 'true'", "compliance.nist.enabled: 'true'", "compliance.scip.environment: production",
				"compliance.fisma.level: moderate", `compliance.nist.controls: '["AC-2"]'`, "argocd.argoproj.io/sync-wave:",
			} {
				if !strings.Contains(doc, want) {
					t.Errorf("%s: a document lacks %q:\n%s", f.Name, want, doc)
				}
			}
		}
	}
	if n != res.Summary.Objects {
		t.Errorf("%d documents, summary says %d objects", n, res.Summary.Objects)
	}
	// The object's own label wins over a global one.
	if !strings.Contains(string(find(t, res, "10-cluster-01-demo.yaml")), "team: own") {
		t.Error("the ConfigMap's own team label was overwritten")
	}
}

func find(t *testing.T, res *Result, name string) []byte {
	t.Helper()
	for _, f := range res.Files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("no file %s", name)
	return nil
}

func TestErrors(t *testing.T) {
	cases := map[string]struct {
		sets []string
		want string
	}{
		"duplicate":    {[]string{"modules.demo.break=dup"}, "ServiceAccount demo/web is produced twice (modules demo and demo)"},
		"no-namespace": {[]string{"modules.demo.break=nons"}, "modules.demo: Secret s: namespaced object without a namespace; set metadata.namespace"},
		"unknown-kind": {[]string{"modules.demo.break=unknown"}, "modules.demo: unknown.io/Thing t: no CustomResourceDefinition for unknown.io/Thing in the output"},
		"same-ns":      {[]string{"modules.other.namespace=demo"}, "Namespace demo is produced twice (modules demo and other)"},
		"strict":       {[]string{"compliance.nist.controls=[]"}, "compliance is enforcing (fisma.enforcing: strict) and required fields are missing:\n  compliance.nist.controls"},
		"requirement":  {[]string{"modules.demo.enabled=false"}, "modules.other: requires demo"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := synth(t, tc.sets...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	reg := registry()
	cfg, err := config.Parse(reg, []config.Source{{Name: "k", Data: []byte("apiVersion: kargo/v1alpha1\ncompliance: {nist: {enabled: true}}\n")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	if _, err := Run(cfg, Options{Registry: reg, Warn: func(m string) { warnings = append(warnings, m) }}); err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "compliance.nist.controls") {
		t.Errorf("warnings = %v", warnings)
	}
}

func TestGitMetadata(t *testing.T) {
	res, err := synth(t, "git_metadata.enabled=true", "git_metadata.branch=Release/1.2", "git_metadata.commit=0123456789abcdef0123456789abcdef01234567", "git_metadata.remote=https://tok@git.example.com/org/platform.git")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		for _, want := range []string{"git.branch: release-1.2", "git.commit: 0123456789ab", "git.commit.full: 0123456789abcdef0123456789abcdef01234567", "git.remote: https://git.example.com/org/platform.git"} {
			data := strings.ReplaceAll(string(f.Data), "'", "") // quoting is the encoder's business
			if n := strings.Count(data, want); n != f.Objects {
				t.Errorf("%s: %q on %d of %d objects", f.Name, want, n, f.Objects)
			}
		}
	}
}

func TestImageMirrors(t *testing.T) {
	res, err := synth(t, "sources.image_mirrors[docker.io]=harbor.example/hub")
	if err != nil {
		t.Fatal(err)
	}
	web := string(find(t, res, "10-cluster-01-demo.yaml"))
	if !strings.Contains(web, "image: harbor.example/hub/library/nginx:1.27") {
		t.Errorf("image not mirrored:\n%s", web)
	}
}
