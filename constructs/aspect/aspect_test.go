package aspect

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kargo-platform/kargo/internal/manifest"
)

func obj(t *testing.T, js string) manifest.Object {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	return manifest.Object(m)
}

func toJSON(t *testing.T, o manifest.Object) string {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const deployment = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"own"}},
"spec":{"selector":{"matchLabels":{"app":"own"}},"template":{"metadata":{"labels":{"app":"own"}},"spec":{}}}}`

func TestLabels(t *testing.T) {
	cases := map[string]struct {
		in     string
		aspect Labels
		want   string
	}{
		"adds labels, keeps the object's own": {
			in:     deployment,
			aspect: Labels{Labels: map[string]string{"app": "global", "team": "infra"}},
			want:   `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"own","team":"infra"},"name":"d"},"spec":{"selector":{"matchLabels":{"app":"own"}},"template":{"metadata":{"labels":{"app":"own"}},"spec":{}}}}`,
		},
		"overwrite replaces the object's own": {
			in:     deployment,
			aspect: Labels{Labels: map[string]string{"app": "global"}, Overwrite: true},
			want:   `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"global"},"name":"d"},"spec":{"selector":{"matchLabels":{"app":"own"}},"template":{"metadata":{"labels":{"app":"own"}},"spec":{}}}}`,
		},
		"templates opt-in, selectors never": {
			in:     deployment,
			aspect: Labels{Labels: map[string]string{"team": "infra"}, IncludeTemplates: true},
			want:   `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"own","team":"infra"},"name":"d"},"spec":{"selector":{"matchLabels":{"app":"own"}},"template":{"metadata":{"labels":{"app":"own","team":"infra"}},"spec":{}}}}`,
		},
		"no metadata yet": {
			in:     `{"apiVersion":"v1","kind":"ConfigMap"}`,
			aspect: Labels{Labels: map[string]string{"team": "infra"}},
			want:   `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"labels":{"team":"infra"}}}`,
		},
		"vm pool templates": {
			in:     `{"apiVersion":"pool.kubevirt.io/v1alpha1","kind":"VirtualMachinePool","metadata":{"name":"p"},"spec":{"selector":{"matchLabels":{"p":"x"}},"virtualMachineTemplate":{"metadata":{"labels":{"p":"x"}},"spec":{"template":{"spec":{}}}}}}`,
			aspect: Labels{Labels: map[string]string{"team": "infra"}, IncludeTemplates: true},
			want:   `{"apiVersion":"pool.kubevirt.io/v1alpha1","kind":"VirtualMachinePool","metadata":{"labels":{"team":"infra"},"name":"p"},"spec":{"selector":{"matchLabels":{"p":"x"}},"virtualMachineTemplate":{"metadata":{"labels":{"p":"x","team":"infra"}},"spec":{"template":{"metadata":{"labels":{"team":"infra"}},"spec":{}}}}}}`,
		},
		"a template that does not exist is not invented": {
			in:     `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"}}`,
			aspect: Labels{Labels: map[string]string{"team": "infra"}, IncludeTemplates: true},
			want:   `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"team":"infra"},"name":"d"}}`,
		},
		"empty set changes nothing": {
			in:     `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}`,
			aspect: Labels{},
			want:   `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := obj(t, tc.in)
			if err := Apply([]manifest.Object{o}, tc.aspect); err != nil {
				t.Fatal(err)
			}
			if got := toJSON(t, o); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestAnnotations(t *testing.T) {
	in := `{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","annotations":{"a":"own"}}}`
	for _, tc := range []struct {
		overwrite bool
		want      string
	}{
		{false, `{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"a":"own","b":"2"},"name":"s"}}`},
		{true, `{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"a":"1","b":"2"},"name":"s"}}`},
	} {
		o := obj(t, in)
		if err := Apply([]manifest.Object{o}, Annotations{Annotations: map[string]string{"a": "1", "b": "2"}, Overwrite: tc.overwrite}); err != nil {
			t.Fatal(err)
		}
		if got := toJSON(t, o); got != tc.want {
			t.Errorf("overwrite=%t: got %s want %s", tc.overwrite, got, tc.want)
		}
	}
}

func TestApplyOrderAndErrors(t *testing.T) {
	o := obj(t, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n"}}`)
	var seen []string
	record := func(tag string) Aspect {
		return Func(func(manifest.Object) error { seen = append(seen, tag); return nil })
	}
	failing := Func(func(manifest.Object) error { return fmt.Errorf("boom") })
	err := Apply([]manifest.Object{o}, record("a"), record("b"), failing)
	if strings.Join(seen, ",") != "a,b" {
		t.Errorf("order = %v", seen)
	}
	if err == nil || err.Error() != "ConfigMap n/c: boom" {
		t.Errorf("err = %v", err)
	}
}

func TestSanitizeLabelValue(t *testing.T) {
	cases := map[string]string{
		"Production":                          "production",
		"feature/ABC-123":                     "feature-abc-123",
		"--weird--":                           "weird",
		"":                                    "",
		"a b c":                               "a-b-c",
		"x." + strings.Repeat("y", 60) + "-z": "x." + strings.Repeat("y", 60),
		strings.Repeat("a", 62) + "-b":        strings.Repeat("a", 62),
		"ünïcode":                             "n-code",
	}
	for in, want := range cases {
		got := SanitizeLabelValue(in)
		if got != want {
			t.Errorf("SanitizeLabelValue(%q) = %q, want %q", in, got, want)
		}
		if len(ValidateLabels("l", map[string]string{"k": got})) > 0 {
			t.Errorf("SanitizeLabelValue(%q) = %q is not a valid label value", in, got)
		}
	}
}

func TestValidate(t *testing.T) {
	errs := ValidateLabels("metadata.labels", map[string]string{"ok": "fine", "bad key": "v", "k": "bad value!"})
	if len(errs) != 2 {
		t.Fatalf("errs = %v", errs)
	}
	if !strings.HasPrefix(errs[0].Error(), `metadata.labels: invalid key "bad key"`) || !strings.HasPrefix(errs[1].Error(), `metadata.labels["k"]: invalid value "bad value!"`) {
		t.Errorf("errs = %v", errs)
	}
	if errs := ValidateAnnotations("metadata.annotations", map[string]string{"example.com/x": "anything at all: {}"}); len(errs) > 0 {
		t.Errorf("valid annotation rejected: %v", errs)
	}
}

func ExampleLabels() {
	o := manifest.Object{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "c", "labels": map[string]any{"team": "own"}}}
	_ = Apply([]manifest.Object{o}, Labels{Labels: map[string]string{"team": "infra", "env": "prod"}})
	fmt.Println(o.StringMap("labels", false))
	// Output: map[env:prod team:own]
}
