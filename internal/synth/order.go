package synth

import (
	"sort"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// kindOrder is the order of kinds inside one file, after Helm's install order: what
// others depend on comes first. Kinds not listed come after, by group and kind.
var kindOrder = []string{
	"Namespace", "CustomResourceDefinition", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "ClusterRole", "ClusterRoleBinding", "Role",
	"RoleBinding", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet",
	"Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass",
	"Ingress", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
}

var kindRank = func() map[string]int {
	m := map[string]int{}
	for i, k := range kindOrder {
		m[k] = i
	}
	return m
}()

func rank(o manifest.Object) int {
	if r, ok := kindRank[o.Kind()]; ok {
		return r
	}
	return len(kindOrder)
}

// SortObjects sorts objects by kind order, then group, kind, namespace and name.
func SortObjects(objs []manifest.Object) {
	sort.SliceStable(objs, func(i, j int) bool {
		a, b := objs[i], objs[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		ia, ib := a.ID(), b.ID()
		if ia.Group != ib.Group {
			return ia.Group < ib.Group
		}
		if ia.Kind != ib.Kind {
			return ia.Kind < ib.Kind
		}
		if ia.Namespace != ib.Namespace {
			return ia.Namespace < ib.Namespace
		}
		return ia.Name < ib.Name
	})
}
