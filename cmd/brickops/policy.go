package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/output"
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
		env, configPath string
		format          *output.Format
		opts            policy.Options
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
			cfg, err := config.LoadOptional(configPath)
			if err != nil {
				return err
			}
			opts.Config = cfg
			engine, err := policy.New(cmd.Context(), opts)
			if err != nil {
				return exitcode.Invalid(err)
			}
			targets, err := planjson.Targets(args, env)
			if err != nil {
				return exitcode.Invalid(err)
			}
			plans, err := planjson.LoadAll(targets)
			if err != nil {
				return exitcode.Invalid(err)
			}
			report, err := engine.Check(cmd.Context(), plans)
			if err != nil {
				return exitcode.Invalid(err)
			}
			var out bytes.Buffer
			if err := report.Write(&out, format.String(), version.Version); err != nil {
				return err
			}
			if format.JSON() {
				err = output.WriteJSON(cmd.OutOrStdout(), commandName(cmd), json.RawMessage(out.Bytes()))
			} else {
				_, err = cmd.OutOrStdout().Write(out.Bytes())
			}
			if err != nil {
				return err
			}
			var md bytes.Buffer
			report.WriteMarkdown(&md)
			if err := appendStepSummary(md.Bytes()); err != nil {
				return err
			}
			if report.Denied() {
				denied, _, _ := report.Counts()
				return exitcode.Refusedf("policy check failed: %d finding(s) deny the plan", denied)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&env, "env", "", "environment of the (single) plan file")
	format = outputFlag(cmd, policy.FormatSARIF, policy.FormatMarkdown)
	f.StringVar(&configPath, "config", "", "brickops.yaml with rule settings and waivers (default: found upward from the working directory; optional)")
	f.StringArrayVarP(&opts.PolicyPaths, "policy", "p", nil, "directory or file of Rego policies (repeatable)")
	f.StringArrayVarP(&opts.Namespaces, "namespace", "n", nil, "Rego package whose rules count (repeatable; default main)")
	f.BoolVar(&opts.AllNamespaces, "all-namespaces", false, "evaluate the rules of every Rego package")
	f.StringVar(&opts.SourceDir, "source-dir", "", "Terraform configuration to locate findings in (default: each plan file's directory)")
	return cmd
}

func newPolicyRulesCmd() *cobra.Command {
	var format *output.Format
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the built-in rules with their IDs, severities and rationale",
		Long: `Lists the built-in rules. --output markdown writes the rule reference page of
the docs; --output json one document with a "rules" list.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format.String() == policy.FormatMarkdown {
				return policy.WriteReference(cmd.OutOrStdout())
			}
			type ruleJSON struct {
				ID        string `json:"id"`
				Name      string `json:"name"`
				Severity  string `json:"severity"`
				ProdOnly  bool   `json:"prod_only"`
				Rationale string `json:"rationale"`
				Fix       string `json:"fix"`
			}
			var rules []ruleJSON
			for _, r := range policy.Builtin() {
				rules = append(rules, ruleJSON{r.ID, r.Name, string(r.Severity), r.ProdOnly, r.Rationale, r.Fix})
			}
			return report(cmd, format, map[string]any{"rules": rules}, func(w io.Writer) {
				for _, r := range rules {
					scope := ""
					if r.ProdOnly {
						scope = " (production only)"
					}
					fmt.Fprintf(w, "%s  %-36s %-7s%s\n    why: %s\n    fix: %s\n", r.ID, r.Name, r.Severity, scope, r.Rationale, r.Fix)
				}
			})
		},
	}
	format = outputFlag(cmd, policy.FormatMarkdown)
	return cmd
}
