package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/output"
	"github.com/kargo-platform/kargo/internal/synth"
)

// run runs kargo in dir and returns the exit code, stdout and stderr.
func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var stdout, stderr bytes.Buffer
	code := Run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// baseConfig turns off every module that fetches upstream artifacts: these tests are
// about the CLI contract (TestDefaultPlatform runs the modules on the fixture upstream).
const baseConfig = `apiVersion: kargo/v1alpha1
metadata:
  labels: {team: infra}
modules:
  cert_manager: {enabled: false}
  kubevirt: {enabled: false}
  cdi: {enabled: false}
  multus: {enabled: false}
  hostpath_provisioner: {enabled: false}
`

// workspace returns a directory with kargo.config.yaml.
func workspace(t *testing.T, cfg string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "kargo.config.yaml"), cfg)
	return dir
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot reads every file of dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestSynthAndDiff(t *testing.T) {
	dir := workspace(t, baseConfig)
	code, stdout, stderr := run(t, dir, "synth")
	if code != ExitOK {
		t.Fatalf("synth: %d %s", code, stderr)
	}
	if !strings.Contains(stdout, "synthesized 1 objects from 0 modules into dist/") {
		t.Errorf("stdout = %q", stdout)
	}
	files := snapshot(t, filepath.Join(dir, "dist"))
	if _, ok := files["10-cluster-00-kargo.yaml"]; !ok || len(files) != 1 {
		t.Fatalf("dist = %v", files)
	}
	if !strings.Contains(files["10-cluster-00-kargo.yaml"], "team: infra") {
		t.Error("the summary lacks the global label")
	}

	// Unchanged: diff exits 0 and prints nothing.
	if code, stdout, stderr := run(t, dir, "diff"); code != ExitOK || stdout != "" {
		t.Fatalf("diff of a fresh synth: %d %q %q", code, stdout, stderr)
	}
	// Drift: a label changes in the config.
	code, stdout, stderr = run(t, dir, "diff", "--set", "metadata.labels.team=storage")
	if code != ExitDrift || !strings.Contains(stdout, "-    team: infra") || !strings.Contains(stdout, "+    team: storage") {
		t.Fatalf("diff with drift: %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "run `kargo synth -o dist`") {
		t.Errorf("stderr = %q", stderr)
	}
	// Error: exit 2.
	if code, _, stderr := run(t, dir, "diff", "--set", "kubernetes.distrib=kind"); code != ExitDiffError || !strings.Contains(stderr, `did you mean "distribution"`) {
		t.Fatalf("diff error: %d %s", code, stderr)
	}
	// A hand-edited file in dist/ is drift too.
	p := filepath.Join(dir, "dist", "10-cluster-00-kargo.yaml")
	write(t, p, files["10-cluster-00-kargo.yaml"]+"# edited\n")
	if code, _, _ := run(t, dir, "diff"); code != ExitDrift {
		t.Errorf("diff after an edit: %d", code)
	}
}

func TestSynthSummaryJSON(t *testing.T) {
	dir := workspace(t, baseConfig)
	code, stdout, stderr := run(t, dir, "synth", "--summary", "json", "-o", "out")
	if code != ExitOK {
		t.Fatalf("%d %s", code, stderr)
	}
	var s synth.Summary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if s.Kargo != Version || s.Objects != 1 || len(s.Files) != 1 || s.Kubernetes.Version != "1.30" {
		t.Errorf("summary = %+v", s)
	}
}

// TestBadInputLeavesDistUntouched: every bad input gives one clear message and leaves
// dist/ exactly as it was.
func TestBadInputLeavesDistUntouched(t *testing.T) {
	cases := map[string]struct {
		config string
		args   []string
	}{
		"malformed-yaml":      {config: "apiVersion: kargo/v1alpha1\nmetadata:\n  labels: {team: infra\n"},
		"unknown-module":      {config: "apiVersion: kargo/v1alpha1\nmodules:\n  kubevirtt: {enabled: true}\n"},
		"unknown-key":         {config: "apiVersion: kargo/v1alpha1\nmodules:\n  vm: {enabeld: true}\n"},
		"wrong-type":          {config: "apiVersion: kargo/v1alpha1\nmodules:\n  vm: {node_port: high}\n"},
		"invalid-label":       {config: "apiVersion: kargo/v1alpha1\nmetadata:\n  labels: {team: \"in fra\"}\n"},
		"missing-requirement": {config: baseConfig, args: []string{"--set", "modules.talos.enabled=true"}},
		"unwritable-output":   {config: baseConfig, args: []string{"-o", "kargo.config.yaml/dist"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := workspace(t, baseConfig)
			if code, _, stderr := run(t, dir, "synth"); code != ExitOK {
				t.Fatal(stderr)
			}
			foreign := filepath.Join(dir, "dist", "kustomization.yaml")
			write(t, foreign, "resources: []\n")
			before := snapshot(t, filepath.Join(dir, "dist"))
			write(t, filepath.Join(dir, "kargo.config.yaml"), tc.config)
			code, stdout, stderr := run(t, dir, append([]string{"synth"}, tc.args...)...)
			if code != ExitError {
				t.Fatalf("exit %d, want %d; stderr %s", code, ExitError, stderr)
			}
			if stdout != "" || strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Errorf("stdout %q stderr %q", stdout, stderr)
			}
			if after := snapshot(t, filepath.Join(dir, "dist")); !equalMaps(before, after) {
				t.Errorf("dist/ changed")
			}
			golden.AssertString(t, strings.ReplaceAll(stderr, dir, "$DIR"), "errors/"+name+".txt")
		})
	}
}

func TestStaleFilesRemovedForeignKept(t *testing.T) {
	dir := workspace(t, baseConfig)
	dist := filepath.Join(dir, "dist")
	if err := os.MkdirAll(dist, 0o755); err != nil {
		t.Fatal(err)
	}
	// A file kargo wrote earlier for a module that is now disabled, and one of the user's.
	write(t, filepath.Join(dist, "30-runtime-02-vm.yaml"), output.Header+"apiVersion: v1\n")
	write(t, filepath.Join(dist, "notes.yaml"), "# mine\n")
	code, stdout, stderr := run(t, dir, "synth")
	if code != ExitOK {
		t.Fatal(stderr)
	}
	files := snapshot(t, dist)
	if _, ok := files["30-runtime-02-vm.yaml"]; ok {
		t.Error("stale file kept")
	}
	if files["notes.yaml"] != "# mine\n" {
		t.Error("foreign file touched")
	}
	if !strings.Contains(stdout, "removed 30-runtime-02-vm.yaml") {
		t.Errorf("stdout = %q", stdout)
	}
}

func TestModulesExplainVersion(t *testing.T) {
	dir := workspace(t, baseConfig)
	code, stdout, _ := run(t, dir, "modules")
	if code != ExitOK {
		t.Fatal(code)
	}
	golden.AssertString(t, stdout, "modules.txt")

	code, stdout, _ = run(t, dir, "explain", "vm.ssh_pub_key")
	if code != ExitOK || !strings.Contains(stdout, "modules.vm.ssh_pub_key") {
		t.Fatalf("%d %s", code, stdout)
	}
	code, stdout, _ = run(t, dir, "explain", "talos")
	if code != ExitOK {
		t.Fatal(code)
	}
	golden.AssertString(t, stdout, "explain-talos.txt")
	code, _, stderr := run(t, dir, "explain", "vm.ssh_usr")
	if code != ExitError || !strings.Contains(stderr, `modules.vm.ssh_usr: unknown key; did you mean "ssh_user"?`) {
		t.Errorf("%d %s", code, stderr)
	}
	code, stdout, _ = run(t, dir, "version")
	if code != ExitOK || !strings.HasPrefix(stdout, "kargo "+Version+"\n") || !strings.Contains(stdout, "\nnode ") {
		t.Errorf("version: %s", stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := workspace(t, baseConfig)
	for _, args := range [][]string{nil, {"frobnicate"}, {"synth", "extra"}, {"synth", "--summary", "xml"}, {"synth", "--bogus"}} {
		if code, _, stderr := run(t, dir, args...); code != ExitError || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestImages(t *testing.T) {
	// No module of the default config references an image yet: the command runs the
	// synth (mirrors included) and lists nothing. images.List and the mirror aspect
	// have their own tests.
	dir := workspace(t, baseConfig)
	code, stdout, stderr := run(t, dir, "images", "--set", "sources.image_mirrors[docker.io]=harbor.example/hub")
	if code != ExitOK || stdout != "" {
		t.Fatalf("%d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := run(t, dir, "images", "--set", "sources.image_mirrors[docker.io/]=x"); code != ExitError || !strings.Contains(stderr, "sources.image_mirrors[docker.io/]") {
		t.Errorf("bad mirror: %d %s", code, stderr)
	}
}
