package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// WriteReference writes the rule pack as a documentation page: each rule's
// ID, name, severity, scope, rationale, fix and default parameters (what
// brickops.yaml may override under policy.rules.<ID>). `make docs` renders
// it into the policy guide, so the guide cannot fall behind the code.
func WriteReference(w io.Writer) error {
	fmt.Fprint(w, `---
page_title: "Policy rule reference"
subcategory: "Guides"
description: |-
  The built-in BrickOps rule pack for Databricks MLOps plans: what each rule checks, why, how to comply and how to configure it.
---

# Policy rule reference

`+"`brickops policy check`"+` evaluates these rules on `+"`terraform show -json`"+` output, beside your own Rego
policies. Switch a rule off, change its severity or its parameters in `+"`brickops.yaml`"+`:

`+"```yaml"+`
policy:
  rules:
    BO001:
      max_minutes: 60      # a parameter
    BO003:
      severity: warning    # error, warning or note
    BO004:
      enabled: false
  waivers:
    - rule: BO002
      resource: brickops_cluster.gpu_training
      reason: GPU training cluster approved by the platform team
      expires: 2027-03-31
`+"```"+`

An expired waiver stops waiving and the report says so. This page is generated from the rule pack.

| ID | Name | Severity | Scope |
|---|---|---|---|
`)
	for _, r := range Builtin() {
		fmt.Fprintf(w, "| [%s](#%s) | %s | %s | %s |\n", r.ID, strings.ToLower(r.ID), r.Name, r.Severity, scope(r))
	}
	for _, r := range Builtin() {
		fmt.Fprintf(w, "\n## %s\n\n**%s** — %s, %s.\n\n- **Why:** %s\n- **Fix:** %s\n", r.ID, r.Name, r.Severity, scope(r), r.Rationale, r.Fix)
		if r.params == nil {
			continue
		}
		// Parameters carry json tags (the names brickops.yaml uses); go
		// through a generic map to print them as YAML.
		var generic map[string]any
		js, err := json.Marshal(r.params())
		if err == nil {
			err = json.Unmarshal(js, &generic)
		}
		raw, err2 := yaml.Marshal(generic)
		if err != nil || err2 != nil {
			return fmt.Errorf("rendering the parameters of %s: %v %v", r.ID, err, err2)
		}
		if s := strings.TrimSpace(string(raw)); s != "" && s != "{}" {
			fmt.Fprintf(w, "\nParameters and their defaults:\n\n```yaml\npolicy:\n  rules:\n    %s:\n%s\n```\n", r.ID, indentLines(s, "      "))
		}
	}
	return nil
}

func scope(r *Rule) string {
	if r.ProdOnly {
		return "production environments"
	}
	return "every environment"
}

func indentLines(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return strings.Join(lines, "\n")
}
