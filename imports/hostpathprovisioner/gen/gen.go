package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"sort"
	"strings"
	"unicode"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// options say what to generate.
type options struct {
	file    string // the YAML file (only for main)
	name    string // metadata.name of the CRD; empty when the file holds one CRD
	version string // the CRD version whose schema is generated
	pkg     string // package clause of the output
}

// schema is the part of a structural OpenAPI v3 schema the generator reads.
type schema struct {
	Type                  string             `json:"type,omitempty"`
	Format                string             `json:"format,omitempty"`
	Description           string             `json:"description,omitempty"`
	Properties            map[string]*schema `json:"properties,omitempty"`
	Required              []string           `json:"required,omitempty"`
	Items                 *schema            `json:"items,omitempty"`
	AdditionalProperties  *additional        `json:"additionalProperties,omitempty"`
	AnyOf                 []*schema          `json:"anyOf,omitempty"`
	IntOrString           bool               `json:"x-kubernetes-int-or-string,omitempty"`
	PreserveUnknownFields bool               `json:"x-kubernetes-preserve-unknown-fields,omitempty"`
}

// additional is additionalProperties: a boolean or a schema.
type additional struct {
	Allows bool
	Schema *schema
}

func (a *additional) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "true":
		a.Allows = true
		return nil
	case "false":
		return nil
	}
	a.Allows = true
	return json.Unmarshal(b, &a.Schema)
}

func (a additional) MarshalJSON() ([]byte, error) {
	if a.Schema != nil {
		return json.Marshal(a.Schema)
	}
	return json.Marshal(a.Allows)
}

// structType is one generated struct: the schemas it stands for are identical.
type structType struct {
	schema *schema
	key    string     // the schema's canonical JSON: identical schemas share a type
	parts  [][]string // name parts (Kind first) of every path the type is used at
	paths  []string   // the JSON paths, for the doc comment
	level  int        // how many parent parts the name carries
	name   string
	fields []goField
}

type goField struct {
	goName, jsonName, doc string
	typ                   *typeExpr
	required              bool
}

// typeExpr is a Go type, rendered once the struct names are known.
type typeExpr struct {
	basic string      // a predeclared or imported type
	ref   *structType // a generated struct
	slice *typeExpr
	mapOf *typeExpr
	ptr   bool
}

type generator struct {
	kind    string
	structs []*structType
	byKey   map[string]*structType
	imports map[string]bool
}

// generate returns the Go source for the CRD in data (a multi-document YAML stream).
func generate(data []byte, o options) ([]byte, error) {
	crd, err := findCRD(data, o.name)
	if err != nil {
		return nil, err
	}
	crdName := crd.Name()
	kind, _ := crd.LookupString("spec", "names", "kind")
	if kind == "" {
		return nil, fmt.Errorf("crd %s: no spec.names.kind", crdName)
	}
	root, err := versionSchema(crd, o.version)
	if err != nil {
		return nil, fmt.Errorf("crd %s: %w", crdName, err)
	}
	g := &generator{kind: kind, byKey: map[string]*structType{}, imports: map[string]bool{}}
	var props []string
	for p := range root.Properties {
		switch p {
		case "apiVersion", "kind", "metadata":
			continue
		}
		props = append(props, p)
	}
	sort.Strings(props)
	if len(props) == 0 {
		return nil, fmt.Errorf("crd %s: version %s: the schema has no properties besides apiVersion, kind and metadata", crdName, o.version)
	}
	for _, p := range props {
		s := root.Properties[p]
		// The root's own type is written by hand: only its object properties (spec,
		// status) are generated.
		if s.Type == "object" && len(s.Properties) > 0 {
			if _, err := g.typeOf(s, []string{kind, goName(p)}, p, true); err != nil {
				return nil, err
			}
		}
	}
	g.name()
	return g.render(crdName, o)
}

// findCRD returns the CustomResourceDefinition named name in data, or the only one when
// name is empty.
func findCRD(data []byte, name string) (manifest.Object, error) {
	objs, err := manifest.ParseYAML(data, "crd file")
	if err != nil {
		return nil, err
	}
	var found []manifest.Object
	var names []string
	for _, o := range objs {
		if o.Kind() != "CustomResourceDefinition" || o.Group() != "apiextensions.k8s.io" {
			continue
		}
		names = append(names, o.Name())
		if name == "" || o.Name() == name {
			found = append(found, o)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(names) == 0:
		return nil, fmt.Errorf("no CustomResourceDefinition in the file")
	case len(found) == 0:
		return nil, fmt.Errorf("no CustomResourceDefinition %q in the file; it holds %s", name, strings.Join(names, ", "))
	}
	return nil, fmt.Errorf("%d CustomResourceDefinitions in the file (%s): pick one with -name", len(found), strings.Join(names, ", "))
}

// versionSchema returns the openAPIV3Schema of version in crd.
func versionSchema(crd manifest.Object, version string) (*schema, error) {
	versions, _ := crd.Lookup("spec", "versions")
	list, _ := versions.([]any)
	var have []string
	for _, v := range list {
		m, _ := v.(map[string]any)
		name, _ := m["name"].(string)
		have = append(have, name)
		if name != version {
			continue
		}
		raw, ok := manifest.Object(m).Lookup("schema", "openAPIV3Schema")
		if !ok {
			return nil, fmt.Errorf("version %s has no schema.openAPIV3Schema", version)
		}
		data, err := json.Marshal(raw)
		if err != nil {
			return nil, err
		}
		var s schema
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, fmt.Errorf("version %s: schema: %w", version, err)
		}
		return &s, nil
	}
	return nil, fmt.Errorf("no version %q; the CRD has %s", version, strings.Join(have, ", "))
}

// typeOf returns the Go type of s, found at the JSON path jsonPath with the name parts
// parts; required fields of structs and int-or-strings are values, optional ones
// pointers.
func (g *generator) typeOf(s *schema, parts []string, jsonPath string, required bool) (*typeExpr, error) {
	if s.IntOrString {
		g.imports["k8s.io/apimachinery/pkg/util/intstr"] = true
		return &typeExpr{basic: "intstr.IntOrString", ptr: !required}, nil
	}
	switch s.Type {
	case "object":
		switch {
		case len(s.Properties) > 0:
			t, err := g.structOf(s, parts, jsonPath)
			if err != nil {
				return nil, err
			}
			return &typeExpr{ref: t, ptr: !required}, nil
		case s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil:
			elem, err := g.typeOf(s.AdditionalProperties.Schema, append(clone(parts[:len(parts)-1]), parts[len(parts)-1]+"Value"), jsonPath+"[*]", true)
			if err != nil {
				return nil, err
			}
			return &typeExpr{mapOf: elem}, nil
		}
		return &typeExpr{mapOf: &typeExpr{basic: "any"}}, nil
	case "array":
		if s.Items == nil {
			g.imports["encoding/json"] = true
			return &typeExpr{slice: &typeExpr{basic: "json.RawMessage"}}, nil
		}
		last := len(parts) - 1
		elem, err := g.typeOf(s.Items, append(clone(parts[:last]), singular(parts[last])), jsonPath+"[]", true)
		if err != nil {
			return nil, err
		}
		return &typeExpr{slice: elem}, nil
	case "string":
		return &typeExpr{basic: "string"}, nil
	case "boolean":
		return &typeExpr{basic: "bool"}, nil
	case "number":
		return &typeExpr{basic: "float64"}, nil
	case "integer":
		if s.Format == "int32" {
			return &typeExpr{basic: "int32"}, nil
		}
		return &typeExpr{basic: "int64"}, nil
	case "":
		g.imports["encoding/json"] = true
		return &typeExpr{basic: "json.RawMessage"}, nil
	}
	return nil, fmt.Errorf("%s: unsupported type %q", jsonPath, s.Type)
}

// structOf returns the struct for s, shared with every identical schema.
func (g *generator) structOf(s *schema, parts []string, jsonPath string) (*structType, error) {
	key, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	if t, ok := g.byKey[string(key)]; ok {
		t.parts = append(t.parts, parts)
		t.paths = append(t.paths, jsonPath)
		return t, nil
	}
	t := &structType{schema: s, key: string(key), parts: [][]string{parts}, paths: []string{jsonPath}}
	if len(parts) == 2 {
		t.level = 1 // the root's properties carry the kind: HostPathProvisionerSpec
	}
	g.byKey[t.key] = t
	g.structs = append(g.structs, t)

	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	var props []string
	for p := range s.Properties {
		props = append(props, p)
	}
	sort.Strings(props)
	seen := map[string]string{}
	for _, p := range props {
		name := goName(p)
		if prev, dup := seen[name]; dup {
			return nil, fmt.Errorf("%s: properties %q and %q both become the Go field %s", jsonPath, prev, p, name)
		}
		seen[name] = p
		typ, err := g.typeOf(s.Properties[p], append(clone(parts), name), jsonPath+"."+p, required[p])
		if err != nil {
			return nil, err
		}
		t.fields = append(t.fields, goField{goName: name, jsonName: p, doc: s.Properties[p].Description, typ: typ, required: required[p]})
	}
	return t, nil
}

func clone(s []string) []string { return append([]string(nil), s...) }

// name gives every struct a unique name: the last name part (Kind + field for the root's
// properties), qualified with parent parts as long as two different structs would share
// a name. The kind itself and its List are taken by the hand-written types.
func (g *generator) name() {
	reserved := map[string]bool{g.kind: true, g.kind + "List": true}
	candidate := func(t *structType) string {
		p := t.parts[0]
		return strings.Join(p[len(p)-1-t.level:], "")
	}
	for {
		byName := map[string][]*structType{}
		for _, t := range g.structs {
			n := candidate(t)
			byName[n] = append(byName[n], t)
		}
		bumped := false
		for n, ts := range byName {
			if len(ts) == 1 && !reserved[n] {
				continue
			}
			for _, t := range ts {
				if t.level < len(t.parts[0])-1 {
					t.level++
					bumped = true
				}
			}
		}
		if !bumped {
			break
		}
	}
	used := map[string]bool{}
	for n := range reserved {
		used[n] = true
	}
	for _, t := range g.structs {
		n := candidate(t)
		// Only paths that join to the same text are left: number them in walk order.
		for i := 2; used[n]; i++ {
			n = fmt.Sprintf("%s%d", candidate(t), i)
		}
		used[n] = true
		t.name = n
	}
}

func (g *generator) render(crdName string, o options) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by imports/hostpathprovisioner/gen from the CustomResourceDefinition %s, version %s. DO NOT EDIT.\n\n", crdName, o.version)
	fmt.Fprintf(&b, "package %s\n\n", o.pkg)
	if len(g.imports) > 0 {
		var imps []string
		for i := range g.imports {
			imps = append(imps, i)
		}
		sort.Slice(imps, func(i, j int) bool {
			if isStd(imps[i]) != isStd(imps[j]) {
				return isStd(imps[i])
			}
			return imps[i] < imps[j]
		})
		// The standard library first, then a blank line and the rest, as goimports does.
		b.WriteString("import (\n")
		for n, i := range imps {
			if n > 0 && isStd(imps[n-1]) && !isStd(i) {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "\t%q\n", i)
		}
		b.WriteString(")\n\n")
	}
	for _, t := range g.structs {
		writeDoc(&b, "", typeDoc(t, g.kind))
		fmt.Fprintf(&b, "type %s struct {\n", t.name)
		for i, f := range t.fields {
			if i > 0 && (f.doc != "" || t.fields[i-1].doc != "") {
				b.WriteString("\n")
			}
			writeDoc(&b, "\t", f.doc)
			tag := f.jsonName
			if !f.required {
				tag += ",omitempty"
			}
			fmt.Fprintf(&b, "\t%s %s `json:%q`\n", f.goName, f.typ.String(), tag)
		}
		b.WriteString("}\n\n")
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format generated code: %w", err)
	}
	return src, nil
}

// isStd reports whether an import path is in the standard library (no dot in its first
// element).
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// typeDoc is the doc comment of a struct: where the schema is, then its description.
func typeDoc(t *structType, kind string) string {
	where := t.name + " is " + t.paths[0]
	switch n := len(t.paths); {
	case n == 2:
		where += " and " + t.paths[1]
	case n > 2:
		where += fmt.Sprintf(" (and %d more paths)", n-1)
	}
	where += " of " + kind + "."
	if t.schema.Description == "" {
		return where
	}
	return where + "\n\n" + t.schema.Description
}

func writeDoc(b *bytes.Buffer, indent, doc string) {
	doc = strings.TrimRight(doc, " \t\n")
	if doc == "" {
		return
	}
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			fmt.Fprintf(b, "%s//\n", indent)
			continue
		}
		fmt.Fprintf(b, "%s// %s\n", indent, line)
	}
}

func (t *typeExpr) String() string {
	var s string
	switch {
	case t.slice != nil:
		s = "[]" + t.slice.String()
	case t.mapOf != nil:
		s = "map[string]" + t.mapOf.String()
	case t.ref != nil:
		s = t.ref.name
	default:
		s = t.basic
	}
	if t.ptr {
		return "*" + s
	}
	return s
}

// initialisms are written in capitals in Go names (as golint's list, plus Kubernetes
// storage terms).
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSI": true, "CSS": true, "DNS": true,
	"EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true,
	"JSON": true, "PV": true, "PVC": true, "QPS": true, "RAM": true, "RPC": true, "SLA": true,
	"SMTP": true, "SQL": true, "SSH": true, "TCP": true, "TLS": true, "TTL": true, "UDP": true,
	"UI": true, "UID": true, "UUID": true, "URI": true, "URL": true, "UTF8": true, "VM": true,
	"XML": true,
}

// goName turns a JSON property name into an exported Go identifier: words split at
// case changes and at anything but letters and digits, initialisms in capitals.
func goName(s string) string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = nil
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && len(cur) > 0:
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	var b strings.Builder
	for _, w := range words {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		b.WriteString(string(unicode.ToUpper(r[0])) + string(r[1:]))
	}
	name := b.String()
	if name == "" || !unicode.IsLetter([]rune(name)[0]) {
		name = "X" + name
	}
	return name
}

// singular names the items of an array from the array's Go name: StoragePools →
// StoragePool, Statuses → Status, Policies → Policy; a name that is not an English
// plural gets Item appended.
func singular(name string) string {
	switch {
	case strings.HasSuffix(name, "ies"):
		return strings.TrimSuffix(name, "ies") + "y"
	case strings.HasSuffix(name, "uses"), strings.HasSuffix(name, "sses"), strings.HasSuffix(name, "xes"),
		strings.HasSuffix(name, "ches"), strings.HasSuffix(name, "shes"):
		return strings.TrimSuffix(name, "es")
	case strings.HasSuffix(name, "ss"):
		return name + "Item"
	case strings.HasSuffix(name, "s"):
		return strings.TrimSuffix(name, "s")
	}
	return name + "Item"
}
