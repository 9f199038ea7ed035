package kubevirt

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/constructs/namespace"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/upstream"
	"github.com/kargo-platform/kargo/imports/kubevirt"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/manifest"
)

// Module is the kubevirt platform module.
var Module = platform.Definition[Config]{
	ModuleName:  "kubevirt",
	Description: "KubeVirt: virt-operator from the KubeVirt release manifest, its privileged namespace and the KubeVirt CR.",
	Default:     DefaultConfig,
	VersionOf:   func(c Config) string { return c.Version },
	Provides:    []string{kubevirt.APIVersion, kubevirt.APIVersion + "/KubeVirt"},
	Images: []images.Rule{{
		Group: "apps", Kind: "Deployment", Name: OperatorName,
		Env: []string{"VIRT_OPERATOR_IMAGE"},
	}},
	ArtifactsOf: func(c Config) []artifact.Ref { return []artifact.Ref{c.Manifest()} },
	New:         New,
}

// Names of objects.
const (
	// OperatorName is the virt-operator Deployment of the release manifest.
	OperatorName = "virt-operator"
	// KubeVirtName is the KubeVirt CR.
	KubeVirtName = "kubevirt"
	// SELinuxName is the disable-selinux DaemonSet, its container and its pod label.
	SELinuxName = "disable-selinux"
	// SELinuxImage is the image of the disable-selinux DaemonSet.
	SELinuxImage = "docker.io/library/alpine:3.20"
	// upstreamNamespace is the namespace the release manifest puts everything in.
	upstreamNamespace = "kubevirt"
)

// selinuxScript mounts an empty tmpfs over the node's selinuxfs (if it has one), so that
// the KubeVirt components find SELinux disabled; the pod then sleeps to keep the mount.
const selinuxScript = "test -f /host/sys/fs/selinux/enforce && mount -t tmpfs tmpfs /host/sys/fs/selinux; sleep infinity"

// Manifest returns the release manifest the config deploys.
func (c Config) Manifest() artifact.Ref {
	return artifact.Ref{
		Name:    "kubevirt/kubevirt-operator.yaml",
		Kind:    artifact.Manifest,
		URL:     "https://github.com/kubevirt/kubevirt/releases/download/v" + c.Version + "/kubevirt-operator.yaml",
		Version: c.Version,
	}
}

// New builds the kubevirt module's objects: the namespace, the release manifest moved
// into it, the KubeVirt CR and, when resolved on, the disable-selinux DaemonSet.
func New(c *platform.Chart, cfg Config, env platform.Env) error {
	r := cfg.resolve(env.Kubernetes)
	if !checksGates(cfg.Version) {
		for i, g := range cfg.FeatureGates {
			if !knownGates[g] {
				env.Warn("feature_gates[%d]: %q is not a feature gate of KubeVirt 1.3 and kargo cannot check the gates of KubeVirt %s: make sure the name is right", i, g, cfg.Version)
			}
		}
	}
	if err := c.Add(namespace.New(cfg.Namespace, true, map[string]string{
		"kubevirt.io":                     "",
		"openshift.io/cluster-monitoring": "true",
	})); err != nil {
		return err
	}
	_, err := upstream.New(context.Background(), c, env, cfg.Manifest(),
		upstream.Drop{Selector: upstream.Selector{Kind: "Namespace", Name: upstreamNamespace}, Required: true},
		// Everything namespaced must be in upstream's namespace (or in none) ...
		upstream.SetNamespace{Namespace: upstreamNamespace, Scope: env.Scope},
		// ... and moves to the module's, with the service accounts its bindings name.
		upstream.SetNamespace{Namespace: cfg.Namespace, Scope: env.Scope, Override: true},
		Rebind{From: upstreamNamespace, To: cfg.Namespace},
	)
	if err != nil {
		return err
	}
	kv, err := kubeVirt(cfg, r)
	if err != nil {
		return err
	}
	if err := c.AddObject(kv); err != nil {
		return err
	}
	if r.disableSELinux {
		return c.Add(selinuxDaemonSet(cfg.Namespace))
	}
	return nil
}

// kubeVirt returns the KubeVirt CR. It is built from the typed API and then given the
// two values the API's omitempty would drop: useEmulation when false and an empty
// pciHostDevices list, so the output says both.
func kubeVirt(cfg Config, r resolved) (manifest.Object, error) {
	devices := make([]kubevirtv1.PciHostDevice, len(cfg.PCIHostDevices))
	for i, d := range cfg.PCIHostDevices {
		devices[i] = kubevirtv1.PciHostDevice{
			PCIVendorSelector:        d.PCIVendorSelector,
			ResourceName:             d.ResourceName,
			ExternalResourceProvider: d.ExternalResourceProvider,
		}
	}
	kv := &kubevirt.KubeVirt{
		TypeMeta:   metav1.TypeMeta{APIVersion: kubevirt.APIVersion, Kind: "KubeVirt"},
		ObjectMeta: metav1.ObjectMeta{Name: KubeVirtName, Namespace: cfg.Namespace},
		Spec: kubevirt.KubeVirtSpec{
			ImagePullPolicy:             corev1.PullIfNotPresent,
			CustomizeComponents:         kubevirtv1.CustomizeComponents{},
			WorkloadUpdateStrategy:      kubevirtv1.KubeVirtWorkloadUpdateStrategy{},
			CertificateRotationStrategy: kubevirtv1.KubeVirtCertificateRotateStrategy{},
			Configuration: kubevirtv1.KubeVirtConfiguration{
				SMBIOSConfig: &kubevirtv1.SMBiosConfiguration{
					Sku:          "kargo-kc2",
					Version:      cfg.Version,
					Manufacturer: "ContainerCraft",
					Product:      "Kargo",
					Family:       "CCIO",
				},
				DeveloperConfiguration: &kubevirtv1.DeveloperConfiguration{
					UseEmulation: r.useEmulation,
					FeatureGates: cfg.FeatureGates,
					LogVerbosity: &kubevirtv1.LogVerbosity{
						VirtLauncher:   2,
						VirtHandler:    3,
						VirtController: 4,
						VirtAPI:        5,
						VirtOperator:   6,
					},
				},
				PermittedHostDevices: &kubevirtv1.PermittedHostDevices{PciHostDevices: devices},
			},
		},
	}
	o, err := manifest.FromTyped(kv)
	if err != nil {
		return nil, fmt.Errorf("modules.kubevirt: %w", err)
	}
	if err := setIn(o, r.useEmulation, "spec", "configuration", "developerConfiguration", "useEmulation"); err != nil {
		return nil, err
	}
	if len(devices) == 0 {
		if err := setIn(o, []any{}, "spec", "configuration", "permittedHostDevices", "pciHostDevices"); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// setIn sets the key at the end of path in o; the map holding it must exist.
func setIn(o manifest.Object, v any, path ...string) error {
	parent, _ := o.Lookup(path[:len(path)-1]...)
	m, ok := parent.(map[string]any)
	if !ok {
		return fmt.Errorf("modules.kubevirt: %s %s has no map at %v", o.Kind(), o.Name(), path[:len(path)-1])
	}
	m[path[len(path)-1]] = v
	return nil
}

// selinuxDaemonSet returns the disable-selinux DaemonSet: a privileged pod on every node
// (every taint tolerated) with the host's root at /host, mounted with bidirectional
// propagation so that its tmpfs over /sys/fs/selinux reaches the host.
func selinuxDaemonSet(ns string) *appsv1.DaemonSet {
	labels := map[string]string{"name": SELinuxName}
	bidirectional := corev1.MountPropagationBidirectional
	return &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Name: SELinuxName, Namespace: ns, Labels: labels},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					HostIPC:     true,
					HostNetwork: true,
					HostPID:     true,
					Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
					Containers: []corev1.Container{{
						Name:            SELinuxName,
						Image:           SELinuxImage,
						ImagePullPolicy: corev1.PullIfNotPresent,
						Command:         []string{"sh", "-exc", selinuxScript},
						SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)},
						VolumeMounts: []corev1.VolumeMount{{
							Name:             "host",
							MountPath:        "/host",
							MountPropagation: &bidirectional,
						}},
					}},
					Volumes: []corev1.Volume{{
						Name:         "host",
						VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}},
					}},
				},
			},
		},
	}
}

func ptr[T any](v T) *T { return &v }
