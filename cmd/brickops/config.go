package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/config"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Work with brickops.yaml"}
	cmd.AddCommand(newConfigValidateCmd(), newConfigSchemaCmd())
	return cmd
}

func newConfigValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check brickops.yaml against its JSON Schema and rules",
		Long: `Checks the file (default brickops.yaml) against the JSON Schema BrickOps ships
and then against the rules a schema cannot express (metric gate syntax,
environment names, reviewers for required approvals, dates). Every problem is
reported with its line; exit status 2 when there is any.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := config.DefaultPath
			if len(args) == 1 {
				path = args[0]
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return inputError(err)
			}
			problems, err := config.ValidateSchema(raw)
			if err != nil {
				return inputError(fmt.Errorf("%s: %w", path, err))
			}
			if len(problems) > 0 {
				lines := make([]string, len(problems))
				for i, p := range problems {
					lines[i] = path + ": " + p.String()
				}
				return inputError(fmt.Errorf("%d problem(s):\n%s", len(problems), strings.Join(lines, "\n")))
			}
			if _, err := config.Load(path); err != nil {
				return inputError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is valid\n", path)
			return nil
		},
	}
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
