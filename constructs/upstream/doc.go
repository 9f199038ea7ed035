// Package upstream brings an upstream release manifest (a multi-document YAML file from
// a URL or a local path) into a module's Chart, after the transforms the module declares
// in Go: drop objects, set the namespace on namespaced objects only, JSON patches, and
// typed edits through the upstream API structs. The objects stay on the Go side (one
// construct per manifest), so their size costs no jsii round trips.
package upstream
