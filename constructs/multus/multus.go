package multus

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/upstream"
	"github.com/kargo-platform/kargo/imports/nad"
	"github.com/kargo-platform/kargo/internal/artifact"
)

// Module is the multus platform module.
var Module = platform.Definition[Config]{
	ModuleName:  "multus",
	Description: "Multus CNI (thick plugin) in kube-system, and a bridge NetworkAttachmentDefinition for secondary pod and VM networks.",
	Provides:    []string{nad.APIVersion, nad.APIVersion + "/NetworkAttachmentDefinition"},
	Default:     DefaultConfig,
	VersionOf:   func(c Config) string { return c.Version },
	ArtifactsOf: func(c Config) []artifact.Ref { return []artifact.Ref{c.Manifest()} },
	New:         New,
}

// Namespace is where the manifest puts everything; it is not configurable (the node
// agent belongs with the other CNI components).
const Namespace = "kube-system"

// Names in the upstream manifest.
const (
	// DaemonSet is the Multus node agent.
	DaemonSet = "kube-multus-ds"
	// Container is the Multus daemon container of the DaemonSet.
	Container = "kube-multus"
	// InstallBinary is the init container that copies the Multus shim to the nodes.
	InstallBinary = "install-multus-binary"
	// cniBinVolume is the hostPath volume of the nodes' CNI plugin directory.
	cniBinVolume = "cnibin"
)

// The Talos changes.
const (
	// InstallCNI is the init container that installs the reference CNI plugins (bridge,
	// tuning, ...) on Talos, whose nodes ship only the plugins of their own CNI.
	InstallCNI = "install-cni"
	// InstallCNIImage is its image, from Sidero Labs.
	InstallCNIImage = "ghcr.io/siderolabs/install-cni:v1.9.0"
	// hostNetns is where the container runtime of the nodes puts network namespaces,
	// as Multus sees them upstream; talosNetns is where Talos puts them.
	hostNetns  = "/run/netns"
	talosNetns = "/var/run/netns"
	// hostCNIBin is the nodes' CNI plugin directory; cniBinMount is where the init
	// containers see it.
	hostCNIBin  = "/opt/cni/bin"
	cniBinMount = "/host/opt/cni/bin"
	// installShim is the install-multus-binary command on Talos: copy only the shim,
	// and do not fail when the file is busy (a running shim on an upgrade).
	installShim = "cp -f /usr/src/multus-cni/bin/multus-shim /host/opt/cni/bin/multus-shim || true"
)

// talosResources are the resources of the daemon and its init containers on Talos.
func talosResources() corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("10m"),
			corev1.ResourceMemory: resource.MustParse("60Mi"),
		},
		Limits: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("500m"),
			corev1.ResourceMemory: resource.MustParse("3Gi"),
		},
	}
}

var daemonSet = upstream.Selector{Group: "apps", Kind: "DaemonSet", Namespace: Namespace, Name: DaemonSet}

// New builds the multus module's objects: the release manifest (the CRD, RBAC, the
// daemon config and the DaemonSet, with the release image and, on Talos, the Talos
// changes) and the NetworkAttachmentDefinition.
func New(c *platform.Chart, cfg Config, env platform.Env) error {
	if cfg.Image != releaseImage(cfg.Version) && repository(cfg.Image) == imageRepository && env.Warn != nil {
		env.Warn("image %s is not the image of version %s (%s): change image with version", cfg.Image, cfg.Version, releaseImage(cfg.Version))
	}
	ts := []upstream.Transform{
		upstream.SetNamespace{Namespace: Namespace, Scope: env.Scope},
		upstream.Edit(daemonSet, setImage(cfg.Image)),
	}
	if cfg.TalosTransforms.Resolve(env.Kubernetes.Distribution == platform.Talos) {
		ts = append(ts, upstream.Edit(daemonSet, talos))
	}
	if _, err := upstream.New(context.Background(), c, env, cfg.Manifest(), ts...); err != nil {
		return err
	}
	obj, err := networkAttachmentDefinition(cfg)
	if err != nil {
		return err
	}
	return c.Add(obj)
}

// repository returns an image reference without its tag and digest.
func repository(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image
}

// setImage replaces the Multus image of every container and init container: the
// manifest of a release names the moving snapshot-thick tag.
func setImage(image string) func(*appsv1.DaemonSet) error {
	return func(ds *appsv1.DaemonSet) error {
		spec := &ds.Spec.Template.Spec
		n := 0
		for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
			for i := range cs {
				if repository(cs[i].Image) == imageRepository {
					cs[i].Image = image
					n++
				}
			}
		}
		if n == 0 {
			return fmt.Errorf("no container runs an image of %s: the manifest changed shape", imageRepository)
		}
		return nil
	}
}

// talos changes the DaemonSet for Talos nodes:
//   - install-multus-binary copies only the shim and tolerates a busy file;
//   - the hostPath volume of /run/netns becomes /var/run/netns, where Talos's container
//     runtime puts network namespaces, and so does every mount of it (Multus needs the
//     same path inside as on the node);
//   - the install-cni init container (privileged, the cnibin volume at
//     /host/opt/cni/bin with Bidirectional propagation) is merged in, replacing one of
//     the same name; a cnibin hostPath volume is added when the manifest has none;
//   - kube-multus and every init container get the Talos resources.
func talos(ds *appsv1.DaemonSet) error {
	spec := &ds.Spec.Template.Spec
	daemon := find(spec.Containers, Container)
	if daemon == nil {
		return fmt.Errorf("no container %s: the manifest changed shape", Container)
	}
	install := find(spec.InitContainers, InstallBinary)
	if install == nil {
		return fmt.Errorf("no init container %s: the manifest changed shape", InstallBinary)
	}
	install.Command = []string{"sh", "-c", installShim}
	install.Args = nil

	netns := map[string]bool{}
	for i := range spec.Volumes {
		v := &spec.Volumes[i]
		// Upstream writes "/run/netns/": compare cleaned paths. A volume already at
		// /var/run/netns is taken as it is, so the edit can run twice.
		if v.HostPath != nil && (path.Clean(v.HostPath.Path) == hostNetns || path.Clean(v.HostPath.Path) == talosNetns) {
			v.HostPath.Path = talosNetns
			netns[v.Name] = true
		}
	}
	if len(netns) == 0 {
		return fmt.Errorf("no hostPath volume of %s: the manifest changed shape", hostNetns)
	}
	for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for i := range cs {
			for j := range cs[i].VolumeMounts {
				if netns[cs[i].VolumeMounts[j].Name] {
					cs[i].VolumeMounts[j].MountPath = talosNetns
				}
			}
		}
	}

	if err := ensureCNIBin(spec); err != nil {
		return err
	}
	privileged := true
	bidirectional := corev1.MountPropagationBidirectional
	installCNI := corev1.Container{
		Name:            InstallCNI,
		Image:           InstallCNIImage,
		Command:         []string{"/install-cni.sh"},
		SecurityContext: &corev1.SecurityContext{Privileged: &privileged},
		VolumeMounts: []corev1.VolumeMount{{
			Name:             cniBinVolume,
			MountPath:        cniBinMount,
			MountPropagation: &bidirectional,
		}},
	}
	if c := find(spec.InitContainers, InstallCNI); c != nil {
		*c = installCNI
	} else {
		spec.InitContainers = append(spec.InitContainers, installCNI)
	}

	daemon.Resources = talosResources()
	for i := range spec.InitContainers {
		spec.InitContainers[i].Resources = talosResources()
	}
	return nil
}

// ensureCNIBin checks that the pod has the cnibin volume as a hostPath, and adds it
// (hostPath /opt/cni/bin) when it has none.
func ensureCNIBin(spec *corev1.PodSpec) error {
	for _, v := range spec.Volumes {
		if v.Name != cniBinVolume {
			continue
		}
		if v.HostPath == nil {
			return fmt.Errorf("volume %s is not a hostPath volume: the manifest changed shape", cniBinVolume)
		}
		return nil
	}
	spec.Volumes = append(spec.Volumes, corev1.Volume{
		Name:         cniBinVolume,
		VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: hostCNIBin}},
	})
	return nil
}

func find(cs []corev1.Container, name string) *corev1.Container {
	for i := range cs {
		if cs[i].Name == name {
			return &cs[i]
		}
	}
	return nil
}

// cniConfig is the CNI network configuration list of the NetworkAttachmentDefinition.
type cniConfig struct {
	CNIVersion string      `json:"cniVersion"`
	Name       string      `json:"name"`
	Plugins    []cniPlugin `json:"plugins"`
}

type cniPlugin struct {
	Type   string    `json:"type"`
	Bridge string    `json:"bridge,omitempty"`
	IPAM   *struct{} `json:"ipam,omitempty"`
}

// bridgeConfig returns the CNI config of the bridge network name: the bridge plugin on
// the node's Linux bridge of that name, without IP management (the guests bring their
// own addresses), then the tuning plugin.
func bridgeConfig(name string) (string, error) {
	data, err := json.Marshal(cniConfig{
		CNIVersion: "0.3.1",
		Name:       name,
		Plugins: []cniPlugin{
			{Type: "bridge", Bridge: name, IPAM: &struct{}{}},
			{Type: "tuning"},
		},
	})
	if err != nil {
		return "", fmt.Errorf("bridge_name: cni config: %w", err)
	}
	return string(data), nil
}

func networkAttachmentDefinition(cfg Config) (*nad.NetworkAttachmentDefinition, error) {
	config, err := bridgeConfig(cfg.BridgeName)
	if err != nil {
		return nil, err
	}
	return &nad.NetworkAttachmentDefinition{
		TypeMeta:   metav1.TypeMeta{APIVersion: nad.APIVersion, Kind: "NetworkAttachmentDefinition"},
		ObjectMeta: metav1.ObjectMeta{Name: cfg.BridgeName, Namespace: cfg.Namespace},
		Spec:       nad.NetworkAttachmentDefinitionSpec{Config: config},
	}, nil
}
