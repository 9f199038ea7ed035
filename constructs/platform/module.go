package platform

import (
	"encoding/json"
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/internal/artifact"
)

// Config is what every module's config type provides.
type Config interface {
	// IsEnabled reports whether the module is to be built.
	IsEnabled() bool
	// Validate returns every problem of the config; path is the config's key path
	// (modules.<name>).
	Validate(path *field.Path) field.ErrorList
}

// Module is one platform module.
type Module interface {
	// Name is the module's key under modules: in kargo.config.yaml.
	Name() string
	// Doc is a one-line description.
	Doc() string
	// Requires names the modules that must be enabled with this one.
	Requires() []string
	// DefaultConfig returns the module's defaults.
	DefaultConfig() Config
	// Decode decodes JSON over the defaults (the caller has already checked the keys
	// and types against ConfigType).
	Decode(raw []byte) (Config, error)
	// ConfigType is the Go type of the module's config.
	ConfigType() reflect.Type
	// Version is the version of what the module deploys, for kargo modules and the
	// summary.
	Version(cfg Config) string
	// APIs lists the custom APIs the module installs, as "group/version" and
	// "group/version/Kind" (monitoring.coreos.com/v1/ServiceMonitor): Helm charts of
	// every module see them in .Capabilities.APIVersions, as on a real cluster.
	APIs() []string
	// ImageRules names images the module's operators take from env vars or args.
	ImageRules() []images.Rule
	// Artifacts lists the upstream artifacts the config makes the module use (charts,
	// manifests): kargo fetches them before building, and kargo lock/vendor/outdated
	// work on them. A disabled module uses none.
	Artifacts(cfg Config) []artifact.Ref
	// Build constructs the module's objects in c.
	Build(c *Chart, cfg Config, env Env) error
}

// Definition implements Module for a concrete config type C.
type Definition[C Config] struct {
	ModuleName  string
	Description string
	Requirement []string
	// Default returns the module's defaults: the only home of them.
	Default func() C
	// VersionOf returns the version the config deploys.
	VersionOf func(C) string
	// Provides lists the custom APIs the module installs (see Module.APIs).
	Provides []string
	// Images names images the module's operators take from env vars or args.
	Images []images.Rule
	// ArtifactsOf lists the upstream artifacts the config uses; nil for a module
	// without any.
	ArtifactsOf func(C) []artifact.Ref
	// New constructs the module's objects.
	New func(c *Chart, cfg C, env Env) error
}

var _ Module = Definition[Config]{}

// Name implements Module.
func (d Definition[C]) Name() string { return d.ModuleName }

// Doc implements Module.
func (d Definition[C]) Doc() string { return d.Description }

// Requires implements Module.
func (d Definition[C]) Requires() []string { return d.Requirement }

// DefaultConfig implements Module.
func (d Definition[C]) DefaultConfig() Config { return d.Default() }

// ConfigType implements Module.
func (d Definition[C]) ConfigType() reflect.Type { return reflect.TypeOf(d.Default()) }

// Decode implements Module.
func (d Definition[C]) Decode(raw []byte) (Config, error) {
	c := d.Default()
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("modules.%s: %w", d.ModuleName, err)
		}
	}
	return c, nil
}

// Version implements Module.
func (d Definition[C]) Version(cfg Config) string {
	if d.VersionOf == nil {
		return ""
	}
	return d.VersionOf(cfg.(C))
}

// ImageRules implements Module.
func (d Definition[C]) ImageRules() []images.Rule { return d.Images }

// APIs implements Module.
func (d Definition[C]) APIs() []string { return d.Provides }

// Artifacts implements Module.
func (d Definition[C]) Artifacts(cfg Config) []artifact.Ref {
	if d.ArtifactsOf == nil || !cfg.IsEnabled() {
		return nil
	}
	return d.ArtifactsOf(cfg.(C))
}

// Build implements Module.
func (d Definition[C]) Build(c *Chart, cfg Config, env Env) error {
	typed, ok := cfg.(C)
	if !ok {
		return fmt.Errorf("modules.%s: config has type %T, want %T", d.ModuleName, cfg, typed)
	}
	return d.New(c, typed, env)
}
