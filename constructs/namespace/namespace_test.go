package namespace

import "testing"

func TestNew(t *testing.T) {
	ns := New("kubevirt", true, map[string]string{"kubevirt.io": ""})
	want := map[string]string{"kubevirt.io": "", Enforce: "privileged", Audit: "privileged", Warn: "privileged"}
	if ns.Name != "kubevirt" || len(ns.Labels) != len(want) {
		t.Fatalf("ns = %+v", ns)
	}
	for k, v := range want {
		if ns.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, ns.Labels[k], v)
		}
	}
	if plain := New("cert-manager", false, nil); plain.Labels != nil {
		t.Errorf("labels = %v", plain.Labels)
	}
	in := map[string]string{"a": "b"}
	New("x", true, in)
	if len(in) != 1 {
		t.Error("input labels modified")
	}
}
