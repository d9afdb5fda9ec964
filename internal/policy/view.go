package policy

import (
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// planView is what built-in rules see of one plan: every managed resource
// instance with its planned values (redacted: a rule can never print a
// secret), what the plan does to it, and where its configuration is.
type planView struct {
	plan *planjson.Plan
	// env is the plan's environment; prod says whether it is production.
	env  string
	prod bool
	// planned holds every resource that exists after the plan (changed or
	// not): relation rules (a monitor for every served model) need the whole
	// picture.
	planned []*resource
	// destroyed holds resources the plan deletes or replaces, with their
	// values before the change.
	destroyed []*resource
	byType    map[string][]*resource
}

// resource is one managed resource instance in a plan.
type resource struct {
	Address string
	Type    string
	Action  planjson.Action
	Values  map[string]any
	unknown map[string]any
	// config is the resource's block in the plan's configuration (nil in
	// a plan without one).
	config map[string]any
}

// changing reports whether the plan creates or modifies the resource: the
// attribute rules judge what a pull request changes, not what it leaves
// alone.
func (r *resource) changing() bool {
	switch r.Action {
	case planjson.ActionCreate, planjson.ActionUpdate, planjson.ActionReplace:
		return true
	}
	return false
}

// value returns the planned value of a top-level attribute (nil if null or
// unknown).
func (r *resource) value(attr string) any { return r.Values[attr] }

// isUnknown reports whether the attribute's value is known only after apply.
func (r *resource) isUnknown(attr string) bool {
	b, ok := r.unknown[attr].(bool)
	return ok && b
}

// pending reports an attribute known only after apply that the user did
// set (from another resource's output): rules cannot judge it yet. In a
// plan without its configuration block every unknown counts as pending.
func (r *resource) pending(attr string) bool {
	return r.isUnknown(attr) && (r.config == nil || r.configured(attr))
}

// configured reports whether the configuration sets the attribute. An
// optional+computed attribute the user left out is unknown in the plan
// just like one set from another resource's output; only the
// configuration tells them apart.
func (r *resource) configured(attr string) bool {
	return r.expression(attr) != nil
}

func (r *resource) expression(attr string) any {
	return planjson.Object(r.config["expressions"])[attr]
}

// references lists what the attribute's configuration expression refers to.
func (r *resource) references(attr string) []string {
	return asStrings(planjson.Object(r.expression(attr))["references"])
}

func newPlanView(p *planjson.Plan, prod bool) *planView {
	v := &planView{plan: p, env: p.Env, prod: prod, byType: map[string][]*resource{}}
	for i := range p.Changes {
		rc := &p.Changes[i]
		if !rc.Managed() {
			continue
		}
		action := rc.Action
		cfg := p.ConfigResource(rc.ModuleAddress, rc.Type, rc.Name)
		if action.Destructive() {
			v.destroyed = append(v.destroyed, &resource{Address: rc.Address, Type: rc.Type, Action: action,
				Values: rc.Before, config: cfg})
		}
		if action == planjson.ActionDelete || action == planjson.ActionForget || rc.DeposedKey != "" {
			continue
		}
		r := &resource{Address: rc.Address, Type: rc.Type, Action: action,
			Values: rc.After, unknown: rc.AfterUnknown, config: cfg}
		v.planned = append(v.planned, r)
		v.byType[rc.Type] = append(v.byType[rc.Type], r)
	}
	return v
}

// changed returns the resources of type t that the plan creates or modifies.
func (v *planView) changed(t string) []*resource {
	var out []*resource
	for _, r := range v.byType[t] {
		if r.changing() {
			out = append(out, r)
		}
	}
	return out
}

// asObject reads a JSON object, or the single element of a list-nested
// block (Terraform renders a block with max one item as a list).
func asObject(v any) map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return t
	case []any:
		if len(t) == 1 {
			m, _ := t[0].(map[string]any)
			return m
		}
	}
	return nil
}

// asObjects reads a list (or set) of objects.
func asObjects(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// asStrings reads a list of strings.
func asStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asString(v any) string {
	s, _ := v.(string)
	return s
}

// asNumber reads a JSON number.
func asNumber(v any) (float64, bool) {
	f, ok := v.(float64)
	return f, ok
}

func asBool(v any) (value, ok bool) {
	value, ok = v.(bool)
	return value, ok
}
