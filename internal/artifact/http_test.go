package artifact

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryTransientThenServe(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) <= 2 {
				http.Error(w, "busy", status)
				return
			}
			w.Write([]byte("ok\n"))
		}))
		t.Cleanup(srv.Close)
		art := mustFetch(t, newTestStore(t, Options{}, nil), manifestRef(srv.URL, "v1"))
		if string(art.Data) != "ok\n" || calls.Load() != 3 {
			t.Errorf("status %d: data %q after %d calls, want 3", status, art.Data, calls.Load())
		}
	}
}

func TestRetriesAreBounded(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "down", http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	ref := manifestRef(srv.URL, "v1")
	_, err := newTestStore(t, Options{Retries: 2}, nil).Fetch(ctx(t), ref)
	wantErr(t, err, ref.String(), "get "+ref.URL, "HTTP 502 Bad Gateway", "3 attempts", "try again later")
	if calls.Load() != 3 {
		t.Errorf("%d calls, want 3 (1 + 2 retries)", calls.Load())
	}
	calls.Store(0)
	_, err = newTestStore(t, Options{Retries: -1}, nil).Fetch(ctx(t), ref)
	wantErr(t, err, "HTTP 502")
	if calls.Load() != 1 {
		t.Errorf("Retries -1: %d calls, want 1", calls.Load())
	}
}

func TestNotFoundIsNotRetried(t *testing.T) {
	srv := newFileServer(t, map[string][]byte{})
	ref := manifestRef(srv.URL, "v1")
	_, err := newTestStore(t, Options{}, nil).Fetch(ctx(t), ref)
	wantErr(t, err, ref.String(), ref.URL, "HTTP 404 Not Found", "check the URL")
	if n := srv.total(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestErrorClasses(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hang.Close)
	dns := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}
	})}

	cases := map[string]struct {
		url     string
		opts    Options
		want    []string
		retried bool
	}{
		"connection refused": {closed.URL + "/m.yaml", Options{}, []string{"connection failed", "refused", "4 attempts"}, true},
		"tls":                {tlsSrv.URL + "/m.yaml", Options{}, []string{"TLS failed", "certificate", "CA certificates"}, false},
		"timeout":            {hang.URL + "/m.yaml", Options{Timeout: 20 * time.Millisecond, Retries: 1}, []string{"timed out after 20ms", "2 attempts"}, true},
		"dns":                {"https://charts.example.invalid/m.yaml", Options{Client: dns}, []string{"DNS lookup failed", "lookup charts.example.invalid: no such host", "host name"}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ref := Ref{Name: "m", Kind: Manifest, URL: tc.url}
			_, err := newTestStore(t, tc.opts, nil).Fetch(ctx(t), ref)
			wantErr(t, err, append(tc.want, "artifact m: get "+tc.url)...)
			if retried := strings.Contains(err.Error(), "attempts"); retried != tc.retried {
				t.Errorf("retried = %v, want %v: %v", retried, tc.retried, err)
			}
		})
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	c, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newTestStore(t, Options{Backoff: time.Hour}, nil).Fetch(c, manifestRef(srv.URL, "v1"))
	wantErr(t, err, "HTTP 503")
	if time.Since(start) > 5*time.Second || calls.Load() != 1 {
		t.Errorf("%d calls in %s", calls.Load(), time.Since(start))
	}
}

func TestProgress(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 1234567)
	srv := newFileServer(t, map[string][]byte{"/v1/operator.yaml": body})
	var out bytes.Buffer
	ref := manifestRef(srv.URL, "v1")
	lock := emptyLock()
	cache := t.TempDir()
	mustFetch(t, newTestStore(t, Options{Progress: &out, CacheDir: cache}, lock), ref)
	mustFetch(t, newTestStore(t, Options{Progress: &out, CacheDir: cache}, lock), ref) // cached: no line
	if want := "fetching " + ref.URL + " (1.2 MB)\n"; out.String() != want {
		t.Errorf("progress = %q, want %q", out.String(), want)
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 1234567: "1.2 MB", 4750000: "4.8 MB", 2e9: "2.0 GB"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseBearer(t *testing.T) {
	b, ok := parseBearer(`Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/charts/x:pull"`)
	if !ok || b != (bearer{"https://ghcr.io/token", "ghcr.io", "repository:org/charts/x:pull"}) {
		t.Errorf("parseBearer = %+v, %v", b, ok)
	}
	if _, ok := parseBearer(`Basic realm="registry"`); ok {
		t.Error("Basic parsed as bearer")
	}
	if !strings.Contains(nextLink(http.Header{"Link": {`</v2/x/tags/list?last=b&n=2>; rel="next"`}}, "http://127.0.0.1:1/v2/x/tags/list"), "http://127.0.0.1:1/v2/x/tags/list?last=b") {
		t.Error("nextLink")
	}
}
