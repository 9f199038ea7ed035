package helmchart

import (
	"context"
	"fmt"
	"slices"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/helmrender"
)

// Spec says which chart to render and how.
type Spec struct {
	// Chart is the chart artifact (Kind artifact.Chart), declared by the module so that
	// kargo lock and vendor see it. Empty when Path is set.
	Chart artifact.Ref
	// Path renders a local chart directory or .tgz instead (the user's own: not locked).
	Path string
	// Release and Namespace are the release's name and namespace: explicit, the module's.
	Release   string
	Namespace string
	// Values are the module's typed values; UserValues, the module's `values` escape
	// hatch, are merged over them.
	Values     map[string]any
	UserValues map[string]any
	// DropHooks are the hook events whose objects are left out; nil drops test hooks.
	DropHooks []string
}

// New renders spec and adds its objects to c as one bulk construct. Findings that do not
// stop the synth (templates that call lookup) go to env.Warn; dropped hooks are listed
// on the bulk for the summary.
func New(ctx context.Context, c *platform.Chart, env platform.Env, spec Spec) (*platform.Bulk, error) {
	ch, a, source, err := load(ctx, env, spec)
	if err != nil {
		return nil, err
	}
	apis, err := ch.CRDAPIVersions()
	if err != nil {
		return nil, err
	}
	apis = append(apis, env.APIVersions...)
	slices.Sort(apis)
	res, err := helmrender.Render(ch, helmrender.Options{
		ReleaseName: spec.Release,
		Namespace:   spec.Namespace,
		KubeVersion: env.Kubernetes.Version,
		APIVersions: slices.Compact(apis),
		Values:      helmrender.MergeValues(spec.Values, spec.UserValues),
		DropHooks:   spec.DropHooks,
		Namespaced:  env.Scope,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	for _, o := range res.Objects {
		o.Tidy()
	}
	if env.Warn != nil {
		for _, w := range res.Warnings {
			env.Warn("chart %s: %s", ch.Name(), w)
		}
	}
	id := spec.Release
	if spec.Chart.Name != "" {
		id = spec.Chart.Name
	}
	b := c.AddBulk(id, source, res.Objects)
	b.Artifact = a
	b.Dropped = res.Dropped
	return b, nil
}

func load(ctx context.Context, env platform.Env, spec Spec) (*helmrender.Chart, *artifact.Artifact, string, error) {
	if spec.Path != "" {
		ch, err := helmrender.LoadPath(spec.Path)
		return ch, nil, spec.Path, err
	}
	if spec.Chart.Kind != artifact.Chart {
		return nil, nil, "", fmt.Errorf("%s: not a chart artifact", spec.Chart)
	}
	if env.Artifacts == nil {
		return nil, nil, "", fmt.Errorf("%s: no artifact store to fetch it from", spec.Chart)
	}
	a, err := env.Artifacts.Fetch(ctx, spec.Chart)
	if err != nil {
		return nil, nil, "", err
	}
	ch, err := helmrender.Load(a.Data)
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s: %w", spec.Chart, err)
	}
	return ch, &a, a.URL, nil
}
