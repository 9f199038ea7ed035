// Package config loads kargo.config.yaml: one or more files deep-merged in order, then
// --set overrides, checked strictly against the Go config types (unknown keys with the
// closest valid one, wrong types with how to fix them), decoded over the defaults and
// validated — every problem reported at once with its file, line and key path.
package config
