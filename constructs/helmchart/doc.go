// Package helmchart renders a Helm chart into a module's Chart: the archive comes from
// the artifact store (a chart repository or an OCI registry, verified against
// kargo.lock) or a local path, is rendered in-process with the Helm SDK
// (internal/helmrender) with the release name and namespace explicit, and its objects
// stay on the Go side as one bulk construct, where the aspects reach them.
package helmchart
