package aspect

import (
	"fmt"
	"testing"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// BenchmarkApply measures the global metadata aspects over 1,000 objects.
func BenchmarkApply(b *testing.B) {
	labels := Labels{Labels: map[string]string{"team": "infra", "env": "prod", "compliance.nist.enabled": "true"}, IncludeTemplates: true}
	ann := Annotations{Annotations: map[string]string{"owner": "platform@example.com", "compliance.nist.controls": `["AC-2"]`}}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		objs := make([]manifest.Object, 1000)
		for j := range objs {
			objs[j] = manifest.Object{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": fmt.Sprint("d", j), "namespace": "n"},
				"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "x"}}}}}
		}
		b.StartTimer()
		if err := Apply(objs, labels, ann); err != nil {
			b.Fatal(err)
		}
	}
}
