package output

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func file(name, body string) File {
	return File{Name: name, Data: []byte(Header + body), Objects: 1}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func names(m map[string]string) string {
	var n []string
	for k := range m {
		n = append(n, k)
	}
	sort.Strings(n)
	return strings.Join(n, ",")
}

func TestWriteFreshAndReplace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	if _, err := Write(dir, []File{file("00-a.yaml", "a: 1\n"), file("10-b.yaml", "b: 1\n")}); err != nil {
		t.Fatal(err)
	}
	if got := names(readDir(t, dir)); got != "00-a.yaml,10-b.yaml" {
		t.Fatalf("files = %s", got)
	}
	// Second synth: b is gone, c is new, a changed.
	rep, err := Write(dir, []File{file("00-a.yaml", "a: 2\n"), file("20-c.yaml", "c: 1\n")})
	if err != nil {
		t.Fatal(err)
	}
	got := readDir(t, dir)
	if names(got) != "00-a.yaml,20-c.yaml" || got["00-a.yaml"] != Header+"a: 2\n" {
		t.Fatalf("files = %v", got)
	}
	if strings.Join(rep.Removed, ",") != "10-b.yaml" {
		t.Errorf("removed = %v", rep.Removed)
	}
	assertNoTemp(t, filepath.Dir(dir))
}

func TestWriteKeepsForeignFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	if _, err := Write(dir, []File{file("00-a.yaml", "a: 1\n"), file("10-b.yaml", "b: 1\n")}); err != nil {
		t.Fatal(err)
	}
	foreign := map[string]string{
		"kustomization.yaml": "resources: []\n",
		"README.md":          "hand-written\n",
		"handmade.yaml":      "# my own\nkind: ConfigMap\n",
	}
	for n, body := range foreign {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Write(dir, []File{file("00-a.yaml", "a: 3\n")}); err != nil {
		t.Fatal(err)
	}
	got := readDir(t, dir)
	if names(got) != "00-a.yaml,README.md,handmade.yaml,kustomization.yaml" {
		t.Fatalf("files = %s", names(got))
	}
	for n, body := range foreign {
		if got[n] != body {
			t.Errorf("%s changed: %q", n, got[n])
		}
	}
	if got["00-a.yaml"] != Header+"a: 3\n" {
		t.Errorf("00-a.yaml = %q", got["00-a.yaml"])
	}
	assertNoTemp(t, filepath.Dir(dir))
}

func TestWriteUnwritableLeavesDistAlone(t *testing.T) {
	if os.Geteuid() == 0 {
		// root ignores permission bits; use a path under a regular file instead.
		parent := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(parent, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Write(filepath.Join(parent, "dist"), []File{file("00-a.yaml", "a: 1\n")})
		if err == nil || !strings.Contains(err.Error(), "output directory") {
			t.Fatalf("err = %v", err)
		}
		return
	}
	dir := filepath.Join(t.TempDir(), "dist")
	if _, err := Write(dir, []File{file("00-a.yaml", "a: 1\n")}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if _, err := Write(dir, []File{file("00-a.yaml", "a: 2\n")}); err == nil {
		t.Fatal("no error for a read-only dist")
	}
	if got := readDir(t, dir); got["00-a.yaml"] != Header+"a: 1\n" {
		t.Errorf("dist changed: %v", got)
	}
}

func TestWriteRejectsBadFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	if _, err := Write(dir, []File{file("00-a.yaml", "a: 1\n")}); err != nil {
		t.Fatal(err)
	}
	for _, files := range [][]File{
		{file("../escape.yaml", "x: 1\n")},
		{file("a.yaml", "x\n"), file("a.yaml", "y\n")},
		{{Name: "b.yaml", Data: []byte("no header\n")}},
	} {
		if _, err := Write(dir, files); err == nil {
			t.Errorf("no error for %v", files[0].Name)
		}
	}
	if got := readDir(t, dir); names(got) != "00-a.yaml" {
		t.Errorf("dist changed: %v", names(got))
	}
	if _, err := Write(filepath.Join(dir, "00-a.yaml"), nil); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file as output dir: %v", err)
	}
}

func TestDiff(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	files := []File{file("00-a.yaml", "a: 1\n"), file("10-b.yaml", "b: 1\n")}
	if _, err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.yaml"), []byte("foreign: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	text, differs, err := Diff(dir, files)
	if err != nil || differs || text != "" {
		t.Fatalf("unchanged: %v %v %q", differs, err, text)
	}
	text, differs, err = Diff(dir, []File{file("00-a.yaml", "a: 2\n"), file("20-c.yaml", "c: 1\n")})
	if err != nil || !differs {
		t.Fatalf("changed: %v %v", differs, err)
	}
	for _, want := range []string{"-a: 1", "+a: 2", "-b: 1", "+c: 1", "/dev/null"} {
		if !strings.Contains(text, want) {
			t.Errorf("diff lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "foreign") {
		t.Errorf("diff shows a foreign file:\n%s", text)
	}
}

func assertNoTemp(t *testing.T, parent string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".kargo-") {
			t.Errorf("temporary directory left behind: %s", e.Name())
		}
	}
}
