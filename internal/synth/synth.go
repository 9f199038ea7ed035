package synth

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/aspect"
	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/imports/cdi"
	"github.com/kargo-platform/kargo/imports/certmanager"
	hpp "github.com/kargo-platform/kargo/imports/hostpathprovisioner"
	"github.com/kargo-platform/kargo/imports/kubevirt"
	"github.com/kargo-platform/kargo/imports/nad"
	"github.com/kargo-platform/kargo/internal/config"
	"github.com/kargo-platform/kargo/internal/kinds"
	"github.com/kargo-platform/kargo/internal/manifest"
	"github.com/kargo-platform/kargo/internal/output"
	"github.com/kargo-platform/kargo/internal/stage"
	"github.com/kargo-platform/kargo/internal/yamlenc"
)

// Options are the inputs of a synth besides the config.
type Options struct {
	// Registry is the set of modules.
	Registry *platform.Registry
	// Version is kargo's version, recorded in the summary.
	Version string
	// ConfigDir is where git metadata is read from, when enabled.
	ConfigDir string
	// Warn receives findings that do not stop the synth. Defaults to discarding them.
	Warn func(msg string)
	// Artifacts fetches the upstream artifacts modules declare (an *artifact.Store).
	// Required when an enabled module uses artifacts.
	Artifacts platform.Fetcher
	// Context bounds fetching. Defaults to context.Background().
	Context context.Context
}

// Result is a synthesized output.
type Result struct {
	Files []output.File
	// Objects are every object of the modules, after the aspects, in module order.
	Objects []manifest.Object
	// ImageRules are the enabled modules' image rules, for listing images.
	ImageRules []images.Rule
	Summary    Summary
	// Duration is how long the synth took (reporting only; never written).
	Duration time.Duration
	// Phases is where the time went (kargo synth --timings).
	Phases Phases
}

// Phases times the parts of a synth.
type Phases struct {
	// Fetch reads, verifies and parses the artifacts (from the cache when warm).
	Fetch time.Duration
	// JSIIStart is when the jsii kernel (node + cdk8s) was ready, counted from the start
	// of Fetch: the two run at the same time.
	JSIIStart time.Duration
	// Build constructs the modules: Helm renders, transforms, cdk8s objects and
	// resolving them.
	Build time.Duration
	// Layout applies the aspects, stages the objects and encodes the YAML files.
	Layout time.Duration
}

// Summary is what was rendered; it is written to dist/ as the ConfigMap
// kube-system/kargo-summary and printed by kargo synth --summary json.
type Summary struct {
	Kargo      string              `json:"kargo"`
	Kubernetes platform.Kubernetes `json:"kubernetes"`
	Modules    []ModuleSummary     `json:"modules"`
	Files      []FileSummary       `json:"files"`
	Objects    int                 `json:"objects"`
	Artifacts  []ArtifactSummary   `json:"artifacts"`
}

// ArtifactSummary is one upstream artifact in the summary.
type ArtifactSummary struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	URL     string   `json:"url"`
	SHA256  string   `json:"sha256"`
	Objects int      `json:"objects"`
	Dropped []string `json:"dropped,omitempty"`
}

// ModuleSummary is one module in the summary.
type ModuleSummary struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Objects int    `json:"objects"`
}

// FileSummary is one file in the summary.
type FileSummary struct {
	Name    string `json:"name"`
	Objects int    `json:"objects"`
}

// Summary ConfigMap identity.
const (
	SummaryName      = "kargo-summary"
	SummaryNamespace = "kube-system"
	SummaryKey       = "summary.json"
	summaryModule    = "kargo"
)

// Kinds is the table of every kind kargo's modules author.
var Kinds = kinds.NewTable(kubevirt.Kinds, cdi.Kinds, certmanager.Kinds, nad.Kinds, hpp.Kinds)

type moduleObjects struct {
	name    string
	index   int
	objects []manifest.Object
}

// Run synthesizes cfg.
func Run(cfg *config.Config, opts Options) (*Result, error) {
	start := time.Now()
	warn := opts.Warn
	if warn == nil {
		warn = func(string) {}
	}
	findings, err := cfg.Compliance.Enforce(field.NewPath("compliance"))
	if err != nil {
		return nil, err
	}
	for _, f := range findings {
		warn("compliance: " + f)
	}
	enabled := cfg.Enabled()
	if errs := opts.Registry.Check(enabled); len(errs) > 0 {
		return nil, config.Errors(errs)
	}
	order, err := opts.Registry.Order(enabled)
	if err != nil {
		return nil, err
	}
	var rules []images.Rule
	for _, m := range order {
		rules = append(rules, m.ImageRules()...)
	}
	aspects, err := Aspects(cfg, opts.ConfigDir, rules)
	if err != nil {
		return nil, err
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	// Starting jsii (spawning node, loading the cdk8s assemblies) takes a few hundred
	// milliseconds: it runs while the artifacts are read, verified and parsed.
	appc := make(chan cdk8s.App, 1)
	go func() { appc <- cdk8s.NewApp(nil) }()
	var phases Phases
	t0 := time.Now()
	fetched, err := prefetch(ctx, opts.Artifacts, order, cfg)
	phases.Fetch = time.Since(t0)
	app := <-appc
	phases.JSIIStart = time.Since(t0)
	if err != nil {
		return nil, err
	}
	env := platform.Env{
		Kubernetes: cfg.Kubernetes,
		Enabled:    func(m string) bool { return enabled[m] },
		Artifacts:  fetched,
		Scope:      Scope,
	}
	for _, m := range order {
		env.APIVersions = append(env.APIVersions, m.APIs()...)
	}
	sort.Strings(env.APIVersions)

	charts := map[string]*platform.Chart{}
	var mods []moduleObjects
	t1 := time.Now()
	for i, m := range order {
		name := m.Name()
		env.Warn = func(format string, args ...any) {
			warn(fmt.Sprintf("modules.%s: ", name) + fmt.Sprintf(format, args...))
		}
		chart := platform.NewChart(app, name)
		for _, req := range m.Requires() {
			if dep, ok := charts[req]; ok {
				chart.Scope().AddDependency(dep.Scope())
			}
		}
		charts[name] = chart
		if err := m.Build(chart, cfg.Modules[name], env); err != nil {
			return nil, fmt.Errorf("modules.%s: %w", name, trimModulePrefix(err, name))
		}
		objs, err := chart.Objects()
		if err != nil {
			return nil, err
		}
		mods = append(mods, moduleObjects{name: name, index: i + 1, objects: objs})
	}

	summary := Summary{Kargo: opts.Version, Kubernetes: cfg.Kubernetes, Artifacts: []ArtifactSummary{}}
	for _, m := range order {
		for _, b := range charts[m.Name()].Bulks() {
			if b.Artifact == nil {
				continue
			}
			summary.Artifacts = append(summary.Artifacts, ArtifactSummary{
				Name: b.Artifact.Ref.Name, Version: b.Artifact.Ref.Version, URL: b.Artifact.URL,
				SHA256: b.Artifact.SHA256, Objects: len(b.Objects), Dropped: b.Dropped,
			})
		}
	}
	for i, m := range order {
		summary.Modules = append(summary.Modules, ModuleSummary{Name: m.Name(), Version: m.Version(cfg.Modules[m.Name()]), Objects: len(mods[i].objects)})
	}
	phases.Build = time.Since(t1)
	t2 := time.Now()
	files, err := Layout(mods, aspects, env.APIVersions)
	if err != nil {
		return nil, err
	}
	if files, err = addSummary(files, aspects, &summary); err != nil {
		return nil, err
	}
	var objs []manifest.Object
	for _, m := range mods {
		objs = append(objs, m.objects...)
	}
	phases.Layout = time.Since(t2)
	return &Result{Files: files, Objects: objs, ImageRules: rules, Summary: summary, Duration: time.Since(start), Phases: phases}, nil
}

// Scope tells whether a kind is namespaced, from the built-in kinds and the custom kinds
// kargo's modules author.
func Scope(group, kind string) (namespaced, known bool) {
	return Kinds.Namespaced(kinds.GroupKind{Group: group, Kind: kind})
}

func trimModulePrefix(err error, name string) error {
	msg := err.Error()
	if p := "modules." + name + ": "; strings.HasPrefix(msg, p) {
		return fmt.Errorf("%s", strings.TrimPrefix(msg, p))
	}
	return err
}

// Aspects returns the aspects of cfg in the order they apply: the user's global labels
// and annotations (an object's own keys win), then compliance, then git metadata (both
// authoritative), then image mirrors.
func Aspects(cfg *config.Config, configDir string, rules []images.Rule) ([]aspect.Aspect, error) {
	as := []aspect.Aspect{
		aspect.Labels{Labels: cfg.Metadata.Labels, IncludeTemplates: cfg.Metadata.TemplateLabels},
		aspect.Annotations{Annotations: cfg.Metadata.Annotations},
	}
	as = append(as, cfg.Compliance.Aspects()...)
	if cfg.Git.Enabled {
		info, err := cfg.Git.Resolve(configDir)
		if err != nil {
			return nil, err
		}
		as = append(as, info.Aspects()...)
	}
	// Image mirrors come last: the references every other aspect saw are upstream's.
	as = append(as, images.Rewriter{Mirrors: cfg.Sources.ImageMirrors, Rules: rules})
	return as, nil
}

// Layout applies the aspects to every object, puts each in its stage, checks
// identities and scopes, and encodes one file per stage and module. provided are the
// APIs the enabled modules install.
func Layout(mods []moduleObjects, aspects []aspect.Aspect, provided []string) ([]output.File, error) {
	var all []manifest.Object
	owner := map[manifest.ID]string{}
	var problems []string
	for _, m := range mods {
		for _, o := range m.objects {
			id := o.ID()
			if prev, dup := owner[id]; dup {
				problems = append(problems, fmt.Sprintf("%s is produced twice (modules %s and %s); objects must be unique by kind, namespace and name", id, prev, m.name))
				continue
			}
			owner[id] = m.name
			if err := checkScope(o); err != nil {
				problems = append(problems, fmt.Sprintf("modules.%s: %v", m.name, err))
			}
			all = append(all, o)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	if err := aspect.Apply(all, aspects...); err != nil {
		return nil, err
	}
	classifier := stage.NewClassifier(Kinds, all, provided...)

	type key struct {
		stage stage.Stage
		index int
		name  string
	}
	groups := map[key][]manifest.Object{}
	for _, m := range mods {
		for _, o := range m.objects {
			s, err := classifier.Stage(o)
			if err != nil {
				problems = append(problems, fmt.Sprintf("modules.%s: %v", m.name, err))
				continue
			}
			stage.Annotate(o, s)
			k := key{s, m.index, m.name}
			groups[k] = append(groups[k], o)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].stage != keys[j].stage {
			return keys[i].stage < keys[j].stage
		}
		return keys[i].index < keys[j].index
	})
	var files []output.File
	for _, k := range keys {
		objs := groups[k]
		SortObjects(objs)
		f, err := encodeFile(fileName(k.stage, k.index, k.name), objs)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// addSummary adds the summary file; the summary describes every file, itself included.
func addSummary(files []output.File, aspects []aspect.Aspect, summary *Summary) ([]output.File, error) {
	sumName := fileName(stage.Cluster, 0, summaryModule)
	total := 1
	for _, f := range files {
		total += f.Objects
	}
	summary.Objects = total
	summary.Files = []FileSummary{{Name: sumName, Objects: 1}}
	for _, f := range files {
		summary.Files = append(summary.Files, FileSummary{Name: f.Name, Objects: f.Objects})
	}
	sort.Slice(summary.Files, func(i, j int) bool { return summary.Files[i].Name < summary.Files[j].Name })
	cm, err := summaryObject(*summary)
	if err != nil {
		return nil, err
	}
	if err := aspect.Apply([]manifest.Object{cm}, aspects...); err != nil {
		return nil, err
	}
	stage.Annotate(cm, stage.Cluster)
	f, err := encodeFile(sumName, []manifest.Object{cm})
	if err != nil {
		return nil, err
	}
	files = append(files, f)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

func checkScope(o manifest.Object) error {
	if err := o.Validate(); err != nil {
		return err
	}
	namespaced, known := Kinds.Namespaced(kinds.GroupKind{Group: o.Group(), Kind: o.Kind()})
	if !known {
		return nil
	}
	switch {
	case namespaced && o.Namespace() == "":
		return fmt.Errorf("%s: namespaced object without a namespace; set metadata.namespace", o.ID())
	case !namespaced && o.Namespace() != "":
		return fmt.Errorf("%s: cluster-scoped object with a namespace; remove metadata.namespace", o.ID())
	}
	return nil
}

func fileName(s stage.Stage, index int, module string) string {
	return fmt.Sprintf("%s-%02d-%s.yaml", s.Prefix(), index, strings.ReplaceAll(module, "_", "-"))
}

func encodeFile(name string, objs []manifest.Object) (output.File, error) {
	buf := []byte(output.Header)
	for i, o := range objs {
		if i > 0 {
			buf = append(buf, "---\n"...)
		}
		var err error
		if buf, err = yamlenc.AppendObject(buf, o); err != nil {
			return output.File{}, fmt.Errorf("%s: %s: %w", name, o.ID(), err)
		}
	}
	return output.File{Name: name, Data: buf, Objects: len(objs)}, nil
}

func summaryObject(s Summary) (manifest.Object, error) {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	return manifest.Object{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata": map[string]any{
			"name":      SummaryName,
			"namespace": SummaryNamespace,
			"labels":    map[string]any{"app.kubernetes.io/managed-by": "kargo"},
		},
		"data": map[string]any{SummaryKey: string(data) + "\n"},
	}, nil
}

// ParseSummary reads the summary back from the summary ConfigMap's data.
func ParseSummary(data string) (Summary, error) {
	var s Summary
	err := json.Unmarshal([]byte(data), &s)
	return s, err
}
