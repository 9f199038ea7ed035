package artifact

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"sigs.k8s.io/yaml"
)

// chartIndex is the part of a chart repository's index.yaml kargo reads.
type chartIndex struct {
	Entries map[string][]indexEntry `json:"entries"`
}

// indexEntry is one chart version in index.yaml.
type indexEntry struct {
	Version string   `json:"version"`
	URLs    []string `json:"urls"`
	Digest  string   `json:"digest"` // sha256 of the archive, hex, optional
}

// indexURL is the upstream URL of a repository's index.
func indexURL(repo string) string { return strings.TrimSuffix(repo, "/") + "/index.yaml" }

// readIndex fetches and decodes the chart's versions from the repository index.
func (s *Store) readIndex(ctx context.Context, ref Ref) ([]indexEntry, error) {
	up := indexURL(ref.URL)
	resp, err := s.http.get(ctx, s.mirrors.rewrite(up), up, "", false)
	if err != nil {
		return nil, fmt.Errorf("%s: chart repository index: %w", ref, err)
	}
	var idx chartIndex
	if err := yaml.Unmarshal(resp.body, &idx); err != nil {
		return nil, fmt.Errorf("%s: chart repository index %s: %w; check the repository URL in kargo.config.yaml", ref, s.display(up), err)
	}
	versions, ok := idx.Entries[ref.Chart]
	if !ok {
		return nil, fmt.Errorf("%s: chart %q not found in %s; check the chart name and repository in kargo.config.yaml", ref, ref.Chart, s.display(up))
	}
	return versions, nil
}

// repoChart resolves the chart version in the repository index and downloads its
// archive, which must match the index's digest when the index has one. It returns the
// upstream archive URL.
func (s *Store) repoChart(ctx context.Context, ref Ref) (string, []byte, error) {
	versions, err := s.readIndex(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	v, ok := findVersion(versions, ref.Version)
	if !ok {
		var names []string
		for _, v := range versions {
			names = append(names, v.Version)
		}
		newest, _ := newerThan("0.0.0-0", names)
		if len(newest) > 5 {
			newest = newest[:5]
		}
		return "", nil, fmt.Errorf("%s: chart %q has no version %q in %s (newest: %s); check the version in kargo.config.yaml",
			ref, ref.Chart, ref.Version, s.display(indexURL(ref.URL)), strings.Join(newest, ", "))
	}
	if len(v.URLs) == 0 {
		return "", nil, fmt.Errorf("%s: %s lists no download URL for version %s", ref, s.display(indexURL(ref.URL)), v.Version)
	}
	u, err := resolveChartURL(ref.URL, v.URLs[0])
	if err != nil {
		return "", nil, fmt.Errorf("%s: %s: chart URL %q: %w", ref, s.display(indexURL(ref.URL)), v.URLs[0], err)
	}
	want := strings.ToLower(strings.TrimPrefix(v.Digest, "sha256:"))
	if validSum(want) {
		if data, err := readCAS(s.opts.CacheDir, want); err == nil {
			return u, data, nil // the cache holds the bytes the index names, verified
		}
	}
	data, err := s.download(ctx, ref, u, "")
	if err != nil {
		return "", nil, err
	}
	if want != "" {
		if got := sum(data); got != want {
			return "", nil, fmt.Errorf("%s: %w for %s: the repository index has %s, downloaded %s; the chart was re-published or tampered with (or a mirror serves other bytes): report it upstream or use a source that serves the original",
				ref, ErrMismatch, s.display(u), want, got)
		}
	}
	return u, data, nil
}

// findVersion finds version in the index, exactly or else up to a leading "v"
// (cert-manager's charts are "v1.15.3").
func findVersion(versions []indexEntry, version string) (indexEntry, bool) {
	for _, v := range versions {
		if v.Version == version {
			return v, true
		}
	}
	trim := strings.TrimPrefix(version, "v")
	for _, v := range versions {
		if strings.TrimPrefix(v.Version, "v") == trim {
			return v, true
		}
	}
	return indexEntry{}, false
}

// resolveChartURL resolves an index's archive URL relative to the repository URL, as
// Helm does; absolute URLs stay as they are.
func resolveChartURL(repo, u string) (string, error) {
	base, err := url.Parse(strings.TrimSuffix(repo, "/") + "/")
	if err != nil {
		return "", err
	}
	rel, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	abs := base.ResolveReference(rel)
	if abs.Scheme != "http" && abs.Scheme != "https" {
		return "", fmt.Errorf("not an http(s) URL")
	}
	return abs.String(), nil
}
