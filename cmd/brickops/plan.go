package main

import (
	"bytes"
	"os"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/output"
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

func newPlanCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Work with terraform plans (terraform show -json output)",
	}
	cmd.AddCommand(newPlanSummarizeCmd())
	return cmd
}

func newPlanSummarizeCmd() *cobra.Command {
	var (
		env, configPath string
		format          *output.Format
	)
	cmd := &cobra.Command{
		Use:   "summarize [ENV=]PLAN.json...",
		Short: "Summarize plans per environment: counts, changes by type, destructive and production changes",
		Long: `Reads the JSON of one plan per environment (terraform show -json tfplan) and
prints what would change: counts to add/change/replace/destroy, a table of
changes grouped by resource type, and a loud section for deletions,
replacements and production. Sensitive values are never printed.

The environment of each file is ENV in ENV=PLAN.json, or --env for a single
file, or taken from the file name (prod.json, plan-prod.json) or, for
plan.json, from its directory (environments/prod/plan.json). Environments
listed in prod_environments of brickops.yaml (default prod, production) are
treated as production.

When GITHUB_STEP_SUMMARY is set, the markdown summary is appended to it too.`,
		Example: `  terraform show -json tfplan > plan.json
  brickops plan summarize --env prod plan.json
  brickops plan summarize dev=dev.json prod=prod.json --output markdown | brickops pr comment --key plan`,
		Args: minArgs(1, "a plan file (terraform show -json output)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.LoadOptional(configPath)
			if err != nil {
				return err
			}
			targets, err := planjson.Targets(args, env)
			if err != nil {
				return exitcode.Invalid(err)
			}
			plans, err := planjson.LoadAll(targets)
			if err != nil {
				return exitcode.Invalid(err)
			}
			summary := planjson.Summarize(plans, cfg.IsProd)
			// On a pull request the fingerprints name the commit planned, so
			// the gate can tell a plan of an older push from the latest.
			if eventPath := os.Getenv("GITHUB_EVENT_PATH"); eventPath != "" {
				head := github.PullRequestHead(eventPath)
				for i := range summary.Environments {
					summary.Environments[i].Fingerprint.Commit = head
				}
			}
			var out bytes.Buffer
			if format.JSON() {
				err = output.WriteJSON(&out, commandName(cmd), summary)
			} else {
				err = summary.Write(&out, format.String())
			}
			if err != nil {
				return err
			}
			if _, err := cmd.OutOrStdout().Write(out.Bytes()); err != nil {
				return err
			}
			var md bytes.Buffer
			summary.WriteMarkdown(&md)
			return appendStepSummary(md.Bytes())
		},
	}
	f := cmd.Flags()
	f.StringVar(&env, "env", "", "environment of the (single) plan file")
	format = outputFlag(cmd, planjson.FormatMarkdown)
	f.StringVar(&configPath, "config", "", "brickops.yaml (default: found upward from the working directory; optional, read for prod_environments)")
	return cmd
}
