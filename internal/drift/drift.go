// Package drift compares each environment's Terraform configuration with
// its workspace (terraform plan -detailed-exitcode), summarizes what
// differs, and keeps one GitHub issue per environment up to date: opened or
// updated while there is drift, closed when the environment is clean again.
package drift

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// Label marks the issues drift manages.
const Label = "brickops-drift"

// Options configure a check.
type Options struct {
	// Root is the repository checkout; environments live in environments/<env>.
	Root string
	// Terraform is the terraform binary; empty means the one on PATH.
	Terraform string
	// Init runs `terraform init` first with these arguments (nil skips it).
	Init []string
	// IsProd marks production environments in the summary.
	IsProd func(env string) bool
}

// Result is one environment's verdict.
type Result struct {
	Env     string `json:"env"`
	Drifted bool   `json:"drifted"`
	// Summary lists the differences (nil when clean).
	Summary *planjson.Summary `json:"summary,omitempty"`
}

// Markdown renders the result for an issue or a job summary.
func (r Result) Markdown() string {
	if !r.Drifted {
		return fmt.Sprintf("No drift in **%s**: the workspace matches the configuration.\n", r.Env)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Terraform plans changes in **%s** although nothing was merged: the workspace differs from the configuration "+
		"(changed by hand, or a change waits to be applied). Apply the configuration, or change it to match.\n\n", r.Env)
	r.Summary.WriteMarkdown(&b)
	return b.String()
}

// Check plans env and reports whether it drifted. A missing environment
// directory is bad input; a Terraform that fails is an error carrying
// Terraform's own error lines (exit status 3), never a drift verdict.
func Check(ctx context.Context, opts Options, env string) (*Result, error) {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("environment %s: %w", env, err)
	}
	// Terraform runs inside the environment, so every path handed to it is
	// absolute: a relative one would be resolved from there, not from here.
	dir := filepath.Join(root, "environments", env)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, exitcode.Invalidf("environment %s: no Terraform configuration at %s (is --repo-dir the repository root?)", env, dir)
	}
	tf := opts.Terraform
	if tf == "" {
		tf = "terraform"
	}
	run := func(args ...string) ([]byte, int, error) {
		cmd := exec.CommandContext(ctx, tf, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_INPUT=0")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return stdout.Bytes(), exit.ExitCode(), exitcode.Failedf("terraform %s in %s failed:\n%s", args[0], dir, terraformErrors(stderr.String()+stdout.String()))
		}
		if err != nil {
			return nil, 0, exitcode.Failedf("running terraform %s in %s: %w", args[0], dir, err)
		}
		return stdout.Bytes(), 0, nil
	}
	if opts.Init != nil {
		if _, _, err := run(append([]string{"init", "-input=false", "-no-color"}, opts.Init...)...); err != nil {
			return nil, err
		}
	}
	planFile := filepath.Join(dir, "drift.tfplan")
	defer os.Remove(planFile)
	_, code, err := run("plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", "-out="+planFile)
	switch code {
	case 0:
		return &Result{Env: env}, nil
	case 2:
	default:
		return nil, err
	}
	raw, _, err := run("show", "-json", planFile)
	if err != nil {
		return nil, err
	}
	jsonPath := filepath.Join(dir, "drift.json")
	if err := os.WriteFile(jsonPath, raw, 0o600); err != nil {
		return nil, err
	}
	defer os.Remove(jsonPath)
	plan, err := planjson.Load(jsonPath, env)
	if err != nil {
		return nil, err
	}
	// The report names the environment's directory in the repository, not
	// the runner's checkout path or a file deleted when Check returns.
	plan.Path = path.Join("environments", env)
	isProd := opts.IsProd
	if isProd == nil {
		isProd = func(string) bool { return false }
	}
	return &Result{Env: env, Drifted: true, Summary: planjson.Summarize([]*planjson.Plan{plan}, isProd)}, nil
}

// IssueTitle is the title of env's drift issue; with the label it is how
// the issue is found again.
func IssueTitle(env string) string { return "Drift detected in " + env }

// Report opens, updates or closes env's drift issue. It returns the issue's
// URL and what it did ("opened", "updated", "closed", or "" when clean and
// no issue was open).
func Report(ctx context.Context, repo github.Repo, r *Result) (url, action string, err error) {
	existing, err := findIssue(ctx, repo, r.Env)
	if err != nil {
		return "", "", err
	}
	body := r.Markdown()
	switch {
	case r.Drifted && existing == nil:
		is, _, err := repo.Client.Issues.Create(ctx, repo.Owner, repo.Name, &gh.IssueRequest{
			Title: gh.String(IssueTitle(r.Env)), Body: gh.String(body), Labels: &[]string{Label},
		})
		if err != nil {
			return "", "", fmt.Errorf("opening the drift issue for %s: %w", r.Env, err)
		}
		return is.GetHTMLURL(), "opened", nil
	case r.Drifted:
		is, _, err := repo.Client.Issues.Edit(ctx, repo.Owner, repo.Name, existing.GetNumber(), &gh.IssueRequest{Body: gh.String(body)})
		if err != nil {
			return "", "", fmt.Errorf("updating drift issue #%d: %w", existing.GetNumber(), err)
		}
		return is.GetHTMLURL(), "updated", nil
	case existing != nil:
		is, _, err := repo.Client.Issues.Edit(ctx, repo.Owner, repo.Name, existing.GetNumber(), &gh.IssueRequest{
			Body: gh.String(body), State: gh.String("closed"), StateReason: gh.String("completed"),
		})
		if err != nil {
			return "", "", fmt.Errorf("closing drift issue #%d: %w", existing.GetNumber(), err)
		}
		return is.GetHTMLURL(), "closed", nil
	}
	return "", "", nil
}

func findIssue(ctx context.Context, repo github.Repo, env string) (*gh.Issue, error) {
	issues, _, err := repo.Client.Issues.ListByRepo(ctx, repo.Owner, repo.Name, &gh.IssueListByRepoOptions{
		State: "open", Labels: []string{Label}, ListOptions: gh.ListOptions{PerPage: 100},
	})
	if err != nil {
		return nil, fmt.Errorf("listing drift issues in %s: %w", repo.FullName(), err)
	}
	for _, is := range issues {
		if is.GetTitle() == IssueTitle(env) && !is.IsPullRequest() {
			return is, nil
		}
	}
	return nil, nil
}

// terraformErrors keeps what a reader needs from Terraform's output: each
// diagnostic's "Error: ..." summary with the paragraph that follows it,
// unboxed. Output without diagnostics is cut to its last lines.
func terraformErrors(out string) string {
	var kept []string
	in := false
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		line = strings.TrimRight(strings.TrimPrefix(strings.TrimPrefix(line, "│"), " "), " ")
		switch {
		case strings.HasPrefix(line, "Error: "):
			in = true
			kept = append(kept, line)
		case in && line == "" && len(kept) > 0 && kept[len(kept)-1] != "" && !strings.HasPrefix(kept[len(kept)-1], "Error: "):
			in = false // the paragraph after the summary ends here
		case in && strings.HasPrefix(line, "╵"):
			in = false
		case in && line != "":
			kept = append(kept, "  "+line)
		}
	}
	if len(kept) > 0 {
		return strings.Join(kept, "\n")
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}
