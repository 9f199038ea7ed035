package artifact

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

// fileServer is a loopback HTTP server with fixed files that counts requests per path.
type fileServer struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string][]byte
	hits  map[string]int
}

func newFileServer(t *testing.T, files map[string][]byte) *fileServer {
	t.Helper()
	f := &fileServer{files: files, hits: map[string]int{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits[r.URL.Path]++
		data, ok := f.files[r.URL.Path]
		f.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fileServer) set(path string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[path] = data
}

func (f *fileServer) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func (f *fileServer) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.hits {
		n += c
	}
	return n
}

// newTestStore is a store with its own cache directory, fast retries and a short timeout.
func newTestStore(t *testing.T, opts Options, lock *Lock) *Store {
	t.Helper()
	if opts.CacheDir == "" {
		opts.CacheDir = t.TempDir()
	}
	if opts.Backoff == 0 {
		opts.Backoff = time.Millisecond
	}
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Client == nil {
		opts.Client = loopbackClient(t)
	}
	return NewStore(opts, lock)
}

// loopbackClient is the default client, except that it fails the test instead of
// connecting anywhere but a loopback address.
func loopbackClient(t *testing.T) *http.Client {
	transport := defaultClient().Transport
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if !isLoopback(r.URL.Hostname()) {
			t.Errorf("request to %s: tests use loopback servers only", r.URL)
			return nil, errors.New("not a loopback address")
		}
		return transport.RoundTrip(r)
	})}
}

func emptyLock() *Lock { return newLock(map[string]Entry{}) }

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// noNetworkClient fails the test on any request.
func noNetworkClient(t *testing.T) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request to %s", r.URL)
		return nil, errors.New("no network in this test")
	})}
}

// forbiddenServer fails the test when called.
func forbiddenServer(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request to %s", r.URL)
		http.Error(w, "no", http.StatusTeapot)
	}))
	t.Cleanup(s.Close)
	return s
}

// buildChart is a tiny valid chart archive with deterministic bytes: sorted entries,
// fixed modes and times, no gzip timestamp.
func buildChart(t *testing.T, name, version string) []byte {
	t.Helper()
	files := []struct{ path, body string }{
		{name + "/Chart.yaml", fmt.Sprintf("apiVersion: v2\nname: %s\nversion: %s\ntype: application\n", name, version)},
		{name + "/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  version: " + version + "\n"},
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	mtime := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range files {
		hdr := &tar.Header{Name: f.path, Mode: 0o644, Size: int64(len(f.body)), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
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

// indexYAML is a chart repository index for one chart; each version maps to its archive
// URL and digest ("" leaves the digest out).
func indexYAML(chart string, versions ...[3]string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nentries:\n  " + chart + ":\n")
	for _, v := range versions {
		fmt.Fprintf(&b, "  - name: %s\n    version: %q\n    urls:\n    - %s\n", chart, v[0], v[1])
		if v[2] != "" {
			fmt.Fprintf(&b, "    digest: %s\n", v[2])
		}
	}
	b.WriteString("generated: \"2024-01-01T00:00:00Z\"\n")
	return []byte(b.String())
}

// testRegistry is an in-process OCI registry on loopback.
type testRegistry struct {
	*httptest.Server
	handler http.Handler
}

func newRegistry(t *testing.T, wrap func(http.Handler) http.Handler) *testRegistry {
	t.Helper()
	r := &testRegistry{handler: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	h := r.handler
	if wrap != nil {
		h = wrap(h)
	}
	r.Server = httptest.NewServer(h)
	t.Cleanup(r.Close)
	return r
}

// base is the registry's oci:// base for charts: "oci://127.0.0.1:port/charts".
func (r *testRegistry) base() string {
	return "oci://" + strings.TrimPrefix(r.URL, "http://") + "/charts"
}

// pushChart stores the chart archive as a Helm OCI artifact repo:tag, straight into the
// registry handler (no auth wrapper).
func (r *testRegistry) pushChart(t *testing.T, repo, tag string, tgz []byte) {
	t.Helper()
	config := []byte(`{"name":"demo"}`)
	put := func(method, path, ctype string, body []byte) {
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		r.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
	}
	for _, blob := range [][]byte{config, tgz} {
		put(http.MethodPost, "/v2/"+repo+"/blobs/uploads/?digest=sha256:"+sum(blob), "application/octet-stream", blob)
	}
	type desc struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
		Size      int    `json:"size"`
	}
	manifest, err := json.Marshal(struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
		Config        desc   `json:"config"`
		Layers        []desc `json:"layers"`
	}{
		SchemaVersion: 2,
		MediaType:     ociManifestType,
		Config:        desc{"application/vnd.cncf.helm.config.v1+json", "sha256:" + sum(config), len(config)},
		Layers:        []desc{{helmLayerType, "sha256:" + sum(tgz), len(tgz)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	put(http.MethodPut, "/v2/"+repo+"/manifests/"+tag, ociManifestType, manifest)
}

// ctx is a test context that ends with the test.
func ctx(t *testing.T) context.Context { return t.Context() }

// mustFetch fetches ref or fails the test.
func mustFetch(t *testing.T, s *Store, ref Ref) Artifact {
	t.Helper()
	art, err := s.Fetch(ctx(t), ref)
	if err != nil {
		t.Fatalf("fetch %s: %v", ref.Name, err)
	}
	return art
}

// wantErr fails the test unless err holds every fragment.
func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not contain %q", err, f)
		}
	}
}
