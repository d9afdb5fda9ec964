// Package output is the machine-readable side of every reporting command:
// one --output flag (text or json, plus formats a command adds) and one
// JSON document shape, versioned so CI scripts can rely on it:
//
//	{"version": 1, "command": "status", ...the command's own fields}
//
// A field is only ever added within a version; renaming or removing one
// bumps Version.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Version of the JSON documents the commands write.
const Version = 1

// The formats every reporting command offers.
const (
	Text = "text"
	JSON = "json"
)

// Format is the value of a command's --output flag. It satisfies
// pflag.Value, so an unknown format is refused while flags are parsed.
type Format struct {
	value   string
	allowed []string
}

// NewFormat offers text and json, then the extra formats a command adds
// (markdown, sarif); it starts as text.
func NewFormat(extra ...string) *Format {
	return &Format{value: Text, allowed: append([]string{Text, JSON}, extra...)}
}

func (f *Format) String() string { return f.value }

// Set accepts one of the offered formats.
func (f *Format) Set(v string) error {
	if !slices.Contains(f.allowed, v) {
		return fmt.Errorf("want %s", f.Choices())
	}
	f.value = v
	return nil
}

// Type names the value in flag help.
func (f *Format) Type() string { return "format" }

// Choices lists the formats as "text, json or markdown".
func (f *Format) Choices() string {
	if len(f.allowed) == 1 {
		return f.allowed[0]
	}
	return strings.Join(f.allowed[:len(f.allowed)-1], ", ") + " or " + f.allowed[len(f.allowed)-1]
}

// JSON reports whether the JSON document was asked for.
func (f *Format) JSON() bool { return f.value == JSON }

// WriteJSON writes the versioned document of command: version and command
// first, then the fields of v, which must encode as a JSON object (a
// struct, a map, or an already encoded object as json.RawMessage).
func WriteJSON(w io.Writer, command string, v any) error {
	raw, ok := v.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = encode(v); err != nil {
			return fmt.Errorf("encoding the %s report: %w", command, err)
		}
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '{' {
		return fmt.Errorf("encoding the %s report: not a JSON object", command)
	}
	head, err := encode(struct {
		Version int    `json:"version"`
		Command string `json:"command"`
	}{Version, command})
	if err != nil {
		return err
	}
	// Splice the object's fields after the head's: {"version":1,"command":"x", ...}.
	doc := bytes.TrimSuffix(bytes.TrimSpace(head), []byte("}"))
	if inner := bytes.TrimSpace(raw[1 : len(raw)-1]); len(inner) > 0 {
		doc = append(doc, ',')
	}
	doc = append(doc, raw[1:]...)
	var out bytes.Buffer
	if err := json.Indent(&out, doc, "", "  "); err != nil {
		return fmt.Errorf("encoding the %s report: %w", command, err)
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// encode is json.Marshal without HTML escaping: reports quote gates such
// as "val_auc >= 0.8" and a CI log should show them as written.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
