// Package suggest finds the valid name a mistyped one most likely meant, for errors
// that say "did you mean ...?".
package suggest

import (
	"sort"
	"strings"
)

// Nearest returns the candidate nearest to s by edit distance, ignoring case; ties go
// to the alphabetically first. It returns "" only when there are no candidates.
func Nearest(s string, candidates []string) string {
	best, _ := nearest(s, candidates)
	return best
}

// Likely returns the candidate s is likely a typo of: the nearest one when it is within
// a third of the length of s (at least 2 edits), else the one candidate s is a prefix of
// ("distrib" for "distribution"); "" when none is likely.
func Likely(s string, candidates []string) string {
	best, d := nearest(s, candidates)
	if best != "" && d <= max(2, len(s)/3) {
		return best
	}
	var prefixed []string
	for _, c := range candidates {
		if len(s) >= 3 && strings.HasPrefix(strings.ToLower(c), strings.ToLower(s)) {
			prefixed = append(prefixed, c)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

func nearest(s string, candidates []string) (string, int) {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestD := "", -1
	for _, c := range sorted {
		if d := Distance(strings.ToLower(s), strings.ToLower(c)); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD
}

// Distance is the Levenshtein distance of a and b, in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
