package artifact

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Media types of a Helm chart stored in an OCI registry.
const (
	ociManifestType = "application/vnd.oci.image.manifest.v1+json"
	helmLayerType   = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
)

// ociChartRef is the chart's OCI reference without tag: "oci://ghcr.io/org/charts/name".
func ociChartRef(ref Ref) string { return strings.TrimSuffix(ref.URL, "/") + "/" + ref.Chart }

// ociTag is the tag of a chart version: OCI tags cannot hold "+", so Helm writes "_".
func ociTag(version string) string { return strings.ReplaceAll(version, "+", "_") }

// splitTag splits "oci://host/path/name:tag" into the reference and the tag.
func splitTag(u string) (string, string) {
	slash := strings.LastIndex(u, "/")
	if i := strings.LastIndex(u, ":"); i > slash {
		return u[:i], u[i+1:]
	}
	return u, ""
}

// ociRepo is a repository in an OCI registry, addressed over the distribution API.
type ociRepo struct {
	base string // "https://ghcr.io", or "http://127.0.0.1:5000" for a loopback registry
	name string // "org/charts/name"
}

// parseOCIRepo reads "oci://host[:port]/path". The registry is spoken to over https,
// except on a loopback host (localhost, 127.0.0.0/8, ::1), where it is plain http: that
// is how local registries (and kargo's tests) serve, and nothing crosses the network.
func parseOCIRepo(ref string) (ociRepo, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return ociRepo{}, err
	}
	name := strings.Trim(u.Path, "/")
	if u.Scheme != "oci" || u.Host == "" || name == "" || u.RawQuery != "" || u.Fragment != "" {
		return ociRepo{}, fmt.Errorf("%q is not an oci://host/repository reference", ref)
	}
	scheme := "https"
	if isLoopback(u.Hostname()) {
		scheme = "http"
	}
	return ociRepo{base: scheme + "://" + u.Host, name: name}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// api is the distribution API URL of the repository's manifests, blobs or tags.
func (r ociRepo) api(kind, x string) string { return r.base + "/v2/" + r.name + "/" + kind + "/" + x }

// ociManifest is the part of an OCI image manifest kargo reads.
type ociManifest struct {
	Layers []struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
	} `json:"layers"`
}

// ociChart downloads the chart archive u ("oci://host/path/name:tag") names: the
// manifest's Helm chart layer, whose digest the blob must match; want is the digest the
// lock expects, if any. It returns u, the upstream identity the lock records.
func (s *Store) ociChart(ctx context.Context, ref Ref, u, want string) (string, []byte, error) {
	chartRef, tag := splitTag(u)
	mirrored := s.mirrors.rewrite(chartRef)
	upstream := ""
	if mirrored != chartRef {
		upstream = u
	}
	repo, err := parseOCIRepo(mirrored)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", ref, err)
	}
	if tag == "" {
		return "", nil, fmt.Errorf("%s: %s names no tag", ref, u)
	}
	manifestURL := repo.api("manifests", tag)
	resp, err := s.http.get(ctx, manifestURL, upstream, ociManifestType, false)
	if err != nil {
		return "", nil, fmt.Errorf("%s: chart manifest: %w", ref, err)
	}
	var m ociManifest
	if err := json.Unmarshal(resp.body, &m); err != nil {
		return "", nil, fmt.Errorf("%s: chart manifest %s: %w; is %s a Helm chart?", ref, manifestURL, err, u)
	}
	digest := ""
	for _, l := range m.Layers {
		if l.MediaType == helmLayerType {
			digest = l.Digest
			break
		}
	}
	if digest == "" {
		return "", nil, fmt.Errorf("%s: %s has no layer of media type %s; is %s a Helm chart?", ref, manifestURL, helmLayerType, u)
	}
	hex, ok := strings.CutPrefix(digest, "sha256:")
	if !ok || !validSum(hex) {
		return "", nil, fmt.Errorf("%s: %s: chart layer digest %q is not a sha256 digest; kargo verifies only sha256", ref, manifestURL, digest)
	}
	if want != "" && hex != want {
		return "", nil, fmt.Errorf("%s: %w for %s: kargo.lock has %s, the registry's manifest names %s; the chart was re-published or tampered with (or a mirror serves other bytes): verify it, then run kargo lock to record the new digest",
			ref, ErrMismatch, s.display(u), want, hex)
	}
	if data, err := readCAS(s.opts.CacheDir, hex); err == nil {
		return u, data, nil // the cache holds the layer, verified
	}
	blobURL := repo.api("blobs", digest)
	resp, err = s.http.get(ctx, blobURL, upstream, "", true)
	if err != nil {
		return "", nil, fmt.Errorf("%s: chart layer: %w", ref, err)
	}
	if got := sum(resp.body); got != hex {
		return "", nil, fmt.Errorf("%s: %w for %s: the registry's manifest names %s, downloaded %s; the registry serves corrupted or tampered data",
			ref, ErrMismatch, blobURL, hex, got)
	}
	return u, resp.body, nil
}

// ociTags lists the chart's tags, following the registry's pagination, with Helm's "_"
// turned back into "+".
func (s *Store) ociTags(ctx context.Context, ref Ref) ([]string, error) {
	up := ociChartRef(ref)
	repo, err := parseOCIRepo(s.mirrors.rewrite(up))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	var tags []string
	next := repo.api("tags", "list")
	for page := 0; next != "" && page < 100; page++ {
		resp, err := s.http.get(ctx, next, "", "application/json", false)
		if err != nil {
			return nil, fmt.Errorf("%s: list tags: %w", ref, err)
		}
		var list struct {
			Tags []string `json:"tags"`
		}
		if err := json.Unmarshal(resp.body, &list); err != nil {
			return nil, fmt.Errorf("%s: list tags %s: %w", ref, next, err)
		}
		for _, t := range list.Tags {
			tags = append(tags, strings.ReplaceAll(t, "_", "+"))
		}
		next = nextLink(resp.header, next)
	}
	return tags, nil
}
