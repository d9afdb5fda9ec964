package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// Repo is a client bound to one repository: what promotion does on GitHub.
type Repo struct {
	Client      *gh.Client
	Owner, Name string
}

// FullName is owner/name.
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// DefaultBranch asks GitHub for the repository's default branch.
func (r Repo) DefaultBranch(ctx context.Context) (string, error) {
	repo, _, err := r.Client.Repositories.Get(ctx, r.Owner, r.Name)
	if err != nil {
		return "", fmt.Errorf("reading repository %s: %w", r.FullName(), describe(err))
	}
	return repo.GetDefaultBranch(), nil
}

// File reads path at ref (a branch or commit); found is false when the file
// does not exist there.
func (r Repo) File(ctx context.Context, path, ref string) (content []byte, found bool, err error) {
	fc, _, _, err := r.Client.Repositories.GetContents(ctx, r.Owner, r.Name, path, &gh.RepositoryContentGetOptions{Ref: ref})
	if isNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading %s at %s in %s: %w", path, ref, r.FullName(), describe(err))
	}
	s, err := fc.GetContent()
	if err != nil {
		return nil, false, fmt.Errorf("decoding %s at %s: %w", path, ref, err)
	}
	return []byte(s), true, nil
}

// Change is a one-file change proposed as a pull request.
type Change struct {
	Base, Branch string
	Path         string
	Content      []byte
	Message      string
	Title, Body  string
}

// OpenPullRequest creates Branch from Base, commits the file on it and opens
// the pull request. It is all or nothing: if a step after creating the
// branch fails, the branch is deleted again, so no branch is left without
// a pull request.
func (r Repo) OpenPullRequest(ctx context.Context, c Change) (pr *gh.PullRequest, err error) {
	ref, _, err := r.Client.Git.GetRef(ctx, r.Owner, r.Name, "heads/"+c.Base)
	if err != nil {
		return nil, fmt.Errorf("reading branch %s of %s: %w", c.Base, r.FullName(), describe(err))
	}
	if c.Branch, err = r.createBranch(ctx, c.Branch, ref.Object.GetSHA()); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			// Best effort: the error already says what failed.
			_, _ = r.Client.Git.DeleteRef(context.WithoutCancel(ctx), r.Owner, r.Name, "heads/"+c.Branch)
		}
	}()
	opts := &gh.RepositoryContentFileOptions{Message: gh.String(c.Message), Content: c.Content, Branch: gh.String(c.Branch)}
	existing, _, _, err := r.Client.Repositories.GetContents(ctx, r.Owner, r.Name, c.Path, &gh.RepositoryContentGetOptions{Ref: c.Branch})
	switch {
	case err == nil:
		opts.SHA = existing.SHA
		_, _, err = r.Client.Repositories.UpdateFile(ctx, r.Owner, r.Name, c.Path, opts)
	case isNotFound(err):
		_, _, err = r.Client.Repositories.CreateFile(ctx, r.Owner, r.Name, c.Path, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("committing %s on %s: %w", c.Path, c.Branch, describe(err))
	}
	pr, _, err = r.Client.PullRequests.Create(ctx, r.Owner, r.Name, &gh.NewPullRequest{
		Title: gh.String(c.Title), Head: gh.String(c.Branch), Base: gh.String(c.Base), Body: gh.String(c.Body),
	})
	if err != nil {
		return nil, fmt.Errorf("opening the pull request from %s: %w", c.Branch, describe(err))
	}
	return pr, nil
}

// createBranch creates branch at sha. A branch of that name left over
// from an earlier, merged or closed proposal gets a numbered sibling
// (name-2, name-3, …); one with an open pull request is an error pointing
// at it.
func (r Repo) createBranch(ctx context.Context, name, sha string) (string, error) {
	for n := 1; n <= 20; n++ {
		branch := name
		if n > 1 {
			branch = fmt.Sprintf("%s-%d", name, n)
		}
		_, _, err := r.Client.Git.CreateRef(ctx, r.Owner, r.Name, &gh.Reference{
			Ref: gh.String("refs/heads/" + branch), Object: &gh.GitObject{SHA: gh.String(sha)},
		})
		if err == nil {
			return branch, nil
		}
		if existing, _ := r.openPull(ctx, branch); existing != nil {
			return "", fmt.Errorf("branch %s already has an open pull request: %s (close it, or review that one)", branch, existing.GetHTMLURL())
		}
		var er *gh.ErrorResponse
		if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusUnprocessableEntity {
			return "", fmt.Errorf("creating branch %s in %s: %w", branch, r.FullName(), describe(err))
		}
	}
	return "", fmt.Errorf("creating a branch for %s in %s: %s and 19 numbered siblings already exist; delete merged branches", name, r.FullName(), name)
}

func (r Repo) openPull(ctx context.Context, branch string) (*gh.PullRequest, error) {
	pulls, _, err := r.Client.PullRequests.List(ctx, r.Owner, r.Name, &gh.PullRequestListOptions{State: "open", Head: r.Owner + ":" + branch})
	if err != nil || len(pulls) == 0 {
		return nil, err
	}
	return pulls[0], nil
}

// PullRequest reads pull request number.
func (r Repo) PullRequest(ctx context.Context, number int) (*gh.PullRequest, error) {
	pr, _, err := r.Client.PullRequests.Get(ctx, r.Owner, r.Name, number)
	if err != nil {
		return nil, fmt.Errorf("reading pull request #%d of %s: %w", number, r.FullName(), describe(err))
	}
	return pr, nil
}

// Reviews lists every review of pull request number, oldest first.
func (r Repo) Reviews(ctx context.Context, number int) ([]*gh.PullRequestReview, error) {
	var all []*gh.PullRequestReview
	opts := &gh.ListOptions{PerPage: 100}
	for {
		page, resp, err := r.Client.PullRequests.ListReviews(ctx, r.Owner, r.Name, number, opts)
		if err != nil {
			return nil, fmt.Errorf("listing reviews of #%d: %w", number, describe(err))
		}
		all = append(all, page...)
		if resp.NextPage == 0 {
			return all, nil
		}
		opts.Page = resp.NextPage
	}
}

// ExpandReviewers turns reviewer entries — logins, "@login", "org/team" —
// into logins. A team that does not exist (or that the token cannot see)
// is an error naming it: silently approving with nobody would be worse.
func (r Repo) ExpandReviewers(ctx context.Context, reviewers []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(login string) {
		if k := strings.ToLower(login); !seen[k] {
			seen[k] = true
			out = append(out, login)
		}
	}
	for _, entry := range reviewers {
		entry = strings.TrimPrefix(entry, "@")
		org, team, isTeam := strings.Cut(entry, "/")
		if !isTeam {
			add(entry)
			continue
		}
		opts := &gh.TeamListTeamMembersOptions{ListOptions: gh.ListOptions{PerPage: 100}}
		for {
			members, resp, err := r.Client.Teams.ListTeamMembersBySlug(ctx, org, team, opts)
			if isNotFound(err) {
				return nil, fmt.Errorf("reviewer team %s does not exist (or the token cannot read it: it needs read:org)", entry)
			}
			if err != nil {
				return nil, fmt.Errorf("listing members of team %s: %w", entry, describe(err))
			}
			for _, m := range members {
				add(m.GetLogin())
			}
			if resp.NextPage == 0 {
				break
			}
			opts.Page = resp.NextPage
		}
	}
	return out, nil
}

// Revision is a commit that changed a file, with the file's content then.
type Revision struct {
	SHA     string
	Message string
	Content []byte
}

// History returns the revisions of path on ref, newest first (at most limit).
func (r Repo) History(ctx context.Context, path, ref string, limit int) ([]Revision, error) {
	commits, _, err := r.Client.Repositories.ListCommits(ctx, r.Owner, r.Name, &gh.CommitsListOptions{SHA: ref, Path: path, ListOptions: gh.ListOptions{PerPage: limit}})
	if err != nil {
		return nil, fmt.Errorf("listing the history of %s: %w", path, describe(err))
	}
	var out []Revision
	for _, c := range commits {
		content, found, err := r.File(ctx, path, c.GetSHA())
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, Revision{SHA: c.GetSHA(), Message: c.GetCommit().GetMessage(), Content: content})
		}
	}
	return out, nil
}
