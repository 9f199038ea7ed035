package kubevirt

import (
	"fmt"
	"sort"
	"strings"
)

// FeatureGates13 lists the feature gates KubeVirt 1.3 knows, as virt-operator and
// virt-api accept them in spec.configuration.developerConfiguration.featureGates.
//
// Source: kubevirt/kubevirt at v1.3.1, the gate constants of
// pkg/virt-config/feature-gates.go (alpha and beta gates) and the featureGates table of
// pkg/virt-config/deprecation/feature-gates.go (gates that went GA or are deprecated:
// KubeVirt still accepts them and logs that they are redundant). Gates that were added
// in 1.4 (DynamicPodInterfaceNaming, InstancetypeReferencePolicy, ...) are not here.
var FeatureGates13 = []string{
	// GA or deprecated in 1.3: accepted, redundant.
	"LiveMigration",
	"SRIOVLiveMigration",
	"NonRoot",
	"PSA",
	"CPUNodeDiscovery",
	"Passt",
	"Macvtap",
	// Alpha and beta.
	"ExpandDisks",
	"CPUManager",
	"NUMA",
	"ExperimentalIgnitionSupport",
	"HypervStrictCheck",
	"Sidecar",
	"GPU",
	"HostDevices",
	"Snapshot",
	"VMExport",
	"HotplugVolumes",
	"HostDisk",
	"ExperimentalVirtiofsSupport",
	"DownwardMetrics",
	"Root",
	"ClusterProfiler",
	"WorkloadEncryptionSEV",
	"DockerSELinuxMCSWorkaround",
	"VSOCK",
	"HotplugNICs",
	"DisableCustomSELinuxPolicy",
	"KubevirtSeccompProfile",
	"DisableMDEVConfiguration",
	"PersistentReservation",
	"VMPersistentState",
	"MultiArchitecture",
	"VMLiveUpdateFeatures",
	"BochsDisplayForEFIGuests",
	"NetworkBindingPlugins",
	"AutoResourceLimitsGate",
	"CommonInstancetypesDeploymentGate",
	"AlignCPUs",
	"VolumesUpdateStrategy",
	"VolumeMigration",
	"NodeRestriction",
}

var knownGates = func() map[string]bool {
	m := map[string]bool{}
	for _, g := range FeatureGates13 {
		m[g] = true
	}
	return m
}()

// gateSeries is the KubeVirt minor version FeatureGates13 describes.
const gateSeries = "1.3."

// checksGates reports whether kargo checks the feature gates of KubeVirt version v: for
// 1.3.x, and for a malformed version (reported on its own) too.
func checksGates(v string) bool { return strings.HasPrefix(v, gateSeries) || !versionRE.MatchString(v) }

// unknownGate says that g is not a KubeVirt 1.3 gate and names the closest one.
func unknownGate(g string) string {
	return fmt.Sprintf("not a feature gate of KubeVirt 1.3 (names are case-sensitive); did you mean %q?", closest(g, FeatureGates13))
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
