package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/output"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
)

func newStatusCmd() *cobra.Command {
	var (
		flags      promotionFlags
		env        string
		fromGitHub bool
		format     *output.Format
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show pinned and live model versions per environment",
		Long: `For each model in brickops.yaml and each environment: the version pinned in git,
its rollout (traffic split), the version the alias points at in the workspace
and what it was copied from, and any drift between the two.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, _, err := flags.promoter(fromGitHub)
			if err != nil {
				return err
			}
			rows, err := p.Status(cmd.Context(), env)
			if err != nil {
				return err
			}
			if rows == nil {
				rows = []promote.StatusRow{}
			}
			return report(cmd, format, map[string]any{"models": rows}, func(w io.Writer) {
				fmt.Fprint(w, promote.StatusTable(rows))
			})
		},
	}
	format = outputFlag(cmd)
	flags.register(cmd, false)
	cmd.Flags().StringVar(&env, "env", "", "only this environment")
	cmd.Flags().BoolVar(&fromGitHub, "github", false, "read pins from the repository's default branch on GitHub instead of the checkout")
	return cmd
}
