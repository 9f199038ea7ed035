package helmrender

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
)

// validateValues enforces the values.schema.json of the chart and of every enabled
// subchart, as Helm's install does (each subchart sees its own section of the coalesced
// values). Unlike Helm, it never fetches a referenced schema: Helm's validator would
// download http(s) and read file $refs while rendering.
func validateValues(ch *chart.Chart, vals map[string]any) error {
	c := clone(ch)
	if err := chartutil.ProcessDependencies(c, vals); err != nil {
		return fmt.Errorf("chart %s: process dependencies: %w", ch.Name(), err)
	}
	coalesced, err := util.CoalesceValues(c, vals)
	if err != nil {
		return fmt.Errorf("chart %s: coalesce values: %w", ch.Name(), err)
	}
	return validateChart(c, coalesced.AsMap(), "")
}

func validateChart(c *chart.Chart, vals map[string]any, prefix string) error {
	var errs []error
	if len(c.Schema) > 0 {
		if err := validateSchema(c.Schema, vals, prefix); err != nil {
			errs = append(errs, fmt.Errorf("chart %s: values do not match %svalues.schema.json: %w", c.ChartPath(), chartDir(c), err))
		}
	}
	for _, sub := range c.Dependencies() {
		raw, ok := vals[sub.Name()]
		if !ok || raw == nil {
			continue // as Helm: no values for the subchart, nothing to validate
		}
		m, ok := raw.(map[string]any)
		if !ok {
			errs = append(errs, fmt.Errorf("chart %s: values %s%s: expected a map for subchart %s, got %T", c.ChartPath(), prefix, sub.Name(), sub.Name(), raw))
			continue
		}
		if err := validateChart(sub, m, prefix+sub.Name()+"."); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// chartDir returns the chart's directory relative to the root chart ("" for the root,
// "charts/sub/" for a subchart).
func chartDir(c *chart.Chart) string {
	if c.IsRoot() {
		return ""
	}
	return chartDir(c.Parent()) + "charts/" + c.Name() + "/"
}

// offlineLoader refuses to load referenced schemas: rendering must not touch the network
// or read files outside the chart.
type offlineLoader struct{}

func (offlineLoader) Load(url string) (any, error) {
	if strings.HasPrefix(url, "urn:") {
		// Helm resolves unknown urn: references to a permissive schema.
		return true, nil
	}
	return nil, fmt.Errorf("schema %s is not fetched: kargo renders charts offline, so values.schema.json may only refer to the JSON Schema meta-schemas and to itself", url)
}

// validateSchema validates vals against one values.schema.json; prefix is the key path of
// vals in the root chart's values ("" or "sub.").
func validateSchema(schemaJSON []byte, vals map[string]any, prefix string) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return fmt.Errorf("parse schema: %w", err)
	}
	const url = "file:///values.schema.json"
	comp := jsonschema.NewCompiler()
	comp.UseLoader(offlineLoader{})
	if err := comp.AddResource(url, doc); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	sch, err := comp.Compile(url)
	if err != nil {
		return fmt.Errorf("compile schema: %w", err)
	}
	err = sch.Validate(vals)
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	var lines []string
	collectViolations(verr, vals, prefix, &lines)
	sort.Strings(lines)
	if len(lines) == 0 {
		return err
	}
	return errors.New(strings.Join(lines, "; "))
}

// collectViolations flattens a validation error tree into "path: message" lines, one per
// leaf; the path is the value's key path (replicas, image.tag, ports[0]).
func collectViolations(e *jsonschema.ValidationError, vals map[string]any, prefix string, out *[]string) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collectViolations(c, vals, prefix, out)
		}
		return
	}
	if req, ok := e.ErrorKind.(*kind.Required); ok {
		for _, m := range req.Missing {
			loc := append(append([]string(nil), e.InstanceLocation...), m)
			*out = append(*out, valuePath(vals, prefix, loc)+": is required")
		}
		return
	}
	*out = append(*out, valuePath(vals, prefix, e.InstanceLocation)+": "+e.ErrorKind.LocalizedString(english))
}

var english = message.NewPrinter(language.English)

// valuePath renders a JSON pointer's tokens as a values key path (image.tag, ports[0]),
// looking at vals to tell list indices from map keys.
func valuePath(vals map[string]any, prefix string, tokens []string) string {
	if len(tokens) == 0 {
		if prefix == "" {
			return "(values)"
		}
		return strings.TrimSuffix(prefix, ".")
	}
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(prefix, "."))
	var cur any = vals
	for i, t := range tokens {
		switch c := cur.(type) {
		case []any:
			b.WriteString("[" + t + "]")
			if n, err := strconv.Atoi(t); err == nil && n >= 0 && n < len(c) {
				cur = c[n]
			} else {
				cur = nil
			}
			continue
		case map[string]any:
			cur = c[t]
		default:
			cur = nil
		}
		if i > 0 || prefix != "" {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}
