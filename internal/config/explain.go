package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/kargo-platform/kargo/internal/suggest"

	"github.com/kargo-platform/kargo/constructs/platform"
)

// Field is one config key as kargo explain shows it: read from the same Go types and
// defaults the decoder uses, so the two cannot drift.
type Field struct {
	// Path is the full key path (modules.vm.ssh_user).
	Path string
	// Type is a YAML-ish type name: string, bool, int, list of string, map of string, ...
	Type string
	// Default is the default value as YAML flow text.
	Default string
	// Doc is the field's documentation.
	Doc string
	// Leaf is false for sections with fields of their own.
	Leaf bool
}

// Describe lists the fields at and under path ("vm", "vm.ssh_user", "kubernetes",
// "modules.talos.controlplane"); a bare module name is looked up under modules.
func Describe(reg *platform.Registry, path string) ([]Field, error) {
	root := Default(reg)
	path = strings.TrimPrefix(path, ".")
	segs := strings.Split(path, ".")
	if path == "" {
		return walk(reflect.ValueOf(*root), "", reg), nil
	}
	if _, ok := reg.Get(segs[0]); ok {
		segs = append([]string{"modules"}, segs...)
	}
	// Find the value at the path.
	v := reflect.ValueOf(*root)
	var cur []string
	for i, s := range segs {
		if v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		switch {
		case i == 1 && segs[0] == "modules":
			mc, ok := root.Modules[s]
			if !ok {
				return nil, unknownPath(strings.Join(append(cur, s), "."), s, reg.Names())
			}
			v = reflect.ValueOf(mc)
		case v.Kind() == reflect.Struct:
			f, ok := fieldByKey(v.Type(), s)
			if !ok {
				var keys []string
				for _, fi := range fields(v.Type()) {
					keys = append(keys, fi.key)
				}
				return nil, unknownPath(strings.Join(append(cur, s), "."), s, keys)
			}
			v = v.FieldByIndex(f.index)
		default:
			return nil, fmt.Errorf("%s has no fields", strings.Join(cur, "."))
		}
		cur = append(cur, s)
	}
	self := describeValue(strings.Join(cur, "."), v, docAt(reg, segs))
	out := []Field{self}
	if !self.Leaf {
		out = append(out, walk(v, self.Path, reg)...)
	}
	return out, nil
}

func unknownPath(path, key string, valid []string) error {
	msg := fmt.Sprintf("%s: unknown key", path)
	if best := suggest.Likely(key, valid); best != "" {
		msg += fmt.Sprintf("; did you mean %q?", best)
	} else {
		sort.Strings(valid)
		msg += "; valid: " + strings.Join(valid, ", ")
	}
	return fmt.Errorf("%s", msg)
}

func fieldByKey(t reflect.Type, key string) (fieldInfo, bool) {
	for _, f := range fields(t) {
		if f.key == key {
			return f, true
		}
	}
	return fieldInfo{}, false
}

// docAt returns the doc of the field at segs.
func docAt(reg *platform.Registry, segs []string) string {
	if len(segs) == 2 && segs[0] == "modules" {
		if m, ok := reg.Get(segs[1]); ok {
			return moduleDoc(m)
		}
	}
	t := reflect.TypeOf(Config{})
	var doc string
	for i, s := range segs {
		if i == 1 && segs[0] == "modules" {
			m, _ := reg.Get(s)
			t = m.ConfigType()
			continue
		}
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Map || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return doc
		}
		f, ok := fieldByKey(t, s)
		if !ok {
			return doc
		}
		doc, t = f.doc, f.typ
	}
	return doc
}

func moduleDoc(m platform.Module) string {
	doc := m.Doc()
	if reqs := m.Requires(); len(reqs) > 0 {
		doc += " Requires: " + strings.Join(reqs, ", ") + "."
	}
	return doc
}

// walk lists the fields under v (a struct or the modules map), depth-first.
func walk(v reflect.Value, prefix string, reg *platform.Registry) []Field {
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	var out []Field
	switch {
	case v.Kind() == reflect.Map && v.Type().Elem() == reflect.TypeOf((*platform.Config)(nil)).Elem():
		for _, name := range reg.Names() {
			m, _ := reg.Get(name)
			mv := v.MapIndex(reflect.ValueOf(name))
			f := describeValue(join(prefix, name), mv, moduleDoc(m))
			out = append(out, f)
			out = append(out, walk(mv, f.Path, reg)...)
		}
	case v.Kind() == reflect.Struct:
		for _, fi := range fields(v.Type()) {
			fv := v.FieldByIndex(fi.index)
			f := describeValue(join(prefix, fi.key), fv, fi.doc)
			out = append(out, f)
			if !f.Leaf {
				out = append(out, walk(fv, f.Path, reg)...)
			}
		}
	}
	return out
}

func describeValue(path string, v reflect.Value, doc string) Field {
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	f := Field{Path: path, Doc: doc, Type: typeName(v.Type()), Leaf: true}
	if v.Kind() == reflect.Struct || v.Kind() == reflect.Map && v.Type().Elem().Kind() == reflect.Interface && v.Type().Elem().NumMethod() > 0 {
		f.Leaf = false
		f.Type = "section"
		return f
	}
	b, err := json.Marshal(v.Interface())
	if err == nil {
		f.Default = string(b)
	}
	if f.Default == "null" {
		switch v.Kind() {
		case reflect.Slice:
			f.Default = "[]"
		case reflect.Map:
			f.Default = "{}"
		}
	}
	return f
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "list of " + typeName(t.Elem())
	case reflect.Map:
		return "map of " + typeName(t.Elem())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "int"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Interface:
		return "any"
	}
	return t.Kind().String()
}

// FormatFields renders fields as kargo explain prints them.
func FormatFields(fields []Field) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tTYPE\tDEFAULT\tDESCRIPTION")
	for _, f := range fields {
		def := f.Default
		if !f.Leaf {
			def = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Path, f.Type, def, f.Doc)
	}
	tw.Flush()
	return b.String()
}
