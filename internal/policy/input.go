package policy

import (
	"encoding/json"
	"math"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"

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
		top["resource_changes"] = convertList(rc)
	}
	return ast.LazyObject(top)
}

// convertList converts a long list in parallel halves (a plan's changes
// are independent), each with its own cache.
func convertList(list []any) ast.Value {
	terms := make([]*ast.Term, len(list))
	parts := 1
	if len(list) >= 1000 {
		parts = min(runtime.GOMAXPROCS(0), 4)
	}
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(list)/parts, (p+1)*len(list)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newTermCache()
			for i := lo; i < hi; i++ {
				terms[i] = c.term(list[i])
			}
		}()
	}
	wg.Wait()
	return ast.NewArray(terms...)
}

// termCache converts parsed JSON values to Rego terms as
// ast.InterfaceToValue does (numbers formatted alike), sharing one term
// per distinct short string: object keys and values such as "create"
// repeat thousands of times in a plan.
type termCache struct {
	strings map[string]*ast.Term
	// composites holds shared lists and objects by key.
	composites map[string]*ast.Term
	null       *ast.Term
}

func newTermCache() *termCache {
	return &termCache{strings: map[string]*ast.Term{}, composites: map[string]*ast.Term{}, null: ast.NullTerm()}
}

const sharedStringMax = 48

func (c *termCache) term(v any) *ast.Term {
	switch x := v.(type) {
	case nil:
		return c.null
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
		// Empty lists and objects (unset blocks, empty sensitivity masks)
		// and short lists of strings (actions) are one term each.
		if len(x) == 0 {
			return c.shared("[]", func() *ast.Term { return ast.ArrayTerm() })
		}
		if key, ok := stringsKey(x); ok {
			return c.shared(key, func() *ast.Term { return c.array(x) })
		}
		return c.array(x)
	case map[string]any:
		if len(x) == 0 {
			return c.shared("{}", func() *ast.Term { return ast.ObjectTerm() })
		}
		return c.object(x)
	default:
		return ast.NewTerm(ast.MustInterfaceToValue(x))
	}
}

// shared returns the one term for a composite value known by key ("[]",
// "{}", or a list of short strings).
func (c *termCache) shared(key string, build func() *ast.Term) *ast.Term {
	t, ok := c.composites[key]
	if !ok {
		t = build()
		c.composites[key] = t
	}
	return t
}

// stringsKey is the key of a list of at most 4 short strings.
func stringsKey(list []any) (string, bool) {
	if len(list) > 4 {
		return "", false
	}
	key := "["
	for _, e := range list {
		s, ok := e.(string)
		if !ok || len(s) > sharedStringMax {
			return "", false
		}
		key += strconv.Quote(s) + ","
	}
	return key, true
}

func (c *termCache) array(x []any) *ast.Term {
	terms := make([]*ast.Term, len(x))
	for i, e := range x {
		terms[i] = c.term(e)
	}
	return ast.ArrayTerm(terms...)
}

func (c *termCache) object(x map[string]any) *ast.Term {
	pairs := make([][2]*ast.Term, 0, len(x))
	for k, v := range x {
		pairs = append(pairs, [2]*ast.Term{c.term(k), c.term(v)})
	}
	return ast.ObjectTerm(pairs...)
}

// jsonNumber formats a float as ast.InterfaceToValue does.
func jsonNumber(f float64) json.Number { return json.Number(strconv.FormatFloat(f, 'g', -1, 64)) }
