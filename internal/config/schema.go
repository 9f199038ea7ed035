package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/kargo-platform/kargo/internal/suggest"

	yaml "go.yaml.in/yaml/v3"
)

// Problem is one problem found in a config source, with where it is.
type Problem struct {
	// Source is the file name, or "--set path=value".
	Source string
	// Line and Column are 1-based; 0 when unknown.
	Line, Column int
	// Path is the key path (modules.vm.ssh_user).
	Path string
	// Message says what is wrong and how to fix it.
	Message string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Source)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", p.Line, p.Column)
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// fieldInfo describes one config key of a struct type.
type fieldInfo struct {
	key   string
	index []int
	typ   reflect.Type
	doc   string
}

// fields returns the config keys of a struct type, in declaration order.
func fields(t reflect.Type) []fieldInfo {
	var out []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		key, _, _ := strings.Cut(tag, ",")
		if key == "" {
			key = f.Name
		}
		out = append(out, fieldInfo{key: key, index: f.Index, typ: f.Type, doc: f.Tag.Get("doc")})
	}
	return out
}

// modulesHook resolves the type of modules.<name>; ok is false for an unknown module.
type modulesHook func(name string) (reflect.Type, bool)

// checker walks a YAML node against a Go type and records problems.
type checker struct {
	source    string
	modules   modulesHook
	moduleSet []string
	problems  []Problem
	// positions records where each key path was set, for later validation errors.
	positions map[string]Problem
	// lenient accepts any scalar where a string is expected (--set values).
	lenient bool
}

var (
	rawMessageType = reflect.TypeOf(json.RawMessage(nil))
	modulesPath    = "modules"
)

func (c *checker) add(n *yaml.Node, path, format string, args ...any) {
	p := Problem{Source: c.source, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	c.problems = append(c.problems, p)
}

func (c *checker) mark(n *yaml.Node, path string) {
	if c.positions != nil {
		p := Problem{Source: c.source, Line: n.Line, Column: n.Column}
		if c.lenient {
			p.Line, p.Column = 0, 0
		}
		c.positions[path] = p
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// check walks n against t.
func (c *checker) check(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // unset: the default stays
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessageType || t.Kind() == reflect.Interface {
		return // free-form (values escape hatches)
	}
	switch t.Kind() {
	case reflect.Struct:
		if !c.expect(n, yaml.MappingNode, "a mapping", path) {
			return
		}
		known := fields(t)
		byKey := map[string]fieldInfo{}
		var keys []string
		for _, f := range known {
			byKey[f.key] = f
			keys = append(keys, f.key)
		}
		c.eachPair(n, path, func(k, v *yaml.Node, kpath string) {
			f, ok := byKey[k.Value]
			if !ok {
				c.unknown(k, kpath, k.Value, keys, "key")
				return
			}
			if path == "" && k.Value == modulesPath {
				c.checkModules(v, kpath)
				return
			}
			c.check(v, f.typ, kpath)
		})
	case reflect.Map:
		if !c.expect(n, yaml.MappingNode, "a mapping", path) {
			return
		}
		c.eachPair(n, path, func(k, v *yaml.Node, kpath string) {
			c.check(v, t.Elem(), path+"["+k.Value+"]")
		})
	case reflect.Slice:
		if !c.expect(n, yaml.SequenceNode, "a list", path) {
			return
		}
		for i, e := range n.Content {
			c.check(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.String:
		if e, ok := reflect.Zero(t).Interface().(interface{ Values() []string }); ok && !(n.Kind == yaml.ScalarNode && n.Tag == "!!str") {
			// A choice of words: name them rather than suggest quoting a boolean.
			c.add(n, path, "expected one of %s, got %s", strings.Join(e.Values(), ", "), describe(n))
			return
		}
		c.scalar(n, path, "!!str", "a string")
	case reflect.Bool:
		c.scalar(n, path, "!!bool", "true or false")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		c.scalar(n, path, "!!int", "a whole number")
	case reflect.Float32, reflect.Float64:
		if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
			c.mark(n, path)
			return
		}
		c.scalar(n, path, "!!float", "a number")
	}
}

func (c *checker) checkModules(n *yaml.Node, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if !c.expect(n, yaml.MappingNode, "a mapping of module names to their config", path) {
		return
	}
	c.eachPair(n, path, func(k, v *yaml.Node, kpath string) {
		t, ok := c.modules(k.Value)
		if !ok {
			c.unknown(k, kpath, k.Value, c.moduleSet, "module")
			return
		}
		c.check(v, t, kpath)
	})
}

func (c *checker) eachPair(n *yaml.Node, path string, fn func(k, v *yaml.Node, kpath string)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			c.add(k, path, "keys must be strings")
			continue
		}
		kpath := join(path, k.Value)
		if seen[k.Value] {
			c.add(k, kpath, "duplicate key")
			continue
		}
		seen[k.Value] = true
		if k.Value == "<<" {
			c.add(k, path, "merge keys (<<) are not supported; write the keys out")
			continue
		}
		fn(k, v, kpath)
	}
}

func (c *checker) expect(n *yaml.Node, kind yaml.Kind, want, path string) bool {
	if n.Kind == kind {
		c.mark(n, path)
		return true
	}
	c.add(n, path, "expected %s, got %s", want, describe(n))
	return false
}

func (c *checker) scalar(n *yaml.Node, path, tag, want string) {
	if n.Kind == yaml.ScalarNode && tag == "!!str" && (c.lenient || n.Tag == "!!timestamp") {
		n.Tag = "!!str" // --set values and dates are strings where a string is expected
	}
	if n.Kind == yaml.ScalarNode && n.Tag == tag {
		c.mark(n, path)
		return
	}
	msg := fmt.Sprintf("expected %s, got %s", want, describe(n))
	if tag == "!!str" && n.Kind == yaml.ScalarNode {
		msg += fmt.Sprintf("; quote it: %q", n.Value)
	}
	c.add(n, path, "%s", msg)
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		return n.Value
	}
	return "an unsupported node"
}

func (c *checker) unknown(n *yaml.Node, path, key string, valid []string, what string) {
	msg := "unknown " + what
	if best := suggest.Likely(key, valid); best != "" {
		msg += fmt.Sprintf("; did you mean %q?", best)
	} else if len(valid) > 0 {
		sorted := append([]string(nil), valid...)
		sort.Strings(sorted)
		msg += "; valid: " + strings.Join(sorted, ", ")
	}
	c.add(n, path, "%s", msg)
}
