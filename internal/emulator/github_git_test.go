package emulator_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func str(s string) *string { return &s }

// push commits files to a branch the way a person's git push would.
func push(t *testing.T, e *emulatortest.Emulator, branch string, files map[string]*string) string {
	t.Helper()
	var out struct {
		SHA string `json:"sha"`
	}
	if status := e.Do(t, "POST", "/_emulator/github/repos/acme/mlops/commits",
		emulator.GitHubPush{Branch: branch, Message: "push to " + branch, Files: files}, &out); status != http.StatusOK {
		t.Fatalf("push: status %d", status)
	}
	return out.SHA
}

func TestGitHubGit_branchFilePullReviewMerge(t *testing.T) {
	e := emulatortest.Start(t)
	e.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"})
	base := push(t, e, "", map[string]*string{"environments/staging/models.auto.tfvars.json": str(`{"models":{}}`), "README.md": str("hi")})
	ctx := context.Background()
	c := githubClient(t, e, e.Token)

	ref, _, err := c.Git.GetRef(ctx, "acme", "mlops", "heads/main")
	if err != nil || ref.GetObject().GetSHA() != base {
		t.Fatalf("main ref = %+v, %v", ref, err)
	}
	if _, _, err := c.Git.CreateRef(ctx, "acme", "mlops", &gh.Reference{Ref: gh.String("refs/heads/promote/churn-7"), Object: &gh.GitObject{SHA: gh.String(base)}}); err != nil {
		t.Fatalf("create ref: %v", err)
	}
	_, _, err = c.Git.CreateRef(ctx, "acme", "mlops", &gh.Reference{Ref: gh.String("refs/heads/promote/churn-7"), Object: &gh.GitObject{SHA: gh.String(base)}})
	if er := ghErr(t, err); er.Response.StatusCode != 422 || er.Message != "Reference already exists" {
		t.Errorf("duplicate ref: %v", err)
	}

	path := "environments/staging/models.auto.tfvars.json"
	file, _, _, err := c.Repositories.GetContents(ctx, "acme", "mlops", path, &gh.RepositoryContentGetOptions{Ref: "promote/churn-7"})
	if err != nil {
		t.Fatal(err)
	}
	if content, _ := file.GetContent(); content != `{"models":{}}` {
		t.Errorf("content = %q", content)
	}
	// Updating without the blob sha is refused, with a stale one conflicts.
	opts := &gh.RepositoryContentFileOptions{Message: gh.String("Pin churn 7"), Content: []byte(`{"models":{"churn":{"version":7}}}`), Branch: gh.String("promote/churn-7")}
	_, _, err = c.Repositories.UpdateFile(ctx, "acme", "mlops", path, opts)
	if er := ghErr(t, err); er.Response.StatusCode != 422 {
		t.Errorf("update without sha: %v", err)
	}
	opts.SHA = gh.String(strings.Repeat("0", 40))
	_, _, err = c.Repositories.UpdateFile(ctx, "acme", "mlops", path, opts)
	if er := ghErr(t, err); er.Response.StatusCode != 409 {
		t.Errorf("update with a stale sha: %v", err)
	}
	opts.SHA = file.SHA
	res, _, err := c.Repositories.UpdateFile(ctx, "acme", "mlops", path, opts)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	head := res.GetSHA()
	if head == "" || head == base {
		t.Fatalf("commit sha = %q", head)
	}

	pr, _, err := c.PullRequests.Create(ctx, "acme", "mlops", &gh.NewPullRequest{Title: gh.String("Promote churn 7 to staging"), Head: gh.String("promote/churn-7"), Base: gh.String("main"), Body: gh.String("evidence")})
	if err != nil {
		t.Fatalf("create PR: %v", err)
	}
	if pr.GetHead().GetSHA() != head || pr.GetNumber() != 1 {
		t.Errorf("PR head %q number %d", pr.GetHead().GetSHA(), pr.GetNumber())
	}
	_, _, err = c.PullRequests.Create(ctx, "acme", "mlops", &gh.NewPullRequest{Title: gh.String("again"), Head: gh.String("promote/churn-7"), Base: gh.String("main")})
	if er := ghErr(t, err); er.Response.StatusCode != 422 || !strings.Contains(er.Errors[0].Message, "A pull request already exists") {
		t.Errorf("duplicate PR: %v", err)
	}
	open, _, err := c.PullRequests.List(ctx, "acme", "mlops", &gh.PullRequestListOptions{Head: "acme:promote/churn-7"})
	if err != nil || len(open) != 1 {
		t.Errorf("list by head: %d, %v", len(open), err)
	}

	// Reviews: an approval, then a push moves the head past it.
	e.Do(t, "POST", "/_emulator/github/repos/acme/mlops/pulls/1/reviews", emulator.GitHubReviewSeed{User: "alice", State: "APPROVED"}, nil)
	newHead := push(t, e, "promote/churn-7", map[string]*string{"notes.md": str("after review")})
	pr, _, _ = c.PullRequests.Get(ctx, "acme", "mlops", 1)
	if pr.GetHead().GetSHA() != newHead {
		t.Errorf("a push did not move the PR head")
	}
	reviews, _, err := c.PullRequests.ListReviews(ctx, "acme", "mlops", 1, nil)
	if err != nil || len(reviews) != 1 || reviews[0].GetUser().GetLogin() != "alice" || reviews[0].GetState() != "APPROVED" || reviews[0].GetCommitID() != head {
		t.Errorf("reviews = %+v, %v", reviews, err)
	}

	// History of the pin file, newest first.
	commits, _, err := c.Repositories.ListCommits(ctx, "acme", "mlops", &gh.CommitsListOptions{SHA: "promote/churn-7", Path: path})
	if err != nil || len(commits) != 2 || commits[0].GetSHA() != head || commits[1].GetSHA() != base {
		t.Errorf("commits for %s: %d, %v", path, len(commits), err)
	}
	old, _, _, err := c.Repositories.GetContents(ctx, "acme", "mlops", path, &gh.RepositoryContentGetOptions{Ref: base})
	if content, _ := old.GetContent(); err != nil || content != `{"models":{}}` {
		t.Errorf("content at %s: %q %v", base, content, err)
	}

	// Merge brings the pin to main and closes the PR.
	if _, _, err := c.PullRequests.Merge(ctx, "acme", "mlops", 1, "", nil); err != nil {
		t.Fatalf("merge: %v", err)
	}
	onMain, _, _, _ := c.Repositories.GetContents(ctx, "acme", "mlops", path, nil)
	if content, _ := onMain.GetContent(); !strings.Contains(content, `"version":7`) {
		t.Errorf("main after merge: %q", content)
	}
	pr, _, _ = c.PullRequests.Get(ctx, "acme", "mlops", 1)
	if pr.GetState() != "closed" || !pr.GetMerged() {
		t.Errorf("after merge: state %s merged %v", pr.GetState(), pr.GetMerged())
	}

	if _, err := c.Git.DeleteRef(ctx, "acme", "mlops", "heads/promote/churn-7"); err != nil {
		t.Errorf("delete ref: %v", err)
	}
	_, _, err = c.Git.GetRef(ctx, "acme", "mlops", "heads/promote/churn-7")
	if er := ghErr(t, err); er.Response.StatusCode != 404 {
		t.Errorf("deleted ref still there: %v", err)
	}
}

func TestGitHubGit_teams(t *testing.T) {
	e := emulatortest.Start(t)
	e.Do(t, "PUT", "/_emulator/github/orgs/acme/teams/ml-platform", map[string]any{"members": []string{"alice", "bob"}}, nil)
	c := githubClient(t, e, e.Token)
	ctx := context.Background()
	members, _, err := c.Teams.ListTeamMembersBySlug(ctx, "acme", "ml-platform", nil)
	if err != nil || len(members) != 2 || members[0].GetLogin() != "alice" {
		t.Errorf("members = %v, %v", members, err)
	}
	_, _, err = c.Teams.ListTeamMembersBySlug(ctx, "acme", "nope", nil)
	if er := ghErr(t, err); er.Response.StatusCode != 404 {
		t.Errorf("unknown team: %v", err)
	}
}
