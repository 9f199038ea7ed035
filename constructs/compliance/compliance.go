package compliance

import (
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/aspect"
)

// Enforcing says what happens when a required compliance field is missing.
type Enforcing string

// Enforcing modes.
const (
	// Strict fails the synth.
	Strict Enforcing = "strict"
	// Warn prints the findings and goes on.
	Warn Enforcing = "warn"
	// Disabled checks nothing.
	Disabled Enforcing = "disabled"
)

// Config is the compliance section of kargo.config.yaml.
type Config struct {
	Fisma Fisma `json:"fisma" doc:"FISMA (Federal Information Security Modernization Act) metadata."`
	Nist  Nist  `json:"nist" doc:"NIST SP 800-53 controls metadata."`
	Scip  Scip  `json:"scip" doc:"SCIP environment, ownership and provider metadata."`
}

// Fisma is compliance.fisma.
type Fisma struct {
	Enabled   bool      `json:"enabled" doc:"Label every object compliance.fisma.enabled=true and annotate the level and ATO."`
	Level     string    `json:"level" doc:"FISMA impact level: low, moderate or high."`
	Enforcing Enforcing `json:"enforcing" doc:"What a missing required compliance field does: strict fails the synth, warn prints it, disabled ignores it."`
	ATO       ATO       `json:"ato" doc:"Authority to operate."`
}

// ATO is compliance.fisma.ato.
type ATO struct {
	Authorized string `json:"authorized" doc:"Date the ATO was granted (e.g. 2026-01-31)."`
	Renew      string `json:"renew" doc:"Date the ATO must be renewed."`
	Review     string `json:"review" doc:"Date of the next ATO review."`
}

// Nist is compliance.nist.
type Nist struct {
	Enabled    bool     `json:"enabled" doc:"Label every object compliance.nist.enabled=true and annotate the controls."`
	Controls   []string `json:"controls" doc:"NIST controls the platform implements (e.g. AC-2)."`
	Auxiliary  []string `json:"auxiliary" doc:"Auxiliary controls."`
	Exceptions []string `json:"exceptions" doc:"Controls with an exception."`
}

// Scip is compliance.scip.
type Scip struct {
	Environment string    `json:"environment" doc:"Environment name (e.g. prod); becomes the compliance.scip.environment label, sanitized."`
	Ownership   Ownership `json:"ownership" doc:"Who operates and who provides the platform."`
	Provider    Provider  `json:"provider" doc:"The infrastructure provider."`
}

// Ownership is compliance.scip.ownership.
type Ownership struct {
	Operator Party `json:"operator" doc:"The team that operates the platform."`
	Provider Party `json:"provider" doc:"The team that provides the platform."`
}

// Party is a named owner with contacts.
type Party struct {
	Name     string   `json:"name,omitempty" doc:"Name."`
	Contacts []string `json:"contacts,omitempty" doc:"Contacts (e-mail addresses, channels)."`
}

// Provider is compliance.scip.provider.
type Provider struct {
	Name    string   `json:"name,omitempty" doc:"Provider name."`
	Regions []string `json:"regions,omitempty" doc:"Regions the platform runs in."`
	Version string   `json:"version,omitempty" doc:"Provider version."`
}

// Label and annotation keys.
const (
	LabelFismaEnabled     = "compliance.fisma.enabled"
	LabelNistEnabled      = "compliance.nist.enabled"
	LabelScipEnvironment  = "compliance.scip.environment"
	AnnotationFismaLevel  = "compliance.fisma.level"
	AnnotationFismaATO    = "compliance.fisma.ato"
	AnnotationNistCtrls   = "compliance.nist.controls"
	AnnotationNistAux     = "compliance.nist.auxiliary"
	AnnotationNistExcept  = "compliance.nist.exceptions"
	AnnotationScipOwners  = "compliance.scip.ownership"
	AnnotationScipProvide = "compliance.scip.provider"
)

// Default returns the defaults: everything off, findings printed as warnings.
func Default() Config {
	return Config{Fisma: Fisma{Enforcing: Warn}}
}

// Validate checks the values (not the completeness: see Findings).
func (c Config) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch c.Fisma.Enforcing {
	case Strict, Warn, Disabled:
	default:
		errs = append(errs, field.NotSupported(path.Child("fisma", "enforcing"), c.Fisma.Enforcing, []string{string(Strict), string(Warn), string(Disabled)}))
	}
	switch c.Fisma.Level {
	case "", "low", "moderate", "high":
	default:
		errs = append(errs, field.NotSupported(path.Child("fisma", "level"), c.Fisma.Level, []string{"low", "moderate", "high"}))
	}
	return errs
}

func (s Scip) present() bool {
	return s.Environment != "" || s.Ownership.Operator.Name != "" || len(s.Ownership.Operator.Contacts) > 0 ||
		s.Ownership.Provider.Name != "" || len(s.Ownership.Provider.Contacts) > 0 ||
		s.Provider.Name != "" || len(s.Provider.Regions) > 0 || s.Provider.Version != ""
}

// Findings lists the required fields that are missing: with fisma enabled, level and
// ato.authorized; with nist enabled, a non-empty controls list; with scip present,
// environment and ownership.operator.name.
func (c Config) Findings(path *field.Path) []string {
	var out []string
	if c.Fisma.Enabled {
		if c.Fisma.Level == "" {
			out = append(out, path.Child("fisma", "level").String()+": required when fisma is enabled")
		}
		if c.Fisma.ATO.Authorized == "" {
			out = append(out, path.Child("fisma", "ato", "authorized").String()+": required when fisma is enabled")
		}
	}
	if c.Nist.Enabled && len(c.Nist.Controls) == 0 {
		out = append(out, path.Child("nist", "controls").String()+": at least one control is required when nist is enabled")
	}
	if c.Scip.present() {
		if c.Scip.Environment == "" {
			out = append(out, path.Child("scip", "environment").String()+": required when scip is set")
		}
		if c.Scip.Ownership.Operator.Name == "" {
			out = append(out, path.Child("scip", "ownership", "operator", "name").String()+": required when scip is set")
		}
	}
	return out
}

// Enforce applies fisma.enforcing to the findings: an error under strict, warnings
// (returned for printing) under warn, nothing when disabled.
func (c Config) Enforce(path *field.Path) (warnings []string, err error) {
	if c.Fisma.Enforcing == Disabled {
		return nil, nil
	}
	findings := c.Findings(path)
	if len(findings) == 0 {
		return nil, nil
	}
	if c.Fisma.Enforcing == Strict {
		return nil, fmt.Errorf("compliance is enforcing (fisma.enforcing: strict) and required fields are missing:\n  %s", strings.Join(findings, "\n  "))
	}
	return findings, nil
}

// Labels returns the compliance labels, each only when set.
func (c Config) Labels() map[string]string {
	out := map[string]string{}
	if c.Fisma.Enabled {
		out[LabelFismaEnabled] = "true"
	}
	if c.Nist.Enabled {
		out[LabelNistEnabled] = "true"
	}
	if v := aspect.SanitizeLabelValue(c.Scip.Environment); v != "" {
		out[LabelScipEnvironment] = v
	}
	return out
}

// Annotations returns the compliance annotations, each only when set.
func (c Config) Annotations() map[string]string {
	out := map[string]string{}
	if c.Fisma.Enabled {
		if c.Fisma.Level != "" {
			out[AnnotationFismaLevel] = c.Fisma.Level
		}
		ato := map[string]string{}
		for k, v := range map[string]string{"authorized": c.Fisma.ATO.Authorized, "renew": c.Fisma.ATO.Renew, "review": c.Fisma.ATO.Review} {
			if v != "" {
				ato[k] = v
			}
		}
		if len(ato) > 0 {
			out[AnnotationFismaATO] = mustJSON(ato)
		}
	}
	if c.Nist.Enabled {
		for key, list := range map[string][]string{AnnotationNistCtrls: c.Nist.Controls, AnnotationNistAux: c.Nist.Auxiliary, AnnotationNistExcept: c.Nist.Exceptions} {
			if len(list) > 0 {
				out[key] = mustJSON(list)
			}
		}
	}
	owners := map[string]Party{}
	for role, p := range map[string]Party{"operator": c.Scip.Ownership.Operator, "provider": c.Scip.Ownership.Provider} {
		if p.Name != "" || len(p.Contacts) > 0 {
			owners[role] = p
		}
	}
	if len(owners) > 0 {
		out[AnnotationScipOwners] = mustJSON(owners)
	}
	p := c.Scip.Provider
	if p.Name != "" || len(p.Regions) > 0 || p.Version != "" {
		out[AnnotationScipProvide] = mustJSON(p)
	}
	return out
}

// Aspects returns the aspects that put the compliance metadata on every object. They
// overwrite: compliance metadata is authoritative.
func (c Config) Aspects() []aspect.Aspect {
	return []aspect.Aspect{
		aspect.Labels{Labels: c.Labels(), Overwrite: true},
		aspect.Annotations{Annotations: c.Annotations(), Overwrite: true},
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only strings, lists and maps of strings reach here
	}
	return string(b)
}
