//go:build unix

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// runtimeCRDs are the CRDs virt-operator and cdi-operator create at run time, generated
// by hack/crds/gen.sh from the upstream Go API types into testdata/crds/.
var runtimeCRDs = []string{
	"kubevirt.io_virtualmachines.yaml",
	"pool.kubevirt.io_virtualmachinepools.yaml",
	"cdi.kubevirt.io_datavolumes.yaml",
}

// runtimeOverlay enables the two modules whose objects are in the run-time stage.
const runtimeOverlay = `modules:
  vm: {enabled: true, ssh_pub_key: "` + testSSHKey + `"}
  talos: {enabled: true}
`

// TestRuntimeCRDsAreStructural checks the generated CRDs without a server: every
// version has a schema that is an object with properties and no
// x-kubernetes-preserve-unknown-fields at its root or under spec.
func TestRuntimeCRDsAreStructural(t *testing.T) {
	for _, name := range runtimeCRDs {
		data, err := os.ReadFile(filepath.Join("testdata", "crds", name))
		if err != nil {
			t.Fatal(err)
		}
		objs, err := manifest.ParseYAML(data, name)
		if err != nil || len(objs) != 1 || objs[0].Kind() != "CustomResourceDefinition" {
			t.Fatalf("%s: want one CustomResourceDefinition, got %d objects, %v", name, len(objs), err)
		}
		versions, _ := objs[0].Lookup("spec", "versions")
		list, _ := versions.([]any)
		if len(list) == 0 {
			t.Fatalf("%s: no versions", name)
		}
		for _, v := range list {
			schema, _ := manifest.Object(v.(map[string]any)).Lookup("schema", "openAPIV3Schema")
			root, _ := schema.(map[string]any)
			if root["type"] != "object" || root["x-kubernetes-preserve-unknown-fields"] != nil {
				t.Errorf("%s: root schema type %v, preserve-unknown-fields %v", name, root["type"], root["x-kubernetes-preserve-unknown-fields"])
			}
			spec, _ := manifest.Object(root).Lookup("properties", "spec")
			specSchema, _ := spec.(map[string]any)
			if specSchema["properties"] == nil || specSchema["x-kubernetes-preserve-unknown-fields"] != nil {
				t.Errorf("%s: spec schema is not structural: %v", name, specSchema["x-kubernetes-preserve-unknown-fields"])
			}
		}
	}
}

// TestRuntimeStage enables vm and talos, whose objects are in the run-time stage, and
// applies dist/ the documented way, playing virt-operator and cdi-operator: it installs
// their CRDs (with the upstream types' schemas) just before the 30-runtime stage. Then
// it shows that the schemas bite: a wrong field is rejected by the server.
func TestRuntimeStage(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl not found in PATH")
	}
	if os.Getenv("KARGO_KAS_DIR") == "" {
		t.Skip("KARGO_KAS_DIR is not set: run make kas and set it to the printed directory (make e2e does both)")
	}
	dist := synthDist(t, runtimeOverlay)
	files, err := StageFiles(dist, "30-runtime")
	if err != nil || len(files) == 0 {
		t.Fatalf("no run-time stage files with vm and talos enabled: %v", err)
	}
	kinds := runtimeKinds(t, files)
	t.Logf("run-time stage: %v holding %v", baseNames(files), kinds)
	if want := []string{"kubevirt.io/VirtualMachine", "pool.kubevirt.io/VirtualMachinePool"}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("run-time stage kinds = %v, want %v", kinds, want)
	}
	crds, err := RuntimeCRDs(files)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the procedure waits for %v", crds)

	k := newKubectl(t)
	installed := false
	playOperators := func(ctx context.Context, prefix string, _ []string) error {
		if prefix != "30-runtime" {
			return nil
		}
		// Nothing may be applied before the operators ran: the run-time CRDs are absent.
		if _, err := k.Run(ctx, "get", "crd/virtualmachines.kubevirt.io"); err == nil {
			t.Errorf("crd/virtualmachines.kubevirt.io exists before the operator created it")
		}
		for _, name := range runtimeCRDs {
			if _, err := k.Run(ctx, "apply", "--server-side", "--field-manager=e2e-operator", "-f", filepath.Join("testdata", "crds", name)); err != nil {
				return err
			}
		}
		installed = true
		return nil
	}
	applyTwice(t, k, dist, playOperators)
	if !installed {
		t.Fatal("the run-time stage hook never ran")
	}

	ctx := context.Background()
	vmFile := ""
	for _, f := range files {
		if strings.HasSuffix(f, "-vm.yaml") {
			vmFile = f
		}
	}
	if vmFile == "" {
		t.Fatalf("no run-time file of the vm module in %v", baseNames(files))
	}
	vm := readSingle(t, vmFile, "VirtualMachine")

	// The schemas bite: each mutation of the VirtualMachine kargo rendered is rejected.
	for _, tc := range []struct {
		name   string
		mutate func(o manifest.Object)
		want   string // in the server's message
	}{
		{"running is a string", func(o manifest.Object) {
			o["spec"].(map[string]any)["running"] = "yes"
		}, "spec.running"},
		{"unknown field under domain", func(o manifest.Object) {
			domain, _ := o.Lookup("spec", "template", "spec", "domain")
			domain.(map[string]any)["cpuCount"] = 2
		}, "cpuCount"},
		{"memory is not a quantity", func(o manifest.Object) {
			limits, _ := o.Lookup("spec", "template", "spec", "domain", "resources", "limits")
			limits.(map[string]any)["memory"] = map[string]any{"gi": 4}
		}, "memory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := deepCopy(t, vm)
			bad.Metadata(true)["name"] = "wrong-" + strings.ReplaceAll(tc.name, " ", "-")
			tc.mutate(bad)
			path := filepath.Join(t.TempDir(), "bad.yaml")
			writeYAML(t, path, bad)
			out, err := k.Run(ctx, "apply", "--server-side", "--field-manager="+FieldManager, "-f", path)
			if err == nil {
				t.Fatalf("the server accepted the wrong VirtualMachine: %s", out)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("rejected, but the message does not name %q: %v", tc.want, err)
			}
			t.Logf("rejected as expected: %v", err)
		})
	}

	t.Run("wrong field in a pool's DataVolume template", func(t *testing.T) {
		var poolFile string
		for _, f := range files {
			if strings.HasSuffix(f, "-talos.yaml") {
				poolFile = f
			}
		}
		if poolFile == "" {
			t.Fatalf("no run-time file of the talos module in %v", baseNames(files))
		}
		pool := deepCopy(t, readSingle(t, poolFile, "VirtualMachinePool"))
		pool.Metadata(true)["name"] = "wrong-pool"
		dvts, _ := pool.Lookup("spec", "virtualMachineTemplate", "spec", "dataVolumeTemplates")
		list, _ := dvts.([]any)
		if len(list) == 0 {
			t.Fatal("the pool has no dataVolumeTemplates")
		}
		tmpl := list[0].(map[string]any)
		spec := tmpl["spec"].(map[string]any)

		// The DataVolume CRD: a DataVolume made from the pool's template is accepted,
		// the same with the wrong source field is not.
		dv := manifest.Object{
			"apiVersion": "cdi.kubevirt.io/v1beta1",
			"kind":       "DataVolume",
			"metadata":   map[string]any{"name": "e2e-dv", "namespace": pool.Namespace()},
			"spec":       spec,
		}
		dv = deepCopy(t, dv)
		dvPath := filepath.Join(t.TempDir(), "dv.yaml")
		writeYAML(t, dvPath, dv)
		if _, err := k.Run(ctx, "apply", "--server-side", "--field-manager="+FieldManager, "-f", dvPath); err != nil {
			t.Errorf("a DataVolume with the pool template's spec: %v", err)
		}
		dv["spec"].(map[string]any)["source"] = map[string]any{"registry": map[string]any{"uri": "docker://example"}}
		writeYAML(t, dvPath, dv)
		if _, err := k.Run(ctx, "apply", "--server-side", "--field-manager="+FieldManager, "-f", dvPath); err == nil {
			t.Error("the server accepted a DataVolume with an unknown source field")
		} else {
			t.Logf("DataVolume rejected as expected: %v", err)
		}

		spec["source"] = map[string]any{"registry": map[string]any{"uri": "docker://example"}} // uri: not a field of DataVolumeSourceRegistry
		path := filepath.Join(t.TempDir(), "bad.yaml")
		writeYAML(t, path, pool)
		_, err := k.Run(ctx, "apply", "--server-side", "--field-manager="+FieldManager, "-f", path)
		if err == nil {
			t.Fatal("the server accepted a DataVolume template with an unknown source field")
		}
		if !strings.Contains(err.Error(), "uri") {
			t.Errorf("rejected, but the message does not name uri: %v", err)
		}
		t.Logf("rejected as expected: %v", err)
	})

	// Disabling vm and talos empties the run-time stage: a stage without files cannot be
	// applied, so the procedure deletes what its parent records.
	t.Run("an emptied run-time stage is pruned", func(t *testing.T) {
		kept := t.TempDir() // the run-time files, which the synth below removes
		for i, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			files[i] = filepath.Join(kept, filepath.Base(f))
			writeFile(t, files[i], data)
		}
		synthInto(t, dist)
		if left, _ := StageFiles(dist, "30-runtime"); len(left) != 0 {
			t.Fatalf("run-time files without vm and talos: %v", left)
		}
		if err := ApplyStages(ctx, k, dist, time.Minute, nil); err != nil {
			t.Fatal(err)
		}
		q := Kubectl{Kubeconfig: k.Kubeconfig, CacheDir: k.CacheDir}
		for _, f := range files {
			out, err := q.Run(ctx, "get", "-f", f, "--ignore-not-found", "-o", "name")
			if err != nil || strings.TrimSpace(out) != "" {
				t.Errorf("%s: still on the server: %s %v", filepath.Base(f), out, err)
			}
		}
		gks, err := k.Run(ctx, "get", ApplySetResource, ParentName("30-runtime"), "-o", "jsonpath={.metadata.annotations.applyset\\.kubernetes\\.io/contains-group-kinds}")
		if err != nil || gks != "" {
			t.Errorf("parent %s still records %q (%v)", ParentName("30-runtime"), gks, err)
		}
	})
}

// runtimeKinds lists group/kind of the objects of files, sorted and unique.
func runtimeKinds(t *testing.T, files []string) []string {
	t.Helper()
	set := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := manifest.ParseYAML(data, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			set[o.Group()+"/"+o.Kind()] = true
		}
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// readSingle returns the first object of kind in file.
func readSingle(t *testing.T, file, kind string) manifest.Object {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := manifest.ParseYAML(data, file)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.Kind() == kind {
			return o
		}
	}
	t.Fatalf("no %s in %s", kind, file)
	return nil
}

func deepCopy(t *testing.T, o manifest.Object) manifest.Object {
	t.Helper()
	data, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	c, err := manifest.FromJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeYAML(t *testing.T, path string, o manifest.Object) {
	t.Helper()
	data, err := json.Marshal(o) // JSON is YAML
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, data)
}

func baseNames(files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = filepath.Base(f)
	}
	return out
}
