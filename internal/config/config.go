package config

import (
	"regexp"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/aspect"
	"github.com/kargo-platform/kargo/constructs/compliance"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/gitmeta"
)

// APIVersion is the config format this build reads.
const APIVersion = "kargo/v1alpha1"

// Config is kargo.config.yaml.
type Config struct {
	APIVersion string              `json:"apiVersion" doc:"Config format version; must be kargo/v1alpha1."`
	Kubernetes platform.Kubernetes `json:"kubernetes" doc:"The target cluster."`
	Metadata   Metadata            `json:"metadata" doc:"Labels and annotations put on every object."`
	Compliance compliance.Config   `json:"compliance" doc:"Compliance metadata put on every object."`
	Git        gitmeta.Config      `json:"git_metadata" doc:"Git metadata put on every object (opt-in)."`
	// Modules holds each registered module's config, decoded over its defaults.
	Modules map[string]platform.Config `json:"modules" doc:"Platform modules, by name (see kargo modules)."`
}

// Metadata is the metadata section.
type Metadata struct {
	Labels      map[string]string `json:"labels" doc:"Labels put on every object. An object's own label with the same key wins."`
	Annotations map[string]string `json:"annotations" doc:"Annotations put on every object. An object's own annotation with the same key wins."`
	// TemplateLabels also labels pod and VM templates.
	TemplateLabels bool `json:"template_labels" doc:"Also put the labels on pod and VM templates (Deployments, DaemonSets, VirtualMachines, ...). Changing them restarts the workloads. Selectors are never touched."`
}

// Default returns the defaults: the only home of the top-level defaults; each module's
// come from its own DefaultConfig.
func Default(reg *platform.Registry) *Config {
	c := &Config{
		APIVersion: APIVersion,
		Kubernetes: platform.Kubernetes{Version: "1.30", Distribution: platform.Talos},
		Compliance: compliance.Default(),
		Modules:    map[string]platform.Config{},
	}
	for _, name := range reg.Names() {
		m, _ := reg.Get(name)
		c.Modules[name] = m.DefaultConfig()
	}
	return c
}

// Enabled returns the set of enabled module names.
func (c *Config) Enabled() map[string]bool {
	out := map[string]bool{}
	for name, mc := range c.Modules {
		if mc.IsEnabled() {
			out[name] = true
		}
	}
	return out
}

var kubeVersion = regexp.MustCompile(`^1\.(2[0-9]|3[0-9])$`)

// Validate returns every problem of the decoded config, sorted by key path, including
// unmet module requirements.
func (c *Config) Validate(reg *platform.Registry) []error {
	var errs field.ErrorList
	if c.APIVersion != APIVersion {
		errs = append(errs, field.Invalid(field.NewPath("apiVersion"), c.APIVersion, "must be "+APIVersion))
	}
	k := field.NewPath("kubernetes")
	if !kubeVersion.MatchString(c.Kubernetes.Version) {
		errs = append(errs, field.Invalid(k.Child("version"), c.Kubernetes.Version, `must be a Kubernetes minor version such as "1.30"`))
	}
	var dists []string
	known := false
	for _, d := range platform.Distributions {
		dists = append(dists, string(d))
		known = known || d == c.Kubernetes.Distribution
	}
	if !known {
		errs = append(errs, field.NotSupported(k.Child("distribution"), c.Kubernetes.Distribution, dists))
	}
	errs = append(errs, c.Compliance.Validate(field.NewPath("compliance"))...)
	for _, name := range reg.Names() {
		errs = append(errs, c.Modules[name].Validate(field.NewPath("modules", name))...)
	}
	var out []error
	for _, e := range errs {
		out = append(out, e)
	}
	out = append(out, aspect.ValidateLabels("metadata.labels", c.Metadata.Labels)...)
	out = append(out, aspect.ValidateAnnotations("metadata.annotations", c.Metadata.Annotations)...)
	out = append(out, reg.Check(c.Enabled())...)
	sort.SliceStable(out, func(i, j int) bool { return pathOf(out[i]) < pathOf(out[j]) })
	return out
}

// pathOf returns the key path an error starts with.
func pathOf(err error) string {
	if fe, ok := err.(*field.Error); ok {
		return fe.Field
	}
	msg := err.Error()
	for i := 0; i < len(msg); i++ {
		if msg[i] == ':' || msg[i] == '[' {
			return msg[:i]
		}
	}
	return msg
}
