// Package catalog lists every module this build of kargo provides.
package catalog

import (
	"github.com/kargo-platform/kargo/constructs/cdi"
	"github.com/kargo-platform/kargo/constructs/certmanager"
	"github.com/kargo-platform/kargo/constructs/hostpathprovisioner"
	"github.com/kargo-platform/kargo/constructs/kubevirt"
	"github.com/kargo-platform/kargo/constructs/multus"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/talos"
	"github.com/kargo-platform/kargo/constructs/vm"
)

// Modules lists every module of this build.
func Modules() []platform.Module {
	return []platform.Module{
		certmanager.Module,
		kubevirt.Module,
		cdi.Module,
		multus.Module,
		hostpathprovisioner.Module,
		talos.Module,
		vm.Module,
	}
}

// Registry returns the registry of all modules, plus extra ones (tests, benchmarks).
func Registry(extra ...platform.Module) *platform.Registry {
	return platform.NewRegistry(append(Modules(), extra...)...)
}
