package promote

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/github"
)

// PinStore reads and proposes pin files: in a local checkout, or through
// GitHub as a pull request.
type PinStore interface {
	// Read returns an environment's pins as merged (the default branch).
	Read(ctx context.Context, env string) (Pins, error)
	// History returns the environment's earlier pins, newest first.
	History(ctx context.Context, env string) ([]Pins, error)
	// Propose records new pins and says where (a file, or a PR URL).
	Propose(ctx context.Context, env string, pins Pins, p Proposal) (string, error)
}

// Proposal describes a change of pins for a reviewer.
type Proposal struct {
	Branch, Title, Body, Message string
}

// pinRelPath is the pin file's path inside the repository.
func pinRelPath(env string) string {
	return filepath.ToSlash(filepath.Join("environments", env, "models.auto.tfvars.json"))
}

// LocalPins edits the pin files of a checkout at Root.
type LocalPins struct{ Root string }

func (l LocalPins) Read(_ context.Context, env string) (Pins, error) {
	return ReadPins(PinPath(l.Root, env))
}

func (l LocalPins) Propose(_ context.Context, env string, pins Pins, _ Proposal) (string, error) {
	path := PinPath(l.Root, env)
	return path, WritePins(path, pins)
}

// History reads the pin file's committed revisions with git.
func (l LocalPins) History(ctx context.Context, env string) ([]Pins, error) {
	rel := pinRelPath(env)
	out, err := exec.CommandContext(ctx, "git", "-C", l.Root, "log", "--format=%H", "--", rel).Output()
	if err != nil {
		return nil, fmt.Errorf("reading the git history of %s: %w (is %s a git checkout?)", rel, err, l.Root)
	}
	var history []Pins
	for _, sha := range strings.Fields(string(out)) {
		raw, err := exec.CommandContext(ctx, "git", "-C", l.Root, "show", sha+":"+rel).Output()
		if err != nil {
			continue // the file did not exist at that commit
		}
		p, err := ParsePins(rel+"@"+sha[:7], raw)
		if err != nil {
			return nil, err
		}
		history = append(history, p)
	}
	return history, nil
}

// GitHubPins reads pins from the repository's default branch and proposes
// changes as pull requests.
type GitHubPins struct {
	Repo github.Repo
	// Base is the branch pins are read from and PRs target; empty means
	// the repository's default branch.
	Base string
}

func (g *GitHubPins) base(ctx context.Context) (string, error) {
	if g.Base == "" {
		b, err := g.Repo.DefaultBranch(ctx)
		if err != nil {
			return "", err
		}
		g.Base = b
	}
	return g.Base, nil
}

func (g *GitHubPins) Read(ctx context.Context, env string) (Pins, error) {
	base, err := g.base(ctx)
	if err != nil {
		return Pins{}, err
	}
	return g.readAt(ctx, env, base)
}

func (g *GitHubPins) readAt(ctx context.Context, env, ref string) (Pins, error) {
	raw, found, err := g.Repo.File(ctx, pinRelPath(env), ref)
	if err != nil || !found {
		return Pins{Models: map[string]Pin{}}, err
	}
	return ParsePins(fmt.Sprintf("%s (%s at %s)", pinRelPath(env), g.Repo.FullName(), ref), raw)
}

func (g *GitHubPins) History(ctx context.Context, env string) ([]Pins, error) {
	base, err := g.base(ctx)
	if err != nil {
		return nil, err
	}
	revs, err := g.Repo.History(ctx, pinRelPath(env), base, 50)
	if err != nil {
		return nil, err
	}
	var out []Pins
	for _, r := range revs {
		p, err := ParsePins(fmt.Sprintf("%s at %s", pinRelPath(env), r.SHA[:7]), r.Content)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (g *GitHubPins) Propose(ctx context.Context, env string, pins Pins, p Proposal) (string, error) {
	base, err := g.base(ctx)
	if err != nil {
		return "", err
	}
	raw, err := MarshalPins(pins)
	if err != nil {
		return "", err
	}
	pr, err := g.Repo.OpenPullRequest(ctx, github.Change{
		Base: base, Branch: p.Branch, Path: pinRelPath(env), Content: raw,
		Message: p.Message, Title: p.Title, Body: p.Body,
	})
	if err != nil {
		return "", err
	}
	return pr.GetHTMLURL(), nil
}
