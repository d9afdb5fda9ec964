// Package github is BrickOps' GitHub integration for CI: a go-github client
// built from the standard Actions environment (GITHUB_TOKEN,
// GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_EVENT_PATH), and pull-request
// comments that are updated in place rather than piled up.
package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// DefaultAPIURL is github.com's REST API.
const DefaultAPIURL = "https://api.github.com/"

// Env is what a GitHub Actions job provides.
type Env struct {
	Token string
	// Owner and Repo come from GITHUB_REPOSITORY ("owner/repo").
	Owner, Repo string
	// APIURL is GITHUB_API_URL: https://api.github.com, a GitHub
	// Enterprise Server's https://HOST/api/v3, or the emulator's /github/.
	APIURL string
	// EventPath is GITHUB_EVENT_PATH, the JSON of the triggering event.
	EventPath string
	// Mask holds the secrets never to post (SecretEnvVars' values; add
	// --mask values to it): NewClient masks every request body with it.
	Mask *Masker
}

// EnvFrom reads the Actions environment through getenv (os.Getenv in the
// CLI, a map in tests).
func EnvFrom(getenv func(string) string) (Env, error) {
	e := Env{Token: getenv("GITHUB_TOKEN"), APIURL: getenv("GITHUB_API_URL"), EventPath: getenv("GITHUB_EVENT_PATH"), Mask: NewMasker(getenv)}
	if e.Token == "" {
		return e, errors.New("GITHUB_TOKEN is not set (in a workflow: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }})")
	}
	repo := getenv("GITHUB_REPOSITORY")
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return e, fmt.Errorf("GITHUB_REPOSITORY %q is not owner/repo", repo)
	}
	e.Owner, e.Repo = owner, name
	if e.APIURL == "" {
		e.APIURL = DefaultAPIURL
	}
	return e, nil
}

// NewClient builds a go-github client for env. The base URL is taken as
// given (with a trailing slash): GITHUB_API_URL already ends in /api/v3 on
// GitHub Enterprise Server, and WithEnterpriseURLs would add another.
// Every request body is masked with env.Mask before it leaves.
func NewClient(env Env, hc *http.Client) (*gh.Client, error) {
	base, err := url.Parse(env.APIURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("GITHUB_API_URL %q is not an absolute URL", env.APIURL)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	if env.Mask != nil {
		masked := http.Client{}
		if hc != nil {
			masked = *hc
		}
		base := masked.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		masked.Transport = maskingTransport{base: base, masker: env.Mask}
		hc = &masked
	}
	c := gh.NewClient(hc).WithAuthToken(env.Token)
	c.BaseURL = base
	return c, nil
}

// PullRequestNumber reads the pull request number from an event payload:
// pull_request and pull_request_target events carry pull_request.number,
// issue_comment events on a pull request carry issue.number.
func PullRequestNumber(eventPath string) (int, error) {
	if eventPath == "" {
		return 0, errors.New("no pull request: pass --pr, or run on a pull_request event (GITHUB_EVENT_PATH is not set)")
	}
	raw, err := os.ReadFile(eventPath)
	if err != nil {
		return 0, fmt.Errorf("reading GITHUB_EVENT_PATH: %w", err)
	}
	var ev struct {
		Number      int `json:"number"`
		PullRequest *struct {
			Number int `json:"number"`
		} `json:"pull_request"`
		Issue *struct {
			Number      int             `json:"number"`
			PullRequest json.RawMessage `json:"pull_request"`
		} `json:"issue"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		return 0, fmt.Errorf("%s: event payload is not JSON: %v", eventPath, err)
	}
	switch {
	case ev.PullRequest != nil && ev.PullRequest.Number > 0:
		return ev.PullRequest.Number, nil
	case ev.Issue != nil && len(ev.Issue.PullRequest) > 0 && ev.Issue.Number > 0:
		return ev.Issue.Number, nil
	}
	return 0, fmt.Errorf("%s: the event is not about a pull request; pass --pr", eventPath)
}

// PullRequestHead reads the head commit of the pull request an event is
// about (pull_request.head.sha); empty when the payload has none.
func PullRequestHead(eventPath string) string {
	raw, err := os.ReadFile(eventPath)
	if err != nil {
		return ""
	}
	var ev struct {
		PullRequest struct {
			Head struct {
				SHA string `json:"sha"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	if json.Unmarshal(raw, &ev) != nil {
		return ""
	}
	return ev.PullRequest.Head.SHA
}

// describe turns a go-github error into one line: status and GitHub's
// message, plus validation details.
func describe(err error) error {
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return err
	}
	msg := fmt.Sprintf("GitHub answered %d %s", er.Response.StatusCode, er.Message)
	for _, e := range er.Errors {
		detail := e.Message
		if detail == "" {
			detail = e.Code
		}
		msg += fmt.Sprintf(" (%s.%s: %s)", e.Resource, e.Field, detail)
	}
	return errors.New(msg)
}
