package aspect

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// Labels sets labels on metadata.labels of every object, and on pod and VM templates
// when IncludeTemplates is set. Selectors are never touched.
type Labels struct {
	// Labels are the labels to set.
	Labels map[string]string
	// Overwrite replaces a value the object already has; otherwise the object's own
	// label wins.
	Overwrite bool
	// IncludeTemplates also labels the templates of workloads (see TemplatePaths).
	// Changing a template label restarts the workload's pods.
	IncludeTemplates bool
}

var _ Aspect = Labels{}

// TemplatePaths lists, per group/kind, where a workload keeps the metadata of the pods
// or VMs it creates.
var TemplatePaths = map[string][][]string{
	"apps/Deployment":            {{"spec", "template", "metadata"}},
	"apps/DaemonSet":             {{"spec", "template", "metadata"}},
	"apps/StatefulSet":           {{"spec", "template", "metadata"}},
	"apps/ReplicaSet":            {{"spec", "template", "metadata"}},
	"batch/Job":                  {{"spec", "template", "metadata"}},
	"batch/CronJob":              {{"spec", "jobTemplate", "spec", "template", "metadata"}},
	"ReplicationController":      {{"spec", "template", "metadata"}},
	"kubevirt.io/VirtualMachine": {{"spec", "template", "metadata"}},
	"pool.kubevirt.io/VirtualMachinePool": {
		{"spec", "virtualMachineTemplate", "metadata"},
		{"spec", "virtualMachineTemplate", "spec", "template", "metadata"},
	},
}

// ValidateLabels returns every invalid key or value of labels, sorted by key; path names
// where they come from (metadata.labels).
func ValidateLabels(path string, labels map[string]string) []error {
	var errs []error
	for _, k := range sortedKeys(labels) {
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, fmt.Errorf("%s: invalid key %q: %s", path, k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(labels[k]) {
			errs = append(errs, fmt.Errorf("%s[%q]: invalid value %q: %s", path, k, labels[k], msg))
		}
	}
	return errs
}

// Visit implements Aspect.
func (l Labels) Visit(obj manifest.Object) error {
	if len(l.Labels) == 0 {
		return nil
	}
	set(obj.StringMap("labels", true), l.Labels, l.Overwrite)
	if !l.IncludeTemplates {
		return nil
	}
	key := obj.Kind()
	if g := obj.Group(); g != "" {
		key = g + "/" + key
	}
	for _, path := range TemplatePaths[key] {
		md, ok := ensureMap(obj, path)
		if !ok {
			continue
		}
		labels, ok := md["labels"].(map[string]any)
		if !ok {
			labels = map[string]any{}
			md["labels"] = labels
		}
		set(labels, l.Labels, l.Overwrite)
	}
	return nil
}

// ensureMap returns the map at path, creating only its last element: a template that
// does not exist is not invented.
func ensureMap(obj manifest.Object, path []string) (map[string]any, bool) {
	parent, ok := obj.Lookup(path[:len(path)-1]...)
	if !ok {
		return nil, false
	}
	pm, ok := parent.(map[string]any)
	if !ok {
		return nil, false
	}
	last := path[len(path)-1]
	m, ok := pm[last].(map[string]any)
	if !ok {
		if _, exists := pm[last]; exists {
			return nil, false
		}
		m = map[string]any{}
		pm[last] = m
	}
	return m, true
}

func set(dst map[string]any, src map[string]string, overwrite bool) {
	for _, k := range sortedKeys(src) {
		if _, exists := dst[k]; exists && !overwrite {
			continue
		}
		dst[k] = src[k]
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SanitizeLabelValue turns any string into a valid label value the way the original
// Kargo did — lower-case; every character outside [a-z0-9_.-] becomes '-'; leading and
// trailing non-alphanumerics removed; at most 63 characters — and trims again after the
// cut, so the value never ends with '-', '_' or '.'.
func SanitizeLabelValue(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			c = '-'
		}
		b.WriteRune(c)
	}
	out := trimNonAlnum(b.String())
	if len(out) > validation.LabelValueMaxLength {
		out = trimNonAlnum(out[:validation.LabelValueMaxLength])
	}
	return out
}

func trimNonAlnum(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}
