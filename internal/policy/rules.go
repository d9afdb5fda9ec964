package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Severity of a rule or finding. Errors deny the plan; warnings and notes
// are reported only.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityNote    Severity = "note"
)

// Rule is one built-in check. Its ID is stable: users name it in
// brickops.yaml settings and waivers, and code scanning tracks alerts by it.
type Rule struct {
	ID       string
	Name     string
	Severity Severity
	// Rationale says in one line why the rule exists.
	Rationale string
	// Fix says in one line how to comply.
	Fix string
	// ProdOnly rules judge only production environments.
	ProdOnly bool
	// params returns a pointer to the rule's parameters set to their
	// defaults; brickops.yaml may override them.
	params func() any
	// check reports violations in one plan, given the decoded parameters.
	check func(v *planView, params any) []violation
}

// violation is what a rule's check reports: the engine adds rule, plan,
// severity and waiver details to make a Finding.
type violation struct {
	Address string
	Message string
}

// Builtin returns the rule pack in ID order.
func Builtin() []*Rule {
	out := append([]*Rule(nil), builtinRules...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func builtinByID(id string) *Rule {
	for _, r := range builtinRules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func builtinIDs() string {
	ids := make([]string, 0, len(builtinRules))
	for _, r := range Builtin() {
		ids = append(ids, r.ID)
	}
	return strings.Join(ids, ", ")
}

// decodeParams overlays brickops.yaml parameters on the rule's defaults.
// Unknown parameters and wrong types are errors naming the parameter.
func (r *Rule) decodeParams(settings map[string]any) (any, error) {
	p := r.params()
	if len(settings) == 0 {
		return p, nil
	}
	raw, err := json.Marshal(settings)
	if err != nil {
		return nil, fmt.Errorf("parameters are not plain values: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, fmt.Errorf("parameter %s must be %s", typeErr.Field, typeErr.Type.Kind())
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return nil, fmt.Errorf("unknown parameter %s (known: %s)", name, paramNames(p))
		}
		return nil, err
	}
	return p, nil
}

// paramNames lists a parameter struct's keys for error messages.
func paramNames(p any) string {
	t := reflect.TypeOf(p).Elem()
	var names []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
