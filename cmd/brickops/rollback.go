package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/output"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
)

func newRollbackCmd() *cobra.Command {
	var (
		flags      promotionFlags
		env        string
		skip       string
		onAnalysis bool
		format     *output.Format
	)
	cmd := &cobra.Command{
		Use:   "rollback MODEL --env ENV",
		Short: "Propose re-pinning the previous champion",
		Long: `Finds the champion ENV had before the current one in the pin file's git history
and proposes pinning it again, as a pull request (--open-pr, default in GitHub
Actions) or a local edit. Approvals are still required to apply it; the
validation gates run unless --skip-validation gives a reason, which is recorded
in the pull request.

--on-failed-analysis ends a canary, A/B or shadow rollout instead: it runs
the rollout analysis (rollout.analysis in brickops.yaml) and, when it fails,
proposes the pin without the challenger — the champion back at 100 % — with
the analysis (metrics of challenger and champion against each threshold) in
the pull request's body. When the analysis passes or lacks data, nothing is
proposed and the command exits 1.`,
		Example: `  brickops rollback churn --env prod
  brickops rollback churn --env prod --skip-validation "incident 2211: v8 mis-scores EU traffic"
  brickops rollback churn --env prod --on-failed-analysis`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if env == "" {
				return exitcode.Invalidf("--env is required")
			}
			p, _, err := flags.promoter(flags.openPR)
			if err != nil {
				return err
			}
			if onAnalysis && skip != "" {
				return exitcode.Invalidf("--on-failed-analysis ends the rollout in progress, which needs no validation to skip: drop --skip-validation")
			}
			var res *promote.Result
			if onAnalysis {
				res, err = p.RollbackOnFailedAnalysis(cmd.Context(), args[0], env)
			} else {
				res, err = p.Rollback(cmd.Context(), args[0], env, skip)
			}
			if err := reportProposal(cmd, format, res); err != nil {
				return err
			}
			if errors.Is(err, promote.ErrGatesFailed) {
				return exitcode.Refusedf("rollback of %s in %s refused: the previous champion fails today's gates; pass --skip-validation with a reason to override", args[0], env)
			}
			return err
		},
	}
	format = outputFlag(cmd)
	flags.register(cmd, true)
	cmd.Flags().StringVar(&env, "env", "", "environment to roll back")
	cmd.Flags().StringVar(&skip, "skip-validation", "", "skip the validation gates, recording this reason")
	cmd.Flags().BoolVar(&onAnalysis, "on-failed-analysis", false, "end the canary, A/B or shadow rollout in progress when its rollout analysis fails, with the analysis as evidence")
	return cmd
}
