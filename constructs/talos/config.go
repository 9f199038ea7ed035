package talos

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Config is modules.talos in kargo.config.yaml.
type Config struct {
	Enabled      bool         `json:"enabled" doc:"Build the talos module: VirtualMachinePools for a nested Talos cluster. Defaults to false."`
	Namespace    string       `json:"namespace" doc:"Namespace of the VirtualMachinePools and their DataVolumes; it must exist. Defaults to default."`
	ClusterName  string       `json:"cluster_name" doc:"Name of the Talos cluster, the prefix of the pool names (kargo-dev-controlplane, kargo-dev-workers). Defaults to kargo-dev."`
	Image        string       `json:"image" doc:"Talos container disk image CDI imports every root disk from (a docker:// registry source). Defaults to docker.io/containercraft/talos:1.7.6."`
	NetworkName  string       `json:"network_name" doc:"Multus NetworkAttachmentDefinition the VMs' eth0 is bridged to: a name in the pools' namespace, or namespace/name. Defaults to br0."`
	StorageClass string       `json:"storage_class" doc:"StorageClass of the DataVolumes; empty uses the cluster's default StorageClass. Defaults to empty."`
	ControlPlane ControlPlane `json:"controlplane" doc:"The control plane pool (kargo-dev-controlplane with the default cluster_name)."`
	Workers      Workers      `json:"workers" doc:"The worker pool (kargo-dev-workers with the default cluster_name), built only when replicas is more than 0."`
}

// ControlPlane is modules.talos.controlplane.
type ControlPlane struct {
	Replicas      Replicas `json:"replicas" doc:"Size of the control plane: single (1 VM) or ha (3 VMs). Defaults to single."`
	CPUCores      int      `json:"cpu_cores" doc:"Virtual CPU cores per VM. Defaults to 4."`
	MemorySize    int      `json:"memory_size" doc:"Memory per VM in GiB. Defaults to 8."`
	RootDiskSize  int      `json:"root_disk_size" doc:"Size of each VM's root disk in GiB. Defaults to 32."`
	EmptyDiskSize int      `json:"empty_disk_size" doc:"Size of an extra blank disk per VM in GiB; 0 adds none. Defaults to 0."`
	Running       bool     `json:"running" doc:"Start the VMs; false defines them stopped. Defaults to true."`
}

// Workers is modules.talos.workers.
type Workers struct {
	Replicas      int  `json:"replicas" doc:"Number of worker VMs; 0 builds no worker pool. Defaults to 0."`
	CPUCores      int  `json:"cpu_cores" doc:"Virtual CPU cores per VM. Defaults to 4."`
	MemorySize    int  `json:"memory_size" doc:"Memory per VM in GiB. Defaults to 8."`
	RootDiskSize  int  `json:"root_disk_size" doc:"Size of each VM's root disk in GiB. Defaults to 32."`
	EmptyDiskSize int  `json:"empty_disk_size" doc:"Size of an extra blank disk per VM in GiB (e.g. for Rook Ceph); 0 adds none. Defaults to 0."`
	Running       bool `json:"running" doc:"Start the VMs; false defines them stopped. Defaults to true."`
}

// Replicas is the size of the control plane.
type Replicas string

// The control plane sizes.
const (
	// Single is one control plane VM.
	Single Replicas = "single"
	// HA is three control plane VMs.
	HA Replicas = "ha"
)

// Count returns the number of VMs, 0 for an unsupported value.
func (r Replicas) Count() int {
	switch r {
	case Single:
		return 1
	case HA:
		return 3
	}
	return 0
}

// DefaultConfig returns the defaults of the talos module: disabled, one control plane
// VM, no workers.
func DefaultConfig() Config {
	return Config{
		Namespace:   "default",
		ClusterName: "kargo-dev",
		Image:       "docker.io/containercraft/talos:1.7.6",
		NetworkName: "br0",
		ControlPlane: ControlPlane{
			Replicas:     Single,
			CPUCores:     4,
			MemorySize:   8,
			RootDiskSize: 32,
			Running:      true,
		},
		Workers: Workers{
			CPUCores:     4,
			MemorySize:   8,
			RootDiskSize: 32,
			Running:      true,
		},
	}
}

// IsEnabled implements platform.Config.
func (c Config) IsEnabled() bool { return c.Enabled }

// maxClusterName leaves room in the names built from cluster_name: the longest pool name
// (<cluster_name>-controlplane) is a label value, and the VMs, their pods and DataVolumes
// add suffixes to it.
const maxClusterName = 40

// Validate implements platform.Config: it returns every problem of the config.
func (c Config) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validateLabel(path.Child("namespace"), c.Namespace, "the namespace of the pools, e.g. default")...)
	switch {
	case len(c.ClusterName) > maxClusterName:
		errs = append(errs, field.Invalid(path.Child("cluster_name"), c.ClusterName,
			fmt.Sprintf("must be no more than %d characters: pool, VM and DataVolume names are built from it", maxClusterName)))
	default:
		errs = append(errs, validateLabel(path.Child("cluster_name"), c.ClusterName, "the name of the Talos cluster, e.g. kargo-dev")...)
	}
	errs = append(errs, validateImage(path.Child("image"), c.Image)...)
	errs = append(errs, validateNetwork(path.Child("network_name"), c.NetworkName)...)
	if c.StorageClass != "" {
		for _, msg := range validation.IsDNS1123Subdomain(c.StorageClass) {
			errs = append(errs, field.Invalid(path.Child("storage_class"), c.StorageClass, msg))
		}
	}

	cp := path.Child("controlplane")
	if c.ControlPlane.Replicas.Count() == 0 {
		errs = append(errs, field.NotSupported(cp.Child("replicas"), c.ControlPlane.Replicas, []Replicas{Single, HA}))
	}
	errs = append(errs, validateMachine(cp, c.ControlPlane.machine())...)

	w := path.Child("workers")
	if c.Workers.Replicas < 0 {
		errs = append(errs, field.Invalid(w.Child("replicas"), c.Workers.Replicas, "must be 0 (no worker pool) or more"))
	}
	errs = append(errs, validateMachine(w, c.Workers.machine())...)
	return errs
}

// machine is what the two pool configs share.
type machine struct {
	cpuCores, memorySize, rootDiskSize, emptyDiskSize int
	running                                           bool
}

func (p ControlPlane) machine() machine {
	return machine{p.CPUCores, p.MemorySize, p.RootDiskSize, p.EmptyDiskSize, p.Running}
}

func (p Workers) machine() machine {
	return machine{p.CPUCores, p.MemorySize, p.RootDiskSize, p.EmptyDiskSize, p.Running}
}

func validateMachine(path *field.Path, m machine) field.ErrorList {
	var errs field.ErrorList
	if m.cpuCores <= 0 {
		errs = append(errs, field.Invalid(path.Child("cpu_cores"), m.cpuCores, "must be greater than 0"))
	}
	if m.memorySize <= 0 {
		errs = append(errs, field.Invalid(path.Child("memory_size"), m.memorySize, "must be greater than 0 (GiB)"))
	}
	if m.rootDiskSize <= 0 {
		errs = append(errs, field.Invalid(path.Child("root_disk_size"), m.rootDiskSize, "must be greater than 0 (GiB)"))
	}
	if m.emptyDiskSize < 0 {
		errs = append(errs, field.Invalid(path.Child("empty_disk_size"), m.emptyDiskSize, "must be 0 (no empty disk) or more (GiB)"))
	}
	return errs
}

func validateLabel(path *field.Path, value, example string) field.ErrorList {
	if value == "" {
		return field.ErrorList{field.Required(path, example)}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(value) {
		errs = append(errs, field.Invalid(path, value, msg))
	}
	return errs
}

func validateImage(path *field.Path, image string) field.ErrorList {
	switch {
	case image == "":
		return field.ErrorList{field.Required(path, "an image reference such as "+DefaultConfig().Image)}
	case strings.ContainsAny(image, " \t\r\n"):
		return field.ErrorList{field.Invalid(path, image, "must not contain white space")}
	case strings.Contains(image, "://"):
		return field.ErrorList{field.Invalid(path, image, "must be an image reference without a scheme (docker:// is added), such as "+DefaultConfig().Image)}
	}
	return nil
}

// validateNetwork checks a multus network name: <name> or <namespace>/<name>.
func validateNetwork(path *field.Path, network string) field.ErrorList {
	if network == "" {
		return field.ErrorList{field.Required(path, "the NetworkAttachmentDefinition of the bridge, e.g. br0 (the multus module's bridge_name)")}
	}
	ns, name, qualified := strings.Cut(network, "/")
	if !qualified {
		ns, name = "", network
	}
	var errs field.ErrorList
	if qualified {
		for _, msg := range validation.IsDNS1123Label(ns) {
			errs = append(errs, field.Invalid(path, network, "namespace: "+msg))
		}
	}
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		errs = append(errs, field.Invalid(path, network, "name: "+msg))
	}
	return errs
}
