// Package kubevirt is the kubevirt platform module: virt-operator from KubeVirt's release
// manifest kubevirt-operator.yaml, moved into a namespace kargo owns (Pod Security
// privileged), the KubeVirt CR that makes virt-operator install KubeVirt, and on Talos a
// DaemonSet that hides SELinux from the KubeVirt components.
//
// The manifest ships only the kubevirts.kubevirt.io CRD; virt-operator creates the CRDs
// of VirtualMachine and the other KubeVirt kinds at run time, after the KubeVirt CR is
// applied. Objects of those kinds (modules vm, talos) go to the run-time apply stage.
package kubevirt
