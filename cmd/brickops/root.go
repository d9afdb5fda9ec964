package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/version"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "brickops",
		Short: "GitOps toolkit for Azure Databricks MLOps",
		Long: `brickops runs around terraform plan/apply in CI: it summarizes plans, checks
them against policy, promotes models dev → staging → prod through reviewed pull
requests, reports drift, and runs a local emulator of the Azure Databricks API
for tests and demos.

Commands find brickops.yaml in the current directory or the nearest parent
(as git finds .git), so they work from the repository root and from
environments/<env> alike. Reporting commands take --output json: one JSON
document with "version" and "command" fields.

` + exitcode.Help,
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newEmulatorCmd(), newDemoCmd(), newPlanCmd(), newPolicyCmd(), newPRCmd(),
		newPromoteCmd(), newGateCmd(), newRollbackCmd(), newStatusCmd(), newConfigCmd(), newInitCmd(), newDriftCmd(),
		newProviderCmd())
	// A bad flag is a usage error: exit 2, like a bad input file.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return exitcode.Invalid(err) })
	return root
}

// execute runs the command line. An error cobra reports before the command
// itself runs (unknown command, wrong arguments, a required flag missing)
// is a usage error; what the command returns keeps its own exit status.
func execute(ctx context.Context, root *cobra.Command) error {
	ran := false
	root.PersistentPreRun = func(*cobra.Command, []string) { ran = true }
	err := root.ExecuteContext(ctx)
	if err != nil && !ran {
		return exitcode.Invalid(err)
	}
	return err
}
