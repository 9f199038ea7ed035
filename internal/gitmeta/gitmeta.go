package gitmeta

import (
	"bytes"
	"fmt"
	"net/url"
	"os/exec"
	"strings"

	"github.com/kargo-platform/kargo/constructs/aspect"
)

// Config is the git_metadata section of kargo.config.yaml.
type Config struct {
	Enabled bool   `json:"enabled" doc:"Put git.branch and git.commit labels and git.remote and git.commit.full annotations on every object. Off by default: it changes every object on every commit."`
	Branch  string `json:"branch" doc:"Branch to record instead of the checkout's (CI with a detached HEAD)."`
	Commit  string `json:"commit" doc:"Commit to record instead of the checkout's HEAD."`
	Remote  string `json:"remote" doc:"Remote URL to record instead of the checkout's origin."`
}

// Keys of the labels and annotations.
const (
	LabelBranch      = "git.branch"
	LabelCommit      = "git.commit"
	AnnotationRemote = "git.remote"
	AnnotationCommit = "git.commit.full"
)

// Info is what was read.
type Info struct {
	Branch string
	Commit string
	Remote string
}

// Resolve fills what the config leaves empty from the git checkout at dir.
func (c Config) Resolve(dir string) (Info, error) {
	info := Info{Branch: c.Branch, Commit: c.Commit, Remote: c.Remote}
	var err error
	if info.Commit == "" {
		if info.Commit, err = git(dir, "rev-parse", "HEAD"); err != nil {
			return info, err
		}
	}
	if info.Branch == "" {
		if info.Branch, err = git(dir, "rev-parse", "--abbrev-ref", "HEAD"); err != nil {
			return info, err
		}
	}
	if info.Remote == "" {
		// A checkout without an origin is fine: the remote is left out.
		info.Remote, _ = git(dir, "config", "--get", "remote.origin.url")
	}
	info.Remote = redact(info.Remote)
	return info, nil
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git_metadata: git %s in %s: %v: %s; set git_metadata.branch/commit or disable git_metadata", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// redact removes credentials from a remote URL (https://user:token@host/...).
func redact(remote string) string {
	u, err := url.Parse(remote)
	if err != nil || u.User == nil {
		return remote
	}
	u.User = nil
	return u.String()
}

// Labels returns git.branch and git.commit (the first 12 characters), sanitized.
func (i Info) Labels() map[string]string {
	out := map[string]string{}
	if v := aspect.SanitizeLabelValue(i.Branch); v != "" {
		out[LabelBranch] = v
	}
	commit := i.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if v := aspect.SanitizeLabelValue(commit); v != "" {
		out[LabelCommit] = v
	}
	return out
}

// Annotations returns git.remote and git.commit.full.
func (i Info) Annotations() map[string]string {
	out := map[string]string{}
	if i.Remote != "" {
		out[AnnotationRemote] = i.Remote
	}
	if i.Commit != "" {
		out[AnnotationCommit] = i.Commit
	}
	return out
}

// Aspects returns the aspects that put the git metadata on every object.
func (i Info) Aspects() []aspect.Aspect {
	return []aspect.Aspect{
		aspect.Labels{Labels: i.Labels(), Overwrite: true},
		aspect.Annotations{Annotations: i.Annotations(), Overwrite: true},
	}
}
