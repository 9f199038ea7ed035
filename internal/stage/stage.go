package stage

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kargo-platform/kargo/internal/kinds"
	"github.com/kargo-platform/kargo/internal/manifest"
)

// Stage is one apply stage; stages are applied in increasing order.
type Stage int

// The stages, in apply order.
const (
	// Foundation holds CustomResourceDefinitions and Namespaces.
	Foundation Stage = iota
	// Cluster holds built-in kinds: RBAC, operators, services, storage classes, ...
	Cluster
	// Resources holds custom resources whose CRDs ship in dist/.
	Resources
	// Runtime holds custom resources whose CRDs an operator creates at run time
	// (KubeVirt VirtualMachines, CDI DataVolumes, ...): apply them after that operator runs.
	Runtime
)

// All lists the stages in apply order.
var All = []Stage{Foundation, Cluster, Resources, Runtime}

// Prefix is the file name prefix of the stage: "00-crds", "10-cluster", ...
func (s Stage) Prefix() string {
	return fmt.Sprintf("%d0-%s", int(s), s.Name())
}

// Name is the stage's short name.
func (s Stage) Name() string {
	switch s {
	case Foundation:
		return "crds"
	case Cluster:
		return "cluster"
	case Resources:
		return "resources"
	case Runtime:
		return "runtime"
	}
	return "stage" + strconv.Itoa(int(s))
}

// Description says what the stage holds.
func (s Stage) Description() string {
	switch s {
	case Foundation:
		return "CustomResourceDefinitions and Namespaces"
	case Cluster:
		return "built-in kinds: RBAC, operators, services, storage"
	case Resources:
		return "custom resources whose CRDs ship in dist/"
	case Runtime:
		return "custom resources whose CRDs an operator creates at run time"
	}
	return ""
}

// Argo CD annotations written on every object.
const (
	SyncWaveAnnotation    = "argocd.argoproj.io/sync-wave"
	SyncOptionsAnnotation = "argocd.argoproj.io/sync-options"
	// SkipDryRun lets Argo CD sync an object whose CRD does not exist yet.
	SkipDryRun = "SkipDryRunOnMissingResource=true"
)

// Classifier assigns stages.
type Classifier struct {
	kinds *kinds.Table
	crds  map[kinds.GroupKind]bool
}

// NewClassifier returns a classifier for one output: objs are all the objects of that
// output (the CRDs among them decide which custom resources are in Resources); provided
// lists APIs ("group/version/Kind") that enabled modules install, whose objects are in
// Resources too (when a module is synthesized alone, its CRDs are not in the output).
func NewClassifier(table *kinds.Table, objs []manifest.Object, provided ...string) *Classifier {
	c := &Classifier{kinds: table, crds: map[kinds.GroupKind]bool{}}
	for _, api := range provided {
		parts := strings.Split(api, "/")
		if len(parts) == 3 {
			c.crds[kinds.GroupKind{Group: parts[0], Kind: parts[2]}] = true
		}
	}
	for _, o := range objs {
		if o.Group() != "apiextensions.k8s.io" || o.Kind() != "CustomResourceDefinition" {
			continue
		}
		group, _ := o.LookupString("spec", "group")
		kind, _ := o.LookupString("spec", "names", "kind")
		c.crds[kinds.GroupKind{Group: group, Kind: kind}] = true
	}
	return c
}

// Stage returns the stage of o, or an error for a custom kind that has neither a CRD in
// the output nor an operator known to create one.
func (c *Classifier) Stage(o manifest.Object) (Stage, error) {
	gk := kinds.GroupKind{Group: o.Group(), Kind: o.Kind()}
	switch {
	case gk == kinds.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"},
		gk == kinds.GroupKind{Kind: "Namespace"}:
		return Foundation, nil
	case c.kinds.Builtin(gk):
		return Cluster, nil
	case c.crds[gk]:
		return Resources, nil
	}
	if cu, ok := c.kinds.Custom(gk); ok && cu.CreatedAtRuntimeBy != "" {
		return Runtime, nil
	}
	return 0, fmt.Errorf("%s: no CustomResourceDefinition for %s in the output, and no operator kargo knows creates it at run time; enable the module that provides %s", o.ID(), gk, gk)
}

// Annotate writes the stage's Argo CD annotations on o: the sync wave always, and
// SkipDryRunOnMissingResource for the run-time stage.
func Annotate(o manifest.Object, s Stage) {
	ann := o.StringMap("annotations", true)
	ann[SyncWaveAnnotation] = strconv.Itoa(int(s))
	if s != Runtime {
		return
	}
	switch cur, _ := ann[SyncOptionsAnnotation].(string); {
	case cur == "":
		ann[SyncOptionsAnnotation] = SkipDryRun
	case !strings.Contains(cur, SkipDryRun):
		ann[SyncOptionsAnnotation] = cur + "," + SkipDryRun
	}
}
