package images

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kargo-platform/kargo/constructs/aspect"
	"github.com/kargo-platform/kargo/internal/manifest"
)

// Ref is one place an object names an image.
type Ref struct {
	// Image is the reference as written (a docker:// URL for CDI imports).
	Image string
	// set replaces the reference in the object.
	set func(string)
}

// Rule names images an operator takes from its own workload's env or args — a module
// that knows them declares them (virt-operator and cdi-operator read their component
// images from env vars), so that kargo images lists them and image mirrors rewrite them.
type Rule struct {
	// Group and Kind of the workload (apps, Deployment); Name when set picks one.
	Group string
	Kind  string
	Name  string
	// Env lists env var names whose value is an image reference.
	Env []string
	// Args lists argument prefixes ("--image=") whose rest is an image reference.
	Args []string
}

func (r Rule) matches(o manifest.Object) bool {
	return o.Kind() == r.Kind && o.Group() == r.Group && (r.Name == "" || o.Name() == r.Name)
}

// containerLists are the keys under which a pod spec lists containers.
var containerLists = map[string]bool{"containers": true, "initContainers": true, "ephemeralContainers": true}

// Find returns every image reference in o, in a stable order: images of containers in
// any pod spec (wherever the object keeps it), KubeVirt containerDisk images, CDI
// registry sources (docker://...), and the env values and args the rules name.
func Find(o manifest.Object, rules ...Rule) []Ref {
	var refs []Ref
	var active []Rule
	for _, r := range rules {
		if r.matches(o) {
			active = append(active, r)
		}
	}
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch t := v.(type) {
		case map[string]any:
			if key == "containerDisk" {
				if s, ok := t["image"].(string); ok {
					m := t
					refs = append(refs, Ref{Image: s, set: func(n string) { m["image"] = n }})
				}
			}
			if key == "registry" {
				if s, ok := t["url"].(string); ok && strings.HasPrefix(s, "docker://") {
					m := t
					refs = append(refs, Ref{Image: s, set: func(n string) { m["url"] = n }})
				}
			}
			for _, k := range sortedKeys(t) {
				walk(t[k], k)
			}
		case []any:
			for _, e := range t {
				if m, ok := e.(map[string]any); ok && containerLists[key] {
					if s, ok := m["image"].(string); ok {
						c := m
						refs = append(refs, Ref{Image: s, set: func(n string) { c["image"] = n }})
					}
					refs = append(refs, fromRules(m, active)...)
				}
				walk(e, key)
			}
		}
	}
	walk(map[string]any(o), "")
	return refs
}

// fromRules returns the env values and args of container c that the rules name.
func fromRules(c map[string]any, rules []Rule) []Ref {
	var refs []Ref
	for _, r := range rules {
		env, _ := c["env"].([]any)
		for _, e := range env {
			em, _ := e.(map[string]any)
			name, _ := em["name"].(string)
			val, ok := em["value"].(string)
			if !ok || val == "" {
				continue
			}
			for _, want := range r.Env {
				if name == want {
					m := em
					refs = append(refs, Ref{Image: val, set: func(n string) { m["value"] = n }})
				}
			}
		}
		for _, key := range []string{"command", "args"} {
			list, _ := c[key].([]any)
			for i, a := range list {
				s, _ := a.(string)
				for _, prefix := range r.Args {
					if strings.HasPrefix(s, prefix) && len(s) > len(prefix) {
						l, i, prefix := list, i, prefix
						refs = append(refs, Ref{Image: s[len(prefix):], set: func(n string) { l[i] = prefix + n }})
					}
				}
			}
		}
	}
	return refs
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Use is one image and the objects that reference it.
type Use struct {
	Image   string
	Objects []manifest.ID
}

// List returns every image referenced by objs, sorted, each with the objects that use
// it (sorted, unique). CDI docker:// URLs are listed as image references.
func List(objs []manifest.Object, rules ...Rule) []Use {
	by := map[string]map[manifest.ID]bool{}
	for _, o := range objs {
		for _, r := range Find(o, rules...) {
			img := strings.TrimPrefix(r.Image, "docker://")
			if by[img] == nil {
				by[img] = map[manifest.ID]bool{}
			}
			by[img][o.ID()] = true
		}
	}
	out := make([]Use, 0, len(by))
	for img, ids := range by {
		u := Use{Image: img}
		for id := range ids {
			u.Objects = append(u.Objects, id)
		}
		sort.Slice(u.Objects, func(i, j int) bool { return u.Objects[i].String() < u.Objects[j].String() })
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Image < out[j].Image })
	return out
}

// Normalize writes a reference in full: docker.io/library/ for Docker Hub images
// without a registry or namespace.
func Normalize(ref string) string {
	first, rest, found := strings.Cut(ref, "/")
	switch {
	case !found:
		return "docker.io/library/" + ref
	case strings.ContainsAny(first, ".:") || first == "localhost":
		return ref
	default:
		return "docker.io/" + first + "/" + rest
	}
}

// Mirrors rewrites image references: a map from a registry prefix
// ("quay.io/kubevirt") to its replacement ("harbor.example/kubevirt"). The longest
// prefix that matches at a path boundary wins; references are compared in their
// normalized form, so "docker.io" matches "nginx:1.27".
type Mirrors map[string]string

// Rewriter is the aspect that applies Mirrors, also to the images Rules name.
type Rewriter struct {
	Mirrors Mirrors
	Rules   []Rule
}

var _ aspect.Aspect = Rewriter{}

// Visit implements aspect.Aspect.
func (w Rewriter) Visit(o manifest.Object) error {
	if len(w.Mirrors) == 0 {
		return nil
	}
	for _, r := range Find(o, w.Rules...) {
		if n, ok := w.Mirrors.Rewrite(r.Image); ok {
			r.set(n)
		}
	}
	return nil
}

// Validate checks the prefixes.
func (m Mirrors) Validate(path string) []error {
	var errs []error
	for _, k := range sortedStringKeys(m) {
		if k == "" || strings.ContainsAny(k, "@ ") || strings.HasSuffix(k, "/") {
			errs = append(errs, fmt.Errorf("%s[%s]: a registry prefix such as quay.io/kubevirt, without a trailing slash", path, k))
		}
		if v := m[k]; v == "" || strings.HasSuffix(v, "/") {
			errs = append(errs, fmt.Errorf("%s[%s]: replacement %q must be a registry prefix without a trailing slash", path, k, v))
		}
	}
	return errs
}

func sortedStringKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Rewrite returns ref rewritten by the longest matching prefix, and whether one matched.
func (m Mirrors) Rewrite(ref string) (string, bool) {
	scheme := ""
	if strings.HasPrefix(ref, "docker://") {
		scheme, ref = "docker://", strings.TrimPrefix(ref, "docker://")
	}
	full := Normalize(ref)
	best := ""
	for prefix := range m {
		p := Normalize(prefix)
		if !strings.Contains(prefix, "/") {
			p = prefix // a bare registry host
		}
		if (full == p || strings.HasPrefix(full, p+"/") || strings.HasPrefix(full, p+":") || strings.HasPrefix(full, p+"@")) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best == "" {
		return scheme + ref, false
	}
	p := Normalize(best)
	if !strings.Contains(best, "/") {
		p = best
	}
	return scheme + m[best] + strings.TrimPrefix(full, p), true
}
