// Package golden compares test output with golden files under testdata/. Run the tests
// with -update (or make golden) to rewrite them; a mismatch prints a unified diff and
// says how to update.
package golden
