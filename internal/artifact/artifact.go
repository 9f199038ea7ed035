package artifact

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Kind is the kind of an upstream artifact.
type Kind string

// Kinds of artifacts.
const (
	Manifest Kind = "manifest" // a file at an http(s) URL
	Chart    Kind = "chart"    // a Helm chart archive from a chart repository or an OCI registry
)

// Ref names one upstream artifact at the version the config names.
type Ref struct {
	// Name is the key in kargo.lock, e.g. "kubevirt/kubevirt-operator.yaml" or
	// "cert_manager/cert-manager".
	Name string
	Kind Kind
	// URL is, for a Manifest, the file URL; for a Chart, the repository URL
	// ("https://charts.jetstack.io") or an OCI base ("oci://ghcr.io/org/charts").
	URL string
	// Chart is the chart name in the repository (Chart only).
	Chart string
	// Version is the version the config names ("1.15.3"). For a Manifest it is
	// informational: the version is already inside the URL.
	Version string
}

// String is how errors name the artifact: its name and version.
func (r Ref) String() string {
	if r.Version == "" {
		return "artifact " + r.Name
	}
	return "artifact " + r.Name + " " + r.Version
}

// validate reports a ref that no fetch could serve.
func (r Ref) validate() error {
	var problems []string
	if r.Name == "" {
		problems = append(problems, "no name")
	}
	switch r.Kind {
	case Manifest:
		if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("manifest URL %q is not an http(s) URL", r.URL))
		}
	case Chart:
		if r.Chart == "" {
			problems = append(problems, "no chart name")
		}
		if r.Version == "" {
			problems = append(problems, "no chart version")
		}
		if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "oci") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("chart repository %q is not an http(s) or oci:// URL", r.URL))
		}
	default:
		problems = append(problems, fmt.Sprintf("unknown kind %q (want %q or %q)", r.Kind, Manifest, Chart))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: invalid reference: %s", r, strings.Join(problems, "; "))
	}
	return nil
}

// isOCI reports whether the chart comes from an OCI registry.
func (r Ref) isOCI() bool { return r.Kind == Chart && strings.HasPrefix(r.URL, "oci://") }

// Artifact is a fetched, verified artifact.
type Artifact struct {
	Ref    Ref
	Data   []byte
	SHA256 string // hex
	URL    string // the resolved download URL (upstream identity, before mirrors)
}

// sum is the hex sha256 of data.
func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// validSum reports whether s is a lower-case hex sha256.
func validSum(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ErrMismatch is the class of every digest refusal: errors.Is(err, ErrMismatch) holds
// for an artifact whose bytes differ from kargo.lock, a chart index or an OCI descriptor.
var ErrMismatch = errors.New("sha256 mismatch")
