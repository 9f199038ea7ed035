package upstream

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Op is one RFC 6902 operation: add, replace, remove or test.
type Op struct {
	Op    string
	Path  string
	Value any
}

// Add, Replace, Remove and Test build operations.
func Add(path string, v any) Op     { return Op{Op: "add", Path: path, Value: v} }
func Replace(path string, v any) Op { return Op{Op: "replace", Path: path, Value: v} }
func Remove(path string) Op         { return Op{Op: "remove", Path: path} }
func Test(path string, v any) Op    { return Op{Op: "test", Path: path, Value: v} }

func splitPointer(p string) ([]string, error) {
	if p == "" || p[0] != '/' {
		return nil, fmt.Errorf("path must start with /")
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

func (op Op) apply(doc map[string]any) error {
	parts, err := splitPointer(op.Path)
	if err != nil {
		return err
	}
	parentPath, last := parts[:len(parts)-1], parts[len(parts)-1]
	var parent any = doc
	for _, p := range parentPath {
		if parent, err = child(parent, p); err != nil {
			return err
		}
	}
	switch op.Op {
	case "test":
		cur, err := child(parent, last)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(normalizeNumbers(cur), normalizeNumbers(op.Value)) {
			return fmt.Errorf("test failed: value is %v", cur)
		}
		return nil
	case "add", "replace", "remove":
	default:
		return fmt.Errorf("unsupported op %q", op.Op)
	}
	switch t := parent.(type) {
	case map[string]any:
		_, exists := t[last]
		if op.Op != "add" && !exists {
			return fmt.Errorf("no such key %q", last)
		}
		if op.Op == "remove" {
			delete(t, last)
		} else {
			t[last] = op.Value
		}
		return nil
	case []any:
		// Lists are changed in place in their parent, which needs the new slice.
		grand := any(doc)
		for _, p := range parentPath[:max(0, len(parentPath)-1)] {
			grand, _ = child(grand, p)
		}
		list, err := editList(t, last, op)
		if err != nil {
			return err
		}
		if len(parentPath) == 0 {
			return errors.New("the root is not a list")
		}
		return setChild(grand, parentPath[len(parentPath)-1], list)
	}
	return fmt.Errorf("parent of %q is not a map or list", last)
}

func editList(l []any, key string, op Op) ([]any, error) {
	if key == "-" {
		if op.Op != "add" {
			return nil, errors.New("- is only valid for add")
		}
		return append(l, op.Value), nil
	}
	i, err := strconv.Atoi(key)
	if err != nil || i < 0 || i > len(l) || i == len(l) && op.Op != "add" {
		return nil, fmt.Errorf("index %q out of range (length %d)", key, len(l))
	}
	switch op.Op {
	case "add":
		out := append(l[:i:i], op.Value)
		return append(out, l[i:]...), nil
	case "replace":
		l[i] = op.Value
		return l, nil
	default:
		return append(l[:i:i], l[i+1:]...), nil
	}
}

func child(v any, key string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		c, ok := t[key]
		if !ok {
			return nil, fmt.Errorf("no such key %q", key)
		}
		return c, nil
	case []any:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(t) {
			return nil, fmt.Errorf("index %q out of range (length %d)", key, len(t))
		}
		return t[i], nil
	}
	return nil, fmt.Errorf("cannot descend into %T at %q", v, key)
}

func setChild(v any, key string, val any) error {
	switch t := v.(type) {
	case map[string]any:
		t[key] = val
		return nil
	case []any:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(t) {
			return fmt.Errorf("index %q out of range", key)
		}
		t[i] = val
		return nil
	}
	return fmt.Errorf("cannot set %q in %T", key, v)
}

// normalizeNumbers makes int64 and float64 comparable.
func normalizeNumbers(v any) any {
	switch t := v.(type) {
	case int:
		return float64(t)
	case int64:
		return float64(t)
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = normalizeNumbers(e)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = normalizeNumbers(e)
		}
		return l
	}
	return v
}

// mergeDiff returns the RFC 7386 merge patch that turns a into b (nil deletes a key).
func mergeDiff(a, b map[string]any) map[string]any {
	patch := map[string]any{}
	for k, bv := range b {
		av, ok := a[k]
		if ok && reflect.DeepEqual(normalizeNumbers(av), normalizeNumbers(bv)) {
			continue
		}
		am, aok := av.(map[string]any)
		bm, bok := bv.(map[string]any)
		if ok && aok && bok {
			if sub := mergeDiff(am, bm); len(sub) > 0 {
				patch[k] = sub
			}
			continue
		}
		patch[k] = bv
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			patch[k] = nil
		}
	}
	return patch
}

// applyMerge applies an RFC 7386 merge patch to doc in place.
func applyMerge(doc, patch map[string]any) {
	for k, pv := range patch {
		if pv == nil {
			delete(doc, k)
			continue
		}
		pm, pok := pv.(map[string]any)
		dm, dok := doc[k].(map[string]any)
		if pok && dok {
			applyMerge(dm, pm)
			continue
		}
		doc[k] = pv
	}
}
