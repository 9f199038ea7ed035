package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/internal/config"
	"github.com/kargo-platform/kargo/internal/fixture/fixturetest"
	"github.com/kargo-platform/kargo/internal/golden"
	"github.com/kargo-platform/kargo/internal/stage"
	"github.com/kargo-platform/kargo/internal/synth"
)

// platformConfig is the project's default kargo.config.yaml with global metadata and
// compliance, so the golden tree shows them on every object.
func platformConfig(t *testing.T) *config.Config {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "kargo.config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	overlay := `metadata:
  labels: {app.kubernetes.io/part-of: kargo}
compliance:
  fisma: {enabled: true, level: moderate, enforcing: strict, ato: {authorized: "2026-01-31"}}
  nist: {enabled: true, controls: [AC-2, AU-6]}
`
	cfg, err := config.Parse(Registry(), []config.Source{{Name: "kargo.config.yaml", Data: data}, {Name: "overlay.yaml", Data: []byte(overlay)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func synthesize(t *testing.T) *synth.Result {
	t.Helper()
	res, err := synth.Run(platformConfig(t), synth.Options{Registry: Registry(), Version: "test", Artifacts: fixturetest.Store(t)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestPlatformGolden compares the default platform, rendered from the fixture upstream,
// with the golden tree file by file, as dist/ would hold it.
func TestPlatformGolden(t *testing.T) {
	res := synthesize(t)
	files := map[string][]byte{}
	for _, f := range res.Files {
		files[f.Name] = f.Data
	}
	golden.AssertTree(t, files, "platform")
}

// TestPlatformInvariants checks properties of every object of the default platform.
func TestPlatformInvariants(t *testing.T) {
	res := synthesize(t)
	for _, o := range res.Objects {
		labels := o.StringMap("labels", false)
		ann := o.StringMap("annotations", false)
		for k, v := range map[string]string{"app.kubernetes.io/part-of": "kargo", "compliance.fisma.enabled": "true", "compliance.nist.enabled": "true"} {
			if labels[k] != v {
				t.Errorf("%s: label %s = %v", o.ID(), k, labels[k])
			}
		}
		if ann["compliance.fisma.level"] != "moderate" || ann["compliance.nist.controls"] != `["AC-2","AU-6"]` || ann[stage.SyncWaveAnnotation] == nil {
			t.Errorf("%s: annotations %v", o.ID(), ann)
		}
	}
	for _, f := range res.Files {
		if !strings.HasSuffix(f.Name, ".yaml") || f.Objects == 0 {
			t.Errorf("file %s: %d objects", f.Name, f.Objects)
		}
	}
}

func TestIdempotent(t *testing.T) {
	a, b := synthesize(t), synthesize(t)
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for i := range a.Files {
		if a.Files[i].Name != b.Files[i].Name || string(a.Files[i].Data) != string(b.Files[i].Data) {
			t.Errorf("%s differs between two synths", a.Files[i].Name)
		}
	}
}
