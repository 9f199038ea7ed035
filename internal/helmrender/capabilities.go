package helmrender

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"helm.sh/helm/v4/pkg/chart/common"
	k8sversion "k8s.io/apimachinery/pkg/util/version"

	"github.com/kargo-platform/kargo/internal/kinds"
)

// kubeVersionRE is the accepted form of a Kubernetes version: 1.30, v1.30, 1.30.2.
var kubeVersionRE = regexp.MustCompile(`^v?[0-9]+\.[0-9]+(\.[0-9]+)?$`)

// kubeVersion parses kargo's kubernetes.version ("1.30", "v1.30", "1.30.2") into Helm's
// form with a patch number: "1.30" becomes v1.30.0, as a cluster would report it. Helm
// itself would keep "v1.30", and its default differs between go test binaries (v1.20.0)
// and real binaries (derived from client-go), which is why the version is required.
func kubeVersion(s string) (*common.KubeVersion, error) {
	if s == "" {
		return nil, fmt.Errorf("kube version is required (kargo's kubernetes.version, e.g. \"1.30\")")
	}
	if !kubeVersionRE.MatchString(s) {
		return nil, fmt.Errorf("invalid kube version %q: want major.minor or major.minor.patch, e.g. \"1.30\"", s)
	}
	v, err := k8sversion.ParseGeneric(s)
	if err != nil {
		return nil, fmt.Errorf("invalid kube version %q: %w", s, err)
	}
	if v.Major() != 1 {
		return nil, fmt.Errorf("invalid kube version %q: major version must be 1", s)
	}
	kv, err := common.ParseKubeVersion(fmt.Sprintf("v%d.%d.%d", v.Major(), v.Minor(), v.Patch()))
	if err != nil {
		return nil, fmt.Errorf("invalid kube version %q: %w", s, err)
	}
	return kv, nil
}

// builtinAPIVersions lists, for every built-in kind, both "group/version" and
// "group/version/Kind" ("v1" and "v1/Pod" for the core group), sorted: Helm's default
// API list has only the former, so `.Capabilities.APIVersions.Has
// "policy/v1/PodDisruptionBudget"` would be false.
var builtinAPIVersions = sync.OnceValue(func() []string {
	seen := map[string]bool{}
	var out []string
	for _, gvk := range kinds.BuiltinGVKs() {
		gv := gvk.GroupVersion().String()
		for _, s := range []string{gv, gv + "/" + gvk.Kind} {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return out
})

// apiVersions returns the built-in API versions plus extra, validated, sorted and
// without duplicates.
func apiVersions(extra []string) (common.VersionSet, error) {
	out := slices.Clone(builtinAPIVersions())
	for _, s := range extra {
		if err := checkAPIVersion(s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return common.VersionSet(slices.Compact(out)), nil
}

// checkAPIVersion accepts "version", "group/version", "version/Kind" (core group only
// when the first part has no dot and starts with "v"), and "group/version/Kind".
func checkAPIVersion(s string) error {
	parts := strings.Split(s, "/")
	bad := s == "" || strings.ContainsAny(s, " \t\n") || len(parts) > 3 || slices.Contains(parts, "")
	if bad {
		return fmt.Errorf("invalid API version %q: want group/version or group/version/Kind (\"monitoring.coreos.com/v1/ServiceMonitor\")", s)
	}
	return nil
}
