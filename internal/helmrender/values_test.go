package helmrender

import (
	"reflect"
	"testing"
)

func TestMergeValues(t *testing.T) {
	tests := map[string]struct {
		base, override, want map[string]any
	}{
		"both nil": {
			want: map[string]any{},
		},
		"nil override copies base": {
			base: map[string]any{"a": 1},
			want: map[string]any{"a": 1},
		},
		"nil base copies override": {
			override: map[string]any{"a": map[string]any{"b": 1}},
			want:     map[string]any{"a": map[string]any{"b": 1}},
		},
		"scalar replaces scalar": {
			base:     map[string]any{"a": 1, "b": "x"},
			override: map[string]any{"a": 2},
			want:     map[string]any{"a": 2, "b": "x"},
		},
		"maps merge deeply": {
			base:     map[string]any{"image": map[string]any{"repository": "r", "tag": "1", "pull": map[string]any{"policy": "Always", "secret": "s"}}},
			override: map[string]any{"image": map[string]any{"tag": "2", "pull": map[string]any{"policy": "IfNotPresent"}}},
			want:     map[string]any{"image": map[string]any{"repository": "r", "tag": "2", "pull": map[string]any{"policy": "IfNotPresent", "secret": "s"}}},
		},
		"list replaces list": {
			base:     map[string]any{"args": []any{"a", "b"}},
			override: map[string]any{"args": []any{"c"}},
			want:     map[string]any{"args": []any{"c"}},
		},
		"map replaces scalar": {
			base:     map[string]any{"a": "x"},
			override: map[string]any{"a": map[string]any{"b": 1}},
			want:     map[string]any{"a": map[string]any{"b": 1}},
		},
		"scalar replaces map": {
			base:     map[string]any{"a": map[string]any{"b": 1}},
			override: map[string]any{"a": false},
			want:     map[string]any{"a": false},
		},
		"nil replaces (Helm then deletes the default)": {
			base:     map[string]any{"a": map[string]any{"b": 1}, "c": 1},
			override: map[string]any{"a": nil},
			want:     map[string]any{"a": nil, "c": 1},
		},
		"empty map merges as no-op": {
			base:     map[string]any{"a": map[string]any{"b": 1}},
			override: map[string]any{"a": map[string]any{}},
			want:     map[string]any{"a": map[string]any{"b": 1}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			base, override := deepCopyMap(tc.base), deepCopyMap(tc.override)
			got := MergeValues(base, override)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("MergeValues = %#v, want %#v", got, tc.want)
			}
			if !reflect.DeepEqual(base, tc.base) || !reflect.DeepEqual(override, tc.override) {
				t.Errorf("inputs modified: base %v, override %v", base, override)
			}
		})
	}
}

// TestMergeValuesNoAliasing: changing the result must not reach the inputs.
func TestMergeValuesNoAliasing(t *testing.T) {
	base := map[string]any{"a": map[string]any{"b": 1}, "l": []any{map[string]any{"x": 1}}}
	override := map[string]any{"o": map[string]any{"p": 1}, "a": map[string]any{"c": 2}}
	got := MergeValues(base, override)
	got["a"].(map[string]any)["b"] = 99
	got["l"].([]any)[0].(map[string]any)["x"] = 99
	got["o"].(map[string]any)["p"] = 99
	if base["a"].(map[string]any)["b"] != 1 || base["l"].([]any)[0].(map[string]any)["x"] != 1 || override["o"].(map[string]any)["p"] != 1 {
		t.Errorf("result aliases an input: base %v, override %v", base, override)
	}
}

func TestNormalizeValues(t *testing.T) {
	type port struct {
		Name string `json:"name"`
		Port int    `json:"port"`
	}
	in := map[string]any{
		"int":     3,
		"uint8":   uint8(4),
		"float":   float32(1.5),
		"strings": []string{"a", "b"},
		"labels":  map[string]string{"k": "v"},
		"struct":  port{Name: "http", Port: 80},
		"ptr":     &port{Name: "https", Port: 443},
		"nilMap":  map[string]any(nil),
		"nested":  map[string]any{"list": []any{1, "x", nil}},
	}
	want := map[string]any{
		"int":     int64(3),
		"uint8":   int64(4),
		"float":   1.5,
		"strings": []any{"a", "b"},
		"labels":  map[string]any{"k": "v"},
		"struct":  map[string]any{"name": "http", "port": int64(80)},
		"ptr":     map[string]any{"name": "https", "port": int64(443)},
		"nilMap":  nil,
		"nested":  map[string]any{"list": []any{int64(1), "x", nil}},
	}
	got, err := normalizeValues(in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("normalizeValues = %#v\nwant %#v", got, want)
	}
	if _, err := normalizeValues(map[string]any{"f": func() {}}); err == nil {
		t.Error("a func value was accepted")
	}
}
