package nad

import (
	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"

	"github.com/kargo-platform/kargo/internal/kinds"
)

// APIVersion is the apiVersion the types are written as.
const APIVersion = "k8s.cni.cncf.io/v1"

// Types used by kargo's modules.
type (
	NetworkAttachmentDefinition     = nadv1.NetworkAttachmentDefinition
	NetworkAttachmentDefinitionSpec = nadv1.NetworkAttachmentDefinitionSpec
)

// Kinds lists the custom kinds of the package with their scope. The CRD ships in the
// multus manifest (deployments/multus-daemonset-thick.yml), so no operator creates it
// at run time.
var Kinds = []kinds.Custom{
	{Group: "k8s.cni.cncf.io", Version: "v1", Kind: "NetworkAttachmentDefinition", Namespaced: true},
}
