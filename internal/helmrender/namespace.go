package helmrender

import (
	"fmt"

	"github.com/kargo-platform/kargo/internal/kinds"
)

// builtinKinds answers scope questions for the kinds built into the API server.
var builtinKinds = kinds.NewTable()

// scopes tells namespaced kinds from cluster-scoped ones: built-in kinds first, then the
// CustomResourceDefinitions the chart renders (crds/ files and templates), then the
// caller's function.
type scopes struct {
	crds  map[kinds.GroupKind]bool // namespaced, by the CRD's group and kind
	extra func(group, kind string) (namespaced, known bool)
}

func newScopes(objs []rendered, extra func(group, kind string) (bool, bool)) (*scopes, error) {
	s := &scopes{crds: map[kinds.GroupKind]bool{}, extra: extra}
	for _, r := range objs {
		o := r.obj
		if o.Group() != "apiextensions.k8s.io" || o.Kind() != "CustomResourceDefinition" {
			continue
		}
		group, _ := o.LookupString("spec", "group")
		kind, _ := o.LookupString("spec", "names", "kind")
		scope, _ := o.LookupString("spec", "scope")
		if group == "" || kind == "" {
			return nil, fmt.Errorf("%s: CustomResourceDefinition %s has no spec.group or spec.names.kind", r.source, o.Name())
		}
		switch scope {
		case "Namespaced", "Cluster":
		default:
			return nil, fmt.Errorf("%s: CustomResourceDefinition %s: spec.scope is %q, want Namespaced or Cluster", r.source, o.Name(), scope)
		}
		s.crds[kinds.GroupKind{Group: group, Kind: kind}] = scope == "Namespaced"
	}
	return s, nil
}

// namespaced reports whether gk is namespaced and whether its scope is known.
func (s *scopes) namespaced(gk kinds.GroupKind) (namespaced, known bool) {
	if ns, ok := builtinKinds.Namespaced(gk); ok {
		return ns, true
	}
	if ns, ok := s.crds[gk]; ok {
		return ns, true
	}
	if s.extra != nil {
		return s.extra(gk.Group, gk.Kind)
	}
	return false, false
}

// fixNamespace gives a namespaced object without a namespace the release namespace and
// removes the namespace of a cluster-scoped one (returning a warning). An explicit
// namespace of a namespaced object is kept. An object of unknown scope is an error.
func (s *scopes) fixNamespace(r rendered, releaseNamespace string) (warning string, err error) {
	o := r.obj
	gk := kinds.GroupKind{Group: o.Group(), Kind: o.Kind()}
	namespaced, known := s.namespaced(gk)
	if !known {
		return "", fmt.Errorf("%s: kind %s (%s) is unknown: it is not built in, not a CustomResourceDefinition of this chart, and Options.Namespaced does not know it, so its scope (namespaced or cluster-wide) is unknown", r.source, gk, o.APIVersion())
	}
	md := o.Metadata(true)
	ns, _ := md["namespace"].(string)
	switch {
	case namespaced && ns == "":
		md["namespace"] = releaseNamespace
	case !namespaced:
		if _, set := md["namespace"]; set {
			delete(md, "namespace")
			if ns != "" {
				return fmt.Sprintf("%s: %s is cluster-scoped; removed metadata.namespace %q", r.source, o.ID(), ns), nil
			}
		}
	}
	return "", nil
}
