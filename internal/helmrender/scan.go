package helmrender

import (
	"fmt"
	"regexp"
	"sort"

	chart "helm.sh/helm/v4/pkg/chart/v2"
)

// templateFile is the text of one template of the chart or of an enabled subchart.
type templateFile struct {
	// path is relative to the root chart: "templates/a.yaml", "charts/sub/templates/b.tpl".
	path string
	text string
}

// templateFiles lists the templates of ch and its subcharts, sorted by path.
func templateFiles(ch *chart.Chart) []templateFile {
	var out []templateFile
	var walk func(c *chart.Chart)
	walk = func(c *chart.Chart) {
		dir := chartDir(c)
		for _, t := range c.Templates {
			if t != nil {
				out = append(out, templateFile{path: dir + t.Name, text: string(t.Data)})
			}
		}
		for _, d := range c.Dependencies() {
			walk(d)
		}
	}
	walk(ch)
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// actionRE matches a template action ({{ ... }}), across lines.
var actionRE = regexp.MustCompile(`(?s)\{\{.*?\}\}`)

// funcRE returns a pattern matching a call of one of the named template functions: the
// name as a word that is not a field (.lookup) or variable ($lookup).
func funcRE(names ...string) *regexp.Regexp {
	alt := ""
	for i, n := range names {
		if i > 0 {
			alt += "|"
		}
		alt += regexp.QuoteMeta(n)
	}
	return regexp.MustCompile(`(?:^|[^.$\w])(` + alt + `)\b`)
}

// calls returns the names matched by re inside the template actions of text, each once,
// in order of appearance.
func calls(re *regexp.Regexp, text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range actionRE.FindAllString(text, -1) {
		for _, m := range re.FindAllStringSubmatch(a, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	return out
}

var (
	lookupRE      = funcRE("lookup")
	helmVersionRE = regexp.MustCompile(`\.Capabilities\.HelmVersion\b`)
)

// scanWarnings reports, per template file, what makes an offline render differ from an
// install: lookup (returns an empty map client-side), .Capabilities.HelmVersion (its Go
// and client-go versions differ between go test and a real binary), and hook events
// Helm does not know (the object is silently left out).
func scanWarnings(files []templateFile) []string {
	var out []string
	for _, f := range files {
		if len(calls(lookupRE, f.text)) > 0 {
			out = append(out, fmt.Sprintf("%s uses lookup, which returns nothing when rendering offline", f.path))
		}
		for _, a := range actionRE.FindAllString(f.text, -1) {
			if helmVersionRE.MatchString(a) {
				out = append(out, fmt.Sprintf("%s uses .Capabilities.HelmVersion, which differs between go test and a real binary", f.path))
				break
			}
		}
		out = append(out, unknownHookWarnings(f.path, f.text)...)
	}
	return out
}
