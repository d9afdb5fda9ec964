package templates_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/testbin"
	"github.com/brickops/terraform-provider-brickops/internal/tfcli"
)

// TestScaffoldedWorkflows runs the GitHub Actions workflows `brickops init`
// writes, as written, with act (github.com/nektos/act) on this host (no
// containers), against the emulator for Databricks and GitHub. Only the
// remote actions that would need the internet are replaced, by local
// stand-ins that do what they do (see standIns). The scenario is a team's
// first promotion: a pull request changing staging (policy says no, a
// second push fixes it), merged and applied; a promotion dispatched,
// refused without approval, refused after an out-of-band change that the
// nightly drift run reports, and applied once the workspace is back to
// what was reviewed.
func TestScaffoldedWorkflows(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()

	// 1. A pull request adds an all-purpose cluster to staging without
	// auto-termination: every environment is planned, one comment each,
	// and staging's plan fails the policy check with a SARIF finding.
	cluster := `
# Shared cluster for investigating staging incidents.
resource "brickops_cluster" "investigations" {
  cluster_name            = "staging-investigations"
  spark_version           = "15.4.x-cpu-ml-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = 1
  autotermination_minutes = %d
  custom_tags             = { owner = "ml-platform", cost_center = "ml" }
}
`
	stagingTF := filepath.Join("environments", "staging", "main.tf")
	base := h.read(stagingTF)
	pr1 := h.openPR("change-staging", "Staging: a cluster for investigations", map[string]string{stagingTF: base + fmt.Sprintf(cluster, 0)})
	run := h.act("pull_request", "plan.yml", h.prEvent("opened", pr1, false))
	run.want(t, map[string]string{"plan(dev)": "succeeded", "plan(staging)": "failed", "plan(prod)": "succeeded"})
	first := h.comments(pr1.GetNumber())
	if len(first) != 3 {
		t.Fatalf("plan comments on #%d: %d, want one per environment", pr1.GetNumber(), len(first))
	}
	staging := first[github.Marker("plan-staging")]
	for _, want := range []string{"## Terraform plan: `staging`", "`brickops_cluster.investigations`", "BO001"} {
		if !strings.Contains(staging.GetBody(), want) {
			t.Errorf("staging plan comment lacks %q:\n%s", want, staging.GetBody())
		}
	}
	if sarif := h.sarif("brickops-staging"); !strings.Contains(sarif, `"ruleId": "BO001"`) || !strings.Contains(sarif, "brickops_cluster.investigations") {
		t.Errorf("staging SARIF has no BO001 finding on the cluster:\n%s", sarif)
	}
	if sarif := h.sarif("brickops-dev"); strings.Contains(sarif, `"ruleId"`) {
		t.Errorf("dev SARIF has findings:\n%s", sarif)
	}

	// 2. A second push fixes it: the same three comments, edited in place.
	pr1 = h.push(pr1, "Auto-terminate after 30 minutes", map[string]string{stagingTF: base + fmt.Sprintf(cluster, 30)})
	run = h.act("pull_request", "plan.yml", h.prEvent("synchronize", pr1, false))
	run.want(t, map[string]string{"plan(dev)": "succeeded", "plan(staging)": "succeeded", "plan(prod)": "succeeded"})
	second := h.comments(pr1.GetNumber())
	if len(second) != 3 {
		t.Fatalf("after the second push: %d comments, want the same 3", len(second))
	}
	for key, c := range second {
		if first[key] == nil || first[key].GetID() != c.GetID() {
			t.Errorf("%s: comment %d is not the one posted by the first run", key, c.GetID())
		}
	}
	if body := second[github.Marker("plan-staging")].GetBody(); body == staging.GetBody() || strings.Contains(body, "BO001") {
		t.Errorf("the staging comment was not updated to the fixed plan:\n%s", body)
	}

	// 3. Merged: apply.yml plans, gates (nothing to approve; the plan is
	// the one reviewed) and applies every environment in order.
	h.merge(pr1)
	run = h.act("pull_request", "apply.yml", h.prEvent("closed", pr1, true))
	run.want(t, map[string]string{"dev": "succeeded", "staging": "succeeded", "prod": "succeeded"})
	run.contains(t, "PASS  reviewed plan — the plan (sha256:")
	w := h.emu.WorkspaceClient(t)
	if _, err := w.Clusters.GetByClusterName(ctx, "staging-investigations"); err != nil {
		t.Fatalf("the merged cluster was not applied: %v", err)
	}

	// 4. Training registers version 1 in dev; promote.yml opens the
	// promotion pull request with the evidence.
	h.brickops("emulator", "seed", "--host", h.emu.URL, "--token", h.emu.Token, "--model", "dev.ml.churn",
		"--metric", "val_auc=0.86", "--tag", "validation_status=passed")
	run = h.act("workflow_dispatch", "promote.yml", map[string]any{"inputs": map[string]string{
		"model": "churn", "to": "staging", "version": "1", "strategy": "recreate"}})
	run.want(t, map[string]string{"promote": "succeeded"})
	pr2 := h.pull(pr1.GetNumber() + 1)
	for _, want := range []string{"val_auc", "0.86", "validation_status"} {
		if !strings.Contains(pr2.GetBody(), want) {
			t.Errorf("the promotion pull request's body lacks the evidence %q:\n%s", want, pr2.GetBody())
		}
	}
	pins := filepath.Join("environments", "staging", "models.auto.tfvars.json")
	h.checkout(pr2.GetHead().GetSHA(), pins)
	run = h.act("pull_request", "plan.yml", h.prEvent("opened", pr2, false))
	run.want(t, map[string]string{"plan(dev)": "succeeded", "plan(staging)": "succeeded", "plan(prod)": "succeeded"})

	// 5. Applied without the approval: the gate refuses staging, nothing
	// is promoted and prod does not run.
	run = h.act("pull_request", "apply.yml", h.prEvent("closed", pr2, true))
	run.want(t, map[string]string{"dev": "succeeded", "staging": "failed", "prod": ""})
	run.contains(t, "FAIL  1 approval(s) from acme/ml-reviewers — 0 of 1")
	run.exited(t, "staging", 1) // a check said no, not "could not complete"
	if h.champion("staging.ml.churn") != "" {
		t.Fatal("staging got a champion without an approval")
	}

	// 6. Approved; then someone edits the staging model by hand. The
	// nightly drift run opens an issue, and the gate refuses to apply a
	// plan that is no longer the one approved, naming what changed.
	h.review(pr2, "alice", "APPROVED")
	comment := "churn in staging: promoted through BrickOps pull requests"
	h.setModelComment("staging.ml.churn", "edited in the UI")
	h.checkout("main", pins) // schedules run on the default branch
	run = h.act("schedule", "drift.yml", map[string]any{"schedule": "17 5 * * *"})
	run.want(t, map[string]string{"drift(dev)": "succeeded", "drift(staging)": "failed", "drift(prod)": "succeeded"})
	issues := h.issues("open")
	if len(issues) != 1 || !strings.Contains(issues[0].GetTitle(), "staging") || !strings.Contains(issues[0].GetBody(), `brickops_registered_model.model["churn"]`) {
		t.Fatalf("drift issues: %v", issueTitles(issues))
	}
	h.checkout(pr2.GetHead().GetSHA(), pins)
	run = h.act("pull_request", "apply.yml", h.prEvent("closed", pr2, true))
	run.want(t, map[string]string{"dev": "succeeded", "staging": "failed", "prod": ""})
	run.contains(t, "PASS  1 approval(s) from acme/ml-reviewers — 1 of 1 (alice)")
	run.contains(t, `module.mlops.brickops_registered_model.model["churn"]: update, not in the reviewed plan`)
	run.exited(t, "staging", 1)
	if gate := h.comment(pr2.GetNumber(), "gate-staging"); !strings.Contains(gate, "| `reviewed plan` | ❌ fail |") {
		t.Errorf("the gate comment does not explain the refusal:\n%s", gate)
	}
	if h.champion("staging.ml.churn") != "" {
		t.Fatal("staging was promoted on a plan nobody reviewed")
	}

	// 7. The hand edit is undone: the drift issue closes, and the approval
	// holds for the identical re-plan — merged and applied.
	h.setModelComment("staging.ml.churn", comment)
	h.checkout("main", pins)
	run = h.act("schedule", "drift.yml", map[string]any{"schedule": "17 5 * * *"})
	run.want(t, map[string]string{"drift(dev)": "succeeded", "drift(staging)": "succeeded", "drift(prod)": "succeeded"})
	if open := h.issues("open"); len(open) != 0 {
		t.Errorf("drift issues still open after the fix: %v", issueTitles(open))
	}
	if closed := h.issues("closed"); len(closed) != 1 {
		t.Errorf("closed drift issues: %v", issueTitles(closed))
	}
	h.merge(pr2)
	h.checkout("main", pins)
	run = h.act("pull_request", "apply.yml", h.prEvent("closed", pr2, true))
	run.want(t, map[string]string{"dev": "succeeded", "staging": "succeeded", "prod": "succeeded"})
	run.contains(t, "PASS  reviewed plan — the plan (sha256:")
	if got := h.champion("staging.ml.churn"); got != "1" {
		t.Errorf("staging champion after the approved apply: %q, want version 1", got)
	}
	// The runs leave nothing in the checkout that git would offer to
	// commit, besides the test's own edits and Terraform's lock files.
	status := exec.Command("git", "status", "--porcelain", "--untracked-files=all")
	status.Dir = h.repo
	out, err := status.Output()
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if !strings.HasSuffix(line, ".terraform.lock.hcl") {
			left = append(left, line)
		}
	}
	if want := []string{" M environments/staging/main.tf", "?? environments/staging/models.auto.tfvars.json"}; !slices.Equal(left, want) {
		t.Errorf("git status after the runs:\n%s\nwant:\n%s", strings.Join(left, "\n"), strings.Join(want, "\n"))
	}
	t.Logf("%d workflow runs in %s", h.runs, time.Since(h.start).Round(time.Second))
}

// harness is a scaffolded repository published on the emulated GitHub, a
// work tree standing for the runners' checkout, and act set up to run its
// workflows.
type harness struct {
	t       *testing.T
	emu     *emulatortest.Emulator
	gh      *gh.Client
	bin     string
	actBin  string
	work    string
	repo    string
	env     []string
	actArgs []string
	runs    int
	start   time.Time
}

const owner, repoName = "acme", "mlops"

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, bin: testbin.Dir(t), actBin: testbin.Act(t), work: t.TempDir(), start: time.Now()}
	terraform := testbin.Terraform(t)
	h.emu = emulatortest.Start(t, emulatortest.WithAsyncDelay(50*time.Millisecond))
	h.repo = filepath.Join(h.work, "repo")
	h.brickops("init", h.repo, "--org", owner, "--model", "churn", "--emulator")
	// A git work tree, as a checkout is (act reads the commit from it).
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=bob", "-c", "user.email=bob@example.com", "commit", "-qm", "brickops init"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = h.repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}

	tfrc := filepath.Join(h.work, "terraform.rc")
	if err := tfcli.WriteMirror(tfrc, filepath.Join(h.work, "providers"), h.bin, "0.1.0"); err != nil {
		t.Fatal(err)
	}
	// What the runner's environment holds; nothing of the developer's.
	h.env = []string{
		"PATH=" + filepath.Dir(terraform) + ":/usr/local/bin:/usr/bin:/bin",
		"HOME=" + filepath.Join(h.work, "home"),
		"TF_CLI_CONFIG_FILE=" + tfrc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		// The emulator's workspace credential, as a runner would hold a
		// Databricks token (the workflows' Azure OIDC needs Azure's TLS
		// endpoints; the provider tests cover that path).
		"DATABRICKS_TOKEN=" + h.emu.Token, "DATABRICKS_AUTH_TYPE=pat",
		"DATABRICKS_CONFIG_FILE=" + os.DevNull, "DATABRICKS_CLOUD=azure",
	}
	h.actArgs = []string{
		"-P", "ubuntu-latest=-self-hosted",
		// Checkout runs (as the stand-in below) rather than act's own copy
		// of the work tree, so Terraform state persists between runs as
		// it does in the real backend.
		"--no-skip-checkout",
		"--action-offline-mode", "--no-cache-server",
		"--var", "DATABRICKS_HOST=" + h.emu.URL,
		"-s", "GITHUB_TOKEN=" + h.emu.Token,
		// The GitHub environments' secret the serving endpoints read.
		"-s", "SERVING_API_KEY=workflow-test-serving-key",
		"--env", "GITHUB_API_URL=" + h.emu.GitHubAPIURL(),
		"--env", "GITHUB_REPOSITORY=" + owner + "/" + repoName,
		"--actor", "octocat",
	}
	h.actArgs = append(h.actArgs, h.standIns(filepath.Dir(terraform))...)
	h.publish()
	env := github.Env{Token: h.emu.Token, APIURL: h.emu.GitHubAPIURL(), Owner: owner, Repo: repoName}
	c, err := github.NewClient(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.gh = c
	return h
}

// standIns writes a local action for every remote action the workflows
// use and returns act's --local-repository flags for them. A remote action
// without a stand-in fails the test: nothing may reach the internet.
func (h *harness) standIns(terraformDir string) []string {
	t := h.t
	brickopsDir := filepath.Join(h.work, "setup-brickops")
	if err := os.MkdirAll(brickopsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(h.bin, "brickops"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(brickopsDir, "brickops"), raw, 0o755); err != nil {
		t.Fatal(err)
	}
	actions := map[string]struct{ dir, yml string }{
		// The work tree is already there: the job's workspace becomes it.
		"actions/checkout": {"", `
runs:
  using: composite
  steps:
    - shell: bash
      run: cd / && rmdir "$GITHUB_WORKSPACE" && ln -s ` + shellQuote(h.repo) + ` "$GITHUB_WORKSPACE"
`},
		// Terraform on PATH (the wrapper is not used by these workflows).
		"hashicorp/setup-terraform": {"", `
inputs:
  terraform_wrapper: {required: false, default: "true"}
runs:
  using: composite
  steps:
    - shell: bash
      run: echo ` + shellQuote(terraformDir) + ` >> "$GITHUB_PATH"
`},
		// The build under test instead of a release download.
		"brickops/terraform-provider-brickops": {".github/actions/setup-brickops", `
inputs:
  version: {required: false, default: ""}
runs:
  using: composite
  steps:
    - shell: bash
      run: echo ` + shellQuote(brickopsDir) + ` >> "$GITHUB_PATH"
`},
		// Code scanning receives the file: here, a directory the test reads.
		"github/codeql-action": {"upload-sarif", `
inputs:
  sarif_file: {required: true}
  category: {required: false, default: "default"}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        SARIF: ${{ inputs.sarif_file }}
        CATEGORY: ${{ inputs.category }}
      run: mkdir -p ` + shellQuote(h.sarifDir()) + ` && cp "$SARIF" ` + shellQuote(h.sarifDir()) + `/"$CATEGORY.sarif"
`},
	}
	uses := regexp.MustCompile(`(?m)^\s*-?\s*uses:\s*([\w.-]+/[\w.-]+)(/[^@\s]*)?@(\S+)`)
	var args []string
	seen := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(h.repo, ".github", "workflows", "*.yml"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range uses.FindAllStringSubmatch(string(raw), -1) {
			repo, ref := m[1], m[3]
			a, ok := actions[repo]
			if !ok {
				t.Fatalf("%s uses %s@%s, which has no local stand-in", filepath.Base(f), repo, ref)
			}
			if seen[repo+"@"+ref] {
				continue
			}
			seen[repo+"@"+ref] = true
			dir := filepath.Join(h.work, "actions", strings.ReplaceAll(repo, "/", "_"))
			if err := os.MkdirAll(filepath.Join(dir, a.dir), 0o755); err != nil {
				t.Fatal(err)
			}
			yml := "name: " + repo + " (local stand-in)\ndescription: test stand-in\n" + a.yml
			if err := os.WriteFile(filepath.Join(dir, a.dir, "action.yml"), []byte(yml), 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, "--local-repository", repo+"@"+ref+"="+dir)
		}
	}
	return args
}

func (h *harness) sarifDir() string { return filepath.Join(h.work, "code-scanning") }

// publish puts the scaffold on main of acme/mlops with the reviewer teams
// brickops.yaml and CODEOWNERS name.
func (h *harness) publish() {
	h.emu.SeedGitHubRepo(h.t, emulator.GitHubRepoSeed{Owner: owner, Name: repoName})
	files := map[string]*string{}
	err := filepath.WalkDir(h.repo, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_override.tf") {
			return err
		}
		raw, err := os.ReadFile(p)
		rel, _ := filepath.Rel(h.repo, p)
		s := string(raw)
		files[filepath.ToSlash(rel)] = &s
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.operator("POST", "/_emulator/github/repos/"+owner+"/"+repoName+"/commits", emulator.GitHubPush{Message: "brickops init", Files: files})
	for team, members := range map[string][]string{"ml-reviewers": {"alice"}, "ml-platform": {"carol", "dan"}} {
		h.operator("PUT", "/_emulator/github/orgs/"+owner+"/teams/"+team, map[string]any{"members": members})
	}
}

func (h *harness) operator(method, path string, body any) {
	h.t.Helper()
	if status := h.emu.Do(h.t, method, path, body, nil); status/100 != 2 {
		h.t.Fatalf("%s %s: status %d", method, path, status)
	}
}

func (h *harness) read(rel string) string {
	raw, err := os.ReadFile(filepath.Join(h.repo, rel))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(raw)
}

// commit pushes files to branch on GitHub and writes them into the work
// tree, which stands for the branch's checkout.
func (h *harness) commit(branch, message string, files map[string]string) {
	h.t.Helper()
	push := emulator.GitHubPush{Branch: branch, Message: message, Author: "bob", Files: map[string]*string{}}
	for rel, content := range files {
		push.Files[filepath.ToSlash(rel)] = &content
		if err := os.WriteFile(filepath.Join(h.repo, rel), []byte(content), 0o644); err != nil {
			h.t.Fatal(err)
		}
	}
	h.operator("POST", "/_emulator/github/repos/"+owner+"/"+repoName+"/commits", push)
}

func (h *harness) openPR(branch, title string, files map[string]string) *gh.PullRequest {
	h.t.Helper()
	h.commit(branch, title, files)
	pr, _, err := h.gh.PullRequests.Create(context.Background(), owner, repoName, &gh.NewPullRequest{
		Title: gh.String(title), Head: gh.String(branch), Base: gh.String("main")})
	if err != nil {
		h.t.Fatal(err)
	}
	return pr
}

func (h *harness) push(pr *gh.PullRequest, message string, files map[string]string) *gh.PullRequest {
	h.t.Helper()
	h.commit(pr.GetHead().GetRef(), message, files)
	return h.pull(pr.GetNumber())
}

func (h *harness) pull(number int) *gh.PullRequest {
	h.t.Helper()
	pr, _, err := h.gh.PullRequests.Get(context.Background(), owner, repoName, number)
	if err != nil {
		h.t.Fatalf("pull request #%d: %v", number, err)
	}
	return pr
}

// checkout brings files at ref (a branch or commit) into the work tree; a
// file ref does not have is removed.
func (h *harness) checkout(ref string, files ...string) {
	h.t.Helper()
	for _, rel := range files {
		local := filepath.Join(h.repo, rel)
		content, _, resp, err := h.gh.Repositories.GetContents(context.Background(), owner, repoName, filepath.ToSlash(rel),
			&gh.RepositoryContentGetOptions{Ref: ref})
		if resp != nil && resp.StatusCode == 404 {
			if err := os.Remove(local); err != nil && !os.IsNotExist(err) {
				h.t.Fatal(err)
			}
			continue
		}
		if err != nil {
			h.t.Fatalf("%s at %s: %v", rel, ref, err)
		}
		text, err := content.GetContent()
		if err != nil {
			h.t.Fatal(err)
		}
		if err := os.WriteFile(local, []byte(text), 0o644); err != nil {
			h.t.Fatal(err)
		}
	}
}

func (h *harness) merge(pr *gh.PullRequest) {
	h.t.Helper()
	if _, _, err := h.gh.PullRequests.Merge(context.Background(), owner, repoName, pr.GetNumber(), "", nil); err != nil {
		h.t.Fatalf("merging #%d: %v", pr.GetNumber(), err)
	}
}

func (h *harness) review(pr *gh.PullRequest, user, state string) {
	h.t.Helper()
	h.operator("POST", fmt.Sprintf("/_emulator/github/repos/%s/%s/pulls/%d/reviews", owner, repoName, pr.GetNumber()),
		emulator.GitHubReviewSeed{User: user, State: state})
}

// prEvent is the pull_request event payload GitHub sends.
func (h *harness) prEvent(action string, pr *gh.PullRequest, merged bool) map[string]any {
	return map[string]any{
		"action": action, "number": pr.GetNumber(),
		"pull_request": map[string]any{
			"number": pr.GetNumber(), "merged": merged, "state": map[bool]string{true: "closed", false: "open"}[merged],
			"title": pr.GetTitle(), "user": map[string]any{"login": pr.GetUser().GetLogin()},
			"head": map[string]any{"ref": pr.GetHead().GetRef(), "sha": pr.GetHead().GetSHA()},
			"base": map[string]any{"ref": pr.GetBase().GetRef(), "sha": pr.GetBase().GetSHA()},
		},
		"repository": map[string]any{"full_name": owner + "/" + repoName, "name": repoName, "owner": map[string]any{"login": owner}},
	}
}

// comments are the pull request's BrickOps comments by marker line.
func (h *harness) comments(pr int) map[string]*gh.IssueComment {
	h.t.Helper()
	list, _, err := h.gh.Issues.ListComments(context.Background(), owner, repoName, pr, &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}})
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]*gh.IssueComment{}
	for _, c := range list {
		marker, _, _ := strings.Cut(c.GetBody(), "\n")
		if strings.HasPrefix(marker, "<!-- brickops:plan-") {
			if out[marker] != nil {
				h.t.Errorf("two comments on #%d start with %s", pr, marker)
			}
			out[marker] = c
		}
	}
	return out
}

// comment is the body of the pull request's BrickOps comment with key.
func (h *harness) comment(pr int, key string) string {
	h.t.Helper()
	c, err := github.Repo{Client: h.gh, Owner: owner, Name: repoName}.Comment(context.Background(), pr, key)
	if err != nil || c == nil {
		h.t.Fatalf("comment %s on #%d: %v", key, pr, err)
	}
	return c.GetBody()
}

func (h *harness) issues(state string) []*gh.Issue {
	h.t.Helper()
	list, _, err := h.gh.Issues.ListByRepo(context.Background(), owner, repoName, &gh.IssueListByRepoOptions{State: state})
	if err != nil {
		h.t.Fatal(err)
	}
	return list
}

func issueTitles(issues []*gh.Issue) []string {
	var out []string
	for _, i := range issues {
		out = append(out, fmt.Sprintf("#%d %s (%s)", i.GetNumber(), i.GetTitle(), i.GetState()))
	}
	return out
}

func (h *harness) sarif(category string) string {
	raw, err := os.ReadFile(filepath.Join(h.sarifDir(), category+".sarif"))
	if err != nil {
		h.t.Fatalf("no SARIF uploaded for %s: %v", category, err)
	}
	return string(raw)
}

// setModelComment is a hand edit in the workspace, outside Terraform.
func (h *harness) setModelComment(fullName, comment string) {
	h.t.Helper()
	if _, err := h.emu.WorkspaceClient(h.t).RegisteredModels.Update(context.Background(), catalog.UpdateRegisteredModelRequest{FullName: fullName, Comment: comment}); err != nil {
		h.t.Fatal(err)
	}
}

// champion is the version the model's champion alias points at, or "".
func (h *harness) champion(fullName string) string {
	h.t.Helper()
	m, err := h.emu.WorkspaceClient(h.t).RegisteredModels.Get(context.Background(), catalog.GetRegisteredModelRequest{FullName: fullName, IncludeAliases: true})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, a := range m.Aliases {
		if a.AliasName == "champion" {
			return fmt.Sprint(a.VersionNum)
		}
	}
	return ""
}

func (h *harness) brickops(args ...string) string {
	h.t.Helper()
	cmd := exec.Command(filepath.Join(h.bin, "brickops"), args...)
	cmd.Dir = h.work
	cmd.Env = h.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		h.t.Fatalf("brickops %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// actRun is one workflow run: each job's outcome and the log.
type actRun struct {
	name string
	jobs map[string]string
	log  string
}

var (
	actLine  = regexp.MustCompile(`^\[[^/\]]+/([^\]]+?)\s*\]\s+(.*)$`)
	matrixRe = regexp.MustCompile(`Matrix: map\[env:([\w-]+)\]`)
)

// act runs one workflow for one event and reports each job's outcome;
// a job that never ran (its needs failed) is absent.
func (h *harness) act(event, workflow string, payload any) *actRun {
	h.t.Helper()
	h.runs++
	raw, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	eventFile := filepath.Join(h.work, fmt.Sprintf("event-%d.json", h.runs))
	if err := os.WriteFile(eventFile, raw, 0o644); err != nil {
		h.t.Fatal(err)
	}
	args := append([]string{event, "-W", filepath.Join(".github", "workflows", workflow), "-e", eventFile}, h.actArgs...)
	cmd := exec.Command(h.actBin, args...)
	cmd.Dir = h.repo
	cmd.Env = h.env
	start := time.Now()
	out, _ := cmd.CombinedOutput()
	r := &actRun{name: fmt.Sprintf("run %d (%s on %s)", h.runs, workflow, event), jobs: map[string]string{}, log: string(out)}
	names := map[string]string{}
	for _, line := range strings.Split(r.log, "\n") {
		m := actLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		id, msg := m[1], m[2]
		if mm := matrixRe.FindStringSubmatch(msg); mm != nil {
			names[id] = strings.TrimRight(id, "-0123456789") + "(" + mm[1] + ")"
		}
		name := id
		if n, ok := names[id]; ok {
			name = n
		}
		// act reports one result for a whole matrix (as GitHub does), so
		// a leg's own outcome is whether any of its steps failed.
		switch {
		case strings.Contains(msg, "❌  Failure - Main"):
			r.jobs[name] = "failed"
		case strings.Contains(msg, "🏁") && r.jobs[name] == "":
			r.jobs[name] = "succeeded"
		}
	}
	h.t.Logf("%s: %v in %s", r.name, r.jobs, time.Since(start).Round(100*time.Millisecond))
	if err := os.WriteFile(filepath.Join(h.work, fmt.Sprintf("act-%d.log", h.runs)), out, 0o644); err != nil {
		h.t.Fatal(err)
	}
	return r
}

// want checks each job's outcome ("" = did not run) and fails the test,
// with the log's tail, on any other.
func (r *actRun) want(t *testing.T, jobs map[string]string) {
	t.Helper()
	var bad []string
	for _, name := range slices.Sorted(maps.Keys(jobs)) {
		if got := r.jobs[name]; got != jobs[name] {
			bad = append(bad, fmt.Sprintf("%s %q, want %q", name, got, jobs[name]))
		}
	}
	if len(bad) > 0 {
		t.Fatalf("%s: %s\n%s", r.name, strings.Join(bad, "; "), r.output())
	}
}

func (r *actRun) contains(t *testing.T, want string) {
	t.Helper()
	if !strings.Contains(r.log, want) {
		t.Fatalf("%s: the log lacks %q\n%s", r.name, want, r.output())
	}
}

// exited checks the exit status of job's failed step.
func (r *actRun) exited(t *testing.T, job string, code int) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^\[[^/\]]+/` + regexp.QuoteMeta(job) + `\s*\] exit status (\d+)$`)
	m := re.FindStringSubmatch(r.log)
	if m == nil || m[1] != fmt.Sprint(code) {
		t.Fatalf("%s: job %s's failed step exit status %v, want %d\n%s", r.name, job, m, code, r.output())
	}
}

// output is what the failed jobs' steps printed and how each step ended,
// the last 150 lines.
func (r *actRun) output() string {
	failed := map[string]bool{}
	for _, line := range strings.Split(r.log, "\n") {
		if m := actLine.FindStringSubmatch(line); m != nil && strings.Contains(m[2], "❌  Failure - Main") {
			failed[m[1]] = true
		}
	}
	var keep []string
	for _, line := range strings.Split(r.log, "\n") {
		m := actLine.FindStringSubmatch(line)
		if m != nil && failed[m[1]] && (strings.Contains(line, "  | ") || strings.Contains(line, "❌") || strings.Contains(line, "⭐")) {
			keep = append(keep, line)
		}
	}
	if len(keep) > 150 {
		keep = keep[len(keep)-150:]
	}
	return strings.Join(keep, "\n")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
