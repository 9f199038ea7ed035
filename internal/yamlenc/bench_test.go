package yamlenc

import "testing"

// BenchmarkAppendObject encodes every document of the corpus; MB/s counts
// the bytes of YAML written.
func BenchmarkAppendObject(b *testing.B) {
	docs := loadCorpus(b)
	var buf []byte
	size := 0
	for _, d := range docs {
		out, err := AppendObject(nil, d.obj)
		if err != nil {
			b.Fatal(err)
		}
		size += len(out)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, d := range docs {
			buf, _ = AppendObject(buf, d.obj)
		}
	}
}
