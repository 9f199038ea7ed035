package cdi

import (
	cdiv1beta1 "kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1"

	"github.com/kargo-platform/kargo/internal/kinds"
)

// APIVersion is the apiVersion the types are written as.
const APIVersion = "cdi.kubevirt.io/v1beta1"

// Operator is the operator that creates the run-time CRDs.
const Operator = "cdi-operator"

// Types used by kargo's modules.
type (
	CDI                      = cdiv1beta1.CDI
	CDISpec                  = cdiv1beta1.CDISpec
	CDIConfigSpec            = cdiv1beta1.CDIConfigSpec
	DataVolume               = cdiv1beta1.DataVolume
	DataVolumeSpec           = cdiv1beta1.DataVolumeSpec
	DataVolumeSource         = cdiv1beta1.DataVolumeSource
	DataVolumeSourceRegistry = cdiv1beta1.DataVolumeSourceRegistry
	DataVolumeBlankImage     = cdiv1beta1.DataVolumeBlankImage
	StorageSpec              = cdiv1beta1.StorageSpec
)

// Kinds lists CDI's custom kinds with their scope; every kind but CDI itself has its CRD
// created by cdi-operator at run time.
var Kinds = []kinds.Custom{
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "CDI"},
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "DataVolume", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "CDIConfig", CreatedAtRuntimeBy: Operator},
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "DataSource", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "DataImportCron", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "StorageProfile", CreatedAtRuntimeBy: Operator},
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "ObjectTransfer", CreatedAtRuntimeBy: Operator},
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "VolumeImportSource", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "VolumeUploadSource", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "cdi.kubevirt.io", Version: "v1beta1", Kind: "VolumeCloneSource", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "forklift.cdi.kubevirt.io", Version: "v1beta1", Kind: "OvirtVolumePopulator", Namespaced: true, CreatedAtRuntimeBy: Operator},
	{Group: "forklift.cdi.kubevirt.io", Version: "v1beta1", Kind: "OpenstackVolumePopulator", Namespaced: true, CreatedAtRuntimeBy: Operator},
}
