package artifact

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func manifestRef(srv string, version string) Ref {
	return Ref{Name: "kubevirt/kubevirt-operator.yaml", Kind: Manifest, URL: srv + "/" + version + "/operator.yaml", Version: version}
}

func TestFetchRecordsThenServesFromCache(t *testing.T) {
	body := []byte("kind: Namespace\n")
	srv := newFileServer(t, map[string][]byte{"/v1/operator.yaml": body})
	lock := emptyLock()
	cache := t.TempDir()
	ref := manifestRef(srv.URL, "v1")

	art := mustFetch(t, newTestStore(t, Options{CacheDir: cache}, lock), ref)
	if !bytes.Equal(art.Data, body) || art.SHA256 != sum(body) || art.URL != ref.URL {
		t.Errorf("artifact = %+v", art)
	}
	want := Entry{Kind: Manifest, Source: ref.URL, Version: "v1", URL: ref.URL, SHA256: sum(body)}
	if e, ok := lock.Get(ref.Name); !ok || e != want {
		t.Errorf("lock entry = %+v, want %+v", e, want)
	}
	if !lock.Changed() {
		t.Error("lock not Changed after recording an entry")
	}
	cached, err := os.ReadFile(filepath.Join(cache, "sha256", sum(body)))
	if err != nil || !bytes.Equal(cached, body) {
		t.Errorf("cache file: %q, %v", cached, err)
	}

	// Locked (or offline) and cached: no request at all, even with the server gone.
	srv.Close()
	for _, opts := range []Options{{CacheDir: cache, Locked: true, Client: noNetworkClient(t)}, {CacheDir: cache, Offline: true}} {
		again := mustFetch(t, newTestStore(t, opts, lock), ref)
		if !bytes.Equal(again.Data, body) || again.URL != ref.URL || again.SHA256 != sum(body) {
			t.Errorf("cached artifact = %+v", again)
		}
	}
	if n := srv.total(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestFetchVersionChangeReplacesEntry(t *testing.T) {
	srv := newFileServer(t, map[string][]byte{"/v1/operator.yaml": []byte("one\n"), "/v2/operator.yaml": []byte("two\n")})
	lock := emptyLock()
	mustFetch(t, newTestStore(t, Options{}, lock), manifestRef(srv.URL, "v1"))
	path := filepath.Join(t.TempDir(), "kargo.lock")
	if err := lock.Write(path); err != nil {
		t.Fatal(err)
	}
	lock, err := ReadLock(path)
	if err != nil {
		t.Fatal(err)
	}
	ref2 := manifestRef(srv.URL, "v2")

	// The config names v2 now: the v1 entry does not match, so it counts as missing.
	_, err = newTestStore(t, Options{Locked: true}, lock).Fetch(ctx(t), ref2)
	wantErr(t, err, "artifact kubevirt/kubevirt-operator.yaml v2", "kargo.lock records", "v1", "run kargo lock")
	_, err = newTestStore(t, Options{Offline: true, Client: noNetworkClient(t)}, lock).Fetch(ctx(t), ref2)
	wantErr(t, err, "artifact kubevirt/kubevirt-operator.yaml v2", "kargo lock", "kargo vendor", "network")

	art := mustFetch(t, newTestStore(t, Options{}, lock), ref2)
	if string(art.Data) != "two\n" {
		t.Errorf("data = %q", art.Data)
	}
	if e, _ := lock.Get(ref2.Name); e.Version != "v2" || e.SHA256 != sum([]byte("two\n")) || e.URL != ref2.URL {
		t.Errorf("entry not replaced: %+v", e)
	}
	if !lock.Changed() {
		t.Error("lock not Changed")
	}
}

func TestFetchLockedRefusesUnrecorded(t *testing.T) {
	srv := forbiddenServer(t)
	_, err := newTestStore(t, Options{Locked: true}, emptyLock()).Fetch(ctx(t), manifestRef(srv.URL, "v1"))
	wantErr(t, err, "artifact kubevirt/kubevirt-operator.yaml v1", "no entry", "run kargo lock")
}

func TestFetchDigestMismatchIsRefused(t *testing.T) {
	srv := newFileServer(t, map[string][]byte{"/v1/operator.yaml": []byte("original\n")})
	lock := emptyLock()
	ref := manifestRef(srv.URL, "v1")
	mustFetch(t, newTestStore(t, Options{}, lock), ref)

	// Upstream re-publishes v1; a machine with an empty cache must refuse it.
	srv.set("/v1/operator.yaml", []byte("re-published\n"))
	cache := t.TempDir()
	_, err := newTestStore(t, Options{CacheDir: cache}, lock).Fetch(ctx(t), ref)
	wantErr(t, err, "artifact kubevirt/kubevirt-operator.yaml v1", "sha256 mismatch for "+ref.URL,
		"kargo.lock has "+sum([]byte("original\n")), "downloaded "+sum([]byte("re-published\n")), "run kargo lock")
	if !errors.Is(err, ErrMismatch) {
		t.Errorf("errors.Is(err, ErrMismatch) = false for %v", err)
	}
	if files, _ := os.ReadDir(filepath.Join(cache, "sha256")); len(files) != 0 {
		t.Errorf("refused bytes were cached: %v", files)
	}
	if e, _ := lock.Get(ref.Name); e.SHA256 != sum([]byte("original\n")) {
		t.Error("a refusal changed the lock")
	}
}

func TestFetchCorruptedCache(t *testing.T) {
	body := []byte("kind: ConfigMap\n")
	srv := newFileServer(t, map[string][]byte{"/v1/operator.yaml": body})
	lock := emptyLock()
	cache := t.TempDir()
	ref := manifestRef(srv.URL, "v1")
	mustFetch(t, newTestStore(t, Options{CacheDir: cache}, lock), ref)
	path := filepath.Join(cache, "sha256", sum(body))

	for name, garble := range map[string][]byte{
		"truncated": body[:5],
		"garbled":   bytes.ToUpper(body),
		"empty":     {},
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, garble, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := newTestStore(t, Options{CacheDir: cache, Offline: true, Client: noNetworkClient(t)}, lock).Fetch(ctx(t), ref)
			wantErr(t, err, "artifact kubevirt/kubevirt-operator.yaml v1", path, "corrupted")

			before := srv.count("/v1/operator.yaml")
			art := mustFetch(t, newTestStore(t, Options{CacheDir: cache}, lock), ref)
			if !bytes.Equal(art.Data, body) {
				t.Errorf("data = %q", art.Data)
			}
			if srv.count("/v1/operator.yaml") != before+1 {
				t.Error("corrupted cache entry was not fetched again")
			}
			if repaired, _ := os.ReadFile(path); !bytes.Equal(repaired, body) {
				t.Errorf("cache not repaired: %q", repaired)
			}
		})
	}
}

func TestOfflineNeverConnects(t *testing.T) {
	srv := forbiddenServer(t)
	ref := manifestRef(srv.URL, "v1")
	chart := Ref{Name: "demo/demo", Kind: Chart, URL: srv.URL, Chart: "demo", Version: "0.1.0"}
	oci := Ref{Name: "demo/oci", Kind: Chart, URL: "oci://" + strings.TrimPrefix(srv.URL, "http://") + "/charts", Chart: "demo", Version: "0.1.0"}
	for _, client := range []*http.Client{nil, noNetworkClient(t)} {
		s := newTestStore(t, Options{Offline: true, Client: client}, emptyLock())
		for _, r := range []Ref{ref, chart, oci} {
			_, err := s.Fetch(ctx(t), r)
			wantErr(t, err, r.String(), "offline", "kargo lock")
			_, err = s.Newer(ctx(t), r)
			wantErr(t, err, r.String(), "offline")
		}
		if err := s.Vendor(ctx(t), []Ref{ref, chart}, t.TempDir()); err == nil {
			t.Error("offline vendor without a cache: no error")
		}
	}

	// A lock entry whose artifact is not cached: still no connection.
	lock := newLock(map[string]Entry{ref.Name: {Kind: Manifest, Source: ref.URL, Version: "v1", URL: ref.URL, SHA256: sumA}})
	cache := t.TempDir()
	_, err := newTestStore(t, Options{Offline: true, CacheDir: cache, Client: noNetworkClient(t)}, lock).Fetch(ctx(t), ref)
	wantErr(t, err, ref.String(), "not cached", filepath.Join(cache, "sha256", sumA), "kargo lock or kargo vendor")

	// The fetcher itself refuses too, whatever calls it.
	_, err = newTestStore(t, Options{Offline: true, Client: noNetworkClient(t)}, nil).http.get(ctx(t), srv.URL, "", "", false)
	wantErr(t, err, "offline")
}

func TestConcurrentFetchSharedCache(t *testing.T) {
	files := map[string][]byte{}
	var refs []Ref
	srv := newFileServer(t, files)
	for i := range 4 {
		path := fmt.Sprintf("/v%d/operator.yaml", i)
		files[path] = bytes.Repeat([]byte(fmt.Sprintf("object %d\n", i)), 20000) // ~200 kB: writes take a while
		refs = append(refs, Ref{Name: fmt.Sprintf("m/%d", i), Kind: Manifest, URL: srv.URL + path, Version: fmt.Sprintf("v%d", i)})
	}
	cache := t.TempDir()
	check := func(who string, s *Store, ref Ref, i int) {
		art, err := s.Fetch(ctx(t), ref)
		if err != nil {
			t.Errorf("%s: %v", who, err)
			return
		}
		if !bytes.Equal(art.Data, files[fmt.Sprintf("/v%d/operator.yaml", i)]) {
			t.Errorf("%s: artifact %s has other bytes", who, ref.Name)
		}
	}

	// Two stores (two kargo processes) with their own locks share one cache; each
	// fetches every artifact from several goroutines at once.
	stores := []*Store{newTestStore(t, Options{CacheDir: cache}, emptyLock()), newTestStore(t, Options{CacheDir: cache}, emptyLock())}
	var wg sync.WaitGroup
	for n, s := range stores {
		for g := range 3 {
			for i, ref := range refs {
				wg.Go(func() { check(fmt.Sprintf("store %d goroutine %d", n, g), s, ref, i) })
			}
		}
	}
	wg.Wait()
	for _, s := range stores {
		if got := s.lock.Names(); len(got) != len(refs) {
			t.Errorf("lock names %v", got)
		}
	}

	// Readers that trust the cache (offline) never see a partial file while other
	// processes (fresh stores, no lock entries) download and store the same artifacts.
	for w := range 4 {
		wg.Go(func() {
			for range 3 {
				s := newTestStore(t, Options{CacheDir: cache}, emptyLock())
				for i, ref := range refs {
					check(fmt.Sprintf("writer %d", w), s, ref, i)
				}
			}
		})
	}
	for r := range 4 {
		wg.Go(func() {
			s := newTestStore(t, Options{CacheDir: cache, Offline: true, Client: noNetworkClient(t)}, stores[0].lock)
			for range 30 {
				for i, ref := range refs {
					check(fmt.Sprintf("offline reader %d", r), s, ref, i)
				}
			}
		})
	}
	wg.Wait()

	entries, err := os.ReadDir(filepath.Join(cache, "sha256"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(refs) {
		t.Errorf("cache holds %d files, want %d (temporary files left?)", len(entries), len(refs))
	}
	for _, e := range entries {
		if _, err := readCAS(cache, e.Name()); err != nil {
			t.Error(err)
		}
	}
}

func TestRefValidation(t *testing.T) {
	s := newTestStore(t, Options{Client: noNetworkClient(t)}, nil)
	for _, ref := range []Ref{
		{Name: "", Kind: Manifest, URL: "https://x/y"},
		{Name: "a", Kind: "helm", URL: "https://x"},
		{Name: "a", Kind: Manifest, URL: "ftp://x/y"},
		{Name: "a", Kind: Chart, URL: "https://x", Version: "1.0.0"},
		{Name: "a", Kind: Chart, URL: "git://x", Chart: "c", Version: "1.0.0"},
		{Name: "a", Kind: Chart, URL: "https://x", Chart: "c"},
	} {
		if _, err := s.Fetch(ctx(t), ref); err == nil || !strings.Contains(err.Error(), "invalid reference") {
			t.Errorf("Fetch(%+v) = %v", ref, err)
		}
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv("KARGO_CACHE_DIR", "/k")
	t.Setenv("XDG_CACHE_HOME", "/x")
	t.Setenv("HOME", "/h")
	if got := DefaultCacheDir(); got != "/k" {
		t.Errorf("with KARGO_CACHE_DIR: %s", got)
	}
	t.Setenv("KARGO_CACHE_DIR", "")
	if got := DefaultCacheDir(); got != filepath.Join("/x", "kargo") {
		t.Errorf("with XDG_CACHE_HOME: %s", got)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	if got := DefaultCacheDir(); got != filepath.Join("/h", ".cache", "kargo") {
		t.Errorf("with HOME: %s", got)
	}
}
