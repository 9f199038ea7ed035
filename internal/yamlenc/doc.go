// Package yamlenc is a fast, deterministic YAML encoder for JSON-compatible Go
// values, used to write Kubernetes manifests that are committed to GitOps
// repositories and applied with kubectl.
//
// The output mirrors the layout of cdk8s's synth:
//
//   - map keys are sorted in byte order at every level ([AppendObject] puts
//     apiVersion, kind and metadata first at the top level);
//   - two-space indentation; a sequence is indented under its parent key, a
//     map inside a sequence starts on the dash line ("- name: a"), and a
//     sequence inside a sequence is written in the compact form ("- - a");
//   - empty maps are written as {}, empty sequences as [], nil and nil maps or
//     slices as null (as encoding/json does);
//   - integral floats with a magnitude below 1e21 are written as integers,
//     other floats with strconv's 'g' format, which always reads back as a
//     float (-0 is written as 0); json.Number is written verbatim after
//     checking that it is a valid, finite JSON number.
//
// Strings are written plain when that is unambiguous under both YAML 1.2
// (go.yaml.in/yaml/v3) and YAML 1.1 (sigs.k8s.io/yaml, used by kubectl);
// the check is deliberately conservative, so for example "1.2.3" and
// "0.0.0.0" (floats in YAML 1.1's regular expression) are quoted. A string
// that needs quoting is single-quoted when it is one line of printable
// characters, and double-quoted with escapes otherwise.
//
// A string containing a line feed is written as a literal block scalar (|, |-
// or |+ by its trailing line feeds, with an indentation indicator when its
// first non-empty line starts with a space or tab) when every line is
// printable (tabs allowed), no line ends with a space or tab (invisible
// trailing whitespace is often stripped by editors, and libyaml's emitter
// refuses it too), it has no carriage return, and at least one line is not
// empty. Any other string is double-quoted on a single line. Map keys are
// never block scalars, and a key longer than 1000 bytes once quoted is written
// as an explicit "? key" entry, because YAML limits implicit keys to 1024
// characters.
//
// Strings and keys must be valid UTF-8: invalid UTF-8 cannot be represented
// in YAML (a \x escape denotes a code point, not a byte), so it is an error.
// So are unsupported types, NaN and infinite floats, invalid json.Numbers and
// nesting deeper than 1000 levels (a cyclic value); every error names the key
// path of the value, as in "spec.containers[0].x: unsupported type chan int".
package yamlenc
