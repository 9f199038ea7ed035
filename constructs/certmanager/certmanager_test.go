package certmanager

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/constructs/platform/platformtest"

	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/imports/certmanager"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/fixture/fixturetest"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/manifest"
	"github.com/kargo-platform/kargo/internal/synth"
)

// Use go test -update (or KARGO_UPDATE_GOLDEN=1) to create or update the golden files
// in testdata/.

var target = platform.Kubernetes{Version: "1.30", Distribution: platform.Talos}

// config returns the defaults changed by mod.
func config(mod func(*Config)) Config {
	c := DefaultConfig()
	if mod != nil {
		mod(&c)
	}
	return c
}

// synthesize synthesizes the module alone against the fixture chart repository.
func synthesize(t *testing.T, cfg Config) ([]byte, []string) {
	t.Helper()
	var warnings []string
	got, err := synth.ModuleWith(Module, cfg, synth.ModuleOptions{
		Kubernetes: target,
		Warn:       func(msg string) { warnings = append(warnings, msg) },
		Artifacts:  fixturetest.Store(t),
	})
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	return got, warnings
}

func TestGolden(t *testing.T) {
	scenarios := map[string]func(*Config){
		"default":      nil,
		"no-ca":        func(c *Config) { c.SelfSignedCA = false },
		"custom-names": func(c *Config) { c.Namespace = "pki"; c.ClusterIssuer = "kargo-ca" },
		"custom-resources": func(c *Config) {
			c.Resources = Resources{
				Requests: Requests{CPU: "100m", Memory: "128Mi"},
				Limits:   Limits{CPU: "", Memory: "256Mi"},
			}
		},
		"values": func(c *Config) {
			c.Values = map[string]any{
				"replicaCount":        2,
				"podDisruptionBudget": map[string]any{"enabled": true},
				"webhook":             map[string]any{"timeoutSeconds": 10},
			}
		},
	}
	for name, mod := range scenarios {
		t.Run(name, func(t *testing.T) {
			got, warnings := synthesize(t, config(mod))
			if len(warnings) > 0 {
				t.Errorf("unexpected warnings: %q", warnings)
			}
			golden.Assert(t, got, name+".golden.yaml")
		})
	}
}

// object is the part of an output object the structural tests read.
type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec map[string]any `json:"spec"`
	file string
}

func (o object) id() string {
	return fmt.Sprintf("%s %s/%s", o.Kind, o.Metadata.Namespace, o.Metadata.Name)
}

// documents splits synth.ModuleWith output into its YAML documents, each with the file
// it belongs to.
func documents(out []byte) (docs, files []string) {
	file := ""
	var body []string
	flush := func() {
		if doc := strings.Join(body, "\n"); strings.TrimSpace(doc) != "" {
			docs, files = append(docs, doc), append(files, file)
		}
		body = nil
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f, ok := strings.CutPrefix(line, "# file: "); ok {
			flush()
			file = f
			continue
		}
		if line == "---" {
			flush()
			continue
		}
		body = append(body, line)
	}
	flush()
	return docs, files
}

// parse decodes synth.ModuleWith output into its objects, each with its file.
func parse(t *testing.T, out []byte) []object {
	t.Helper()
	docs, files := documents(out)
	objs := make([]object, len(docs))
	for i, doc := range docs {
		if err := yaml.Unmarshal([]byte(doc), &objs[i]); err != nil {
			t.Fatalf("%s: %v", files[i], err)
		}
		objs[i].file = files[i]
	}
	return objs
}

func find(objs []object, kind, name string) (object, bool) {
	for _, o := range objs {
		if o.Kind == kind && o.Metadata.Name == name {
			return o, true
		}
	}
	return object{}, false
}

// TestStages checks where the objects land: the CRDs and the Namespace first, the
// chart's workloads next, the issuers and the CA Certificate after their CRDs.
func TestStages(t *testing.T) {
	out, _ := synthesize(t, config(nil))
	objs := parse(t, out)
	if n := bytes.Count(out, []byte("\napiVersion: ")); len(objs) != n {
		t.Fatalf("parsed %d objects, the output has %d", len(objs), n)
	}
	crds := 0
	for _, o := range objs {
		var want string
		switch {
		case o.Kind == "CustomResourceDefinition" || o.Kind == "Namespace":
			want = "00-crds-01-cert-manager.yaml"
		case strings.HasPrefix(o.APIVersion, certmanager.Group+"/"):
			want = "20-resources-01-cert-manager.yaml"
		default:
			want = "10-cluster-01-cert-manager.yaml"
		}
		if o.file != want {
			t.Errorf("%s is in %s, want %s", o.id(), o.file, want)
		}
		if o.Kind == "CustomResourceDefinition" {
			crds++
		}
	}
	if crds != 6 {
		t.Errorf("got %d CRDs, want the chart's 6", crds)
	}
}

// TestCAChain checks the self-signed CA chain's objects.
func TestCAChain(t *testing.T) {
	out, _ := synthesize(t, config(func(c *Config) { c.Namespace = "pki"; c.ClusterIssuer = "kargo-ca" }))
	objs := parse(t, out)
	root, ok := find(objs, "ClusterIssuer", RootIssuer)
	if !ok {
		t.Fatalf("no ClusterIssuer %s", RootIssuer)
	}
	if root.Metadata.Namespace != "" {
		t.Errorf("root ClusterIssuer has namespace %q; it is cluster-scoped", root.Metadata.Namespace)
	}
	if !reflect.DeepEqual(root.Spec, map[string]any{"selfSigned": map[string]any{}}) {
		t.Errorf("root ClusterIssuer spec = %v, want selfSigned: {}", root.Spec)
	}
	ca, ok := find(objs, "Certificate", CACertificate)
	if !ok {
		t.Fatalf("no Certificate %s", CACertificate)
	}
	if ca.Metadata.Namespace != "pki" {
		t.Errorf("CA Certificate namespace = %q, want pki", ca.Metadata.Namespace)
	}
	wantSpec := map[string]any{
		"isCA":        true,
		"commonName":  CACertificate,
		"secretName":  CACertificate,
		"duration":    "2160h0m0s",
		"renewBefore": "360h0m0s",
		"privateKey":  map[string]any{"algorithm": "ECDSA", "size": float64(256)},
		"issuerRef":   map[string]any{"name": RootIssuer, "kind": "ClusterIssuer", "group": "cert-manager.io"},
	}
	if !reflect.DeepEqual(ca.Spec, wantSpec) {
		t.Errorf("CA Certificate spec = %v, want %v", ca.Spec, wantSpec)
	}
	issuer, ok := find(objs, "ClusterIssuer", "kargo-ca")
	if !ok {
		t.Fatal("no ClusterIssuer kargo-ca")
	}
	if issuer.Metadata.Namespace != "" {
		t.Errorf("CA ClusterIssuer has namespace %q; it is cluster-scoped", issuer.Metadata.Namespace)
	}
	if !reflect.DeepEqual(issuer.Spec, map[string]any{"ca": map[string]any{"secretName": CACertificate}}) {
		t.Errorf("CA ClusterIssuer spec = %v", issuer.Spec)
	}
	if _, ok := find(objs, "ClusterIssuer", DefaultClusterIssuer); ok {
		t.Errorf("ClusterIssuer %s exists although cluster_issuer renames it", DefaultClusterIssuer)
	}

	out, _ = synthesize(t, config(func(c *Config) { c.SelfSignedCA = false }))
	for _, o := range parse(t, out) {
		if strings.HasPrefix(o.APIVersion, certmanager.Group+"/") {
			t.Errorf("self_signed_ca false still builds %s", o.id())
		}
	}
}

// TestNamespaces checks that every namespaced chart object is in the module namespace
// (or kube-system, for leader election), and the cluster-scoped ones have none.
func TestNamespaces(t *testing.T) {
	out, _ := synthesize(t, config(func(c *Config) { c.Namespace = "pki" }))
	clusterScoped := map[string]bool{
		"Namespace": true, "CustomResourceDefinition": true, "ClusterRole": true, "ClusterRoleBinding": true,
		"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true, "ClusterIssuer": true,
	}
	for _, o := range parse(t, out) {
		ns := o.Metadata.Namespace
		switch {
		case clusterScoped[o.Kind]:
			if ns != "" {
				t.Errorf("%s: cluster-scoped object with a namespace", o.id())
			}
		case strings.HasSuffix(o.Metadata.Name, ":leaderelection"):
			if ns != "kube-system" {
				t.Errorf("%s: leader election object outside kube-system", o.id())
			}
		case ns != "pki":
			t.Errorf("%s: namespace %q, want pki", o.id(), ns)
		}
	}
	if !bytes.Contains(out, []byte(`cert-manager.io/inject-ca-from-secret: pki/cert-manager-webhook-ca`)) {
		t.Error("the webhook configurations do not inject the CA from pki/cert-manager-webhook-ca")
	}
}

// TestStartupAPICheck checks that the post-install hook Job is kept with its hook
// annotations (Argo CD runs it as a PostSync hook; kubectl apply runs it once).
func TestStartupAPICheck(t *testing.T) {
	out, _ := synthesize(t, config(nil))
	job, ok := find(parse(t, out), "Job", "cert-manager-startupapicheck")
	if !ok {
		t.Fatal("no startupapicheck Job")
	}
	want := map[string]string{
		"helm.sh/hook":               "post-install",
		"helm.sh/hook-weight":        "1",
		"helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
	}
	for k, v := range want {
		if got := job.Metadata.Annotations[k]; got != v {
			t.Errorf("Job annotation %s = %q, want %q", k, got, v)
		}
	}
}

// TestServiceMonitorNeedsPrometheus: a ServiceMonitor turned on in values is left out
// while no module provides monitoring.coreos.com/v1.
func TestServiceMonitorNeedsPrometheus(t *testing.T) {
	out, _ := synthesize(t, config(func(c *Config) {
		c.Values = map[string]any{"prometheus": map[string]any{"servicemonitor": map[string]any{"enabled": true}}}
	}))
	if bytes.Contains(out, []byte("kind: ServiceMonitor")) {
		t.Error("ServiceMonitor rendered without monitoring.coreos.com/v1")
	}
}

// TestServiceMonitorWithPrometheus: with monitoring.coreos.com/v1 provided (by the
// prometheus module), the ServiceMonitor turned on in values is rendered in the module
// namespace, and the controller pod loses its prometheus.io scrape annotations.
func TestServiceMonitorWithPrometheus(t *testing.T) {
	cfg := config(func(c *Config) {
		c.Values = map[string]any{"prometheus": map[string]any{"servicemonitor": map[string]any{"enabled": true}}}
	})
	chart := platform.NewChart(cdk8s.NewApp(nil), moduleName)
	env := platform.Env{
		Kubernetes:  target,
		Enabled:     func(m string) bool { return m == moduleName || m == "prometheus" },
		Warn:        func(format string, args ...any) { t.Errorf("unexpected warning: "+format, args...) },
		Artifacts:   fixturetest.Store(t),
		APIVersions: append(Module.APIs(), "monitoring.coreos.com/v1", "monitoring.coreos.com/v1/ServiceMonitor"),
		Scope: func(group, kind string) (bool, bool) {
			if group == "monitoring.coreos.com" && kind == "ServiceMonitor" {
				return true, true
			}
			return synth.Scope(group, kind)
		},
	}
	if err := New(chart, cfg, env); err != nil {
		t.Fatal(err)
	}
	objs, err := chart.Objects()
	if err != nil {
		t.Fatal(err)
	}
	var monitors []string
	for _, o := range objs {
		switch {
		case o.Kind() == "ServiceMonitor":
			monitors = append(monitors, o.Namespace()+"/"+o.Name())
		case o.Kind() == "Deployment" && o.Name() == "cert-manager":
			if ann, _ := o.LookupString("spec", "template", "metadata", "annotations", "prometheus.io/scrape"); ann != "" {
				t.Errorf("controller pod keeps prometheus.io/scrape %q with a ServiceMonitor", ann)
			}
		}
	}
	if want := []string{"cert-manager/cert-manager"}; !slices.Equal(monitors, want) {
		t.Errorf("ServiceMonitors = %q, want %q", monitors, want)
	}
}

// TestKinds checks imports/certmanager.Kinds and the module's Provides against the
// CRDs the chart renders.
func TestKinds(t *testing.T) {
	out, _ := synthesize(t, config(nil))
	type crd struct {
		Spec struct {
			Group string `json:"group"`
			Names struct {
				Kind string `json:"kind"`
			} `json:"names"`
			Scope    string `json:"scope"`
			Versions []struct {
				Name string `json:"name"`
			} `json:"versions"`
		} `json:"spec"`
	}
	var got []string
	docs, _ := documents(out)
	for _, doc := range docs {
		if !strings.Contains(doc, "\nkind: CustomResourceDefinition\n") {
			continue
		}
		var c crd
		if err := yaml.Unmarshal([]byte(doc), &c); err != nil {
			t.Fatal(err)
		}
		for _, v := range c.Spec.Versions {
			got = append(got, fmt.Sprintf("%s/%s/%s %s", c.Spec.Group, v.Name, c.Spec.Names.Kind, c.Spec.Scope))
		}
	}
	var want, provides []string
	for _, k := range certmanager.Kinds {
		scope := "Cluster"
		if k.Namespaced {
			scope = "Namespaced"
		}
		want = append(want, fmt.Sprintf("%s/%s/%s %s", k.Group, k.Version, k.Kind, scope))
		if k.CreatedAtRuntimeBy != "" {
			t.Errorf("%s: CreatedAtRuntimeBy is set, but the chart ships its CRD", k.Kind)
		}
		provides = append(provides, k.Group+"/"+k.Version+"/"+k.Kind)
		if !slices.Contains(provides, k.Group+"/"+k.Version) {
			provides = append(provides, k.Group+"/"+k.Version)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("chart CRDs:\n%s\nimports/certmanager.Kinds:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	slices.Sort(provides)
	apis := slices.Sorted(slices.Values(Module.APIs()))
	if !slices.Equal(apis, provides) {
		t.Errorf("Module.Provides = %q, want %q", apis, provides)
	}
}

// TestVersionPrefix: jetstack publishes "v1.15.3"; the config may name it with or
// without the v, for the same output.
func TestVersionPrefix(t *testing.T) {
	a, _ := synthesize(t, config(nil))
	b, _ := synthesize(t, config(func(c *Config) { c.Version = "v" + c.Version }))
	if !bytes.Equal(a, b) {
		t.Fatalf("version v1.15.3 and 1.15.3 synthesize differently:\n%s", golden.Diff(string(a), string(b), "1.15.3", "v1.15.3"))
	}
}

// TestImages checks that every image of the output, the ACME solver image the
// controller takes from its args included, is listed.
func TestImages(t *testing.T) {
	out, _ := synthesize(t, config(nil))
	var objs []manifest.Object
	docs, _ := documents(out)
	for _, doc := range docs {
		var o manifest.Object
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
	}
	var got []string
	for _, u := range images.List(objs, Module.ImageRules()...) {
		got = append(got, u.Image)
	}
	var want []string
	for _, c := range []string{"acmesolver", "cainjector", "controller", "startupapicheck", "webhook"} {
		want = append(want, "quay.io/jetstack/cert-manager-"+c+":v1.15.3")
	}
	if !slices.Equal(got, want) {
		t.Errorf("images = %q, want %q", got, want)
	}
}

func TestIdempotent(t *testing.T) {
	a, _ := synthesize(t, config(nil))
	b, _ := synthesize(t, config(nil))
	if !bytes.Equal(a, b) {
		t.Fatalf("two synths of the same config differ:\n%s", golden.Diff(string(a), string(b), "first", "second"))
	}
}

func TestChartValues(t *testing.T) {
	tests := map[string]struct {
		cfg  Config
		want map[string]any
	}{
		"defaults": {
			cfg: DefaultConfig(),
			want: map[string]any{
				"crds":         map[string]any{"enabled": true},
				"replicaCount": 1,
				"resources": map[string]any{
					"requests": map[string]any{"cpu": "250m", "memory": "512Mi"},
					"limits":   map[string]any{"cpu": "500m", "memory": "1024Mi"},
				},
			},
		},
		"no cpu limit": {
			cfg: config(func(c *Config) { c.Resources.Limits.CPU = "" }),
			want: map[string]any{
				"crds":         map[string]any{"enabled": true},
				"replicaCount": 1,
				"resources": map[string]any{
					"requests": map[string]any{"cpu": "250m", "memory": "512Mi"},
					"limits":   map[string]any{"memory": "1024Mi"},
				},
			},
		},
		"no resources": {
			cfg: config(func(c *Config) { c.Resources = Resources{} }),
			want: map[string]any{
				"crds":         map[string]any{"enabled": true},
				"replicaCount": 1,
				"resources":    map[string]any{},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := chartValues(tc.cfg); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("chartValues = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestArtifacts(t *testing.T) {
	want := []artifact.Ref{{
		Name:    "cert_manager/cert-manager",
		Kind:    artifact.Chart,
		URL:     "https://charts.jetstack.io",
		Chart:   "cert-manager",
		Version: "1.15.3",
	}}
	if got := Module.Artifacts(DefaultConfig()); !reflect.DeepEqual(got, want) {
		t.Errorf("Artifacts(defaults) = %v, want %v", got, want)
	}
	if got := Module.Artifacts(config(func(c *Config) { c.Enabled = false })); len(got) != 0 {
		t.Errorf("Artifacts(disabled) = %v, want none", got)
	}
	if got := Module.Version(DefaultConfig()); got != "1.15.3" {
		t.Errorf("Version = %q, want 1.15.3", got)
	}
}

func TestInvalid(t *testing.T) {
	tests := map[string]Config{
		"bad-namespace":       config(func(c *Config) { c.Namespace = "Cert_Manager" }),
		"empty-namespace":     config(func(c *Config) { c.Namespace = "" }),
		"bad-cluster-issuer":  config(func(c *Config) { c.ClusterIssuer = "Self Signed" }),
		"root-cluster-issuer": config(func(c *Config) { c.ClusterIssuer = RootIssuer }),
		"bad-version":         config(func(c *Config) { c.Version = "latest" }),
		"empty-version":       config(func(c *Config) { c.Version = "" }),
		"bad-quantities": config(func(c *Config) {
			c.Resources.Requests.CPU = "a lot"
			c.Resources.Limits.Memory = "-1Gi"
		}),
		"requests-over-limits": config(func(c *Config) {
			c.Resources.Requests = Requests{CPU: "1", Memory: "2Gi"}
		}),
		"everything": {
			Version:       "1.15",
			Namespace:     "-cm",
			SelfSignedCA:  true,
			ClusterIssuer: "",
			Resources:     Resources{Requests: Requests{CPU: "2", Memory: "1Gi"}, Limits: Limits{CPU: "1", Memory: "1G0"}},
		},
		// Values are checked when the module is disabled too.
		"disabled-bad-namespace": config(func(c *Config) { c.Enabled = false; c.Namespace = "cert.manager" }),
	}
	platformtest.Invalid(t, "cert_manager", tests)
}

func TestValid(t *testing.T) {
	tests := map[string]Config{
		"defaults":             DefaultConfig(),
		"v prefix":             config(func(c *Config) { c.Version = "v1.16.0" }),
		"prerelease":           config(func(c *Config) { c.Version = "1.16.0-beta.0" }),
		"root name without ca": config(func(c *Config) { c.SelfSignedCA = false; c.ClusterIssuer = RootIssuer }),
		"dotted issuer":        config(func(c *Config) { c.ClusterIssuer = "ca.kargo.arpa" }),
		"no resources":         config(func(c *Config) { c.Resources = Resources{} }),
		"equal":                config(func(c *Config) { c.Resources.Requests = Requests{CPU: "0.5", Memory: "1Gi"} }),
		"nil path":             DefaultConfig(),
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			var path *field.Path
			if name != "nil path" {
				path = field.NewPath("modules", "cert_manager")
			}
			if errs := cfg.Validate(path); len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs.ToAggregate())
			}
		})
	}
}

func TestDocTags(t *testing.T) {
	platformtest.Docs(t, reflect.TypeOf(Config{}))
}

// TestReadme checks that README.md documents every option with its doc tag's text.
func TestReadme(t *testing.T) {
	platformtest.Readme(t, reflect.TypeOf(Config{}), "README.md")
}
