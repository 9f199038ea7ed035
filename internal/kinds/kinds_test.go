package kinds

import "testing"

func TestBuiltin(t *testing.T) {
	table := NewTable([]Custom{{Group: "kubevirt.io", Kind: "VirtualMachine", Namespaced: true}})
	cases := []struct {
		gk                GroupKind
		namespaced, known bool
	}{
		{GroupKind{"", "ConfigMap"}, true, true},
		{GroupKind{"", "Namespace"}, false, true},
		{GroupKind{"apps", "Deployment"}, true, true},
		{GroupKind{"rbac.authorization.k8s.io", "ClusterRole"}, false, true},
		{GroupKind{"storage.k8s.io", "StorageClass"}, false, true},
		{GroupKind{"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"}, false, true},
		{GroupKind{"kubevirt.io", "VirtualMachine"}, true, true},
		{GroupKind{"example.com", "Widget"}, false, false},
	}
	for _, c := range cases {
		ns, known := table.Namespaced(c.gk)
		if ns != c.namespaced || known != c.known {
			t.Errorf("%s: namespaced=%t known=%t, want %t %t", c.gk, ns, known, c.namespaced, c.known)
		}
	}
	if table.Builtin(GroupKind{"", "ConfigMapList"}) {
		t.Error("list kinds are not objects")
	}
	for _, gk := range []GroupKind{{"apiextensions.k8s.io", "CustomResourceDefinition"}, {"apiregistration.k8s.io", "APIService"}} {
		if ns, known := table.Namespaced(gk); ns || !known {
			t.Errorf("%s: namespaced=%t known=%t; want a known cluster-scoped kind", gk, ns, known)
		}
	}
}

// TestClusterScopedAreBuiltin keeps the hand-written scope list honest: every entry
// must name a kind the scheme knows (a typo would silently make a kind namespaced).
func TestClusterScopedAreBuiltin(t *testing.T) {
	table := NewTable()
	for gk := range clusterScoped {
		if !table.Builtin(gk) {
			t.Errorf("clusterScoped lists %s, which client-go's scheme does not know", gk)
		}
	}
}
