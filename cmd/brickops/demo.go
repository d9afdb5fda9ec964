package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/demo"
)

func newDemoCmd() *cobra.Command {
	opts := demo.Options{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the BrickOps lifecycle end to end against a local emulator",
		Long: `Runs the whole lifecycle against a local emulator started on a free loopback
port: scaffolds a repository with brickops init, applies dev, staging and prod
with the locally built provider, trains in dev, promotes through pull requests
on the emulated GitHub (gates refuse, reviewers approve, gates pass, merge,
apply), rolls out a canary in prod and completes it, shows brickops status,
rolls back, destroys everything and prints what happened.
Needs terraform on PATH; downloads nothing. 'make demo' runs it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Out = cmd.OutOrStdout()
			return demo.Run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.BinDir, "bin", "bin", "directory holding brickops and terraform-provider-brickops")
	f.StringVar(&opts.Terraform, "terraform", "", "terraform binary (default: the one on PATH)")
	f.DurationVar(&opts.AsyncDelay, "async-delay", 300*time.Millisecond, "emulator transition time")
	f.BoolVar(&opts.Keep, "keep", false, "keep the work directory (state, logs, emulator data)")
	return cmd
}
