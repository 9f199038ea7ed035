package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/aspect"
	"github.com/kargo-platform/kargo/constructs/compliance"
	"github.com/kargo-platform/kargo/constructs/images"
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
	Sources    Sources             `json:"sources" doc:"Where upstream charts, manifests and images come from."`
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

// Sources is the sources section: caches, vendoring and mirrors.
type Sources struct {
	CacheDir     string            `json:"cache_dir" doc:"Artifact cache. Defaults to $KARGO_CACHE_DIR, else $XDG_CACHE_HOME/kargo, else ~/.cache/kargo."`
	VendorDir    string            `json:"vendor_dir" doc:"Serve every artifact from this directory (written by kargo vendor), with no network. Relative to the first config file. Defaults to none."`
	Mirrors      map[string]string `json:"mirrors" doc:"Upstream URL prefix -> replacement prefix, for chart repositories, OCI registries and manifest URLs (e.g. https://charts.jetstack.io: https://mirror.example/jetstack). kargo.lock keeps the upstream identity and digest."`
	ImageMirrors map[string]string `json:"image_mirrors" doc:"Registry prefix -> replacement, rewritten in every image reference of the output (e.g. quay.io/kubevirt: harbor.example/kubevirt)."`
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
	out = append(out, images.Mirrors(c.Sources.ImageMirrors).Validate("sources.image_mirrors")...)
	out = append(out, validateMirrors("sources.mirrors", c.Sources.Mirrors)...)
	out = append(out, reg.Check(c.Enabled())...)
	sort.SliceStable(out, func(i, j int) bool { return pathOf(out[i]) < pathOf(out[j]) })
	return out
}

// validateMirrors checks that both sides of every mirror are http(s):// or oci:// URLs.
func validateMirrors(path string, m map[string]string) []error {
	var errs []error
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, u := range []string{k, m[k]} {
			if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "oci://") {
				errs = append(errs, fmt.Errorf("%s[%s]: %q is not an http(s):// or oci:// URL prefix", path, k, u))
			}
		}
	}
	return errs
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
