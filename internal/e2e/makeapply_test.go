//go:build unix

package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeApply runs `make apply` (the Makefile's shell loop) against the test server
// with the vm and talos modules enabled, after installing the run-time CRDs as the
// operators would, and checks that it applied every object as ApplyStages does: every
// object is on the server and kubectl diff --server-side --field-manager=kargo finds
// nothing to change.
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

	files, err := filepath.Glob(filepath.Join(dist, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in %s: %v", dist, err)
	}
	for _, f := range files {
		checkOnServer(t, ctx, k, f)
		out, err := k.Run(ctx, "diff", "--server-side", "--field-manager="+FieldManager, "-f", f)
		if err != nil {
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) && exitErr.ExitCode() == 1 {
				t.Errorf("kubectl diff %s after make apply:\n%s", filepath.Base(f), out)
			} else {
				t.Errorf("kubectl diff %s: %v", filepath.Base(f), err)
			}
		}
	}
}
