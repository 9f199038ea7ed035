package yamlenc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	yaml3 "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

type formatCase struct {
	name string
	in   any
	want string
}

var formatCases = []formatCase{
	{"nil", nil, "null\n"},
	{"empty map", map[string]any{}, "{}\n"},
	{"empty seq", []any{}, "[]\n"},
	{"nil map", map[string]any(nil), "null\n"},
	{"nil slice", []any(nil), "null\n"},
	{"nil string map", map[string]string(nil), "null\n"},
	{"nil string slice", []string(nil), "null\n"},
	{"root string", "hello", "hello\n"},
	{"root quoted", "yes", "'yes'\n"},
	{"root literal", "a\nb", "|-\n  a\n  b\n"},
	{"root literal indented", " a\nb\n", "|2\n   a\n  b\n"},
	{"root seq", []any{1, "a"}, "- 1\n- a\n"},
	{"bools", map[string]any{"t": true, "f": false}, "f: false\nt: true\n"},
	{"sorted keys", map[string]any{"b": 1, "a": 2, "B": 3, "_": 4, "a0": 5}, "B: 3\n_: 4\na: 2\na0: 5\nb: 1\n"},
	{
		"layout",
		map[string]any{
			"spec": map[string]any{
				"containers": []any{
					map[string]any{"name": "a", "image": "b", "args": []any{"--x", "-y"}},
					map[string]any{"name": "c", "env": []any{}, "resources": map[string]any{}, "x": nil},
				},
			},
		},
		`spec:
  containers:
    - args:
        - --x
        - -y
      image: b
      name: a
    - env: []
      name: c
      resources: {}
      x: null
`,
	},
	{
		"seq in seq",
		[]any{[]any{"a", []any{"b", "c"}}, []any{}, []any{map[string]any{"k": "v", "l": "w"}}},
		`- - a
  - - b
    - c
- []
- - k: v
    l: w
`,
	},
	{
		"string collections",
		map[string]any{"m": map[string]string{"z": "1", "a": "on"}, "s": []string{"x", "", "a b"}, "e": map[string]string{}, "f": []string{}},
		`e: {}
f: []
m:
  a: 'on'
  z: '1'
s:
  - x
  - ''
  - a b
`,
	},
	{
		"numbers",
		map[string]any{
			"a": 3.0, "b": -2.0, "c": 0.5, "d": 1e21, "e": 1e20, "f": 1.5e-7, "g": -0.0,
			"h": 42, "i": int64(-1 << 62), "j": json.Number("1.50"), "k": json.Number("-0"),
			"l": json.Number("1e5"), "m": 123456.789, "n": math.MaxFloat64, "o": 5e-324,
		},
		`a: 3
b: -2
c: 0.5
d: 1e+21
e: 100000000000000000000
f: 1.5e-07
g: 0
h: 42
i: -4611686018427387904
j: 1.50
k: -0
l: 1e5
m: 123456.789
'n': 1.7976931348623157e+308
o: 5e-324
`,
	},
	{
		"literal blocks",
		map[string]any{
			"clip":      "a\nb\n",
			"strip":     "a\nb",
			"keep":      "a\n\n",
			"indented":  "  a\nb",
			"tabbed":    "\ta\nb",
			"innertab":  "a\n\tb\tc",
			"leading":   "\n\na",
			"blankmid":  "a\n\nb",
			"indentlst": "\n  a",
			"seq":       []any{"x\ny", map[string]any{"k": "p\nq\n"}, []any{"r\ns"}},
		},
		`blankmid: |-
  a

  b
clip: |
  a
  b
indented: |2-
    a
  b
indentlst: |2-

    a
innertab: |-
  a
  	b	c
keep: |+
  a

leading: |-


  a
seq:
  - |-
    x
    y
  - k: |
      p
      q
  - - |-
      r
      s
strip: |-
  a
  b
tabbed: |2-
  	a
  b
`,
	},
	{
		"literal fallbacks",
		map[string]any{
			"a-trailing-space": "a \nb",
			"b-trailing-tab":   "a\t\nb",
			"c-spaces-line":    "a\n  \nb",
			"d-only-newline":   "\n",
			"e-only-newlines":  "\n\n",
			"f-crlf":           "a\r\nb",
			"g-control":        "a\nb\x01",
			"h-nel":            "a\nb\u0085",
			"i-space-last":     "a\n ",
		},
		`a-trailing-space: "a \nb"
b-trailing-tab: "a\t\nb"
c-spaces-line: "a\n  \nb"
d-only-newline: "\n"
e-only-newlines: "\n\n"
f-crlf: "a\r\nb"
g-control: "a\nb\x01"
h-nel: "a\nb\x85"
i-space-last: "a\n "
`,
	},
	{
		"quoting",
		map[string]any{
			"a": "", "b": " x", "c": "x ", "d": "it's", "e": "a: b", "f": "a #b", "g": "x:",
			"h": "- x", "i": "-", "j": "---", "k": "--x", "l": "a#b", "m": "a:b", "n": "http://x:80/y",
			"o": "'q'", "p": `"q"`, "q": "a\tb", "r": "\x00\x7f\u0085\u2028\u2029\ufeff\uffff", "s": "é ☃ 😀",
			"t": `C:\dir\x`, "u": "\"\\", "v": "it's \x01", "w": "?x", "x": "~x", "y": ".5", "z": ".git",
		},
		`a: ''
b: ' x'
c: 'x '
d: it's
e: 'a: b'
f: 'a #b'
g: 'x:'
h: '- x'
i: '-'
j: '---'
k: --x
l: a#b
m: a:b
'n': http://x:80/y
o: '''q'''
p: '"q"'
q: "a\tb"
r: "\0\x7f\x85\u2028\u2029\ufeff\uffff"
s: é ☃ 😀
t: C:\dir\x
u: '"\'
v: "it's \x01"
w: '?x'
x: ~x
'y': '.5'
z: .git
`,
	},
	{
		"typed-looking strings",
		[]any{
			"true", "False", "yes", "NO", "y", "N", "on", "Off", "null", "~", "<<", "=",
			"1", "-1", "+1", "0x1F", "0o17", "0777", "1_000", "1:20", "1e3", ".inf", "-.Inf", ".NaN",
			"2001-12-14", "2001-12-14t21:59:43.10-05:00", "1.2.3", "10.0.0.1",
			"1Gi", "100m", "v1.2", "yess", "nan", "Infinity", "0x1G", "10.0.0.0/8",
		},
		`- 'true'
- 'False'
- 'yes'
- 'NO'
- 'y'
- 'N'
- 'on'
- 'Off'
- 'null'
- '~'
- '<<'
- '='
- '1'
- '-1'
- '+1'
- '0x1F'
- '0o17'
- '0777'
- '1_000'
- '1:20'
- '1e3'
- '.inf'
- '-.Inf'
- '.NaN'
- '2001-12-14'
- '2001-12-14t21:59:43.10-05:00'
- '1.2.3'
- '10.0.0.1'
- 1Gi
- 100m
- v1.2
- yess
- nan
- Infinity
- 0x1G
- 10.0.0.0/8
`,
	},
	{
		"keys",
		map[string]any{"yes": 1, "a b": 2, "a: b": 3, "x\ny": 4, "": 5, "1": 6, "-k": 7, "<<": 8, "k\t": 9},
		`'': 5
-k: 7
'1': 6
'<<': 8
a b: 2
'a: b': 3
"k\t": 9
"x\ny": 4
'yes': 1
`,
	},
}

func TestFormat(t *testing.T) {
	for _, tc := range formatCases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Append(nil, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, tc.want)
			}
			checkRoundTrip(t, tc.in, out)
		})
	}
}

func TestAppendObject(t *testing.T) {
	obj := map[string]any{
		"spec": map[string]any{"b": 1, "a": 2}, "kind": "ConfigMap", "data": map[string]any{"k": "v"},
		"metadata":   map[string]any{"name": "x", "annotations": map[string]any{"z": "1", "a": "2"}},
		"apiVersion": "v1", "Kind": "upper", "aaa": true,
	}
	want := `apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    a: '2'
    z: '1'
  name: x
Kind: upper
aaa: true
data:
  k: v
spec:
  a: 2
  b: 1
`
	out, err := AppendObject([]byte("---\n"), obj)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "---\n"+want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	checkRoundTrip(t, obj, out[4:])

	// Only the top level is ordered specially; absent keys are skipped.
	out, _ = AppendObject(nil, map[string]any{"x": map[string]any{"kind": 1, "apiVersion": 2}, "kind": "K"})
	if want := "kind: K\nx:\n  apiVersion: 2\n  kind: 1\n"; string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	for in, want := range map[string]map[string]any{"{}\n": {}, "null\n": nil} {
		if out, _ := AppendObject(nil, want); string(out) != in {
			t.Errorf("AppendObject(%#v) = %q, want %q", want, out, in)
		}
	}
}

func TestLongKeys(t *testing.T) {
	for _, n := range []int{997, 998, 999, 1000, 1001, 1020, 1024, 1030, 5000} {
		k := strings.Repeat("k", n)
		v := map[string]any{
			k:   map[string]any{k: []any{"v", map[string]any{k: "w\nx"}}},
			"a": []any{map[string]any{k: 1, "b": 2}},
		}
		out, err := Append(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		if explicit := bytes.Contains(out, []byte("? ")); explicit != (n > maxSimpleKey) {
			t.Errorf("key of %d bytes: explicit = %v", n, explicit)
		}
		checkRoundTrip(t, v, out)
	}
	out, _ := Append(nil, map[string]any{strings.Repeat("k", 1001): []any{1}, "z": map[string]any{"x": 1}})
	want := "? " + strings.Repeat("k", 1001) + "\n: - 1\nz:\n  x: 1\n"
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
		is   error
	}{
		{map[string]any{"spec": map[string]any{"template": map[string]any{"x": make(chan int)}}}, "spec.template.x: unsupported type chan int", nil},
		{map[string]any{"a": []any{1, map[string]any{"b": int32(1)}}}, "a[1].b: unsupported type int32", nil},
		{[]any{[]any{float32(1)}}, "[0][0]: unsupported type float32", nil},
		{struct{}{}, "unsupported type struct {}", nil},
		{map[string]any{"f": math.NaN()}, "f: unsupported float value NaN", nil},
		{map[string]any{"f": []any{math.Inf(-1)}}, "f[0]: unsupported float value -Inf", nil},
		{map[string]any{"n": json.Number("0x1")}, `n: invalid json.Number "0x1"`, nil},
		{map[string]any{"n": json.Number("")}, `n: invalid json.Number ""`, nil},
		{map[string]any{"n": json.Number("01")}, `n: invalid json.Number "01"`, nil},
		{map[string]any{"n": json.Number("1.")}, `n: invalid json.Number "1."`, nil},
		{map[string]any{"n": json.Number(" 1")}, `n: invalid json.Number " 1"`, nil},
		{map[string]any{"n": json.Number("1 ")}, `n: invalid json.Number "1 "`, nil},
		{map[string]any{"n": json.Number("1 2")}, `n: invalid json.Number "1 2"`, nil},
		{map[string]any{"n": json.Number("-")}, `n: invalid json.Number "-"`, nil},
		{map[string]any{"n": json.Number("+1")}, `n: invalid json.Number "+1"`, nil},
		{map[string]any{"n": json.Number(".5")}, `n: invalid json.Number ".5"`, nil},
		{map[string]any{"n": json.Number("1e")}, `n: invalid json.Number "1e"`, nil},
		{map[string]any{"n": json.Number("[1]")}, `n: invalid json.Number "[1]"`, nil},
		{map[string]any{"n": json.Number("-1]")}, `n: invalid json.Number "-1]"`, nil},
		{map[string]any{"n": json.Number("1e400")}, `n: invalid json.Number "1e400": strconv.ParseFloat: parsing "1e400": value out of range`, strconv.ErrRange},
		{map[string]any{"s": map[string]any{"k": "a\xffb"}}, `s.k: invalid UTF-8 in string "a\xffb"`, nil},
		{map[string]any{"s": map[string]any{"k\xff": "a"}}, `s: invalid UTF-8 in key "k\xff"`, nil},
		{map[string]any{"s": []string{"ok", "\xc3"}}, `s[1]: invalid UTF-8 in string "\xc3"`, nil},
		{map[string]any{"s": map[string]string{"k": "\xed\xa0\x80"}}, `s.k: invalid UTF-8 in string "\xed\xa0\x80"`, nil},
	} {
		buf := []byte("prefix")
		out, err := Append(buf, tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Append(%#v) error = %v, want %s", tc.in, err, tc.want)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("error %v does not wrap %v", err, tc.is)
		}
		if string(out) != "prefix" {
			t.Errorf("Append(%#v) on error returned %q, want the original buffer", tc.in, out)
		}
	}
	for _, n := range []string{"0", "-0", "1.5", "-1.5e-3", "1E+9", "123456789012345678901234567890", "1e-400"} {
		if _, err := Append(nil, json.Number(n)); err != nil {
			t.Errorf("json.Number(%q): %v", n, err)
		}
	}
}

func TestNumbers(t *testing.T) {
	var nums []any
	for _, f := range []float64{
		0, 1, -1, 0.1, 0.1 + 0.2, 1e-7, 1.5e-300, 5e-324, 123456789.125, 1 << 53, 1<<53 + 2, 1e15 + 0.5,
		9.999999999999999e20, 1e21, -1e21, 1e19, 1.8446744073709552e19, -9.223372036854776e18, math.MaxFloat64,
		math.SmallestNonzeroFloat64, math.Pi, -math.E, 1e100, 2.5e-5,
	} {
		nums = append(nums, f)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		nums = append(nums, math.Float64frombits(r.Uint64()), r.NormFloat64()*math.Pow(10, float64(r.IntN(50)-25)), float64(r.Int64()>>r.IntN(64)))
	}
	for i, n := range nums {
		if f, ok := n.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			nums[i] = 0.0
		}
	}
	nums = append(nums, 0, math.MaxInt64, math.MinInt64, int64(math.MaxInt64), int64(math.MinInt64), json.Number("1.5e300"), json.Number("-0.000001"))
	out, err := Append(nil, nums)
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, nums, out)
	for i, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if f, ok := nums[i].(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1e21 && strings.ContainsAny(line, ".e") {
			t.Errorf("integral %v written as %s", f, line)
		}
	}
}

func TestDepth(t *testing.T) {
	deep := func(n int) any {
		var v any = "leaf"
		for range n {
			v = []any{map[string]any{"k": v}}
		}
		return v
	}
	out, err := Append(nil, deep(maxDepth/2))
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, deep(maxDepth/2), out)
	if _, err := AppendObject(nil, map[string]any{"a": deep(maxDepth/2 - 1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := Append(nil, deep(maxDepth/2+1)); err == nil || !strings.HasSuffix(err.Error(), "nesting deeper than 1000 levels") {
		t.Fatalf("error = %v, want nesting too deep", err)
	}
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	if _, err := AppendObject(nil, cyclic); err == nil || !strings.HasPrefix(err.Error(), "self.self.self.") {
		t.Fatalf("error = %v, want nesting too deep", err)
	}
}

func TestDeterministic(t *testing.T) {
	m := map[string]any{}
	for i := range 200 {
		k := strconv.Itoa(i * 7919 % 1000)
		m[k] = map[string]any{"x" + k: []any{k, i, map[string]any{"b": k, "a": i}}, "y": k + "\n" + k}
	}
	first, err := AppendObject(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		out, _ := AppendObject(nil, m)
		if !bytes.Equal(out, first) {
			t.Fatal("output differs between encodings")
		}
	}
	checkRoundTrip(t, m, first)
}

func TestCorpus(t *testing.T) {
	docs := loadCorpus(t)
	total := 0
	for _, d := range docs {
		out, err := AppendObject(nil, d.obj)
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		total += len(out)
		if _, ok := d.obj["apiVersion"]; ok && !bytes.HasPrefix(out, []byte("apiVersion: ")) {
			t.Errorf("%s: output does not start with apiVersion", d.name)
		}
		checkRoundTrip(t, d.obj, out)
	}
	t.Logf("%d documents, %d bytes of output", len(docs), total)
}

type corpusDoc struct {
	name string
	obj  map[string]any
}

// loadCorpus reads every document of the YAML files under
// ../../../shared/upstream with sigs.k8s.io/yaml.
func loadCorpus(tb testing.TB) []corpusDoc {
	tb.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "upstream")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	var docs []corpusDoc
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, doc := range regexp.MustCompile(`(?m)^---[ \t]*\r?$`).Split(string(data), -1) {
			var obj map[string]any
			if err := sigsyaml.Unmarshal([]byte(doc), &obj); err != nil {
				return fmt.Errorf("%s document %d: %w", path, i, err)
			}
			if obj != nil {
				docs = append(docs, corpusDoc{fmt.Sprintf("%s#%d", path, i), obj})
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(docs) == 0 {
		tb.Skip("corpus is empty")
	}
	return docs
}

// nastyStrings are strings that are easy to get wrong.
func nastyStrings() []string {
	var s []string
	// Every case variant of the YAML 1.1 and 1.2 bool and null words.
	for _, w := range []string{"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"} {
		for mask := 0; mask < 1<<len(w); mask++ {
			b := []byte(w)
			for i := range b {
				if mask&(1<<i) != 0 {
					b[i] = strings.ToUpper(w[i : i+1])[0]
				}
			}
			s = append(s, string(b))
		}
	}
	s = append(s,
		// Numbers in every notation.
		"0", "-0", "+0", "1", "-1", "+1", "12", "0.", "0.0", "-0.0", ".5", "-.5", "+.5", "5.", "1e3", "1E3", "1e+3", "1e-3",
		"1.5e3", "-1.5E-3", "1.0e+21", "0x1F", "0X1F", "-0x1f", "0x_1F", "0o17", "0O17", "-0o17", "0777", "0b101", "-0b101",
		"1_000", "1__0", "_1", "1_", "+_0", "-_1", "-._5", "+_", "1:20", "190:20:30", "-1:20", "1:20.5", "1:70", ".inf", ".Inf", ".INF", "-.inf", "+.inf",
		".nan", ".NaN", ".NAN", "nan", "NaN", "inf", "Infinity", "-Infinity", "0.0.0.0", "1.2.3", "1..2", ".", "..", "...",
		"9223372036854775807", "9223372036854775808", "18446744073709551616", "1e400", "-1e400", "0x", "0o", "0b", "1e", "e1",
		"+", "++1", "+-1", "1+1", "1-1", "12:30", "12:30:45", "1:2:3:4",
		// Dates and timestamps.
		"2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43.10Z", "2001-12-14 21:59:43.10 -5",
		"2001-12-15 2:59:43.10", "0000-1-1 0:0:0,0", "2001-12-14T21:59:43,5Z", "2002-12-14", "2001-1-2", "2001-12-14T21:59:43Z", "20011214", "2001/12/14",
		// Indicators and structure.
		"<<", "=", ": ", ":", "a:", "a: b", "a:b", "a :b", "a : b", "::1", "#", "a #b", "a#b", "# c", "- ", "-", "- a", "-a", "--",
		"---", "--- a", "...", "... a", "... Y", "...x", "? ", "?", "? a", "?a", "*a", "&a", "!tag", "!!str", "%YAML", "%", "@a", "`a`",
		"|", "|-", ">", ">-", "'", "''", "\"", `\`, `\\`, "[a]", "{a: b}", "a,b", "[", "]", "{", "}", ",", "a]", "a}",
		"a [b]", "{}", "[]", "a\"b", "a'b", "'a'", `"a"`, "&", "*", "!", "a!", "a&b", "a*b", "a|b", "a>b", "a%b", "a@b",
		// Whitespace.
		"", " ", "  ", "\t", " a", "a ", "\ta", "a\t", "a\tb", "a  b", "\n", "\n\n", "a\n", "\na", "a\nb", "a\n\nb",
		"a\n\n", "a\n\n\n", " a\nb", "  a\n b", "a\n b\n", "\n a", "\n\n a\n", "a \nb", "a\n \nb", "a\n\t\nb", "a\n ",
		" \n", "\t\n", "\ta\nb", "a\n\tb", "a\r", "\r", "a\r\nb\r\n", "a\rb", "a\x0bb", "a\x0cb", "a\u00a0", "\u00a0a",
		// Unicode and control characters.
		"é", "日本語", "😀", "a😀b", "\u0085", "a\u0085b", "\u2028", "a\u2029b", "\ufeff", "\ufeffa", "a\ufeff", "\x00",
		"a\x00b", "\x7f", "\x1b[0m", "\x01\x02\x03", "\u0080", "\u009f", "\ufffd", "\ufffe", "\uffff", "\U0001fffe",
		"\U0010ffff", "a\nb\u2028c", "a\nb\x7f",
		// Long lines.
		strings.Repeat("x", 5000), strings.Repeat("a b ", 2000), strings.Repeat("x", 3000)+"\n"+strings.Repeat("y", 3000),
		"'"+strings.Repeat("x", 2000),
		// Real-world text.
		"line one\r\nline two\r\n", `C:\Program Files\app\bin`, `\\server\share`, `{"a": [1, 2], "b": "c"}`, `{"a":1}`,
		"#!/bin/sh\nset -e\necho \"it's $HOME\" 'q' `date`\nfor f in *; do echo \"$f\"; done\n",
		"if [ \"$a\" = 'b' ]; then\n\techo ok # comment\nfi", "key: value\n- item\n---\n...\n", "  indented:\n    - x\n",
		"${VAR}", "$(cmd)", "{{ .Values.x }}", "a=b", "x == y", "foo: bar # baz", "http://example.com/#frag",
		"image:tag@sha256:abc", "--flag=value", "-Xmx1g", "50%", "100%", "*.example.com", "!important", "@latest",
		"0.0.0.0:8080", "[::1]:80", "10.0.0.0/8", "1Gi", "500m", "v1", "v1.2.3", "1.25", "3.14", "0.1", "1e-7",
	)
	return s
}

func TestNastyStrings(t *testing.T) {
	for _, s := range nastyStrings() {
		checkString(t, s)
	}
}

// FuzzRoundTrip checks strings in every position. Run it with
//
//	go test -run x -fuzz FuzzRoundTrip -fuzztime 60s -fuzzminimizetime 2s
//
// (without the last flag, minimizing each new input can take a minute, which
// looks like a stall at 0 execs/sec).
func FuzzRoundTrip(f *testing.F) {
	for _, s := range nastyStrings() {
		if len(s) <= 200 { // long seeds make minimizing new inputs very slow
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkString(t, s)
	})
}

// checkString round-trips s in every position (root, value, key, sequence
// item, nested), and checks that s is not written plain if YAML 1.1 or 1.2
// would read it as something other than a string.
func checkString(t *testing.T, s string) {
	t.Helper()
	values := []any{
		s,
		map[string]any{"k": s},
		map[string]any{s: s, "k": []any{s}},
		[]any{s, []any{s, map[string]any{s: s}}},
		map[string]any{"a": map[string]any{"b": []any{map[string]any{"c": s, s: []string{s}}}}},
		map[string]string{s: s},
	}
	for _, v := range values {
		out, err := Append(nil, v)
		if !utf8.ValidString(s) {
			if err == nil {
				t.Errorf("no error for invalid UTF-8 %q; output:\n%s", s, out)
			}
			return
		}
		if err != nil {
			t.Errorf("Append(%#v): %v", v, err)
			continue
		}
		checkRoundTrip(t, v, out)
	}
	if out, _ := Append(nil, map[string]any{"k": s}); string(out) == "k: "+s+"\n" && implicitlyTyped(s) {
		t.Errorf("%q is written plain but YAML 1.1 or 1.2 reads it as a non-string", s)
	}
}

// The implicit types of YAML 1.1 (https://yaml.org/type/) and the YAML 1.2
// core schema, as specified.
var implicitTypes = regexp.MustCompile(`^(?:` + strings.Join([]string{
	`y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF`,
	`~|null|Null|NULL|`,
	`[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+`,
	`[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)`,
	`[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]`,
	`[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*Z|[-+][0-9][0-9]?(?::[0-9][0-9])?)?`,
	`<<|=`,
	`[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+`,
	`[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?`,
}, "|") + `)$`)

func implicitlyTyped(s string) bool { return implicitTypes.MatchString(s) }

// checkRoundTrip checks that out reads back as v with go.yaml.in/yaml/v3 and
// with sigs.k8s.io/yaml (YAML to JSON, then encoding/json).
func checkRoundTrip(t testing.TB, v any, out []byte) {
	t.Helper()
	want := normalize(v)
	var got any
	if err := yaml3.Unmarshal(out, &got); err != nil {
		t.Errorf("yaml/v3 cannot parse the output: %v\n%s", err, clip(out))
	} else if d := diff(normalize(got), want, ""); d != "" {
		t.Errorf("yaml/v3 reads back a different value: %s\n%s", d, clip(out))
	}
	j, err := sigsyaml.YAMLToJSON(out)
	if err != nil {
		t.Errorf("sigs.k8s.io/yaml cannot parse the output: %v\n%s", err, clip(out))
		return
	}
	got = nil
	if err := json.Unmarshal(j, &got); err != nil {
		t.Errorf("sigs.k8s.io/yaml output is not JSON: %v", err)
	} else if d := diff(normalize(got), want, ""); d != "" {
		t.Errorf("sigs.k8s.io/yaml reads back a different value: %s\n%s", d, clip(out))
	}
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return fmt.Sprintf("%q...", b[:2000])
	}
	return fmt.Sprintf("%q", b)
}

// normalize turns numbers into float64, string maps and slices into their
// any forms and typed nils into nil. A non-string key is kept as a marker so
// that it never compares equal to the input.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return nil
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = normalize(e)
		}
		return m
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			ks, ok := k.(string)
			if !ok {
				ks = fmt.Sprintf("non-string key %T %v", k, k)
			}
			m[ks] = normalize(e)
		}
		return m
	case map[string]string:
		if x == nil {
			return nil
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = e
		}
		return m
	case []any:
		if x == nil {
			return nil
		}
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = normalize(e)
		}
		return s
	case []string:
		if x == nil {
			return nil
		}
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = e
		}
		return s
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case json.Number:
		f, _ := x.Float64()
		return f
	}
	return v
}

// diff describes the first difference between normalized values a and b.
func diff(got, want any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %T %.100v, want a map", path, got, got)
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			gv, gok := g[k]
			wv, wok := w[k]
			if gok != wok {
				return fmt.Sprintf("%s: key %q present in output %v, in input %v", path, k, gok, wok)
			}
			if d := diff(gv, wv, path+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %T %.100v, want a sequence of %d", path, got, got, len(w))
		}
		for i := range w {
			if d := diff(g[i], w[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("%s: got %T %q, want %T %q", path, got, fmt.Sprint(got), want, fmt.Sprint(want))
	}
	return ""
}
