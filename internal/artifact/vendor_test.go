package artifact

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVendorRoundTrip(t *testing.T) {
	chart := buildChart(t, "demo", "0.1.0")
	files := map[string][]byte{
		"/m/v1/operator.yaml":    []byte("kind: Namespace\n"),
		"/charts/index.yaml":     indexYAML("demo", [3]string{"0.1.0", "demo-0.1.0.tgz", sum(chart)}),
		"/charts/demo-0.1.0.tgz": chart,
	}
	srv := newFileServer(t, files)
	reg := newRegistry(t, nil)
	ociChart := buildChart(t, "oci-demo", "0.2.0")
	reg.pushChart(t, "charts/oci-demo", "0.2.0", ociChart)
	refs := []Ref{
		{Name: "kubevirt/operator", Kind: Manifest, URL: srv.URL + "/m/v1/operator.yaml", Version: "v1"},
		{Name: "demo/demo", Kind: Chart, URL: srv.URL + "/charts", Chart: "demo", Version: "0.1.0"},
		{Name: "demo/oci", Kind: Chart, URL: reg.base(), Chart: "oci-demo", Version: "0.2.0"},
	}
	want := map[string][]byte{"kubevirt/operator": files["/m/v1/operator.yaml"], "demo/demo": chart, "demo/oci": ociChart}

	lock := emptyLock()
	vendor := t.TempDir()
	// A stale artifact from an older vendoring is removed; other files are left alone.
	stale := filepath.Join(vendor, "sha256", sumA)
	os.MkdirAll(filepath.Dir(stale), 0o755)
	os.WriteFile(stale, []byte("old"), 0o644)
	os.WriteFile(filepath.Join(vendor, "README"), []byte("mine"), 0o644)

	if err := newTestStore(t, Options{}, lock).Vendor(ctx(t), refs, vendor); err != nil {
		t.Fatal(err)
	}
	if got := lock.Names(); len(got) != 3 {
		t.Errorf("lock names %v", got)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("stale vendored artifact kept")
	}
	if _, err := os.Stat(filepath.Join(vendor, "README")); err != nil {
		t.Error("vendor removed a file it did not write")
	}
	index, err := os.ReadFile(filepath.Join(vendor, "vendor.yaml"))
	if err != nil || !strings.Contains(string(index), "demo/oci:") || !strings.Contains(string(index), sum(ociChart)) {
		t.Errorf("vendor.yaml:\n%s (%v)", index, err)
	}

	// No network at all: servers closed, offline, fresh cache.
	srv.Close()
	reg.Close()
	s := newTestStore(t, Options{VendorDir: vendor, Offline: true, Client: noNetworkClient(t)}, lock)
	for _, ref := range refs {
		art := mustFetch(t, s, ref)
		if !bytes.Equal(art.Data, want[ref.Name]) {
			t.Errorf("%s: vendored bytes differ", ref.Name)
		}
	}
	// Vendoring again from the vendor directory itself works offline and changes nothing.
	if err := s.Vendor(ctx(t), refs, vendor); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(filepath.Join(vendor, "vendor.yaml"))
	if !bytes.Equal(again, index) {
		t.Errorf("vendor.yaml changed:\n%s", again)
	}

	// Serving needs the lock entry.
	_, err = newTestStore(t, Options{VendorDir: vendor, Offline: true, Client: noNetworkClient(t)}, emptyLock()).Fetch(ctx(t), refs[0])
	wantErr(t, err, "artifact kubevirt/operator v1", "no entry")

	// A tampered vendored file is refused.
	path := filepath.Join(vendor, "sha256", sum(chart))
	os.WriteFile(path, []byte("tampered"), 0o644)
	_, err = s.Fetch(ctx(t), refs[1])
	wantErr(t, err, "artifact demo/demo 0.1.0", path, "corrupted", "run kargo vendor again")
}

func TestVendorReportsEveryFailure(t *testing.T) {
	srv := newFileServer(t, map[string][]byte{})
	refs := []Ref{
		{Name: "a", Kind: Manifest, URL: srv.URL + "/a.yaml"},
		{Name: "b", Kind: Manifest, URL: srv.URL + "/b.yaml"},
	}
	err := newTestStore(t, Options{}, nil).Vendor(ctx(t), refs, t.TempDir())
	wantErr(t, err, "artifact a: get "+srv.URL+"/a.yaml: HTTP 404", "artifact b: get "+srv.URL+"/b.yaml: HTTP 404")
}
