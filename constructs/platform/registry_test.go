package platform

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

type cfg struct{ on bool }

func (c cfg) IsEnabled() bool                      { return c.on }
func (c cfg) Validate(*field.Path) field.ErrorList { return nil }

func mod(name string, requires ...string) Module {
	return Definition[cfg]{ModuleName: name, Requirement: requires, Default: func() cfg { return cfg{} }}
}

func names(ms []Module) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name())
	}
	return strings.Join(out, ",")
}

func TestOrder(t *testing.T) {
	r := NewRegistry(mod("vm", "kubevirt"), mod("talos", "kubevirt", "multus", "cdi"), mod("kubevirt"), mod("cdi"), mod("multus"), mod("cert_manager"))
	cases := map[string]struct {
		enabled []string
		want    string
	}{
		"requirements first":   {[]string{"vm", "talos", "kubevirt", "cdi", "multus"}, "cdi,kubevirt,multus,talos,vm"},
		"independent by name":  {[]string{"multus", "cert_manager"}, "cert_manager,multus"},
		"only enabled modules": {[]string{"kubevirt"}, "kubevirt"},
		"nothing":              {nil, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			en := map[string]bool{}
			for _, e := range tc.enabled {
				en[e] = true
			}
			got, err := r.Order(en)
			if err != nil {
				t.Fatal(err)
			}
			if names(got) != tc.want {
				t.Errorf("order = %s, want %s", names(got), tc.want)
			}
		})
	}
}

func TestOrderCycle(t *testing.T) {
	r := NewRegistry(mod("a", "b"), mod("b", "a"))
	if _, err := r.Order(map[string]bool{"a": true, "b": true}); err == nil || !strings.Contains(err.Error(), "cycle a -> b -> a") {
		t.Errorf("err = %v", err)
	}
}

func TestCheck(t *testing.T) {
	r := NewRegistry(mod("vm", "kubevirt"), mod("talos", "kubevirt", "multus"), mod("multus"))
	errs := r.Check(map[string]bool{"vm": true, "talos": true, "multus": true})
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"modules.talos: requires kubevirt: set modules.kubevirt.enabled to true, or disable talos (not yet provided by this build of kargo: kubevirt)",
		"modules.vm: requires kubevirt: set modules.kubevirt.enabled to true, or disable vm (not yet provided by this build of kargo: kubevirt)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if errs := r.Check(map[string]bool{"multus": true}); len(errs) != 0 {
		t.Errorf("unexpected %v", errs)
	}
}

func TestDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a duplicate module")
		}
	}()
	NewRegistry(mod("a"), mod("a"))
}
