// Package hostpathprovisioner holds the HostPathProvisioner API types kargo authors
// (hostpathprovisioner.kubevirt.io/v1beta1, from the kubevirt/hostpath-provisioner-operator
// release) and lists the custom kind: the hostpathprovisioners.hostpathprovisioner.kubevirt.io
// CRD ships in the release's operator.yaml.
//
// The upstream project publishes no Go module for its API, so the spec and status types
// in types_generated.go are generated from the CRD's schema by ./gen (make imports);
// the top-level HostPathProvisioner type is written by hand in hostpathprovisioner.go.
package hostpathprovisioner
