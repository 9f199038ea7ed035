// Package nad re-exports the NetworkAttachmentDefinition API type kargo authors
// (github.com/k8snetworkplumbingwg/network-attachment-definition-client, the Network
// Plumbing Working Group's k8s.cni.cncf.io/v1) and lists its custom kind: the
// network-attachment-definitions.k8s.cni.cncf.io CRD ships in the multus release manifest.
package nad
