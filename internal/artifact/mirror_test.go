package artifact

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestMirrorLongestPrefixWins(t *testing.T) {
	ms := newMirrors(map[string]string{
		"https://github.com/":                  "https://mirror.local/gh/",
		"https://github.com/kubevirt/":         "https://kv.local/",
		"https://github.com/kubevirt/kubevirt": "https://kvkv.local",
		"oci://ghcr.io/":                       "oci://registry.local:5000/ghcr/",
		"":                                     "https://ignored/",
	})
	for in, want := range map[string]string{
		"https://github.com/cilium/cilium/releases/download/v1/x.yaml":     "https://mirror.local/gh/cilium/cilium/releases/download/v1/x.yaml",
		"https://github.com/kubevirt/containerized-data-importer/x.yaml":   "https://kv.local/containerized-data-importer/x.yaml",
		"https://github.com/kubevirt/kubevirt/releases/download/v1/x.yaml": "https://kvkv.local/releases/download/v1/x.yaml",
		"oci://ghcr.io/org/charts/demo":                                    "oci://registry.local:5000/ghcr/org/charts/demo",
		"https://charts.jetstack.io/index.yaml":                            "https://charts.jetstack.io/index.yaml",
	} {
		if got := ms.rewrite(in); got != want {
			t.Errorf("rewrite(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestMirrorServesWhenUpstreamIsDown(t *testing.T) {
	body := []byte("kind: Namespace\n")
	upstream := newFileServer(t, map[string][]byte{"/v1/operator.yaml": body})
	ref := manifestRef(upstream.URL, "v1")
	lock := emptyLock()
	mustFetch(t, newTestStore(t, Options{}, lock), ref)
	upstream.Close()

	mirror := newFileServer(t, map[string][]byte{"/up/v1/operator.yaml": body})
	mirrors := map[string]string{upstream.URL + "/": mirror.URL + "/up/"}
	art := mustFetch(t, newTestStore(t, Options{Mirrors: mirrors}, lock), ref)
	if !bytes.Equal(art.Data, body) || art.URL != ref.URL {
		t.Errorf("artifact = %+v", art)
	}
	if e, _ := lock.Get(ref.Name); e.URL != ref.URL {
		t.Errorf("lock records %s, want the upstream URL", e.URL)
	}

	// A first fetch through the mirror records the upstream URL too.
	fresh := emptyLock()
	mustFetch(t, newTestStore(t, Options{Mirrors: mirrors}, fresh), ref)
	if e, _ := fresh.Get(ref.Name); e.URL != ref.URL || e.Source != ref.URL {
		t.Errorf("lock records %+v, want the upstream URL", e)
	}

	// A mirror with other bytes is refused like any mismatch.
	mirror.set("/up/v1/operator.yaml", []byte("kind: Namespace # changed\n"))
	_, err := newTestStore(t, Options{Mirrors: mirrors}, lock).Fetch(ctx(t), ref)
	wantErr(t, err, ref.String(), "sha256 mismatch for "+mirror.URL+"/up/v1/operator.yaml (mirror of "+ref.URL+")")
	if !errors.Is(err, ErrMismatch) {
		t.Errorf("not ErrMismatch: %v", err)
	}
}

func TestMirrorErrorsNameBothURLs(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	ref := Ref{Name: "m", Kind: Manifest, URL: "https://example.com/x.yaml"}
	_, err := newTestStore(t, Options{Mirrors: map[string]string{"https://example.com/": down.URL + "/"}, Retries: -1}, nil).Fetch(ctx(t), ref)
	wantErr(t, err, "get "+down.URL+"/x.yaml (mirror of https://example.com/x.yaml): connection failed")
}
