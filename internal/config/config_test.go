package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/golden"
)

// widget and gadget are test modules: widget requires gadget.
type widgetConfig struct {
	Enabled  bool              `json:"enabled" doc:"Build the widget. Defaults to false."`
	Replicas int               `json:"replicas" doc:"Replicas. Defaults to 1."`
	Name     string            `json:"name" doc:"Name. Defaults to w."`
	Gates    []string          `json:"feature_gates" doc:"Gates. Defaults to [A, B]."`
	Pool     pool              `json:"pool" doc:"The pool."`
	Values   map[string]any    `json:"values" doc:"Free-form values."`
	Extra    map[string]string `json:"extra" doc:"Extra strings."`
}

type pool struct {
	Path string `json:"path" doc:"Pool path. Defaults to /var/pool."`
}

func (c widgetConfig) IsEnabled() bool { return c.Enabled }
func (c widgetConfig) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Replicas < 1 {
		errs = append(errs, field.Invalid(p.Child("replicas"), c.Replicas, "must be at least 1"))
	}
	if !strings.HasPrefix(c.Pool.Path, "/") {
		errs = append(errs, field.Invalid(p.Child("pool", "path"), c.Pool.Path, "must be an absolute path"))
	}
	return errs
}

type gadgetConfig struct {
	Enabled bool `json:"enabled" doc:"Build the gadget."`
}

func (c gadgetConfig) IsEnabled() bool                      { return c.Enabled }
func (c gadgetConfig) Validate(*field.Path) field.ErrorList { return nil }

func testRegistry() *platform.Registry {
	return platform.NewRegistry(
		platform.Definition[widgetConfig]{
			ModuleName: "widget", Description: "A widget.", Requirement: []string{"gadget"},
			Default: func() widgetConfig {
				return widgetConfig{Replicas: 1, Name: "w", Gates: []string{"A", "B"}, Pool: pool{Path: "/var/pool"}}
			},
		},
		platform.Definition[gadgetConfig]{
			ModuleName: "gadget", Description: "A gadget.",
			Default: func() gadgetConfig { return gadgetConfig{} },
		},
	)
}

func parse(t *testing.T, sets []string, docs ...string) (*Config, error) {
	t.Helper()
	var srcs []Source
	for i, d := range docs {
		name := "kargo.config.yaml"
		if i > 0 {
			name = "overlay.yaml"
		}
		srcs = append(srcs, Source{Name: name, Data: []byte(d)})
	}
	return Parse(testRegistry(), srcs, sets)
}

func TestDefaults(t *testing.T) {
	cfg, err := parse(t, nil, "apiVersion: kargo/v1alpha1\n")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Kubernetes.Version != "1.30" || cfg.Kubernetes.Distribution != platform.Talos {
		t.Errorf("kubernetes defaults = %+v", cfg.Kubernetes)
	}
	w := cfg.Modules["widget"].(widgetConfig)
	if w.Enabled || w.Replicas != 1 || w.Pool.Path != "/var/pool" || len(w.Gates) != 2 {
		t.Errorf("widget defaults = %+v", w)
	}
}

func TestMergeAndSet(t *testing.T) {
	base := `apiVersion: kargo/v1alpha1
metadata:
  labels:
    team: infra
    env: dev
modules:
  gadget: {enabled: true}
  widget:
    enabled: true
    replicas: 2
    feature_gates: [X]
`
	overlay := `metadata:
  labels:
    env: prod
modules:
  widget:
    pool: {path: /srv/pool}
`
	cfg, err := parse(t, []string{"modules.widget.replicas=5", "metadata.labels[app.kubernetes.io/part-of]=kargo", "modules.widget.name=1.30", "modules.widget.values.deep.n=3"}, base+"    values: {a: [1, {b: true}], deep: {s: x}}\n", overlay)
	if err != nil {
		t.Fatal(err)
	}
	w := cfg.Modules["widget"].(widgetConfig)
	if w.Replicas != 5 || w.Pool.Path != "/srv/pool" || strings.Join(w.Gates, ",") != "X" || w.Name != "1.30" {
		t.Errorf("widget = %+v", w)
	}
	if fmt.Sprint(w.Values) != "map[a:[1 map[b:true]] deep:map[n:3 s:x]]" {
		t.Errorf("values = %v", w.Values)
	}
	want := map[string]string{"team": "infra", "env": "prod", "app.kubernetes.io/part-of": "kargo"}
	for k, v := range want {
		if cfg.Metadata.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, cfg.Metadata.Labels[k], v)
		}
	}
}

// TestErrors pins the exact text of each bad-input error.
func TestErrors(t *testing.T) {
	cases := map[string]struct {
		docs []string
		sets []string
	}{
		"malformed-yaml":  {docs: []string{"apiVersion: kargo/v1alpha1\nmodules:\n  widget:\n    enabled: true\n   replicas: 2\n"}},
		"unknown-key":     {docs: []string{"apiVersion: kargo/v1alpha1\nmodules:\n  widget:\n    enabeld: true\n"}},
		"unknown-module":  {docs: []string{"apiVersion: kargo/v1alpha1\nmodules:\n  widgte: {enabled: true}\n"}},
		"unknown-section": {docs: []string{"apiVersion: kargo/v1alpha1\nkubernets: {}\n"}},
		"wrong-types": {docs: []string{`apiVersion: kargo/v1alpha1
kubernetes:
  version: 1.30
metadata:
  labels:
    enabled: true
modules:
  widget:
    enabled: "yes"
    replicas: two
    feature_gates: A
`}},
		"invalid-values": {docs: []string{`apiVersion: kargo/v1alpha1
kubernetes:
  version: "2.0"
  distribution: openshift
metadata:
  labels:
    "bad key!": x
    ok: "not a valid value!"
modules:
  gadget: {enabled: true}
  widget:
    enabled: true
    replicas: 0
    pool: {path: relative/dir}
`}},
		"missing-requirement": {docs: []string{"apiVersion: kargo/v1alpha1\nmodules:\n  widget: {enabled: true}\n"}},
		"wrong-api-version":   {docs: []string{"apiVersion: kargo/v2\n"}},
		"two-documents":       {docs: []string{"apiVersion: kargo/v1alpha1\n---\nmodules: {}\n"}},
		"bad-set":             {docs: []string{"apiVersion: kargo/v1alpha1\n"}, sets: []string{"modules.widget.replicas", "modules.widget.replica=3", "modules.widget.enabled=maybe"}},
		"overlay-error":       {docs: []string{"apiVersion: kargo/v1alpha1\n", "modules:\n  widget:\n    pool: {pth: /x}\n"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parse(t, tc.sets, tc.docs...)
			if err == nil {
				t.Fatal("no error")
			}
			golden.AssertString(t, err.Error()+"\n", "errors/"+name+".txt")
		})
	}
}

func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k.yaml")
	if err := os.WriteFile(p, []byte("apiVersion: kargo/v1alpha1\nmodules:\n  gadget:\n    enabled: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(testRegistry(), []string{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Enabled()["gadget"] {
		t.Error("gadget not enabled")
	}
	if _, err := Load(testRegistry(), []string{filepath.Join(dir, "missing.yaml")}, nil); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestSplitPath(t *testing.T) {
	cases := map[string]string{
		"a.b.c":                    "a|b|c",
		"metadata.labels[a.b/c]":   "metadata|labels|a.b/c",
		"metadata.labels[a.b/c].x": "metadata|labels|a.b/c|x",
		"modules.vm.ssh_user":      "modules|vm|ssh_user",
		"a[b][c]":                  "a|b|c",
	}
	for in, want := range cases {
		got, err := splitPath(in)
		if err != nil || strings.Join(got, "|") != want {
			t.Errorf("splitPath(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a..b", "a[b"} {
		if _, err := splitPath(bad); err == nil {
			t.Errorf("splitPath(%q): no error", bad)
		}
	}
}

func TestExplain(t *testing.T) {
	reg := testRegistry()
	for name, path := range map[string]string{"all": "", "module": "widget", "field": "widget.pool.path", "section": "kubernetes"} {
		t.Run(name, func(t *testing.T) {
			fields, err := Describe(reg, path)
			if err != nil {
				t.Fatal(err)
			}
			golden.AssertString(t, FormatFields(fields), "explain/"+name+".txt")
		})
	}
	if _, err := Describe(reg, "widget.replica"); err == nil || !strings.Contains(err.Error(), `did you mean "replicas"`) {
		t.Errorf("unknown field: %v", err)
	}
}

type choice string

func (choice) Values() []string { return []string{"auto", "on", "off"} }

// TestChoiceTypeError: a YAML boolean where a choice of words is expected names the
// words instead of suggesting to quote the boolean.
func TestChoiceTypeError(t *testing.T) {
	type section struct {
		Mode choice `json:"mode" doc:"Mode."`
	}
	c := &checker{source: "k.yaml"}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("mode: false\n"), &doc); err != nil {
		t.Fatal(err)
	}
	c.check(doc.Content[0], reflect.TypeOf(section{}), "")
	if len(c.problems) != 1 || c.problems[0].Error() != "k.yaml:1:7: mode: expected one of auto, on, off, got the boolean false" {
		t.Errorf("problems = %v", c.problems)
	}
}
