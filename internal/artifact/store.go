package artifact

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// Options configure a Store. The zero value fetches over the network into
// DefaultCacheDir.
type Options struct {
	CacheDir  string // default: DefaultCacheDir()
	Offline   bool   // never open a network connection
	Locked    bool   // refuse an artifact that has no lock entry (CI)
	VendorDir string // serve artifacts from this directory (written by Vendor), no network needed
	// Mirrors maps an upstream URL prefix to its replacement; the longest matching prefix
	// wins. It applies to manifest URLs, chart repository index and archive URLs, oci://
	// references (the chart's, e.g. "oci://ghcr.io/org/charts/name") and the GitHub API
	// URLs Newer reads. The lock always records the upstream URL.
	Mirrors  map[string]string
	Client   *http.Client // default: one with sane timeouts
	Progress io.Writer    // a progress line per download when non-nil
	// Retries is how often a transient failure (connection refused or reset, timeout,
	// HTTP 429 or 5xx) is retried: 0 means the default, 3; negative means never.
	Retries int
	// Backoff is the wait before the first retry, doubled for each next one; default 1s.
	Backoff time.Duration
	// Timeout bounds each HTTP request, its body included; default 60s. The context
	// given to Fetch bounds the whole operation.
	Timeout time.Duration
}

// DefaultCacheDir is $KARGO_CACHE_DIR, else $XDG_CACHE_HOME/kargo, else
// $HOME/.cache/kargo.
func DefaultCacheDir() string {
	if d := os.Getenv("KARGO_CACHE_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "kargo")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".cache", "kargo")
	}
	return filepath.Join(os.TempDir(), "kargo-cache")
}

// Store fetches artifacts, verifies them against the lock and caches them. It is safe
// for concurrent use, and any number of kargo processes may share one cache directory.
type Store struct {
	opts    Options
	lock    *Lock
	mirrors mirrors
	http    *fetcher
}

// NewStore returns a store that records new entries in lock (the caller writes it). A
// nil lock is an empty one.
func NewStore(opts Options, lock *Lock) *Store {
	if opts.CacheDir == "" {
		opts.CacheDir = DefaultCacheDir()
	}
	if opts.Client == nil {
		opts.Client = defaultClient()
	}
	switch {
	case opts.Retries == 0:
		opts.Retries = 3
	case opts.Retries < 0:
		opts.Retries = 0
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if lock == nil {
		lock = newLock(map[string]Entry{})
	}
	return &Store{
		opts:    opts,
		lock:    lock,
		mirrors: newMirrors(opts.Mirrors),
		http: &fetcher{
			offline:  opts.Offline,
			client:   opts.Client,
			timeout:  opts.Timeout,
			retries:  opts.Retries,
			backoff:  opts.Backoff,
			progress: opts.Progress,
			tokens:   map[string]string{},
		},
	}
}

// Fetch returns the artifact's bytes, verified against kargo.lock.
//
// With a lock entry for the version ref names, the bytes come from the vendor directory,
// else the cache, else entry.URL (through mirrors); their sha256 is checked on every
// read and a mismatch is a refusal (a corrupted cache file is fetched again, unless
// offline). Without one, Fetch refuses in locked or offline mode, and otherwise
// downloads the artifact, checks it against the chart index or OCI digest, caches it and
// records a new entry in the lock, replacing an entry for another version.
func (s *Store) Fetch(ctx context.Context, ref Ref) (Artifact, error) {
	if err := ref.validate(); err != nil {
		return Artifact{}, err
	}
	e, ok := s.lock.Get(ref.Name)
	if ok && e.matches(ref) {
		return s.fetchLocked(ctx, ref, e)
	}
	var why string
	if ok {
		why = fmt.Sprintf("kargo.lock records %s", describe(e))
	} else {
		why = "kargo.lock has no entry for it"
	}
	switch {
	case s.opts.Locked:
		return Artifact{}, fmt.Errorf("%s: %s and locked mode refuses unrecorded artifacts; run kargo lock and commit kargo.lock", ref, why)
	case s.opts.Offline:
		return Artifact{}, fmt.Errorf("%s: %s and offline mode cannot fetch it; run kargo lock (or kargo vendor) on a machine with network access and bring kargo.lock and the cache (or vendor directory) here", ref, why)
	}
	return s.fetchNew(ctx, ref)
}

// describe names what an entry records, for errors.
func describe(e Entry) string {
	what := e.Source
	if e.Chart != "" {
		what = e.Chart + " from " + e.Source
	}
	if e.Version != "" {
		what += " version " + e.Version
	}
	return what
}

// fetchLocked serves an artifact with a matching lock entry.
func (s *Store) fetchLocked(ctx context.Context, ref Ref, e Entry) (Artifact, error) {
	art := Artifact{Ref: ref, SHA256: e.SHA256, URL: e.URL}
	if s.opts.VendorDir != "" {
		data, err := readCAS(s.opts.VendorDir, e.SHA256)
		switch {
		case err == nil:
			art.Data = data
			return art, nil
		case errors.Is(err, errCorrupt):
			return Artifact{}, fmt.Errorf("%s: vendored copy %w; run kargo vendor again", ref, err)
		case !isNotExist(err):
			return Artifact{}, fmt.Errorf("%s: read vendored copy: %w", ref, err)
		}
	}
	data, err := readCAS(s.opts.CacheDir, e.SHA256)
	switch {
	case err == nil:
		art.Data = data
		return art, nil
	case errors.Is(err, errCorrupt):
		if s.opts.Offline {
			return Artifact{}, fmt.Errorf("%s: cached copy %w; offline mode cannot fetch it again: delete the file and run kargo lock (or kargo vendor) with network access", ref, err)
		}
		// Fetched again below; the new file replaces the corrupted one.
	case !isNotExist(err):
		return Artifact{}, fmt.Errorf("%s: read cache: %w", ref, err)
	default:
		if s.opts.Offline {
			where := casPath(s.opts.CacheDir, e.SHA256)
			if s.opts.VendorDir != "" {
				where += " nor " + casPath(s.opts.VendorDir, e.SHA256)
			}
			return Artifact{}, fmt.Errorf("%s: not cached (no %s) and offline mode cannot fetch it; run kargo lock or kargo vendor on a machine with network access and bring the cache or vendor directory here", ref, where)
		}
	}
	data, err = s.download(ctx, ref, e.URL, e.SHA256)
	if err != nil {
		return Artifact{}, err
	}
	if got := sum(data); got != e.SHA256 {
		return Artifact{}, fmt.Errorf("%s: %w for %s: kargo.lock has %s, downloaded %s; the upstream artifact was re-published or tampered with (or a mirror serves other bytes): verify it, then run kargo lock to record the new digest",
			ref, ErrMismatch, s.display(e.URL), e.SHA256, got)
	}
	if err := s.cache(ref, data); err != nil {
		return Artifact{}, err
	}
	art.Data = data
	return art, nil
}

// fetchNew downloads an artifact the lock has no entry for and records one.
func (s *Store) fetchNew(ctx context.Context, ref Ref) (Artifact, error) {
	var (
		u    string
		data []byte
		err  error
	)
	switch {
	case ref.Kind == Manifest:
		u = ref.URL
		data, err = s.download(ctx, ref, u, "")
	case ref.isOCI():
		u, data, err = s.ociChart(ctx, ref, ociChartRef(ref)+":"+ociTag(ref.Version), "")
	default:
		u, data, err = s.repoChart(ctx, ref)
	}
	if err != nil {
		return Artifact{}, err
	}
	if err := s.cache(ref, data); err != nil {
		return Artifact{}, err
	}
	art := Artifact{Ref: ref, Data: data, SHA256: sum(data), URL: u}
	s.lock.set(ref.Name, Entry{Kind: ref.Kind, Source: ref.URL, Chart: ref.Chart, Version: ref.Version, URL: u, SHA256: art.SHA256})
	return art, nil
}

// download fetches the artifact at the upstream URL u, through mirrors. An oci://
// reference is resolved through the registry's manifest; want is the digest the lock
// expects, if any.
func (s *Store) download(ctx context.Context, ref Ref, u, want string) ([]byte, error) {
	if ref.isOCI() {
		_, data, err := s.ociChart(ctx, ref, u, want)
		return data, err
	}
	resp, err := s.http.get(ctx, s.mirrors.rewrite(u), u, "", true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return resp.body, nil
}

// cache stores verified bytes in the cache, unless it holds them already.
func (s *Store) cache(ref Ref, data []byte) error {
	if _, err := readCAS(s.opts.CacheDir, sum(data)); err == nil {
		return nil
	}
	if _, err := writeCAS(s.opts.CacheDir, data); err != nil {
		return fmt.Errorf("%s: write cache: %w; set KARGO_CACHE_DIR to a writable directory", ref, err)
	}
	return nil
}

// display names an upstream URL and the mirror serving it, for errors.
func (s *Store) display(u string) string {
	if m := s.mirrors.rewrite(u); m != u {
		return m + " (mirror of " + u + ")"
	}
	return u
}
