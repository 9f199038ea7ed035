package kubevirt

import (
	kubevirtv1 "kubevirt.io/api/core/v1"
	poolv1alpha1 "kubevirt.io/api/pool/v1alpha1"

	"github.com/kargo-platform/kargo/internal/kinds"
)

// API versions the types are written as.
const (
	APIVersion     = "kubevirt.io/v1"
	PoolAPIVersion = "pool.kubevirt.io/v1alpha1"
)

// Operator is the operator that creates the run-time CRDs.
const Operator = "virt-operator"

// Types used by kargo's modules.
type (
	KubeVirt                   = kubevirtv1.KubeVirt
	KubeVirtSpec               = kubevirtv1.KubeVirtSpec
	VirtualMachine             = kubevirtv1.VirtualMachine
	VirtualMachineSpec         = kubevirtv1.VirtualMachineSpec
	VirtualMachineInstanceSpec = kubevirtv1.VirtualMachineInstanceSpec
	VirtualMachinePool         = poolv1alpha1.VirtualMachinePool
	VirtualMachinePoolSpec     = poolv1alpha1.VirtualMachinePoolSpec
)

// Kinds lists KubeVirt's custom kinds with their scope; every kind but KubeVirt itself
// has its CRD created by virt-operator at run time.
var Kinds = []kinds.Custom{
	{Group: "kubevirt.io", Version: "v1", Kind: "KubeVirt", Namespaced: true},
	{Group: "kubevirt.io", Version: "v1", Kind: "VirtualMachine", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "kubevirt.io", Version: "v1", Kind: "VirtualMachineInstance", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "kubevirt.io", Version: "v1", Kind: "VirtualMachineInstancePreset", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "kubevirt.io", Version: "v1", Kind: "VirtualMachineInstanceReplicaSet", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "kubevirt.io", Version: "v1", Kind: "VirtualMachineInstanceMigration", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "snapshot.kubevirt.io", Version: "v1beta1", Kind: "VirtualMachineSnapshot", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "snapshot.kubevirt.io", Version: "v1beta1", Kind: "VirtualMachineSnapshotContent", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "snapshot.kubevirt.io", Version: "v1beta1", Kind: "VirtualMachineRestore", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "instancetype.kubevirt.io", Version: "v1beta1", Kind: "VirtualMachineInstancetype", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "instancetype.kubevirt.io", Version: "v1beta1", Kind: "VirtualMachineClusterInstancetype", CreatedAtRuntimeBy: Operator},
	{Group: "instancetype.kubevirt.io", Version: "v1beta1", Kind: "VirtualMachinePreference", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "instancetype.kubevirt.io", Version: "v1beta1", Kind: "VirtualMachineClusterPreference", CreatedAtRuntimeBy: Operator},
	{Group: "pool.kubevirt.io", Version: "v1alpha1", Kind: "VirtualMachinePool", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "migrations.kubevirt.io", Version: "v1alpha1", Kind: "MigrationPolicy", CreatedAtRuntimeBy: Operator},
	{Group: "export.kubevirt.io", Version: "v1beta1", Kind: "VirtualMachineExport", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "clone.kubevirt.io", Version: "v1alpha1", Kind: "VirtualMachineClone", Namespaced: true, CreatedAtRuntimeBy: Operator},
}
