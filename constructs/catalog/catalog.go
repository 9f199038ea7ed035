// Package catalog lists every module this build of kargo provides.
package catalog

import (
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/talos"
	"github.com/kargo-platform/kargo/constructs/vm"
)

// Registry returns the registry of all modules.
func Registry() *platform.Registry {
	return platform.NewRegistry(
		talos.Module,
		vm.Module,
	)
}
