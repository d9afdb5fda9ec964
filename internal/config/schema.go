package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"
)

// Schema is the JSON Schema of brickops.yaml, for editors (yaml-language-server)
// and for `brickops config validate`.
//
//go:embed brickops.schema.json
var Schema []byte

// Problem is one schema violation, at a line of the file.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Path == "" {
		// A loader error: its message already says where.
		return p.Message
	}
	return fmt.Sprintf("line %d: %s: %s", p.Line, p.Path, p.Message)
}

// ValidateSchema checks a brickops.yaml document against Schema and
// returns every violation with the line it is on.
func ValidateSchema(raw []byte) ([]Problem, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, oneLine(err)
	}
	if p := checkRoot(&doc); p != nil {
		return []Problem{*p}, nil
	}
	lines := map[string]int{}
	inst := toJSON(doc.Content[0], "", lines)
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		return nil, fmt.Errorf("the embedded schema is broken: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("brickops.schema.json", schemaDoc); err != nil {
		return nil, err
	}
	sch, err := c.Compile("brickops.schema.json")
	if err != nil {
		return nil, err
	}
	err = sch.Validate(inst)
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return nil, err
	}
	var out []Problem
	collect(verr, lines, &out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out, nil
}

var printer = message.NewPrinter(language.English)

// checkRoot refuses a document that is empty or is not a mapping: nothing
// in it could configure anything, and silently taking the defaults would
// hide the mistake. Parse and ValidateSchema share it, so `config validate`
// and every other command say the same thing.
func checkRoot(doc *yaml.Node) *Problem {
	want := "want a mapping with environments, models and policy (see brickops config schema; brickops init writes one)"
	n := root(doc)
	switch {
	case n == nil || n.Kind == 0 || n.Kind == yaml.DocumentNode || (n.Kind == yaml.ScalarNode && n.Tag == "!!null"):
		return &Problem{Line: 1, Path: "(top level)", Message: "the file is empty: " + want}
	case n.Kind == yaml.MappingNode:
		return nil
	case n.Kind == yaml.SequenceNode:
		return &Problem{Line: n.Line, Path: "(top level)", Message: "got a list, " + want}
	default:
		return &Problem{Line: n.Line, Path: "(top level)", Message: "got a single value, " + want}
	}
}

// collect flattens the error tree into its leaves: the specific causes.
func collect(e *jsonschema.ValidationError, lines map[string]int, out *[]Problem) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collect(c, lines, out)
		}
		return
	}
	ptr := "/" + strings.Join(e.InstanceLocation, "/")
	line := lines[ptr]
	for p := ptr; line == 0 && p != ""; {
		p = p[:strings.LastIndex(p, "/")]
		line = lines[p]
	}
	path := strings.Join(e.InstanceLocation, ".")
	if path == "" {
		path = "(top level)"
	}
	*out = append(*out, Problem{Line: line, Path: path, Message: e.ErrorKind.LocalizedString(printer)})
}

// toJSON converts a YAML node to the generic JSON value jsonschema
// validates, recording each value's line under its JSON pointer.
func toJSON(n *yaml.Node, ptr string, lines map[string]int) any {
	if _, ok := lines[ptr]; !ok {
		lines[ptr] = n.Line
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			lines[ptr+"/"+k] = n.Content[i].Line
			m[k] = toJSON(n.Content[i+1], ptr+"/"+k, lines)
		}
		return m
	case yaml.SequenceNode:
		a := make([]any, len(n.Content))
		for i, c := range n.Content {
			a[i] = toJSON(c, ptr+"/"+strconv.Itoa(i), lines)
		}
		return a
	case yaml.AliasNode:
		return toJSON(n.Alias, ptr, lines)
	}
	switch n.Tag {
	case "!!int":
		if v, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return jsonNumber(v)
		}
	case "!!float":
		if v, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return v
		}
	case "!!bool":
		return n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
	case "!!null":
		return nil
	}
	return n.Value
}

func jsonNumber(v int64) any { return float64(v) }

// Validation is the verdict of `brickops config validate` on one file: the
// schema's problems, or else the first problem the loader finds.
type Validation struct {
	File     string    `json:"file"`
	Valid    bool      `json:"valid"`
	Problems []Problem `json:"problems"`
	// Err is set when the file is not YAML at all: bad input, not a verdict.
	Err error `json:"-"`
}

// Check validates raw, the content of file, against the schema and then
// against the rules Parse enforces.
func Check(file string, raw []byte) Validation {
	v := Validation{File: file, Problems: []Problem{}}
	problems, err := ValidateSchema(raw)
	if err != nil {
		v.Err = fmt.Errorf("%s: %w", file, err)
		return v
	}
	v.Problems = append(v.Problems, problems...)
	if len(problems) == 0 {
		if _, err := Parse(raw); err != nil {
			v.Problems = append(v.Problems, Problem{Message: err.Error()})
		}
	}
	v.Valid = len(v.Problems) == 0
	return v
}

// Summary is the one error a failed validation ends the command with:
// every problem on its own line, each prefixed with the file.
func (v Validation) Summary() error {
	lines := make([]string, len(v.Problems))
	for i, p := range v.Problems {
		lines[i] = v.File + ": " + p.String()
	}
	return fmt.Errorf("%d problem(s):\n%s", len(v.Problems), strings.Join(lines, "\n"))
}
