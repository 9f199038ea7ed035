package platform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/manifest"
)

// Chart is the cdk8s Chart of one module, plus the Go-side objects its bulk constructs
// hold.
type Chart struct {
	module   string
	scope    cdk8s.Chart
	authored int
	bulk     []*Bulk
	ids      map[string]bool
}

// Bulk is a construct whose objects stay on the Go side: a rendered Helm chart or an
// upstream manifest. Its objects are written by kargo's writer in the same format a
// cdk8s synth writes, and aspects reach them like any other object.
type Bulk struct {
	// Node is the construct that stands for the objects in the construct tree.
	Node constructs.Construct
	// Source says where the objects came from (a chart or a URL).
	Source string
	// Objects are the objects, in source order.
	Objects []manifest.Object
	// Artifact is the upstream artifact the objects were rendered from, when there is one.
	Artifact *artifact.Artifact
	// Dropped lists objects of the source left out on purpose (Helm test hooks), for the
	// summary.
	Dropped []string
}

// NewChart creates the Chart of module in app.
func NewChart(app cdk8s.App, module string) *Chart {
	scope := cdk8s.NewChart(app, jsii.String(module), &cdk8s.ChartProps{
		DisableResourceNameHashes: jsii.Bool(true),
	})
	return &Chart{module: module, scope: scope, ids: map[string]bool{}}
}

// Module returns the name of the chart's module.
func (c *Chart) Module() string { return c.module }

// Scope returns the cdk8s Chart, for constructs of the module's own.
func (c *Chart) Scope() cdk8s.Chart { return c.scope }

// Add adds a hand-authored object, given as a typed API struct (k8s.io/api,
// imports/...) with its TypeMeta set, to the chart as a cdk8s ApiObject.
func (c *Chart) Add(obj any) error {
	o, err := manifest.FromTyped(obj)
	if err != nil {
		return fmt.Errorf("modules.%s: %w", c.module, err)
	}
	return c.AddObject(o)
}

// AddObject adds a hand-authored object given as data to the chart as a cdk8s ApiObject.
func (c *Chart) AddObject(o manifest.Object) error {
	if err := o.Validate(); err != nil {
		return fmt.Errorf("modules.%s: %w", c.module, err)
	}
	id := constructID(o)
	if c.ids[id] {
		return fmt.Errorf("modules.%s: object %s is added twice", c.module, o.ID())
	}
	c.ids[id] = true

	md := o.Metadata(false)
	meta := &cdk8s.ApiObjectMetadata{Name: jsii.String(o.Name())}
	if ns := o.Namespace(); ns != "" {
		meta.Namespace = jsii.String(ns)
	}
	meta.Labels = stringMapPtr(md["labels"])
	meta.Annotations = stringMapPtr(md["annotations"])
	api := cdk8s.NewApiObject(c.scope, jsii.String(id), &cdk8s.ApiObjectProps{
		ApiVersion: jsii.String(o.APIVersion()),
		Kind:       jsii.String(o.Kind()),
		Metadata:   meta,
	})

	// The body goes in with one AddJsonPatch call: ApiObjectProps in Go carries only
	// apiVersion, kind and metadata.
	var patches []cdk8s.JsonPatch
	for _, k := range sortedKeys(md) {
		switch k {
		case "name", "namespace", "labels", "annotations":
			continue
		}
		patches = append(patches, cdk8s.JsonPatch_Add(jsii.String("/metadata/"+k), md[k]))
	}
	for _, k := range sortedKeys(o) {
		switch k {
		case "apiVersion", "kind", "metadata":
			continue
		}
		patches = append(patches, cdk8s.JsonPatch_Add(jsii.String("/"+k), o[k]))
	}
	if len(patches) > 0 {
		api.AddJsonPatch(patches...)
	}
	c.authored++
	return nil
}

// AddBulk adds objects that stay on the Go side under one construct with the given id.
func (c *Chart) AddBulk(id, source string, objs []manifest.Object) *Bulk {
	b := &Bulk{
		Node:    constructs.NewConstruct(c.scope, jsii.String(id)),
		Source:  source,
		Objects: objs,
	}
	c.bulk = append(c.bulk, b)
	return b
}

// Bulks returns the chart's bulk constructs, in the order they were added.
func (c *Chart) Bulks() []*Bulk { return c.bulk }

// Objects returns every object of the chart: the authored ones as cdk8s resolves them
// (one jsii call for the whole chart), then the bulk ones.
func (c *Chart) Objects() ([]manifest.Object, error) {
	var out []manifest.Object
	if c.authored > 0 {
		resolved := c.scope.ToJson()
		if resolved == nil || len(*resolved) != c.authored {
			return nil, fmt.Errorf("modules.%s: cdk8s returned %d objects for %d authored ones", c.module, lenOf(resolved), c.authored)
		}
		for i, v := range *resolved {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("modules.%s: cdk8s returned %T for object %d", c.module, v, i)
			}
			out = append(out, manifest.Object(m))
		}
	}
	for _, b := range c.bulk {
		out = append(out, b.Objects...)
	}
	return out, nil
}

func lenOf(v *[]any) int {
	if v == nil {
		return 0
	}
	return len(*v)
}

func constructID(o manifest.Object) string {
	parts := []string{o.Kind()}
	if g := o.Group(); g != "" {
		parts[0] = o.Kind() + "." + g
	}
	if ns := o.Namespace(); ns != "" {
		parts = append(parts, ns)
	}
	parts = append(parts, o.Name())
	return strings.Join(parts, "--")
}

func stringMapPtr(v any) *map[string]*string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, val := range m {
		s, _ := val.(string)
		out[k] = jsii.String(s)
	}
	return &out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
