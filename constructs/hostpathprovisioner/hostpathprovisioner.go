package hostpathprovisioner

import (
	"strings"

	"context"

	appsv1 "k8s.io/api/apps/v1"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/constructs/namespace"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/upstream"
	hpp "github.com/kargo-platform/kargo/imports/hostpathprovisioner"
	"github.com/kargo-platform/kargo/internal/artifact"
)

// Module is the hostpath_provisioner platform module.
var Module = platform.Definition[Config]{
	ModuleName:  "hostpath_provisioner",
	Description: "The KubeVirt hostpath provisioner: its operator and webhook, the HostPathProvisioner CR and one StorageClass per storage pool.",
	Requirement: []string{"cert_manager"},
	Provides:    []string{hpp.APIVersion, hpp.APIVersion + "/HostPathProvisioner"},
	Images: []images.Rule{{
		Group: "apps", Kind: "Deployment", Name: OperatorName,
		// The operator deploys the provisioner, the CSI driver and its sidecars with
		// the images these variables name.
		Env: []string{
			"OPERATOR_IMAGE", "PROVISIONER_IMAGE", "CSI_PROVISIONER_IMAGE", "NODE_DRIVER_REG_IMAGE",
			"LIVENESS_PROBE_IMAGE", "CSI_SNAPSHOT_IMAGE", "CSI_SIG_STORAGE_PROVISIONER_IMAGE",
		},
	}},
	Default:     DefaultConfig,
	VersionOf:   func(c Config) string { return c.Version },
	ArtifactsOf: func(c Config) []artifact.Ref { return []artifact.Ref{c.Webhook(), c.Operator()} },
	New:         New,
}

// Namespace is the module's namespace. It is not configurable: the release's
// webhook.yaml names it in its Certificate's DNS name, in the webhook's client config
// and in the cert-manager.io/inject-ca-from annotation, and the operator.yaml binding
// subjects name it too.
const Namespace = "hostpath-provisioner"

// Names of the objects.
const (
	// OperatorName is the operator's Deployment in operator.yaml.
	OperatorName = "hostpath-provisioner-operator"
	// Name is the HostPathProvisioner CR.
	Name = "hostpath-provisioner"
	// CSIServiceAccount is the service account the operator creates for the CSI driver.
	CSIServiceAccount = "hostpath-provisioner-admin-csi"
	// ExtraRBAC names the Role, RoleBinding, ClusterRole and ClusterRoleBinding kargo
	// adds for CSIServiceAccount. It differs from the operator's own names
	// (hostpath-provisioner-admin-csi, ...), which the operator updates and deletes.
	ExtraRBAC = "kargo-hostpath-provisioner-admin-csi"
	// Provisioner is the provisioner name of the CSI driver.
	Provisioner = "kubevirt.io.hostpath-provisioner"
	// DefaultClassAnnotation marks the cluster's default StorageClass.
	DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"
)

// New builds the hostpath_provisioner module's objects: the namespace, the two release
// manifests with the namespace set, the extra CSI RBAC, the HostPathProvisioner CR and
// the StorageClasses.
func New(c *platform.Chart, cfg Config, env platform.Env) error {
	setNS := upstream.SetNamespace{Namespace: Namespace, Scope: env.Scope}
	if _, err := upstream.New(context.Background(), c, env, cfg.Webhook(), setNS); err != nil {
		return err
	}
	if _, err := upstream.New(context.Background(), c, env, cfg.Operator(), setNS, pinImages(cfg.Version)); err != nil {
		return err
	}
	objs := []any{namespace.New(Namespace, true, map[string]string{"kubevirt.io": ""})}
	objs = append(objs, rbac()...)
	objs = append(objs, provisioner(cfg))
	for i, pool := range cfg.StoragePools {
		objs = append(objs, storageClass(cfg, pool, i == 0 && cfg.DefaultStorageClass))
	}
	for _, o := range objs {
		if err := c.Add(o); err != nil {
			return err
		}
	}
	return nil
}

// pinImages replaces the moving :latest tag of the hostpath-provisioner images in the
// operator Deployment — its container and the image env vars it deploys its operands
// from — with the release's own tag, v<version>: a pinned release must not run
// whatever latest is on the day a node pulls it.
func pinImages(version string) upstream.Transform {
	pin := func(ref string) string {
		if strings.HasPrefix(ref, "quay.io/kubevirt/hostpath-") && strings.HasSuffix(ref, ":latest") {
			return strings.TrimSuffix(ref, ":latest") + ":v" + version
		}
		return ref
	}
	return upstream.Edit(upstream.Selector{Group: "apps", Kind: "Deployment", Name: "hostpath-provisioner-operator"}, func(d *appsv1.Deployment) error {
		for i := range d.Spec.Template.Spec.Containers {
			c := &d.Spec.Template.Spec.Containers[i]
			c.Image = pin(c.Image)
			for j := range c.Env {
				if strings.HasSuffix(c.Env[j].Name, "_IMAGE") {
					c.Env[j].Value = pin(c.Env[j].Value)
				}
			}
		}
		return nil
	})
}

// rbac returns the RBAC the CSI driver lacks in the release: reading pods in the
// namespace, and managing CSIStorageCapacity objects (storage capacity tracking).
func rbac() []any {
	subject := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: CSIServiceAccount, Namespace: Namespace}}
	return []any{
		&rbacv1.Role{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
			ObjectMeta: metav1.ObjectMeta{Name: ExtraRBAC, Namespace: Namespace},
			Rules: []rbacv1.PolicyRule{{
				APIGroups: []string{""},
				Resources: []string{"pods"},
				Verbs:     []string{"get", "watch", "list"},
			}},
		},
		&rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: ExtraRBAC, Namespace: Namespace},
			Subjects:   subject,
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: ExtraRBAC},
		},
		&rbacv1.ClusterRole{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
			ObjectMeta: metav1.ObjectMeta{Name: ExtraRBAC},
			Rules: []rbacv1.PolicyRule{{
				APIGroups: []string{"storage.k8s.io"},
				Resources: []string{"csistoragecapacities"},
				Verbs:     []string{"get", "list", "watch", "create", "update", "patch", "delete"},
			}},
		},
		&rbacv1.ClusterRoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: ExtraRBAC},
			Subjects:   subject,
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: ExtraRBAC},
		},
	}
}

// provisioner returns the HostPathProvisioner CR.
func provisioner(cfg Config) *hpp.HostPathProvisioner {
	pools := make([]hpp.StoragePool, 0, len(cfg.StoragePools))
	for _, p := range cfg.StoragePools {
		pools = append(pools, hpp.StoragePool{Name: p.Name, Path: p.Path})
	}
	return &hpp.HostPathProvisioner{
		TypeMeta:   metav1.TypeMeta{APIVersion: hpp.APIVersion, Kind: "HostPathProvisioner"},
		ObjectMeta: metav1.ObjectMeta{Name: Name},
		Spec: hpp.HostPathProvisionerSpec{
			ImagePullPolicy: string(corev1.PullIfNotPresent),
			StoragePools:    pools,
			Workload:        &hpp.Workload{NodeSelector: map[string]string{corev1.LabelOSStable: "linux"}},
		},
	}
}

// storageClass returns the StorageClass of pool, named after it.
func storageClass(cfg Config, pool StoragePool, isDefault bool) *storagev1.StorageClass {
	reclaim := corev1.PersistentVolumeReclaimDelete
	binding := cfg.VolumeBindingMode
	sc := &storagev1.StorageClass{
		TypeMeta:          metav1.TypeMeta{APIVersion: "storage.k8s.io/v1", Kind: "StorageClass"},
		ObjectMeta:        metav1.ObjectMeta{Name: pool.Name},
		Provisioner:       Provisioner,
		Parameters:        map[string]string{"storagePool": pool.Name},
		ReclaimPolicy:     &reclaim,
		VolumeBindingMode: &binding,
	}
	if isDefault {
		sc.Annotations = map[string]string{DefaultClassAnnotation: "true"}
	}
	return sc
}
