package planjson

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeJSON parses a JSON document into the values encoding/json gives
// for an `any` (map[string]any, []any, string, float64, bool, nil) in one
// pass. A plan of tens of megabytes is mostly the same few hundred keys
// and short strings ("address", "create", the resource types) repeated:
// they are stored once. encoding/json validates the whole input before
// decoding it and allocates every key anew; for a 20 MB plan that was
// half of `policy check`'s time and a good part of its memory.
func decodeJSON(data []byte) (any, error) {
	d := &decoder{data: data, interned: make(map[string]string, 1024)}
	d.space()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.pos < len(d.data) {
		return nil, d.errorf("invalid character %q after top-level value", d.data[d.pos])
	}
	return v, nil
}

// SyntaxError is a malformed JSON document; Offset counts bytes read.
type SyntaxError struct {
	Offset int
	msg    string
}

func (e *SyntaxError) Error() string { return e.msg }

type decoder struct {
	data     []byte
	pos      int
	interned map[string]string
	// keys and values are stacks the members of the objects and arrays
	// being read wait on, so each map and slice is made once at its final
	// size instead of growing.
	keys   []string
	values []any
}

// maxDepth bounds nesting: Terraform plans nest a few dozen levels; a
// hostile document must not exhaust the stack.
const maxDepth = 10000

// internMax is the longest string stored once: keys, actions, types,
// short attribute values.
const internMax = 48

func (d *decoder) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: d.pos + 1, msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) eof() error {
	return &SyntaxError{Offset: len(d.data), msg: "unexpected end of JSON input"}
}

func (d *decoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.errorf("exceeded max depth")
	}
	if d.pos >= len(d.data) {
		return nil, d.eof()
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.string()
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return nil, d.errorf("invalid character %q looking for beginning of value", c)
	}
}

func (d *decoder) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.data) {
			return d.eof()
		}
		if d.data[d.pos] != word[i] {
			return d.errorf("invalid character %q in literal %s (expecting %q)", d.data[d.pos], word, word[i])
		}
		d.pos++
	}
	return nil
}

func (d *decoder) object(depth int) (any, error) {
	d.pos++ // {
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return map[string]any{}, nil
	}
	base := len(d.keys)
	for {
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		if d.data[d.pos] != '"' {
			return nil, d.errorf("invalid character %q looking for beginning of object key string", d.data[d.pos])
		}
		k, err := d.string()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		if d.data[d.pos] != ':' {
			return nil, d.errorf("invalid character %q after object key", d.data[d.pos])
		}
		d.pos++
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.keys = append(d.keys, k)
		d.values = append(d.values, v)
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			m := make(map[string]any, len(d.keys)-base)
			for i := base; i < len(d.keys); i++ {
				m[d.keys[i]] = d.values[i]
				d.values[i] = nil
			}
			d.keys, d.values = d.keys[:base], d.values[:base]
			return m, nil
		default:
			return nil, d.errorf("invalid character %q after object key:value pair", d.data[d.pos])
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	d.pos++ // [
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return []any{}, nil
	}
	base := len(d.values)
	for {
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		// Arrays share the values stack with objects; the keys stack
		// stays aligned with a placeholder.
		d.keys = append(d.keys, "")
		d.values = append(d.values, v)
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			a := make([]any, len(d.values)-base)
			copy(a, d.values[base:])
			clear(d.values[base:])
			d.keys, d.values = d.keys[:base], d.values[:base]
			return a, nil
		default:
			return nil, d.errorf("invalid character %q after array element", d.data[d.pos])
		}
	}
}

// string reads a string at d.pos (on its opening quote).
func (d *decoder) string() (string, error) {
	d.pos++
	start := d.pos
	ascii := true
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			raw := d.data[start:d.pos]
			d.pos++
			if !ascii && !utf8.Valid(raw) {
				return d.unescape(raw)
			}
			return d.store(raw), nil
		case c == '\\':
			end, err := d.stringEnd(d.pos)
			if err != nil {
				return "", err
			}
			raw := d.data[start:end]
			d.pos = end + 1
			return d.unescape(raw)
		case c < 0x20:
			return "", d.errorf("invalid character %q in string literal", c)
		case c >= 0x80:
			ascii = false
		}
		d.pos++
	}
	return "", d.eof()
}

// store returns the string of raw, shared with earlier equal short ones.
func (d *decoder) store(raw []byte) string {
	if len(raw) > internMax {
		return string(raw)
	}
	if s, ok := d.interned[string(raw)]; ok {
		return s
	}
	s := string(raw)
	d.interned[s] = s
	return s
}

// stringEnd finds the closing quote of a string holding escapes.
func (d *decoder) stringEnd(i int) (int, error) {
	for i < len(d.data) {
		switch c := d.data[i]; {
		case c == '\\':
			i += 2
			continue
		case c == '"':
			return i, nil
		case c < 0x20:
			d.pos = i
			return 0, d.errorf("invalid character %q in string literal", c)
		}
		i++
	}
	return 0, d.eof()
}

// unescape decodes escapes and replaces invalid UTF-8 with U+FFFD, as
// encoding/json does.
func (d *decoder) unescape(raw []byte) (string, error) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c == '\\' {
			if i+1 >= len(raw) {
				return "", d.errorf("invalid escape at end of string")
			}
			switch e := raw[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(raw[i+2:])
				if !ok {
					return "", d.errorf("invalid character in \\u escape")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(raw[min(i+2, len(raw)):]); ok && i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							i += 6
							out = utf8.AppendRune(out, dec)
							continue
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
				continue
			default:
				return "", d.errorf("invalid character %q in string escape code", e)
			}
			i += 2
			continue
		}
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, raw[i:i+size]...)
		}
		i += size
	}
	return d.store(out), nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number reads a JSON number as float64, as encoding/json does for any.
func (d *decoder) number() (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n
	}
	intStart := d.pos
	n := digits()
	if n == 0 {
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		return nil, d.errorf("invalid character %q in numeric literal", d.data[d.pos])
	}
	if n > 1 && d.data[intStart] == '0' {
		return nil, d.errorf("invalid character %q after top-level value", d.data[intStart+1])
	}
	simple := true
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		simple = false
		d.pos++
		if digits() == 0 {
			return nil, d.numberEnd()
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		simple = false
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return nil, d.numberEnd()
		}
	}
	raw := d.data[start:d.pos]
	if simple && n <= 15 {
		var v int64
		for _, c := range d.data[intStart:d.pos] {
			v = v*10 + int64(c-'0')
		}
		if raw[0] == '-' {
			if v == 0 {
				return math.Copysign(0, -1), nil
			}
			v = -v
		}
		return float64(v), nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return nil, &SyntaxError{Offset: start + 1, msg: fmt.Sprintf("cannot read number %s: out of range", raw)}
	}
	return f, nil
}

func (d *decoder) numberEnd() error {
	if d.pos >= len(d.data) {
		return d.eof()
	}
	return d.errorf("invalid character %q in numeric literal", d.data[d.pos])
}
