package helmrender

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// Chart is a loaded Helm chart (apiVersion v1 or v2) with its subcharts. It wraps Helm's
// chart type so that callers need not import Helm. A Chart is read-only: Render works
// on copies of it.
type Chart struct {
	c *chart.Chart
}

// Load loads a chart from a packaged chart archive (.tgz).
func Load(archive []byte) (*Chart, error) {
	c, err := loader.LoadArchive(bytes.NewReader(archive))
	if err != nil {
		return nil, fmt.Errorf("load chart archive: %w", err)
	}
	return &Chart{c: c}, nil
}

// LoadPath loads a chart from a directory (honouring its .helmignore) or a .tgz file.
func LoadPath(path string) (*Chart, error) {
	c, err := loader.Load(path)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", path, err)
	}
	return &Chart{c: c}, nil
}

// Name returns the chart's name from Chart.yaml.
func (c *Chart) Name() string { return c.c.Name() }

// Version returns the chart's version from Chart.yaml.
func (c *Chart) Version() string {
	if c.c.Metadata == nil {
		return ""
	}
	return c.c.Metadata.Version
}

// clone returns a copy of ch that Helm may mutate: chartutil.ProcessDependencies, run by
// every install, removes disabled subcharts, renames aliased ones and rewrites Values and
// Metadata.Dependencies of the chart it is given. Templates and files are shared; Helm
// only reads them.
func clone(ch *chart.Chart) *chart.Chart {
	out := *ch
	if ch.Metadata != nil {
		md := *ch.Metadata
		if md.Dependencies != nil {
			md.Dependencies = make([]*chart.Dependency, len(ch.Metadata.Dependencies))
			for i, d := range ch.Metadata.Dependencies {
				if d == nil {
					continue
				}
				dc := *d
				dc.Tags = append([]string(nil), d.Tags...)
				dc.ImportValues = deepCopyList(d.ImportValues)
				md.Dependencies[i] = &dc
			}
		}
		if md.Annotations != nil {
			md.Annotations = maps.Clone(md.Annotations)
		}
		out.Metadata = &md
	}
	out.Values = deepCopyMap(ch.Values)
	deps := make([]*chart.Chart, 0, len(ch.Dependencies()))
	for _, d := range ch.Dependencies() {
		deps = append(deps, clone(d))
	}
	out.SetDependencies(deps...)
	return &out
}

// CRDAPIVersions returns the APIs that the CustomResourceDefinitions in the crds/
// directories of the chart and its subcharts define, as "group/version" and
// "group/version/Kind", sorted. A real install creates those CRDs before it renders the
// templates, so passing them in Options.APIVersions renders what a cluster would get.
func (c *Chart) CRDAPIVersions() ([]string, error) {
	seen := map[string]bool{}
	for _, crd := range c.c.CRDObjects() {
		objs, err := manifest.ParseYAML(crd.File.Data, crd.Filename)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.Name(), err)
		}
		for _, o := range objs {
			if o.Kind() != "CustomResourceDefinition" {
				continue
			}
			group, _ := o.LookupString("spec", "group")
			kind, _ := o.LookupString("spec", "names", "kind")
			versions, _ := o.Lookup("spec", "versions")
			list, _ := versions.([]any)
			for _, v := range list {
				vm, _ := v.(map[string]any)
				name, _ := vm["name"].(string)
				if served, ok := vm["served"].(bool); ok && !served || name == "" {
					continue
				}
				seen[group+"/"+name] = true
				seen[group+"/"+name+"/"+kind] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}
