// Package certmanager re-exports the cert-manager API types kargo authors
// (github.com/cert-manager/cert-manager at the pinned chart's release, v1.15.3) and lists
// cert-manager's custom kinds with their scope. The cert-manager chart installs all six
// CustomResourceDefinitions itself (crds.enabled), so they ship in dist/ and no kind is
// created at run time.
package certmanager
