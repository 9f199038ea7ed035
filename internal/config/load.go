package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/platform"
)

// Errors is every problem found, in order; it prints one per line.
type Errors []error

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, err := range e {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is and errors.As see each problem.
func (e Errors) Unwrap() []error { return e }

// Source is one config input.
type Source struct {
	// Name is shown in errors: the file name.
	Name string
	// Data is the YAML text.
	Data []byte
}

// Load reads the config files, applies the --set overrides (path=value) and returns the
// decoded, validated config. All problems are returned at once as Errors.
func Load(reg *platform.Registry, files []string, sets []string) (*Config, error) {
	var sources []Source
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		sources = append(sources, Source{Name: f, Data: data})
	}
	return Parse(reg, sources, sets)
}

// Parse is Load for config text already in memory.
func Parse(reg *platform.Registry, sources []Source, sets []string) (*Config, error) {
	modTypes := func(name string) (reflect.Type, bool) {
		m, ok := reg.Get(name)
		if !ok {
			return nil, false
		}
		return m.ConfigType(), true
	}
	positions := map[string]Problem{}
	var problems Errors
	var layers []map[string]any

	for _, src := range sources {
		root, err := parseDocument(src)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if root == nil {
			continue
		}
		c := &checker{source: src.Name, modules: modTypes, moduleSet: reg.Names(), positions: positions}
		c.check(root, reflect.TypeOf(Config{}), "")
		for _, p := range c.problems {
			problems = append(problems, p)
		}
		if len(c.problems) == 0 {
			layers = append(layers, generic(root).(map[string]any))
		}
	}
	for _, s := range sets {
		root, err := setNode(s)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		c := &checker{source: "--set " + s, modules: modTypes, moduleSet: reg.Names(), positions: positions, lenient: true}
		c.check(root, reflect.TypeOf(Config{}), "")
		for _, p := range c.problems {
			p.Line, p.Column = 0, 0 // a --set has no lines
			problems = append(problems, p)
		}
		if len(c.problems) == 0 {
			layers = append(layers, generic(root).(map[string]any))
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}

	merged := map[string]any{}
	for _, l := range layers {
		merge(merged, l)
	}
	cfg, err := decode(reg, merged)
	if err != nil {
		return nil, err
	}
	if errs := cfg.Validate(reg); len(errs) > 0 {
		for _, e := range errs {
			problems = append(problems, locate(e, positions))
		}
		return nil, problems
	}
	return cfg, nil
}

func parseDocument(src Source) (*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(string(src.Data)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Problem{Source: src.Name, Line: extra.Line, Column: extra.Column, Message: "more than one YAML document; a config file holds one (use several -c files to layer configs)"}
	} else if !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, Problem{Source: src.Name, Line: root.Line, Column: root.Column, Message: "expected a mapping at the top of the config, got " + describe(root)}
	}
	return root, nil
}

// setNode turns "a.b[c.d]=value" into the YAML tree {a: {b: {c.d: value}}}.
func setNode(s string) (*yaml.Node, error) {
	path, value, ok := strings.Cut(s, "=")
	if !ok {
		return nil, fmt.Errorf("--set %s: expected path=value, e.g. modules.kubevirt.use_emulation=true", s)
	}
	keys, err := splitPath(path)
	if err != nil {
		return nil, fmt.Errorf("--set %s: %w", s, err)
	}
	var leaf yaml.Node
	if value == "" {
		leaf = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str"}
	} else {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(value), &doc); err != nil || len(doc.Content) == 0 {
			leaf = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
		} else {
			leaf = *doc.Content[0]
		}
	}
	node := &leaf
	for i := len(keys) - 1; i >= 0; i-- {
		node = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: keys[i]}, node,
		}}
	}
	return node, nil
}

// splitPath splits a.b[c.d].e into a, b, c.d, e.
func splitPath(p string) ([]string, error) {
	var keys []string
	for p != "" {
		switch {
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return nil, errors.New("unclosed [ in path")
			}
			keys = append(keys, p[1:end])
			p = strings.TrimPrefix(p[end+1:], ".")
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				keys = append(keys, p)
				p = ""
				continue
			}
			keys = append(keys, p[:end])
			p = strings.TrimPrefix(p[end:], ".")
		}
	}
	for _, k := range keys {
		if k == "" {
			return nil, errors.New("empty key in path")
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("empty path")
	}
	return keys, nil
}

// generic converts a checked YAML node into JSON-compatible data.
func generic(n *yaml.Node) any {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = generic(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, e := range n.Content {
			l[i] = generic(e)
		}
		return l
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil
		case "!!bool":
			var b bool
			_ = n.Decode(&b)
			return b
		case "!!int":
			if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
				return i
			}
			var i int64
			_ = n.Decode(&i)
			return i
		case "!!float":
			var f float64
			_ = n.Decode(&f)
			return f
		}
		return n.Value
	}
	return nil
}

// merge deep-merges src into dst: maps merge key by key, anything else replaces.
func merge(dst, src map[string]any) {
	for k, v := range src {
		sm, sok := v.(map[string]any)
		dm, dok := dst[k].(map[string]any)
		if sok && dok {
			merge(dm, sm)
			continue
		}
		dst[k] = v
	}
}

func decode(reg *platform.Registry, merged map[string]any) (*Config, error) {
	cfg := Default(reg)
	modules, _ := merged["modules"].(map[string]any)
	top := make(map[string]any, len(merged))
	for k, v := range merged {
		if k != "modules" {
			top[k] = v
		}
	}
	if err := jsonInto(top, cfg); err != nil {
		return nil, err
	}
	cfg.Modules = map[string]platform.Config{}
	for _, name := range reg.Names() {
		m, _ := reg.Get(name)
		var raw []byte
		if v, ok := modules[name]; ok && v != nil {
			var err error
			if raw, err = json.Marshal(v); err != nil {
				return nil, fmt.Errorf("modules.%s: %w", name, err)
			}
		}
		mc, err := m.Decode(raw)
		if err != nil {
			return nil, err
		}
		cfg.Modules[name] = mc
	}
	return cfg, nil
}

func jsonInto(v any, dst any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// locate prefixes a validation error with where its key path was set.
func locate(err error, positions map[string]Problem) error {
	path := pathOf(err)
	msg := err.Error()
	if fe, ok := err.(*field.Error); ok {
		path = fe.Field
	}
	candidates := []string{path, path + ".enabled"}
	for p := path; p != ""; {
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		if pos, ok := positions[c]; ok {
			if pos.Line > 0 {
				return fmt.Errorf("%s:%d:%d: %s", pos.Source, pos.Line, pos.Column, msg)
			}
			return fmt.Errorf("%s: %s", pos.Source, msg)
		}
	}
	return err
}
