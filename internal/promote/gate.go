package promote

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
)

// GateReport is the verdict on a pull request that changes an
// environment's pins: validation gates per changed model, re-checked
// against the live workspace, and the approval gate.
type GateReport struct {
	Env      string
	PR       int
	HeadSHA  string
	Models   []Evidence
	Approval GateResult
	// Plan, when the gate was given the plan about to be applied, says
	// whether it is the plan reviewed on the pull request.
	Plan *GateResult
}

// Passed reports whether every gate passed.
func (r GateReport) Passed() bool {
	if !r.Approval.Passed || r.Plan != nil && !r.Plan.Passed {
		return false
	}
	for _, m := range r.Models {
		if !Passed(m.Gates) {
			return false
		}
	}
	return true
}

// Markdown is the pull request comment.
func (r GateReport) Markdown() string {
	var b strings.Builder
	verdict := "✅ may be applied"
	if !r.Passed() {
		verdict = "❌ may not be applied yet"
	}
	fmt.Fprintf(&b, "## BrickOps gate: %s — %s\n\nChecked at head `%s`.\n\n", r.Env, verdict, short(r.HeadSHA))
	fmt.Fprintf(&b, "| Gate | Result | Why |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.Approval.Gate, mark(r.Approval.Passed), escape(r.Approval.Detail))
	if r.Plan != nil {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.Plan.Gate, mark(r.Plan.Passed), escape(r.Plan.Detail))
	}
	for _, m := range r.Models {
		if m.SkippedValidation != "" {
			fmt.Fprintf(&b, "| %s v%d: validation | ⚠️ skipped | %s |\n", m.Model.Name, m.Candidate.Version, escape(m.SkippedValidation))
		}
		for _, g := range m.Gates {
			fmt.Fprintf(&b, "| %s v%d: `%s` | %s | %s |\n", m.Model.Name, m.Candidate.Version, g.Gate, mark(g.Passed), escape(g.Detail))
		}
	}
	if len(r.Models) == 0 {
		fmt.Fprintf(&b, "\nThis pull request changes no model pins in %s.\n", r.Env)
	}
	return b.String()
}

// Text is the same verdict for a terminal or a CI log.
func (r GateReport) Text() string {
	var b strings.Builder
	line := func(ok bool, gate, why string) {
		word := "PASS"
		if !ok {
			word = "FAIL"
		}
		fmt.Fprintf(&b, "  %s  %s — %s\n", word, gate, why)
	}
	fmt.Fprintf(&b, "Gate for %s, pull request #%d at %s:\n", r.Env, r.PR, short(r.HeadSHA))
	line(r.Approval.Passed, r.Approval.Gate, r.Approval.Detail)
	if r.Plan != nil {
		line(r.Plan.Passed, r.Plan.Gate, r.Plan.Detail)
	}
	for _, m := range r.Models {
		if m.SkippedValidation != "" {
			fmt.Fprintf(&b, "  SKIP  %s v%d: validation — %s\n", m.Model.Name, m.Candidate.Version, m.SkippedValidation)
		}
		for _, g := range m.Gates {
			line(g.Passed, fmt.Sprintf("%s v%d: %s", m.Model.Name, m.Candidate.Version, g.Gate), g.Detail)
		}
	}
	return b.String()
}

// Gate decides whether pull request pr may be applied to env.
func (p *Promoter) Gate(ctx context.Context, repo github.Repo, env string, pr int) (*GateReport, error) {
	to, _, err := p.Config.Environment(env)
	if err != nil {
		return nil, err
	}
	pull, err := repo.PullRequest(ctx, pr)
	if err != nil {
		return nil, err
	}
	// Reviewers first: a misconfigured team is a setup error to fix
	// before anything else is worth checking.
	reviewers, err := p.reviewers(ctx, repo, to, baseRef(pull))
	if err != nil {
		return nil, err
	}
	allowed, err := repo.ExpandReviewers(ctx, reviewers)
	if err != nil {
		return nil, err
	}
	store := &GitHubPins{Repo: repo}
	head, err := store.readAt(ctx, env, pull.GetHead().GetSHA())
	if err != nil {
		return nil, err
	}
	base, err := store.readAt(ctx, env, baseRef(pull))
	if err != nil {
		return nil, err
	}
	report := &GateReport{Env: env, PR: pr, HeadSHA: pull.GetHead().GetSHA()}
	for _, name := range slices.Sorted(maps.Keys(head.Models)) {
		pin, old := head.Models[name], base.Models[name]
		changed := changedVersions(pin, old)
		if len(changed) == 0 {
			continue
		}
		model, err := p.Config.Model(name)
		if err != nil {
			return nil, fmt.Errorf("%s pins %s: %w", pinRelPath(env), name, err)
		}
		from, err := p.Config.Previous(env)
		if err != nil {
			return nil, err
		}
		fromReg, err := p.Registry(from)
		if err != nil {
			return nil, err
		}
		toReg, err := p.Registry(to)
		if err != nil {
			return nil, err
		}
		champ, err := toReg.Alias(ctx, model.FullName(to), model.AliasOrDefault())
		if err != nil {
			return nil, err
		}
		for _, v := range changed {
			cand, err := fromReg.Version(ctx, model.FullName(from), v)
			if err != nil {
				return nil, err
			}
			ev := Evidence{Model: model, From: from, To: to, Candidate: cand, Champion: championOf(champ), Pin: pin}
			gates := to.Gates
			switch {
			case pin.SkipValidation != "" && v == pin.Version:
				ev.SkippedValidation = pin.SkipValidation
			default:
				// A version cannot be asked to beat itself, nor a rollback
				// (back to the standby kept for it) to beat what it undoes.
				if (champ != nil && v == championOf(champ).SourceVersion) || v == old.Standby {
					gates.BeatChampion, gates.Monitor = nil, nil
				}
				if ev.Gates, err = p.validate(ctx, to, model, gates, cand, championOf(champ)); err != nil {
					return nil, err
				}
			}
			report.Models = append(report.Models, ev)
		}
	}
	if len(report.Models) == 0 {
		// Model promotions need the environment's reviewers; other
		// changes are reviewed under the repository's branch protection.
		report.Approval = GateResult{Gate: "approvals", Passed: true, Detail: fmt.Sprintf("no model pins change in %s: no promotion to approve", env)}
		return report, nil
	}
	reviews, err := repo.Reviews(ctx, pr)
	if err != nil {
		return nil, err
	}
	in := ApprovalInput{Required: to.Approvals, Allowed: allowed, Author: pull.GetUser().GetLogin(), HeadSHA: report.HeadSHA}
	for _, rv := range reviews {
		in.Reviews = append(in.Reviews, Review{User: rv.GetUser().GetLogin(), State: rv.GetState(), CommitID: rv.GetCommitID(), SubmittedAt: rv.GetSubmittedAt().Time})
	}
	report.Approval = Approvals(in)
	report.Approval.Gate = fmt.Sprintf("%d approval(s) from %s", to.Approvals, allowedText(reviewers))
	return report, nil
}

// reviewers are the environment's reviewers from brickops.yaml or, when it
// lists none, from the repository's CODEOWNERS entry for the pin file (at
// the pull request's base, so a pull request cannot name its own reviewers).
func (p *Promoter) reviewers(ctx context.Context, repo github.Repo, env config.Environment, ref string) ([]string, error) {
	if len(env.Reviewers) > 0 || env.Approvals == 0 {
		return env.Reviewers, nil
	}
	co, err := repo.CodeOwnersAt(ctx, ref)
	if err != nil {
		return nil, err
	}
	if co != nil {
		if owners := co.Owners(pinRelPath(env.Name)); len(owners) > 0 {
			return owners, nil
		}
	}
	return nil, exitcode.Invalidf("environment %s needs %d approval(s) but names no reviewers: list them under environments.%s.reviewers in brickops.yaml, or give %s an owner in CODEOWNERS",
		env.Name, env.Approvals, env.Name, pinRelPath(env.Name))
}

// changedVersions are the versions pin promotes: a new champion or a new
// challenger. A version that merely changes role (the old champion kept as
// standby, or a standby brought back by a rollback) counts when it becomes
// the champion.
func changedVersions(pin, old Pin) []int {
	var out []int
	if pin.Version > 0 && pin.Version != old.Version {
		out = append(out, pin.Version)
	}
	if pin.Challenger > 0 && pin.Challenger != old.Challenger && pin.Challenger != pin.Version {
		out = append(out, pin.Challenger)
	}
	return out
}

// baseRef is the commit the pull request's changes are compared with.
func baseRef(pull *gh.PullRequest) string {
	if sha := pull.GetBase().GetSHA(); sha != "" {
		return sha
	}
	return pull.GetBase().GetRef()
}
