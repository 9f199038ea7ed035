// Package multus is the multus platform module: the Multus CNI thick plugin from the
// release manifest deployments/multus-daemonset-thick.yml (the
// network-attachment-definitions.k8s.cni.cncf.io CRD, RBAC, the daemon config and the
// kube-multus-ds DaemonSet, all in kube-system), pinned to the release image, changed
// for Talos nodes when the target is Talos, and a NetworkAttachmentDefinition that
// attaches pods and KubeVirt VMs to a Linux bridge of the nodes.
package multus
