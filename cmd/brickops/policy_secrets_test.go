package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/tftest"
)

// TestPolicyCheckNeverPrintsProviderCredentials plants the workspace token
// in the provider block (where Terraform writes it into the plan as is,
// sensitive or not) and a sensitive variable, then runs `policy check`
// with a Rego policy that tries every way to leak them (deny and warn
// messages holding the whole input, print() of it) in every output
// format, and greps stdout, stderr and the job summary.
func TestPolicyCheckNeverPrintsProviderCredentials(t *testing.T) {
	e, _ := ciEnv(t)
	const secretVar = "s3cr3t-variable-value-never-shown"
	w := tftest.New(t, map[string]string{"main.tf": `
terraform {
  required_providers {
    brickops = { source = "brickops/brickops" }
  }
}

variable "pat" {
  type      = string
  sensitive = true
  default   = "` + secretVar + `"
}

provider "brickops" {
  host  = "` + e.URL + `"
  token = "` + e.Token + `"
}

resource "brickops_registered_model" "m" {
  catalog_name = "main"
  schema_name  = "default"
  name         = "leaky"
  owner        = "ml-team"
  comment      = var.pat
}
`})
	w.UseProvider(t, tftest.ProviderDir(t), e.URL, e.Token)
	plan := w.PlanJSON(t, "prod.json")
	raw, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), e.Token) {
		t.Fatal("the plan does not carry the token; the test would prove nothing")
	}

	policies := t.TempDir()
	if err := os.WriteFile(filepath.Join(policies, "leak.rego"), []byte(`package main

import rego.v1

deny contains msg if {
	print("input:", input)
	msg := sprintf("whole input: %v", [input])
}

warn contains msg if {
	some name, p in input.configuration.provider_config
	msg := sprintf("provider %s: %v", [name, p.expressions])
}

# The policy sees the redaction, not the value.
warn contains "token redacted" if {
	input.configuration.provider_config.brickops.expressions.token.constant_value == "(sensitive value)"
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	for _, format := range []string{"text", "json", "sarif", "markdown"} {
		out, stderr, code := run(t, "", "policy", "check", "--policy", policies, "--output", format, plan)
		if code != 1 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		if format == "text" && (!strings.Contains(out, "token redacted") || !strings.Contains(stderr+out, "PRNT")) {
			t.Errorf("text output lacks the policy's own results:\n%s", out)
		}
		for _, secret := range []string{e.Token, secretVar} {
			if strings.Contains(out, secret) || strings.Contains(stderr, secret) {
				t.Errorf("%s output prints %q", format, secret)
			}
		}
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if len(md) == 0 || strings.Contains(string(md), e.Token) || strings.Contains(string(md), secretVar) {
		t.Errorf("job summary (%d bytes) is empty or prints a secret", len(md))
	}
}
