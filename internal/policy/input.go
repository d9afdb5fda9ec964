package policy

import (
	"encoding/json"
	"math"
	"runtime/debug"
	"sort"
	"strconv"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// regoInput is the document a policy sees as input: the plan as parsed
// (redacted), handed to OPA without a JSON round trip. Top-level fields
// other than resource_changes are converted to Rego values only when a
// policy reads them (OPA's lazy object): most policies never pay for
// planned_values, prior_state or configuration. resource_changes, which
// nearly every Terraform policy reads, is converted up front by a
// converter that shares the terms of repeated keys and short strings.
func regoInput(p *planjson.Plan) ast.Value {
	top := make(map[string]any, len(p.Doc))
	for k, v := range p.Doc {
		top[k] = v
	}
	if rc, ok := p.Doc["resource_changes"].([]any); ok {
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
		c := &termCache{strings: map[string]*ast.Term{}}
		top["resource_changes"] = c.term(rc).Value
	}
	return ast.LazyObject(top)
}

// termCache converts parsed JSON values to Rego terms as
// ast.InterfaceToValue does (numbers formatted alike), sharing one term
// per distinct short string: object keys and values such as "create"
// repeat thousands of times in a plan.
type termCache struct {
	strings map[string]*ast.Term
}

const sharedStringMax = 48

func (c *termCache) term(v any) *ast.Term {
	switch x := v.(type) {
	case nil:
		return ast.NullTerm()
	case bool:
		return ast.InternedTerm(x)
	case string:
		if len(x) > sharedStringMax {
			return ast.StringTerm(x)
		}
		t, ok := c.strings[x]
		if !ok {
			t = ast.StringTerm(x)
			c.strings[x] = t
		}
		return t
	case float64:
		if x == math.Trunc(x) && x >= 0 && x < 512 {
			return ast.InternedTerm(int(x))
		}
		return ast.NumberTerm(jsonNumber(x))
	case []any:
		terms := make([]*ast.Term, len(x))
		for i, e := range x {
			terms[i] = c.term(e)
		}
		return ast.ArrayTerm(terms...)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		// Sorted insertion keeps the object's key order canonical from
		// the start (OPA sorts keys lazily otherwise).
		sort.Strings(keys)
		pairs := make([][2]*ast.Term, len(keys))
		for i, k := range keys {
			pairs[i] = [2]*ast.Term{c.term(k), c.term(x[k])}
		}
		return ast.ObjectTerm(pairs...)
	default:
		return ast.NewTerm(ast.MustInterfaceToValue(x))
	}
}

// jsonNumber formats a float as ast.InterfaceToValue does.
func jsonNumber(f float64) json.Number { return json.Number(strconv.FormatFloat(f, 'g', -1, 64)) }
