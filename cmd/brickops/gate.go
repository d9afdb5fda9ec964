package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/output"
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
)

func newGateCmd() *cobra.Command {
	var (
		flags      promotionFlags
		env        string
		pr         int
		comment    bool
		format     *output.Format
		planFile   string
		commentKey string
	)
	cmd := &cobra.Command{
		Use:   "gate --env ENV",
		Short: "Decide whether a pull request's promotion may be applied",
		Long: `Run in the workflow that applies an environment. For every model whose pin the
pull request changes, re-checks ENV's validation gates against the live
workspace; then checks the approval gate: enough approving reviews from ENV's
reviewers (teams expanded), given on the pull request's latest commit, none
from the author, and no standing "changes requested".

With --plan (terraform show -json of the plan about to be applied, made in
the applying job), also checks that it is the plan reviewed on the pull
request: the plan comment (--plan-comment, default plan-ENV) records the
fingerprint of the plan made on the pull request's head; a plan that does
anything else — after an out-of-band change, or a merge that brought in
more — is refused, naming each address that differs. Apply that same saved
plan afterwards (terraform apply tfplan), so what is applied is what passed.

Prints each gate with its verdict and why, updates the pull request comment
(one per environment, edited in place), and exits 1 when any gate fails.`,
		Example: `  brickops gate --env prod            # in Actions: the PR comes from GITHUB_EVENT_PATH
  brickops gate --env staging --pr 42
  brickops gate --env prod --plan environments/prod/plan.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if env == "" {
				return exitcode.Invalidf("--env is required")
			}
			p, repo, err := flags.promoter(true)
			if err != nil {
				return err
			}
			if pr == 0 {
				if pr, err = github.PullRequestNumber(os.Getenv("GITHUB_EVENT_PATH")); err != nil {
					return exitcode.Invalid(err)
				}
			}
			var plan *planjson.Plan
			if planFile != "" {
				if plan, err = planjson.Load(planFile, env); err != nil {
					return exitcode.Invalid(err)
				}
			}
			gate, err := p.Gate(cmd.Context(), *repo, env, pr)
			if err != nil {
				return err
			}
			if plan != nil {
				if commentKey == "" {
					commentKey = "plan-" + env
				}
				res, err := promote.ReviewedPlan(cmd.Context(), *repo, pr, gate.HeadSHA, commentKey, plan)
				if err != nil {
					return err
				}
				gate.Plan = &res
			}
			if err := report(cmd, format, gate, func(w io.Writer) { fmt.Fprint(w, gate.Text()) }); err != nil {
				return err
			}
			if comment {
				if _, err := github.UpsertComment(cmd.Context(), repo.Client, repo.Owner, repo.Name, pr, "gate-"+env, gate.Markdown()); err != nil {
					return err
				}
			}
			if err := appendStepSummary([]byte(gate.Markdown())); err != nil {
				return err
			}
			if !gate.Passed() {
				return exitcode.Refusedf("gate for %s failed on pull request #%d", env, pr)
			}
			return nil
		},
	}
	format = outputFlag(cmd)
	flags.register(cmd, false)
	cmd.Flags().StringVar(&env, "env", "", "environment the pull request changes")
	cmd.Flags().IntVar(&pr, "pr", 0, "pull request number (default: from GITHUB_EVENT_PATH)")
	cmd.Flags().BoolVar(&comment, "comment", true, "update the gate comment on the pull request")
	cmd.Flags().StringVar(&planFile, "plan", "", "terraform show -json of the plan about to be applied: refused unless it is the plan reviewed on the pull request")
	cmd.Flags().StringVar(&commentKey, "plan-comment", "", "key of the pull request comment recording the reviewed plan (default plan-ENV, as `brickops pr comment --key plan-ENV` writes it)")
	return cmd
}
