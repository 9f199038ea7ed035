package cdi

import (
	"fmt"
	"sort"
	"strings"
)

// FeatureGates160 lists the feature gates CDI 1.60 knows in spec.config.featureGates.
//
// Source: kubevirt/containerized-data-importer at v1.60.3,
// pkg/feature-gates/feature-gates.go.
var FeatureGates160 = []string{
	"HonorWaitForFirstConsumer",
	"DataVolumeClaimAdoption",
	"WebhookPvcRendering",
}

var knownGates = func() map[string]bool {
	m := map[string]bool{}
	for _, g := range FeatureGates160 {
		m[g] = true
	}
	return m
}()

// gateSeries is the CDI minor version FeatureGates160 describes.
const gateSeries = "1.60."

// checksGates reports whether kargo checks the feature gates of CDI version v: for
// 1.60.x, and for a malformed version (reported on its own) too.
func checksGates(v string) bool { return strings.HasPrefix(v, gateSeries) || !versionRE.MatchString(v) }

// unknownGate says that g is not a CDI 1.60 gate and names the closest one.
func unknownGate(g string) string {
	return fmt.Sprintf("not a feature gate of CDI 1.60 (names are case-sensitive); did you mean %q?", closest(g, FeatureGates160))
}

// closest returns the candidate nearest to s: by edit distance ignoring case, then
// alphabetically.
func closest(s string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestD := "", -1
	for _, c := range sorted {
		if d := distance(strings.ToLower(s), strings.ToLower(c)); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
