package gitmeta

import (
	"os/exec"
	"strings"
	"testing"
)

func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(cmd.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	run(t, dir, "init", "-q", "-b", "Feature/ABC")
	run(t, dir, "commit", "-q", "--allow-empty", "-m", "x")
	run(t, dir, "remote", "add", "origin", "https://user:s3cret@git.example.com/org/repo.git")
	info, err := Config{Enabled: true}.Resolve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Branch != "Feature/ABC" || len(info.Commit) != 40 {
		t.Errorf("info = %+v", info)
	}
	if info.Remote != "https://git.example.com/org/repo.git" {
		t.Errorf("remote credentials not removed: %q", info.Remote)
	}
	labels := info.Labels()
	if labels[LabelBranch] != "feature-abc" || labels[LabelCommit] != info.Commit[:12] {
		t.Errorf("labels = %v", labels)
	}
	ann := info.Annotations()
	if ann[AnnotationCommit] != info.Commit || ann[AnnotationRemote] != info.Remote {
		t.Errorf("annotations = %v", ann)
	}
}

func TestOverridesAndErrors(t *testing.T) {
	info, err := Config{Enabled: true, Branch: "main", Commit: "abc", Remote: "git@example.com:o/r.git"}.Resolve(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if info.Branch != "main" || info.Commit != "abc" || info.Remote != "git@example.com:o/r.git" {
		t.Errorf("info = %+v", info)
	}
	_, err = Config{Enabled: true}.Resolve(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "set git_metadata.branch/commit or disable git_metadata") {
		t.Errorf("not a checkout: %v", err)
	}
}
