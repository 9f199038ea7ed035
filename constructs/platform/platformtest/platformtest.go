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
