package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// UpdateEnv is the environment variable that also rewrites golden files; make golden sets
// it, because `go test ./... -update` fails in packages that have no golden files.
const UpdateEnv = "KARGO_UPDATE_GOLDEN"

// Updating reports whether the test run rewrites golden files.
func Updating() bool { return *update || os.Getenv(UpdateEnv) == "1" }

func path(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join("testdata", name)
}

func normalize(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }

// Assert compares got with the golden file name (relative to testdata/).
func Assert(t testing.TB, got []byte, name string) {
	t.Helper()
	p := path(name)
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("golden file %s: %v\nrun `make golden` (or go test -update in this package) to create it", p, err)
	}
	if !bytes.Equal(normalize(want), normalize(got)) {
		t.Fatalf("output differs from %s:\n%s\nif the change is intended, run `make golden` (or go test -update in this package) and review the diff", p, Diff(string(want), string(got), p, "got"))
	}
}

// AssertString is Assert for a string.
func AssertString(t testing.TB, got, name string) {
	t.Helper()
	Assert(t, []byte(got), name)
}

// AssertTree compares a set of files (name -> content) with the golden directory dir
// (relative to testdata/): the same names, the same bytes. With -update the directory
// is replaced.
func AssertTree(t testing.TB, files map[string][]byte, dir string) {
	t.Helper()
	p := path(dir)
	if Updating() {
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(p, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		t.Fatalf("golden tree %s: %v\nrun `make golden` to create it", p, err)
	}
	want := map[string]bool{}
	var problems []string
	for _, e := range entries {
		want[e.Name()] = true
		got, ok := files[e.Name()]
		if !ok {
			problems = append(problems, "missing file "+e.Name())
			continue
		}
		data, err := os.ReadFile(filepath.Join(p, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(normalize(data), normalize(got)) {
			problems = append(problems, Diff(string(data), string(got), filepath.Join(p, e.Name()), "got"))
		}
	}
	for name := range files {
		if !want[name] {
			problems = append(problems, "unexpected file "+name)
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		t.Fatalf("output differs from golden tree %s:\n%s\nif the change is intended, run `make golden` and review the diff", p, strings.Join(problems, "\n"))
	}
}

// Diff returns a unified diff of a and b.
func Diff(a, b, nameA, nameB string) string { return textdiff.Unified(a, b, nameA, nameB) }
