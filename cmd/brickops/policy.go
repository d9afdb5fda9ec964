package main

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
	"github.com/brickops/terraform-provider-brickops/internal/policy"
	"github.com/brickops/terraform-provider-brickops/internal/version"
)

func newPolicyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Policy as code on terraform plans",
	}
	cmd.AddCommand(newPolicyCheckCmd(), newPolicyRulesCmd())
	return cmd
}

func newPolicyCheckCmd() *cobra.Command {
	var (
		env, output, configPath string
		opts                    policy.Options
	)
	cmd := &cobra.Command{
		Use:   "check [ENV=]PLAN.json...",
		Short: "Check plans against the built-in rule pack and your Rego policies",
		Long: `Evaluates each plan (terraform show -json output) against the built-in
Databricks MLOps rule pack (see: brickops policy rules) and against Rego
policies in --policy directories, written as for conftest: deny, violation
and warn rules (optionally deny_<name>, ...) in package main, in Rego v1 or
v0 syntax, with conftest's exception rules.

brickops.yaml configures rules (enabled, severity, parameters) and waivers
(rule, resource, env, reason, expires); an expired waiver stops waiving and
the report says so.

Exit status: 0 when nothing denies the plan (warnings allowed), 1 when a
finding denies it, 2 on a usage or input error (bad plan file, Rego that
does not compile, invalid brickops.yaml).`,
		Example: `  brickops policy check prod=prod.json
  brickops policy check --policy policy/ dev.json prod.json --output sarif > policy.sarif
  brickops policy check prod.json --output markdown | brickops pr comment --key policy`,
		Args: minArgs(1, "a plan file (terraform show -json output)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !oneOf(output, policy.FormatText, policy.FormatJSON, policy.FormatSARIF, policy.FormatMarkdown) {
				return inputError(fmt.Errorf("--output %q: want text, json, sarif or markdown", output))
			}
			cfg, err := config.LoadOptional(configPath)
			if err != nil {
				return inputError(err)
			}
			opts.Config = cfg
			engine, err := policy.New(cmd.Context(), opts)
			if err != nil {
				return inputError(err)
			}
			targets, err := planjson.Targets(args, env)
			if err != nil {
				return inputError(err)
			}
			plans, err := planjson.LoadAll(targets)
			if err != nil {
				return inputError(err)
			}
			report, err := engine.Check(cmd.Context(), plans)
			if err != nil {
				return inputError(err)
			}
			var out bytes.Buffer
			if err := report.Write(&out, output, version.Version); err != nil {
				return err
			}
			if _, err := cmd.OutOrStdout().Write(out.Bytes()); err != nil {
				return err
			}
			var md bytes.Buffer
			report.WriteMarkdown(&md)
			if err := appendStepSummary(md.Bytes()); err != nil {
				return err
			}
			if report.Denied() {
				denied, _, _ := report.Counts()
				return &exitError{code: 1, err: fmt.Errorf("policy check failed: %d finding(s) deny the plan", denied)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&env, "env", "", "environment of the (single) plan file")
	f.StringVarP(&output, "output", "o", policy.FormatText, "output format: text, json, sarif or markdown")
	f.StringVar(&configPath, "config", config.DefaultPath, "brickops.yaml with rule settings and waivers (optional)")
	f.StringArrayVarP(&opts.PolicyPaths, "policy", "p", nil, "directory or file of Rego policies (repeatable)")
	f.StringArrayVarP(&opts.Namespaces, "namespace", "n", nil, "Rego package whose rules count (repeatable; default main)")
	f.BoolVar(&opts.AllNamespaces, "all-namespaces", false, "evaluate the rules of every Rego package")
	f.StringVar(&opts.SourceDir, "source-dir", "", "Terraform configuration to locate findings in (default: each plan file's directory)")
	return cmd
}

func newPolicyRulesCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the built-in rules with their IDs, severities and rationale",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			switch output {
			case "markdown":
				return policy.WriteReference(w)
			case "text":
			default:
				return inputError(fmt.Errorf("--output %q: use text or markdown", output))
			}
			for _, r := range policy.Builtin() {
				scope := ""
				if r.ProdOnly {
					scope = " (production only)"
				}
				fmt.Fprintf(w, "%s  %-36s %-7s%s\n    why: %s\n    fix: %s\n", r.ID, r.Name, r.Severity, scope, r.Rationale, r.Fix)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text, or markdown (the rule reference page of the docs)")
	return cmd
}
