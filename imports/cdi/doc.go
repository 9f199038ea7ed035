// Package cdi re-exports the Containerized Data Importer API types kargo authors
// (kubevirt.io/containerized-data-importer-api at the pinned CDI release) and lists CDI's
// custom kinds: only cdis.cdi.kubevirt.io ships as a CRD in the release manifest,
// cdi-operator creates the others at run time.
package cdi
