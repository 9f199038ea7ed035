// Package helmrender renders a Helm chart in-process, the way `helm template` does, and
// turns the output into kargo's manifest objects, deterministically and offline.
//
// Render runs Helm 4's install action in client-only dry-run mode (what `helm template`
// runs) with an explicit Kubernetes version and API list, then post-processes the result:
//
//   - order: the chart's crds/ files (parent chart, then subcharts), then the manifest in
//     Helm's install order, then the hooks that are kept;
//   - hooks: Helm returns them apart from the manifest; hooks whose events are all in
//     Options.DropHooks (test hooks by default) are dropped and reported, the others are
//     kept as ordinary objects with their helm.sh/hook* annotations;
//   - namespaces: namespaced objects without one get the release namespace,
//     cluster-scoped objects lose one the chart set;
//   - determinism: the chart is rendered twice and any difference (randAlphaNum, genCA,
//     now, ...) is an error that names the object, the field and the fix;
//   - values: the charts' values.schema.json files are enforced without fetching any
//     referenced schema over the network.
//
// A Chart is never modified by Render (Helm's dependency processing mutates the chart it
// renders, so every render works on a copy), and Render may be called concurrently.
package helmrender
