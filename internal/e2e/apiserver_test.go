//go:build unix

package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const smokeManifest = `apiVersion: v1
kind: Namespace
metadata:
  name: kargo-e2e
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: smoke
  namespace: kargo-e2e
data:
  greeting: hello
`

// TestAPIServerAcceptsObjects applies a Namespace and a ConfigMap with kubectl
// server-side apply and reads the ConfigMap back.
func TestAPIServerAcceptsObjects(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl not found in PATH")
	}
	kubeconfig := StartAPIServer(t)
	manifest := filepath.Join(t.TempDir(), "smoke.yaml")
	if err := os.WriteFile(manifest, []byte(smokeManifest), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl(t, kubeconfig, "apply", "--server-side", "-f", manifest)
	got := kubectl(t, kubeconfig, "get", "configmap", "smoke", "-n", "kargo-e2e", "-o", "jsonpath={.data.greeting}")
	if got != "hello" {
		t.Errorf("configmap greeting = %q, want %q", got, "hello")
	}
	if got := kubectl(t, kubeconfig, "get", "namespace", "kargo-e2e", "-o", "name"); got != "namespace/kargo-e2e" {
		t.Errorf("namespace = %q, want %q", got, "namespace/kargo-e2e")
	}
}

// kubectl runs kubectl against kubeconfig and returns its trimmed output, failing the
// test when it exits non-zero.
func kubectl(t *testing.T, kubeconfig string, args ...string) string {
	t.Helper()
	cmd := exec.Command("kubectl", append([]string{"--kubeconfig", kubeconfig}, args...)...)
	// Keep kubectl's discovery cache out of $HOME.
	cmd.Env = append(os.Environ(), "KUBECACHEDIR="+filepath.Join(filepath.Dir(kubeconfig), "kube-cache"))
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			stderr = string(exitErr.Stderr)
		}
		t.Fatalf("kubectl %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
	}
	t.Logf("kubectl %s: %s", strings.Join(args, " "), strings.TrimSpace(string(out)))
	return strings.TrimSpace(string(out))
}
