package talos

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"
	poolv1alpha1 "kubevirt.io/api/pool/v1alpha1"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/imports/cdi"
	"github.com/kargo-platform/kargo/imports/kubevirt"
)

// Module is the talos platform module.
var Module = platform.Definition[Config]{
	ModuleName:  "talos",
	Description: "VirtualMachinePools for a nested Talos Kubernetes cluster (Kargo on Kargo).",
	Requirement: []string{"cdi", "kubevirt", "multus"},
	Default:     DefaultConfig,
	VersionOf:   func(c Config) string { return imageTag(c.Image) },
	New:         New,
}

// Labels of the pools and their VMs.
const (
	// LabelPool selects the VMs of one pool; its value is the pool name.
	LabelPool = "kargo.io/talos-pool"
	// LabelCluster is the cluster_name.
	LabelCluster = "kargo.io/talos-cluster"
	// LabelRole is RoleControlPlane or RoleWorker.
	LabelRole = "kargo.io/talos-role"
)

// The values of LabelRole.
const (
	RoleControlPlane = "controlplane"
	RoleWorker       = "worker"
)

// Disk and network names inside the VMs.
const (
	rootDisk  = "talos-root-disk"
	emptyDisk = "talos-empty-disk"
	network   = "eth0"
)

// storageModules provide a default StorageClass for the DataVolumes.
var storageModules = []string{"hostpath_provisioner", "local_path_storage"}

// New builds the talos module's objects: the control plane pool and, when
// workers.replicas > 0, the worker pool. It warns when no enabled module provides a
// default StorageClass and storage_class is not set.
func New(c *platform.Chart, cfg Config, env platform.Env) error {
	if cfg.StorageClass == "" && !anyEnabled(env, storageModules) {
		warn(env, "the DataVolumes of the Talos VMs need a default StorageClass, and neither %s is enabled; enable one of them, set modules.talos.storage_class, or make sure the cluster has a default StorageClass",
			strings.Join(storageModules, " nor "))
	}
	pools := []any{vmPool(cfg, cfg.ClusterName+"-controlplane", RoleControlPlane, cfg.ControlPlane.Replicas.Count(), cfg.ControlPlane.machine())}
	if cfg.Workers.Replicas > 0 {
		pools = append(pools, vmPool(cfg, cfg.ClusterName+"-workers", RoleWorker, cfg.Workers.Replicas, cfg.Workers.machine()))
	}
	for _, p := range pools {
		if err := c.Add(p); err != nil {
			return err
		}
	}
	return nil
}

func anyEnabled(env platform.Env, modules []string) bool {
	if env.Enabled == nil {
		return false
	}
	for _, m := range modules {
		if env.Enabled(m) {
			return true
		}
	}
	return false
}

func warn(env platform.Env, format string, args ...any) {
	if env.Warn != nil {
		env.Warn(format, args...)
	}
}

func vmPool(cfg Config, name, role string, replicas int, m machine) *kubevirt.VirtualMachinePool {
	selector := map[string]string{LabelPool: name}
	labels := map[string]string{LabelPool: name, LabelCluster: cfg.ClusterName, LabelRole: role}
	bootOrder := uint(1)
	virtio := kubevirtv1.DiskDevice{Disk: &kubevirtv1.DiskTarget{Bus: kubevirtv1.DiskBusVirtio}}

	disks := []kubevirtv1.Disk{{Name: rootDisk, BootOrder: &bootOrder, DiskDevice: virtio}}
	volumes := []kubevirtv1.Volume{dataVolume(rootDisk, name+"-root-dv")}
	templates := []kubevirtv1.DataVolumeTemplateSpec{dataVolumeTemplate(cfg, name+"-root-dv", m.rootDiskSize,
		cdi.DataVolumeSource{Registry: &cdi.DataVolumeSourceRegistry{URL: ptr("docker://" + cfg.Image)}})}
	if m.emptyDiskSize > 0 {
		disks = append(disks, kubevirtv1.Disk{Name: emptyDisk, DiskDevice: virtio})
		volumes = append(volumes, dataVolume(emptyDisk, name+"-empty-dv"))
		templates = append(templates, dataVolumeTemplate(cfg, name+"-empty-dv", m.emptyDiskSize,
			cdi.DataVolumeSource{Blank: &cdi.DataVolumeBlankImage{}}))
	}

	return &kubevirt.VirtualMachinePool{
		TypeMeta: metav1.TypeMeta{APIVersion: kubevirt.PoolAPIVersion, Kind: "VirtualMachinePool"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      name,
			Namespace: cfg.Namespace,
			Labels:    map[string]string{LabelCluster: cfg.ClusterName, LabelRole: role},
		},
		Spec: kubevirt.VirtualMachinePoolSpec{
			Replicas: ptr(int32(replicas)),
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			VirtualMachineTemplate: &poolv1alpha1.VirtualMachineTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: kubevirt.VirtualMachineSpec{
					Running:             ptr(m.running),
					DataVolumeTemplates: templates,
					Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: labels},
						Spec: kubevirt.VirtualMachineInstanceSpec{
							Domain: kubevirtv1.DomainSpec{
								CPU: &kubevirtv1.CPU{Cores: uint32(m.cpuCores)},
								Resources: kubevirtv1.ResourceRequirements{Requests: corev1.ResourceList{
									corev1.ResourceMemory: gibibytes(m.memorySize),
								}},
								Devices: kubevirtv1.Devices{
									Disks: disks,
									Interfaces: []kubevirtv1.Interface{{
										Name:                   network,
										Model:                  kubevirtv1.VirtIO,
										InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Bridge: &kubevirtv1.InterfaceBridge{}},
									}},
								},
							},
							Networks: []kubevirtv1.Network{{
								Name:          network,
								NetworkSource: kubevirtv1.NetworkSource{Multus: &kubevirtv1.MultusNetwork{NetworkName: cfg.NetworkName}},
							}},
							Volumes: volumes,
						},
					},
				},
			},
		},
	}
}

func dataVolume(volume, dv string) kubevirtv1.Volume {
	return kubevirtv1.Volume{
		Name:         volume,
		VolumeSource: kubevirtv1.VolumeSource{DataVolume: &kubevirtv1.DataVolumeSource{Name: dv}},
	}
}

func dataVolumeTemplate(cfg Config, name string, sizeGiB int, source cdi.DataVolumeSource) kubevirtv1.DataVolumeTemplateSpec {
	storage := &cdi.StorageSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceStorage: gibibytes(sizeGiB),
		}},
	}
	if cfg.StorageClass != "" {
		storage.StorageClassName = ptr(cfg.StorageClass)
	}
	return kubevirtv1.DataVolumeTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       cdi.DataVolumeSpec{Source: &source, Storage: storage},
	}
}

func gibibytes(n int) resource.Quantity { return resource.MustParse(strconv.Itoa(n) + "Gi") }

// imageTag returns the tag of an image reference ("1.7.6" of
// "docker.io/containercraft/talos:1.7.6"), or "" when it has none.
func imageTag(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	name := image[strings.LastIndex(image, "/")+1:]
	if i := strings.LastIndex(name, ":"); i >= 0 {
		return name[i+1:]
	}
	return ""
}

func ptr[T any](v T) *T { return &v }
