package manifest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Object is one Kubernetes object as JSON-compatible data. Maps are map[string]any,
// lists []any; numbers are float64, int64 or json.Number.
type Object map[string]any

// ID identifies an object in a cluster: two objects with the same ID are the same object.
type ID struct {
	Group     string
	Kind      string
	Namespace string
	Name      string
}

// String renders the ID as "group/Kind namespace/name" ("Kind name" for the core group
// and cluster-scoped objects).
func (id ID) String() string {
	var b strings.Builder
	if id.Group != "" {
		b.WriteString(id.Group)
		b.WriteByte('/')
	}
	b.WriteString(id.Kind)
	b.WriteByte(' ')
	if id.Namespace != "" {
		b.WriteString(id.Namespace)
		b.WriteByte('/')
	}
	b.WriteString(id.Name)
	return b.String()
}

// APIVersion returns apiVersion.
func (o Object) APIVersion() string { s, _ := o["apiVersion"].(string); return s }

// Kind returns kind.
func (o Object) Kind() string { s, _ := o["kind"].(string); return s }

// Group returns the API group of apiVersion ("" for the core group).
func (o Object) Group() string {
	g, _, found := strings.Cut(o.APIVersion(), "/")
	if !found {
		return ""
	}
	return g
}

// Metadata returns the metadata map, creating it when create is true.
func (o Object) Metadata(create bool) map[string]any {
	m, ok := o["metadata"].(map[string]any)
	if !ok && create {
		m = map[string]any{}
		o["metadata"] = m
	}
	return m
}

// Name returns metadata.name.
func (o Object) Name() string { s, _ := o.Metadata(false)["name"].(string); return s }

// Namespace returns metadata.namespace.
func (o Object) Namespace() string { s, _ := o.Metadata(false)["namespace"].(string); return s }

// ID returns the object's identity.
func (o Object) ID() ID {
	return ID{Group: o.Group(), Kind: o.Kind(), Namespace: o.Namespace(), Name: o.Name()}
}

// StringMap returns the map[string]any at metadata.<field> ("labels", "annotations"),
// creating it when create is true.
func (o Object) StringMap(field string, create bool) map[string]any {
	md := o.Metadata(create)
	if md == nil {
		return nil
	}
	m, ok := md[field].(map[string]any)
	if !ok && create {
		m = map[string]any{}
		md[field] = m
	}
	return m
}

// Lookup returns the value at path (map keys) and whether it exists.
func (o Object) Lookup(path ...string) (any, bool) {
	var cur any = map[string]any(o)
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// LookupString returns the string at path and whether there is one.
func (o Object) LookupString(path ...string) (string, bool) {
	v, ok := o.Lookup(path...)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// Validate checks the fields every object must have.
func (o Object) Validate() error {
	var missing []string
	if o.APIVersion() == "" {
		missing = append(missing, "apiVersion")
	}
	if o.Kind() == "" {
		missing = append(missing, "kind")
	}
	if o.Name() == "" {
		missing = append(missing, "metadata.name")
	}
	if len(missing) > 0 {
		return fmt.Errorf("object %s: missing %s", o.ID(), strings.Join(missing, ", "))
	}
	return nil
}

// FromTyped converts a typed API struct (k8s.io/api, kubevirt.io/api, ...) into an
// Object. JSON nulls are dropped (they mean "unset": creationTimestamp and friends), and
// so is a top-level status, which authored objects never set.
func FromTyped(v any) (Object, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	return FromJSON(data)
}

// FromJSON decodes one JSON object, dropping nulls and a top-level status. Numbers
// become float64, as they would crossing into cdk8s.
func FromJSON(data []byte) (Object, error) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode object: %w", err)
	}
	o := Object(m)
	o.Tidy()
	return o, nil
}

// Tidy removes what an object applied to a cluster never carries: JSON nulls (unset
// fields such as creationTimestamp: null in generated manifests) and a top-level status.
func (o Object) Tidy() {
	dropNulls(map[string]any(o))
	delete(o, "status")
}

func dropNulls(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
				continue
			}
			dropNulls(e)
		}
	case []any:
		for _, e := range t {
			dropNulls(e)
		}
	}
}
