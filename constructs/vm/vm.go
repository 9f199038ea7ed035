package vm

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/imports/kubevirt"
)

// Module is the vm platform module.
var Module = platform.Definition[Config]{
	ModuleName:  "vm",
	Description: "An Ubuntu VirtualMachine on KubeVirt, reachable over SSH through a NodePort Service.",
	Requirement: []string{"kubevirt"},
	Default:     DefaultConfig,
	VersionOf:   func(c Config) string { return imageTag(c.Image) },
	New:         New,
}

// Labels, names and keys of the objects.
const (
	// LabelApp is the label every object carries, with value AppName.
	LabelApp = "app"
	// AppName is the value of LabelApp.
	AppName = "kc2"
	// LabelInstance selects the VM's pod for the SSH Service; its value is instance_name.
	LabelInstance = "kc2.ccio.io/instance"
	// SecretName is the Secret that holds the SSH public key.
	SecretName = "kc2-pubkey"
	// SecretKey is the key of the public key in the Secret.
	SecretKey = "key1"
	// Interface is the guest's network interface (the first virtio NIC on q35).
	Interface = "enp1s0"
)

// Disk and volume names.
const (
	containerDisk = "containerdisk"
	cloudInitDisk = "cloudinitdisk"
)

// New builds the vm module's objects: the SSH key Secret, the SSH Service and the
// VirtualMachine.
func New(c *platform.Chart, cfg Config, _ platform.Env) error {
	key := strings.TrimSpace(cfg.SSHPubKey)
	if key == "" {
		// Validate reports this first; New checks again because it may be called alone.
		return fmt.Errorf("ssh_pub_key: required when the vm module is enabled: paste the contents of ~/.ssh/id_ed25519.pub")
	}
	for _, obj := range []any{secret(cfg, key), service(cfg), virtualMachine(cfg)} {
		if err := c.Add(obj); err != nil {
			return err
		}
	}
	return nil
}

func labels() map[string]string { return map[string]string{LabelApp: AppName} }

// secret holds the public key in data (not stringData), so that applying the same
// output twice is a no-op.
func secret(cfg Config, key string) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: SecretName, Namespace: cfg.Namespace, Labels: labels()},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{SecretKey: []byte(key)},
	}
}

func service(cfg Config) *corev1.Service {
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: cfg.InstanceName + serviceSuffix, Namespace: cfg.Namespace, Labels: labels()},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeNodePort,
			Selector: map[string]string{LabelInstance: cfg.InstanceName},
			Ports: []corev1.ServicePort{{
				Name:       "ssh",
				Protocol:   corev1.ProtocolTCP,
				Port:       22,
				TargetPort: intstr.FromInt32(22),
				NodePort:   int32(cfg.NodePort),
			}},
		},
	}
}

func virtualMachine(cfg Config) *kubevirt.VirtualMachine {
	bootOrder := uint(1)
	cores := strconv.Itoa(cfg.CPUCores)
	return &kubevirt.VirtualMachine{
		TypeMeta:   metav1.TypeMeta{APIVersion: kubevirt.APIVersion, Kind: "VirtualMachine"},
		ObjectMeta: metav1.ObjectMeta{Name: cfg.InstanceName, Namespace: cfg.Namespace, Labels: labels()},
		Spec: kubevirt.VirtualMachineSpec{
			Running: ptr(cfg.Running),
			Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{
					LabelApp:      AppName,
					LabelInstance: cfg.InstanceName,
				}},
				Spec: kubevirt.VirtualMachineInstanceSpec{
					Hostname: cfg.InstanceName,
					Domain: kubevirtv1.DomainSpec{
						Machine: &kubevirtv1.Machine{Type: "q35"},
						CPU:     &kubevirtv1.CPU{Model: kubevirtv1.CPUModeHostPassthrough, Cores: uint32(cfg.CPUCores)},
						Resources: kubevirtv1.ResourceRequirements{Limits: corev1.ResourceList{
							corev1.ResourceCPU:    resource.MustParse(cores),
							corev1.ResourceMemory: resource.MustParse(strconv.Itoa(cfg.MemorySize) + "Gi"),
						}},
						Clock: &kubevirtv1.Clock{ClockOffset: kubevirtv1.ClockOffset{UTC: &kubevirtv1.ClockOffsetUTC{}}},
						Devices: kubevirtv1.Devices{
							AutoattachSerialConsole: ptr(true),
							Rng:                     &kubevirtv1.Rng{},
							Disks: []kubevirtv1.Disk{
								{
									Name:       containerDisk,
									BootOrder:  &bootOrder,
									DiskDevice: kubevirtv1.DiskDevice{Disk: &kubevirtv1.DiskTarget{Bus: kubevirtv1.DiskBusVirtio}},
								},
								{
									Name:       cloudInitDisk,
									DiskDevice: kubevirtv1.DiskDevice{Disk: &kubevirtv1.DiskTarget{Bus: kubevirtv1.DiskBusVirtio}},
								},
							},
							Interfaces: []kubevirtv1.Interface{{
								Name:                   Interface,
								Model:                  kubevirtv1.VirtIO,
								InterfaceBindingMethod: kubevirtv1.InterfaceBindingMethod{Bridge: &kubevirtv1.InterfaceBridge{}},
							}},
						},
					},
					Networks: []kubevirtv1.Network{{
						Name:          Interface,
						NetworkSource: kubevirtv1.NetworkSource{Pod: &kubevirtv1.PodNetwork{}},
					}},
					Volumes: []kubevirtv1.Volume{
						{
							Name: containerDisk,
							VolumeSource: kubevirtv1.VolumeSource{ContainerDisk: &kubevirtv1.ContainerDiskSource{
								Image:           cfg.Image,
								ImagePullPolicy: corev1.PullIfNotPresent,
							}},
						},
						{
							Name: cloudInitDisk,
							VolumeSource: kubevirtv1.VolumeSource{CloudInitNoCloud: &kubevirtv1.CloudInitNoCloudSource{
								UserData:    userData(cfg.SSHUser),
								NetworkData: networkData(),
							}},
						},
					},
					AccessCredentials: []kubevirtv1.AccessCredential{{
						SSHPublicKey: &kubevirtv1.SSHPublicKeyAccessCredential{
							Source: kubevirtv1.SSHPublicKeyAccessCredentialSource{
								Secret: &kubevirtv1.AccessCredentialSecretSource{SecretName: SecretName},
							},
							PropagationMethod: kubevirtv1.SSHPublicKeyAccessCredentialPropagationMethod{
								QemuGuestAgent: &kubevirtv1.QemuGuestAgentSSHPublicKeyAccessCredentialPropagation{
									Users: []string{cfg.SSHUser},
								},
							},
						},
					}},
				},
			},
		},
	}
}

// userData returns the cloud-init user data of the guest: user is created with
// passwordless sudo and a locked password (no password exists anywhere), password
// logins over SSH are off, and the QEMU guest agent, which installs the SSH key from
// the Secret, is installed and started. user must be a valid Linux user name (Validate
// checks it), so it needs no quoting.
func userData(user string) string {
	return `#cloud-config
ssh_pwauth: false
disable_root: true
users:
  - name: ` + user + `
    shell: /bin/bash
    groups: [sudo]
    sudo: ["ALL=(ALL) NOPASSWD:ALL"]
    lock_passwd: true
package_update: true
packages:
  - qemu-guest-agent
runcmd:
  - [systemctl, enable, --now, qemu-guest-agent.service]
`
}

// networkData returns the cloud-init network config: DHCP on the pod network interface.
func networkData() string {
	return `version: 2
ethernets:
  ` + Interface + `:
    dhcp4: true
    dhcp6: false
`
}

// imageTag returns the tag of an image reference ("22.04" of
// "docker.io/containercraft/ubuntu:22.04"), or "" when it has none.
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
