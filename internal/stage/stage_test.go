package stage

import (
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/internal/kinds"
	"github.com/kargo-platform/kargo/internal/manifest"
)

func o(apiVersion, kind, name string) manifest.Object {
	return manifest.Object{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name}}
}

func TestClassify(t *testing.T) {
	table := kinds.NewTable([]kinds.Custom{
		{Group: "kubevirt.io", Version: "v1", Kind: "KubeVirt", Namespaced: true},
		{Group: "kubevirt.io", Version: "v1", Kind: "VirtualMachine", Namespaced: true, CreatedAtRuntimeBy: "virt-operator"},
	})
	crd := o("apiextensions.k8s.io/v1", "CustomResourceDefinition", "kubevirts.kubevirt.io")
	crd["spec"] = map[string]any{"group": "kubevirt.io", "names": map[string]any{"kind": "KubeVirt"}}
	widgetCRD := o("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com")
	widgetCRD["spec"] = map[string]any{"group": "example.com", "names": map[string]any{"kind": "Widget"}}
	all := []manifest.Object{crd, widgetCRD}
	c := NewClassifier(table, all)
	cases := []struct {
		obj  manifest.Object
		want Stage
	}{
		{crd, Foundation},
		{o("v1", "Namespace", "kubevirt"), Foundation},
		{o("apps/v1", "Deployment", "virt-operator"), Cluster},
		{o("rbac.authorization.k8s.io/v1", "ClusterRole", "x"), Cluster},
		{o("kubevirt.io/v1", "KubeVirt", "kubevirt"), Resources},
		{o("example.com/v1", "Widget", "w"), Resources},
		{o("kubevirt.io/v1", "VirtualMachine", "ubuntu"), Runtime},
	}
	for _, tc := range cases {
		got, err := c.Stage(tc.obj)
		if err != nil || got != tc.want {
			t.Errorf("%s: stage %v (%v), want %v", tc.obj.ID(), got, err, tc.want)
		}
	}
	provided := NewClassifier(table, nil, "cert-manager.io/v1/Issuer", "cert-manager.io/v1")
	if got, err := provided.Stage(o("cert-manager.io/v1", "Issuer", "i")); err != nil || got != Resources {
		t.Errorf("a kind another module provides: %v %v", got, err)
	}
	_, err := c.Stage(o("unknown.io/v1", "Thing", "t"))
	if err == nil || !strings.Contains(err.Error(), "no CustomResourceDefinition for unknown.io/Thing") {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestPrefixesSortInApplyOrder(t *testing.T) {
	var prev string
	for _, s := range All {
		p := s.Prefix()
		if p <= prev {
			t.Errorf("prefix %q does not sort after %q", p, prev)
		}
		prev = p
	}
	if Foundation.Prefix() != "00-crds" || Runtime.Prefix() != "30-runtime" {
		t.Errorf("prefixes: %s %s", Foundation.Prefix(), Runtime.Prefix())
	}
}

func TestAnnotate(t *testing.T) {
	x := o("kubevirt.io/v1", "VirtualMachine", "vm")
	x.StringMap("annotations", true)[SyncOptionsAnnotation] = "ServerSideApply=true"
	Annotate(x, Runtime)
	Annotate(x, Runtime) // idempotent
	ann := x.StringMap("annotations", false)
	if ann[SyncWaveAnnotation] != "3" || ann[SyncOptionsAnnotation] != "ServerSideApply=true,SkipDryRunOnMissingResource=true" {
		t.Errorf("annotations = %v", ann)
	}
	y := o("v1", "Service", "s")
	Annotate(y, Cluster)
	if a := y.StringMap("annotations", false); a[SyncWaveAnnotation] != "1" || a[SyncOptionsAnnotation] != nil {
		t.Errorf("annotations = %v", a)
	}
}
