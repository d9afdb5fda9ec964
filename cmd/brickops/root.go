package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/version"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "brickops",
		Short: "GitOps toolkit for Azure Databricks MLOps",
		Long: `brickops runs around terraform plan/apply in CI: it summarizes plans, checks
them against policy, promotes models dev → staging → prod through reviewed pull
requests, reports drift, and runs a local emulator of the Azure Databricks API
for tests and demos.`,
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newEmulatorCmd(), newDemoCmd(), newPlanCmd(), newPolicyCmd(), newPRCmd(),
		newPromoteCmd(), newGateCmd(), newRollbackCmd(), newStatusCmd(), newConfigCmd(), newInitCmd(), newDriftCmd())
	// A bad flag is a usage error: exit 2, like a bad input file.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return inputError(err) })
	return root
}

// exitError carries a specific exit code (e.g. 2 for usage or input errors).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
