// Package synth turns a loaded config into the files of dist/: it builds each enabled
// module in its own cdk8s Chart (in requirement order), collects every object, applies
// the aspects (global metadata, compliance, git), puts each object in its apply stage,
// checks identities, and encodes deterministic YAML files plus the summary ConfigMap.
package synth
