package helmrender

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// nondeterministicFuncs are the template functions (Helm's and Sprig's) whose result
// changes from one render to the next: random values, keys and certificates, salted
// hashes, random IVs and the clock.
var nondeterministicFuncs = []string{
	"randAlphaNum", "randAlpha", "randNumeric", "randAscii", "randBytes", "randInt",
	"uuidv4", "shuffle",
	"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
	"genSignedCert", "genSignedCertWithKey",
	"htpasswd", "bcrypt", "encryptAES",
	"now", "ago",
}

var nondeterministicRE = funcRE(nondeterministicFuncs...)

// compareRenders fails when two renders of the same chart with the same options differ.
// The error names the first differing object and field (never the values: they may be
// secrets), the non-deterministic functions the templates call, and the fix.
func compareRenders(chartName string, a, b *Result, files []templateFile) error {
	n := min(len(a.Objects), len(b.Objects))
	for i := range n {
		if reflect.DeepEqual(a.Objects[i], b.Objects[i]) {
			continue
		}
		what := fmt.Sprintf("%s (%s)", a.Objects[i].ID(), a.sources[i])
		if a.Objects[i].ID() != b.Objects[i].ID() {
			return nondeterministic(chartName, what+", whose identity changes", files)
		}
		path, _ := firstDiff(map[string]any(a.Objects[i]), map[string]any(b.Objects[i]), "")
		return nondeterministic(chartName, fmt.Sprintf("%s at %s", what, path), files)
	}
	if len(a.Objects) != len(b.Objects) {
		return nondeterministic(chartName, fmt.Sprintf("the number of objects (%d, then %d)", len(a.Objects), len(b.Objects)), files)
	}
	return nil
}

func nondeterministic(chartName, what string, files []templateFile) error {
	return fmt.Errorf("chart %s: two renders with the same values differ in %s: %s; set the value that supplies it in the module's values (for example an existing Secret or a fixed value) so the chart does not generate it at render time",
		chartName, what, funcUse(files))
}

// funcUse describes which non-deterministic functions the templates call:
// "the templates call randAlphaNum (templates/secret.yaml), now (templates/_helpers.tpl)".
func funcUse(files []templateFile) string {
	where := map[string][]string{}
	for _, f := range files {
		for _, fn := range calls(nondeterministicRE, f.text) {
			where[fn] = append(where[fn], f.path)
		}
	}
	if len(where) == 0 {
		return "no known random or clock function appears in the templates"
	}
	names := make([]string, 0, len(where))
	for fn := range where {
		names = append(names, fn)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, fn := range names {
		parts[i] = fmt.Sprintf("%s (%s)", fn, strings.Join(where[fn], ", "))
	}
	return "the templates call " + strings.Join(parts, ", ")
}

// firstDiff returns the path of the first difference between a and b, visiting map keys
// in sorted order: "data.password", "spec.containers[0].image",
// `metadata.annotations["helm.sh/hook"]`.
func firstDiff(a, b any, path string) (string, bool) {
	switch at := a.(type) {
	case map[string]any:
		bt, ok := b.(map[string]any)
		if !ok {
			return orRoot(path), true
		}
		keys := make([]string, 0, len(at)+len(bt))
		for k := range at {
			keys = append(keys, k)
		}
		for k := range bt {
			if _, ok := at[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			av, aok := at[k]
			bv, bok := bt[k]
			p := joinKey(path, k)
			if aok != bok {
				return p, true
			}
			if d, ok := firstDiff(av, bv, p); ok {
				return d, true
			}
		}
		return "", false
	case []any:
		bt, ok := b.([]any)
		if !ok {
			return orRoot(path), true
		}
		for i := range min(len(at), len(bt)) {
			if d, ok := firstDiff(at[i], bt[i], path+"["+strconv.Itoa(i)+"]"); ok {
				return d, true
			}
		}
		if len(at) != len(bt) {
			return path + "[" + strconv.Itoa(min(len(at), len(bt))) + "]", true
		}
		return "", false
	}
	if reflect.DeepEqual(a, b) {
		return "", false
	}
	return orRoot(path), true
}

var simpleKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func joinKey(path, k string) string {
	if !simpleKey.MatchString(k) {
		return path + "[" + strconv.Quote(k) + "]"
	}
	if path == "" {
		return k
	}
	return path + "." + k
}

func orRoot(path string) string {
	if path == "" {
		return "(object)"
	}
	return path
}
