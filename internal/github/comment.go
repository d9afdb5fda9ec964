package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/markdown"
)

// MaxCommentChars is GitHub's limit on a comment body, in characters.
const MaxCommentChars = 65536

// Marker is the hidden first line that identifies a BrickOps comment of
// one kind (key: "plan", "policy", ...), so a re-run finds and edits it.
func Marker(key string) string { return "<!-- brickops:" + key + " -->" }

// CommentResult says what UpsertComment did.
type CommentResult struct {
	ID        int64
	URL       string
	Created   bool
	Truncated bool
}

// UpsertComment creates or updates the pull request's comment with key's
// marker. The pull request is checked first so a wrong number fails with
// a clear message. Bodies over GitHub's limit are truncated with a note.
func UpsertComment(ctx context.Context, c *gh.Client, owner, repo string, pr int, key, body string) (*CommentResult, error) {
	if _, _, err := c.PullRequests.Get(ctx, owner, repo, pr); err != nil {
		if isNotFound(err) {
			return nil, exitcode.Invalidf("pull request #%d not found in %s/%s (or the token cannot see it)", pr, owner, repo)
		}
		return nil, fmt.Errorf("reading pull request #%d of %s/%s: %w", pr, owner, repo, describe(err))
	}
	marker := Marker(key)
	full, truncated := Truncate(marker+"\n"+body, MaxCommentChars)
	existing, err := findComment(ctx, c, owner, repo, pr, marker)
	if err != nil {
		return nil, err
	}
	comment := &gh.IssueComment{Body: gh.String(full)}
	res := &CommentResult{Truncated: truncated}
	var out *gh.IssueComment
	if existing != nil {
		out, _, err = c.Issues.EditComment(ctx, owner, repo, existing.GetID(), comment)
		if err != nil {
			return nil, fmt.Errorf("updating comment %d on %s/%s#%d: %w", existing.GetID(), owner, repo, pr, describe(err))
		}
	} else {
		out, _, err = c.Issues.CreateComment(ctx, owner, repo, pr, comment)
		if err != nil {
			return nil, fmt.Errorf("commenting on %s/%s#%d: %w", owner, repo, pr, describe(err))
		}
		res.Created = true
	}
	res.ID, res.URL = out.GetID(), out.GetHTMLURL()
	return res, nil
}

// Comment is the pull request's BrickOps comment with key's marker, or nil
// when there is none.
func (r Repo) Comment(ctx context.Context, pr int, key string) (*gh.IssueComment, error) {
	return findComment(ctx, r.Client, r.Owner, r.Name, pr, Marker(key))
}

// findComment pages through the pull request's comments for the first one
// that starts with marker. A comment merely quoting the marker (a reply)
// does not start with it.
func findComment(ctx context.Context, c *gh.Client, owner, repo string, pr int, marker string) (*gh.IssueComment, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		page, resp, err := c.Issues.ListComments(ctx, owner, repo, pr, opts)
		if err != nil {
			return nil, fmt.Errorf("listing comments of %s/%s#%d: %w", owner, repo, pr, describe(err))
		}
		for _, cm := range page {
			if strings.HasPrefix(cm.GetBody(), marker) {
				return cm, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

func isNotFound(err error) bool {
	var er *gh.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound
}

// Truncate cuts body to GitHub's comment limit (limit characters) with a
// note pointing at the job summary and logs.
func Truncate(body string, limit int) (string, bool) {
	return markdown.Truncate(body, limit, func(total int) string {
		return fmt.Sprintf("This comment was truncated to GitHub's %d-character limit (the full text has %d characters). "+
			"The complete output is in the workflow run's job summary and logs.", limit, total)
	})
}
