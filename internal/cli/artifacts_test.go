package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/upstream"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/synth"
)

// operatorConfig configures a test module that deploys the real hostpath-provisioner
// operator manifest from a URL.
type operatorConfig struct {
	Enabled bool   `json:"enabled" doc:"Build it."`
	URL     string `json:"url" doc:"Manifest URL."`
	Version string `json:"version" doc:"Version."`
}

func (c operatorConfig) IsEnabled() bool                      { return c.Enabled }
func (c operatorConfig) Validate(*field.Path) field.ErrorList { return nil }

func (c operatorConfig) ref() artifact.Ref {
	return artifact.Ref{Name: "operator/operator.yaml", Kind: artifact.Manifest, URL: c.URL, Version: c.Version}
}

func operatorRegistry() *platform.Registry {
	return platform.NewRegistry(platform.Definition[operatorConfig]{
		ModuleName: "operator", Description: "Test operator.",
		Default:     func() operatorConfig { return operatorConfig{Version: "0.20.0"} },
		VersionOf:   func(c operatorConfig) string { return c.Version },
		ArtifactsOf: func(c operatorConfig) []artifact.Ref { return []artifact.Ref{c.ref()} },
		New: func(c *platform.Chart, cfg operatorConfig, env platform.Env) error {
			_, err := upstream.New(context.Background(), c, env, cfg.ref(),
				upstream.SetNamespace{Namespace: "hostpath-provisioner", Scope: synth.Scope})
			return err
		},
	})
}

// upstreamServer serves the real operator manifest and counts requests.
type upstreamServer struct {
	*httptest.Server
	hits atomic.Int64
	body atomic.Value
}

func newUpstream(t *testing.T) *upstreamServer {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "upstream", "hostpath-provisioner-operator", "v0.20.0", "operator.yaml"))
	if err != nil {
		t.Skip(err)
	}
	u := &upstreamServer{}
	u.body.Store(data)
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		w.Write(u.body.Load().([]byte))
	}))
	t.Cleanup(u.Close)
	return u
}

// kargo runs the CLI with the test registry in dir (absolute paths, no chdir).
func kargo(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	full := append([]string{args[0], "-c", filepath.Join(dir, "kargo.config.yaml")}, args[1:]...)
	if args[0] == "synth" || args[0] == "diff" {
		full = append(full, "-o", filepath.Join(dir, "dist"))
	}
	code := RunWith(operatorRegistry(), full, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func operatorWorkspace(t *testing.T, url string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "kargo.config.yaml"), "apiVersion: kargo/v1alpha1\nmodules:\n  operator:\n    enabled: true\n    url: "+url+"/operator.yaml\n")
	return dir
}

func TestArtifactLifecycle(t *testing.T) {
	up := newUpstream(t)
	dir := operatorWorkspace(t, up.URL)
	cache := t.TempDir()

	// First use: fetched, recorded in kargo.lock next to the config, rendered.
	code, _, stderr := kargo(t, dir, "synth", "--cache-dir", cache)
	if code != ExitOK {
		t.Fatalf("synth: %s", stderr)
	}
	if !strings.Contains(stderr, "recorded new artifacts in") {
		t.Errorf("stderr = %q", stderr)
	}
	lock, err := os.ReadFile(filepath.Join(dir, "kargo.lock"))
	if err != nil || !strings.Contains(string(lock), "operator/operator.yaml") {
		t.Fatalf("kargo.lock: %v\n%s", err, lock)
	}
	first := snapshot(t, filepath.Join(dir, "dist"))
	if !strings.Contains(first["10-cluster-00-kargo.yaml"], `"sha256":`) {
		t.Error("the summary lacks the artifact digest")
	}

	// Offline from the cache: no request, same bytes.
	hits := up.hits.Load()
	if code, _, stderr := kargo(t, dir, "synth", "--cache-dir", cache, "--offline", "--locked"); code != ExitOK {
		t.Fatalf("offline synth: %s", stderr)
	}
	if up.hits.Load() != hits {
		t.Error("offline synth made a request")
	}
	if got := snapshot(t, filepath.Join(dir, "dist")); !equalMaps(first, got) {
		t.Error("offline synth changed dist/")
	}

	// Offline with an empty cache: an error naming the artifact and the fix.
	code, _, stderr = kargo(t, dir, "synth", "--cache-dir", t.TempDir(), "--offline")
	if code != ExitError || !strings.Contains(stderr, "operator/operator.yaml") || !strings.Contains(stderr, "kargo vendor") {
		t.Errorf("offline cache miss: %d %s", code, stderr)
	}
	if up.hits.Load() != hits {
		t.Error("offline synth made a request")
	}

	// Upstream re-published other bytes: with a fresh cache the digest is refused and
	// dist/ is left alone.
	up.body.Store(append(up.body.Load().([]byte), []byte("# tampered\n")...))
	code, _, stderr = kargo(t, dir, "synth", "--cache-dir", t.TempDir())
	if code != ExitError || !strings.Contains(stderr, "sha256 mismatch") {
		t.Errorf("tampered upstream: %d %s", code, stderr)
	}
	if got := snapshot(t, filepath.Join(dir, "dist")); !equalMaps(first, got) {
		t.Error("a refused synth changed dist/")
	}
	// kargo lock --refresh accepts the new digest once a human decided to.
	if code, _, stderr := kargo(t, dir, "lock", "--cache-dir", cache, "--refresh", "operator/operator.yaml"); code != ExitOK {
		t.Fatalf("lock --refresh: %s", stderr)
	}
	if l, _ := os.ReadFile(filepath.Join(dir, "kargo.lock")); bytes.Equal(l, lock) {
		t.Error("kargo lock --refresh did not record the new digest")
	}
}

func TestLockedRefusesUnrecorded(t *testing.T) {
	up := newUpstream(t)
	dir := operatorWorkspace(t, up.URL)
	code, _, stderr := kargo(t, dir, "synth", "--cache-dir", t.TempDir(), "--locked")
	if code != ExitError || !strings.Contains(stderr, "operator/operator.yaml") || !strings.Contains(stderr, "kargo lock") {
		t.Errorf("locked: %d %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "dist")); err == nil {
		t.Error("dist/ written")
	}
}

func TestLockPrunesAndMirror(t *testing.T) {
	up := newUpstream(t)
	dir := operatorWorkspace(t, "https://upstream.invalid/releases")
	// The mirror maps the unreachable upstream to the loopback server; the lock keeps
	// the upstream URL.
	mirror := "--set=sources.mirrors[https://upstream.invalid/releases]=" + up.URL
	write(t, filepath.Join(dir, "kargo.lock"), "apiVersion: kargo/v1alpha1\nartifacts:\n  old/gone.yaml:\n    kind: manifest\n    source: https://x.invalid/gone.yaml\n    url: https://x.invalid/gone.yaml\n    version: \"1\"\n    sha256: "+strings.Repeat("a", 64)+"\n")
	code, stdout, stderr := kargo(t, dir, "lock", "--cache-dir", t.TempDir(), mirror)
	if code != ExitOK {
		t.Fatalf("lock: %s", stderr)
	}
	if !strings.Contains(stdout, "dropped old/gone.yaml") {
		t.Errorf("stdout = %q", stdout)
	}
	lock, _ := os.ReadFile(filepath.Join(dir, "kargo.lock"))
	if !strings.Contains(string(lock), "https://upstream.invalid/releases/operator.yaml") || strings.Contains(string(lock), up.URL) || strings.Contains(string(lock), "gone") {
		t.Errorf("kargo.lock:\n%s", lock)
	}
}

// TestVendorRoundTrip: vendor, stop the server, synth from the vendor dir with no
// network and an empty cache: byte-identical output.
func TestVendorRoundTrip(t *testing.T) {
	up := newUpstream(t)
	dir := operatorWorkspace(t, up.URL)
	if code, _, stderr := kargo(t, dir, "synth", "--cache-dir", t.TempDir()); code != ExitOK {
		t.Fatal(stderr)
	}
	want := snapshot(t, filepath.Join(dir, "dist"))
	vendor := filepath.Join(dir, "vendor")
	if code, stdout, stderr := kargo(t, dir, "vendor", "--cache-dir", t.TempDir(), vendor); code != ExitOK || !strings.Contains(stdout, "vendored 1 artifacts") {
		t.Fatalf("vendor: %d %s %s", code, stdout, stderr)
	}
	up.Close()
	os.RemoveAll(filepath.Join(dir, "dist"))
	if code, _, stderr := kargo(t, dir, "synth", "--cache-dir", t.TempDir(), "--offline", "--locked", "--vendor", vendor); code != ExitOK {
		t.Fatalf("synth from vendor: %s", stderr)
	}
	if got := snapshot(t, filepath.Join(dir, "dist")); !equalMaps(want, got) {
		t.Error("synth from the vendor dir differs")
	}
	// sources.vendor_dir in the config, relative to it, works the same.
	write(t, filepath.Join(dir, "kargo.config.yaml"), "apiVersion: kargo/v1alpha1\nsources: {vendor_dir: vendor}\nmodules:\n  operator:\n    enabled: true\n    url: "+up.URL+"/operator.yaml\n")
	if code, _, stderr := kargo(t, dir, "diff", "--cache-dir", t.TempDir(), "--offline"); code != ExitOK {
		t.Fatalf("diff from vendor_dir: %d %s", code, stderr)
	}
}

// TestOutdated lists a newer GitHub release of a manifest without changing anything;
// the GitHub API is mirrored to a loopback server.
func TestOutdated(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/repos/org/operator/releases" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`[{"tag_name":"v0.21.0"},{"tag_name":"v0.22.0-rc.1","prerelease":true},{"tag_name":"v0.20.0"},{"tag_name":"v0.19.0"}]`))
	}))
	defer api.Close()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "kargo.config.yaml"), `apiVersion: kargo/v1alpha1
sources:
  mirrors: {"https://api.github.com": "`+api.URL+`"}
modules:
  operator:
    enabled: true
    url: https://github.com/org/operator/releases/download/v0.20.0/operator.yaml
`)
	code, stdout, stderr := kargo(t, dir, "outdated")
	if code != ExitOK || !strings.Contains(stdout, "operator/operator.yaml  0.20.0   v0.21.0") {
		t.Fatalf("outdated: %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "kargo.lock")); err == nil {
		t.Error("kargo outdated wrote kargo.lock")
	}
	// A URL whose versions cannot be discovered is reported, with a non-zero exit.
	write(t, filepath.Join(dir, "kargo.config.yaml"), "apiVersion: kargo/v1alpha1\nmodules:\n  operator: {enabled: true, url: \"https://example.invalid/operator.yaml\"}\n")
	if code, stdout, _ := kargo(t, dir, "outdated"); code != ExitError || !strings.Contains(stdout, "operator/operator.yaml") {
		t.Errorf("undiscoverable: %d %s", code, stdout)
	}
}
