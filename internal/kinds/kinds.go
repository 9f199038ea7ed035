package kinds

import (
	"reflect"
	"sort"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
)

// GroupKind names a kind independent of its version.
type GroupKind struct {
	Group string
	Kind  string
}

// String renders "Kind" for the core group, else "group/Kind".
func (gk GroupKind) String() string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.Group + "/" + gk.Kind
}

// Custom describes a custom kind that kargo's modules author.
type Custom struct {
	Group   string
	Version string
	Kind    string
	// Namespaced is true for namespaced kinds.
	Namespaced bool
	// CreatedAtRuntimeBy names the operator that creates the kind's CRD at run time
	// (virt-operator, cdi-operator, ...); empty when the CRD ships as a file.
	CreatedAtRuntimeBy string
}

// GroupKind returns the kind's group and kind.
func (c Custom) GroupKind() GroupKind { return GroupKind{Group: c.Group, Kind: c.Kind} }

// clusterScoped lists the built-in kinds that are not namespaced.
var clusterScoped = map[GroupKind]bool{
	{"", "Namespace"}:        true,
	{"", "Node"}:             true,
	{"", "PersistentVolume"}: true,
	{"", "ComponentStatus"}:  true,
	{"admissionregistration.k8s.io", "MutatingWebhookConfiguration"}:     true,
	{"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"}:   true,
	{"admissionregistration.k8s.io", "ValidatingAdmissionPolicy"}:        true,
	{"admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"}: true,
	{"admissionregistration.k8s.io", "MutatingAdmissionPolicy"}:          true,
	{"admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"}:   true,
	{"apiextensions.k8s.io", "CustomResourceDefinition"}:                 true,
	{"apiregistration.k8s.io", "APIService"}:                             true,
	{"certificates.k8s.io", "CertificateSigningRequest"}:                 true,
	{"certificates.k8s.io", "ClusterTrustBundle"}:                        true,
	{"flowcontrol.apiserver.k8s.io", "FlowSchema"}:                       true,
	{"flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"}:       true,
	{"networking.k8s.io", "IngressClass"}:                                true,
	{"networking.k8s.io", "IPAddress"}:                                   true,
	{"networking.k8s.io", "ServiceCIDR"}:                                 true,
	{"node.k8s.io", "RuntimeClass"}:                                      true,
	{"rbac.authorization.k8s.io", "ClusterRole"}:                         true,
	{"rbac.authorization.k8s.io", "ClusterRoleBinding"}:                  true,
	{"resource.k8s.io", "DeviceClass"}:                                   true,
	{"resource.k8s.io", "ResourceSlice"}:                                 true,
	{"resource.k8s.io", "DeviceTaintRule"}:                               true,
	{"scheduling.k8s.io", "PriorityClass"}:                               true,
	{"storage.k8s.io", "CSIDriver"}:                                      true,
	{"storage.k8s.io", "CSINode"}:                                        true,
	{"storage.k8s.io", "StorageClass"}:                                   true,
	{"storage.k8s.io", "VolumeAttachment"}:                               true,
	{"storage.k8s.io", "VolumeAttributesClass"}:                          true,
	{"storagemigration.k8s.io", "StorageVersionMigration"}:               true,
	{"authentication.k8s.io", "SelfSubjectReview"}:                       true,
	{"authorization.k8s.io", "SelfSubjectAccessReview"}:                  true,
	{"authorization.k8s.io", "SubjectAccessReview"}:                      true,
	{"authorization.k8s.io", "SelfSubjectRulesReview"}:                   true,
	{"authentication.k8s.io", "TokenReview"}:                             true,
	{"internal.apiserver.k8s.io", "StorageVersion"}:                      true,
}

// builtin is every persisted kind of the client-go scheme, by group and kind.
var builtin = func() map[GroupKind][]string {
	out := map[GroupKind][]string{}
	for gvk, t := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == "__internal" || !hasObjectMeta(t) {
			continue
		}
		gk := GroupKind{Group: gvk.Group, Kind: gvk.Kind}
		out[gk] = append(out[gk], gvk.Version)
	}
	// Served by the API server's own extension servers, not in client-go's scheme.
	out[GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}] = []string{"v1"}
	out[GroupKind{Group: "apiregistration.k8s.io", Kind: "APIService"}] = []string{"v1"}
	for gk := range out {
		sort.Strings(out[gk])
	}
	return out
}()

func hasObjectMeta(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	f, ok := t.FieldByName("ObjectMeta")
	return ok && f.Anonymous
}

// Table answers questions about kinds: built-in ones plus the custom kinds registered
// with it.
type Table struct {
	custom map[GroupKind]Custom
}

// NewTable returns a table of the built-in kinds and the given custom kinds.
func NewTable(custom ...[]Custom) *Table {
	t := &Table{custom: map[GroupKind]Custom{}}
	for _, list := range custom {
		for _, c := range list {
			t.custom[c.GroupKind()] = c
		}
	}
	return t
}

// Builtin reports whether gk is served by the API server itself.
func (t *Table) Builtin(gk GroupKind) bool {
	_, ok := builtin[gk]
	return ok
}

// Custom returns what the table knows of a custom kind.
func (t *Table) Custom(gk GroupKind) (Custom, bool) {
	c, ok := t.custom[gk]
	return c, ok
}

// Namespaced reports whether gk is namespaced, and whether the table knows gk at all.
func (t *Table) Namespaced(gk GroupKind) (namespaced, known bool) {
	if t.Builtin(gk) {
		return !clusterScoped[gk], true
	}
	if c, ok := t.custom[gk]; ok {
		return c.Namespaced, true
	}
	return false, false
}

// BuiltinGVKs lists every built-in group/version/kind, sorted.
func BuiltinGVKs() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for gk, versions := range builtin {
		for _, v := range versions {
			out = append(out, schema.GroupVersionKind{Group: gk.Group, Version: v, Kind: gk.Kind})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
