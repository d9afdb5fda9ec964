package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Work with brickops.yaml"}
	cmd.AddCommand(newConfigValidateCmd(), newConfigSchemaCmd())
	return cmd
}

func newConfigValidateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check brickops.yaml against its JSON Schema and rules",
		Long: `Checks the file (default: brickops.yaml in the current directory or the nearest
parent) against the JSON Schema BrickOps ships and then against the rules a
schema cannot express (metric gate syntax, environment names, reviewers for
required approvals, dates). Every problem is reported with its line.

Exit status: 0 when the file is valid, 1 when it is not, 2 when it cannot be
read or is not YAML.`,
		Args: cobra.MaximumNArgs(1),
	}
	format := outputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var path string
		if len(args) == 1 {
			path = args[0]
		}
		path, err := config.Locate(path)
		if err != nil {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return exitcode.Invalid(err)
		}
		res := config.Check(path, raw)
		if res.Err != nil {
			return exitcode.Invalid(res.Err)
		}
		if err := report(cmd, format, res, func(w io.Writer) {
			if res.Valid {
				fmt.Fprintf(w, "%s is valid\n", path)
			}
		}); err != nil {
			return err
		}
		if !res.Valid {
			return exitcode.Refused(res.Summary())
		}
		return nil
	}
	return cmd
}

func newConfigSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of brickops.yaml (for editors)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(config.Schema)
			return err
		},
	}
}
