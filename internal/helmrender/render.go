package helmrender

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	release "helm.sh/helm/v4/pkg/release/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// Options configure a render.
type Options struct {
	// ReleaseName is .Release.Name. Required: kargo passes the module's name, never
	// Helm's "release-name" placeholder.
	ReleaseName string
	// Namespace is .Release.Namespace, and the namespace of namespaced objects that do
	// not set one. Required.
	Namespace string
	// KubeVersion is kargo's kubernetes.version ("1.30"); templates see
	// .Capabilities.KubeVersion.Version v1.30.0, in go test binaries and real binaries
	// alike. Required.
	KubeVersion string
	// APIVersions are APIs beyond the built-in ones, as "group/version" and
	// "group/version/Kind" entries ("monitoring.coreos.com/v1",
	// "monitoring.coreos.com/v1/ServiceMonitor"): the CRD APIs of the enabled modules.
	// .Capabilities.APIVersions always holds both forms for every built-in kind.
	APIVersions []string
	// Values are the chart values (already merged with the user's values; see
	// MergeValues). Typed Go values ([]string, int, structs) are converted to the
	// JSON-like form Helm expects. Not modified.
	Values map[string]any
	// DropHooks are the hook events whose objects are dropped (reported in
	// Result.Dropped): a hook is dropped when all its events are listed. nil means
	// DefaultDropHooks; an empty, non-nil slice keeps every hook.
	DropHooks []string
	// Namespaced tells the scope of kinds that are neither built in nor defined by a
	// CustomResourceDefinition the chart renders. May be nil, in which case such a kind
	// is an error.
	Namespaced func(group, kind string) (namespaced, known bool)
}

// Result is a rendered chart.
type Result struct {
	// Objects are the chart's objects: the crds/ files (parent chart, then subcharts),
	// then the manifest in Helm's install order, then the kept hooks (with their
	// helm.sh/hook* annotations) in Helm's hook order.
	Objects []manifest.Object
	// Dropped lists the dropped hook objects, one line each:
	// "Pod default/x-test (hook: test)".
	Dropped []string
	// Warnings are problems that do not stop the render, one line each, naming the
	// template: lookup calls, namespaces removed from cluster-scoped objects, hook
	// events Helm ignores.
	Warnings []string

	// sources[i] is the template Objects[i] came from.
	sources []string
}

// settings are validated Options in Helm's terms.
type settings struct {
	Options
	kube   *common.KubeVersion
	apis   common.VersionSet
	values map[string]any
	drop   []string
}

func (o Options) resolve() (settings, error) {
	s := settings{Options: o, drop: o.DropHooks}
	if o.ReleaseName == "" {
		return s, errors.New("release name is required")
	}
	if o.Namespace == "" {
		return s, errors.New("namespace is required")
	}
	if msgs := validation.IsDNS1123Label(o.Namespace); len(msgs) > 0 {
		return s, fmt.Errorf("invalid namespace %q: %s", o.Namespace, strings.Join(msgs, "; "))
	}
	var err error
	if s.kube, err = kubeVersion(o.KubeVersion); err != nil {
		return s, err
	}
	if s.apis, err = apiVersions(o.APIVersions); err != nil {
		return s, err
	}
	if s.values, err = normalizeValues(o.Values); err != nil {
		return s, err
	}
	if s.drop == nil {
		s.drop = DefaultDropHooks
	}
	return s, nil
}

// rendered is one object of Helm's output and where it came from.
type rendered struct {
	obj manifest.Object
	// source is the template or crds/ file, relative to the root chart
	// ("templates/a.yaml", "charts/sub/crds/b.yaml").
	source string
	hook   bool
}

// Render renders the chart as `helm template --include-crds` would, with opts, and
// post-processes the objects (see the package documentation). It renders twice and
// fails when the objects of the two renders differ (Dropped is not compared: a test Pod
// with a random name is dropped anyway).
//
// Helm itself logs a few things through the process-wide loggers, which Render cannot
// redirect: unknown hook events (slog, level INFO; Render also warns about them) and
// values that change type against the chart's defaults (log.Printf).
func Render(c *Chart, opts Options) (*Result, error) {
	if c == nil || c.c == nil {
		return nil, errors.New("render: no chart")
	}
	name := c.Name()
	s, err := opts.resolve()
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	if err := validateValues(c.c, s.values); err != nil {
		return nil, err
	}
	// The second render, for the determinism check, runs alongside the first: Render
	// works on copies of the chart, so the two share nothing Helm mutates. Its text is
	// compared with the first's; only when they differ are its objects parsed, to name
	// the object and the field.
	type second struct {
		rel *release.Release
		err error
	}
	done := make(chan second, 1)
	go func() {
		rel, _, err := releaseOf(c.c, s)
		done <- second{rel: rel, err: err}
	}()
	rel, processed, err := releaseOf(c.c, s)
	if err != nil {
		<-done
		return nil, err
	}
	objs, err := objectsOf(rel, processed, name)
	if err != nil {
		<-done
		return nil, err
	}
	res, err := postProcess(objs, s)
	if err != nil {
		<-done
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	sec := <-done
	if sec.err != nil {
		return nil, fmt.Errorf("chart %s: second render: %w", name, sec.err)
	}
	files := templateFiles(processed)
	if releaseText(rel) != releaseText(sec.rel) {
		again, err := objectsOf(sec.rel, processed, name)
		if err != nil {
			return nil, fmt.Errorf("chart %s: second render: %w", name, err)
		}
		res2, err := postProcess(again, s)
		if err != nil {
			return nil, fmt.Errorf("chart %s: second render: %w", name, err)
		}
		if err := compareRenders(name, res, res2, files); err != nil {
			return nil, err
		}
	}
	res.Warnings = append(res.Warnings, scanWarnings(files)...)
	return res, nil
}

// releaseText is everything a release renders: the manifest and the hooks.
func releaseText(r *release.Release) string {
	var b strings.Builder
	b.WriteString(r.Manifest)
	for _, h := range r.Hooks {
		b.WriteString("\n---\n# Hook: ")
		b.WriteString(h.Path)
		b.WriteString("\n")
		b.WriteString(h.Manifest)
	}
	return b.String()
}

// releaseOf runs Helm's install action the way `helm template --include-crds` does. It
// returns the release and the copy of the chart Helm processed (disabled subcharts
// removed).
func releaseOf(pristine *chart.Chart, s settings) (*release.Release, *chart.Chart, error) {
	ch := clone(pristine)
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(slog.DiscardHandler))
	in := action.NewInstall(cfg)
	// Client-only dry run: Install swaps in a memory release store, a fake kube client
	// and default capabilities extended by KubeVersion and APIVersions.
	in.DryRunStrategy = action.DryRunClient
	in.ReleaseName = s.ReleaseName
	in.Namespace = s.Namespace
	in.Replace = true // skip the name check
	in.IncludeCRDs = true
	in.KubeVersion = s.kube
	in.APIVersions = s.apis
	in.SkipSchemaValidation = true // done by validateValues, without network access
	rel, err := in.RunWithContext(context.Background(), ch, deepCopyMap(s.values))
	if err != nil {
		return nil, nil, fmt.Errorf("chart %s: %w", pristine.Name(), err)
	}
	r, ok := rel.(*release.Release)
	if !ok {
		return nil, nil, fmt.Errorf("chart %s: unexpected release type %T", pristine.Name(), rel)
	}
	return r, ch, nil
}

// objectsOf splits a release's output into objects.
func objectsOf(r *release.Release, ch *chart.Chart, name string) ([]rendered, error) {
	root := ch.Name() + "/"
	var out []rendered
	for _, part := range splitManifest(r.Manifest) {
		src := strings.TrimPrefix(part.source, root)
		objs, err := manifest.ParseYAML([]byte(part.body), src)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", name, err)
		}
		for _, o := range objs {
			out = append(out, rendered{obj: o, source: src})
		}
	}
	for _, h := range r.Hooks {
		src := strings.TrimPrefix(h.Path, root)
		objs, err := manifest.ParseYAML([]byte(h.Manifest), src)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", name, err)
		}
		for _, o := range objs {
			out = append(out, rendered{obj: o, source: src, hook: true})
		}
	}
	return out, nil
}

type manifestPart struct{ source, body string }

// splitManifest splits a release manifest, written by Helm as "---\n# Source: path\n"
// followed by the file's content for every crds/ file and template document, into its
// parts. A crds/ file may hold several documents; the YAML parser splits those.
func splitManifest(m string) []manifestPart {
	const sep = "\n---\n# Source: "
	parts := strings.Split("\n"+m, sep)
	var out []manifestPart
	for _, p := range parts[1:] {
		src, body, _ := strings.Cut(p, "\n")
		out = append(out, manifestPart{source: src, body: body})
	}
	return out
}

// postProcess drops hooks, fixes namespaces and checks the objects.
func postProcess(objs []rendered, s settings) (*Result, error) {
	sc, err := newScopes(objs, s.Namespaced)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, r := range objs {
		if err := r.obj.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", r.source, err)
		}
		if r.hook {
			if drop, events := dropHook(r.obj, s.drop); drop {
				_, _ = sc.fixNamespace(r, s.Namespace) // for the report only
				res.Dropped = append(res.Dropped, droppedLine(r.obj, events))
				continue
			}
		}
		w, err := sc.fixNamespace(r, s.Namespace)
		if err != nil {
			return nil, err
		}
		if w != "" {
			res.Warnings = append(res.Warnings, w)
		}
		res.Objects = append(res.Objects, r.obj)
		res.sources = append(res.sources, r.source)
	}
	return res, nil
}
