package artifact

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func TestOCIChart(t *testing.T) {
	reg := newRegistry(t, nil)
	chart := buildChart(t, "demo", "0.1.0")
	reg.pushChart(t, "charts/demo", "0.1.0", chart)
	ref := Ref{Name: "demo/demo", Kind: Chart, URL: reg.base(), Chart: "demo", Version: "0.1.0"}
	lock := emptyLock()
	art := mustFetch(t, newTestStore(t, Options{}, lock), ref)
	wantURL := reg.base() + "/demo:0.1.0"
	if !bytes.Equal(art.Data, chart) || art.SHA256 != sum(chart) || art.URL != wantURL {
		t.Errorf("artifact URL %s, sha256 %s", art.URL, art.SHA256)
	}
	if e, _ := lock.Get(ref.Name); e != (Entry{Kind: Chart, Source: reg.base(), Chart: "demo", Version: "0.1.0", URL: wantURL, SHA256: sum(chart)}) {
		t.Errorf("entry %+v", e)
	}

	// Locked, empty cache: resolved again through the registry and verified.
	if art := mustFetch(t, newTestStore(t, Options{Locked: true}, lock), ref); !bytes.Equal(art.Data, chart) {
		t.Error("locked fetch returned other bytes")
	}

	// The tag is re-pointed at other bytes: refused before the blob is downloaded.
	reg.pushChart(t, "charts/demo", "0.1.0", buildChart(t, "demo", "0.1.0-changed"))
	_, err := newTestStore(t, Options{}, lock).Fetch(ctx(t), ref)
	wantErr(t, err, "artifact demo/demo 0.1.0", "sha256 mismatch for "+wantURL, "kargo.lock has "+sum(chart), "run kargo lock")
	if !errors.Is(err, ErrMismatch) {
		t.Errorf("not ErrMismatch: %v", err)
	}
}

func TestOCIBuildMetadataTag(t *testing.T) {
	reg := newRegistry(t, nil)
	chart := buildChart(t, "demo", "1.0.0+up1")
	reg.pushChart(t, "charts/demo", "1.0.0_up1", chart) // as helm push stores "+"
	art := mustFetch(t, newTestStore(t, Options{}, nil), Ref{Name: "d", Kind: Chart, URL: reg.base(), Chart: "demo", Version: "1.0.0+up1"})
	if !bytes.Equal(art.Data, chart) {
		t.Error("other bytes")
	}
}

func TestOCIBearerChallenge(t *testing.T) {
	var tokens, unauthorized atomic.Int32
	var realm string
	reg := newRegistry(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/token" {
				if r.URL.Query().Get("service") != "test-registry" || r.URL.Query().Get("scope") != "repository:charts/demo:pull" {
					t.Errorf("token request %s", r.URL)
				}
				tokens.Add(1)
				fmt.Fprint(w, `{"token":"t0k3n"}`)
				return
			}
			if r.Header.Get("Authorization") != "Bearer t0k3n" {
				unauthorized.Add(1)
				w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm=%q,service="test-registry",scope="repository:charts/demo:pull"`, realm))
				http.Error(w, `{"errors":[{"code":"UNAUTHORIZED"}]}`, http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	realm = reg.URL + "/token"
	chart := buildChart(t, "demo", "0.1.0")
	reg.pushChart(t, "charts/demo", "0.1.0", chart)
	s := newTestStore(t, Options{}, nil)
	ref := Ref{Name: "demo/demo", Kind: Chart, URL: reg.base(), Chart: "demo", Version: "0.1.0"}
	if art := mustFetch(t, s, ref); !bytes.Equal(art.Data, chart) {
		t.Error("other bytes")
	}
	if tokens.Load() != 1 || unauthorized.Load() != 2 {
		t.Errorf("%d token requests, %d unauthorized answers; want 1 and 2 (manifest, blob)", tokens.Load(), unauthorized.Load())
	}
	if got, err := s.Newer(ctx(t), Ref{Name: "demo/demo", Kind: Chart, URL: reg.base(), Chart: "demo", Version: "0.0.1"}); err != nil || len(got) != 1 {
		t.Errorf("Newer behind a token: %v, %v", got, err)
	}
}

func TestOCITamperedBlob(t *testing.T) {
	reg := newRegistry(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/blobs/sha256:") && r.Method == http.MethodGet {
				w.Write([]byte("not the chart"))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	chart := buildChart(t, "demo", "0.1.0")
	reg.pushChart(t, "charts/demo", "0.1.0", chart)
	_, err := newTestStore(t, Options{}, nil).Fetch(ctx(t), Ref{Name: "demo/demo", Kind: Chart, URL: reg.base(), Chart: "demo", Version: "0.1.0"})
	wantErr(t, err, "artifact demo/demo 0.1.0", "sha256 mismatch", "/v2/charts/demo/blobs/sha256:"+sum(chart), "manifest names "+sum(chart), "downloaded "+sum([]byte("not the chart")))
}

func TestOCINotAChart(t *testing.T) {
	reg := newRegistry(t, nil)
	_, err := newTestStore(t, Options{}, nil).Fetch(ctx(t), Ref{Name: "demo/demo", Kind: Chart, URL: reg.base(), Chart: "demo", Version: "0.1.0"})
	wantErr(t, err, "artifact demo/demo 0.1.0: chart manifest: get "+reg.URL+"/v2/charts/demo/manifests/0.1.0: HTTP 404 Not Found")
}

func TestOCIThroughMirror(t *testing.T) {
	reg := newRegistry(t, nil)
	chart := buildChart(t, "demo", "0.1.0")
	reg.pushChart(t, "ghcr/org/charts/demo", "0.1.0", chart)
	lock := emptyLock()
	mirrors := map[string]string{"oci://ghcr.example/": "oci://" + strings.TrimPrefix(reg.URL, "http://") + "/ghcr/"}
	ref := Ref{Name: "demo/demo", Kind: Chart, URL: "oci://ghcr.example/org/charts", Chart: "demo", Version: "0.1.0"}
	art := mustFetch(t, newTestStore(t, Options{Mirrors: mirrors}, lock), ref)
	if !bytes.Equal(art.Data, chart) || art.URL != "oci://ghcr.example/org/charts/demo:0.1.0" {
		t.Errorf("artifact URL %s", art.URL)
	}
	if e, _ := lock.Get(ref.Name); e.URL != "oci://ghcr.example/org/charts/demo:0.1.0" {
		t.Errorf("lock records %s", e.URL)
	}
	if got, err := newTestStore(t, Options{Mirrors: mirrors}, nil).Newer(ctx(t), Ref{Name: "d", Kind: Chart, URL: ref.URL, Chart: "demo", Version: "0.0.1"}); err != nil || len(got) != 1 || got[0] != "0.1.0" {
		t.Errorf("Newer through a mirror: %v, %v", got, err)
	}
}

func TestParseOCIRepo(t *testing.T) {
	for in, want := range map[string]ociRepo{
		"oci://ghcr.io/org/charts/demo":    {"https://ghcr.io", "org/charts/demo"},
		"oci://registry.local:5000/demo":   {"https://registry.local:5000", "demo"},
		"oci://127.0.0.1:5000/charts/demo": {"http://127.0.0.1:5000", "charts/demo"},
		"oci://127.8.0.1/demo":             {"http://127.8.0.1", "demo"},
		"oci://localhost:5000/demo":        {"http://localhost:5000", "demo"},
		"oci://[::1]:5000/demo":            {"http://[::1]:5000", "demo"},
	} {
		if got, err := parseOCIRepo(in); err != nil || got != want {
			t.Errorf("parseOCIRepo(%s) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"oci://ghcr.io", "oci:///x", "https://ghcr.io/x"} {
		if _, err := parseOCIRepo(bad); err == nil {
			t.Errorf("parseOCIRepo(%s): no error", bad)
		}
	}
	if r, tag := splitTag("oci://127.0.0.1:5000/charts/demo:1.0.0"); r != "oci://127.0.0.1:5000/charts/demo" || tag != "1.0.0" {
		t.Errorf("splitTag = %s, %s", r, tag)
	}
	if r, tag := splitTag("oci://127.0.0.1:5000/charts/demo"); r != "oci://127.0.0.1:5000/charts/demo" || tag != "" {
		t.Errorf("splitTag without tag = %s, %s", r, tag)
	}
}
