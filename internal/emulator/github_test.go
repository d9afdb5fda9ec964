package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func githubClient(t *testing.T, e *emulatortest.Emulator, token string) *gh.Client {
	t.Helper()
	c := gh.NewClient(nil).WithAuthToken(token)
	u, err := url.Parse(e.GitHubAPIURL())
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = u
	return c
}

func ghErr(t *testing.T, err error) *gh.ErrorResponse {
	t.Helper()
	var er *gh.ErrorResponse
	if !errors.As(err, &er) {
		t.Fatalf("error %v (%T) is not a GitHub error response", err, err)
	}
	return er
}

func TestGitHubPullsAndComments(t *testing.T) {
	e := emulatortest.Start(t)
	nums := e.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops", Pulls: []emulator.GitHubPullSeed{
		{Title: "Promote fraud v3 to prod", Head: "promote/fraud-3", HeadSHA: strings.Repeat("a", 40)},
		{Title: "Second", Head: "b"},
	}})
	if len(nums) != 2 || nums[0] != 1 || nums[1] != 2 {
		t.Fatalf("pull numbers = %v", nums)
	}
	ctx := context.Background()
	c := githubClient(t, e, e.Token)

	pr, _, err := c.PullRequests.Get(ctx, "acme", "mlops", 1)
	if err != nil {
		t.Fatal(err)
	}
	if pr.GetTitle() != "Promote fraud v3 to prod" || pr.GetState() != "open" || pr.GetHead().GetRef() != "promote/fraud-3" ||
		pr.GetHead().GetSHA() != strings.Repeat("a", 40) || pr.GetBase().GetRef() != "main" || pr.GetBase().GetRepo().GetFullName() != "acme/mlops" {
		t.Errorf("pull request = %+v", pr)
	}
	repo, _, err := c.Repositories.Get(ctx, "ACME", "MLOps") // names are case-insensitive
	if err != nil || repo.GetDefaultBranch() != "main" || repo.GetFullName() != "acme/mlops" {
		t.Errorf("repo = %+v, %v", repo, err)
	}

	created, resp, err := c.Issues.CreateComment(ctx, "acme", "mlops", 1, &gh.IssueComment{Body: gh.String("hello")})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || created.GetUser().GetLogin() != "github-actions[bot]" || created.GetBody() != "hello" || created.GetID() == 0 {
		t.Errorf("created = %+v (%d)", created, resp.StatusCode)
	}
	if !strings.HasSuffix(created.GetIssueURL(), "/github/repos/acme/mlops/issues/1") {
		t.Errorf("issue_url = %s", created.GetIssueURL())
	}
	edited, _, err := c.Issues.EditComment(ctx, "acme", "mlops", created.GetID(), &gh.IssueComment{Body: gh.String("edited")})
	if err != nil || edited.GetBody() != "edited" || edited.GetID() != created.GetID() {
		t.Fatalf("edited = %+v, %v", edited, err)
	}
	got, _, err := c.Issues.GetComment(ctx, "acme", "mlops", created.GetID())
	if err != nil || got.GetBody() != "edited" {
		t.Fatalf("get comment = %+v, %v", got, err)
	}

	// Comments on the other pull request do not show on this one; pages
	// follow GitHub's Link header.
	if _, _, err := c.Issues.CreateComment(ctx, "acme", "mlops", 2, &gh.IssueComment{Body: gh.String("elsewhere")}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if _, _, err := c.Issues.CreateComment(ctx, "acme", "mlops", 1, &gh.IssueComment{Body: gh.String("more")}); err != nil {
			t.Fatal(err)
		}
	}
	var all []*gh.IssueComment
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 2}}
	pages := 0
	for {
		page, resp, err := c.Issues.ListComments(ctx, "acme", "mlops", 1, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, page...)
		if resp.NextPage == 0 {
			if resp.LastPage != 0 || resp.PrevPage != pages-1 {
				t.Errorf("last page links: prev %d last %d", resp.PrevPage, resp.LastPage)
			}
			break
		}
		if resp.LastPage != 3 {
			t.Errorf("LastPage = %d", resp.LastPage)
		}
		opts.Page = resp.NextPage
	}
	if len(all) != 5 || pages != 3 || all[0].GetBody() != "edited" {
		t.Errorf("listed %d comments in %d pages, first %q", len(all), pages, all[0].GetBody())
	}

	if _, err := c.Issues.DeleteComment(ctx, "acme", "mlops", created.GetID()); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Issues.GetComment(ctx, "acme", "mlops", created.GetID())
	if er := ghErr(t, err); er.Response.StatusCode != 404 || er.Message != "Not Found" {
		t.Errorf("deleted comment: %v", err)
	}
}

func TestGitHubErrors(t *testing.T) {
	e := emulatortest.Start(t)
	e.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops", Pulls: []emulator.GitHubPullSeed{{Title: "x", Head: "x"}}})
	ctx := context.Background()
	c := githubClient(t, e, e.Token)

	_, _, err := c.PullRequests.Get(ctx, "acme", "mlops", 7)
	if er := ghErr(t, err); er.Response.StatusCode != 404 || er.Message != "Not Found" || er.DocumentationURL == "" {
		t.Errorf("unknown pull: %+v", er)
	}
	_, _, err = c.Issues.CreateComment(ctx, "acme", "nope", 1, &gh.IssueComment{Body: gh.String("x")})
	if er := ghErr(t, err); er.Response.StatusCode != 404 {
		t.Errorf("unknown repo: %+v", er)
	}
	_, _, err = c.Issues.CreateComment(ctx, "acme", "mlops", 1, &gh.IssueComment{})
	er := ghErr(t, err)
	if er.Response.StatusCode != 422 || er.Message != "Validation Failed" || len(er.Errors) != 1 ||
		er.Errors[0].Code != "missing_field" || er.Errors[0].Field != "body" || er.Errors[0].Resource != "IssueComment" {
		t.Errorf("empty body: %+v", er)
	}
	_, _, err = c.Issues.CreateComment(ctx, "acme", "mlops", 1, &gh.IssueComment{Body: gh.String(strings.Repeat("é", 65537))})
	er = ghErr(t, err)
	if er.Response.StatusCode != 422 || len(er.Errors) != 1 || er.Errors[0].Message != "body is too long (maximum is 65536 characters)" {
		t.Errorf("long body: %+v", er)
	}
	if _, _, err := c.Issues.CreateComment(ctx, "acme", "mlops", 1, &gh.IssueComment{Body: gh.String(strings.Repeat("é", 65536))}); err != nil {
		t.Errorf("a body of exactly 65536 characters: %v", err)
	}

	bad := githubClient(t, e, "ghp_wrong")
	_, _, err = bad.PullRequests.Get(ctx, "acme", "mlops", 1)
	if er := ghErr(t, err); er.Response.StatusCode != 401 || er.Message != "Bad credentials" {
		t.Errorf("bad token: %+v", er)
	}

	// GitHub's error shape, not the workspace API's, on unknown paths and
	// without credentials.
	for _, tc := range []struct {
		auth    string
		path    string
		status  int
		message string
	}{
		{"Bearer " + e.Token, "/github/repos/acme/mlops/hooks", 404, "Not Found"},
		{"token " + e.Token, "/github/repos/acme/mlops/pulls/1", 200, ""},
		{"", "/github/repos/acme/mlops/pulls/1", 401, "Requires authentication"},
	} {
		req, _ := http.NewRequest(http.MethodGet, e.URL+tc.path, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		err = gh.CheckResponse(resp)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d", tc.path, resp.StatusCode)
		}
		if tc.message != "" {
			if er := ghErr(t, err); er.Message != tc.message {
				t.Errorf("%s: message %q", tc.path, er.Message)
			}
		}
	}
}

func TestGitHubSeedErrors(t *testing.T) {
	e := emulatortest.Start(t)
	e.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"})
	var out map[string]any
	if status := e.Do(t, http.MethodPost, "/_emulator/github/repos", emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"}, &out); status != 409 || out["error_code"] != "RESOURCE_ALREADY_EXISTS" {
		t.Errorf("duplicate repo: %d %v", status, out)
	}
	if status := e.Do(t, http.MethodPost, "/_emulator/github/repos/acme/mlops/pulls", emulator.GitHubPullSeed{Title: "t", Head: "h"}, &out); status != 200 || out["number"] != float64(1) {
		t.Errorf("seed pull: %d %v", status, out)
	}
	if status := e.Do(t, http.MethodPost, "/_emulator/github/repos/acme/none/pulls", emulator.GitHubPullSeed{Title: "t", Head: "h"}, &out); status != 404 {
		t.Errorf("pull in unknown repo: %d %v", status, out)
	}
}

func TestGitHubStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	const operatorToken = "operator-restart"
	// start serves the emulator's state in dir until stop is called.
	start := func() (client *gh.Client, base string, stop func()) {
		srv, err := emulator.NewServer(emulator.Options{DataDir: dir, OperatorToken: operatorToken})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv)
		c := gh.NewClient(nil).WithAuthToken(emulator.DefaultToken)
		c.BaseURL, _ = url.Parse(hs.URL + "/github/")
		return c, hs.URL, func() { hs.Close(); _ = srv.Close() }
	}
	c, base, stop := start()
	req, _ := http.NewRequest(http.MethodPost, base+"/_emulator/github/repos",
		strings.NewReader(`{"owner":"acme","name":"mlops","pulls":[{"title":"x","head":"x"}]}`))
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("seeding: %v %v", resp, err)
	}
	resp.Body.Close()
	created, _, err := c.Issues.CreateComment(context.Background(), "acme", "mlops", 1, &gh.IssueComment{Body: gh.String("kept")})
	if err != nil {
		t.Fatal(err)
	}
	stop()

	c, _, stop = start()
	defer stop()
	got, _, err := c.Issues.GetComment(context.Background(), "acme", "mlops", created.GetID())
	if err != nil || got.GetBody() != "kept" {
		t.Fatalf("after restart: %+v, %v", got, err)
	}
}
