package kubevirt

import (
	"fmt"
	"strings"

	"github.com/kargo-platform/kargo/internal/suggest"
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
	return fmt.Sprintf("not a feature gate of KubeVirt 1.3 (names are case-sensitive); did you mean %q?", suggest.Nearest(g, FeatureGates13))
}
