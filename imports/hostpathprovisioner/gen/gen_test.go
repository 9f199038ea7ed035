package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/internal/golden"
)

// Use go test -update (or make golden) to rewrite testdata/widgets.golden.go.

func read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestGolden(t *testing.T) {
	got, err := generate(read(t, "widgets.yaml"), options{version: "v1beta1", pkg: "widgets"})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, got, "widgets.golden.go")
}

func TestDeterministic(t *testing.T) {
	data := read(t, "widgets.yaml")
	first, err := generate(data, options{version: "v1beta1", pkg: "widgets"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		again, err := generate(data, options{version: "v1beta1", pkg: "widgets"})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatalf("run %d differs:\n%s", i, golden.Diff(string(first), string(again), "first", "again"))
		}
	}
}

// TestCommitted: types_generated.go is what the generator makes of the real CRD of the
// pinned release (skipped without ../shared/upstream).
func TestCommitted(t *testing.T) {
	crd := filepath.Join("..", "..", "..", "..", "shared", "upstream", "hostpath-provisioner-operator", "v0.20.0", "operator.yaml")
	data, err := os.ReadFile(crd)
	if err != nil {
		t.Skipf("upstream CRD %s: %v", crd, err)
	}
	want, err := generate(data, options{version: "v1beta1", pkg: "hostpathprovisioner"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "types_generated.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("types_generated.go is stale; run make imports:\n%s", golden.Diff(string(want), string(got), "generated", "committed"))
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		o    options
		want string
	}{
		{"no crd", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"), options{version: "v1"},
			"no CustomResourceDefinition in the file"},
		{"two crds", read(t, "two-crds.yaml"), options{version: "v1"},
			"2 CustomResourceDefinitions in the file (a.example.com, b.example.com): pick one with -name"},
		{"unknown name", read(t, "two-crds.yaml"), options{name: "c.example.com", version: "v1"},
			`no CustomResourceDefinition "c.example.com" in the file; it holds a.example.com, b.example.com`},
		{"unsupported type", read(t, "two-crds.yaml"), options{name: "b.example.com", version: "v1", pkg: "b"},
			`spec.size: unsupported type "widget"`},
		{"unknown version", read(t, "widgets.yaml"), options{version: "v1"},
			`crd widgets.example.com: no version "v1"; the CRD has v1alpha1, v1beta1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generate(tc.data, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := generate(read(t, "two-crds.yaml"), options{name: "a.example.com", version: "v1", pkg: "a"}); err != nil {
		t.Errorf("-name a.example.com: %v", err)
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"pvcTemplate":               "PVCTemplate",
		"apiGroup":                  "APIGroup",
		"uid":                       "UID",
		"tls-server-name":           "TLSServerName",
		"HTTPServer":                "HTTPServer",
		"volumeAttributesClassName": "VolumeAttributesClassName",
		"x509":                      "X509",
		"2fa":                       "X2fa",
	} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"StoragePools":        "StoragePool",
		"StoragePoolStatuses": "StoragePoolStatus",
		"Policies":            "Policy",
		"Addresses":           "Address",
		"Matches":             "Match",
		"Access":              "AccessItem",
		"RequiredDuringSchedulingIgnoredDuringExecution": "RequiredDuringSchedulingIgnoredDuringExecutionItem",
	} {
		if got := singular(in); got != want {
			t.Errorf("singular(%q) = %q, want %q", in, got, want)
		}
	}
}
