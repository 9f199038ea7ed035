package helmrender

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
)

// MergeValues deep-merges override into base and returns a new map; neither input is
// modified and the result shares no map or list with them. Where both sides hold a map
// the maps are merged; anything else in override (a scalar, a list, nil) replaces the
// value of base. A nil in the result reaches Helm as null, which removes the key from the
// chart's defaults.
func MergeValues(base, override map[string]any) map[string]any {
	out := deepCopyMap(base)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range override {
		if om, ok := v.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = MergeValues(bm, om)
				continue
			}
		}
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopyMap(t)
	case []any:
		return deepCopyList(t)
	}
	return v
}

func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopyList(l []any) []any {
	if l == nil {
		return nil
	}
	out := make([]any, len(l))
	for i, v := range l {
		out[i] = deepCopy(v)
	}
	return out
}

// normalizeValues returns a copy of v made of the types Helm's values code and schema
// validation understand (map[string]any, []any, string, bool, int64, float64, nil).
// Typed values ([]string, map[string]string, int, structs, ...) are converted; integers
// stay integers, so templates print 1000000 rather than the 1e+06 a YAML values file
// would give.
func normalizeValues(v map[string]any) (map[string]any, error) {
	out, err := normalize(reflect.ValueOf(v), "")
	if err != nil {
		return nil, err
	}
	m, _ := out.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

func normalize(v reflect.Value, path string) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
			return viaJSON(v.Interface(), path)
		}
		return normalize(v.Elem(), path)
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := v.Uint()
		if u > math.MaxInt64 {
			return float64(u), nil
		}
		return int64(u), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("values%s: %v is not a JSON number", path, f)
		}
		return f, nil
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("values%s: map keys must be strings, not %s", path, v.Type().Key())
		}
		if v.IsNil() {
			return nil, nil
		}
		out := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key().String()
			e, err := normalize(iter.Value(), path+"."+k)
			if err != nil {
				return nil, err
			}
			out[k] = e
		}
		return out, nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil, nil
		}
		out := make([]any, v.Len())
		for i := range out {
			e, err := normalize(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case reflect.Struct:
		return viaJSON(v.Interface(), path)
	}
	return nil, fmt.Errorf("values%s: unsupported type %s", path, v.Type())
}

// viaJSON converts a struct through its JSON encoding, keeping integral numbers integral.
func viaJSON(x any, path string) (any, error) {
	data, err := json.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("values%s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("values%s: %w", path, err)
	}
	return numbers(out), nil
}

func numbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = numbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = numbers(e)
		}
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}
