// Package output owns dist/: it writes a synthesized set of files so that a failed synth
// leaves the previous dist/ untouched and a successful one replaces exactly the files
// kargo wrote before (never a file it did not write), and it diffs a directory against a
// fresh synth.
package output
