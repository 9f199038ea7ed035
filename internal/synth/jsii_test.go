package synth

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/config"
	"github.com/kargo-platform/kargo/internal/manifest"
)

const jsiiChildEnv = "KARGO_JSII_CHILD_OBJECTS"

// TestJSIICallsDoNotGrowWithBulkObjects is the regression guard of the jsii cost model:
// objects held in bulk (Helm output, upstream manifests) must not cost jsii round trips
// per object. It synthesizes a platform with 100 and then 2,000 bulk objects in child
// processes with JSII_DEBUG=1 and counts the requests sent to the node kernel: they
// must be the same. (Counting calls, not seconds: timings are noisy here.)
func TestJSIICallsDoNotGrowWithBulkObjects(t *testing.T) {
	small, large := jsiiCalls(t, 100), jsiiCalls(t, 2000)
	t.Logf("jsii requests: %d with 100 bulk objects, %d with 2000", small, large)
	if small != large {
		t.Errorf("jsii requests grew from %d to %d when bulk objects went from 100 to 2000: something crosses into jsii per object", small, large)
	}
	if small == 0 {
		t.Error("no jsii request counted: is JSII_DEBUG still logging requests?")
	}
}

// jsiiCalls is the most requests counted in three child runs: node writes its debug
// log to a pipe asynchronously, and a busy machine can lose a line when the child exits
// (never add one), so the maximum is the count.
func jsiiCalls(t *testing.T, n int) int {
	t.Helper()
	most := 0
	for range 3 {
		most = max(most, jsiiCallsOnce(t, n))
	}
	return most
}

func jsiiCallsOnce(t *testing.T, n int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestJSIIChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "JSII_DEBUG=1", jsiiChildEnv+"="+strconv.Itoa(n))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil {
		t.Fatalf("child: %v\n%s\n%s", err, out, stderr.String())
	}
	// Each request is logged as `> {"api":...}`; count them anywhere, as node's debug
	// lines can interleave with other output on stderr.
	return strings.Count(stderr.String(), `> {"api":`)
}

// TestJSIIChild is the child process of the guard above.
func TestJSIIChild(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(jsiiChildEnv))
	if err != nil {
		t.Skip("runs as a child of TestJSIICallsDoNotGrowWithBulkObjects")
	}
	reg := platform.NewRegistry(platform.Definition[demoConfig]{
		ModuleName: "bulk", Default: func() demoConfig { return demoConfig{Namespace: "bulk"} },
		New: func(c *platform.Chart, cfg demoConfig, env platform.Env) error {
			objs := make([]manifest.Object, n)
			for i := range objs {
				objs[i] = manifest.Object{"apiVersion": "v1", "kind": "ConfigMap",
					"metadata": map[string]any{"name": fmt.Sprint("cm-", i), "namespace": "bulk"}, "data": map[string]any{"k": "v"}}
			}
			c.AddBulk("objects", "generated", objs)
			// And two objects authored through cdk8s.
			if err := c.Add(&corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: "bulk"}}); err != nil {
				return err
			}
			return c.Add(&corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: metav1.ObjectMeta{Name: "sa", Namespace: "bulk"}})
		},
	})
	cfg, err := config.Parse(reg, []config.Source{{Name: "k", Data: []byte("apiVersion: kargo/v1alpha1\nmetadata: {labels: {team: infra}}\nmodules: {bulk: {enabled: true}}\n")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(cfg, Options{Registry: reg}); err != nil {
		t.Fatal(err)
	}
}
