package github

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// GitHub issues (go-github v60 issues.go): create, list, get and edit —
// what `brickops drift --issue` uses to keep one issue per environment.
// Issues share the repository's number sequence with pull requests, as on
// GitHub; the list answers issues only (GitHub mixes pull requests in,
// marked with a pull_request key, which clients filter out anyway).

const bucketGitHubIssues = "github_issues"

type ghIssue struct {
	ID          int64    `json:"id"`
	Number      int      `json:"number"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	State       string   `json:"state"`
	StateReason string   `json:"state_reason,omitempty"`
	Labels      []string `json:"labels"`
	User        string   `json:"user"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	ClosedAt    string   `json:"closed_at,omitempty"`
}

func (l ghLinks) issueJSON(repo Repo, is ghIssue) map[string]any {
	api := l.api + "/repos/" + repo.Owner + "/" + repo.Name
	labels := []map[string]any{}
	for _, name := range is.Labels {
		labels = append(labels, map[string]any{"name": name, "url": api + "/labels/" + name})
	}
	var closedAt any
	if is.ClosedAt != "" {
		closedAt = is.ClosedAt
	}
	return map[string]any{
		"id": is.ID, "node_id": fmt.Sprintf("I_%d", is.ID), "number": is.Number, "title": is.Title, "body": is.Body,
		"state": is.State, "state_reason": is.StateReason, "labels": labels, "user": ghUser(is.User), "locked": false,
		"url":          fmt.Sprintf("%s/issues/%d", api, is.Number),
		"html_url":     fmt.Sprintf("%s/%s/%s/issues/%d", l.web, repo.Owner, repo.Name, is.Number),
		"comments_url": fmt.Sprintf("%s/issues/%d/comments", api, is.Number),
		"created_at":   is.CreatedAt, "updated_at": is.UpdatedAt, "closed_at": closedAt,
	}
}

type ghIssueRequest struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
	Labels      *[]string `json:"labels"`
}

// createGitHubIssue is POST /repos/{owner}/{repo}/issues.
func (s *Service) createGitHubIssue(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	var req ghIssueRequest
	if err := decodeGitHubBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Title == nil || strings.TrimSpace(*req.Title) == "" {
		return 0, nil, ghValidation("Issue", "missing_field", "title", "")
	}
	if req.Body != nil && len([]rune(*req.Body)) > maxCommentChars {
		return 0, nil, ghValidation("Issue", "custom", "body", "body is too long (maximum is 65536 characters)")
	}
	var out map[string]any
	err := s.updateRepo(r, func(tx core.Tx, repo *Repo) error {
		seq, err := tx.NextSeq(bucketGitHubIssues)
		if err != nil {
			return err
		}
		now := s.Now().UTC().Format(time.RFC3339)
		is := ghIssue{ID: 3_000_000_000 + int64(seq), Number: repo.NextNumber, Title: *req.Title, State: "open",
			User: githubActor, CreatedAt: now, UpdatedAt: now, Labels: []string{}}
		if req.Body != nil {
			is.Body = *req.Body
		}
		if req.Labels != nil {
			is.Labels = *req.Labels
		}
		repo.NextNumber++
		if err := tx.Put(bucketGitHubIssues, PullKey(repo.Owner, repo.Name, is.Number), is); err != nil {
			return err
		}
		out = githubLinks(r).issueJSON(*repo, is)
		return tx.Put(BucketGitHubRepos, RepoKey(repo.Owner, repo.Name), *repo)
	})
	return http.StatusCreated, out, err
}

// listGitHubIssues is GET /repos/{owner}/{repo}/issues?state=&labels=&creator=, newest first.
func (s *Service) listGitHubIssues(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var labels []string
	if l := q.Get("labels"); l != "" {
		labels = strings.Split(l, ",")
	}
	out := []map[string]any{}
	err := s.viewRepo(r, func(tx core.Tx, repo Repo) error {
		issues, err := core.GetAll[ghIssue](tx, bucketGitHubIssues, RepoKey(repo.Owner, repo.Name)+"#")
		if err != nil {
			return err
		}
		for _, is := range slices.Backward(issues) {
			if state != "all" && is.State != state {
				continue
			}
			if c := q.Get("creator"); c != "" && !strings.EqualFold(c, is.User) {
				continue
			}
			if !slices.ContainsFunc(labels, func(l string) bool { return !slices.Contains(is.Labels, l) }) {
				out = append(out, githubLinks(r).issueJSON(repo, is))
			}
		}
		return nil
	})
	return http.StatusOK, out, err
}

// editGitHubIssue is PATCH /repos/{owner}/{repo}/issues/{number}.
func (s *Service) editGitHubIssue(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	n, err := pathInt(r, "number")
	if err != nil {
		return 0, nil, err
	}
	var req ghIssueRequest
	if err := decodeGitHubBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.State != nil && *req.State != "open" && *req.State != "closed" {
		return 0, nil, ghValidation("Issue", "invalid", "state", "")
	}
	var out map[string]any
	err = s.updateRepo(r, func(tx core.Tx, repo *Repo) error {
		var is ghIssue
		ok, err := tx.Get(bucketGitHubIssues, PullKey(repo.Owner, repo.Name, int(n)), &is)
		if err != nil {
			return err
		}
		if !ok {
			return ghNotFound()
		}
		now := s.Now().UTC().Format(time.RFC3339)
		if req.Title != nil {
			is.Title = *req.Title
		}
		if req.Body != nil {
			is.Body = *req.Body
		}
		if req.Labels != nil {
			is.Labels = *req.Labels
		}
		if req.State != nil && *req.State != is.State {
			is.State = *req.State
			is.ClosedAt, is.StateReason = "", ""
			if is.State == "closed" {
				is.ClosedAt, is.StateReason = now, "completed"
			}
		}
		if req.StateReason != nil {
			is.StateReason = *req.StateReason
		}
		is.UpdatedAt = now
		out = githubLinks(r).issueJSON(*repo, is)
		return tx.Put(bucketGitHubIssues, PullKey(repo.Owner, repo.Name, is.Number), is)
	})
	return http.StatusOK, out, err
}
