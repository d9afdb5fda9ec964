package promote_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
	"github.com/brickops/terraform-provider-brickops/internal/tftest"
)

// TestReviewedPlan: the approval holds for an identical re-plan and fails
// for a plan that does anything else, for a plan comment made on an older
// commit, and when the pull request has no plan comment.
func TestReviewedPlan(t *testing.T) {
	ctx := context.Background()
	emu := emulatortest.Start(t)
	head := strings.Repeat("a1", 20)
	prs := emu.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops",
		Pulls: []emulator.GitHubPullSeed{{Title: "Staging", Head: "staging", HeadSHA: head}}})
	repo := github.Repo{Client: githubClientFor(t, emu), Owner: "acme", Name: "mlops"}
	pr := prs[0]

	w := tftest.New(t, map[string]string{"main.tf": `
resource "terraform_data" "endpoint" { input = "v1" }
resource "terraform_data" "monitor" { input = "daily" }
`})
	w.Apply(t)
	w.Write(t, map[string]string{"main.tf": `
resource "terraform_data" "endpoint" { input = "v2" }
resource "terraform_data" "monitor" { input = "daily" }
`})
	load := func(name string) *planjson.Plan {
		t.Helper()
		p, err := planjson.Load(w.PlanJSON(t, name), "staging")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	check := func(plan *planjson.Plan, headSHA string) promote.GateResult {
		t.Helper()
		res, err := promote.ReviewedPlan(ctx, repo, pr, headSHA, "plan-staging", plan)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	reviewed := load("reviewed/plan.json")
	if res := check(reviewed, head); res.Passed || !strings.Contains(res.Detail, "has no plan comment (plan-staging)") {
		t.Errorf("without a plan comment: %+v", res)
	}

	// The plan workflow's comment, as plan summarize writes it on head.
	summary := planjson.Summarize([]*planjson.Plan{reviewed}, func(string) bool { return false })
	summary.Environments[0].Fingerprint.Commit = head
	var md bytes.Buffer
	summary.WriteMarkdown(&md)
	if _, err := github.UpsertComment(ctx, repo.Client, "acme", "mlops", pr, "plan-staging", md.String()); err != nil {
		t.Fatal(err)
	}

	if res := check(load("again/plan.json"), head); !res.Passed || !strings.Contains(res.Detail, "is the one reviewed on #1") {
		t.Errorf("identical re-plan: %+v", res)
	}

	// The monitor changed since the review (as an out-of-band edit would
	// make the re-plan repair it): the plan does more than was reviewed.
	w.Write(t, map[string]string{"main.tf": `
resource "terraform_data" "endpoint" { input = "v2" }
resource "terraform_data" "monitor" { input = "hourly" }
`})
	res := check(load("changed/plan.json"), head)
	if res.Passed || !strings.Contains(res.Detail, "terraform_data.monitor: update, not in the reviewed plan") ||
		strings.Contains(res.Detail, "terraform_data.endpoint") {
		t.Errorf("after an out-of-band change: %+v", res)
	}

	// A push after the plan: the comment is for another commit.
	if res := check(reviewed, strings.Repeat("b2", 20)); res.Passed || !strings.Contains(res.Detail, "the reviewed plan was made on a1a1a1a") {
		t.Errorf("plan of an older commit: %+v", res)
	}
}
