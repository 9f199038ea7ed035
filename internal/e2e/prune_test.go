//go:build unix

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// multusDisabled is the overlay that disables the multus module of the default config.
const multusDisabled = "modules:\n  multus:\n    enabled: false\n"

// TestPruneDisabledModule applies the default platform, disables multus, synthesizes
// into the same dist/ (output.Write removes multus's files) and applies again: every
// object of multus's files is gone from the server, every other object is still there
// with the same uid.
func TestPruneDisabledModule(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl not found in PATH")
	}
	if os.Getenv("KARGO_KAS_DIR") == "" {
		t.Skip("KARGO_KAS_DIR is not set: run make kas and set it to the printed directory (make e2e does both)")
	}
	dist := filepath.Join(t.TempDir(), "dist")
	before := synthInto(t, dist)
	k := newKubectl(t)
	ctx := context.Background()
	start := time.Now()
	if err := ApplyStages(ctx, k, dist, time.Minute, nil); err != nil {
		t.Fatalf("first apply: %v", err)
	}
	t.Logf("first apply: %s", time.Since(start).Round(time.Millisecond))
	uids := map[string]string{}
	for _, name := range before {
		for id, uid := range uidsOnServer(t, ctx, k, filepath.Join(dist, name)) {
			uids[id] = uid
		}
	}

	// Keep the first synth's files: the second removes multus's.
	first := t.TempDir()
	for _, name := range before {
		data, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(first, name), data)
	}
	after := synthInto(t, dist, multusDisabled)
	kept := map[string]bool{}
	for _, name := range after {
		kept[name] = true
	}
	var removed []string
	for _, name := range before {
		if !kept[name] {
			removed = append(removed, name)
		}
	}
	t.Logf("the second synth removed %v", removed)
	if len(removed) != 3 || len(after)+len(removed) != len(before) {
		t.Fatalf("the second synth removed %v and kept %d of %d files, want multus's 3 files removed", removed, len(after), len(before))
	}
	var gone []string // keys of the removed files' objects
	kinds := map[string]bool{}
	for _, name := range removed {
		if !strings.Contains(name, "multus") {
			t.Errorf("the second synth removed %s, not a multus file", name)
		}
		data, err := os.ReadFile(filepath.Join(first, name))
		if err != nil {
			t.Fatal(err)
		}
		objs, err := manifest.ParseYAML(data, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			gone = append(gone, key(o))
			kinds[o.Kind()] = true
		}
	}
	sort.Strings(gone)
	t.Logf("multus's %d objects: %s", len(gone), strings.Join(gone, ", "))
	for _, kind := range []string{"CustomResourceDefinition", "DaemonSet", "ConfigMap", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "NetworkAttachmentDefinition"} {
		if !kinds[kind] {
			t.Errorf("multus's files hold no %s", kind)
		}
	}

	start = time.Now()
	if err := ApplyStages(ctx, k, dist, time.Minute, nil); err != nil {
		t.Fatalf("apply after disabling multus: %v", err)
	}
	t.Logf("apply after disabling multus: %s", time.Since(start).Round(time.Millisecond))

	// Every object of multus's files is gone (a CRD goes once its finalizer ran).
	q := Kubectl{Kubeconfig: k.Kubeconfig, CacheDir: k.CacheDir}
	deadline := time.Now().Add(time.Minute)
	for _, name := range removed {
		for {
			out, err := q.Run(ctx, "get", "-f", filepath.Join(first, name), "--ignore-not-found", "-o", "name")
			if err != nil {
				t.Fatalf("kubectl get -f %s: %v", name, err)
			}
			if strings.TrimSpace(out) == "" {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s: still on the server after the apply:\n%s", name, out)
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	// Every other object is still there, the same object (uid).
	kept2 := 0
	for _, name := range after {
		for id, uid := range uidsOnServer(t, ctx, k, filepath.Join(dist, name)) {
			kept2++
			if uids[id] != uid {
				t.Errorf("%s: uid %s, was %s before multus was disabled", id, uid, uids[id])
			}
		}
	}
	if kept2+len(gone) != len(uids) {
		t.Errorf("%d objects kept and %d removed, %d before", kept2, len(gone), len(uids))
	}
	t.Logf("%d objects removed, %d kept with their uids", len(gone), kept2)
}

// uidsOnServer returns the uid of every object of file on the server by key.
func uidsOnServer(t *testing.T, ctx context.Context, k Kubectl, file string) map[string]string {
	t.Helper()
	q := Kubectl{Kubeconfig: k.Kubeconfig, CacheDir: k.CacheDir} // no log: large output
	out, err := q.Run(ctx, "get", "-f", file, "-o", "json")
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(file), err)
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) == 0 {
		list.Items = []json.RawMessage{json.RawMessage(out)}
	}
	uids := map[string]string{}
	for _, raw := range list.Items {
		o, err := manifest.FromJSON(raw)
		if err != nil {
			t.Fatal(err)
		}
		uids[key(o)], _ = o.LookupString("metadata", "uid")
	}
	return uids
}
