package hostpathprovisioner

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kargo-platform/kargo/internal/kinds"
)

// APIVersion is the apiVersion the types are written as.
const APIVersion = "hostpathprovisioner.kubevirt.io/v1beta1"

// HostPathProvisioner is the hostpath-provisioner-operator's custom resource: the
// operator deploys the provisioner and its CSI driver as the spec says. It is
// cluster-scoped.
type HostPathProvisioner struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec HostPathProvisionerSpec `json:"spec"`
}

// Kinds lists the custom kinds of the package with their scope. The CRD ships in the
// release's operator.yaml, so no operator creates it at run time.
var Kinds = []kinds.Custom{
	{Group: "hostpathprovisioner.kubevirt.io", Version: "v1beta1", Kind: "HostPathProvisioner"},
}
