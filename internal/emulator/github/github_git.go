package github

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// The git side of the GitHub family: branches and commits, the contents
// API, refs, pull request creation, listing and merging, reviews and team
// membership — what `brickops promote`, `gate` and `rollback` call through
// go-github (v60: git_refs.go, repos_contents.go, repos_commits.go,
// pulls.go, pulls_reviews.go, teams_members.go). A commit stores its whole
// tree (path → content): user repositories here are a few small files.
// Blob SHAs are real git blob hashes, so a client may compare them.

const (
	bucketGitHubCommits  = "github_commits"
	bucketGitHubBranches = "github_branches"
	BucketGitHubReviews  = "github_reviews"
	bucketGitHubTeams    = "github_teams"
)

type ghCommit struct {
	SHA     string            `json:"sha"`
	Parents []string          `json:"parents"`
	Message string            `json:"message"`
	Author  string            `json:"author"`
	Date    string            `json:"date"`
	Tree    map[string]string `json:"tree"`
	// Changed are the paths this commit added, modified or deleted.
	Changed []string `json:"changed"`
}

// Review is a stored pull request review.
type Review struct {
	ID          int64  `json:"id"`
	User        string `json:"user"`
	State       string `json:"state"`
	Body        string `json:"body"`
	CommitID    string `json:"commit_id"`
	SubmittedAt string `json:"submitted_at"`
}

type ghTeam struct {
	Org     string   `json:"org"`
	Slug    string   `json:"slug"`
	Members []string `json:"members"`
}

func branchKey(owner, repo, branch string) string { return RepoKey(owner, repo) + "@" + branch }
func commitKey(owner, repo, sha string) string    { return RepoKey(owner, repo) + "/" + sha }
func teamKey(org, slug string) string             { return strings.ToLower(org + "/" + slug) }

func blobSHA(content string) string {
	sum := sha1.Sum([]byte(fmt.Sprintf("blob %d\x00%s", len(content), content)))
	return hex.EncodeToString(sum[:])
}

// BranchHead returns the commit a branch points at.
func (s *Service) BranchHead(tx core.Tx, owner, repo, branch string) (ghCommit, error) {
	var sha string
	ok, err := tx.Get(bucketGitHubBranches, branchKey(owner, repo, branch), &sha)
	if err != nil {
		return ghCommit{}, err
	}
	if !ok {
		return ghCommit{}, &GitHubError{Status: http.StatusNotFound, Message: "Branch not found", DocURL: githubDocs}
	}
	return s.Commit(tx, owner, repo, sha)
}

// Commit loads a commit of owner/repo by sha.
func (s *Service) Commit(tx core.Tx, owner, repo, sha string) (ghCommit, error) {
	var c ghCommit
	ok, err := tx.Get(bucketGitHubCommits, commitKey(owner, repo, sha), &c)
	if err != nil {
		return c, err
	}
	if !ok {
		return c, &GitHubError{Status: http.StatusNotFound, Message: "No commit found for SHA: " + sha, DocURL: githubDocs}
	}
	return c, nil
}

// resolveRef finds the commit for a branch name or a commit SHA ("" is the
// default branch), as the contents and commits APIs accept.
func (s *Service) resolveRef(tx core.Tx, repo Repo, ref string) (ghCommit, error) {
	if ref == "" {
		ref = repo.DefaultBranch
	}
	ref = strings.TrimPrefix(ref, "refs/heads/")
	c, err := s.BranchHead(tx, repo.Owner, repo.Name, ref)
	if err == nil {
		return c, nil
	}
	if c, cerr := s.Commit(tx, repo.Owner, repo.Name, ref); cerr == nil {
		return c, nil
	}
	return ghCommit{}, &GitHubError{Status: http.StatusNotFound, Message: "No commit found for the ref " + ref, DocURL: githubDocs}
}

// commitFiles records a commit on branch (created from the default branch
// when missing) that sets files (empty content deletes), moves the branch
// and every open pull request whose head it is.
func (s *Service) commitFiles(tx core.Tx, repo Repo, branch, message, author string, files map[string]*string) (ghCommit, error) {
	tree := map[string]string{}
	var parents []string
	head, err := s.BranchHead(tx, repo.Owner, repo.Name, branch)
	switch {
	case err == nil:
		tree, parents = maps.Clone(head.Tree), []string{head.SHA}
	case branch != repo.DefaultBranch:
		if base, berr := s.BranchHead(tx, repo.Owner, repo.Name, repo.DefaultBranch); berr == nil {
			tree, parents = maps.Clone(base.Tree), []string{base.SHA}
		}
	}
	var changed []string
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if files[p] == nil {
			delete(tree, p)
		} else {
			tree[p] = *files[p]
		}
		changed = append(changed, p)
	}
	now := s.Now().UTC()
	h := sha1.New()
	fmt.Fprintf(h, "%v|%s|%s|%d", parents, message, author, now.UnixNano())
	for _, p := range slices.Sorted(maps.Keys(tree)) {
		fmt.Fprintf(h, "|%s=%s", p, blobSHA(tree[p]))
	}
	c := ghCommit{SHA: hex.EncodeToString(h.Sum(nil)), Parents: parents, Message: message, Author: author,
		Date: now.Format(time.RFC3339), Tree: tree, Changed: changed}
	if err := tx.Put(bucketGitHubCommits, commitKey(repo.Owner, repo.Name, c.SHA), c); err != nil {
		return c, err
	}
	if err := tx.Put(bucketGitHubBranches, branchKey(repo.Owner, repo.Name, branch), c.SHA); err != nil {
		return c, err
	}
	return c, s.movePullHeads(tx, repo, branch, c.SHA)
}

// movePullHeads points open pull requests from branch at sha: a push to a
// pull request's branch changes its head, which invalidates old approvals.
func (s *Service) movePullHeads(tx core.Tx, repo Repo, branch, sha string) error {
	pulls, err := core.GetAll[Pull](tx, BucketGitHubPulls, RepoKey(repo.Owner, repo.Name)+"#")
	if err != nil {
		return err
	}
	for _, p := range pulls {
		if p.State == "open" && p.HeadRef == branch {
			p.HeadSHA, p.UpdatedAt = sha, s.Now().UTC().Format(time.RFC3339)
			if err := tx.Put(BucketGitHubPulls, PullKey(repo.Owner, repo.Name, p.Number), p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l ghLinks) commitJSON(repo Repo, c ghCommit) map[string]any {
	api := l.api + "/repos/" + repo.Owner + "/" + repo.Name
	var parents []map[string]any
	for _, p := range c.Parents {
		parents = append(parents, map[string]any{"sha": p, "url": api + "/commits/" + p})
	}
	person := map[string]any{"name": c.Author, "email": c.Author + "@users.noreply.github.com", "date": c.Date}
	return map[string]any{
		"sha": c.SHA, "node_id": "C_" + c.SHA[:12], "url": api + "/commits/" + c.SHA,
		"html_url": l.web + "/" + repo.Owner + "/" + repo.Name + "/commit/" + c.SHA,
		"commit":   map[string]any{"message": c.Message, "author": person, "committer": person, "url": api + "/git/commits/" + c.SHA},
		"author":   ghUser(c.Author), "committer": ghUser(c.Author), "parents": parents,
	}
}

func (l ghLinks) contentJSON(repo Repo, path, content, ref string) map[string]any {
	api := l.api + "/repos/" + repo.Owner + "/" + repo.Name
	name := path[strings.LastIndex(path, "/")+1:]
	return map[string]any{
		"type": "file", "encoding": "base64", "size": len(content), "name": name, "path": path,
		"content": base64.StdEncoding.EncodeToString([]byte(content)), "sha": blobSHA(content),
		"url":      api + "/contents/" + path + "?ref=" + ref,
		"html_url": l.web + "/" + repo.Owner + "/" + repo.Name + "/blob/" + ref + "/" + path,
	}
}

func (l ghLinks) refJSON(repo Repo, ref, sha string) map[string]any {
	api := l.api + "/repos/" + repo.Owner + "/" + repo.Name
	return map[string]any{"ref": ref, "node_id": "REF_" + sha[:12], "url": api + "/git/" + ref,
		"object": map[string]any{"type": "commit", "sha": sha, "url": api + "/git/commits/" + sha}}
}

func (l ghLinks) reviewJSON(repo Repo, pull int, rv Review) map[string]any {
	return map[string]any{
		"id": rv.ID, "node_id": fmt.Sprintf("PRR_%d", rv.ID), "user": ghUser(rv.User), "body": rv.Body,
		"state": rv.State, "commit_id": rv.CommitID, "submitted_at": rv.SubmittedAt, "author_association": "MEMBER",
		"html_url":         fmt.Sprintf("%s/%s/%s/pull/%d#pullrequestreview-%d", l.web, repo.Owner, repo.Name, pull, rv.ID),
		"pull_request_url": fmt.Sprintf("%s/repos/%s/%s/pulls/%d", l.api, repo.Owner, repo.Name, pull),
	}
}

// viewRepo runs fn on the request's repository in a read transaction.
func (s *Service) viewRepo(r *http.Request, fn func(tx core.Tx, repo Repo) error) error {
	return s.Store().View(func(tx core.Tx) error {
		repo, err := s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo"))
		if err != nil {
			return err
		}
		return fn(tx, repo)
	})
}

// updateRepo runs fn on the request's repository in a write transaction.
func (s *Service) updateRepo(r *http.Request, fn func(tx core.Tx, repo *Repo) error) error {
	return s.Store().Update(func(tx core.Tx) error {
		repo, err := s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo"))
		if err != nil {
			return err
		}
		return fn(tx, &repo)
	})
}

// getGitHubRef is GET /repos/{owner}/{repo}/git/ref/{ref...} (e.g. heads/main).
func (s *Service) getGitHubRef(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	branch, ok := strings.CutPrefix(r.PathValue("ref"), "heads/")
	if !ok {
		return 0, nil, ghNotFound()
	}
	var out map[string]any
	err := s.viewRepo(r, func(tx core.Tx, repo Repo) error {
		c, err := s.BranchHead(tx, repo.Owner, repo.Name, branch)
		if err != nil {
			return ghNotFound()
		}
		out = githubLinks(r).refJSON(repo, "refs/heads/"+branch, c.SHA)
		return nil
	})
	return http.StatusOK, out, err
}

// createGitHubRef is POST /repos/{owner}/{repo}/git/refs {"ref", "sha"}.
func (s *Service) createGitHubRef(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	var req struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	}
	if err := decodeGitHubBody(r, &req); err != nil {
		return 0, nil, err
	}
	branch, ok := strings.CutPrefix(req.Ref, "refs/heads/")
	if !ok || branch == "" || strings.ContainsAny(branch, " ~^:?*[\\") {
		return 0, nil, &GitHubError{Status: http.StatusUnprocessableEntity, Message: "Reference name must start with 'refs/' and have at least two slashes.", DocURL: githubDocs}
	}
	var out map[string]any
	err := s.updateRepo(r, func(tx core.Tx, repo *Repo) error {
		if _, err := s.BranchHead(tx, repo.Owner, repo.Name, branch); err == nil {
			return &GitHubError{Status: http.StatusUnprocessableEntity, Message: "Reference already exists", DocURL: githubDocs}
		}
		if _, err := s.Commit(tx, repo.Owner, repo.Name, req.SHA); err != nil {
			return &GitHubError{Status: http.StatusUnprocessableEntity, Message: "Object does not exist", DocURL: githubDocs}
		}
		out = githubLinks(r).refJSON(*repo, req.Ref, req.SHA)
		return tx.Put(bucketGitHubBranches, branchKey(repo.Owner, repo.Name, branch), req.SHA)
	})
	return http.StatusCreated, out, err
}

// deleteGitHubRef is DELETE /repos/{owner}/{repo}/git/refs/{ref...}.
func (s *Service) deleteGitHubRef(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	branch, ok := strings.CutPrefix(r.PathValue("ref"), "heads/")
	if !ok {
		return 0, nil, &GitHubError{Status: http.StatusUnprocessableEntity, Message: "Reference does not exist", DocURL: githubDocs}
	}
	err := s.updateRepo(r, func(tx core.Tx, repo *Repo) error {
		if _, err := s.BranchHead(tx, repo.Owner, repo.Name, branch); err != nil {
			return &GitHubError{Status: http.StatusUnprocessableEntity, Message: "Reference does not exist", DocURL: githubDocs}
		}
		return tx.Delete(bucketGitHubBranches, branchKey(repo.Owner, repo.Name, branch))
	})
	return http.StatusNoContent, nil, err
}

// getGitHubContents is GET /repos/{owner}/{repo}/contents/{path...}?ref=.
func (s *Service) getGitHubContents(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	path, ref := r.PathValue("path"), r.URL.Query().Get("ref")
	var out map[string]any
	err := s.viewRepo(r, func(tx core.Tx, repo Repo) error {
		c, err := s.resolveRef(tx, repo, ref)
		if err != nil {
			return err
		}
		content, ok := c.Tree[path]
		if !ok {
			return ghNotFound()
		}
		if ref == "" {
			ref = repo.DefaultBranch
		}
		out = githubLinks(r).contentJSON(repo, path, content, ref)
		return nil
	})
	return http.StatusOK, out, err
}

// putGitHubContents is PUT /repos/{owner}/{repo}/contents/{path...}: create
// a file, or update it when "sha" names its current blob (GitHub answers
// 422 when an existing file's sha is missing, 409 when it is stale).
func (s *Service) putGitHubContents(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	var req struct {
		Message string `json:"message"`
		Content string `json:"content"`
		SHA     string `json:"sha"`
		Branch  string `json:"branch"`
	}
	if err := decodeGitHubBody(r, &req); err != nil {
		return 0, nil, err
	}
	path := r.PathValue("path")
	if req.Message == "" {
		return 0, nil, ghValidation("Commit", "missing_field", "message", "message is required")
	}
	raw, err := base64.StdEncoding.DecodeString(req.Content)
	if err != nil {
		return 0, nil, ghValidation("Commit", "invalid", "content", "content is not valid Base64")
	}
	status := http.StatusCreated
	var out map[string]any
	err = s.updateRepo(r, func(tx core.Tx, repo *Repo) error {
		branch := req.Branch
		if branch == "" {
			branch = repo.DefaultBranch
		}
		head, err := s.BranchHead(tx, repo.Owner, repo.Name, branch)
		if err != nil && branch != repo.DefaultBranch {
			return &GitHubError{Status: http.StatusNotFound, Message: "Branch " + branch + " not found", DocURL: githubDocs}
		}
		if existing, ok := head.Tree[path]; ok {
			switch {
			case req.SHA == "":
				return ghValidation("Commit", "missing_field", "sha", "\"sha\" wasn't supplied.")
			case req.SHA != blobSHA(existing):
				return &GitHubError{Status: http.StatusConflict, Message: fmt.Sprintf("%s does not match %s", path, req.SHA), DocURL: githubDocs}
			}
			status = http.StatusOK
		}
		content := string(raw)
		c, err := s.commitFiles(tx, *repo, branch, req.Message, githubActor, map[string]*string{path: &content})
		if err != nil {
			return err
		}
		l := githubLinks(r)
		out = map[string]any{"content": l.contentJSON(*repo, path, content, branch), "commit": l.commitJSON(*repo, c)}
		return nil
	})
	return status, out, err
}

// listGitHubCommits is GET /repos/{owner}/{repo}/commits?sha=&path=, newest first.
func (s *Service) listGitHubCommits(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	path := r.URL.Query().Get("path")
	out := []map[string]any{}
	err := s.viewRepo(r, func(tx core.Tx, repo Repo) error {
		c, err := s.resolveRef(tx, repo, r.URL.Query().Get("sha"))
		if err != nil {
			return err
		}
		l := githubLinks(r)
		for {
			if path == "" || slices.Contains(c.Changed, path) {
				out = append(out, l.commitJSON(repo, c))
			}
			if len(c.Parents) == 0 || len(out) >= 100 {
				return nil
			}
			if c, err = s.Commit(tx, repo.Owner, repo.Name, c.Parents[0]); err != nil {
				return err
			}
		}
	})
	return http.StatusOK, out, err
}

// createGitHubPull is POST /repos/{owner}/{repo}/pulls.
func (s *Service) createGitHubPull(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	var req struct {
		Title string `json:"title"`
		Head  string `json:"head"`
		Base  string `json:"base"`
		Body  string `json:"body"`
		Draft bool   `json:"draft"`
	}
	if err := decodeGitHubBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Title == "" {
		return 0, nil, ghValidation("PullRequest", "missing_field", "title", "")
	}
	var out map[string]any
	err := s.updateRepo(r, func(tx core.Tx, repo *Repo) error {
		head := req.Head
		if _, branch, ok := strings.Cut(head, ":"); ok {
			head = branch
		}
		if req.Base == "" {
			req.Base = repo.DefaultBranch
		}
		hc, err := s.BranchHead(tx, repo.Owner, repo.Name, head)
		if err != nil {
			return ghValidation("PullRequest", "invalid", "head", "")
		}
		bc, err := s.BranchHead(tx, repo.Owner, repo.Name, req.Base)
		if err != nil {
			return ghValidation("PullRequest", "invalid", "base", "")
		}
		pulls, err := core.GetAll[Pull](tx, BucketGitHubPulls, RepoKey(repo.Owner, repo.Name)+"#")
		if err != nil {
			return err
		}
		for _, p := range pulls {
			if p.State == "open" && p.HeadRef == head && p.BaseRef == req.Base {
				return ghValidation("PullRequest", "custom", "", fmt.Sprintf("A pull request already exists for %s:%s.", repo.Owner, head))
			}
		}
		p, err := s.addPull(tx, repo, GitHubPullSeed{Title: req.Title, Body: req.Body, Head: head, Base: req.Base,
			HeadSHA: hc.SHA, User: githubActor, Draft: req.Draft})
		if err != nil {
			return err
		}
		// base.sha is the base branch's tip when the PR was opened.
		p.BaseSHA = bc.SHA
		if err := tx.Put(BucketGitHubPulls, PullKey(repo.Owner, repo.Name, p.Number), p); err != nil {
			return err
		}
		out = githubLinks(r).pullJSON(*repo, p)
		return tx.Put(BucketGitHubRepos, RepoKey(repo.Owner, repo.Name), *repo)
	})
	return http.StatusCreated, out, err
}

// listGitHubPulls is GET /repos/{owner}/{repo}/pulls?state=&head=owner:branch&base=.
func (s *Service) listGitHubPulls(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	_, head, _ := strings.Cut(q.Get("head"), ":")
	out := []map[string]any{}
	err := s.viewRepo(r, func(tx core.Tx, repo Repo) error {
		pulls, err := core.GetAll[Pull](tx, BucketGitHubPulls, RepoKey(repo.Owner, repo.Name)+"#")
		if err != nil {
			return err
		}
		l := githubLinks(r)
		for _, p := range slices.Backward(pulls) {
			if (state == "all" || p.State == state) && (head == "" || p.HeadRef == head) && (q.Get("base") == "" || p.BaseRef == q.Get("base")) {
				out = append(out, l.pullJSON(repo, p))
			}
		}
		return nil
	})
	return http.StatusOK, out, err
}

// mergeGitHubPull is PUT /repos/{owner}/{repo}/pulls/{number}/merge: the
// base branch gets a merge commit carrying the head's tree.
func (s *Service) mergeGitHubPull(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	n, err := pathInt(r, "number")
	if err != nil {
		return 0, nil, err
	}
	var out map[string]any
	err = s.updateRepo(r, func(tx core.Tx, repo *Repo) error {
		p, err := s.ghPull(tx, repo.Owner, repo.Name, int(n))
		if err != nil {
			return err
		}
		if p.State != "open" {
			return &GitHubError{Status: http.StatusMethodNotAllowed, Message: "Pull Request is not mergeable", DocURL: githubDocs}
		}
		head, err := s.BranchHead(tx, repo.Owner, repo.Name, p.HeadRef)
		if err != nil {
			return err
		}
		base, err := s.BranchHead(tx, repo.Owner, repo.Name, p.BaseRef)
		if err != nil {
			return err
		}
		files := map[string]*string{}
		for path, content := range head.Tree {
			if base.Tree[path] != content {
				files[path] = &content
			}
		}
		for path := range base.Tree {
			if _, ok := head.Tree[path]; !ok {
				files[path] = nil
			}
		}
		msg := fmt.Sprintf("Merge pull request #%d from %s/%s\n\n%s", p.Number, repo.Owner, p.HeadRef, p.Title)
		c, err := s.commitFiles(tx, *repo, p.BaseRef, msg, githubActor, files)
		if err != nil {
			return err
		}
		p.State, p.UpdatedAt = "closed", s.Now().UTC().Format(time.RFC3339)
		p.MergedSHA = c.SHA
		out = map[string]any{"sha": c.SHA, "merged": true, "message": "Pull Request successfully merged"}
		return tx.Put(BucketGitHubPulls, PullKey(repo.Owner, repo.Name, p.Number), p)
	})
	return http.StatusOK, out, err
}

// listGitHubReviews is GET /repos/{owner}/{repo}/pulls/{number}/reviews, oldest first.
func (s *Service) listGitHubReviews(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	n, err := pathInt(r, "number")
	if err != nil {
		return 0, nil, err
	}
	out := []map[string]any{}
	err = s.viewRepo(r, func(tx core.Tx, repo Repo) error {
		if _, err := s.ghPull(tx, repo.Owner, repo.Name, int(n)); err != nil {
			return err
		}
		reviews, err := core.GetAll[Review](tx, BucketGitHubReviews, PullKey(repo.Owner, repo.Name, int(n))+"/")
		if err != nil {
			return err
		}
		for _, rv := range reviews {
			out = append(out, githubLinks(r).reviewJSON(repo, int(n), rv))
		}
		return nil
	})
	return http.StatusOK, out, err
}

// listGitHubTeamMembers is GET /orgs/{org}/teams/{team_slug}/members.
func (s *Service) listGitHubTeamMembers(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	var team ghTeam
	err := s.Store().View(func(tx core.Tx) error {
		ok, err := tx.Get(bucketGitHubTeams, teamKey(r.PathValue("org"), r.PathValue("team_slug")), &team)
		if err == nil && !ok {
			err = ghNotFound()
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	out := []map[string]any{}
	for _, m := range team.Members {
		out = append(out, ghUser(m))
	}
	return http.StatusOK, out, nil
}

// Operator endpoints: what people do in the GitHub UI — push commits,
// review pull requests, manage teams.

// GitHubPush is the body of POST /_emulator/github/repos/{owner}/{repo}/commits.
type GitHubPush struct {
	Branch  string `json:"branch,omitempty"`
	Message string `json:"message"`
	Author  string `json:"author,omitempty"`
	// Files maps paths to new content; null deletes the file.
	Files map[string]*string `json:"files"`
}

func (s *Service) seedGitHubCommit(r *http.Request) (any, error) {
	var req GitHubPush
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("message", req.Message); err != nil {
		return nil, err
	}
	if req.Author == "" {
		req.Author = "octocat"
	}
	var out map[string]any
	err := s.Store().Update(func(tx core.Tx) error {
		repo, err := s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo"))
		if err != nil {
			return core.NotFound("Repository %s/%s does not exist", r.PathValue("owner"), r.PathValue("repo"))
		}
		if req.Branch == "" {
			req.Branch = repo.DefaultBranch
		}
		c, err := s.commitFiles(tx, repo, req.Branch, req.Message, req.Author, req.Files)
		if err != nil {
			return err
		}
		out = githubLinks(r).commitJSON(repo, c)
		return nil
	})
	return out, err
}

// GitHubReviewSeed is the body of POST /_emulator/github/repos/{owner}/{repo}/pulls/{number}/reviews.
type GitHubReviewSeed struct {
	User  string `json:"user"`
	State string `json:"state"` // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
	Body  string `json:"body,omitempty"`
	// CommitID defaults to the pull request's current head.
	CommitID string `json:"commit_id,omitempty"`
}

func (s *Service) seedGitHubReview(r *http.Request) (any, error) {
	var req GitHubReviewSeed
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("user", req.User); err != nil {
		return nil, err
	}
	if !slices.Contains([]string{"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"}, req.State) {
		return nil, core.InvalidParam("state must be APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED, got %q", req.State)
	}
	n, err := pathInt(r, "number")
	if err != nil {
		return nil, core.NotFound("Pull request %s does not exist", r.PathValue("number"))
	}
	var out map[string]any
	err = s.Store().Update(func(tx core.Tx) error {
		repo, err := s.ghRepo(tx, r.PathValue("owner"), r.PathValue("repo"))
		if err != nil {
			return core.NotFound("Repository %s/%s does not exist", r.PathValue("owner"), r.PathValue("repo"))
		}
		p, err := s.ghPull(tx, repo.Owner, repo.Name, int(n))
		if err != nil {
			return core.NotFound("Pull request %d does not exist", n)
		}
		if req.CommitID == "" {
			req.CommitID = p.HeadSHA
		}
		seq, err := tx.NextSeq(BucketGitHubReviews)
		if err != nil {
			return err
		}
		rv := Review{ID: 2_000_000_000 + int64(seq), User: req.User, State: req.State, Body: req.Body,
			CommitID: req.CommitID, SubmittedAt: s.Now().UTC().Format(time.RFC3339Nano)}
		out = githubLinks(r).reviewJSON(repo, p.Number, rv)
		return tx.Put(BucketGitHubReviews, fmt.Sprintf("%s/%012d", PullKey(repo.Owner, repo.Name, p.Number), rv.ID), rv)
	})
	return out, err
}

// seedGitHubTeam is PUT /_emulator/github/orgs/{org}/teams/{team_slug} {"members": [...]}.
func (s *Service) seedGitHubTeam(r *http.Request) (any, error) {
	var req struct {
		Members []string `json:"members"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	team := ghTeam{Org: r.PathValue("org"), Slug: r.PathValue("team_slug"), Members: req.Members}
	err := s.Store().Update(func(tx core.Tx) error { return tx.Put(bucketGitHubTeams, teamKey(team.Org, team.Slug), team) })
	return team, err
}
