package manifest

import (
	"os"
	"testing"
)

// BenchmarkParseYAML measures ingest: every real upstream manifest, parsed as kubectl
// reads it.
func BenchmarkParseYAML(b *testing.B) {
	var data [][]byte
	var total int64
	for _, f := range upstreamFiles(b) {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
		total += int64(len(d))
	}
	if len(data) == 0 {
		b.Skip("no upstream manifests")
	}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range data {
			if _, err := ParseYAML(d, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	}
}
