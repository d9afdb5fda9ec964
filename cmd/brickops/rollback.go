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
		flags  promotionFlags
		env    string
		skip   string
		format *output.Format
	)
	cmd := &cobra.Command{
		Use:   "rollback MODEL --env ENV",
		Short: "Propose re-pinning the previous champion",
		Long: `Finds the champion ENV had before the current one in the pin file's git history
and proposes pinning it again, as a pull request (--open-pr, default in GitHub
Actions) or a local edit. Approvals are still required to apply it; the
validation gates run unless --skip-validation gives a reason, which is recorded
in the pull request.`,
		Example: `  brickops rollback churn --env prod
  brickops rollback churn --env prod --skip-validation "incident 2211: v8 mis-scores EU traffic"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if env == "" {
				return exitcode.Invalidf("--env is required")
			}
			p, _, err := flags.promoter(flags.openPR)
			if err != nil {
				return err
			}
			res, err := p.Rollback(cmd.Context(), args[0], env, skip)
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
	return cmd
}
