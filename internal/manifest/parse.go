package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"

	yaml2 "go.yaml.in/yaml/v2"
)

// ParseYAML parses a multi-document YAML stream of Kubernetes objects (an upstream
// release manifest, Helm output). It reads YAML the way kubectl does (YAML 1.1 via
// go-yaml v2, as sigs.k8s.io/yaml), so `on`/`yes` mean what they mean to kubectl apply.
// Empty documents are skipped; a v1 List is expanded into its items. source names the
// stream in errors.
func ParseYAML(data []byte, source string) ([]Object, error) {
	dec := yaml2.NewDecoder(bytes.NewReader(data))
	var out []Object
	for i := 1; ; i++ {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", source, i, err)
		}
		if doc == nil {
			continue
		}
		v, err := normalize(doc, "")
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", source, i, err)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: document %d: expected a mapping (a Kubernetes object), got %T", source, i, v)
		}
		o := Object(m)
		if o.Kind() == "List" && o.APIVersion() == "v1" {
			items, _ := m["items"].([]any)
			for j, it := range items {
				im, ok := it.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%s: document %d: items[%d]: expected an object", source, i, j)
				}
				out = append(out, Object(im))
			}
			continue
		}
		out = append(out, o)
	}
}

// normalize turns go-yaml v2 values into JSON-compatible data: string keys, int64 and
// float64 numbers.
func normalize(v any, path string) (any, error) {
	switch t := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			var ks string
			switch kk := k.(type) {
			case string:
				ks = kk
			case int, int64, uint64, float64, bool:
				ks = fmt.Sprint(kk) // as sigs.k8s.io/yaml does for non-string keys
			default:
				return nil, fmt.Errorf("%s: unsupported key type %T", path, k)
			}
			n, err := normalize(e, path+"."+ks)
			if err != nil {
				return nil, err
			}
			m[ks] = n
		}
		return m, nil
	case []any:
		for i, e := range t {
			n, err := normalize(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			t[i] = n
		}
		return t, nil
	case int:
		return int64(t), nil
	case uint64:
		if t > math.MaxInt64 {
			return float64(t), nil
		}
		return int64(t), nil
	case float64, int64, string, bool, nil:
		return t, nil
	}
	return nil, fmt.Errorf("%s: unsupported value type %T", path, v)
}
