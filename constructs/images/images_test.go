package images

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/internal/manifest"
)

func obj(t *testing.T, js string) manifest.Object {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

const deploy = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"op","namespace":"kubevirt"},
"spec":{"template":{"spec":{"initContainers":[{"name":"i","image":"busybox:1.36"}],
"containers":[{"name":"c","image":"quay.io/kubevirt/virt-operator:v1.3.1","env":[{"name":"X","value":"image: not-this"}]}]}}}}`

const vm = `{"apiVersion":"kubevirt.io/v1","kind":"VirtualMachine","metadata":{"name":"ubuntu","namespace":"default"},
"spec":{"dataVolumeTemplates":[{"spec":{"source":{"registry":{"url":"docker://docker.io/containercraft/talos:1.7.6"}}}}],
"template":{"spec":{"volumes":[{"name":"d","containerDisk":{"image":"docker.io/containercraft/ubuntu:22.04"}}]}}}}`

const cron = `{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c","namespace":"n"},
"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox:1.36"}]}}}}}}`

func TestList(t *testing.T) {
	uses := List([]manifest.Object{obj(t, deploy), obj(t, vm), obj(t, cron)})
	var lines []string
	for _, u := range uses {
		var ids []string
		for _, id := range u.Objects {
			ids = append(ids, id.String())
		}
		lines = append(lines, u.Image+" <- "+strings.Join(ids, ", "))
	}
	want := []string{
		"busybox:1.36 <- apps/Deployment kubevirt/op, batch/CronJob n/c",
		"docker.io/containercraft/talos:1.7.6 <- kubevirt.io/VirtualMachine default/ubuntu",
		"docker.io/containercraft/ubuntu:22.04 <- kubevirt.io/VirtualMachine default/ubuntu",
		"quay.io/kubevirt/virt-operator:v1.3.1 <- apps/Deployment kubevirt/op",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestRewrite(t *testing.T) {
	m := Mirrors{
		"quay.io/kubevirt": "harbor.example/kubevirt",
		"quay.io":          "harbor.example/quay",
		"docker.io":        "harbor.example/hub",
	}
	cases := map[string]string{
		"quay.io/kubevirt/virt-operator:v1.3.1":         "harbor.example/kubevirt/virt-operator:v1.3.1",
		"quay.io/kubevirtx/thing:1":                     "harbor.example/quay/kubevirtx/thing:1",
		"quay.io/jetstack/cert-manager-controller:v1.1": "harbor.example/quay/jetstack/cert-manager-controller:v1.1",
		"busybox:1.36":                                  "harbor.example/hub/library/busybox:1.36",
		"containercraft/ubuntu:22.04":                   "harbor.example/hub/containercraft/ubuntu:22.04",
		"docker://docker.io/containercraft/talos:1.7.6": "docker://harbor.example/hub/containercraft/talos:1.7.6",
		"ghcr.io/siderolabs/install-cni:v1.9.0":         "ghcr.io/siderolabs/install-cni:v1.9.0",
		"quay.io/kubevirt@sha256:abc":                   "harbor.example/kubevirt@sha256:abc",
	}
	for in, want := range cases {
		if got, _ := m.Rewrite(in); got != want {
			t.Errorf("Rewrite(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMirrorsAspect(t *testing.T) {
	d, v := obj(t, deploy), obj(t, vm)
	m := Rewriter{Mirrors: Mirrors{"quay.io/kubevirt": "harbor.example/kubevirt", "docker.io": "harbor.example/hub"}}
	for _, o := range []manifest.Object{d, v} {
		if err := m.Visit(o); err != nil {
			t.Fatal(err)
		}
	}
	got := List([]manifest.Object{d, v})
	var imgs []string
	for _, u := range got {
		imgs = append(imgs, u.Image)
	}
	want := "harbor.example/hub/containercraft/talos:1.7.6,harbor.example/hub/containercraft/ubuntu:22.04,harbor.example/hub/library/busybox:1.36,harbor.example/kubevirt/virt-operator:v1.3.1"
	if strings.Join(imgs, ",") != want {
		t.Errorf("images = %v", imgs)
	}
	if !strings.Contains(mustJSON(d), `"value":"image: not-this"`) {
		t.Error("an env value was rewritten")
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                   "docker.io/library/nginx",
		"nginx:1.27":              "docker.io/library/nginx:1.27",
		"bitnami/nginx":           "docker.io/bitnami/nginx",
		"localhost/x":             "localhost/x",
		"127.0.0.1:5000/x:1":      "127.0.0.1:5000/x:1",
		"registry.k8s.io/pause:3": "registry.k8s.io/pause:3",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	errs := Mirrors{"quay.io/": "x", "docker.io": "", "ok.io/x": "mirror.example/x", "a b": "c"}.Validate("sources.image_mirrors")
	if len(errs) != 3 {
		t.Errorf("errs = %v", errs)
	}
}

// operator has the shape of virt-operator and cdi-operator: component images in env
// vars and an arg.
const operator = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"cdi-operator","namespace":"cdi"},
"spec":{"template":{"spec":{"containers":[{"name":"cdi-operator","image":"quay.io/kubevirt/cdi-operator:v1.60.3",
"args":["--v=2","--uploadproxy-image=quay.io/kubevirt/cdi-uploadproxy:v1.60.3"],
"env":[{"name":"CONTROLLER_IMAGE","value":"quay.io/kubevirt/cdi-controller:v1.60.3"},
{"name":"IMPORTER_IMAGE","value":"quay.io/kubevirt/cdi-importer:v1.60.3"},
{"name":"VERBOSITY","value":"1"},{"name":"PULL_POLICY","value":"IfNotPresent"}]}]}}}}`

func TestRules(t *testing.T) {
	rules := []Rule{{Group: "apps", Kind: "Deployment", Name: "cdi-operator", Env: []string{"CONTROLLER_IMAGE", "IMPORTER_IMAGE"}, Args: []string{"--uploadproxy-image="}}}
	o := obj(t, operator)
	var imgs []string
	for _, u := range List([]manifest.Object{o}, rules...) {
		imgs = append(imgs, u.Image)
	}
	want := "quay.io/kubevirt/cdi-controller:v1.60.3,quay.io/kubevirt/cdi-importer:v1.60.3,quay.io/kubevirt/cdi-operator:v1.60.3,quay.io/kubevirt/cdi-uploadproxy:v1.60.3"
	if strings.Join(imgs, ",") != want {
		t.Errorf("images = %v", imgs)
	}
	if err := (Rewriter{Mirrors: Mirrors{"quay.io/kubevirt": "harbor.example/kv"}, Rules: rules}).Visit(o); err != nil {
		t.Fatal(err)
	}
	js := mustJSON(o)
	for _, want := range []string{`"harbor.example/kv/cdi-controller:v1.60.3"`, `"harbor.example/kv/cdi-importer:v1.60.3"`, `"--uploadproxy-image=harbor.example/kv/cdi-uploadproxy:v1.60.3"`, `"image":"harbor.example/kv/cdi-operator:v1.60.3"`, `"value":"IfNotPresent"`} {
		if !strings.Contains(js, want) {
			t.Errorf("rewritten object lacks %s:\n%s", want, js)
		}
	}
	// Without the rule the env values are not images.
	if len(List([]manifest.Object{obj(t, operator)})) != 1 {
		t.Error("env values listed without a rule")
	}
}
