package manifest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// upstreamFiles lists the real upstream manifests in ../shared/upstream.
func upstreamFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	root := filepath.Join("..", "..", "..", "shared", "upstream")
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil || len(files) == 0 {
		t.Skipf("no upstream manifests at %s: %v", root, err)
	}
	return files
}

// TestParseMatchesKubectl parses every real upstream manifest and compares each object
// with what sigs.k8s.io/yaml (kubectl's YAML reader) makes of the same document.
func TestParseMatchesKubectl(t *testing.T) {
	for _, f := range upstreamFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := ParseYAML(data, f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var want []any
		for _, doc := range strings.Split(string(data), "\n---\n") {
			js, err := yaml.YAMLToJSON([]byte(doc + "\n"))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var v any
			if err := json.Unmarshal(js, &v); err != nil {
				t.Fatal(err)
			}
			if v != nil {
				want = append(want, v)
			}
		}
		if len(objs) != len(want) {
			t.Fatalf("%s: %d objects, kubectl reads %d", f, len(objs), len(want))
		}
		for i, o := range objs {
			js, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(js, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want[i]) {
				t.Errorf("%s: object %d (%s) differs from kubectl's reading", f, i, o.ID())
			}
		}
	}
}

func TestParseYAML(t *testing.T) {
	in := `# comment only
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {on: yes, num: 10, big: 9007199254740993, f: 1.5}
`
	objs, err := ParseYAML([]byte(in), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.Name())
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Fatalf("names = %v", names)
	}
	data := objs[2]["data"].(map[string]any)
	if data["true"] != true || data["num"] != int64(10) || data["big"] != int64(9007199254740993) || data["f"] != 1.5 {
		t.Errorf("data = %#v (YAML 1.1: on/yes are booleans, as kubectl reads them)", data)
	}
	for _, bad := range []string{"- a\n- b\n", "a: [\n", "kind: x\n---\n42\n"} {
		if _, err := ParseYAML([]byte(bad), "bad.yaml"); err == nil || !strings.HasPrefix(err.Error(), "bad.yaml: document ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
