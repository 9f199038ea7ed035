// Package kubevirt re-exports the KubeVirt API types kargo authors (kubevirt.io/api at
// the pinned KubeVirt release) and lists KubeVirt's custom kinds: only kubevirts.kubevirt.io
// ships as a CRD in the release manifest, virt-operator creates the others at run time.
package kubevirt
