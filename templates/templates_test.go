package templates_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/policy"
	"github.com/brickops/terraform-provider-brickops/internal/tftest"
	"github.com/brickops/terraform-provider-brickops/templates"
)

var acme = templates.Data{Org: "acme", Model: "churn", Envs: []string{"dev", "staging", "prod"}, Version: "v0.1.0"}

func TestRender_writesOnceAndRerunChangesNothing(t *testing.T) {
	dir := t.TempDir()
	res, err := templates.Render(dir, acme, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"brickops.yaml", "README.md", ".gitignore", "environments/prod/main.tf", "environments/staging/backend.hcl",
		"modules/mlops-env/main.tf", ".github/workflows/plan.yml", ".github/workflows/apply.yml", ".github/workflows/promote.yml",
		".github/workflows/drift.yml", "policies/mlops.rego"} {
		if !slices.Contains(res.Written, want) {
			t.Errorf("%s not written (wrote %v)", want, res.Written)
		}
	}
	if slices.Contains(res.Written, "environments/dev/backend_override.tf") {
		t.Error("backend override written without --emulator")
	}
	again, err := templates.Render(dir, acme, false)
	if err != nil || len(again.Written) != 0 || len(again.Kept) != 0 || len(again.Unchanged) != len(res.Written) {
		t.Errorf("re-run: %+v %v", again, err)
	}
	// A file the user changed is kept, unless forced.
	readme := filepath.Join(dir, "README.md")
	os.WriteFile(readme, []byte("ours"), 0o644)
	again, _ = templates.Render(dir, acme, false)
	if !slices.Equal(again.Kept, []string{"README.md"}) {
		t.Errorf("kept = %v", again.Kept)
	}
	if raw, _ := os.ReadFile(readme); string(raw) != "ours" {
		t.Error("user's README overwritten without --force")
	}
	again, _ = templates.Render(dir, acme, true)
	if !slices.Equal(again.Written, []string{"README.md"}) {
		t.Errorf("--force wrote %v", again.Written)
	}
}

func TestRender_badInput(t *testing.T) {
	cases := map[string]struct {
		mutate func(d *templates.Data)
		want   string
	}{
		"no org":        {func(d *templates.Data) { d.Org = "" }, `--org "" is not a GitHub organization name`},
		"bad model":     {func(d *templates.Data) { d.Model = "churn.v2" }, `--model "churn.v2" is not a valid Unity Catalog model name`},
		"one env":       {func(d *templates.Data) { d.Envs = []string{"prod"} }, "at least two environments"},
		"duplicate env": {func(d *templates.Data) { d.Envs = []string{"dev", "dev"} }, `environment "dev" is listed twice`},
		"uppercase env": {func(d *templates.Data) { d.Envs = []string{"dev", "Prod"} }, `environment "Prod" must be lowercase`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d := acme
			tc.mutate(&d)
			dir := t.TempDir()
			_, err := templates.Render(dir, d, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("wrote %d entries despite the error", len(entries))
			}
		})
	}
}

// The scaffold is a valid brickops.yaml, valid workflows, compiling
// policies and Terraform that is formatted and validates with the provider.
func TestRender_outputIsValid(t *testing.T) {
	dir := t.TempDir()
	d := acme
	d.Emulator = true
	if _, err := templates.Render(dir, d, false); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "brickops.yaml")
	raw, _ := os.ReadFile(cfgPath)
	if problems, err := config.ValidateSchema(raw); err != nil || len(problems) != 0 {
		t.Errorf("brickops.yaml against the schema: %v %v", problems, err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatalf("brickops.yaml: %v", err)
	}
	if prev, err := cfg.Previous("prod"); err != nil || prev.Name != "staging" {
		t.Errorf("promotion order: %v %v", prev.Name, err)
	}
	if _, err := policy.New(context.Background(), policy.Options{Config: cfg, PolicyPaths: []string{filepath.Join(dir, "policies")}}); err != nil {
		t.Errorf("sample policy does not compile: %v", err)
	}
	var workflows []string
	for _, wf := range []string{"plan", "apply", "promote", "drift"} {
		checkWorkflow(t, filepath.Join(dir, ".github", "workflows", wf+".yml"))
		workflows = append(workflows, filepath.Join(dir, ".github", "workflows", wf+".yml"))
	}
	checkApplyAppliesTheGatedPlan(t, filepath.Join(dir, ".github", "workflows", "apply.yml"), d.Envs)
	// actionlint (a go tool of this module) checks expressions, contexts,
	// job dependencies and step shapes the way GitHub does.
	lint := exec.Command("go", append([]string{"tool", "actionlint", "-shellcheck=", "-pyflakes="}, workflows...)...)
	lint.Dir = ".."
	if out, err := lint.CombinedOutput(); err != nil {
		t.Errorf("actionlint on the scaffolded workflows: %v\n%s", err, out)
	}

	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("terraform must be on PATH")
	}
	fmtCmd := exec.Command("terraform", "fmt", "-check", "-recursive", "-diff", dir)
	if out, err := fmtCmd.CombinedOutput(); err != nil {
		t.Errorf("terraform fmt -check: %v\n%s", err, out)
	}
	// The workflows initialise with -backend-config=backend.hcl; with
	// --emulator's local backend that once failed ("An argument named
	// \"use_oidc\" is not expected here"), found by the workflow test.
	// The backend files alone need no provider, so this runs offline.
	backend := t.TempDir()
	for _, f := range []string{"backend.tf", "backend_override.tf", "backend.hcl"} {
		raw, err := os.ReadFile(filepath.Join(dir, "environments", "staging", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(backend, f), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	initCmd := exec.Command("terraform", "init", "-input=false", "-no-color", "-backend-config=backend.hcl")
	initCmd.Dir = backend
	initCmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	if out, err := initCmd.CombinedOutput(); err != nil {
		t.Errorf("terraform init -backend-config=backend.hcl with --emulator: %v\n%s", err, out)
	}
	providerDir := tftest.ProviderDir(t)
	for _, env := range d.Envs {
		w := tftest.At(t, filepath.Join(dir, "environments", env))
		w.UseProvider(t, providerDir, "http://127.0.0.1:9", "unused")
		w.Init(t)
		w.Run(t, "validate", "-no-color")
	}
}

// checkApplyAppliesTheGatedPlan: every environment's apply job gates the
// plan it made and applies exactly that saved plan. The workflow test found
// apply.yml gating, then running `terraform apply -auto-approve`, which
// plans again: what it applied was never what the gate (or a reviewer) saw,
// and the first environment had no gate at all.
func checkApplyAppliesTheGatedPlan(t *testing.T, path string, envs []string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		var runs []string
		for _, s := range wf.Jobs[env].Steps {
			if s.Run != "" {
				runs = append(runs, s.Name+": "+strings.TrimSpace(s.Run))
			}
		}
		want := []string{
			"Plan: terraform init -input=false -backend-config=backend.hcl\nterraform plan -input=false -out=tfplan\nterraform show -json tfplan > plan.json",
			"Gate: brickops gate --env " + env + " --plan environments/" + env + "/plan.json",
			"Apply: terraform apply -input=false tfplan",
		}
		if !slices.Equal(runs, want) {
			t.Errorf("apply.yml job %s runs\n%s\nwant\n%s", env, strings.Join(runs, "\n"), strings.Join(want, "\n"))
		}
	}
}

// checkWorkflow parses a workflow and checks the structure GitHub requires:
// a name, triggers, and jobs whose steps each run or use something, with
// third-party actions pinned.
func checkWorkflow(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Name string                    `yaml:"name"`
		On   yaml.Node                 `yaml:"on"`
		Jobs map[string]map[string]any `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatalf("%s is not YAML: %v", path, err)
	}
	if wf.Name == "" || wf.On.Kind == 0 || len(wf.Jobs) == 0 {
		t.Fatalf("%s lacks name, on or jobs", path)
	}
	for id, job := range wf.Jobs {
		if job["runs-on"] == nil {
			t.Errorf("%s: job %s has no runs-on", path, id)
		}
		steps, _ := job["steps"].([]any)
		if len(steps) == 0 {
			t.Errorf("%s: job %s has no steps", path, id)
		}
		for i, s := range steps {
			step := s.(map[string]any)
			uses, _ := step["uses"].(string)
			if (uses == "") == (step["run"] == nil) {
				t.Errorf("%s: job %s step %d must have exactly one of uses and run", path, id, i)
			}
			if uses != "" && !strings.Contains(uses, "@") {
				t.Errorf("%s: %s is not pinned to a version", path, uses)
			}
		}
	}
}

// TestScaffoldPolicyTestsPass runs `brickops policy test` the way the
// scaffolded repository does, on the policies and tests it ships.
func TestScaffoldPolicyTestsPass(t *testing.T) {
	dir := t.TempDir()
	if _, err := templates.Render(dir, acme, false); err != nil {
		t.Fatal(err)
	}
	rep, err := policy.RunTests(context.Background(), policy.TestOptions{Paths: []string{filepath.Join(dir, "policies")}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed != 4 || rep.Failed+rep.Errored != 0 {
		t.Errorf("policy test: %+v", rep.Results)
	}
	if rep.Coverage != 100 || len(rep.Files) != 1 || !strings.HasSuffix(rep.Files[0].File, "mlops.rego") {
		t.Errorf("coverage %.1f%% over %+v, want 100%% of mlops.rego", rep.Coverage, rep.Files)
	}
}
