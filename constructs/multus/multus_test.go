package multus

import (
	"bytes"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/kargo-platform/kargo/constructs/platform/platformtest"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/upstream"
	"github.com/kargo-platform/kargo/internal/fixture/fixturetest"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/manifest"
	"github.com/kargo-platform/kargo/internal/synth"
)

// Use go test -update (or make golden) to create or update the golden files in testdata/.

func target(d platform.Distribution) platform.Kubernetes {
	return platform.Kubernetes{Version: "1.30", Distribution: d}
}

func synthesize(t *testing.T, cfg Config, k platform.Kubernetes) ([]byte, []string) {
	t.Helper()
	var warnings []string
	got, err := synth.ModuleWith(Module, cfg, synth.ModuleOptions{
		Kubernetes: k,
		Artifacts:  fixturetest.Store(t),
		Warn:       func(msg string) { warnings = append(warnings, msg) },
	})
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	return got, warnings
}

func TestGolden(t *testing.T) {
	scenarios := map[string]struct {
		k   platform.Kubernetes
		mod func(*Config)
	}{
		"talos":   {target(platform.Talos), nil},
		"kind":    {target(platform.Kind), nil},
		"generic": {target(platform.Generic), nil},
		"custom-bridge": {target(platform.Talos), func(c *Config) {
			c.BridgeName = "vmbr1"
			c.Namespace = "vms"
		}},
	}
	for name, sc := range scenarios {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			if sc.mod != nil {
				sc.mod(&cfg)
			}
			got, warnings := synthesize(t, cfg, sc.k)
			if len(warnings) > 0 {
				t.Errorf("unexpected warnings: %q", warnings)
			}
			golden.Assert(t, got, name+".golden.yaml")
		})
	}
}

func TestIdempotent(t *testing.T) {
	a, _ := synthesize(t, DefaultConfig(), target(platform.Talos))
	b, _ := synthesize(t, DefaultConfig(), target(platform.Talos))
	if !bytes.Equal(a, b) {
		t.Fatalf("two synths of the same config differ:\n%s", golden.Diff(string(a), string(b), "first", "second"))
	}
}

// TestToggle: talos_transforms decides over the distribution; auto follows it.
func TestToggle(t *testing.T) {
	for _, tc := range []struct {
		toggle Toggle
		d      platform.Distribution
		want   bool
	}{
		{Auto, platform.Talos, true}, {Auto, platform.Kind, false}, {Auto, platform.Generic, false},
		{On, platform.Kind, true}, {Off, platform.Talos, false},
	} {
		cfg := DefaultConfig()
		cfg.TalosTransforms = tc.toggle
		got, _ := synthesize(t, cfg, target(tc.d))
		if has := bytes.Contains(got, []byte(InstallCNIImage)); has != tc.want {
			t.Errorf("talos_transforms %s on %s: install-cni present = %t, want %t", tc.toggle, tc.d, has, tc.want)
		}
	}
}

func TestImageVersionWarning(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Image = "ghcr.io/k8snetworkplumbingwg/multus-cni:v4.2.2-thick"
	_, warnings := synthesize(t, cfg, target(platform.Generic))
	want := "image ghcr.io/k8snetworkplumbingwg/multus-cni:v4.2.2-thick is not the image of version 4.3.0 (ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick): change image with version"
	if len(warnings) != 1 || warnings[0] != want {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
}

// TestBridgeConfig: the CNI config is exactly the original's, with the configured name.
func TestBridgeConfig(t *testing.T) {
	for name, want := range map[string]string{
		"br0":   `{"cniVersion":"0.3.1","name":"br0","plugins":[{"type":"bridge","bridge":"br0","ipam":{}},{"type":"tuning"}]}`,
		"vmbr1": `{"cniVersion":"0.3.1","name":"vmbr1","plugins":[{"type":"bridge","bridge":"vmbr1","ipam":{}},{"type":"tuning"}]}`,
	} {
		got, err := bridgeConfig(name)
		if err != nil || got != want {
			t.Errorf("bridgeConfig(%q) = %s, %v; want %s", name, got, err, want)
		}
	}
}

// realManifest parses the real upstream manifest with the module's transforms (skipped
// without ../shared/upstream).
func realManifest(t *testing.T, talosOn bool) ([]manifest.Object, *appsv1.DaemonSet) {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "upstream", "multus", "v4.3.0", "multus-daemonset-thick.yml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("upstream file %s: %v", p, err)
	}
	ts := []upstream.Transform{
		upstream.SetNamespace{Namespace: Namespace, Scope: synth.Scope},
		upstream.Edit(daemonSet, setImage(DefaultConfig().Image)),
	}
	if talosOn {
		ts = append(ts, upstream.Edit(daemonSet, talos))
	}
	objs, err := upstream.Parse(data, p, ts...)
	if err != nil {
		t.Fatal(err)
	}
	return objs, typedDaemonSet(t, objs)
}

func typedDaemonSet(t *testing.T, objs []manifest.Object) *appsv1.DaemonSet {
	t.Helper()
	for _, o := range objs {
		if daemonSet.Matches(o) {
			raw, _ := json.Marshal(o)
			var ds appsv1.DaemonSet
			if err := json.Unmarshal(raw, &ds); err != nil {
				t.Fatal(err)
			}
			return &ds
		}
	}
	t.Fatal("no DaemonSet kube-multus-ds")
	return nil
}

func TestTalosOnRealManifest(t *testing.T) {
	objs, ds := realManifest(t, true)
	spec := ds.Spec.Template.Spec

	// /run/netns → /var/run/netns in the volume and every mount of it.
	netns := map[string]bool{}
	for _, v := range spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		if path.Clean(v.HostPath.Path) == "/run/netns" {
			t.Errorf("volume %s still has hostPath %s", v.Name, v.HostPath.Path)
		}
		if v.HostPath.Path == "/var/run/netns" {
			netns[v.Name] = true
		}
	}
	if len(netns) != 1 {
		t.Fatalf("volumes with hostPath /var/run/netns: %v, want one", netns)
	}
	mounts := 0
	for _, c := range append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...) {
		for _, m := range c.VolumeMounts {
			if netns[m.Name] {
				mounts++
				if m.MountPath != "/var/run/netns" {
					t.Errorf("container %s mounts %s at %s, want /var/run/netns", c.Name, m.Name, m.MountPath)
				}
			}
			if path.Clean(m.MountPath) == "/run/netns" {
				t.Errorf("container %s still mounts %s at %s", c.Name, m.Name, m.MountPath)
			}
		}
	}
	if mounts == 0 {
		t.Error("no mount of the netns volume")
	}
	raw, _ := json.Marshal(ds)
	if bytes.Contains(raw, []byte(`"/run/netns"`)) || bytes.Contains(raw, []byte(`"/run/netns/"`)) {
		t.Error("a /run/netns path is left in the DaemonSet")
	}

	// install-cni merged once, as Talos documents it, with the cnibin volume of the manifest.
	var installCNI []corev1.Container
	for _, c := range spec.InitContainers {
		if c.Name == InstallCNI {
			installCNI = append(installCNI, c)
		}
	}
	if len(installCNI) != 1 {
		t.Fatalf("install-cni init containers: %d, want 1", len(installCNI))
	}
	ic := installCNI[0]
	if ic.Image != InstallCNIImage || !reflect.DeepEqual(ic.Command, []string{"/install-cni.sh"}) ||
		ic.SecurityContext == nil || ic.SecurityContext.Privileged == nil || !*ic.SecurityContext.Privileged {
		t.Errorf("install-cni = %+v", ic)
	}
	if len(ic.VolumeMounts) != 1 || ic.VolumeMounts[0].Name != "cnibin" || ic.VolumeMounts[0].MountPath != "/host/opt/cni/bin" ||
		ic.VolumeMounts[0].MountPropagation == nil || *ic.VolumeMounts[0].MountPropagation != corev1.MountPropagationBidirectional {
		t.Errorf("install-cni mounts = %+v", ic.VolumeMounts)
	}
	cnibin := 0
	for _, v := range spec.Volumes {
		if v.Name == "cnibin" {
			cnibin++
			if v.HostPath == nil || v.HostPath.Path != "/opt/cni/bin" {
				t.Errorf("cnibin volume = %+v", v)
			}
		}
	}
	if cnibin != 1 {
		t.Errorf("cnibin volumes: %d, want the manifest's one", cnibin)
	}

	// Resources on kube-multus and every init container; the shim-only install command.
	want := talosResources()
	for _, c := range append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...) {
		if c.Name != Container && !isInit(spec, c.Name) {
			continue
		}
		if !equality.Semantic.DeepEqual(c.Resources, want) {
			t.Errorf("container %s resources = %+v", c.Name, c.Resources)
		}
	}
	install := find(spec.InitContainers, InstallBinary)
	if install == nil || !reflect.DeepEqual(install.Command, []string{"sh", "-c", "cp -f /usr/src/multus-cni/bin/multus-shim /host/opt/cni/bin/multus-shim || true"}) {
		t.Errorf("install-multus-binary = %+v", install)
	}

	// The release image everywhere; no moving tag.
	for _, c := range append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...) {
		if c.Name != InstallCNI && c.Image != "ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick" {
			t.Errorf("container %s image %s", c.Name, c.Image)
		}
	}
	for _, o := range objs {
		if o.Kind() != "CustomResourceDefinition" && o.Kind() != "ClusterRole" && o.Kind() != "ClusterRoleBinding" && o.Namespace() != Namespace {
			t.Errorf("%s: namespace %q", o.ID(), o.Namespace())
		}
	}
}

func isInit(spec corev1.PodSpec, name string) bool { return find(spec.InitContainers, name) != nil }

// TestTalosKeepsTheRest: what the Talos edit does not touch stays byte for byte.
func TestTalosKeepsTheRest(t *testing.T) {
	before, dsBefore := realManifest(t, false)
	after, dsAfter := realManifest(t, true)
	if len(before) != len(after) {
		t.Fatalf("%d objects before, %d after", len(before), len(after))
	}
	for i := range before {
		if daemonSet.Matches(before[i]) {
			continue
		}
		if !reflect.DeepEqual(before[i], after[i]) {
			t.Errorf("%s changed", before[i].ID())
		}
	}
	b, a := dsBefore.Spec.Template.Spec, dsAfter.Spec.Template.Spec
	if !reflect.DeepEqual(b.Tolerations, a.Tolerations) || b.HostNetwork != a.HostNetwork || b.ServiceAccountName != a.ServiceAccountName {
		t.Error("pod settings changed")
	}
	if !reflect.DeepEqual(find(b.Containers, Container).Command, find(a.Containers, Container).Command) {
		t.Error("kube-multus command changed")
	}
}

// TestTalosTwice: the Talos edit is idempotent (install-cni is replaced, not added twice).
func TestTalosTwice(t *testing.T) {
	_, once := realManifest(t, true)
	twice := once.DeepCopy()
	if err := talos(twice); err != nil {
		t.Fatal(err)
	}
	if !equality.Semantic.DeepEqual(once, twice) {
		t.Error("a second Talos edit changed the DaemonSet")
	}
}

func TestGenericOnRealManifest(t *testing.T) {
	_, ds := realManifest(t, false)
	spec := ds.Spec.Template.Spec
	if find(spec.InitContainers, InstallCNI) != nil {
		t.Error("install-cni on a non-Talos target")
	}
	raw, _ := json.Marshal(ds)
	if !bytes.Contains(raw, []byte(`"/run/netns/"`)) {
		t.Error("the upstream netns hostPath changed on a non-Talos target")
	}
	if bytes.Contains(raw, []byte("snapshot-thick")) {
		t.Error("the moving snapshot-thick tag is left")
	}
}

func TestShapeErrors(t *testing.T) {
	base := func() *appsv1.DaemonSet {
		return &appsv1.DaemonSet{Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers:     []corev1.Container{{Name: Container, Image: "ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot-thick"}},
			InitContainers: []corev1.Container{{Name: InstallBinary}},
			Volumes:        []corev1.Volume{{Name: "netns", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/run/netns"}}}},
		}}}}
	}
	tests := map[string]struct {
		mod  func(*appsv1.DaemonSet)
		edit func(*appsv1.DaemonSet) error
		want string
	}{
		"no daemon":  {func(d *appsv1.DaemonSet) { d.Spec.Template.Spec.Containers[0].Name = "x" }, talos, "no container kube-multus: the manifest changed shape"},
		"no install": {func(d *appsv1.DaemonSet) { d.Spec.Template.Spec.InitContainers = nil }, talos, "no init container install-multus-binary: the manifest changed shape"},
		"no netns":   {func(d *appsv1.DaemonSet) { d.Spec.Template.Spec.Volumes = nil }, talos, "no hostPath volume of /run/netns: the manifest changed shape"},
		"cnibin not hostPath": {func(d *appsv1.DaemonSet) {
			d.Spec.Template.Spec.Volumes = append(d.Spec.Template.Spec.Volumes, corev1.Volume{Name: "cnibin", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
		}, talos, "volume cnibin is not a hostPath volume: the manifest changed shape"},
		"no multus image": {func(d *appsv1.DaemonSet) { d.Spec.Template.Spec.Containers[0].Image = "busybox" }, setImage("x"),
			"no container runs an image of ghcr.io/k8snetworkplumbingwg/multus-cni: the manifest changed shape"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := base()
			tc.mod(d)
			if err := tc.edit(d); err == nil || err.Error() != tc.want {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// Without a cnibin volume, the Talos edit adds one.
	d := base()
	if err := talos(d); err != nil {
		t.Fatal(err)
	}
	if v := d.Spec.Template.Spec.Volumes[len(d.Spec.Template.Spec.Volumes)-1]; v.Name != "cnibin" || v.HostPath == nil || v.HostPath.Path != "/opt/cni/bin" {
		t.Errorf("added volume = %+v", v)
	}
}

func TestRepository(t *testing.T) {
	for in, want := range map[string]string{
		"ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot-thick":  "ghcr.io/k8snetworkplumbingwg/multus-cni",
		"ghcr.io/k8snetworkplumbingwg/multus-cni@sha256:0123":     "ghcr.io/k8snetworkplumbingwg/multus-cni",
		"ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0@sha256:0": "ghcr.io/k8snetworkplumbingwg/multus-cni",
		"localhost:5000/multus-cni":                               "localhost:5000/multus-cni",
	} {
		if got := repository(in); got != want {
			t.Errorf("repository(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInvalid(t *testing.T) {
	with := func(mod func(*Config)) Config {
		c := DefaultConfig()
		mod(&c)
		return c
	}
	tests := map[string]Config{
		"bridge-name-too-long":   with(func(c *Config) { c.BridgeName = "br-kargo-vm-net0" }),
		"bridge-name-slash":      with(func(c *Config) { c.BridgeName = "br/0" }),
		"bridge-name-upper":      with(func(c *Config) { c.BridgeName = "Br0" }),
		"bridge-name-empty":      with(func(c *Config) { c.BridgeName = "" }),
		"bridge-name-whitespace": with(func(c *Config) { c.BridgeName = "br 0" }),
		"bad-namespace":          with(func(c *Config) { c.Namespace = "VMs" }),
		"empty-namespace":        with(func(c *Config) { c.Namespace = "" }),
		"version-with-v":         with(func(c *Config) { c.Version = "v4.3.0" }),
		"bad-version":            with(func(c *Config) { c.Version = "master" }),
		"bad-toggle":             with(func(c *Config) { c.TalosTransforms = "yes" }),
		"bad-image":              with(func(c *Config) { c.Image = "https://ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick" }),
		"disabled-bad-bridge": with(func(c *Config) {
			c.Enabled = false
			c.BridgeName = "br:0"
		}),
	}
	platformtest.Invalid(t, "multus", tests)
}

func TestValid(t *testing.T) {
	for name, mod := range map[string]func(*Config){
		"defaults":                 nil,
		"longest bridge name":      func(c *Config) { c.BridgeName = "br-kargo-vmnet0" },
		"vlan-style bridge name":   func(c *Config) { c.BridgeName = "br0.100" },
		"toggle on":                func(c *Config) { c.TalosTransforms = On },
		"toggle off":               func(c *Config) { c.TalosTransforms = Off },
		"prerelease version":       func(c *Config) { c.Version = "4.3.0-rc1" },
		"image by digest":          func(c *Config) { c.Image = "ghcr.io/k8snetworkplumbingwg/multus-cni@sha256:0123" },
		"namespace of kube-system": func(c *Config) { c.Namespace = "kube-system" },
	} {
		cfg := DefaultConfig()
		if mod != nil {
			mod(&cfg)
		}
		if errs := cfg.Validate(field.NewPath("modules", "multus")); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs.ToAggregate())
		}
	}
}

func TestArtifacts(t *testing.T) {
	cfg := DefaultConfig()
	refs := Module.Artifacts(cfg)
	want := "https://raw.githubusercontent.com/k8snetworkplumbingwg/multus-cni/v4.3.0/deployments/multus-daemonset-thick.yml"
	if len(refs) != 1 || refs[0].URL != want || refs[0].Name != "multus/multus-daemonset-thick.yml" || refs[0].Version != "4.3.0" {
		t.Errorf("artifacts = %+v", refs)
	}
	cfg.Enabled = false
	if refs := Module.Artifacts(cfg); len(refs) != 0 {
		t.Errorf("disabled module uses %+v", refs)
	}
	if got := Module.Version(DefaultConfig()); got != "4.3.0" {
		t.Errorf("version = %q", got)
	}
}

func TestDocTags(t *testing.T) {
	platformtest.Docs(t, reflect.TypeOf(Config{}))
}

// TestReadme checks that README.md documents every option with its doc tag's text.
func TestReadme(t *testing.T) {
	platformtest.Readme(t, reflect.TypeOf(Config{}), "README.md")
}
