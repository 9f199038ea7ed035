package upstream

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/artifact"
)

// TestNewFromLoopback serves the real CNAO operator manifest from a loopback server,
// fetches it through an artifact store (which records it in the lock), transforms it
// and checks the bulk construct.
func TestNewFromLoopback(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "upstream", "cluster-network-addons-operator", "v0.94.2", "operator.yaml"))
	if err != nil {
		t.Skip(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	defer srv.Close()

	lock := &artifact.Lock{}
	store := artifact.NewStore(artifact.Options{CacheDir: t.TempDir()}, lock)
	env := platform.Env{Artifacts: store, Scope: scope}
	chart := platform.NewChart(cdk8s.NewApp(nil), "cnao")
	ref := artifact.Ref{Name: "cnao/operator.yaml", Kind: artifact.Manifest, URL: srv.URL + "/operator.yaml", Version: "0.94.2"}
	b, err := New(context.Background(), chart, env, ref,
		Drop{Selector: Selector{Kind: "Namespace"}},
		SetNamespace{Namespace: "cluster-network-addons", Scope: scope, Override: true})
	if err != nil {
		t.Fatal(err)
	}
	if b.Artifact == nil || len(b.Artifact.SHA256) != 64 || b.Source != ref.URL {
		t.Errorf("bulk = %+v", b)
	}
	if e, ok := lock.Get(ref.Name); !ok || e.SHA256 != b.Artifact.SHA256 {
		t.Errorf("lock entry = %+v %v", e, ok)
	}
	objs, err := chart.Objects()
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 {
		t.Fatal("no objects")
	}
	for _, o := range objs {
		if o.Kind() == "Namespace" {
			t.Error("namespace not dropped")
		}
	}
}

func TestParseErrors(t *testing.T) {
	_, err := Parse([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"), "x.yaml")
	if err == nil || !strings.Contains(err.Error(), "missing metadata.name") {
		t.Errorf("err = %v", err)
	}
	_, err = Parse([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"), "x.yaml", Drop{Selector: Selector{Kind: "Secret"}, Required: true})
	if err == nil || !strings.HasPrefix(err.Error(), "x.yaml: drop Secret *") {
		t.Errorf("err = %v", err)
	}
}
