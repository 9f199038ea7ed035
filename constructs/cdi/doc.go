// Package cdi is the cdi platform module: cdi-operator of the Containerized Data Importer
// from its release manifest cdi-operator.yaml, which brings its own cdi namespace, and the
// cluster-scoped CDI CR that makes cdi-operator install CDI.
//
// The manifest ships only the cdis.cdi.kubevirt.io CRD; cdi-operator creates the CRDs of
// DataVolume and the other CDI kinds at run time. Objects of those kinds (module talos)
// go to the run-time apply stage.
package cdi
