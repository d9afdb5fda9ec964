package github

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func emulatedClient(t *testing.T) (*emulatortest.Emulator, *gh.Client) {
	t.Helper()
	e := emulatortest.Start(t)
	e.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops", Pulls: []emulator.GitHubPullSeed{{Title: "Change", Head: "feature"}}})
	env, err := EnvFrom(envMap(map[string]string{"GITHUB_TOKEN": e.Token, "GITHUB_REPOSITORY": "acme/mlops", "GITHUB_API_URL": strings.TrimSuffix(e.GitHubAPIURL(), "/")}))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e, c
}

func comments(t *testing.T, c *gh.Client) []*gh.IssueComment {
	t.Helper()
	list, _, err := c.Issues.ListComments(context.Background(), "acme", "mlops", 1, &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestUpsertCommentEditsInPlace(t *testing.T) {
	_, c := emulatedClient(t)
	ctx := context.Background()
	first, err := UpsertComment(ctx, c, "acme", "mlops", 1, "plan", "## Plan v1")
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || first.Truncated || !strings.Contains(first.URL, "/acme/mlops/pull/1#issuecomment-") {
		t.Errorf("first = %+v", first)
	}
	// A reply quoting the marker is not ours to edit.
	if _, _, err := c.Issues.CreateComment(ctx, "acme", "mlops", 1, &gh.IssueComment{Body: gh.String("> " + Marker("plan") + "\nlooks good")}); err != nil {
		t.Fatal(err)
	}
	second, err := UpsertComment(ctx, c, "acme", "mlops", 1, "plan", "## Plan v2")
	if err != nil {
		t.Fatal(err)
	}
	if second.Created || second.ID != first.ID {
		t.Errorf("second = %+v, first = %+v", second, first)
	}
	other, err := UpsertComment(ctx, c, "acme", "mlops", 1, "policy", "## Policy")
	if err != nil || !other.Created {
		t.Fatalf("other key: %+v, %v", other, err)
	}
	list := comments(t, c)
	if len(list) != 3 {
		t.Fatalf("%d comments", len(list))
	}
	if list[0].GetBody() != Marker("plan")+"\n## Plan v2" || list[2].GetBody() != Marker("policy")+"\n## Policy" {
		t.Errorf("bodies: %q, %q", list[0].GetBody(), list[2].GetBody())
	}
}

func TestUpsertCommentFindsMarkerOnLaterPage(t *testing.T) {
	_, c := emulatedClient(t)
	ctx := context.Background()
	for i := 0; i < 101; i++ {
		if _, _, err := c.Issues.CreateComment(ctx, "acme", "mlops", 1, &gh.IssueComment{Body: gh.String("chatter")}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := UpsertComment(ctx, c, "acme", "mlops", 1, "plan", "v1")
	if err != nil || !first.Created {
		t.Fatalf("%+v %v", first, err)
	}
	second, err := UpsertComment(ctx, c, "acme", "mlops", 1, "plan", "v2")
	if err != nil || second.Created || second.ID != first.ID {
		t.Fatalf("comment on page 2 not found: %+v %v", second, err)
	}
}

func TestUpsertCommentTruncatesOverLimit(t *testing.T) {
	_, c := emulatedClient(t)
	var b strings.Builder
	b.WriteString("<details><summary>All changes</summary>\n\n```\n")
	for b.Len() < 200_000 {
		b.WriteString("+ brickops_cluster.etl_ü will be created\n")
	}
	res, err := UpsertComment(context.Background(), c, "acme", "mlops", 1, "plan", b.String())
	if err != nil {
		t.Fatalf("an over-long body was rejected: %v", err)
	}
	if !res.Truncated {
		t.Error("not reported as truncated")
	}
	body := comments(t, c)[0].GetBody()
	if n := utf8.RuneCountInString(body); n > MaxCommentChars || n < MaxCommentChars-5000 {
		t.Errorf("truncated body has %d characters", n)
	}
	if strings.Count(body, "```")%2 != 0 || !strings.Contains(body, "</details>") {
		t.Error("truncation left a code fence or details block open")
	}
	if !strings.Contains(body, "This comment was truncated to GitHub's 65536-character limit") {
		t.Errorf("no truncation note: ...%s", body[len(body)-300:])
	}
}

func TestUpsertCommentErrors(t *testing.T) {
	e, c := emulatedClient(t)
	_, err := UpsertComment(context.Background(), c, "acme", "mlops", 42, "plan", "x")
	if err == nil || err.Error() != "pull request #42 not found in acme/mlops (or the token cannot see it)" {
		t.Errorf("unknown PR: %v", err)
	}
	env := Env{Token: "ghp_wrong", Owner: "acme", Repo: "mlops", APIURL: e.GitHubAPIURL()}
	bad, err := NewClient(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = UpsertComment(context.Background(), bad, "acme", "mlops", 1, "plan", "x")
	if err == nil || err.Error() != "reading pull request #1 of acme/mlops: GitHub answered 401 Bad credentials" {
		t.Errorf("bad token: %v", err)
	}
}

func TestEnvFrom(t *testing.T) {
	env, err := EnvFrom(envMap(map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/mlops"}))
	if err != nil || env.Owner != "acme" || env.Repo != "mlops" || env.APIURL != DefaultAPIURL {
		t.Errorf("env = %+v, %v", env, err)
	}
	if _, err := EnvFrom(envMap(map[string]string{"GITHUB_REPOSITORY": "acme/mlops"})); err == nil || !strings.HasPrefix(err.Error(), "GITHUB_TOKEN is not set") {
		t.Errorf("no token: %v", err)
	}
	if _, err := EnvFrom(envMap(map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "mlops"})); err == nil || err.Error() != `GITHUB_REPOSITORY "mlops" is not owner/repo` {
		t.Errorf("bad repo: %v", err)
	}
	c, err := NewClient(Env{Token: "t", APIURL: "https://ghe.example.com/api/v3"}, nil)
	if err != nil || c.BaseURL.String() != "https://ghe.example.com/api/v3/" {
		t.Errorf("enterprise base URL = %v, %v", c.BaseURL, err)
	}
	if _, err := NewClient(Env{Token: "t", APIURL: "ghe.example.com"}, nil); err == nil {
		t.Error("relative API URL accepted")
	}
}

func TestPullRequestNumber(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		body string
		want int
		err  string
	}{
		{`{"action":"synchronize","number":7,"pull_request":{"number":7}}`, 7, ""},
		{`{"action":"created","issue":{"number":9,"pull_request":{"url":"x"}},"comment":{}}`, 9, ""},
		{`{"action":"created","issue":{"number":9},"comment":{}}`, 0, "the event is not about a pull request; pass --pr"},
		{`{"ref":"refs/heads/main"}`, 0, "the event is not about a pull request"},
		{`not json`, 0, "event payload is not JSON"},
	}
	for i, c := range cases {
		n, err := PullRequestNumber(write(string(rune('a'+i))+".json", c.body))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v", c.body, err)
			}
			continue
		}
		if err != nil || n != c.want {
			t.Errorf("%s: %d, %v", c.body, n, err)
		}
	}
	if _, err := PullRequestNumber(""); err == nil || !strings.Contains(err.Error(), "pass --pr") {
		t.Errorf("no event path: %v", err)
	}
}

func TestTruncateShortBodyUnchanged(t *testing.T) {
	if got, cut := Truncate("short", 10); got != "short" || cut {
		t.Errorf("Truncate = %q, %v", got, cut)
	}
}
