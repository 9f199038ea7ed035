package cdi

import (
	"fmt"
	"strings"

	"github.com/kargo-platform/kargo/internal/suggest"
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
	return fmt.Sprintf("not a feature gate of CDI 1.60 (names are case-sensitive); did you mean %q?", suggest.Nearest(g, FeatureGates160))
}
