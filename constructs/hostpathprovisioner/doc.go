// Package hostpathprovisioner is the hostpath_provisioner platform module: the KubeVirt
// hostpath-provisioner-operator from its release manifests (webhook.yaml with a
// cert-manager Issuer and Certificate, operator.yaml with the operator and the
// HostPathProvisioner CRD) in the hostpath-provisioner namespace, extra RBAC for its CSI
// driver, the HostPathProvisioner CR with the configured storage pools, and one
// StorageClass per pool.
package hostpathprovisioner
