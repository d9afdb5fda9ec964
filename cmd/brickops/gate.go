package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/github"
)

func newGateCmd() *cobra.Command {
	var (
		flags   promotionFlags
		env     string
		pr      int
		comment bool
	)
	cmd := &cobra.Command{
		Use:   "gate --env ENV",
		Short: "Decide whether a pull request's promotion may be applied",
		Long: `Run in the workflow that applies an environment. For every model whose pin the
pull request changes, re-checks ENV's validation gates against the live
workspace; then checks the approval gate: enough approving reviews from ENV's
reviewers (teams expanded), given on the pull request's latest commit, none
from the author, and no standing "changes requested".

Prints each gate with its verdict and why, updates the pull request comment
(one per environment, edited in place), and exits 1 when any gate fails.`,
		Example: `  brickops gate --env prod            # in Actions: the PR comes from GITHUB_EVENT_PATH
  brickops gate --env staging --pr 42`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if env == "" {
				return inputError(errors.New("--env is required"))
			}
			p, repo, err := flags.promoter(true)
			if err != nil {
				return err
			}
			if pr == 0 {
				if pr, err = github.PullRequestNumber(os.Getenv("GITHUB_EVENT_PATH")); err != nil {
					return inputError(err)
				}
			}
			report, err := p.Gate(cmd.Context(), *repo, env, pr)
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), report.Text())
			if comment {
				if _, err := github.UpsertComment(cmd.Context(), repo.Client, repo.Owner, repo.Name, pr, "gate-"+env, report.Markdown()); err != nil {
					return err
				}
			}
			if err := appendStepSummary([]byte(report.Markdown())); err != nil {
				return err
			}
			if !report.Passed() {
				return fmt.Errorf("gate for %s failed on pull request #%d", env, pr)
			}
			return nil
		},
	}
	flags.register(cmd, false)
	cmd.Flags().StringVar(&env, "env", "", "environment the pull request changes")
	cmd.Flags().IntVar(&pr, "pr", 0, "pull request number (default: from GITHUB_EVENT_PATH)")
	cmd.Flags().BoolVar(&comment, "comment", true, "update the gate comment on the pull request")
	return cmd
}
