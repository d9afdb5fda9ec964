package planjson

import (
	"reflect"
	"slices"
	"sort"
)

// Action is what a plan does to one resource instance, with a replacement
// as one action (Terraform's JSON spells it as delete+create).
type Action string

const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionReplace Action = "replace"
	ActionDelete  Action = "delete"
	ActionRead    Action = "read"
	ActionNoOp    Action = "no-op"
	ActionForget  Action = "forget"
)

// ActionOf folds Terraform's action list into one Action: a delete and a
// create together are a replacement, in either order.
func ActionOf(a []string) Action {
	has := func(s string) bool { return slices.Contains(a, s) }
	switch {
	case has("delete") && has("create"):
		return ActionReplace
	case len(a) == 1 && a[0] == "create":
		return ActionCreate
	case len(a) == 1 && a[0] == "update":
		return ActionUpdate
	case len(a) == 1 && a[0] == "delete":
		return ActionDelete
	case len(a) == 1 && a[0] == "read":
		return ActionRead
	case has("forget"):
		return ActionForget
	default:
		return ActionNoOp
	}
}

// Destructive reports whether the action destroys an existing object.
func (a Action) Destructive() bool { return a == ActionDelete || a == ActionReplace }

// Change is one planned resource change, without values.
type Change struct {
	Address string `json:"address"`
	Type    string `json:"type"`
	Action  Action `json:"action"`
	// Reason is Terraform's action_reason (why a replace or delete).
	Reason string `json:"reason,omitempty"`
	// ChangedAttributes names the top-level attributes an update or
	// replace changes; their values are never shown.
	ChangedAttributes []string `json:"changed_attributes,omitempty"`
}

// Counts are the numbers Terraform prints after a plan, with replacements
// counted apart rather than as an add plus a destroy.
type Counts struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Replace int `json:"replace"`
	Destroy int `json:"destroy"`
}

func (c *Counts) add(a Action) {
	switch a {
	case ActionCreate:
		c.Add++
	case ActionUpdate:
		c.Change++
	case ActionReplace:
		c.Replace++
	case ActionDelete:
		c.Destroy++
	}
}

// Total is the number of changing resources.
func (c Counts) Total() int { return c.Add + c.Change + c.Replace + c.Destroy }

// TypeSummary is the changes to one resource type.
type TypeSummary struct {
	Type string `json:"type"`
	Counts
	Changes []Change `json:"changes"`
}

// EnvSummary is one environment's plan.
type EnvSummary struct {
	Env              string `json:"env"`
	PlanFile         string `json:"plan_file"`
	Prod             bool   `json:"prod"`
	TerraformVersion string `json:"terraform_version,omitempty"`
	Counts
	ByType []TypeSummary `json:"by_type"`
	// Destructive lists deletions and replacements, the changes a
	// reviewer must not miss.
	Destructive []Change `json:"destructive"`
	// Fingerprint identifies the plan, so `brickops gate` can check that
	// what it applies is what was reviewed.
	Fingerprint Fingerprint `json:"fingerprint"`
}

// Summary covers every environment given, in argument order.
type Summary struct {
	Environments []EnvSummary `json:"environments"`
}

// Summarize builds the summary of each plan; isProd says which environments
// get production treatment.
func Summarize(plans []*Plan, isProd func(env string) bool) *Summary {
	s := &Summary{Environments: make([]EnvSummary, 0, len(plans))}
	for _, p := range plans {
		s.Environments = append(s.Environments, summarizeOne(p, isProd(p.Env)))
	}
	return s
}

func summarizeOne(p *Plan, prod bool) EnvSummary {
	e := EnvSummary{Env: p.Env, PlanFile: p.Path, Prod: prod, TerraformVersion: p.TerraformVersion,
		ByType: []TypeSummary{}, Destructive: []Change{}, Fingerprint: FingerprintOf(p)}
	byType := map[string]*TypeSummary{}
	for i := range p.Changes {
		rc := &p.Changes[i]
		if !rc.Managed() {
			continue
		}
		action := rc.Action
		if action == ActionNoOp || action == ActionRead {
			continue
		}
		c := Change{Address: rc.Address, Type: rc.Type, Action: action, Reason: rc.ActionReason}
		if rc.DeposedKey != "" {
			c.Address += " (deposed " + rc.DeposedKey + ")"
		}
		if action == ActionUpdate || action == ActionReplace {
			c.ChangedAttributes = changedAttributes(rc)
		}
		ts := byType[rc.Type]
		if ts == nil {
			ts = &TypeSummary{Type: rc.Type}
			byType[rc.Type] = ts
		}
		ts.Counts.add(action)
		ts.Changes = append(ts.Changes, c)
		e.Counts.add(action)
		if action.Destructive() {
			e.Destructive = append(e.Destructive, c)
		}
	}
	for _, ts := range byType {
		e.ByType = append(e.ByType, *ts)
	}
	sort.Slice(e.ByType, func(i, j int) bool { return e.ByType[i].Type < e.ByType[j].Type })
	return e
}

// changedAttributes compares before and after at the top level; an
// attribute whose new value is unknown until apply counts as changed, and
// so does a sensitive one whose value changed (redacted, both look alike).
func changedAttributes(rc *ResourceChange) []string {
	before, after, unknown := rc.Before, rc.After, rc.AfterUnknown
	names := map[string]bool{}
	for _, k := range rc.SensitiveChanged {
		names[k] = true
	}
	for k, v := range after {
		if !reflect.DeepEqual(before[k], v) {
			names[k] = true
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			if _, isUnknown := unknown[k]; !isUnknown && before[k] != nil {
				names[k] = true
			}
		}
	}
	for k, v := range unknown {
		if b, ok := v.(bool); ok && b && before[k] != nil && k != "id" {
			names[k] = true
		}
	}
	out := make([]string, 0, len(names))
	for k := range names {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
