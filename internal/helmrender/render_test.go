package helmrender

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/manifest"
	"github.com/kargo-platform/kargo/internal/yamlenc"
)

// Charts are loaded once per test binary: loading is not what these tests measure, and
// Render must not modify a Chart, which sharing them checks too.
var (
	chartsMu sync.Mutex
	charts   = map[string]*Chart{}
)

func loadChart(t testing.TB, name string) *Chart {
	t.Helper()
	chartsMu.Lock()
	defer chartsMu.Unlock()
	if c, ok := charts[name]; ok {
		return c
	}
	c, err := LoadPath(filepath.Join("testdata", "charts", name))
	if err != nil {
		t.Fatal(err)
	}
	charts[name] = c
	return c
}

func baseOptions() Options {
	return Options{ReleaseName: "demo", Namespace: "apps", KubeVersion: "1.30"}
}

func mustRender(t testing.TB, chart string, opts Options) *Result {
	t.Helper()
	res, err := Render(loadChart(t, chart), opts)
	if err != nil {
		t.Fatalf("render %s: %v", chart, err)
	}
	return res
}

func renderErr(t *testing.T, chart string, opts Options) string {
	t.Helper()
	_, err := Render(loadChart(t, chart), opts)
	if err == nil {
		t.Fatalf("render %s: no error", chart)
	}
	return err.Error()
}

// find returns the object of the given kind and name, or nil.
func find(res *Result, kind, name string) manifest.Object {
	for _, o := range res.Objects {
		if o.Kind() == kind && o.Name() == name {
			return o
		}
	}
	return nil
}

func encode(t testing.TB, objs []manifest.Object) []byte {
	t.Helper()
	var buf []byte
	for i, o := range objs {
		if i > 0 {
			buf = append(buf, "---\n"...)
		}
		var err error
		if buf, err = yamlenc.AppendObject(buf, o); err != nil {
			t.Fatal(err)
		}
	}
	return buf
}

func ids(res *Result) []string {
	out := make([]string, len(res.Objects))
	for i, o := range res.Objects {
		out[i] = o.ID().String()
	}
	return out
}

func wantContains(t *testing.T, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%q\ndoes not contain %q", got, p)
		}
	}
}

func TestRenderKitchenSinkGolden(t *testing.T) {
	res := mustRender(t, "kitchen-sink", baseOptions())
	golden.Assert(t, encode(t, res.Objects), "golden/kitchen-sink.yaml")
}

// TestOrder pins the whole order: crds/ (parent, then subchart), Helm's install order
// (kinds it does not know last), then the kept hooks.
func TestOrder(t *testing.T) {
	res := mustRender(t, "kitchen-sink", baseOptions())
	want := []string{
		"apiextensions.k8s.io/CustomResourceDefinition widgets.example.kargo.dev",
		"apiextensions.k8s.io/CustomResourceDefinition gadgets.example.kargo.dev",
		"policy/PodDisruptionBudget apps/demo-kitchen-sink",
		"ServiceAccount apps/demo-kitchen-sink",
		"ConfigMap apps/demo-gadgets",
		"ConfigMap apps/demo-kitchen-sink-capabilities",
		"ConfigMap apps/demo-kitchen-sink-config",
		"rbac.authorization.k8s.io/ClusterRole demo-kitchen-sink",
		"rbac.authorization.k8s.io/Role kube-system/demo-kitchen-sink-leader-election",
		"Service apps/demo-kitchen-sink",
		"apps/Deployment apps/demo-kitchen-sink",
		"example.kargo.dev/Gadget demo-gadget",
		"example.kargo.dev/Widget apps/demo-kitchen-sink",
		"batch/Job apps/demo-kitchen-sink-migrate",
	}
	if got := ids(res); !slices.Equal(got, want) {
		t.Errorf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCapabilities(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		res := mustRender(t, "kitchen-sink", baseOptions())
		caps := find(res, "ConfigMap", "demo-kitchen-sink-capabilities")
		want := map[string]any{
			"kubeVersion":            "v1.30.0", // also under go test, where Helm's default is v1.20.0
			"kubeMajor":              "1",
			"kubeMinor":              "30",
			"releaseName":            "demo",
			"releaseNamespace":       "apps",
			"isInstall":              "true",
			"hasPolicyV1":            "true",
			"hasPodDisruptionBudget": "true",
			"hasServiceMonitor":      "false",
		}
		if got := caps["data"]; !reflect.DeepEqual(got, want) {
			t.Errorf("capabilities data = %v, want %v", got, want)
		}
		if find(res, "PodDisruptionBudget", "demo-kitchen-sink") == nil {
			t.Error("PodDisruptionBudget missing: policy/v1/PodDisruptionBudget is built in")
		}
		if find(res, "ServiceMonitor", "demo-kitchen-sink") != nil {
			t.Error("ServiceMonitor rendered although monitoring.coreos.com/v1/ServiceMonitor was not passed")
		}
	})
	t.Run("extra API versions", func(t *testing.T) {
		opts := baseOptions()
		opts.APIVersions = []string{"monitoring.coreos.com/v1", "monitoring.coreos.com/v1/ServiceMonitor"}
		_, err := Render(loadChart(t, "kitchen-sink"), opts)
		// ServiceMonitor is not built in and not a CRD of the chart: its scope must come
		// from Options.Namespaced.
		wantContains(t, errString(err), "monitoring.coreos.com/ServiceMonitor", "templates/servicemonitor.yaml")
		opts.Namespaced = func(group, kind string) (bool, bool) {
			return true, group == "monitoring.coreos.com" && kind == "ServiceMonitor"
		}
		res := mustRender(t, "kitchen-sink", opts)
		sm := find(res, "ServiceMonitor", "demo-kitchen-sink")
		if sm == nil {
			t.Fatal("ServiceMonitor missing although its API was passed")
		}
		if sm.Namespace() != "apps" {
			t.Errorf("ServiceMonitor namespace = %q, want apps", sm.Namespace())
		}
		caps := find(res, "ConfigMap", "demo-kitchen-sink-capabilities")
		if v, _ := caps.Lookup("data", "hasServiceMonitor"); v != "true" {
			t.Errorf("hasServiceMonitor = %v", v)
		}
	})
	t.Run("invalid API version", func(t *testing.T) {
		opts := baseOptions()
		opts.APIVersions = []string{"monitoring.coreos.com//v1"}
		wantContains(t, renderErr(t, "kitchen-sink", opts), "chart kitchen-sink", `invalid API version "monitoring.coreos.com//v1"`)
	})
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestBuiltinAPIVersions(t *testing.T) {
	set, err := apiVersions(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"v1", "v1/Pod", "apps/v1", "apps/v1/Deployment", "policy/v1/PodDisruptionBudget",
		"apiextensions.k8s.io/v1/CustomResourceDefinition", "rbac.authorization.k8s.io/v1/ClusterRole"} {
		if !set.Has(s) {
			t.Errorf("built-in API versions lack %q", s)
		}
	}
	if set.Has("monitoring.coreos.com/v1") {
		t.Error("built-in API versions hold monitoring.coreos.com/v1")
	}
	if !slices.IsSorted(set) {
		t.Error("API versions are not sorted")
	}
}

func TestKubeVersion(t *testing.T) {
	tests := map[string]struct {
		in, want, err string
	}{
		"minor only":      {in: "1.30", want: "v1.30.0"},
		"with v":          {in: "v1.30", want: "v1.30.0"},
		"with patch":      {in: "1.31.2", want: "v1.31.2"},
		"empty":           {in: "", err: "kube version is required"},
		"not a version":   {in: "banana", err: `invalid kube version "banana"`},
		"wildcard":        {in: "1.30.x", err: `invalid kube version "1.30.x"`},
		"vendor suffix":   {in: "v1.30.2-gke.1", err: `invalid kube version "v1.30.2-gke.1"`},
		"major version 2": {in: "2.0", err: "major version must be 1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			kv, err := kubeVersion(tc.in)
			if tc.err != "" {
				wantContains(t, errString(err), tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if kv.Version != tc.want || kv.String() != tc.want {
				t.Errorf("kubeVersion(%q) = %q (%q), want %q", tc.in, kv.Version, kv.String(), tc.want)
			}
		})
	}
	t.Run("chart kubeVersion constraint", func(t *testing.T) {
		opts := baseOptions()
		opts.KubeVersion = "1.24"
		wantContains(t, renderErr(t, "kitchen-sink", opts), "chart kitchen-sink", ">=1.25.0-0", "v1.24.0")
	})
}

func TestCRDsFirst(t *testing.T) {
	res := mustRender(t, "kitchen-sink", baseOptions())
	for i, want := range []string{"widgets.example.kargo.dev", "gadgets.example.kargo.dev"} {
		o := res.Objects[i]
		if o.Kind() != "CustomResourceDefinition" || o.Name() != want {
			t.Errorf("object %d = %s, want CRD %s", i, o.ID(), want)
		}
		if _, ok := o.Metadata(false)["namespace"]; ok {
			t.Errorf("CRD %s has a namespace", o.Name())
		}
	}
	if got := res.sources[0:2]; !slices.Equal(got, []string{"crds/widgets.yaml", "charts/gadgets/crds/gadgets.yaml"}) {
		t.Errorf("CRD sources = %v", got)
	}
}

func TestHooks(t *testing.T) {
	t.Run("default drops tests, keeps pre-install", func(t *testing.T) {
		res := mustRender(t, "kitchen-sink", baseOptions())
		job := find(res, "Job", "demo-kitchen-sink-migrate")
		if job == nil {
			t.Fatal("pre-install Job missing")
		}
		wantAnn := map[string]any{
			"helm.sh/hook":               "pre-install",
			"helm.sh/hook-weight":        "-5",
			"helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
		}
		if got := job.StringMap("annotations", false); !reflect.DeepEqual(got, wantAnn) {
			t.Errorf("Job annotations = %v, want %v", got, wantAnn)
		}
		if last := res.Objects[len(res.Objects)-1]; last.Kind() != "Job" {
			t.Errorf("last object = %s, want the hook Job", last.ID())
		}
		if find(res, "Pod", "demo-kitchen-sink-test") != nil {
			t.Error("test Pod kept")
		}
		if want := []string{"Pod apps/demo-kitchen-sink-test (hook: test)"}; !slices.Equal(res.Dropped, want) {
			t.Errorf("Dropped = %q, want %q", res.Dropped, want)
		}
	})
	t.Run("keep all", func(t *testing.T) {
		opts := baseOptions()
		opts.DropHooks = []string{}
		res := mustRender(t, "kitchen-sink", opts)
		pod := find(res, "Pod", "demo-kitchen-sink-test")
		if pod == nil {
			t.Fatal("test Pod dropped although DropHooks is empty")
		}
		if pod.Namespace() != "apps" {
			t.Errorf("test Pod namespace = %q", pod.Namespace())
		}
		if len(res.Dropped) != 0 {
			t.Errorf("Dropped = %q", res.Dropped)
		}
	})
	t.Run("drop pre-install", func(t *testing.T) {
		opts := baseOptions()
		opts.DropHooks = []string{"pre-install"}
		res := mustRender(t, "kitchen-sink", opts)
		if find(res, "Job", "demo-kitchen-sink-migrate") != nil {
			t.Error("pre-install Job kept")
		}
		if find(res, "Pod", "demo-kitchen-sink-test") == nil {
			t.Error("test Pod dropped")
		}
		if want := []string{"batch/Job apps/demo-kitchen-sink-migrate (hook: pre-install)"}; !slices.Equal(res.Dropped, want) {
			t.Errorf("Dropped = %q, want %q", res.Dropped, want)
		}
	})
	t.Run("unknown event warned", func(t *testing.T) {
		res := mustRender(t, "kitchen-sink", baseOptions())
		if find(res, "Pod", "demo-kitchen-sink-test-failure") != nil {
			t.Error("Helm does not know test-failure; the Pod should not be there")
		}
		want := `templates/tests/test-failure.yaml: hook event "test-failure" is unknown to Helm 4, which leaves the object out of the render without an error`
		if !slices.Contains(res.Warnings, want) {
			t.Errorf("Warnings = %q, want %q among them", res.Warnings, want)
		}
	})
}

func TestDropHook(t *testing.T) {
	obj := func(hook string) manifest.Object {
		return manifest.Object{"metadata": map[string]any{"annotations": map[string]any{"helm.sh/hook": hook}}}
	}
	tests := map[string]struct {
		hook string
		drop []string
		want bool
	}{
		"test":                {"test", DefaultDropHooks, true},
		"helm 2 test-success": {"test-success", DefaultDropHooks, true},
		"spaces and case":     {" Test ", DefaultDropHooks, true},
		"mixed events kept":   {"test,pre-install", DefaultDropHooks, false},
		"all events dropped":  {"pre-install,pre-upgrade", []string{"pre-install", "pre-upgrade"}, true},
		"not a hook":          {"", DefaultDropHooks, false},
		"nothing dropped":     {"test", []string{}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got, _ := dropHook(obj(tc.hook), tc.drop); got != tc.want {
				t.Errorf("dropHook(%q, %q) = %v, want %v", tc.hook, tc.drop, got, tc.want)
			}
		})
	}
}

func TestNamespaces(t *testing.T) {
	res := mustRender(t, "kitchen-sink", baseOptions())
	tests := []struct {
		kind, name string
		want       string // "-" means no metadata.namespace key at all
	}{
		{"ConfigMap", "demo-kitchen-sink-config", "apps"},
		{"ConfigMap", "demo-gadgets", "apps"}, // subchart
		{"Deployment", "demo-kitchen-sink", "apps"},
		{"Service", "demo-kitchen-sink", "apps"},
		{"ServiceAccount", "demo-kitchen-sink", "apps"},
		{"PodDisruptionBudget", "demo-kitchen-sink", "apps"},
		{"Job", "demo-kitchen-sink-migrate", "apps"},                 // kept hook
		{"Widget", "demo-kitchen-sink", "apps"},                      // the chart's namespaced CRD
		{"Role", "demo-kitchen-sink-leader-election", "kube-system"}, // explicit: kept
		{"ClusterRole", "demo-kitchen-sink", "-"},
		{"Gadget", "demo-gadget", "-"}, // the subchart's cluster-scoped CRD; the chart set one
		{"CustomResourceDefinition", "widgets.example.kargo.dev", "-"},
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.name, func(t *testing.T) {
			o := find(res, tc.kind, tc.name)
			if o == nil {
				t.Fatal("missing")
			}
			ns, ok := o.Metadata(false)["namespace"]
			if tc.want == "-" {
				if ok {
					t.Errorf("namespace = %v, want none", ns)
				}
				return
			}
			if ns != tc.want {
				t.Errorf("namespace = %v, want %s", ns, tc.want)
			}
		})
	}
	want := `charts/gadgets/templates/gadget.yaml: example.kargo.dev/Gadget demo-gadget is cluster-scoped; removed metadata.namespace "apps"`
	if !slices.Contains(res.Warnings, want) {
		t.Errorf("Warnings = %q, want %q among them", res.Warnings, want)
	}
}

func TestNamespacedOption(t *testing.T) {
	values := map[string]any{"extra": map[string]any{"thing": true}}
	tests := map[string]struct {
		namespaced func(group, kind string) (bool, bool)
		want       string // namespace, "-" for none
		err        string
	}{
		"nil": {
			err: "chart kitchen-sink: templates/extras.yaml: kind example.com/Thing (example.com/v1) is unknown",
		},
		"does not know it": {
			namespaced: func(string, string) (bool, bool) { return false, false },
			err:        "kind example.com/Thing (example.com/v1) is unknown",
		},
		"namespaced": {
			namespaced: func(g, k string) (bool, bool) { return true, g == "example.com" && k == "Thing" },
			want:       "apps",
		},
		"cluster-scoped": {
			namespaced: func(g, k string) (bool, bool) { return false, g == "example.com" && k == "Thing" },
			want:       "-",
		},
		"built-ins and the chart's CRDs come first": {
			// Claims every kind is cluster-scoped; must not be asked about ConfigMap or Widget.
			namespaced: func(g, k string) (bool, bool) { return false, true },
			want:       "-",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			opts := baseOptions()
			opts.Values = values
			opts.Namespaced = tc.namespaced
			res, err := Render(loadChart(t, "kitchen-sink"), opts)
			if tc.err != "" {
				wantContains(t, errString(err), tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			thing := find(res, "Thing", "demo-kitchen-sink")
			if ns, ok := thing.Metadata(false)["namespace"]; tc.want == "-" && ok || tc.want != "-" && ns != tc.want {
				t.Errorf("Thing namespace = %v, want %s", ns, tc.want)
			}
			if ns := find(res, "ConfigMap", "demo-kitchen-sink-config").Namespace(); ns != "apps" {
				t.Errorf("ConfigMap namespace = %q", ns)
			}
			if ns := find(res, "Widget", "demo-kitchen-sink").Namespace(); ns != "apps" {
				t.Errorf("Widget namespace = %q", ns)
			}
		})
	}
	t.Run("unknown kind", func(t *testing.T) {
		opts := baseOptions()
		opts.Values = map[string]any{"extra": map[string]any{"mystery": true}}
		wantContains(t, renderErr(t, "kitchen-sink", opts),
			"chart kitchen-sink: templates/extras.yaml: kind mystery.example.com/Mystery (mystery.example.com/v1) is unknown")
	})
}

func TestSchema(t *testing.T) {
	tests := map[string]struct {
		values map[string]any
		err    []string
	}{
		"minimum": {
			values: map[string]any{"replicas": 0},
			err:    []string{"chart kitchen-sink: values do not match values.schema.json: replicas: minimum: got 0, want 1"},
		},
		"type": {
			values: map[string]any{"replicas": "two"},
			err:    []string{"chart kitchen-sink: values do not match values.schema.json: replicas: got string, want integer"},
		},
		"nested and list": {
			values: map[string]any{"image": map[string]any{"tag": 5}, "ports": []int{80, 70000}},
			err:    []string{"image.tag: got number, want string", "ports[1]: maximum: got 70,000, want 65,535"},
		},
		"required": {
			values: map[string]any{"image": map[string]any{"repository": nil}},
			err:    []string{"image.repository: is required"},
		},
		"subchart": {
			values: map[string]any{"gadgets": map[string]any{"size": 0}},
			err:    []string{"chart kitchen-sink.gadgets: values do not match charts/gadgets/values.schema.json: gadgets.size: minimum: got 0, want 1"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			opts := baseOptions()
			opts.Values = tc.values
			wantContains(t, renderErr(t, "kitchen-sink", opts), tc.err...)
		})
	}
	t.Run("valid typed values", func(t *testing.T) {
		opts := baseOptions()
		opts.Values = map[string]any{"replicas": 3, "ports": []int{80, 443}}
		res := mustRender(t, "kitchen-sink", opts)
		dep := find(res, "Deployment", "demo-kitchen-sink")
		if v, _ := dep.Lookup("spec", "replicas"); v != int64(3) {
			t.Errorf("replicas = %#v", v)
		}
	})
}

// TestSchemaOffline: Helm's validator would fetch an http(s) $ref while rendering.
func TestSchemaOffline(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Chart.yaml":         "apiVersion: v2\nname: remote-schema\nversion: 0.1.0\n",
		"values.yaml":        "name: x\n",
		"values.schema.json": `{"type": "object", "properties": {"name": {"$ref": "https://schemas.example.com/name.json"}}}`,
		"templates/cm.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := LoadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Render(c, baseOptions())
	wantContains(t, errString(err), "chart remote-schema", "schema https://schemas.example.com/name.json is not fetched")
}

func TestDeterminism(t *testing.T) {
	tests := map[string]struct {
		values map[string]any
		err    []string
	}{
		"generated password": {
			err: []string{
				"chart random: two renders with the same values differ in Secret apps/demo-credentials (templates/secret.yaml) at data.password",
				"the templates call randAlphaNum (templates/bare-secret.yaml, templates/secret.yaml), uuidv4 (templates/uuid.yaml)",
				"set the value that supplies it in the module's values (for example an existing Secret or a fixed value)",
			},
		},
		"password given": {
			values: map[string]any{"password": "s3cret"},
		},
		"bare randAlphaNum": {
			values: map[string]any{"password": "s3cret", "bare": true},
			err:    []string{"Secret apps/demo-bare (templates/bare-secret.yaml) at stringData.token", "randAlphaNum"},
		},
		"uuidv4": {
			values: map[string]any{"password": "s3cret", "uuid": true},
			err:    []string{"ConfigMap apps/demo-id (templates/uuid.yaml) at data.id", "uuidv4 (templates/uuid.yaml)"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			opts := baseOptions()
			opts.Values = tc.values
			res, err := Render(loadChart(t, "random"), opts)
			if len(tc.err) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if v, _ := find(res, "Secret", "demo-credentials").Lookup("data", "password"); v != "czNjcmV0" {
					t.Errorf("password = %v", v)
				}
				return
			}
			got := errString(err)
			wantContains(t, got, tc.err...)
			if strings.Contains(got, "s3cret") || strings.Contains(got, "czNjcmV0") {
				t.Errorf("error leaks a value: %s", got)
			}
		})
	}
}

func TestFirstDiff(t *testing.T) {
	tests := map[string]struct {
		a, b any
		want string
	}{
		"equal":          {map[string]any{"a": 1}, map[string]any{"a": 1}, ""},
		"nested":         {map[string]any{"data": map[string]any{"x": "1", "y": "2"}}, map[string]any{"data": map[string]any{"x": "1", "y": "3"}}, "data.y"},
		"sorted keys":    {map[string]any{"b": 1, "a": 1}, map[string]any{"b": 2, "a": 2}, "a"},
		"missing key":    {map[string]any{"a": 1}, map[string]any{"a": 1, "b": 2}, "b"},
		"list":           {map[string]any{"l": []any{"x", "y"}}, map[string]any{"l": []any{"x", "z"}}, "l[1]"},
		"list length":    {map[string]any{"l": []any{"x"}}, map[string]any{"l": []any{"x", "z"}}, "l[1]"},
		"quoted key":     {map[string]any{"m": map[string]any{"helm.sh/hook": "a"}}, map[string]any{"m": map[string]any{"helm.sh/hook": "b"}}, `m["helm.sh/hook"]`},
		"type change":    {map[string]any{"a": map[string]any{}}, map[string]any{"a": "x"}, "a"},
		"whole document": {"x", "y", "(object)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, differ := firstDiff(tc.a, tc.b, "")
			if got != tc.want || differ != (tc.want != "") {
				t.Errorf("firstDiff = %q, %v; want %q", got, differ, tc.want)
			}
		})
	}
}

func TestLookupWarnings(t *testing.T) {
	res := mustRender(t, "lookup", baseOptions())
	want := []string{
		"templates/_helpers.tpl uses lookup, which returns nothing when rendering offline",
		"templates/configmap.yaml uses lookup, which returns nothing when rendering offline",
	}
	if !slices.Equal(res.Warnings, want) {
		t.Errorf("Warnings = %q, want %q", res.Warnings, want)
	}
	cm := find(res, "ConfigMap", "demo-state")
	if v, _ := cm.Lookup("data", "found"); v != "no" {
		t.Errorf("found = %v, want no (lookup returns nothing)", v)
	}
}

func TestTemplateError(t *testing.T) {
	opts := baseOptions()
	opts.Values = map[string]any{"extra": map[string]any{"fail": true}}
	got := renderErr(t, "kitchen-sink", opts)
	wantContains(t, got, "chart kitchen-sink: ", "kitchen-sink/templates/extras.yaml", "extra.fail is set")
	if got != strings.ToLower(got[:1])+got[1:] {
		t.Errorf("error starts upper-case: %s", got)
	}
}

func TestOptionsErrors(t *testing.T) {
	tests := map[string]struct {
		edit func(*Options)
		err  string
	}{
		"release name":   {func(o *Options) { o.ReleaseName = "" }, "chart kitchen-sink: release name is required"},
		"bad release":    {func(o *Options) { o.ReleaseName = "Not_Valid" }, `release name "Not_Valid"`},
		"namespace":      {func(o *Options) { o.Namespace = "" }, "chart kitchen-sink: namespace is required"},
		"bad namespace":  {func(o *Options) { o.Namespace = "Apps" }, `invalid namespace "Apps"`},
		"kube version":   {func(o *Options) { o.KubeVersion = "" }, "kube version is required"},
		"bad value type": {func(o *Options) { o.Values = map[string]any{"x": map[int]string{1: "a"}} }, "values.x: map keys must be strings"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			opts := baseOptions()
			tc.edit(&opts)
			wantContains(t, renderErr(t, "kitchen-sink", opts), tc.err)
		})
	}
	if _, err := Render(nil, baseOptions()); err == nil {
		t.Error("Render(nil) did not fail")
	}
}

// TestRenderLeavesInputsAlone: Helm's dependency processing mutates the chart it renders
// (disabled subcharts are removed), and values must not be touched either.
func TestRenderLeavesInputsAlone(t *testing.T) {
	c := loadChart(t, "kitchen-sink")
	opts := baseOptions()
	opts.Values = map[string]any{"gadgets": map[string]any{"enabled": false}, "ports": []any{int64(80)}}
	before := deepCopyMap(opts.Values)
	res := mustRender(t, "kitchen-sink", opts)
	if find(res, "Gadget", "demo-gadget") != nil || find(res, "CustomResourceDefinition", "gadgets.example.kargo.dev") != nil {
		t.Error("disabled subchart rendered")
	}
	if !reflect.DeepEqual(opts.Values, before) {
		t.Errorf("values modified: %v", opts.Values)
	}
	res = mustRender(t, "kitchen-sink", baseOptions())
	if find(res, "Gadget", "demo-gadget") == nil {
		t.Error("subchart missing after a render that disabled it: the Chart was modified")
	}
	if len(c.c.Dependencies()) != 1 || len(c.c.Metadata.Dependencies) != 1 {
		t.Error("chart dependencies modified")
	}
}

func TestConcurrentRenders(t *testing.T) {
	want := encode(t, mustRender(t, "kitchen-sink", baseOptions()).Objects)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			res, err := Render(loadChart(t, "kitchen-sink"), baseOptions())
			if err != nil {
				errs <- err.Error()
				return
			}
			if got := encode(t, res.Objects); !bytes.Equal(got, want) {
				errs <- "concurrent render differs"
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// tgz packs a fixture chart directory the way `helm package` lays it out (files under
// "<name>/"), byte for byte the same every time: sorted entries, fixed times and modes.
func tgz(t testing.TB, dir, name string) []byte {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		hdr := &tar.Header{
			Name:     name + "/" + filepath.ToSlash(rel),
			Mode:     0o644,
			Size:     int64(len(data)),
			ModTime:  time.Unix(0, 0).UTC(),
			Typeflag: tar.TypeReg,
			Format:   tar.FormatPAX,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadArchive(t *testing.T) {
	dir := filepath.Join("testdata", "charts", "kitchen-sink")
	archive := tgz(t, dir, "kitchen-sink")
	if again := tgz(t, dir, "kitchen-sink"); !bytes.Equal(archive, again) {
		t.Fatal("archive is not reproducible")
	}
	c, err := Load(archive)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "kitchen-sink" || c.Version() != "1.2.3" {
		t.Errorf("Name, Version = %q, %q", c.Name(), c.Version())
	}
	fromArchive, err := Render(c, baseOptions())
	if err != nil {
		t.Fatal(err)
	}
	fromDir := mustRender(t, "kitchen-sink", baseOptions())
	if got, want := encode(t, fromArchive.Objects), encode(t, fromDir.Objects); !bytes.Equal(got, want) {
		t.Errorf("archive and directory render differently:\n%s", golden.Diff(string(want), string(got), "dir", "archive"))
	}

	t.Run("tgz file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "kitchen-sink-1.2.3.tgz")
		if err := os.WriteFile(p, archive, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := LoadPath(p)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name() != "kitchen-sink" {
			t.Errorf("Name = %q", c.Name())
		}
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := Load([]byte("not gzip")); err == nil || !strings.HasPrefix(err.Error(), "load chart archive: ") {
			t.Errorf("Load(garbage) error = %v", err)
		}
		if _, err := LoadPath(filepath.Join("testdata", "charts", "missing")); err == nil || !strings.Contains(err.Error(), "load chart testdata/charts/missing") {
			t.Errorf("LoadPath(missing) error = %v", err)
		}
	})
}

func BenchmarkRender(b *testing.B) {
	for _, name := range []string{"kitchen-sink", "lookup"} {
		b.Run(name, func(b *testing.B) {
			c := loadChart(b, name)
			for b.Loop() {
				if _, err := Render(c, baseOptions()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
