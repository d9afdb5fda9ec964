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
		Long: `Starts the emulator on a free loopback port, applies the example MLOps stack
with the locally built provider, checks that a plan right after apply is
empty, destroys everything, stops the emulator and prints what happened.
Needs terraform on PATH; downloads nothing. 'make demo' runs it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Out = cmd.OutOrStdout()
			return demo.Run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.BinDir, "bin", "bin", "directory holding brickops and terraform-provider-brickops")
	f.StringVar(&opts.StackDir, "stack", "examples/mlops-stack", "Terraform configuration to apply")
	f.StringVar(&opts.Terraform, "terraform", "", "terraform binary (default: the one on PATH)")
	f.DurationVar(&opts.AsyncDelay, "async-delay", 300*time.Millisecond, "emulator transition time")
	f.BoolVar(&opts.Keep, "keep", false, "keep the work directory (state, logs, emulator data)")
	return cmd
}
