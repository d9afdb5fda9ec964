package github

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// The GitHub REST API family: the subset the BrickOps toolkit calls through
// go-github (repositories, pull requests, issue comments), served under
// githubBase so a client's GITHUB_API_URL (or go-github's BaseURL) points
// at "<emulator>/github/". Paths, JSON fields, status codes and the error
// body {"message": "...", "documentation_url": "..."} are GitHub's
// (docs.github.com/rest; go-github v60 github/issues_comments.go,
// pulls.go and repos.go for the paths and fields the client reads).
//
// Repositories and pull requests are created through operator endpoints
// (/_emulator/github/...), the way a test or demo sets the scene.

const (
	githubDocs = "https://docs.github.com/rest"
	// maxCommentChars is GitHub's limit on an issue comment body,
	// counted in characters.
	maxCommentChars = 65536
	// githubActor is who every accepted token acts as: the identity a
	// workflow's GITHUB_TOKEN comments as.
	githubActor   = "github-actions[bot]"
	githubActorID = 41898282

	BucketGitHubRepos    = "github_repos"
	BucketGitHubPulls    = "github_pulls"
	BucketGitHubComments = "github_comments"
)

// GitHubError is an error in GitHub's shape.
type GitHubError struct {
	Status  int                `json:"-"`
	Message string             `json:"message"`
	Errors  []GitHubFieldError `json:"errors,omitempty"`
	DocURL  string             `json:"documentation_url"`
}

// GitHubFieldError is one entry of a 422 "Validation Failed" errors array.
type GitHubFieldError struct {
	Resource string `json:"resource"`
	Code     string `json:"code"`
	Field    string `json:"field"`
	Message  string `json:"message,omitempty"`
}

func (e *GitHubError) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }

func ghNotFound() *GitHubError {
	return &GitHubError{Status: http.StatusNotFound, Message: "Not Found", DocURL: githubDocs}
}

func ghValidation(resource, code, field, message string) *GitHubError {
	return &GitHubError{Status: http.StatusUnprocessableEntity, Message: "Validation Failed", DocURL: githubDocs,
		Errors: []GitHubFieldError{{Resource: resource, Code: code, Field: field, Message: message}}}
}

// ghHandler serves one GitHub route: it answers a status and body, or an
// error (a *GitHubError to answer in GitHub's shape). It may set headers
// (Link for pagination) on w.
type ghHandler func(w http.ResponseWriter, r *http.Request) (int, any, error)

// githubRoute registers a GitHub route behind GitHub-style token auth.
func (s *Service) githubRoute(pattern string, h ghHandler) {
	s.Handle(core.FamilyGitHub, pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkGitHubAuth(r); err != nil {
			writeGitHubError(w, err)
			return
		}
		status, body, err := h(w, r)
		if err != nil {
			writeGitHubError(w, err)
			return
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		core.WriteJSON(w, status, body)
	})
}

// checkGitHubAuth accepts "Bearer <token>" and the older "token <token>"
// like GitHub does; anything else is 401 "Bad credentials" (no header at
// all is 401 "Requires authentication").
func (s *Service) checkGitHubAuth(r *http.Request) error {
	hs := r.Header.Values("Authorization")
	if len(hs) == 0 || hs[0] == "" {
		return &GitHubError{Status: http.StatusUnauthorized, Message: "Requires authentication", DocURL: githubDocs}
	}
	if len(hs) > 1 {
		return &GitHubError{Status: http.StatusUnauthorized, Message: core.ErrMultipleAuthorization, DocURL: githubDocs}
	}
	h := hs[0]
	for _, scheme := range []string{"Bearer ", "bearer ", "token "} {
		if tok, ok := strings.CutPrefix(h, scheme); ok && s.KnownToken(tok) {
			return nil
		}
	}
	return &GitHubError{Status: http.StatusUnauthorized, Message: "Bad credentials", DocURL: githubDocs}
}

func writeGitHubError(w http.ResponseWriter, err error) {
	ge, ok := err.(*GitHubError)
	if !ok {
		ge = &GitHubError{Status: http.StatusInternalServerError, Message: err.Error(), DocURL: githubDocs}
	}
	core.WriteJSON(w, ge.Status, ge)
}

// githubUnknownRoute answers like GitHub for a path it does not have.
func (s *Service) githubUnknownRoute(w http.ResponseWriter, r *http.Request) {
	if err := s.checkGitHubAuth(r); err != nil {
		writeGitHubError(w, err)
		return
	}
	writeGitHubError(w, ghNotFound())
}

// Stored objects.

// Repo is a stored repository.
type Repo struct {
	ID            int64  `json:"id"`
	Owner         string `json:"owner"`
	Name          string `json:"name"`
	DefaultBranch string `json:"default_branch"`
	Private       bool   `json:"private"`
	NextNumber    int    `json:"next_number"`
	CreatedAt     string `json:"created_at"`
}

// Pull is a stored pull request.
type Pull struct {
	ID        int64  `json:"id"`
	Number    int    `json:"number"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	State     string `json:"state"`
	Draft     bool   `json:"draft"`
	User      string `json:"user"`
	HeadRef   string `json:"head_ref"`
	HeadSHA   string `json:"head_sha"`
	BaseRef   string `json:"base_ref"`
	BaseSHA   string `json:"base_sha"`
	MergedSHA string `json:"merged_sha,omitempty"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// Comment is a stored issue comment.
type Comment struct {
	ID        int64  `json:"id"`
	Issue     int    `json:"issue"`
	Body      string `json:"body"`
	User      string `json:"user"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// GitHub treats owner and repository names case-insensitively.
func RepoKey(owner, repo string) string { return strings.ToLower(owner + "/" + repo) }

// PullKey is the store key of pull request n.
func PullKey(owner, repo string, n int) string {
	return fmt.Sprintf("%s#%010d", RepoKey(owner, repo), n)
}

func commentKey(owner, repo string, id int64) string {
	return fmt.Sprintf("%s/%012d", RepoKey(owner, repo), id)
}

// Rendering: the JSON GitHub answers with, links built from the request's
// host so they point back at this emulator.

type ghLinks struct{ api, web string }

func githubLinks(r *http.Request) ghLinks {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host + strings.TrimSuffix(core.GitHubBase, "/")
	return ghLinks{api: base, web: base + "/web"}
}

func ghUser(login string) map[string]any {
	typ, id := "User", int64(1000+len(login))
	if login == githubActor {
		typ, id = "Bot", githubActorID
	}
	return map[string]any{"login": login, "id": id, "node_id": fmt.Sprintf("U_%d", id), "type": typ, "site_admin": false}
}

func (l ghLinks) repoJSON(r Repo) map[string]any {
	return map[string]any{
		"id": r.ID, "node_id": fmt.Sprintf("R_%d", r.ID), "name": r.Name, "full_name": r.Owner + "/" + r.Name,
		"owner":   map[string]any{"login": r.Owner, "id": 2000 + r.ID, "type": "Organization"},
		"private": r.Private, "default_branch": r.DefaultBranch, "visibility": map[bool]string{true: "private", false: "public"}[r.Private],
		"url": l.api + "/repos/" + r.Owner + "/" + r.Name, "html_url": l.web + "/" + r.Owner + "/" + r.Name,
		"created_at": r.CreatedAt, "updated_at": r.CreatedAt,
	}
}

func (l ghLinks) pullJSON(repo Repo, p Pull) map[string]any {
	repoJSON := l.repoJSON(repo)
	ref := func(name, sha string) map[string]any {
		return map[string]any{"label": repo.Owner + ":" + name, "ref": name, "sha": sha, "repo": repoJSON, "user": ghUser(repo.Owner)}
	}
	api := l.api + "/repos/" + repo.Owner + "/" + repo.Name
	return map[string]any{
		"id": p.ID, "node_id": fmt.Sprintf("PR_%d", p.ID), "number": p.Number, "state": p.State, "locked": false,
		"title": p.Title, "body": p.Body, "draft": p.Draft, "merged": p.MergedSHA != "", "merge_commit_sha": p.MergedSHA, "user": ghUser(p.User),
		"head": ref(p.HeadRef, p.HeadSHA), "base": ref(p.BaseRef, p.BaseSHA),
		"url": fmt.Sprintf("%s/pulls/%d", api, p.Number), "issue_url": fmt.Sprintf("%s/issues/%d", api, p.Number),
		"comments_url": fmt.Sprintf("%s/issues/%d/comments", api, p.Number),
		"html_url":     fmt.Sprintf("%s/%s/%s/pull/%d", l.web, repo.Owner, repo.Name, p.Number),
		"created_at":   p.CreatedAt, "updated_at": p.UpdatedAt,
	}
}

func (l ghLinks) commentJSON(repo Repo, c Comment) map[string]any {
	api := l.api + "/repos/" + repo.Owner + "/" + repo.Name
	return map[string]any{
		"id": c.ID, "node_id": fmt.Sprintf("IC_%d", c.ID), "body": c.Body, "user": ghUser(c.User),
		"url":                fmt.Sprintf("%s/issues/comments/%d", api, c.ID),
		"issue_url":          fmt.Sprintf("%s/issues/%d", api, c.Issue),
		"html_url":           fmt.Sprintf("%s/%s/%s/pull/%d#issuecomment-%d", l.web, repo.Owner, repo.Name, c.Issue, c.ID),
		"author_association": "NONE", "created_at": c.CreatedAt, "updated_at": c.UpdatedAt,
	}
}

// Lookups.

func (s *Service) ghRepo(tx core.Tx, owner, name string) (Repo, error) {
	var repo Repo
	ok, err := tx.Get(BucketGitHubRepos, RepoKey(owner, name), &repo)
	if err != nil {
		return repo, err
	}
	if !ok {
		return repo, ghNotFound()
	}
	return repo, nil
}

func (s *Service) ghPull(tx core.Tx, owner, name string, number int) (Pull, error) {
	var p Pull
	ok, err := tx.Get(BucketGitHubPulls, PullKey(owner, name, number), &p)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, ghNotFound()
	}
	return p, nil
}

func pathInt(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, ghNotFound()
	}
	return n, nil
}

// decodeGitHubBody reads a JSON object body; GitHub answers 400 "Problems
// parsing JSON" to anything else.
func decodeGitHubBody(r *http.Request, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, core.MaxBodyBytes))
	if err == nil {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || raw[0] != '{' || !utf8.Valid(raw) {
			err = fmt.Errorf("not a UTF-8 JSON object")
		} else {
			err = json.Unmarshal(raw, v)
		}
	}
	if err != nil {
		return &GitHubError{Status: http.StatusBadRequest, Message: "Problems parsing JSON", DocURL: githubDocs}
	}
	return nil
}

// Handlers.

// getGitHubRepo is GET /repos/{owner}/{repo}.
func (s *Service) getGitHubRepo(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	var repo Repo
	err := s.Store().View(func(tx core.Tx) (err error) {
		repo, err = s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo"))
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, githubLinks(r).repoJSON(repo), nil
}

// getGitHubPull is GET /repos/{owner}/{repo}/pulls/{number}.
func (s *Service) getGitHubPull(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	n, err := pathInt(r, "number")
	if err != nil {
		return 0, nil, err
	}
	var repo Repo
	var p Pull
	err = s.Store().View(func(tx core.Tx) (err error) {
		if repo, err = s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo")); err != nil {
			return err
		}
		p, err = s.ghPull(tx, repo.Owner, repo.Name, int(n))
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, githubLinks(r).pullJSON(repo, p), nil
}

// getGitHubIssuesPath serves the two GET shapes under /issues/ that share
// a path pattern: /issues/comments/{id} (one comment) and
// /issues/{number}/comments (an issue's comments).
func (s *Service) getGitHubIssuesPath(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if r.PathValue("a") == "comments" {
		r.SetPathValue("comment_id", r.PathValue("b"))
		return s.getGitHubComment(w, r)
	}
	if r.PathValue("b") == "comments" {
		r.SetPathValue("number", r.PathValue("a"))
		return s.listGitHubComments(w, r)
	}
	return 0, nil, ghNotFound()
}

// listGitHubComments pages with page/per_page (default 30, at most 100) and a
// Link header, oldest first, as GitHub does.
func (s *Service) listGitHubComments(w http.ResponseWriter, r *http.Request) (int, any, error) {
	n, err := pathInt(r, "number")
	if err != nil {
		return 0, nil, err
	}
	perPage := queryIntDefault(r, "per_page", 30)
	switch {
	case perPage > 100:
		perPage = 100 // GitHub caps pages at 100 items
	case perPage <= 0:
		perPage = 30
	}
	pageNo := max(queryIntDefault(r, "page", 1), 1)
	var repo Repo
	var comments []Comment
	err = s.Store().View(func(tx core.Tx) (err error) {
		if repo, err = s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo")); err != nil {
			return err
		}
		if _, err = s.ghPull(tx, repo.Owner, repo.Name, int(n)); err != nil {
			return err
		}
		all, err := core.GetAll[Comment](tx, BucketGitHubComments, RepoKey(repo.Owner, repo.Name)+"/")
		for _, c := range all {
			if c.Issue == int(n) {
				comments = append(comments, c)
			}
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	last := max((len(comments)+perPage-1)/perPage, 1)
	start := min((pageNo-1)*perPage, len(comments))
	end := min(start+perPage, len(comments))
	if link := ghLinkHeader(r, pageNo, last, perPage); link != "" {
		w.Header().Set("Link", link)
	}
	l := githubLinks(r)
	out := make([]map[string]any, 0, end-start)
	for _, c := range comments[start:end] {
		out = append(out, l.commentJSON(repo, c))
	}
	return http.StatusOK, out, nil
}

// ghLinkHeader builds GitHub's pagination Link header (RFC 8288), which
// go-github parses into Response.NextPage/LastPage.
func ghLinkHeader(r *http.Request, page, last, perPage int) string {
	link := func(p int, rel string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		if r.TLS != nil {
			u.Scheme = "https"
		}
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(perPage))
		u.RawQuery = q.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var parts []string
	if page > 1 {
		parts = append(parts, link(page-1, "prev"), link(1, "first"))
	}
	if page < last {
		parts = append(parts, link(page+1, "next"), link(last, "last"))
	}
	return strings.Join(parts, ", ")
}

func queryIntDefault(r *http.Request, name string, def int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil {
		return def
	}
	return n
}

func (s *Service) getGitHubComment(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathInt(r, "comment_id")
	if err != nil {
		return 0, nil, err
	}
	var repo Repo
	var c Comment
	err = s.Store().View(func(tx core.Tx) (err error) {
		if repo, err = s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo")); err != nil {
			return err
		}
		ok, err := tx.Get(BucketGitHubComments, commentKey(repo.Owner, repo.Name, id), &c)
		if err == nil && !ok {
			err = ghNotFound()
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, githubLinks(r).commentJSON(repo, c), nil
}

type ghCommentRequest struct {
	Body *string `json:"body"`
}

// validCommentBody applies GitHub's rules: a body is required, and at most
// 65,536 characters.
func validCommentBody(req ghCommentRequest) error {
	if req.Body == nil || strings.TrimSpace(*req.Body) == "" {
		return ghValidation("IssueComment", "missing_field", "body", "")
	}
	if utf8.RuneCountInString(*req.Body) > maxCommentChars {
		return ghValidation("IssueComment", "custom", "body", fmt.Sprintf("body is too long (maximum is %d characters)", maxCommentChars))
	}
	return nil
}

// createGitHubComment is POST /repos/{owner}/{repo}/issues/{number}/comments.
func (s *Service) createGitHubComment(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	n, err := pathInt(r, "number")
	if err != nil {
		return 0, nil, err
	}
	var req ghCommentRequest
	if err := decodeGitHubBody(r, &req); err != nil {
		return 0, nil, err
	}
	var repo Repo
	var c Comment
	err = s.Store().Update(func(tx core.Tx) (err error) {
		if repo, err = s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo")); err != nil {
			return err
		}
		if _, err = s.ghPull(tx, repo.Owner, repo.Name, int(n)); err != nil {
			return err
		}
		if err := validCommentBody(req); err != nil {
			return err
		}
		seq, err := tx.NextSeq(BucketGitHubComments)
		if err != nil {
			return err
		}
		now := s.Now().UTC().Format(time.RFC3339)
		c = Comment{ID: 1_000_000_000 + int64(seq), Issue: int(n), Body: *req.Body, User: githubActor, CreatedAt: now, UpdatedAt: now}
		return tx.Put(BucketGitHubComments, commentKey(repo.Owner, repo.Name, c.ID), c)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, githubLinks(r).commentJSON(repo, c), nil
}

// updateGitHubComment is PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}.
func (s *Service) updateGitHubComment(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathInt(r, "comment_id")
	if err != nil {
		return 0, nil, err
	}
	var req ghCommentRequest
	if err := decodeGitHubBody(r, &req); err != nil {
		return 0, nil, err
	}
	var repo Repo
	var c Comment
	err = s.Store().Update(func(tx core.Tx) (err error) {
		if repo, err = s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo")); err != nil {
			return err
		}
		key := commentKey(repo.Owner, repo.Name, id)
		ok, err := tx.Get(BucketGitHubComments, key, &c)
		if err != nil {
			return err
		}
		if !ok {
			return ghNotFound()
		}
		if err := validCommentBody(req); err != nil {
			return err
		}
		c.Body, c.UpdatedAt = *req.Body, s.Now().UTC().Format(time.RFC3339)
		return tx.Put(BucketGitHubComments, key, c)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, githubLinks(r).commentJSON(repo, c), nil
}

// deleteGitHubComment is DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}: 204.
func (s *Service) deleteGitHubComment(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathInt(r, "comment_id")
	if err != nil {
		return 0, nil, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		repo, err := s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo"))
		if err != nil {
			return err
		}
		key := commentKey(repo.Owner, repo.Name, id)
		var c Comment
		ok, err := tx.Get(BucketGitHubComments, key, &c)
		if err != nil {
			return err
		}
		if !ok {
			return ghNotFound()
		}
		return tx.Delete(BucketGitHubComments, key)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// Operator endpoints: set up repositories and pull requests.

// GitHubRepoSeed is the body of POST /_emulator/github/repos.
type GitHubRepoSeed struct {
	Owner         string           `json:"owner"`
	Name          string           `json:"name"`
	DefaultBranch string           `json:"default_branch,omitempty"`
	Private       bool             `json:"private,omitempty"`
	Pulls         []GitHubPullSeed `json:"pulls,omitempty"`
}

// GitHubPullSeed is a pull request to create (POST
// /_emulator/github/repos/{owner}/{repo}/pulls, or inside a repo seed).
type GitHubPullSeed struct {
	Title   string `json:"title"`
	Body    string `json:"body,omitempty"`
	Head    string `json:"head"`
	Base    string `json:"base,omitempty"`
	HeadSHA string `json:"head_sha,omitempty"`
	User    string `json:"user,omitempty"`
	Draft   bool   `json:"draft,omitempty"`
}

// seedGitHubRepo creates a repository (and its pull requests); it answers
// the repository as GitHub renders it plus the pull requests created.
func (s *Service) seedGitHubRepo(r *http.Request) (any, error) {
	var req GitHubRepoSeed
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("owner", req.Owner); err != nil {
		return nil, err
	}
	if err := core.RequireString("name", req.Name); err != nil {
		return nil, err
	}
	if req.DefaultBranch == "" {
		req.DefaultBranch = "main"
	}
	var repo Repo
	var pulls []Pull
	err := s.Store().Update(func(tx core.Tx) error {
		var existing Repo
		if ok, err := tx.Get(BucketGitHubRepos, RepoKey(req.Owner, req.Name), &existing); err != nil || ok {
			if err == nil {
				err = core.AlreadyExists("Repository %s/%s already exists", req.Owner, req.Name)
			}
			return err
		}
		seq, err := tx.NextSeq(BucketGitHubRepos)
		if err != nil {
			return err
		}
		repo = Repo{ID: 500_000_000 + int64(seq), Owner: req.Owner, Name: req.Name, DefaultBranch: req.DefaultBranch,
			Private: req.Private, NextNumber: 1, CreatedAt: s.Now().UTC().Format(time.RFC3339)}
		for _, p := range req.Pulls {
			pull, err := s.addPull(tx, &repo, p)
			if err != nil {
				return err
			}
			pulls = append(pulls, pull)
		}
		return tx.Put(BucketGitHubRepos, RepoKey(repo.Owner, repo.Name), repo)
	})
	if err != nil {
		return nil, err
	}
	l := githubLinks(r)
	out := l.repoJSON(repo)
	var pullsJSON []map[string]any
	for _, p := range pulls {
		pullsJSON = append(pullsJSON, l.pullJSON(repo, p))
	}
	out["pulls"] = pullsJSON
	return out, nil
}

// seedGitHubPull opens a pull request in an existing repository.
func (s *Service) seedGitHubPull(r *http.Request) (any, error) {
	var req GitHubPullSeed
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	var repo Repo
	var pull Pull
	err := s.Store().Update(func(tx core.Tx) error {
		ok, err := tx.Get(BucketGitHubRepos, RepoKey(r.PathValue("owner"), r.PathValue("repo")), &repo)
		if err != nil {
			return err
		}
		if !ok {
			return core.NotFound("Repository %s/%s does not exist", r.PathValue("owner"), r.PathValue("repo"))
		}
		if pull, err = s.addPull(tx, &repo, req); err != nil {
			return err
		}
		return tx.Put(BucketGitHubRepos, RepoKey(repo.Owner, repo.Name), repo)
	})
	if err != nil {
		return nil, err
	}
	return githubLinks(r).pullJSON(repo, pull), nil
}

func (s *Service) addPull(tx core.Tx, repo *Repo, req GitHubPullSeed) (Pull, error) {
	if err := core.RequireString("title", req.Title); err != nil {
		return Pull{}, err
	}
	if err := core.RequireString("head", req.Head); err != nil {
		return Pull{}, err
	}
	if req.Base == "" {
		req.Base = repo.DefaultBranch
	}
	if req.User == "" {
		req.User = "octocat"
	}
	seq, err := tx.NextSeq(BucketGitHubPulls)
	if err != nil {
		return Pull{}, err
	}
	if req.HeadSHA == "" {
		req.HeadSHA = fmt.Sprintf("%040x", seq*0x9e3779b97f4a7c15)
	}
	now := s.Now().UTC().Format(time.RFC3339)
	p := Pull{ID: 1_500_000_000 + int64(seq), Number: repo.NextNumber, Title: req.Title, Body: req.Body, State: "open",
		Draft: req.Draft, User: req.User, HeadRef: req.Head, HeadSHA: req.HeadSHA, BaseRef: req.Base,
		BaseSHA: fmt.Sprintf("%040x", uint64(repo.ID)*0x9e3779b9), CreatedAt: now, UpdatedAt: now}
	repo.NextNumber++
	return p, tx.Put(BucketGitHubPulls, PullKey(repo.Owner, repo.Name, p.Number), p)
}

// Routes registers the GitHub REST API (github.go), under its own base
// path and with GitHub's auth and error shape, and the operator endpoints
// that seed it.
func (s *Service) Routes() {
	// GET /issues/{a}/{b} is one pattern
	// because /issues/comments/{id} and /issues/{number}/comments overlap.
	gh := s.githubRoute
	gh("GET /github/repos/{owner}/{repo}", s.getGitHubRepo)
	gh("GET /github/repos/{owner}/{repo}/pulls/{number}", s.getGitHubPull)
	gh("GET /github/repos/{owner}/{repo}/issues/{a}/{b}", s.getGitHubIssuesPath)
	gh("POST /github/repos/{owner}/{repo}/issues/{number}/comments", s.createGitHubComment)
	gh("PATCH /github/repos/{owner}/{repo}/issues/comments/{comment_id}", s.updateGitHubComment)
	gh("DELETE /github/repos/{owner}/{repo}/issues/comments/{comment_id}", s.deleteGitHubComment)
	// The git side (github_git.go): refs, contents, commits, pulls, reviews, teams.
	gh("GET /github/repos/{owner}/{repo}/git/ref/{ref...}", s.getGitHubRef)
	gh("POST /github/repos/{owner}/{repo}/git/refs", s.createGitHubRef)
	gh("DELETE /github/repos/{owner}/{repo}/git/refs/{ref...}", s.deleteGitHubRef)
	gh("GET /github/repos/{owner}/{repo}/contents/{path...}", s.getGitHubContents)
	gh("PUT /github/repos/{owner}/{repo}/contents/{path...}", s.putGitHubContents)
	gh("GET /github/repos/{owner}/{repo}/commits", s.listGitHubCommits)
	gh("GET /github/repos/{owner}/{repo}/pulls", s.listGitHubPulls)
	gh("POST /github/repos/{owner}/{repo}/pulls", s.createGitHubPull)
	gh("PUT /github/repos/{owner}/{repo}/pulls/{number}/merge", s.mergeGitHubPull)
	gh("GET /github/repos/{owner}/{repo}/pulls/{number}/reviews", s.listGitHubReviews)
	gh("GET /github/orgs/{org}/teams/{team_slug}/members", s.listGitHubTeamMembers)
	// Issues (github_issues.go), for drift reports.
	gh("GET /github/repos/{owner}/{repo}/issues", s.listGitHubIssues)
	gh("POST /github/repos/{owner}/{repo}/issues", s.createGitHubIssue)
	gh("PATCH /github/repos/{owner}/{repo}/issues/{number}", s.editGitHubIssue)
	op := s.OperatorRoute
	op("POST /_emulator/github/repos", s.seedGitHubRepo)
	op("POST /_emulator/github/repos/{owner}/{repo}/pulls", s.seedGitHubPull)
	op("POST /_emulator/github/repos/{owner}/{repo}/commits", s.seedGitHubCommit)
	op("POST /_emulator/github/repos/{owner}/{repo}/pulls/{number}/reviews", s.seedGitHubReview)
	op("PUT /_emulator/github/orgs/{org}/teams/{team_slug}", s.seedGitHubTeam)
	s.UnknownUnder(core.GitHubBase, s.githubUnknownRoute)
}
