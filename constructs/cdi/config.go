package cdi

import (
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/versions"
)

// Config is modules.cdi in kargo.config.yaml. It has no namespace: the release manifest
// brings its own cdi namespace, and cdi-operator installs CDI there.
type Config struct {
	Enabled      bool     `json:"enabled" doc:"Build the cdi module: cdi-operator from the CDI release manifest, in the cdi namespace the manifest brings, and the CDI CR. Defaults to true."`
	Version      string   `json:"version" doc:"CDI (containerized-data-importer) release, without the leading v, whose cdi-operator.yaml is deployed. Defaults to 1.60.3."`
	FeatureGates []string `json:"feature_gates" doc:"CDI feature gates to enable (spec.config.featureGates of the CDI CR); with a 1.60.x version each must be a gate CDI 1.60 knows. Defaults to [HonorWaitForFirstConsumer]."`
}

// DefaultFeatureGates are the feature gates enabled by default: HonorWaitForFirstConsumer
// makes CDI wait for the consuming VM's pod before it imports into a volume whose
// StorageClass binds WaitForFirstConsumer (local storage such as hostpath-provisioner).
var DefaultFeatureGates = []string{"HonorWaitForFirstConsumer"}

// DefaultConfig returns the defaults of the cdi module: enabled, CDI
// versions.Of("cdi"), HonorWaitForFirstConsumer on.
func DefaultConfig() Config {
	return Config{
		Enabled:      true,
		Version:      versions.Of("cdi"),
		FeatureGates: append([]string(nil), DefaultFeatureGates...),
	}
}

// IsEnabled implements platform.Config.
func (c Config) IsEnabled() bool { return c.Enabled }

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)

// Validate implements platform.Config: it returns every problem of the config, also
// when the module is disabled.
func (c Config) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch v := c.Version; {
	case v == "":
		errs = append(errs, field.Required(path.Child("version"), "a CDI release such as "+versions.Of("cdi")))
	case strings.HasPrefix(v, "v") && versionRE.MatchString(v[1:]):
		errs = append(errs, field.Invalid(path.Child("version"), v, "write the version without the leading v: "+v[1:]))
	case !versionRE.MatchString(v):
		errs = append(errs, field.Invalid(path.Child("version"), v, "must be a release version such as "+versions.Of("cdi")))
	}
	seen := map[string]bool{}
	strict := checksGates(c.Version)
	for i, g := range c.FeatureGates {
		p := path.Child("feature_gates").Index(i)
		switch {
		case strings.TrimSpace(g) == "":
			errs = append(errs, field.Required(p, "a feature gate name such as HonorWaitForFirstConsumer"))
		case seen[g]:
			errs = append(errs, field.Duplicate(p, g))
		case strict && !knownGates[g]:
			errs = append(errs, field.Invalid(p, g, unknownGate(g)))
		}
		seen[g] = true
	}
	return errs
}
