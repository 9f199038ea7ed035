package synth

import (
	"bytes"
	"context"
	"fmt"

	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/kargo-platform/kargo/constructs/platform"
)

// Module synthesizes one module on its own — no requirement check, no global aspects,
// no summary — and returns its files concatenated, each after a "# file: NAME" line.
// Module tests compare it with golden files. Validation runs first, as in a real synth.
func Module(m platform.Module, cfg platform.Config, k platform.Kubernetes, warn func(string)) ([]byte, error) {
	return ModuleWith(m, cfg, ModuleOptions{Kubernetes: k, Warn: warn})
}

// ModuleOptions are the surroundings of a module synthesized alone.
type ModuleOptions struct {
	Kubernetes platform.Kubernetes
	// Warn receives warnings; nil discards them.
	Warn func(string)
	// Artifacts serves the module's artifacts (fixturetest.Store in tests).
	Artifacts platform.Fetcher
	// Enabled lists the other modules to treat as enabled.
	Enabled []string
	// APIVersions are the custom APIs of the other enabled modules.
	APIVersions []string
}

// ModuleWith is Module with artifacts and other enabled modules.
func ModuleWith(m platform.Module, cfg platform.Config, o ModuleOptions) ([]byte, error) {
	if errs := cfg.Validate(nil); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	enabled := map[string]bool{m.Name(): true}
	for _, e := range o.Enabled {
		enabled[e] = true
	}
	ctx := context.Background()
	var fetcher platform.Fetcher = fetched{}
	if refs := m.Artifacts(cfg); len(refs) > 0 {
		if o.Artifacts == nil {
			return nil, fmt.Errorf("modules.%s uses artifacts: give ModuleOptions.Artifacts", m.Name())
		}
		f := fetched{}
		for _, ref := range refs {
			a, err := o.Artifacts.Fetch(ctx, ref)
			if err != nil {
				return nil, err
			}
			f[ref.Name] = prefetched{Artifact: a}
		}
		fetcher = f
	}
	env := platform.Env{
		Kubernetes:  o.Kubernetes,
		Enabled:     func(name string) bool { return enabled[name] },
		Warn:        func(format string, args ...any) { warn(fmt.Sprintf(format, args...)) },
		Artifacts:   fetcher,
		APIVersions: append(append([]string(nil), o.APIVersions...), m.APIs()...),
		Scope:       Scope,
	}
	chart := platform.NewChart(cdk8s.NewApp(nil), m.Name())
	if err := m.Build(chart, cfg, env); err != nil {
		return nil, err
	}
	objs, err := chart.Objects()
	if err != nil {
		return nil, err
	}
	files, err := Layout([]moduleObjects{{name: m.Name(), index: 1, objects: objs}}, nil, env.APIVersions)
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
