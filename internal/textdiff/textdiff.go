// Package textdiff renders unified diffs of text files.
package textdiff

import "github.com/pmezard/go-difflib/difflib"

// Unified returns a unified diff of a and b with three lines of context, or "" when
// they are equal.
func Unified(a, b, nameA, nameB string) string {
	out, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b),
		FromFile: nameA, ToFile: nameB, Context: 3,
	})
	if err != nil {
		return err.Error()
	}
	return out
}
