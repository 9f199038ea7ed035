// Package manifest holds kargo's Go-side form of a Kubernetes object: JSON-compatible
// data (maps, slices, strings, numbers, booleans) with accessors for the fields kargo
// reads and writes, an identity that includes the namespace, and the conversion from
// typed API structs.
package manifest
