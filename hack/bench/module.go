package main

import (
	"context"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/helmchart"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/upstream"
	"github.com/kargo-platform/kargo/internal/artifact"
)

// workloadConfig is the bench-only module: the large real CRDs as upstream manifests
// and a chart of many small objects, both served by the harness on loopback.
type workloadConfig struct {
	Enabled bool     `json:"enabled" doc:"Build the bench workload."`
	Repo    string   `json:"repo" doc:"Chart repository with the small-objects chart."`
	Count   int      `json:"count" doc:"Small objects the chart renders."`
	CRDs    []string `json:"crds" doc:"Manifest URLs of the large CRDs."`
}

func (c workloadConfig) IsEnabled() bool                      { return c.Enabled }
func (c workloadConfig) Validate(*field.Path) field.ErrorList { return nil }

func (c workloadConfig) chart() artifact.Ref {
	return artifact.Ref{Name: "workload/small", Kind: artifact.Chart, URL: c.Repo, Chart: "small", Version: "1.0.0"}
}

func (c workloadConfig) manifests() []artifact.Ref {
	var refs []artifact.Ref
	for _, u := range c.CRDs {
		refs = append(refs, artifact.Ref{Name: "workload" + u[len(c.Repo):], Kind: artifact.Manifest, URL: u, Version: "bench"})
	}
	return refs
}

var workload = platform.Definition[workloadConfig]{
	ModuleName:  "workload",
	Description: "Bench workload: large real CRDs and a chart of small objects.",
	Default:     func() workloadConfig { return workloadConfig{} },
	ArtifactsOf: func(c workloadConfig) []artifact.Ref { return append([]artifact.Ref{c.chart()}, c.manifests()...) },
	New: func(ch *platform.Chart, cfg workloadConfig, env platform.Env) error {
		ctx := context.Background()
		for _, ref := range cfg.manifests() {
			var ts []upstream.Transform
			if strings.HasSuffix(ref.URL, "/kv-resource.yaml") {
				// The kubevirt module ships kubevirts.kubevirt.io too: rename the
				// bench's copy, keeping its size.
				ts = append(ts, upstream.Patch{
					Selector: upstream.Selector{Kind: "CustomResourceDefinition", Name: "kubevirts.kubevirt.io"},
					Ops: []upstream.Op{
						upstream.Replace("/metadata/name", "kubevirts.bench.kubevirt.io"),
						upstream.Replace("/spec/group", "bench.kubevirt.io"),
					},
				})
			}
			if _, err := upstream.New(ctx, ch, env, ref, ts...); err != nil {
				return err
			}
		}
		_, err := helmchart.New(ctx, ch, env, helmchart.Spec{
			Chart: cfg.chart(), Release: "small", Namespace: "bench",
			Values: map[string]any{"count": cfg.Count},
		})
		return err
	},
}
