package yamlenc

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Append appends the YAML encoding of v (one document, no leading "---",
// ending with "\n") to buf and returns the extended buffer. v may hold
// map[string]any, []any, string, bool, nil, float64, int, int64, json.Number,
// map[string]string and []string, nested up to 1000 levels. On error buf is
// returned unchanged and the error names the key path of the offending value.
func Append(buf []byte, v any) ([]byte, error) {
	return encode(buf, v, false)
}

// AppendObject is [Append] for a Kubernetes object: the top-level keys
// apiVersion, kind and metadata come first (those present), then the others
// sorted; nested maps are sorted.
func AppendObject(buf []byte, obj map[string]any) ([]byte, error) {
	return encode(buf, obj, true)
}

type kv struct {
	k string
	v any
}

// encoder holds the output and a stack of key/value pairs reused to sort
// the maps being written.
type encoder struct {
	buf   []byte
	kvs   []kv
	depth int
}

// maxDepth bounds the nesting of collections, so that a cyclic value is an
// error rather than a stack overflow.
const maxDepth = 1000

var encoders = sync.Pool{New: func() any { return new(encoder) }}

func encode(buf []byte, v any, object bool) ([]byte, error) {
	e := encoders.Get().(*encoder)
	e.buf, e.depth = buf, 0
	var err error
	if m, ok := v.(map[string]any); ok && object && len(m) > 0 {
		e.depth = 1 // entries leaves the level that open would have entered
		err = e.entries(e.push(m), 0, true)
	} else {
		err = e.value(v, -2, atRoot)
	}
	out := e.buf
	e.buf = nil
	if err != nil {
		return buf, err // e is dropped: its stack may be dirty
	}
	encoders.Put(e)
	return out, nil
}

// Contexts of a value, which decide how a block collection starts.
const (
	afterKey  = iota // after "key:": a collection starts on the next line
	afterDash        // after "-" or an explicit key's ":": it starts on the same line
	atRoot           // the document itself
)

// value writes v and the line feed that ends it. col is the column of the key
// or dash that owns v (-2 at the root); collections and block scalars are
// indented to col+2.
func (e *encoder) value(v any, col, ctx int) error {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return e.empty(ctx, x == nil, "{}")
		}
		start := e.push(x)
		if err := e.open(col, ctx); err != nil {
			return err
		}
		return e.entries(start, col+2, false)
	case map[string]string:
		if len(x) == 0 {
			return e.empty(ctx, x == nil, "{}")
		}
		start := len(e.kvs)
		for k, s := range x {
			e.kvs = append(e.kvs, kv{k, s})
		}
		if err := e.open(col, ctx); err != nil {
			return err
		}
		return e.entries(start, col+2, false)
	case []any:
		if len(x) == 0 {
			return e.empty(ctx, x == nil, "[]")
		}
		if err := e.open(col, ctx); err != nil {
			return err
		}
		for i, item := range x {
			if i > 0 {
				e.indent(col + 2)
			}
			e.buf = append(e.buf, '-')
			if err := e.value(item, col+2, afterDash); err != nil {
				return at(err, "["+strconv.Itoa(i)+"]")
			}
		}
		e.depth--
		return nil
	case []string:
		if len(x) == 0 {
			return e.empty(ctx, x == nil, "[]")
		}
		e.open(col, ctx) // cannot fail: a string slice nests nothing
		for i, s := range x {
			if i > 0 {
				e.indent(col + 2)
			}
			e.buf = append(e.buf, "- "...)
			if err := e.str(s, col+2, false); err != nil {
				return at(err, "["+strconv.Itoa(i)+"]")
			}
			e.buf = append(e.buf, '\n')
		}
		e.depth--
		return nil
	}
	if ctx != atRoot {
		e.buf = append(e.buf, ' ')
	}
	var err error
	switch x := v.(type) {
	case string:
		err = e.str(x, col, false)
	case bool:
		e.buf = strconv.AppendBool(e.buf, x)
	case nil:
		e.buf = append(e.buf, "null"...)
	case float64:
		e.buf, err = appendFloat(e.buf, x)
	case int:
		e.buf = strconv.AppendInt(e.buf, int64(x), 10)
	case int64:
		e.buf = strconv.AppendInt(e.buf, x, 10)
	case json.Number:
		err = checkNumber(string(x))
		e.buf = append(e.buf, x...)
	default:
		err = fmt.Errorf("unsupported type %T", v)
	}
	e.buf = append(e.buf, '\n')
	return err
}

// empty writes an empty collection, or null for a nil one.
func (e *encoder) empty(ctx int, null bool, text string) error {
	if ctx != atRoot {
		e.buf = append(e.buf, ' ')
	}
	if null {
		text = "null"
	}
	e.buf = append(e.buf, text...)
	e.buf = append(e.buf, '\n')
	return nil
}

// open starts a block collection whose first entry goes at column col+2,
// one level deeper.
func (e *encoder) open(col, ctx int) error {
	if e.depth++; e.depth > maxDepth {
		return fmt.Errorf("nesting deeper than %d levels", maxDepth)
	}
	switch ctx {
	case afterKey:
		e.buf = append(e.buf, '\n')
		e.indent(col + 2)
	case afterDash:
		e.buf = append(e.buf, ' ')
	}
	return nil
}

// push pushes the entries of m on the stack and returns where they start.
func (e *encoder) push(m map[string]any) int {
	start := len(e.kvs)
	for k, v := range m {
		e.kvs = append(e.kvs, kv{k, v})
	}
	return start
}

// maxSimpleKey is the longest key written as an implicit key; YAML allows
// at most 1024 characters before the ':'.
const maxSimpleKey = 1000

// entries writes and pops the map entries on the stack from start, sorted
// by key, the keys at column col; the cursor is already at that column. With
// object set, apiVersion, kind and metadata come first.
func (e *encoder) entries(start, col int, object bool) error {
	end := len(e.kvs)
	if object {
		slices.SortFunc(e.kvs[start:end], func(a, b kv) int {
			if ra, rb := objectRank(a.k), objectRank(b.k); ra != rb {
				return ra - rb
			}
			return strings.Compare(a.k, b.k)
		})
	} else {
		slices.SortFunc(e.kvs[start:end], func(a, b kv) int { return strings.Compare(a.k, b.k) })
	}
	for i := start; i < end; i++ {
		p := e.kvs[i] // not a slice of e.kvs: nested maps may reallocate it
		if i > start {
			e.indent(col)
		}
		pos := len(e.buf)
		if err := e.str(p.k, col, true); err != nil {
			return err
		}
		ctx := afterKey
		if len(e.buf)-pos > maxSimpleKey {
			e.buf = slices.Insert(e.buf, pos, '?', ' ')
			e.buf = append(e.buf, '\n')
			e.indent(col)
			ctx = afterDash
		}
		e.buf = append(e.buf, ':')
		if err := e.value(p.v, col, ctx); err != nil {
			return at(err, p.k)
		}
	}
	clear(e.kvs[start:end])
	e.kvs = e.kvs[:start]
	e.depth--
	return nil
}

func objectRank(k string) int {
	switch k {
	case "apiVersion":
		return 0
	case "kind":
		return 1
	case "metadata":
		return 2
	}
	return 3
}

const spaces = "                                                                "

func (e *encoder) indent(n int) {
	for n > len(spaces) {
		e.buf = append(e.buf, spaces...)
		n -= len(spaces)
	}
	e.buf = append(e.buf, spaces[:n]...)
}

func appendFloat(b []byte, f float64) ([]byte, error) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return b, fmt.Errorf("unsupported float value %v", f)
	case f == 0:
		return append(b, '0'), nil // also for -0, as JavaScript does
	case f == math.Trunc(f) && math.Abs(f) < 1e21:
		return strconv.AppendFloat(b, f, 'f', -1, 64), nil
	}
	// Not integral, or at least 1e21: the text has a '.' or an exponent,
	// so it reads back as a float.
	return strconv.AppendFloat(b, f, 'g', -1, 64), nil
}

// checkNumber returns an error unless s is a JSON number that parses as a
// finite float64 (YAML parsers read a number out of range as a string).
func checkNumber(s string) error {
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	// A JSON value that starts with '-' or a digit is a number; ending with a
	// digit rules out trailing white space.
	if s == "" || !(s[0] == '-' || isDigit(s[0])) || !isDigit(s[len(s)-1]) || !json.Valid([]byte(s)) {
		return fmt.Errorf("invalid json.Number %q", s)
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return fmt.Errorf("invalid json.Number %q: %w", s, err)
	}
	return nil
}

// pathError adds the key path of the failing value to an error.
type pathError struct {
	rev []string // path segments, innermost first
	err error
}

func (e *pathError) Error() string {
	var b strings.Builder
	for i := len(e.rev) - 1; i >= 0; i-- {
		if s := e.rev[i]; b.Len() > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(e.rev[i])
	}
	b.WriteString(": ")
	b.WriteString(e.err.Error())
	return b.String()
}

func (e *pathError) Unwrap() error { return e.err }

// at prefixes the path of err with seg.
func at(err error, seg string) error {
	if pe, ok := err.(*pathError); ok {
		pe.rev = append(pe.rev, seg)
		return pe
	}
	return &pathError{rev: []string{seg}, err: err}
}

// Properties of a string found by classify.
const (
	hasNewline = 1 << iota
	hasTab
	hasSpecial   // a character that must be escaped: control, DEL, C1, U+2028, U+2029, BOM, U+FFFE, U+FFFF
	hasInvalid   // invalid UTF-8
	hasIndicator // ": ", " #" or a final ':', which rule out the plain style
)

func classify(s string) (c int) {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			switch {
			case b == ':':
				if i+1 == len(s) || s[i+1] == ' ' {
					c |= hasIndicator
				}
			case b == '#':
				if i > 0 && s[i-1] == ' ' {
					c |= hasIndicator
				}
			case b >= 0x20 && b < 0x7f:
			case b == '\n':
				c |= hasNewline
			case b == '\t':
				c |= hasTab
			default:
				c |= hasSpecial
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			c |= hasInvalid
		} else if !printable(r) {
			c |= hasSpecial
		}
		i += n
	}
	return c
}

// printable reports whether the non-ASCII rune r may appear unescaped: YAML's
// printable set without the line breaks NEL, LS and PS, and without the BOM
// (which a parser may skip at the start of a line).
func printable(r rune) bool {
	return r >= 0xa0 && r != 0x2028 && r != 0x2029 && r != 0xfeff && r != 0xfffe && r != 0xffff
}

// str writes s as a scalar: plain when safe, single-quoted when it is one
// printable line, as a literal block when possible (never for keys), and
// double-quoted otherwise. col is the column of the owning key or dash.
func (e *encoder) str(s string, col int, key bool) error {
	c := classify(s)
	switch {
	case c&hasInvalid != 0:
		if key {
			return fmt.Errorf("invalid UTF-8 in key %.64q", s)
		}
		return fmt.Errorf("invalid UTF-8 in string %.64q", s)
	case c&(hasNewline|hasTab|hasSpecial) == 0:
		if c&hasIndicator == 0 && plainSafe(s) {
			e.buf = append(e.buf, s...)
		} else {
			e.singleQuoted(s)
		}
	case c&(hasNewline|hasSpecial) == hasNewline && !key && e.literal(s, col):
	default:
		e.doubleQuoted(s)
	}
	return nil
}

// plainSafe reports whether the printable one-line string s, free of ": "
// and " #", reads back as the same string under YAML 1.1 and 1.2.
func plainSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	switch s[0] {
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '-':
		if len(s) == 1 || s[1] == ' ' || strings.HasPrefix(s, "---") {
			return false
		}
	case '.':
		if strings.HasPrefix(s, "...") { // a document end marker at column 0
			return false
		}
	}
	return !mayResolve(s)
}

// typeWords are the words that YAML 1.1 or 1.2 read as a bool or null, in any
// case (a superset of the case variants the specs accept).
var typeWords = [...]string{"y", "yes", "n", "no", "true", "false", "on", "off", "null"}

// numChars are the bytes of every YAML 1.1 and 1.2 number and timestamp form
// after the sign (a superset, to be safe; Go's time.Parse, used for YAML
// timestamps, also accepts a comma before fractional seconds).
var numChars = func() (t [256]bool) {
	for _, b := range []byte("0123456789abcdefABCDEFxXoO_.,:+-tTzZ ") {
		t[b] = true
	}
	return t
}()

// mayResolve reports whether the plain scalar s might be read as something
// other than a string (bool, null, number, timestamp, merge or value key)
// by a YAML 1.1 or 1.2 parser.
func mayResolve(s string) bool {
	switch s[0] {
	case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O':
		if len(s) <= 5 {
			for _, w := range typeWords {
				if strings.EqualFold(s, w) {
					return true
				}
			}
		}
		return false
	case '~', '=':
		return len(s) == 1
	case '<':
		return s == "<<"
	}
	t := s
	if t[0] == '+' || t[0] == '-' {
		t = strings.TrimLeft(t[1:], "_") // YAML 1.1 parsers drop underscores in "+_1"
	}
	switch {
	case t == "":
		return true
	case t[0] == '.':
		if strings.EqualFold(t, ".inf") || strings.EqualFold(t, ".nan") {
			return true
		}
	case t[0] < '0' || t[0] > '9':
		return false
	}
	for i := 0; i < len(t); i++ {
		if !numChars[t[i]] {
			return false
		}
	}
	return true
}

func (e *encoder) singleQuoted(s string) {
	e.buf = append(e.buf, '\'')
	for {
		i := strings.IndexByte(s, '\'')
		if i < 0 {
			break
		}
		e.buf = append(e.buf, s[:i+1]...)
		e.buf = append(e.buf, '\'')
		s = s[i+1:]
	}
	e.buf = append(e.buf, s...)
	e.buf = append(e.buf, '\'')
}

const hexDigits = "0123456789abcdef"

// doubleQuoted writes the valid UTF-8 string s double-quoted on one line.
func (e *encoder) doubleQuoted(s string) {
	e.buf = append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x20 && b < 0x7f && b != '"' && b != '\\' {
			i++
			continue
		}
		r, n := rune(b), 1
		if b >= utf8.RuneSelf {
			if r, n = utf8.DecodeRuneInString(s[i:]); printable(r) {
				i += n
				continue
			}
		}
		e.buf = append(e.buf, s[start:i]...)
		switch r {
		case '"', '\\':
			e.buf = append(e.buf, '\\', b)
		case '\n':
			e.buf = append(e.buf, '\\', 'n')
		case '\t':
			e.buf = append(e.buf, '\\', 't')
		case '\r':
			e.buf = append(e.buf, '\\', 'r')
		case 0:
			e.buf = append(e.buf, '\\', '0')
		default:
			if r < 0x100 {
				e.buf = append(e.buf, '\\', 'x', hexDigits[r>>4], hexDigits[r&15])
			} else {
				e.buf = append(e.buf, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&15], hexDigits[r>>4&15], hexDigits[r&15])
			}
		}
		i += n
		start = i
	}
	e.buf = append(e.buf, s[start:]...)
	e.buf = append(e.buf, '"')
}

// literal writes s, a multi-line string of printable characters and tabs, as
// a literal block scalar indented to col+2 if that represents it safely: no
// line ends with a space or tab, and some line is not empty.
func (e *encoder) literal(s string, col int) bool {
	first := byte(0) // first byte of the first non-empty line
	for rest := s; ; {
		line, r, more := strings.Cut(rest, "\n")
		if line != "" {
			if last := line[len(line)-1]; last == ' ' || last == '\t' {
				return false
			}
			if first == 0 {
				first = line[0]
			}
		}
		if !more {
			break
		}
		rest = r
	}
	if first == 0 {
		return false
	}
	e.buf = append(e.buf, '|')
	if first == ' ' || first == '\t' {
		e.buf = append(e.buf, '2')
	}
	body, clip := strings.CutSuffix(s, "\n")
	switch {
	case !clip:
		e.buf = append(e.buf, '-')
	case strings.HasSuffix(body, "\n"):
		e.buf = append(e.buf, '+')
	}
	n := max(col+2, 2) // content at the root needs indenting too
	for {
		line, rest, more := strings.Cut(body, "\n")
		e.buf = append(e.buf, '\n')
		if line != "" {
			e.indent(n)
			e.buf = append(e.buf, line...)
		}
		if !more {
			return true
		}
		body = rest
	}
}
