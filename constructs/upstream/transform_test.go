package upstream

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kargo-platform/kargo/internal/kinds"
	"github.com/kargo-platform/kargo/internal/manifest"
)

func load(t *testing.T, rel string) []manifest.Object {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "upstream", rel)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("upstream file %s: %v", p, err)
	}
	objs, err := manifest.ParseYAML(data, rel)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

var scope Scope = func(group, kind string) (bool, bool) {
	return kinds.NewTable().Namespaced(kinds.GroupKind{Group: group, Kind: kind})
}

func apply(t *testing.T, objs []manifest.Object, ts ...Transform) []manifest.Object {
	t.Helper()
	var err error
	for _, tr := range ts {
		if objs, err = tr.Apply(objs); err != nil {
			t.Fatal(err)
		}
	}
	return objs
}

// TestMultusTalos writes the Talos transforms of the multus DaemonSet against the real
// upstream file: the /run/netns hostPath becomes /var/run/netns in the volume and in
// every mount of it, and an install-cni init container is merged in.
func TestMultusTalos(t *testing.T) {
	objs := load(t, "multus/v4.3.0/multus-daemonset-thick.yml")
	ds := Selector{Group: "apps", Kind: "DaemonSet", Name: "kube-multus-ds"}
	objs = apply(t, objs, Edit(ds, func(d *appsv1.DaemonSet) error {
		spec := &d.Spec.Template.Spec
		renamed := map[string]bool{}
		for i, v := range spec.Volumes {
			// Upstream writes "/run/netns/": compare cleaned paths.
			if v.HostPath != nil && path.Clean(v.HostPath.Path) == "/run/netns" {
				spec.Volumes[i].HostPath.Path = "/var/run/netns"
				renamed[v.Name] = true
			}
		}
		for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
			for i := range cs {
				for j, m := range cs[i].VolumeMounts {
					if renamed[m.Name] {
						cs[i].VolumeMounts[j].MountPath = "/var/run/netns"
					}
				}
			}
		}
		privileged := true
		spec.InitContainers = append(spec.InitContainers, corev1.Container{
			Name: "install-cni", Image: "ghcr.io/siderolabs/install-cni:v1.9.0", Command: []string{"/install-cni.sh"},
			SecurityContext: &corev1.SecurityContext{Privileged: &privileged},
		})
		return nil
	}))
	var got appsv1.DaemonSet
	o, err := selectOne(objs, ds)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(o)
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	if strings.Contains(text, `"/run/netns"`) || strings.Contains(text, `"/run/netns/"`) {
		t.Error("a /run/netns path is left")
	}
	if n := strings.Count(text, `"/var/run/netns"`); n < 2 {
		t.Errorf("/var/run/netns appears %d times; want the volume and its mounts", n)
	}
	last := got.Spec.Template.Spec.InitContainers[len(got.Spec.Template.Spec.InitContainers)-1]
	if last.Name != "install-cni" || *last.SecurityContext.Privileged != true {
		t.Errorf("init containers = %+v", got.Spec.Template.Spec.InitContainers)
	}
	// Only the edit shows: a container the edit did not touch keeps exactly its upstream fields.
	before := load(t, "multus/v4.3.0/multus-daemonset-thick.yml")
	b, _ := selectOne(before, ds)
	bc, _ := b.Lookup("spec", "template", "spec", "containers")
	ac, _ := o.Lookup("spec", "template", "spec", "containers")
	if !strings.Contains(mustJSON(bc), `"/run/netns"`) && mustJSON(bc) != mustJSON(ac) {
		t.Errorf("untouched containers changed:\n%s\n%s", mustJSON(bc), mustJSON(ac))
	}
	if _, has := o.Lookup("metadata", "creationTimestamp"); has {
		t.Error("typed round trip added creationTimestamp")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestHostpathNamespace: the hostpath-provisioner operator manifest sets no namespace;
// namespaced objects get the module's, cluster-scoped ones never do.
func TestHostpathNamespace(t *testing.T) {
	objs := apply(t, load(t, "hostpath-provisioner-operator/v0.20.0/operator.yaml"),
		SetNamespace{Namespace: "hostpath-provisioner", Scope: scope})
	var namespaced, cluster int
	for _, o := range objs {
		ns, known := scope(o.Group(), o.Kind())
		if local, ok := crdScopes(objs)[o.Group()+"/"+o.Kind()]; ok {
			ns, known = local, true
		}
		if !known {
			t.Fatalf("%s: unknown scope", o.ID())
		}
		switch {
		case ns && o.Namespace() != "hostpath-provisioner":
			t.Errorf("%s: namespace %q", o.ID(), o.Namespace())
		case !ns && o.Namespace() != "":
			t.Errorf("%s: cluster-scoped with namespace %q", o.ID(), o.Namespace())
		case ns:
			namespaced++
		default:
			cluster++
		}
	}
	if namespaced == 0 || cluster == 0 {
		t.Errorf("namespaced %d, cluster-scoped %d: want both", namespaced, cluster)
	}
}

func TestSetNamespaceConflict(t *testing.T) {
	objs := []manifest.Object{
		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "a", "namespace": "other"}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": map[string]any{"name": "r", "namespace": "x"}},
		{"apiVersion": "example.com/v1", "kind": "Thing", "metadata": map[string]any{"name": "t"}},
	}
	_, err := SetNamespace{Namespace: "mine", Scope: scope}.Apply(objs)
	want := `set namespace mine:
  ConfigMap other/a: names namespace "other", the module's is "mine"
  rbac.authorization.k8s.io/ClusterRole x/r: cluster-scoped object names namespace "x"
  example.com/Thing t: unknown kind, cannot tell whether it is namespaced`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v", err)
	}
}

// TestLocalPath writes the local-path transforms: config.json and the StorageClass.
func TestLocalPath(t *testing.T) {
	objs := load(t, "local-path-provisioner/v0.0.37/local-path-storage.yaml")
	cfg := `{"nodePathMap":[{"node":"DEFAULT_PATH_FOR_NON_LISTED_NODES","paths":["/var/mnt/local-path"]}]}`
	objs = apply(t, objs,
		Patch{Selector: Selector{Kind: "ConfigMap", Name: "local-path-config"}, Ops: []Op{Replace("/data/config.json", cfg)}},
		Patch{Selector: Selector{Group: "storage.k8s.io", Kind: "StorageClass", Name: "local-path"}, Ops: []Op{
			Test("/volumeBindingMode", "WaitForFirstConsumer"),
			Replace("/volumeBindingMode", "Immediate"),
			Add("/metadata/annotations", map[string]any{"storageclass.kubernetes.io/is-default-class": "true"}),
		}},
		Drop{Selector: Selector{Kind: "Namespace", Name: "local-path-storage"}, Required: true},
	)
	cm, _ := selectOne(objs, Selector{Kind: "ConfigMap", Name: "local-path-config"})
	if v, _ := cm.Lookup("data", "config.json"); v != cfg {
		t.Errorf("config.json = %v", v)
	}
	sc, _ := selectOne(objs, Selector{Kind: "StorageClass"})
	if v, _ := sc.Lookup("volumeBindingMode"); v != "Immediate" {
		t.Errorf("volumeBindingMode = %v", v)
	}
	if _, err := selectOne(objs, Selector{Kind: "Namespace"}); err == nil {
		t.Error("namespace not dropped")
	}
}

func TestOps(t *testing.T) {
	doc := func() map[string]any {
		return map[string]any{"a": map[string]any{"list": []any{"x", "y"}, "n": int64(1)}}
	}
	cases := []struct {
		op      Op
		want    string
		wantErr string
	}{
		{Add("/a/list/-", "z"), `{"a":{"list":["x","y","z"],"n":1}}`, ""},
		{Add("/a/list/0", "w"), `{"a":{"list":["w","x","y"],"n":1}}`, ""},
		{Remove("/a/list/1"), `{"a":{"list":["x"],"n":1}}`, ""},
		{Replace("/a/list/1", "q"), `{"a":{"list":["x","q"],"n":1}}`, ""},
		{Replace("/a/n", 2), `{"a":{"list":["x","y"],"n":2}}`, ""},
		{Add("/a/b~1c", true), `{"a":{"b/c":true,"list":["x","y"],"n":1}}`, ""},
		{Test("/a/n", 1), `{"a":{"list":["x","y"],"n":1}}`, ""},
		{Test("/a/n", 2), "", "test failed"},
		{Replace("/a/missing", 1), "", `no such key "missing"`},
		{Remove("/a/list/5"), "", "out of range"},
		{Op{Op: "move", Path: "/a"}, "", "unsupported op"},
		{Add("a", 1), "", "must start with /"},
	}
	for _, c := range cases {
		d := doc()
		err := c.op.apply(d)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s %s: err = %v, want %q", c.op.Op, c.op.Path, err, c.wantErr)
			}
			continue
		}
		if err != nil || mustJSON(d) != c.want {
			t.Errorf("%s %s: %s (%v), want %s", c.op.Op, c.op.Path, mustJSON(d), err, c.want)
		}
	}
}

func TestSelectErrors(t *testing.T) {
	objs := []manifest.Object{
		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "a"}},
		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "b"}},
	}
	if _, err := (Patch{Selector: Selector{Kind: "ConfigMap"}}).Apply(objs); err == nil || !strings.Contains(err.Error(), "2 objects match") {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := (Drop{Selector: Selector{Kind: "Secret"}, Required: true}).Apply(objs); err == nil {
		t.Error("required drop of nothing: no error")
	}
}
