package artifact

import (
	"bytes"
	"errors"
	"testing"
)

func TestChartRepoRelativeAndAbsoluteURLs(t *testing.T) {
	v1, v2 := buildChart(t, "demo", "0.1.0"), buildChart(t, "demo", "0.2.0")
	if !bytes.Equal(v1, buildChart(t, "demo", "0.1.0")) {
		t.Fatal("buildChart is not deterministic")
	}
	archives := newFileServer(t, map[string][]byte{"/dl/demo-0.2.0.tgz": v2})
	repo := newFileServer(t, map[string][]byte{
		"/stable/charts/demo-0.1.0.tgz": v1,
	})
	repo.set("/stable/index.yaml", indexYAML("demo",
		[3]string{"0.1.0", "charts/demo-0.1.0.tgz", sum(v1)},
		[3]string{"0.2.0", archives.URL + "/dl/demo-0.2.0.tgz", "sha256:" + sum(v2)},
	))
	lock := emptyLock()
	cache := t.TempDir()
	s := newTestStore(t, Options{CacheDir: cache}, lock)
	for version, want := range map[string]struct {
		data []byte
		url  string
	}{
		"0.1.0":  {v1, repo.URL + "/stable/charts/demo-0.1.0.tgz"},
		"v0.2.0": {v2, archives.URL + "/dl/demo-0.2.0.tgz"}, // cert-manager style "v" prefix
	} {
		ref := Ref{Name: "demo/" + version, Kind: Chart, URL: repo.URL + "/stable/", Chart: "demo", Version: version}
		art := mustFetch(t, s, ref)
		if !bytes.Equal(art.Data, want.data) || art.URL != want.url {
			t.Errorf("%s: url %s", version, art.URL)
		}
		e, _ := lock.Get(ref.Name)
		if e != (Entry{Kind: Chart, Source: ref.URL, Chart: "demo", Version: version, URL: want.url, SHA256: sum(want.data)}) {
			t.Errorf("%s: entry %+v", version, e)
		}
	}

	// No lock entry, but the cache holds the digest the index names: no archive download.
	archive := repo.count("/stable/charts/demo-0.1.0.tgz")
	mustFetch(t, newTestStore(t, Options{CacheDir: cache}, emptyLock()), Ref{Name: "demo/0.1.0", Kind: Chart, URL: repo.URL + "/stable/", Chart: "demo", Version: "0.1.0"})
	if repo.count("/stable/charts/demo-0.1.0.tgz") != archive {
		t.Error("archive downloaded again although the cache holds it")
	}

	// Locked and cached: not even the index is read.
	before := repo.total() + archives.total()
	s2 := newTestStore(t, Options{CacheDir: cache, Locked: true}, lock)
	mustFetch(t, s2, Ref{Name: "demo/0.1.0", Kind: Chart, URL: repo.URL + "/stable/", Chart: "demo", Version: "0.1.0"})
	if n := repo.total() + archives.total(); n != before {
		t.Errorf("%d requests for a locked, cached chart", n-before)
	}
	// Locked, not cached: the archive from the lock's URL, no index.
	mustFetch(t, newTestStore(t, Options{Locked: true}, lock), Ref{Name: "demo/0.1.0", Kind: Chart, URL: repo.URL + "/stable/", Chart: "demo", Version: "0.1.0"})
	if repo.count("/stable/index.yaml") != 3 || repo.count("/stable/charts/demo-0.1.0.tgz") != 2 {
		t.Errorf("requests: index %d, archive %d", repo.count("/stable/index.yaml"), repo.count("/stable/charts/demo-0.1.0.tgz"))
	}
}

func TestChartRepoIndexDigestMismatch(t *testing.T) {
	chart := buildChart(t, "demo", "0.1.0")
	repo := newFileServer(t, map[string][]byte{
		"/index.yaml":     indexYAML("demo", [3]string{"0.1.0", "demo-0.1.0.tgz", sumA}),
		"/demo-0.1.0.tgz": chart,
	})
	lock := emptyLock()
	ref := Ref{Name: "demo/demo", Kind: Chart, URL: repo.URL, Chart: "demo", Version: "0.1.0"}
	_, err := newTestStore(t, Options{}, lock).Fetch(ctx(t), ref)
	wantErr(t, err, "artifact demo/demo 0.1.0", "sha256 mismatch for "+repo.URL+"/demo-0.1.0.tgz", "index has "+sumA, "downloaded "+sum(chart))
	if !errors.Is(err, ErrMismatch) {
		t.Errorf("not ErrMismatch: %v", err)
	}
	if len(lock.Names()) != 0 {
		t.Error("a refused chart was recorded")
	}
}

func TestChartRepoNotFound(t *testing.T) {
	repo := newFileServer(t, map[string][]byte{
		"/index.yaml": indexYAML("demo",
			[3]string{"0.1.0", "a.tgz", ""}, [3]string{"0.3.0", "b.tgz", ""}, [3]string{"0.4.0-rc.1", "c.tgz", ""}, [3]string{"0.2.0", "d.tgz", ""}),
	})
	s := newTestStore(t, Options{}, nil)
	_, err := s.Fetch(ctx(t), Ref{Name: "demo/demo", Kind: Chart, URL: repo.URL, Chart: "demo", Version: "9.9.9"})
	wantErr(t, err, "artifact demo/demo 9.9.9", `chart "demo" has no version "9.9.9"`, repo.URL+"/index.yaml", "newest: 0.3.0, 0.2.0, 0.1.0", "check the version")
	_, err = s.Fetch(ctx(t), Ref{Name: "x/x", Kind: Chart, URL: repo.URL, Chart: "nope", Version: "1.0.0"})
	wantErr(t, err, `chart "nope" not found in `+repo.URL+"/index.yaml", "check the chart name")
}

func TestChartRepoThroughMirror(t *testing.T) {
	chart := buildChart(t, "demo", "0.1.0")
	mirror := newFileServer(t, map[string][]byte{
		"/jetstack/index.yaml":            indexYAML("demo", [3]string{"0.1.0", "charts/demo-0.1.0.tgz", sum(chart)}),
		"/jetstack/charts/demo-0.1.0.tgz": chart,
	})
	lock := emptyLock()
	ref := Ref{Name: "demo/demo", Kind: Chart, URL: "https://charts.example.com", Chart: "demo", Version: "0.1.0"}
	s := newTestStore(t, Options{Mirrors: map[string]string{"https://charts.example.com/": mirror.URL + "/jetstack/"}}, lock)
	art := mustFetch(t, s, ref)
	if !bytes.Equal(art.Data, chart) || art.URL != "https://charts.example.com/charts/demo-0.1.0.tgz" {
		t.Errorf("artifact URL %s", art.URL)
	}
	if e, _ := lock.Get(ref.Name); e.URL != "https://charts.example.com/charts/demo-0.1.0.tgz" {
		t.Errorf("lock records %s", e.URL)
	}
}
