//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
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
	// Env is added to kubectl's environment.
	Env []string
	// Log, when set, receives every command with its output.
	Log func(format string, args ...any)
}

// Run runs kubectl with args and returns its standard output. A non-zero exit is an
// *exec.ExitError wrapped with the command and its standard error.
func (k Kubectl) Run(ctx context.Context, args ...string) (string, error) {
	return k.RunInput(ctx, "", args...)
}

// RunInput is Run with stdin as kubectl's standard input.
func (k Kubectl) RunInput(ctx context.Context, stdin string, args ...string) (string, error) {
	full := args
	if k.Kubeconfig != "" {
		full = append([]string{"--kubeconfig", k.Kubeconfig}, args...)
	}
	cmd := exec.CommandContext(ctx, "kubectl", full...)
	cmd.Env = append(os.Environ(), k.Env...)
	cmd.Stdin = strings.NewReader(stdin)
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

// ApplySetCRD is the CRD of the ApplySet parents, applysets.kargo.dev (the file
// applyset-crd.yaml, which `make apply` applies).
//
//go:embed applyset-crd.yaml
var ApplySetCRD string

// ApplySet labels and annotations (KEP-3659), and kubectl's field manager of parents.
const (
	PartOfLabel             = "applyset.kubernetes.io/part-of"
	IDLabel                 = "applyset.kubernetes.io/id"
	ContainsGroupKinds      = "applyset.kubernetes.io/contains-group-kinds"
	ApplySetFieldManager    = "kubectl-applyset"
	ApplySetResource        = "applysets.kargo.dev"
	applySetToolingAnnotate = "applyset.kubernetes.io/tooling: kubectl/v1.33.1"
)

// ParentName is the name of the ApplySet parent of the stage with the given prefix:
// kargo-<prefix>.
func ParentName(prefix string) string { return "kargo-" + prefix }

// ApplySetID is the applyset.kubernetes.io/id of the parent named name:
// applyset-<base64url-nopad(sha256("<name>..ApplySet.kargo.dev"))>-v1.
func ApplySetID(name string) string {
	sum := sha256.Sum256([]byte(name + "..ApplySet.kargo.dev"))
	return "applyset-" + base64.RawURLEncoding.EncodeToString(sum[:]) + "-v1"
}

// parentYAML is the ApplySet parent of a stage as kargo creates it: no group-kinds yet.
func parentYAML(prefix string) string {
	name := ParentName(prefix)
	return "apiVersion: kargo.dev/v1\nkind: ApplySet\nmetadata:\n  name: " + name +
		"\n  labels: {" + IDLabel + ": " + ApplySetID(name) + "}" +
		"\n  annotations: {" + applySetToolingAnnotate + ", " + ContainsGroupKinds + ": \"\"}\n"
}

// ApplyStages applies the dist/ directory dir stage by stage and then deletes from the
// cluster what dir no longer holds, exactly as README.md ("Applying dist/ in stages")
// and `make apply` do:
//
//	kubectl apply --server-side --field-manager=kargo -f applyset-crd.yaml
//	kubectl wait --for condition=established --timeout=60s crd/applysets.kargo.dev
//	for each stage prefix: when applysets.kargo.dev/kargo-<prefix> is missing, create it:
//	  kubectl apply --server-side --field-manager=kubectl-applyset -f - (label
//	    applyset.kubernetes.io/id=<id>, annotations tooling and contains-group-kinds: "")
//	1. apply, for each stage prefix in order: 00-crds, 10-cluster, 20-resources, 30-runtime
//	  before 30-runtime (when it has files): wait until the CRDs of its objects exist and
//	    are Established (virt-operator and cdi-operator create them at run time):
//	      kubectl wait --for=create --timeout=<runtimeWait> crd/<plural>.<group> ...
//	      kubectl wait --for condition=established --timeout=60s crd/<plural>.<group> ...
//	  the stage's files dir/<prefix>-*.yaml, labelled as step 2 labels them:
//	    kubectl label --local -o json -f <file> ... applyset.kubernetes.io/part-of=<id> >tmp
//	    kubectl apply --server-side --field-manager=kargo -f tmp
//	  after 00-crds:
//	    kubectl wait --for condition=established --timeout=60s crd --all
//	2. prune, for each stage prefix in reverse order (custom resources before their CRDs):
//	  KUBECTL_APPLYSET=true kubectl apply --server-side --field-manager=kargo \
//	    --prune --applyset=applysets.kargo.dev/kargo-<prefix> -f <file> ...
//	  or, for a stage without files, delete what its parent records and reset the parent:
//	    kubectl delete <contains-group-kinds> -A -l applyset.kubernetes.io/part-of=<id> --wait=false
//	    kubectl apply --server-side --field-manager=kubectl-applyset -f - (as created)
//
// Step 1 labels the objects itself because --applyset requires --prune, and an apply
// without the label would remove it (the field manager kargo owns it), so a second
// apply would move every object's resourceVersion twice. Step 2 then re-applies the
// same content: it changes nothing but the parents and deletes what dir no longer holds.
//
// The first failing command stops it (like the shell's set -e). before, when not nil,
// runs before each stage of step 1: the tests use it to play the operators that create
// the run-time CRDs.
func ApplyStages(ctx context.Context, k Kubectl, dir string, runtimeWait time.Duration, before StageHook) error {
	if _, err := k.RunInput(ctx, ApplySetCRD, "apply", "--server-side", "--field-manager="+FieldManager, "-f", "-"); err != nil {
		return err
	}
	if _, err := k.Run(ctx, "wait", "--for", "condition=established", "--timeout="+CRDWaitTimeout, "crd/"+ApplySetResource); err != nil {
		return err
	}
	stageFiles := map[string][]string{}
	for _, s := range stage.All {
		prefix := s.Prefix()
		files, err := StageFiles(dir, prefix)
		if err != nil {
			return err
		}
		stageFiles[prefix] = files
		out, err := k.Run(ctx, "get", ApplySetResource, ParentName(prefix), "--ignore-not-found", "-o", "name")
		if err != nil {
			return err
		}
		if strings.TrimSpace(out) == "" {
			if _, err := k.RunInput(ctx, parentYAML(prefix), "apply", "--server-side", "--field-manager="+ApplySetFieldManager, "-f", "-"); err != nil {
				return err
			}
		}
	}
	tmp, err := os.MkdirTemp("", "kargo-apply-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	for _, s := range stage.All {
		prefix := s.Prefix()
		files := stageFiles[prefix]
		if before != nil {
			if err := before(ctx, prefix, files); err != nil {
				return fmt.Errorf("before stage %s: %w", prefix, err)
			}
		}
		if len(files) == 0 {
			continue
		}
		if s == stage.Runtime {
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
		args := []string{"label", "--local", "-o", "json"}
		for _, f := range files {
			args = append(args, "-f", f)
		}
		q := Kubectl{Kubeconfig: k.Kubeconfig, CacheDir: k.CacheDir} // no log: large output
		labelled, err := q.Run(ctx, append(args, PartOfLabel+"="+ApplySetID(ParentName(prefix)))...)
		if err != nil {
			return err
		}
		path := filepath.Join(tmp, prefix+".json")
		if err := os.WriteFile(path, []byte(labelled), 0o600); err != nil {
			return err
		}
		if _, err := k.Run(ctx, "apply", "--server-side", "--field-manager="+FieldManager, "-f", path); err != nil {
			return err
		}
		if s == stage.Foundation {
			if _, err := k.Run(ctx, "wait", "--for", "condition=established", "--timeout="+CRDWaitTimeout, "crd", "--all"); err != nil {
				return err
			}
		}
	}

	for i := len(stage.All) - 1; i >= 0; i-- {
		prefix := stage.All[i].Prefix()
		if err := PruneStage(ctx, k, prefix, stageFiles[prefix]); err != nil {
			return err
		}
	}
	return nil
}

// PruneStage deletes the objects of the stage's ApplySet that files no longer hold: it
// re-applies files with --prune --applyset, or, without files, deletes every object the
// parent records and resets the parent.
func PruneStage(ctx context.Context, k Kubectl, prefix string, files []string) error {
	if len(files) > 0 {
		args := []string{"apply", "--server-side", "--field-manager=" + FieldManager, "--prune", "--applyset=" + ApplySetResource + "/" + ParentName(prefix)}
		for _, f := range files {
			args = append(args, "-f", f)
		}
		k.Env = append(append([]string(nil), k.Env...), "KUBECTL_APPLYSET=true")
		_, err := k.Run(ctx, args...)
		return err
	}
	gks, err := k.Run(ctx, "get", ApplySetResource, ParentName(prefix), "-o", "jsonpath={.metadata.annotations.applyset\\.kubernetes\\.io/contains-group-kinds}")
	if err != nil {
		return err
	}
	if gks = strings.TrimSpace(gks); gks == "" {
		return nil
	}
	if _, err := k.Run(ctx, "delete", gks, "-A", "-l", PartOfLabel+"="+ApplySetID(ParentName(prefix)), "--wait=false"); err != nil {
		return err
	}
	_, err = k.RunInput(ctx, parentYAML(prefix), "apply", "--server-side", "--field-manager="+ApplySetFieldManager, "-f", "-")
	return err
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
