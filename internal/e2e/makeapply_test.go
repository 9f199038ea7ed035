//go:build unix

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/internal/stage"
)

// TestMakeApply runs `make apply` (the Makefile's shell loop) against the test server
// with the vm and talos modules enabled, after installing the run-time CRDs as the
// operators would, and checks that it applied every object as ApplyStages does: every
// object is on the server with the applyset.kubernetes.io/part-of label of its stage's
// parent, the prune step ran for every stage in reverse order, and kubectl diff
// --server-side --field-manager=kargo finds nothing to change but that label.
func TestMakeApply(t *testing.T) {
	for _, bin := range []string{"kubectl", "make", "awk"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s not found in PATH", bin)
		}
	}
	if os.Getenv("KARGO_KAS_DIR") == "" {
		t.Skip("KARGO_KAS_DIR is not set: run make kas and set it to the printed directory (make e2e does both)")
	}
	dist := synthDist(t, runtimeOverlay)
	k := newKubectl(t)
	ctx := context.Background()
	for _, name := range runtimeCRDs { // the operators ran before the operator runs make apply
		if _, err := k.Run(ctx, "apply", "--server-side", "--field-manager=e2e-operator", "-f", filepath.Join("testdata", "crds", name)); err != nil {
			t.Fatal(err)
		}
	}

	cmd := exec.Command("make", "--no-print-directory", "-C", filepath.Join("..", ".."), "apply", "OUT="+dist, "APPLY_WAIT=60s")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+k.Kubeconfig, "KUBECACHEDIR="+k.CacheDir)
	out, err := cmd.CombinedOutput()
	t.Logf("make apply:\n%s", out)
	if err != nil {
		t.Fatalf("make apply: %v", err)
	}
	for _, want := range []string{"crd/virtualmachinepools.pool.kubevirt.io", "crd/virtualmachines.kubevirt.io"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("make apply did not wait for %s", want)
		}
	}

	// The prune step ran for every stage, in reverse order, against parents that carry
	// the ids ApplySetID computes (checkOnServer checks the members' labels).
	last := len(out)
	for _, s := range stage.All {
		prefix := s.Prefix()
		cmd := "--prune --applyset=" + ApplySetResource + "/" + ParentName(prefix) + " "
		i := strings.Index(string(out), cmd)
		if i < 0 || i > last {
			t.Errorf("make apply did not prune stage %s after the later stages (%q)", prefix, cmd)
		}
		last = i
		id, err := k.Run(ctx, "get", ApplySetResource, ParentName(prefix), "-o", "jsonpath={.metadata.labels.applyset\\.kubernetes\\.io/id}")
		if err != nil || id != ApplySetID(ParentName(prefix)) {
			t.Errorf("parent %s: id %q, want %s (%v)", ParentName(prefix), id, ApplySetID(ParentName(prefix)), err)
		}
	}

	files, err := filepath.Glob(filepath.Join(dist, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in %s: %v", dist, err)
	}
	for _, f := range files {
		checkOnServer(t, ctx, k, f)
		diffClean(t, ctx, k, f)
	}
}
