// Package aspect holds kargo's aspects: small, pure passes applied, in a fixed order, to
// every object of the platform after all modules are built — objects authored through
// cdk8s and objects held in bulk (Helm output, upstream manifests) alike. cdk8s has no
// aspects of its own; these follow kustomize's label and annotation filters: keys are
// validated when the aspect is made, applied in sorted order, and selectors are never
// touched.
package aspect
