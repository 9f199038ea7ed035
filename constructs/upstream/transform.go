package upstream

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// Transform changes the objects of a manifest.
type Transform interface {
	Apply(objs []manifest.Object) ([]manifest.Object, error)
}

// Selector picks objects by group, kind, namespace and name; an empty field matches
// anything. Kind is required.
type Selector struct {
	Group     string
	Kind      string
	Namespace string
	Name      string
}

// Matches reports whether o is selected.
func (s Selector) Matches(o manifest.Object) bool {
	return o.Kind() == s.Kind &&
		(s.Group == "" || o.Group() == s.Group) &&
		(s.Namespace == "" || o.Namespace() == s.Namespace) &&
		(s.Name == "" || o.Name() == s.Name)
}

func (s Selector) String() string {
	id := manifest.ID{Group: s.Group, Kind: s.Kind, Namespace: s.Namespace, Name: s.Name}
	if s.Name == "" {
		id.Name = "*"
	}
	return id.String()
}

// Drop removes the selected objects. With Required set, selecting nothing is an error
// (the upstream file changed shape).
type Drop struct {
	Selector
	Required bool
}

var _ Transform = Drop{}

// Apply implements Transform.
func (d Drop) Apply(objs []manifest.Object) ([]manifest.Object, error) {
	out := objs[:0:0]
	for _, o := range objs {
		if !d.Matches(o) {
			out = append(out, o)
		}
	}
	if d.Required && len(out) == len(objs) {
		return nil, fmt.Errorf("drop %s: no such object in the manifest", d.Selector)
	}
	return out, nil
}

// Scope tells whether a kind is namespaced; known is false for a kind it cannot place.
type Scope func(group, kind string) (namespaced, known bool)

// SetNamespace sets Namespace on every namespaced object that has none, never on a
// cluster-scoped one. An object that names another namespace is an error unless
// Override is set, which moves it. The scope of kinds whose CRD is in the manifest
// itself comes from that CRD.
type SetNamespace struct {
	Namespace string
	Scope     Scope
	Override  bool
}

var _ Transform = SetNamespace{}

// Apply implements Transform.
func (s SetNamespace) Apply(objs []manifest.Object) ([]manifest.Object, error) {
	local := crdScopes(objs)
	var errs []string
	for _, o := range objs {
		gk := o.Group() + "/" + o.Kind()
		namespaced, known := false, false
		if ns, ok := local[gk]; ok {
			namespaced, known = ns, true
		} else if s.Scope != nil {
			namespaced, known = s.Scope(o.Group(), o.Kind())
		}
		if !known {
			errs = append(errs, fmt.Sprintf("%s: unknown kind, cannot tell whether it is namespaced", o.ID()))
			continue
		}
		cur := o.Namespace()
		switch {
		case !namespaced && cur != "":
			errs = append(errs, fmt.Sprintf("%s: cluster-scoped object names namespace %q", o.ID(), cur))
		case !namespaced:
		case cur == "" || cur == s.Namespace:
			o.Metadata(true)["namespace"] = s.Namespace
		case s.Override:
			o.Metadata(true)["namespace"] = s.Namespace
		default:
			errs = append(errs, fmt.Sprintf("%s: names namespace %q, the module's is %q", o.ID(), cur, s.Namespace))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("set namespace %s:\n  %s", s.Namespace, strings.Join(errs, "\n  "))
	}
	return objs, nil
}

// crdScopes maps "group/Kind" to namespaced for the CRDs among objs.
func crdScopes(objs []manifest.Object) map[string]bool {
	out := map[string]bool{}
	for _, o := range objs {
		if o.Kind() != "CustomResourceDefinition" || o.Group() != "apiextensions.k8s.io" {
			continue
		}
		g, _ := o.LookupString("spec", "group")
		k, _ := o.LookupString("spec", "names", "kind")
		scope, _ := o.LookupString("spec", "scope")
		out[g+"/"+k] = scope == "Namespaced"
	}
	return out
}

// Patch applies RFC 6902 JSON patch operations to the selected object, which must
// exist exactly once.
type Patch struct {
	Selector
	Ops []Op
}

var _ Transform = Patch{}

// Apply implements Transform.
func (p Patch) Apply(objs []manifest.Object) ([]manifest.Object, error) {
	o, err := selectOne(objs, p.Selector)
	if err != nil {
		return nil, fmt.Errorf("patch: %w", err)
	}
	for i, op := range p.Ops {
		if err := op.apply(o); err != nil {
			return nil, fmt.Errorf("patch %s: op %d (%s %s): %w", o.ID(), i, op.Op, op.Path, err)
		}
	}
	return objs, nil
}

func selectOne(objs []manifest.Object, s Selector) (manifest.Object, error) {
	var found manifest.Object
	n := 0
	for _, o := range objs {
		if s.Matches(o) {
			found = o
			n++
		}
	}
	switch n {
	case 0:
		return nil, fmt.Errorf("%s: no such object in the manifest", s)
	case 1:
		return found, nil
	}
	return nil, fmt.Errorf("%s: %d objects match; name one", s, n)
}

// Edit edits the selected object (exactly one) as the typed API struct T — e.g.
// appsv1.DaemonSet — so transforms are written against real field names. Only what fn
// changes is written back: fields T does not know, and zero values T would add, stay as
// upstream has them.
func Edit[T any](s Selector, fn func(*T) error) Transform {
	return editor[T]{s: s, fn: fn}
}

type editor[T any] struct {
	s  Selector
	fn func(*T) error
}

func (e editor[T]) Apply(objs []manifest.Object) ([]manifest.Object, error) {
	o, err := selectOne(objs, e.s)
	if err != nil {
		return nil, fmt.Errorf("edit: %w", err)
	}
	raw, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("edit %s: %w", o.ID(), err)
	}
	var typed T
	if err := json.Unmarshal(raw, &typed); err != nil {
		return nil, fmt.Errorf("edit %s as %T: %w", o.ID(), typed, err)
	}
	before, err := manifest.FromTyped(&typed)
	if err != nil {
		return nil, err
	}
	if err := e.fn(&typed); err != nil {
		return nil, fmt.Errorf("edit %s: %w", o.ID(), err)
	}
	after, err := manifest.FromTyped(&typed)
	if err != nil {
		return nil, err
	}
	applyMerge(map[string]any(o), mergeDiff(before, after))
	return objs, nil
}
