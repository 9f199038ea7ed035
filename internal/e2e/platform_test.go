//go:build unix

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kargo-platform/kargo/constructs/catalog"
	"github.com/kargo-platform/kargo/internal/config"
	"github.com/kargo-platform/kargo/internal/fixture/fixturetest"
	"github.com/kargo-platform/kargo/internal/manifest"
	"github.com/kargo-platform/kargo/internal/output"
	"github.com/kargo-platform/kargo/internal/stage"
	"github.com/kargo-platform/kargo/internal/synth"
)

// overlay adds global metadata and compliance to the default config, so every object on
// the server can be checked for them.
const overlay = `metadata:
  labels: {app.kubernetes.io/part-of: kargo}
compliance:
  fisma: {enabled: true, level: moderate, enforcing: strict, ato: {authorized: "2026-01-31"}}
  nist: {enabled: true, controls: [AC-2, AU-6]}
`

// wantLabels and wantAnnotations are what overlay puts on every object.
var (
	wantLabels = map[string]string{
		"app.kubernetes.io/part-of": "kargo",
		"compliance.fisma.enabled":  "true",
		"compliance.nist.enabled":   "true",
	}
	wantAnnotations = map[string]string{
		"compliance.fisma.level":   "moderate",
		"compliance.nist.controls": `["AC-2","AU-6"]`,
	}
)

// testSSHKey is a public key with no private half anywhere: the vm module requires one.
const testSSHKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINJrnaYR5syVLY0zTKWQiLXuF1fsknL87MbukqhSDQ7q kargo-e2e"

// synthDist renders the repository's kargo.config.yaml with overlay and the extra
// overlays from the fixture upstream (loopback) and writes it to a fresh dist/.
func synthDist(t *testing.T, extra ...string) string {
	t.Helper()
	dist := filepath.Join(t.TempDir(), "dist")
	synthInto(t, dist, extra...)
	return dist
}

// synthInto is synthDist writing into dist with output.Write (which removes the files
// of an earlier synth that this one does not write), returning the names of the files.
func synthInto(t *testing.T, dist string, extra ...string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "kargo.config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sources := []config.Source{{Name: "kargo.config.yaml", Data: data}, {Name: "overlay.yaml", Data: []byte(overlay)}}
	for i, e := range extra {
		sources = append(sources, config.Source{Name: "extra" + string(rune('0'+i)) + ".yaml", Data: []byte(e)})
	}
	reg := catalog.Registry()
	cfg, err := config.Parse(reg, sources, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := synth.Run(cfg, synth.Options{Registry: reg, Version: "e2e", Artifacts: fixturetest.Store(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := output.Write(dist, res.Files); err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(res.Files))
	for i, f := range res.Files {
		names[i] = f.Name
	}
	t.Logf("synthesized %d objects into %d files in %s: %s", len(res.Objects), len(res.Files),
		time.Since(start).Round(time.Millisecond), strings.Join(names, " "))
	return names
}

// newKubectl starts the API server and returns a kubectl for it, skipping the test
// without kubectl or KARGO_KAS_DIR.
func newKubectl(t *testing.T) Kubectl {
	t.Helper()
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl not found in PATH")
	}
	kubeconfig := StartAPIServer(t)
	return Kubectl{Kubeconfig: kubeconfig, CacheDir: filepath.Join(filepath.Dir(kubeconfig), "kube-cache"), Log: t.Logf}
}

// TestPlatformApplies applies the default platform the documented way and checks that
// the server holds every object with the global metadata, and that a second apply
// changes nothing.
func TestPlatformApplies(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl not found in PATH")
	}
	if os.Getenv("KARGO_KAS_DIR") == "" {
		t.Skip("KARGO_KAS_DIR is not set: run make kas and set it to the printed directory (make e2e does both)")
	}
	dist := synthDist(t)
	if files, _ := StageFiles(dist, "30-runtime"); len(files) != 0 {
		t.Fatalf("the default config has run-time stage files %v; TestRuntimeStage covers them", files)
	}
	k := newKubectl(t)
	applyTwice(t, k, dist, nil)
}

// applyTwice applies dist with ApplyStages, checks every object on the server, checks
// that kubectl diff --server-side finds nothing, applies again and checks that no object
// changed (same resourceVersion).
func applyTwice(t *testing.T, k Kubectl, dist string, before StageHook) {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	if err := ApplyStages(ctx, k, dist, 2*time.Minute, before); err != nil {
		t.Fatalf("first apply: %v", err)
	}
	t.Logf("first apply of all stages: %s", time.Since(start).Round(time.Millisecond))

	files, err := filepath.Glob(filepath.Join(dist, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in %s: %v", dist, err)
	}
	versions := map[string]string{}
	objects := 0
	for _, f := range files {
		for id, rv := range checkOnServer(t, ctx, k, f) {
			versions[id] = rv
			objects++
		}
	}
	t.Logf("%d objects on the server with their labels and annotations", objects)

	start = time.Now()
	for _, f := range files {
		diffClean(t, ctx, k, f)
	}
	t.Logf("kubectl diff --server-side of %d files: %s", len(files), time.Since(start).Round(time.Millisecond))

	start = time.Now()
	if err := ApplyStages(ctx, k, dist, 2*time.Minute, nil); err != nil {
		t.Fatalf("second apply: %v", err)
	}
	t.Logf("second apply of all stages: %s", time.Since(start).Round(time.Millisecond))
	for _, f := range files {
		for id, rv := range checkOnServer(t, ctx, k, f) {
			if versions[id] != rv {
				t.Errorf("%s: the second apply changed it (resourceVersion %s -> %s)", id, versions[id], rv)
			}
		}
	}
}

// diffClean checks that applying file again would change nothing: kubectl diff
// --server-side --field-manager=kargo of the file as ApplyStages applies it — with its
// stage's ApplySet part-of label, which kubectl diff cannot add itself (it has no
// --applyset) — must exit 0.
func diffClean(t *testing.T, ctx context.Context, k Kubectl, file string) {
	t.Helper()
	prefix := stagePrefix(filepath.Base(file))
	q := Kubectl{Kubeconfig: k.Kubeconfig, CacheDir: k.CacheDir} // no log: large output
	labelled, err := q.Run(ctx, "label", "--local", "-o", "json", "-f", file, PartOfLabel+"="+ApplySetID(ParentName(prefix)))
	if err != nil {
		t.Fatalf("kubectl label --local %s: %v", filepath.Base(file), err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(file)+".json")
	if err := os.WriteFile(path, []byte(labelled), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := k.Run(ctx, "diff", "--server-side", "--field-manager="+FieldManager, "-f", path); err != nil {
		t.Errorf("kubectl diff --server-side %s exits non-zero: %v\n%s", filepath.Base(file), err, out)
	}
}

// checkOnServer reads every object of file from the server (kubectl get -f) and checks
// that it exists and carries the file's labels and annotations, the global ones among
// them. It returns each object's resourceVersion by ID.
func checkOnServer(t *testing.T, ctx context.Context, k Kubectl, file string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want, err := manifest.ParseYAML(data, file)
	if err != nil {
		t.Fatal(err)
	}
	q := Kubectl{Kubeconfig: k.Kubeconfig, CacheDir: k.CacheDir} // no log: large output
	out, err := q.Run(ctx, "get", "-f", file, "-o", "json")
	if err != nil {
		t.Errorf("%s: %v", filepath.Base(file), err)
		return nil
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("kubectl get -f %s: %v", file, err)
	}
	if len(want) == 1 && len(list.Items) == 0 { // kubectl prints a single object unwrapped
		list.Items = []json.RawMessage{json.RawMessage(out)}
	}
	got := map[string]manifest.Object{}
	for _, raw := range list.Items {
		o, err := manifest.FromJSON(raw)
		if err != nil {
			t.Fatal(err)
		}
		got[key(o)] = o
	}
	versions := map[string]string{}
	for _, w := range want {
		id := key(w)
		g, ok := got[id]
		if !ok {
			t.Errorf("%s: %s is not on the server", filepath.Base(file), id)
			continue
		}
		rv, _ := g.LookupString("metadata", "resourceVersion")
		versions[id] = rv
		gl, ga := g.StringMap("labels", false), g.StringMap("annotations", false)
		if prefix := stagePrefix(file); prefix != "" {
			if want := ApplySetID(ParentName(prefix)); gl[PartOfLabel] != want {
				t.Errorf("%s: label %s = %v, want %s (the ApplySet of stage %s)", id, PartOfLabel, gl[PartOfLabel], want, prefix)
			}
		}
		for k, v := range wantLabels {
			if gl[k] != v {
				t.Errorf("%s: label %s = %v, want %q", id, k, gl[k], v)
			}
		}
		for k, v := range wantAnnotations {
			if ga[k] != v {
				t.Errorf("%s: annotation %s = %v, want %q", id, k, ga[k], v)
			}
		}
		for k, v := range w.StringMap("labels", false) {
			if gl[k] != v {
				t.Errorf("%s: label %s = %v on the server, %v in %s", id, k, gl[k], v, filepath.Base(file))
			}
		}
		for k, v := range w.StringMap("annotations", false) {
			if ga[k] != v {
				t.Errorf("%s: annotation %s = %v on the server, %v in %s", id, k, ga[k], v, filepath.Base(file))
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d objects in the file, %d from the server", filepath.Base(file), len(want), len(got))
	}
	return versions
}

// stagePrefix is the stage prefix of a dist/ file name ("00-crds", ...), or "".
func stagePrefix(file string) string {
	for _, s := range stage.All {
		if strings.HasPrefix(filepath.Base(file), s.Prefix()+"-") {
			return s.Prefix()
		}
	}
	return ""
}

// key identifies an object by group, kind, namespace and name (not version: the server
// answers in its preferred version for the file's resource).
func key(o manifest.Object) string {
	return o.Group() + "/" + o.Kind() + " " + o.Namespace() + "/" + o.Name()
}
