package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
)

// Every reporting command writes one versioned JSON document with
// --output json (regression, issue 15: only plan summarize and policy
// check spoke JSON; status --output json was an unknown flag).

func TestOutputJSON_planPolicyConfigAndDrift(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"brickops.yaml": cliBrickopsYAML, "environments/staging/main.tf": "", "environments/dev/main.tf": "",
		"plans/prod.json": deniedPlan, "bad/brickops.yaml": "environments:\n  dev: {catalog: dev, approvals: many}\n",
	})
	t.Chdir(dir)
	t.Setenv("GITHUB_STEP_SUMMARY", "")

	out, _, code := run(t, "", "plan", "summarize", "--output", "json", filepath.Join("plans", "prod.json"))
	doc := jsonDoc(t, out, "plan summarize")
	if envs, _ := doc["environments"].([]any); code != 0 || len(envs) != 1 {
		t.Errorf("plan summarize: exit %d, environments %v", code, doc["environments"])
	}

	out, _, code = run(t, "", "policy", "check", "-o", "json", filepath.Join("plans", "prod.json"))
	doc = jsonDoc(t, out, "policy check")
	if code != 1 || doc["denied"] != true {
		t.Errorf("policy check: exit %d, denied %v", code, doc["denied"])
	}

	out, _, code = run(t, "", "policy", "rules", "-o", "json")
	doc = jsonDoc(t, out, "policy rules")
	rules, _ := doc["rules"].([]any)
	if code != 0 || len(rules) == 0 || rules[0].(map[string]any)["id"] == "" {
		t.Errorf("policy rules: exit %d, rules %v", code, doc["rules"])
	}

	out, _, code = run(t, "", "config", "validate", "-o", "json")
	doc = jsonDoc(t, out, "config validate")
	if code != 0 || doc["valid"] != true || doc["file"] != filepath.Join(dir, "brickops.yaml") {
		t.Errorf("config validate: exit %d, %v", code, doc)
	}
	out, _, code = run(t, "", "config", "validate", "-o", "json", filepath.Join("bad", "brickops.yaml"))
	doc = jsonDoc(t, out, "config validate")
	problems, _ := doc["problems"].([]any)
	if code != 1 || doc["valid"] != false || len(problems) != 1 || problems[0].(map[string]any)["path"] != "environments.dev.approvals" {
		t.Errorf("config validate of an invalid file: exit %d, %v", code, doc)
	}

	tf, _ := fakeTerraform(t, 2)
	out, _, code = run(t, "", "drift", "-o", "json", "--terraform", tf)
	doc = jsonDoc(t, out, "drift")
	envs, _ := doc["environments"].([]any)
	if code != 1 || doc["drifted"] != true || len(envs) != 2 || envs[0].(map[string]any)["env"] != "dev" || envs[0].(map[string]any)["drifted"] != true {
		t.Errorf("drift: exit %d, %v", code, doc)
	}
	failing, _ := fakeTerraform(t, 1)
	out, _, code = run(t, "", "drift", "-o", "json", "--env", "staging", "--terraform", failing)
	doc = jsonDoc(t, out, "drift")
	envs, _ = doc["environments"].([]any)
	if code != 3 || doc["failed"] != true || len(envs) != 1 || !strings.Contains(envs[0].(map[string]any)["error"].(string), "Backend initialization required") {
		t.Errorf("drift with a failing terraform: exit %d, %v", code, doc)
	}
}

func TestOutputJSON_promotionCommands(t *testing.T) {
	emu, dir := promotionEnv(t)
	t.Chdir(filepath.Join(dir))
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")

	// promote: refused (v2 fails val_auc >= 0.80), then proposed.
	out, _, code := run(t, "", "promote", "churn", "--to", "staging", "--version", "2", "-o", "json")
	doc := jsonDoc(t, out, "promote")
	ev, _ := doc["evidence"].(map[string]any)
	if code != 1 || doc["proposed"] != false || ev["passed"] != false || ev["to"] != "staging" {
		t.Errorf("refused promote: exit %d, %v", code, doc)
	}
	out, _, code = run(t, "", "promote", "churn", "--to", "staging", "--version", "1", "-o", "json")
	doc = jsonDoc(t, out, "promote")
	ev, _ = doc["evidence"].(map[string]any)
	cand, _ := ev["candidate"].(map[string]any)
	if code != 0 || doc["proposed"] != true || !strings.HasSuffix(doc["where"].(string), "models.auto.tfvars.json") || cand["version"] != float64(1) {
		t.Errorf("promote: exit %d, %v", code, doc)
	}
	git("add", ".")
	git("commit", "-qm", "pin v1")

	// status, from an environment directory: brickops.yaml is found upward.
	if err := os.MkdirAll(filepath.Join(dir, "environments", "staging"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "environments", "staging"))
	out, _, code = run(t, "", "status", "--env", "staging", "-o", "json")
	doc = jsonDoc(t, out, "status")
	models, _ := doc["models"].([]any)
	if code != 0 || len(models) != 1 || models[0].(map[string]any)["pinned"].(map[string]any)["version"] != float64(1) {
		t.Errorf("status: exit %d, %v", code, doc)
	}

	// rollback: v3 is pinned by hand, the previous champion v1 comes back.
	if _, err := runCLI(t, "emulator", "seed", "--model", "dev.ml.churn", "--metric", "val_auc=0.9", "--host", emu.URL, "--token", emu.Token); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if _, _, code := run(t, "", "promote", "churn", "--to", "staging", "--version", "3"); code != 0 {
		t.Fatalf("promote v3: exit %d", code)
	}
	git("commit", "-qam", "pin v3")
	out, stderr, code := run(t, "", "rollback", "churn", "--env", "staging", "-o", "json")
	doc = jsonDoc(t, out, "rollback")
	ev, _ = doc["evidence"].(map[string]any)
	cand, _ = ev["candidate"].(map[string]any)
	if code != 0 || doc["proposed"] != true || cand["version"] != float64(1) {
		t.Errorf("rollback: exit %d, %v\n%s", code, doc, stderr)
	}

	// gate: the pull request promote opened has no approval yet.
	emu.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"})
	readme := "repo"
	emu.Do(t, "POST", "/_emulator/github/repos/acme/mlops/commits", emulator.GitHubPush{Message: "init", Files: map[string]*string{"README.md": &readme}}, nil)
	if _, _, code := run(t, "", "promote", "churn", "--to", "staging", "--version", "1", "--open-pr"); code != 0 {
		t.Fatalf("promote --open-pr: exit %d", code)
	}
	out, _, code = run(t, "", "gate", "--env", "staging", "--pr", "1", "--comment=false", "-o", "json")
	doc = jsonDoc(t, out, "gate")
	approval, _ := doc["approval"].(map[string]any)
	gm, _ := doc["models"].([]any)
	if code != 1 || doc["passed"] != false || approval["passed"] != false || doc["pr"] != float64(1) || len(gm) != 1 {
		t.Errorf("gate: exit %d, %v", code, doc)
	}
}
