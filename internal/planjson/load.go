// Package planjson loads `terraform show -json` plan output, rejects what is
// not a plan (a state file, another JSON document, an unsupported format
// version) with one clear message, and summarizes the changes per
// environment without ever printing a sensitive value.
//
// A plan is parsed once into plain Go values (what `encoding/json` gives
// for an `any`, the same document conftest hands its policies). Sensitive
// values are replaced in place, where the plan marks them; nothing is
// copied, so a 20 MB plan costs one parse.
package planjson

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// Plan is one loaded plan file for one environment.
type Plan struct {
	// Path is the file the plan came from, as given.
	Path string
	// Env is the environment the plan is for (dev, staging, prod, ...).
	Env string
	// FormatVersion, TerraformVersion and Timestamp are the plan's own
	// fields.
	FormatVersion, TerraformVersion, Timestamp string
	// Doc is the whole document with every sensitive value (marked so in
	// the plan, or an argument of a provider block that carries a
	// credential) replaced by RedactedValue: what Rego policies receive as
	// input, and what every report reads.
	Doc map[string]any
	// Changes are the plan's resource changes in file order.
	Changes []ResourceChange

	configIndex map[string]map[string]any
}

// ResourceChange is one entry of the plan's resource_changes, with the
// fields reports and rules read. Values are those of Doc (redacted).
type ResourceChange struct {
	Address       string
	ModuleAddress string
	// Mode is "managed" or "data"; a hand-written fixture that leaves it
	// out is read as managed.
	Mode         string
	Type         string
	Name         string
	DeposedKey   string
	ActionReason string
	Action       Action
	Before       map[string]any
	After        map[string]any
	AfterUnknown map[string]any
	// Change is the whole change object (nil when the entry has none).
	Change map[string]any
	// SensitiveChanged names the top-level attributes whose (redacted)
	// sensitive value changes: redacted, before and after look the same.
	SensitiveChanged []string
}

// Managed reports whether the change is to a managed resource.
func (rc *ResourceChange) Managed() bool { return rc.Mode != "data" }

// RedactedValue replaces sensitive values.
const RedactedValue = "(sensitive value)"

// Target is a plan file and the environment it is for.
type Target struct {
	Env  string
	Path string
}

// Targets maps command-line plan arguments to environments. An argument may
// be ENV=PATH; otherwise env (the --env flag, allowed only with one file)
// applies; otherwise the environment is read from the file name
// (prod.json, plan-prod.json, prod.tfplan.json) or, for a file named just
// plan.json or tfplan.json, from its directory (environments/prod/plan.json).
func Targets(args []string, env string) ([]Target, error) {
	if len(args) == 0 {
		return nil, errors.New("no plan file given (want PLAN.json, or ENV=PLAN.json for each environment)")
	}
	if env != "" && len(args) > 1 {
		return nil, errors.New("--env names the environment of a single plan file; with several files use ENV=PLAN.json")
	}
	out := make([]Target, 0, len(args))
	seen := map[string]string{}
	for _, a := range args {
		t := Target{Env: env, Path: a}
		if e, p, ok := strings.Cut(a, "="); ok && e != "" && !strings.ContainsAny(e, `/\`) {
			t = Target{Env: e, Path: p}
		}
		if t.Env == "" {
			t.Env = envFromPath(t.Path)
		}
		if prev, dup := seen[t.Env]; dup {
			return nil, fmt.Errorf("plans %s and %s are both for environment %q; name them with ENV=PLAN.json", prev, t.Path, t.Env)
		}
		seen[t.Env] = t.Path
		out = append(out, t)
	}
	return out, nil
}

func envFromPath(path string) string {
	base := filepath.Base(path)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	stem = strings.TrimSuffix(stem, ".tfplan")
	switch strings.ToLower(stem) {
	case "plan", "tfplan", "terraform":
		if dir := filepath.Base(filepath.Dir(path)); dir != "." && dir != string(filepath.Separator) {
			return dir
		}
		return "default"
	}
	for _, affix := range []string{"tfplan-", "tfplan_", "plan-", "plan_"} {
		stem = strings.TrimPrefix(stem, affix)
	}
	for _, affix := range []string{"-tfplan", "_tfplan", "-plan", "_plan"} {
		stem = strings.TrimSuffix(stem, affix)
	}
	return stem
}

// LoadAll loads every target; the first failure stops it, so a command
// prints nothing rather than a partial result.
func LoadAll(targets []Target) ([]*Plan, error) {
	plans := make([]*Plan, 0, len(targets))
	for _, t := range targets {
		p, err := Load(t.Path, t.Env)
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// Load reads one plan file. Errors name the file.
func Load(path, env string) (*Plan, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read plan: %w", path, unwrapPathError(err))
	}
	p, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p.Path, p.Env = path, env
	return p, nil
}

// Parse reads a plan document: the complete output of `terraform show
// -json`, or the minimal one policy fixtures hold (format_version and
// resource_changes).
func Parse(raw []byte) (*Plan, error) {
	// Parsing builds what stays in use: a collection while the heap
	// grows would only scan it over and over.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	v, err := decodeJSON(raw)
	if err != nil {
		var syn *SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("not a JSON plan: invalid JSON at byte %d: %v (produce it with `terraform show -json PLANFILE`)", syn.Offset, err)
		}
		return nil, fmt.Errorf("not a JSON plan: %v (produce it with `terraform show -json PLANFILE`)", err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a Terraform plan: the document is not a JSON object (produce it with `terraform show -json PLANFILE`)")
	}
	if err := notAState(doc); err != nil {
		return nil, err
	}
	p := &Plan{Doc: doc, TerraformVersion: str(doc["terraform_version"]), Timestamp: str(doc["timestamp"])}
	fv, present := doc["format_version"]
	if !present {
		return nil, errors.New("not a Terraform plan: format_version is missing (produce it with `terraform show -json PLANFILE`)")
	}
	p.FormatVersion = str(fv)
	if err := checkFormatVersion(p.FormatVersion); err != nil {
		return nil, err
	}
	if err := p.index(); err != nil {
		return nil, err
	}
	redact(p)
	return p, nil
}

// checkFormatVersion accepts the 1.x plan formats (Terraform 0.12 to now).
func checkFormatVersion(v string) error {
	parts := strings.Split(v, ".")
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	major, err := strconv.Atoi(parts[0])
	if err != nil || major != 1 {
		return fmt.Errorf("unsupported plan format version: %q (this tool reads format 1.x, from Terraform 0.12 and later)", strings.Join(parts, "."))
	}
	return nil
}

// index reads resource_changes. A field of the wrong type is an error
// naming the change: policies would otherwise judge a plan they cannot see.
func (p *Plan) index() error {
	raw, present := p.Doc["resource_changes"]
	if !present || raw == nil {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		return errors.New("not a supported Terraform plan: resource_changes is not a list")
	}
	p.Changes = make([]ResourceChange, 0, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return fmt.Errorf("not a supported Terraform plan: resource_changes[%d] is not an object", i)
		}
		rc := ResourceChange{Address: str(m["address"]), ModuleAddress: str(m["module_address"]), Mode: str(m["mode"]),
			Type: str(m["type"]), Name: str(m["name"]), DeposedKey: str(m["deposed"]), ActionReason: str(m["action_reason"])}
		change, _ := m["change"].(map[string]any)
		if change == nil {
			rc.Action = ActionNoOp
			p.Changes = append(p.Changes, rc)
			continue
		}
		rc.Change = change
		rc.Action = ActionOf(actionList(change))
		rc.Before, _ = change["before"].(map[string]any)
		rc.After, _ = change["after"].(map[string]any)
		rc.AfterUnknown, _ = change["after_unknown"].(map[string]any)
		p.Changes = append(p.Changes, rc)
	}
	return nil
}

// actionList reads a change's actions.
func actionList(change map[string]any) []string {
	var actions []string
	for _, a := range list(change["actions"]) {
		actions = append(actions, str(a))
	}
	return actions
}

// ConfigResource finds a resource's block in the plan's configuration,
// following module calls ("module.net[0].module.sub" → calls net, then
// sub); nil when the plan has no configuration or no such block.
func (p *Plan) ConfigResource(moduleAddr, typ, name string) map[string]any {
	if p.configIndex == nil {
		p.configIndex = map[string]map[string]any{}
		indexConfig(Object(Object(p.Doc["configuration"])["root_module"]), "", p.configIndex)
	}
	var calls []string
	for _, part := range strings.Split(moduleAddr, "module.") {
		part = strings.TrimSuffix(part, ".")
		if i := strings.IndexByte(part, '['); i >= 0 {
			part = part[:i]
		}
		if part != "" {
			calls = append(calls, part)
		}
	}
	return p.configIndex[configKey(strings.Join(calls, "."), typ, name)]
}

func configKey(calls, typ, name string) string { return calls + " " + typ + " " + name }

// indexConfig maps every managed resource block of a configuration module
// and of the modules it calls by call path, type and name.
func indexConfig(m map[string]any, calls string, idx map[string]map[string]any) {
	for _, r := range list(m["resources"]) {
		if cr := Object(r); cr != nil && str(cr["mode"]) != "data" {
			idx[configKey(calls, str(cr["type"]), str(cr["name"]))] = cr
		}
	}
	for name, c := range Object(m["module_calls"]) {
		sub := name
		if calls != "" {
			sub = calls + "." + name
		}
		indexConfig(Object(Object(c)["module"]), sub, idx)
	}
}

// Object reads a JSON object (nil when v is something else).
func Object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// notAState recognises the two shapes of Terraform state a user may pass by
// mistake: the raw terraform.tfstate and `terraform show -json` without a
// plan file.
func notAState(doc map[string]any) error {
	if _, ok := doc["lineage"]; ok {
		return errors.New("this is a Terraform state file, not a plan (run `terraform plan -out=tfplan && terraform show -json tfplan`)")
	}
	_, values := doc["values"]
	_, planned := doc["planned_values"]
	_, changes := doc["resource_changes"]
	if values && !planned && !changes {
		return errors.New("this is `terraform show -json` of a state, not of a plan (pass the saved plan file: `terraform show -json tfplan`)")
	}
	return nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
