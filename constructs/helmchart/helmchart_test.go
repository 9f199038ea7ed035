package helmchart

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/config"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/synth"
)

// packageChart builds a .tgz of a chart directory with deterministic bytes (sorted
// entries, fixed times), as helm package would lay it out.
func packageChart(t *testing.T, dir string) []byte {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Dir(dir), f)
		hdr := &tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// chartRepo serves an HTTP chart repository with the demo chart on loopback.
func chartRepo(t *testing.T) *httptest.Server {
	t.Helper()
	tgz := packageChart(t, filepath.Join("testdata", "charts", "demo"))
	sum := sha256.Sum256(tgz)
	index := fmt.Sprintf(`apiVersion: v1
entries:
  demo:
    - name: demo
      version: 0.1.0
      digest: %s
      urls: [charts/demo-0.1.0.tgz]
`, hex.EncodeToString(sum[:]))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/index.yaml":
			w.Write([]byte(index))
		case "/charts/demo-0.1.0.tgz":
			w.Write(tgz)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

type demoConfig struct {
	Enabled bool           `json:"enabled"`
	Repo    string         `json:"repo"`
	Values  map[string]any `json:"values"`
}

func (c demoConfig) IsEnabled() bool                      { return c.Enabled }
func (c demoConfig) Validate(*field.Path) field.ErrorList { return nil }
func (c demoConfig) ref() artifact.Ref {
	return artifact.Ref{Name: "demo/demo", Kind: artifact.Chart, URL: c.Repo, Chart: "demo", Version: "0.1.0"}
}

func registry(provides ...string) *platform.Registry {
	return platform.NewRegistry(platform.Definition[demoConfig]{
		ModuleName: "demo", Description: "Demo chart.", Provides: provides,
		Default:     func() demoConfig { return demoConfig{} },
		ArtifactsOf: func(c demoConfig) []artifact.Ref { return []artifact.Ref{c.ref()} },
		New: func(c *platform.Chart, cfg demoConfig, env platform.Env) error {
			_, err := New(context.Background(), c, env, Spec{
				Chart: cfg.ref(), Release: "demo", Namespace: "demo-system",
				Values: map[string]any{"replicas": 2}, UserValues: cfg.Values,
			})
			return err
		},
	})
}

func render(t *testing.T, reg *platform.Registry, repo string, extra string) (*synth.Result, []string, error) {
	t.Helper()
	cfgText := "apiVersion: kargo/v1alpha1\nmetadata:\n  labels: {team: infra}\ncompliance:\n  nist: {enabled: true, controls: [AC-2]}\nmodules:\n  demo:\n    enabled: true\n    repo: " + repo + "\n" + extra
	cfg, err := config.Parse(reg, []config.Source{{Name: "kargo.config.yaml", Data: []byte(cfgText)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	store := artifact.NewStore(artifact.Options{CacheDir: t.TempDir()}, &artifact.Lock{})
	res, err := synth.Run(cfg, synth.Options{Registry: reg, Version: "test", Artifacts: store, Warn: func(m string) { warnings = append(warnings, m) }})
	return res, warnings, err
}

func TestChartFromRepository(t *testing.T) {
	repo := chartRepo(t)
	res, _, err := render(t, registry(), repo.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	all := ""
	for _, f := range res.Files {
		// The repository URL is a random loopback port: mask it for the golden.
		data := bytes.ReplaceAll(f.Data, []byte(repo.URL), []byte("http://charts.test"))
		files[f.Name] = data
		all += string(data)
	}
	golden.AssertTree(t, files, "demo")

	// Aspects reach every rendered object: CRDs, hooks, cluster-scoped ones.
	for _, f := range res.Files {
		for _, doc := range strings.Split(string(f.Data), "\n---\n") {
			if !strings.Contains(doc, "team: infra") || !strings.Contains(doc, "compliance.nist.enabled: 'true'") {
				t.Errorf("%s: a document lacks the global metadata:\n%s", f.Name, doc)
			}
		}
	}
	for _, want := range []string{
		"kind: CustomResourceDefinition", // crds/ included
		"kind: Widget",                   // the chart's own CRD API is in Capabilities
		"namespace: demo-system",         // namespaced objects get the release namespace
		"helm.sh/hook: pre-install",      // other hooks kept with their annotations
		"replicas: 2",                    // typed module values
		"kubeVersion: v1.30.0",           // Capabilities from kubernetes.version
		`"dropped": [`,                   // the summary lists the dropped test hook
		"Pod demo-system/demo-test (hook: test)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, unwanted := range []string{"kind: ServiceMonitor", "name: demo-test\n"} {
		if strings.Contains(all, unwanted) {
			t.Errorf("output has %q", unwanted)
		}
	}
	if len(res.Summary.Artifacts) != 1 || res.Summary.Artifacts[0].Name != "demo/demo" || len(res.Summary.Artifacts[0].SHA256) != 64 {
		t.Errorf("summary artifacts = %+v", res.Summary.Artifacts)
	}
}

// TestAPIsOfEnabledModules: a module that provides the ServiceMonitor API makes the
// chart render its ServiceMonitor, as on a cluster that has the CRD.
func TestAPIsOfEnabledModules(t *testing.T) {
	repo := chartRepo(t)
	reg := registry("monitoring.coreos.com/v1", "monitoring.coreos.com/v1/ServiceMonitor")
	// ServiceMonitor's scope comes from the module that installs it; the fixture has
	// none, so the error names the kind — that is the behaviour for an unknown kind.
	_, _, err := render(t, reg, repo.URL, "")
	if err == nil || !strings.Contains(err.Error(), "ServiceMonitor") {
		t.Fatalf("err = %v", err)
	}
}

func TestUserValuesAndSchema(t *testing.T) {
	repo := chartRepo(t)
	res, _, err := render(t, registry(), repo.URL, "    values: {replicas: 5}\n")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range res.Objects {
		if o.Kind() == "Deployment" {
			found = true
			if v, _ := o.Lookup("spec", "replicas"); fmt.Sprint(v) != "5" {
				t.Errorf("replicas = %v; the user's values must win", v)
			}
		}
	}
	if !found {
		t.Error("no Deployment")
	}
	_, _, err = render(t, registry(), repo.URL, "    values: {replicas: 0}\n")
	if err == nil || !strings.Contains(err.Error(), "replicas") {
		t.Errorf("schema violation: %v", err)
	}
}
