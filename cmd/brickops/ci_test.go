package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/tftest"
)

// run executes the CLI in-process as main does: it returns stdout, the
// stderr line main would print, and the exit status.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetIn(strings.NewReader(stdin))
	if err := execute(context.Background(), cmd); err != nil {
		errOut.WriteString("brickops: " + err.Error() + "\n")
		return out.String(), errOut.String(), exitcode.Of(err)
	}
	return out.String(), errOut.String(), 0
}

// ciEnv points the GitHub commands at an emulator with one pull request
// and returns it with a go-github client to inspect the result.
func ciEnv(t *testing.T) (*emulatortest.Emulator, *gh.Client) {
	t.Helper()
	e := emulatortest.Start(t)
	e.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops", Pulls: []emulator.GitHubPullSeed{{Title: "Change", Head: "feature"}}})
	event := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(event, []byte(`{"action":"opened","number":1,"pull_request":{"number":1}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_TOKEN", e.Token)
	t.Setenv("GITHUB_REPOSITORY", "acme/mlops")
	t.Setenv("GITHUB_API_URL", e.GitHubAPIURL())
	t.Setenv("GITHUB_EVENT_PATH", event)
	t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(t.TempDir(), "summary.md"))
	env, err := github.EnvFrom(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	c, err := github.NewClient(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e, c
}

func prComments(t *testing.T, c *gh.Client) []string {
	t.Helper()
	list, _, err := c.Issues.ListComments(context.Background(), "acme", "mlops", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, cm := range list {
		out = append(out, cm.GetBody())
	}
	return out
}

// TestCIFlowOnRealPlan is the workflow a pull request runs: terraform plan
// and show -json, then plan summarize, policy check with a conftest policy,
// and both reports as pull request comments through the emulated GitHub.
func TestCIFlowOnRealPlan(t *testing.T) {
	_, client := ciEnv(t)
	w := tftest.New(t, map[string]string{"main.tf": `
resource "terraform_data" "keep" { input = "v1" }
resource "terraform_data" "gone" { input = "bye" }
`})
	w.Apply(t)
	w.Write(t, map[string]string{"main.tf": `
resource "terraform_data" "keep" { input = "v2" }
resource "terraform_data" "new" { input = "hello" }
`})
	plan := w.PlanJSON(t, "prod/plan.json")
	policyDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(policyDir, "no_delete.rego"), []byte(`package main

deny[msg] {
	rc := input.resource_changes[_]
	rc.change.actions[_] == "delete"
	msg := sprintf("%s must not be deleted", [rc.address])
}
`), 0o600); err != nil {
		t.Fatal(err)
	}

	summary, stderr, code := run(t, "", "plan", "summarize", plan, "--output", "markdown")
	if code != 0 {
		t.Fatalf("summarize: %d %s", code, stderr)
	}
	for _, want := range []string{"## Terraform plan: `prod` — 🚨 PRODUCTION", "**1 to add, 1 to change, 0 to replace, 1 to destroy.**", "🔥 **delete** `terraform_data.gone`"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	stepSummary, err := os.ReadFile(os.Getenv("GITHUB_STEP_SUMMARY"))
	if err != nil || !strings.Contains(string(stepSummary), "## Terraform plan: `prod`") {
		t.Errorf("job summary: %v\n%s", err, stepSummary)
	}

	out, stderr, code := run(t, summary, "pr", "comment", "--key", "plan")
	if code != 0 || !strings.HasPrefix(out, "created comment ") {
		t.Fatalf("pr comment: %d %q %s", code, out, stderr)
	}

	report, stderr, code := run(t, "", "policy", "check", "--policy", policyDir, plan, "--output", "markdown")
	if code != 1 || !strings.Contains(stderr, "brickops: policy check failed: 1 finding(s) deny the plan") {
		t.Fatalf("policy check: exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(report, "| ❌ error | `prod` | `main.deny` | (whole plan) |") || !strings.Contains(report, "terraform_data.gone must not be deleted") {
		t.Errorf("policy report:\n%s", report)
	}
	if _, stderr, code := run(t, report, "pr", "comment", "--key", "policy"); code != 0 {
		t.Fatalf("pr comment policy: %s", stderr)
	}

	// A re-run edits both comments instead of adding more.
	if out, stderr, code := run(t, summary+"\nre-run", "pr", "comment", "--key", "plan"); code != 0 || !strings.HasPrefix(out, "updated comment ") {
		t.Fatalf("re-run: %q %s", out, stderr)
	}
	comments := prComments(t, client)
	if len(comments) != 2 || !strings.HasPrefix(comments[0], github.Marker("plan")) || !strings.HasSuffix(comments[0], "re-run") ||
		!strings.HasPrefix(comments[1], github.Marker("policy")) {
		t.Errorf("comments: %q", comments)
	}

	// The same plan passes without the Rego policy (no built-in rule
	// applies to terraform_data), and SARIF and JSON are well-formed.
	for _, format := range []string{"sarif", "json", "text"} {
		out, stderr, code := run(t, "", "policy", "check", plan, "--output", format)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", format, code, stderr)
		}
		if format != "text" && !json.Valid([]byte(out)) {
			t.Errorf("%s output is not JSON:\n%s", format, out)
		}
	}
}

func TestCIInputErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plan := write("prod.json", `{"format_version":"1.2","planned_values":{},"resource_changes":[]}`)
	notJSON := write("text.json", "Plan: 1 to add")
	state := write("terraform.tfstate", `{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"x","resources":[]}`)
	future := write("future.json", `{"format_version":"2.0","planned_values":{}}`)
	badRego := write("policy/bad.rego", "package main\n\ndeny contains msg if {\n  msg := concat(\"\", [nope])\n}\n")
	unknownRule := write("unknown/brickops.yaml", "policy:\n  rules:\n    BO077: {enabled: false}\n")
	badDate := write("date/brickops.yaml", "policy:\n  waivers:\n    - {rule: BO001, reason: x, expires: 31/12/2026}\n")

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"not json", []string{"policy", "check", notJSON}, notJSON + ": not a JSON plan: invalid JSON at byte 1"},
		{"state file", []string{"plan", "summarize", state}, state + ": this is a Terraform state file, not a plan"},
		{"future format", []string{"policy", "check", future}, future + `: unsupported plan format version: "2.0.0" (this tool reads format 1.x`},
		{"rego does not compile", []string{"policy", "check", "--policy", filepath.Dir(badRego), plan}, badRego + ":4: rego_unsafe_var_error: var "},
		{"unknown rule id", []string{"policy", "check", "--config", unknownRule, plan}, unknownRule + `: line 3: policy.rules: unknown rule ID "BO077"`},
		{"malformed date", []string{"policy", "check", "--config", badDate, plan}, badDate + `: line 3: expires "31/12/2026" is not a date (want YYYY-MM-DD)`},
		{"malformed date in summarize", []string{"plan", "summarize", "--config", badDate, plan}, badDate + `: line 3: expires "31/12/2026" is not a date`},
		{"bad output", []string{"policy", "check", "-o", "yaml", plan}, `invalid argument "yaml" for "-o, --output" flag: want text, json, sarif or markdown`},
		{"no plan", []string{"plan", "summarize"}, "brickops plan summarize: missing a plan file"},
		{"bad flag", []string{"policy", "check", "--nope", plan}, "unknown flag: --nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, "", c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			if stdout != "" {
				t.Errorf("partial output on stdout: %q", stdout)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "brickops: "+c.want) {
				t.Errorf("stderr %q, want one line starting %q", stderr, "brickops: "+c.want)
			}
		})
	}
}

func TestPRCommentInputErrors(t *testing.T) {
	ciEnv(t)
	if _, stderr, code := run(t, "  \n", "pr", "comment"); code != 2 || stderr != "brickops: the comment body (stdin) is empty\n" {
		t.Errorf("empty body: %d %q", code, stderr)
	}
	t.Setenv("GITHUB_EVENT_PATH", "")
	if _, stderr, code := run(t, "x", "pr", "comment"); code != 2 || !strings.Contains(stderr, "pass --pr") {
		t.Errorf("no PR: %d %q", code, stderr)
	}
	if _, stderr, code := run(t, "x", "pr", "comment", "--pr", "5"); code != 2 || stderr != "brickops: pull request #5 not found in acme/mlops (or the token cannot see it)\n" {
		t.Errorf("unknown PR: %d %q", code, stderr)
	}
	t.Setenv("GITHUB_TOKEN", "")
	if _, stderr, code := run(t, "x", "pr", "comment", "--pr", "1"); code != 2 || !strings.Contains(stderr, "GITHUB_TOKEN is not set") {
		t.Errorf("no token: %d %q", code, stderr)
	}
}
