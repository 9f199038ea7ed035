package artifact

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Newer lists the versions newer than ref.Version that upstream offers, newest first,
// without changing the lock or the cache. Charts: the repository index or the OCI tags.
// Manifests: the releases of a GitHub release download URL
// (https://github.com/<owner>/<repo>/releases/download/<tag>/<file>), newer than <tag>.
// Prereleases and drafts are left out.
func (s *Store) Newer(ctx context.Context, ref Ref) ([]string, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if s.opts.Offline {
		return nil, fmt.Errorf("%s: looking for newer versions needs network access, and offline mode allows none", ref)
	}
	var (
		current = ref.Version
		found   []string
		err     error
	)
	switch {
	case ref.isOCI():
		found, err = s.ociTags(ctx, ref)
	case ref.Kind == Chart:
		var versions []indexEntry
		versions, err = s.readIndex(ctx, ref)
		for _, v := range versions {
			found = append(found, v.Version)
		}
	default:
		owner, repo, tag, ok := githubRelease(ref.URL)
		if !ok {
			return nil, fmt.Errorf("%s: newer versions cannot be discovered for %s: only GitHub release downloads (https://github.com/<owner>/<repo>/releases/download/<tag>/<file>) are supported; check upstream by hand", ref, ref.URL)
		}
		current = tag
		found, err = s.githubReleases(ctx, ref, owner, repo)
	}
	if err != nil {
		return nil, err
	}
	newer, err := newerThan(current, found)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return newer, nil
}

// newerThan keeps the released (non-prerelease) semantic versions greater than current,
// newest first, each version once, spelled as upstream spells it.
func newerThan(current string, versions []string) ([]string, error) {
	cur, err := semver.NewVersion(current)
	if err != nil {
		return nil, fmt.Errorf("version %q is not a semantic version, so newer ones cannot be found", current)
	}
	type found struct {
		v    *semver.Version
		name string
	}
	var keep []found
	for _, name := range versions {
		v, err := semver.NewVersion(name)
		if err != nil || v.Prerelease() != "" || !v.GreaterThan(cur) {
			continue
		}
		if slices.ContainsFunc(keep, func(f found) bool { return f.v.Equal(v) }) {
			continue
		}
		keep = append(keep, found{v, name})
	}
	slices.SortStableFunc(keep, func(a, b found) int { return b.v.Compare(a.v) })
	out := make([]string, len(keep))
	for i, f := range keep {
		out[i] = f.name
	}
	return out, nil
}

// githubRelease reads https://github.com/<owner>/<repo>/releases/download/<tag>/<file>.
func githubRelease(raw string) (owner, repo, tag string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || (u.Host != "github.com" && u.Host != "www.github.com") {
		return "", "", "", false
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if len(parts) < 6 || parts[2] != "releases" || parts[3] != "download" || parts[0] == "" || parts[1] == "" || parts[4] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[4], true
}

// githubReleases lists the tags of the repository's published, non-prerelease releases
// from the GitHub API (through mirrors), following its pagination.
func (s *Store) githubReleases(ctx context.Context, ref Ref, owner, repo string) ([]string, error) {
	var tags []string
	up := "https://api.github.com/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(repo) + "/releases?per_page=100"
	for page := 0; up != "" && page < 10; page++ {
		target := s.mirrors.rewrite(up)
		resp, err := s.http.get(ctx, target, up, "application/vnd.github+json", false)
		if err != nil {
			return nil, fmt.Errorf("%s: list releases: %w", ref, err)
		}
		var releases []struct {
			Tag        string `json:"tag_name"`
			Draft      bool   `json:"draft"`
			Prerelease bool   `json:"prerelease"`
		}
		if err := json.Unmarshal(resp.body, &releases); err != nil {
			return nil, fmt.Errorf("%s: list releases %s: %w", ref, s.display(up), err)
		}
		for _, r := range releases {
			if !r.Draft && !r.Prerelease {
				tags = append(tags, r.Tag)
			}
		}
		up = nextLink(resp.header, target)
	}
	return tags, nil
}

// nextLink is the rel="next" URL of a Link header, resolved against the URL fetched, or
// "" on the last page.
func nextLink(h http.Header, fetched string) string {
	for _, link := range h.Values("Link") {
		for part := range strings.SplitSeq(link, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
			if !ok || !strings.Contains(strings.NewReplacer(" ", "", `"`, "").Replace(params), "rel=next") {
				continue
			}
			target = strings.Trim(strings.TrimSpace(target), "<>")
			base, err := url.Parse(fetched)
			if err != nil {
				return ""
			}
			next, err := base.Parse(target)
			if err != nil {
				return ""
			}
			return next.String()
		}
	}
	return ""
}
