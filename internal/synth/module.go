package synth

import (
	"bytes"
	"fmt"

	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/kargo-platform/kargo/constructs/platform"
)

// Module synthesizes one module on its own — no requirement check, no global aspects,
// no summary — and returns its files concatenated, each after a "# file: NAME" line.
// Module tests compare it with golden files. Validation runs first, as in a real synth.
func Module(m platform.Module, cfg platform.Config, k platform.Kubernetes, warn func(string)) ([]byte, error) {
	if errs := cfg.Validate(nil); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	if warn == nil {
		warn = func(string) {}
	}
	env := platform.Env{
		Kubernetes: k,
		Enabled:    func(string) bool { return false },
		Warn:       func(format string, args ...any) { warn(fmt.Sprintf(format, args...)) },
	}
	chart := platform.NewChart(cdk8s.NewApp(nil), m.Name())
	if err := m.Build(chart, cfg, env); err != nil {
		return nil, err
	}
	objs, err := chart.Objects()
	if err != nil {
		return nil, err
	}
	files, err := Layout([]moduleObjects{{name: m.Name(), index: 1, objects: objs}}, nil)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for _, f := range files {
		fmt.Fprintf(&b, "# file: %s\n", f.Name)
		b.Write(f.Data)
	}
	return b.Bytes(), nil
}
