// Package kinds knows the Kubernetes kinds kargo may emit: which are built into the API
// server (and whether they are namespaced), and which custom kinds have their
// CustomResourceDefinition created at run time by an operator rather than shipped in
// dist/.
package kinds
