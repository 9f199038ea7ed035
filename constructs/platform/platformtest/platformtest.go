// Package platformtest holds the checks every module's tests run on its config type:
// each field has a json key and a doc tag that states its default (kargo explain prints
// them), and the module's README documents every option with the same text.
package platformtest

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/manifest"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Docs requires a json key and a doc tag on every field of typ, recursively (the doc of
// a value, not a section, saying its default), and returns the doc tags by key path;
// fields of list elements are written list[].field.
func Docs(t testing.TB, typ reflect.Type) map[string]string {
	t.Helper()
	docs := map[string]string{}
	walk(t, typ, "", docs)
	return docs
}

func walk(t testing.TB, typ reflect.Type, path string, docs map[string]string) {
	t.Helper()
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "" || key == "-" {
			t.Errorf("field %s (under %q) has no json key", f.Name, path)
			continue
		}
		full := key
		if path != "" {
			full = path + "." + key
		}
		doc := f.Tag.Get("doc")
		switch {
		case strings.TrimSpace(doc) == "":
			t.Errorf("%s: no doc tag", full)
		case f.Type.Kind() != reflect.Struct && !strings.Contains(doc, "Defaults to ") && !strings.Contains(doc, "no default"):
			t.Errorf("%s: the doc tag does not end with the default: %q", full, doc)
		}
		docs[full] = doc
		sub := full
		if ft := f.Type; ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Slice {
			sub += "[]" // fields of list elements: storage_pools[].name
		}
		walk(t, f.Type, sub, docs)
	}
}

// Readme checks that the README at path has an options row for every key of typ
// ("| `key` |") and says what its doc tag says.
func Readme(t testing.TB, typ reflect.Type, path string) {
	t.Helper()
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for key, doc := range Docs(t, typ) {
		if row := fmt.Sprintf("| `%s` |", key); !bytes.Contains(readme, []byte(row)) {
			t.Errorf("%s has no options row for %s", path, key)
		}
		if !bytes.Contains(readme, []byte(doc)) {
			t.Errorf("%s does not say what the doc tag of %s says: %q", path, key, doc)
		}
	}
}

// File is one output file of a module synthesized alone.
type File struct {
	Name    string
	Objects []manifest.Object
}

// Files splits the output of synth.ModuleWith at its "# file: NAME" lines and parses
// each file.
func Files(t testing.TB, out []byte) []File {
	t.Helper()
	var files []File
	for _, part := range strings.Split(string(out), "# file: ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		objs, err := manifest.ParseYAML([]byte(body), name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: name, Objects: objs})
	}
	return files
}

// Find returns the object of kind and name and the file holding it; nil when none.
func Find(files []File, kind, name string) (manifest.Object, string) {
	for _, f := range files {
		for _, o := range f.Objects {
			if o.Kind() == kind && o.Name() == name {
				return o, f.Name
			}
		}
	}
	return nil, ""
}

// Invalid validates each named config at modules.<module> and compares the errors, all of
// them, with the golden file testdata/invalid-<name>.txt; a config with no error fails.
func Invalid[C platform.Config](t *testing.T, module string, tests map[string]C) {
	t.Helper()
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			errs := cfg.Validate(field.NewPath("modules", module))
			if len(errs) == 0 {
				t.Fatal("config is valid, want errors")
			}
			golden.AssertString(t, errs.ToAggregate().Error()+"\n", "invalid-"+name+".txt")
		})
	}
}
