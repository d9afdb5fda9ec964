package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

// The exit-status contract (internal/exitcode) and the --output json
// document, command by command. Regressions from issue 15: promote with no
// arguments exited 1 but without --to 2; an unknown environment exited 1
// like a failed gate; status had no --output json.

// writeFiles writes files (path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(content, "#!") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
}

// jsonDoc decodes a --output json document and checks its envelope.
func jsonDoc(t *testing.T, out, command string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%s --output json is not one JSON document: %v\n%s", command, err, out)
	}
	if doc["version"] != float64(1) || doc["command"] != command {
		t.Errorf("%s document: version %v, command %v; want 1, %q", command, doc["version"], doc["command"], command)
	}
	return doc
}

// Plans as terraform show -json writes them (complete enough for its
// sanitizer): nothing to do, and a cluster that never auto-terminates.
const emptyPlan = `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{}},"resource_changes":[],"configuration":{"root_module":{}}}`

const deniedPlan = `{"format_version":"1.2","terraform_version":"1.11.4",
"planned_values":{"root_module":{"resources":[{"address":"brickops_cluster.big","mode":"managed","type":"brickops_cluster","name":"big","provider_name":"registry.terraform.io/brickops/brickops","values":{"cluster_name":"big","autotermination_minutes":0},"sensitive_values":{}}]}},
"resource_changes":[{"address":"brickops_cluster.big","mode":"managed","type":"brickops_cluster","name":"big","provider_name":"registry.terraform.io/brickops/brickops",
 "change":{"actions":["create"],"before":null,"after":{"cluster_name":"big","spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","num_workers":1,"autotermination_minutes":0},"after_unknown":{},"before_sensitive":false,"after_sensitive":{}}}],
"configuration":{"root_module":{}}}`

// driftPlan is what terraform show -json prints for a resized cluster.
const driftPlan = `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{}},
"resource_changes":[{"address":"brickops_cluster.etl","mode":"managed","type":"brickops_cluster","name":"etl","provider_name":"registry.terraform.io/brickops/brickops",
 "change":{"actions":["update"],"before":{"num_workers":6},"after":{"num_workers":1},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}}],
"configuration":{"root_module":{}}}`

// fakeTerraform answers plan like Terraform would: clean (0), drift (2,
// with a plan for show -json) or failure (1, with a boxed diagnostic). It
// records where it ran and with what arguments.
func fakeTerraform(t *testing.T, planExit int) (bin, log string) {
	t.Helper()
	dir := t.TempDir()
	log = filepath.Join(dir, "calls")
	bin = filepath.Join(dir, "terraform")
	showJSON := strings.ReplaceAll(driftPlan, "\n", "")
	writeFiles(t, dir, map[string]string{"terraform": `#!/bin/sh
echo "$PWD $*" >> ` + log + `
case "$1" in
plan)
  case ` + string(rune('0'+planExit)) + ` in
  1) printf '╷\n│ Error: Backend initialization required, please run "terraform init"\n│ \n│ Reason: Initial configuration of the requested backend "azurerm"\n│ \n│ The "backend" is the interface that Terraform uses to store state,\n╵\n' >&2; exit 1;;
  2) for a in "$@"; do case "$a" in -out=*) : > "${a#-out=}";; esac; done; exit 2;;
  esac;;
show) echo '` + showJSON + `';;
esac
exit 0
`})
	return bin, log
}

func TestExitCodes_everyCommand(t *testing.T) {
	emu := emulatortest.Start(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"repo/brickops.yaml":                cliBrickopsYAML,
		"repo/environments/dev/main.tf":     "",
		"repo/environments/staging/main.tf": "",
		"empty/brickops.yaml":               "",
		"list/brickops.yaml":                "- dev\n- prod\n",
		"invalid/brickops.yaml":             "environments:\n  dev: {catalog: dev, approvals: many}\n",
		"plans/empty.json":                  emptyPlan,
		"plans/denied.json":                 deniedPlan,
		"plans/broken.json":                 "Plan: 1 to add",
		"badtoken/brickops.yaml":            "environments:\n  dev: {catalog: dev, host: \"" + emu.URL + "\"}\nmodels:\n  churn: {schema: ml}\n",
	})
	repo := filepath.Join(dir, "repo")
	clean, _ := fakeTerraform(t, 0)
	drifted, _ := fakeTerraform(t, 2)
	failing, _ := fakeTerraform(t, 1)
	t.Setenv("DATABRICKS_CONFIG_FILE", os.DevNull)
	t.Setenv("DATABRICKS_TOKEN", "x")
	t.Setenv("DATABRICKS_AUTH_TYPE", "pat")
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	t.Setenv("GITHUB_TOKEN", "")

	cases := []struct {
		name string
		cwd  string // relative to dir; "" is repo
		args []string
		code int
		msg  string
	}{
		{"unknown command", "", []string{"nope"}, 2, `unknown command "nope"`},
		{"unknown flag", "", []string{"status", "--nope"}, 2, "unknown flag: --nope"},
		{"promote without arguments", "", []string{"promote"}, 2, "accepts 1 arg(s), received 0"},
		{"promote without --to", "", []string{"promote", "churn"}, 2, "--to is required"},
		{"promote into an unknown environment", "", []string{"promote", "churn", "--to", "qa"}, 2, `unknown environment "qa"`},
		{"promote an unknown model", "", []string{"promote", "fraud", "--to", "staging"}, 2, `unknown model "fraud"`},
		{"promote into the first environment", "", []string{"promote", "churn", "--to", "dev"}, 2, `environment "dev" is the first one`},
		{"status with an empty brickops.yaml", "empty", []string{"status"}, 2, "line 1: (top level): the file is empty"},
		{"status with a list brickops.yaml", "list", []string{"status"}, 2, "line 1: (top level): got a list, want a mapping"},
		{"status with an unknown environment", "", []string{"status", "--env", "qa"}, 2, `unknown environment "qa"`},
		{"status with no brickops.yaml anywhere", "plans", []string{"status"}, 2, "no brickops.yaml in "},
		{"status, authentication failed", "badtoken", []string{"status"}, 3, "Invalid access token"},
		{"config validate, valid", "", []string{"config", "validate"}, 0, ""},
		{"config validate, invalid", "invalid", []string{"config", "validate"}, 1, "environments.dev.approvals"},
		{"config validate, empty", "empty", []string{"config", "validate"}, 1, "line 1: (top level): the file is empty"},
		{"config validate, list", "list", []string{"config", "validate"}, 1, "line 1: (top level): got a list, want a mapping"},
		{"config validate, missing file", "", []string{"config", "validate", "absent.yaml"}, 2, "absent.yaml"},
		{"config schema with an argument", "", []string{"config", "schema", "x"}, 2, "unknown command"},
		{"gate without --env", "", []string{"gate"}, 2, "--env is required"},
		{"rollback without --env", "", []string{"rollback", "churn"}, 2, "--env is required"},
		{"promote --allow-missing-data without --complete", "", []string{"promote", "churn", "--to", "staging", "--allow-missing-data"}, 2, "--allow-missing-data applies to --complete"},
		{"rollback on analysis and skipping validation", "", []string{"rollback", "churn", "--env", "staging", "--on-failed-analysis", "--skip-validation", "x"}, 2, "drop --skip-validation"},
		{"rollback on analysis without thresholds", "", []string{"rollback", "churn", "--env", "staging", "--on-failed-analysis"}, 2, "--on-failed-analysis needs rollout.analysis thresholds"},
		{"drift skipping both sides", "", []string{"drift", "--skip-terraform", "--skip-models"}, 2, "leave nothing to check"},
		{"drift retraining without models", "", []string{"drift", "--retrain", "--skip-models", "--terraform", clean}, 2, "--retrain acts on model drift"},
		{"drift retraining without GitHub", "", []string{"drift", "--retrain", "--skip-terraform"}, 2, "GITHUB_TOKEN is not set"},
		{"plan summarize, clean", "plans", []string{"plan", "summarize", "empty.json"}, 0, ""},
		{"plan summarize, not a plan", "plans", []string{"plan", "summarize", "broken.json"}, 2, "not a JSON plan"},
		{"policy check, passes", "plans", []string{"policy", "check", "empty.json"}, 0, ""},
		{"policy check, denied", "plans", []string{"policy", "check", "denied.json"}, 1, "deny the plan"},
		{"policy rules, bad format", "", []string{"policy", "rules", "-o", "sarif"}, 2, "want text, json or markdown"},
		{"drift, clean", "", []string{"drift", "--terraform", clean}, 0, ""},
		{"drift found", "", []string{"drift", "--terraform", drifted}, 1, "drift in [dev staging]"},
		{"drift, terraform failed", "", []string{"drift", "--terraform", failing}, 3, "could not check [dev staging]"},
		{"drift, unknown environment", "", []string{"drift", "--env", "qa", "--terraform", clean}, 2, "no Terraform configuration at"},
		{"pr comment without a token", "", []string{"pr", "comment", "--pr", "1"}, 2, "GITHUB_TOKEN is not set"},
		{"init without --org", "plans", []string{"init", "--model", "churn"}, 2, "org"},
		{"emulator seed, bad metric", "", []string{"emulator", "seed", "--model", "a.b.c", "--metric", "auc"}, 2, "want key=number"},
		{"emulator, bad address", "", []string{"emulator", "--addr", "nope"}, 2, ""},
		{"demo with an argument", "", []string{"demo", "x"}, 2, "unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cwd := repo
			if c.cwd != "" {
				cwd = filepath.Join(dir, c.cwd)
			}
			t.Chdir(cwd)
			_, stderr, code := run(t, "x", c.args...)
			if code != c.code || !strings.Contains(stderr, c.msg) {
				t.Errorf("exit %d, want %d; stderr %q, want it to contain %q", code, c.code, stderr, c.msg)
			}
		})
	}
}

func TestExitCodes_helpStatesTheContract(t *testing.T) {
	out, _, code := run(t, "", "--help")
	if code != 0 || !strings.Contains(out, exitcode.Help) {
		t.Errorf("brickops --help (exit %d) does not state the exit statuses:\n%s", code, out)
	}
}

// Regression (issue 15): drift failed with its default --repo-dir . (a
// relative -out path resolved inside the environment), hid Terraform's
// own error and exited 1 for errors as for drift.
func TestDrift_fromRootAndEnvDirShowsTerraformErrors(t *testing.T) {
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{"brickops.yaml": cliBrickopsYAML, "environments/dev/main.tf": "", "environments/staging/main.tf": ""})
	tf, log := fakeTerraform(t, 2)
	for _, cwd := range []string{repo, filepath.Join(repo, "environments", "staging")} {
		t.Chdir(cwd)
		os.Remove(log)
		out, stderr, code := run(t, "", "drift", "--env", "staging", "--terraform", tf)
		if code != 1 || !strings.Contains(out, "brickops_cluster.etl") {
			t.Errorf("from %s: exit %d, want 1 (drift)\nstdout %s\nstderr %s", cwd, code, out, stderr)
		}
		calls, _ := os.ReadFile(log)
		envDir, _ := filepath.EvalSymlinks(filepath.Join(repo, "environments", "staging"))
		plan := strings.SplitN(string(calls), "\n", 2)[0]
		if !strings.HasPrefix(plan, envDir+" plan ") || !strings.Contains(plan, "-out="+filepath.Join(repo, "environments", "staging", "drift.tfplan")) {
			t.Errorf("from %s: terraform ran as %q; want in %s with an absolute -out", cwd, plan, envDir)
		}
	}

	// Real Terraform, backend not initialized: its own words reach the user.
	tfBin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform not on PATH")
	}
	writeFiles(t, repo, map[string]string{"environments/staging/main.tf": "terraform {\n  backend \"local\" {}\n}\n"})
	t.Chdir(repo)
	_, stderr, code := run(t, "", "drift", "--env", "staging", "--terraform", tfBin)
	if code != 3 || !strings.Contains(stderr, `Error: Backend initialization required, please run "terraform init"`) {
		t.Errorf("uninitialized backend: exit %d, want 3 with Terraform's error; stderr:\n%s", code, stderr)
	}
}

// Regression (issue 15): the README's CLI table missed demo, emulator seed,
// config schema and policy rules. Every command is listed there.
func TestReadme_listsEveryCommand(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			if sub.Runnable() && !strings.Contains(string(raw), "| `"+sub.CommandPath()+"` |") {
				t.Errorf("README.md's CLI table does not list `%s`", sub.CommandPath())
			}
			walk(sub)
		}
	}
	walk(newRootCmd())
}
