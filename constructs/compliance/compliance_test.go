package compliance

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func full() Config {
	return Config{
		Fisma: Fisma{Enabled: true, Level: "moderate", Enforcing: Strict, ATO: ATO{Authorized: "2026-01-31", Review: "2026-07-31"}},
		Nist:  Nist{Enabled: true, Controls: []string{"AC-2", "AU-6"}, Exceptions: []string{"SC-7"}},
		Scip: Scip{
			Environment: "Production/EU",
			Ownership:   Ownership{Operator: Party{Name: "Platform Team", Contacts: []string{"ops@example.com"}}},
			Provider:    Provider{Name: "on-prem", Regions: []string{"eu-1"}},
		},
	}
}

func TestLabelsAndAnnotations(t *testing.T) {
	c := full()
	wantLabels := map[string]string{
		LabelFismaEnabled:    "true",
		LabelNistEnabled:     "true",
		LabelScipEnvironment: "production-eu",
	}
	if got := c.Labels(); !equal(got, wantLabels) {
		t.Errorf("labels = %v, want %v", got, wantLabels)
	}
	wantAnn := map[string]string{
		AnnotationFismaLevel:  "moderate",
		AnnotationFismaATO:    `{"authorized":"2026-01-31","review":"2026-07-31"}`,
		AnnotationNistCtrls:   `["AC-2","AU-6"]`,
		AnnotationNistExcept:  `["SC-7"]`,
		AnnotationScipOwners:  `{"operator":{"name":"Platform Team","contacts":["ops@example.com"]}}`,
		AnnotationScipProvide: `{"name":"on-prem","regions":["eu-1"]}`,
	}
	if got := c.Annotations(); !equal(got, wantAnn) {
		t.Errorf("annotations = %v\nwant %v", got, wantAnn)
	}
	if got := Default().Labels(); len(got) != 0 {
		t.Errorf("default labels = %v, want none", got)
	}
	if got := Default().Annotations(); len(got) != 0 {
		t.Errorf("default annotations = %v, want none", got)
	}
}

func TestEnforce(t *testing.T) {
	missing := Config{
		Fisma: Fisma{Enabled: true, Enforcing: Strict},
		Nist:  Nist{Enabled: true},
		Scip:  Scip{Provider: Provider{Name: "x"}},
	}
	_, err := missing.Enforce(field.NewPath("compliance"))
	want := `compliance is enforcing (fisma.enforcing: strict) and required fields are missing:
  compliance.fisma.level: required when fisma is enabled
  compliance.fisma.ato.authorized: required when fisma is enabled
  compliance.nist.controls: at least one control is required when nist is enabled
  compliance.scip.environment: required when scip is set
  compliance.scip.ownership.operator.name: required when scip is set`
	if err == nil || err.Error() != want {
		t.Errorf("strict: %v", err)
	}
	missing.Fisma.Enforcing = Warn
	warnings, err := missing.Enforce(field.NewPath("compliance"))
	if err != nil || len(warnings) != 5 {
		t.Errorf("warn: %v %v", warnings, err)
	}
	missing.Fisma.Enforcing = Disabled
	if warnings, err := missing.Enforce(field.NewPath("compliance")); err != nil || len(warnings) != 0 {
		t.Errorf("disabled: %v %v", warnings, err)
	}
	if _, err := full().Enforce(field.NewPath("compliance")); err != nil {
		t.Errorf("complete config under strict: %v", err)
	}
}

func TestValidate(t *testing.T) {
	c := Default()
	c.Fisma.Enforcing = "loud"
	c.Fisma.Level = "extreme"
	got := c.Validate(field.NewPath("compliance")).ToAggregate().Error()
	for _, want := range []string{`compliance.fisma.enforcing: Unsupported value: "loud"`, `compliance.fisma.level: Unsupported value: "extreme"`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s\nmissing %s", got, want)
		}
	}
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
