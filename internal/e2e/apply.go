//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kargo-platform/kargo/internal/stage"
)

// FieldManager is the field manager of every server-side apply of dist/.
const FieldManager = "kargo"

// CRDWaitTimeout bounds each wait for CRDs to be Established.
const CRDWaitTimeout = "60s"

// Kubectl runs kubectl against one kubeconfig.
type Kubectl struct {
	// Kubeconfig is passed as --kubeconfig; empty uses kubectl's default (the current
	// kube context).
	Kubeconfig string
	// CacheDir is kubectl's discovery cache (KUBECACHEDIR); empty keeps kubectl's default.
	CacheDir string
	// Log, when set, receives every command with its output.
	Log func(format string, args ...any)
}

// Run runs kubectl with args and returns its standard output. A non-zero exit is an
// *exec.ExitError wrapped with the command and its standard error.
func (k Kubectl) Run(ctx context.Context, args ...string) (string, error) {
	full := args
	if k.Kubeconfig != "" {
		full = append([]string{"--kubeconfig", k.Kubeconfig}, args...)
	}
	cmd := exec.CommandContext(ctx, "kubectl", full...)
	cmd.Env = os.Environ()
	if k.CacheDir != "" {
		cmd.Env = append(cmd.Env, "KUBECACHEDIR="+k.CacheDir)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	if k.Log != nil {
		k.Log("kubectl %s (%s): %s%s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond),
			strings.TrimSpace(stdout.String()), prefixed("\n", strings.TrimSpace(stderr.String())))
	}
	if err != nil {
		return stdout.String(), fmt.Errorf("kubectl %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

// StageFiles returns the files of dir that belong to the stage with the given prefix
// ("00-crds", ...), in lexical order: the files `dir/<prefix>-*.yaml`.
func StageFiles(dir, prefix string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, prefix+"-*.yaml"))
	sort.Strings(files)
	return files, err
}

// StageHook is called before a stage is applied, with the stage's prefix and files
// (possibly none).
type StageHook func(ctx context.Context, prefix string, files []string) error

// ApplyStages applies the dist/ directory dir stage by stage, exactly as README.md
// ("Applying dist/ in stages") and `make apply` do:
//
//	for each stage prefix in order: 00-crds, 10-cluster, 20-resources, 30-runtime
//	  before 30-runtime (when it has files): wait until the CRDs of its objects exist and
//	    are Established (virt-operator and cdi-operator create them at run time):
//	      kubectl wait --for=create --timeout=<runtimeWait> crd/<plural>.<group> ...
//	      kubectl wait --for condition=established --timeout=60s crd/<plural>.<group> ...
//	  for each file dir/<prefix>-*.yaml in lexical order:
//	    kubectl apply --server-side --field-manager=kargo -f <file>
//	  after 00-crds:
//	    kubectl wait --for condition=established --timeout=60s crd --all
//
// The first failing command stops it (like the shell's set -e). before, when not nil,
// runs before each stage: the tests use it to play the operators that create the
// run-time CRDs.
func ApplyStages(ctx context.Context, k Kubectl, dir string, runtimeWait time.Duration, before StageHook) error {
	for _, s := range stage.All {
		prefix := s.Prefix()
		files, err := StageFiles(dir, prefix)
		if err != nil {
			return err
		}
		if before != nil {
			if err := before(ctx, prefix, files); err != nil {
				return fmt.Errorf("before stage %s: %w", prefix, err)
			}
		}
		if s == stage.Runtime && len(files) > 0 {
			crds, err := RuntimeCRDs(files)
			if err != nil {
				return err
			}
			names := make([]string, len(crds))
			for i, c := range crds {
				names[i] = "crd/" + c
			}
			if _, err := k.Run(ctx, append([]string{"wait", "--for=create", "--timeout=" + runtimeWait.String()}, names...)...); err != nil {
				return err
			}
			if _, err := k.Run(ctx, append([]string{"wait", "--for", "condition=established", "--timeout=" + CRDWaitTimeout}, names...)...); err != nil {
				return err
			}
		}
		for _, f := range files {
			if _, err := k.Run(ctx, "apply", "--server-side", "--field-manager="+FieldManager, "-f", f); err != nil {
				return err
			}
		}
		if s == stage.Foundation && len(files) > 0 {
			if _, err := k.Run(ctx, "wait", "--for", "condition=established", "--timeout="+CRDWaitTimeout, "crd", "--all"); err != nil {
				return err
			}
		}
	}
	return nil
}

// RuntimeCRDs returns the names of the CRDs the objects of files need,
// <lowercase kind>s.<group>, sorted and without duplicates. It reads only the top-level
// apiVersion and kind lines of each YAML document, as `make apply` does with awk. The
// plural is the lowercase kind plus "s", which holds for KubeVirt's and CDI's kinds
// (virtualmachines.kubevirt.io, virtualmachinepools.pool.kubevirt.io,
// datavolumes.cdi.kubevirt.io).
func RuntimeCRDs(files []string) ([]string, error) {
	set := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		group := ""
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "---":
				group = ""
			case strings.HasPrefix(line, "apiVersion: "):
				av := strings.TrimSpace(strings.TrimPrefix(line, "apiVersion: "))
				group = ""
				if i := strings.LastIndex(av, "/"); i > 0 {
					group = av[:i]
				}
			case strings.HasPrefix(line, "kind: "):
				if group == "" {
					continue // a built-in kind: no CRD to wait for
				}
				kind := strings.TrimSpace(strings.TrimPrefix(line, "kind: "))
				set[strings.ToLower(kind)+"s."+group] = true
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	if len(set) == 0 {
		return nil, errors.New("run-time stage files hold no custom resources")
	}
	crds := make([]string, 0, len(set))
	for c := range set {
		crds = append(crds, c)
	}
	sort.Strings(crds)
	return crds, nil
}
