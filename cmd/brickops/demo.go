package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
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
apply), then closes the monitoring loop: traffic flows to prod, monitoring is
turned on, a distribution shift is injected, the scheduled monitor refresh
(the emulator clock advanced a day at a time) finds drift, brickops drift
--retrain starts the retraining job, the retrained version goes through gated
pull requests into a canary that gets live traffic and that the rollout
analysis judges from the inference table and completes; a worse version's
canary is refused by the analysis and rolled back (--on-failed-analysis).
It ends with brickops status and brickops drift, destroys everything and
prints what happened.

With --keep it destroys nothing: the emulator stays up with the whole estate,
and the demo prints the URL of the emulator console (/_console/) and the
operator token to log in with, then waits until Ctrl-C.
Needs terraform on PATH; downloads nothing. 'make demo' runs it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Out = cmd.OutOrStdout()
			ctx := cmd.Context()
			if opts.Keep {
				// Ctrl-C ends the wait for a person looking at the console
				// and stops the emulator cleanly.
				var stop context.CancelFunc
				ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
				defer stop()
			}
			return demo.Run(ctx, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.BinDir, "bin", "bin", "directory holding brickops and terraform-provider-brickops")
	f.StringVar(&opts.Terraform, "terraform", "", "terraform binary (default: the one on PATH)")
	f.DurationVar(&opts.AsyncDelay, "async-delay", 100*time.Millisecond, "emulator transition time")
	f.BoolVar(&opts.Keep, "keep", false, "destroy nothing and keep the emulator up (with its console) and the work directory until Ctrl-C")
	return cmd
}
