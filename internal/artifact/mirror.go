package artifact

import (
	"cmp"
	"slices"
	"strings"
)

// mirror replaces one upstream URL prefix.
type mirror struct{ prefix, replacement string }

// mirrors rewrites upstream URLs for sites that cannot reach upstream; the longest
// matching prefix wins.
type mirrors []mirror

func newMirrors(m map[string]string) mirrors {
	var ms mirrors
	for prefix, repl := range m {
		if prefix != "" {
			ms = append(ms, mirror{prefix, repl})
		}
	}
	// Longest prefix first; map order must not matter for equal lengths either.
	slices.SortFunc(ms, func(a, b mirror) int {
		return cmp.Or(cmp.Compare(len(b.prefix), len(a.prefix)), strings.Compare(a.prefix, b.prefix))
	})
	return ms
}

// rewrite returns the URL to fetch for the upstream URL u: u with the longest matching
// prefix replaced, or u itself when no mirror matches. It applies to http(s) URLs and
// oci:// references alike.
func (ms mirrors) rewrite(u string) string {
	for _, m := range ms {
		if strings.HasPrefix(u, m.prefix) {
			return m.replacement + strings.TrimPrefix(u, m.prefix)
		}
	}
	return u
}
