// Package planjson loads `terraform show -json` plan output through
// hashicorp/terraform-json, rejects what is not a plan (a state file, another
// JSON document, an unsupported format version) with one clear message, and
// summarizes the changes per environment without ever printing a sensitive
// value.
package planjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-json/sanitize"
)

// Plan is one loaded plan file for one environment.
type Plan struct {
	// Path is the file the plan came from, as given.
	Path string
	// Env is the environment the plan is for (dev, staging, prod, ...).
	Env string
	// Sanitized is the plan with every sensitive value replaced by
	// RedactedValue: what summaries and built-in rules read, so nothing
	// they print can leak a secret.
	Sanitized *tfjson.Plan
	// Raw is the file's bytes, the document user Rego policies receive
	// as input exactly as conftest would.
	Raw []byte

	// unredacted still holds sensitive values. Only the summary reads it,
	// and only to tell which attributes changed: a sensitive attribute
	// whose value changes is redacted identically before and after.
	unredacted *tfjson.Plan
}

// RedactedValue replaces sensitive values in Sanitized.
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
	p, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	clean, err := redact(p)
	if err != nil {
		return nil, fmt.Errorf("%s: redacting sensitive values: %w", path, err)
	}
	return &Plan{Path: path, Env: env, Sanitized: clean, Raw: raw, unredacted: p}, nil
}

// redact replaces sensitive values. terraform-json's sanitizer assumes the
// complete structure Terraform writes (configuration, planned_values, a
// change in every resource change) and dereferences nil pointers on
// anything less; a truncated or hand-made plan is bad input, reported as
// an error rather than a crash.
func redact(p *tfjson.Plan) (clean *tfjson.Plan, err error) {
	defer func() {
		if r := recover(); r != nil {
			clean, err = nil, fmt.Errorf("not a complete Terraform plan (%v); produce it with `terraform show -json PLANFILE`", r)
		}
	}()
	return sanitize.SanitizePlanWithValue(p, RedactedValue)
}

// parse decodes `terraform show -json` plan output.
func parse(raw []byte) (*tfjson.Plan, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("not a JSON plan: invalid JSON at byte %d: %v (produce it with `terraform show -json PLANFILE`)", syn.Offset, err)
		}
		return nil, fmt.Errorf("not a JSON plan: %v (produce it with `terraform show -json PLANFILE`)", err)
	}
	if err := notAState(probe); err != nil {
		return nil, err
	}
	if _, ok := probe["format_version"]; !ok {
		return nil, errors.New("not a Terraform plan: format_version is missing (produce it with `terraform show -json PLANFILE`)")
	}
	var p tfjson.Plan
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not a supported Terraform plan: %v", err)
	}
	return &p, nil
}

// notAState recognises the two shapes of Terraform state a user may pass by
// mistake: the raw terraform.tfstate and `terraform show -json` without a
// plan file.
func notAState(doc map[string]json.RawMessage) error {
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
