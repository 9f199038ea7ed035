// Package platform is the contract between kargo and its modules: a Module declares its
// name, config type, defaults, requirements and constructor; a Registry orders the
// enabled modules by their requirements; a Chart is the cdk8s Chart a module builds its
// objects in.
//
// Hand-authored objects go through cdk8s (one ApiObject each). Objects that arrive in
// bulk — rendered Helm charts, upstream manifests — are held on the Go side by one
// construct per chart or manifest, so their cost does not grow with jsii round trips.
// Either way, Chart.Objects returns every object as Go data for the aspects and the
// writer.
package platform
