package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"

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
	cmd.AddCommand(newPolicyCheckCmd(), newPolicyTestCmd(), newPolicyRulesCmd())
	return cmd
}

// conftestPolicyDir is conftest's default --policy: used when it exists
// and no --policy is given, so `brickops policy check plan.json` reads
// the policies `conftest test plan.json` reads.
const conftestPolicyDir = "policy"

func newPolicyCheckCmd() *cobra.Command {
	var (
		env, configPath    string
		format             *output.Format
		failOnWarn, noFail bool
		reportURL          string
		opts               policy.Options
	)
	cmd := &cobra.Command{
		Use:   "check [ENV=]PLAN.json...",
		Short: "Check plans against the built-in rule pack and your Rego policies",
		Long: `Evaluates each plan (terraform show -json output) against the built-in
Databricks MLOps rule pack (see: brickops policy rules) and against Rego
policies written for conftest, with conftest's flags and verdicts: deny,
violation and warn rules (deny_<name>, ...) in package main or the
--namespace packages (globs allowed), exception rules (reported as EXCP and
counted), --data documents, data.conftest.file, opa.runtime() and print().
Without --policy, ./policy is read when it exists, as conftest does.

Policies see the plan with sensitive values replaced by "(sensitive value)":
values the plan marks sensitive and credentials of provider blocks.

brickops.yaml configures rules (enabled, severity, parameters) and waivers
(rule, resource, env, reason, expires); an expired waiver stops waiving and
the report says so.

Exit status: 0 when nothing denies the plan (warnings allowed unless
--fail-on-warn; always with --no-fail), 1 when a finding denies it, 2 on a
usage or input error (bad plan file, Rego that does not compile, invalid
brickops.yaml), 3 when a policy fails while evaluating.`,
		Example: `  brickops policy check prod=prod.json
  brickops policy check --policy policy/ --data data/ -n 'main*' dev.json prod.json --output sarif > policy.sarif
  brickops policy check prod.json --output markdown | brickops pr comment --key policy`,
		Args: minArgs(1, "a plan file (terraform show -json output)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(opts.PolicyPaths) == 0 && !cmd.Flags().Changed("policy") {
				if info, err := os.Stat(conftestPolicyDir); err == nil && info.IsDir() {
					opts.PolicyPaths = []string{conftestPolicyDir}
				}
			}
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
			tuneGC(targets)
			plans, err := planjson.LoadAll(targets)
			if err != nil {
				return exitcode.Invalid(err)
			}
			report, err := engine.Check(cmd.Context(), plans)
			if err != nil {
				return exitcode.Failed(err)
			}
			report.FailOnWarn = failOnWarn
			report.FullReportURL = reportURL
			if reportURL == "" {
				report.FullReportURL = actionsRunURL()
			}
			var out bytes.Buffer
			if err := report.Write(&out, format.String(), version.Version); err != nil {
				return err
			}
			if format.String() != policy.FormatText && !format.JSON() {
				// What policies print() stays out of SARIF and markdown.
				for _, p := range report.Prints {
					fmt.Fprintln(cmd.ErrOrStderr(), "PRNT", p)
				}
			}
			if format.JSON() {
				err = output.WriteJSON(cmd.OutOrStdout(), commandName(cmd), json.RawMessage(out.Bytes()))
			} else {
				_, err = cmd.OutOrStdout().Write(out.Bytes())
			}
			if err != nil {
				return err
			}
			if os.Getenv("GITHUB_STEP_SUMMARY") != "" {
				var md bytes.Buffer
				report.WriteMarkdown(&md)
				if err := appendStepSummary(md.Bytes()); err != nil {
					return err
				}
			}
			if report.Denied() && !noFail {
				c := report.Summary()
				return exitcode.Refusedf("policy check failed: %d finding(s) deny the plan, %d warning(s)", c.Denied, c.Warnings)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&env, "env", "", "environment of the (single) plan file")
	format = outputFlag(cmd, policy.FormatSARIF, policy.FormatMarkdown)
	f.StringVar(&configPath, "config", "", "brickops.yaml with rule settings and waivers (default: found upward from the working directory; optional)")
	f.StringArrayVarP(&opts.PolicyPaths, "policy", "p", nil, "directory or file of Rego policies (repeatable; default ./policy when it exists)")
	f.StringSliceVarP(&opts.DataPaths, "data", "d", nil, "JSON/YAML files or directories policies read as data (repeatable)")
	f.StringSliceVarP(&opts.Namespaces, "namespace", "n", nil, "Rego packages whose rules count, globs allowed: 'main*' (repeatable; default main)")
	f.BoolVar(&opts.AllNamespaces, "all-namespaces", false, "evaluate the rules of every Rego package")
	f.StringVar(&opts.RegoVersion, "rego-version", "", "Rego syntax of the policies: v0 or v1 (default: each file as written)")
	f.BoolVar(&opts.Combine, "combine", false, "evaluate the Rego policies once on all plans together (input: [{path, contents}])")
	f.BoolVar(&opts.NoBuiltin, "no-builtin", false, "run only the Rego policies (what conftest does), not the built-in rule pack")
	f.BoolVar(&failOnWarn, "fail-on-warn", false, "exit 1 when there are warnings too")
	f.BoolVar(&noFail, "no-fail", false, "exit 0 even when findings deny the plan")
	f.StringVar(&reportURL, "report-url", "", "where the full report is kept, for a markdown report too long for one comment (default: the GitHub Actions run)")
	f.StringVar(&opts.SourceDir, "source-dir", "", "Terraform configuration to locate findings in (default: each plan file's directory)")
	return cmd
}

// tuneGC: a policy check keeps the parsed plans until it exits and frees
// little on the way, so a collection at every doubling of the heap only
// rescans the same plans (on a 20 MB plan that was most of the CPU time).
// The collector runs instead when the heap nears a limit sized to the
// plans: 8 times their size plus 128 MiB, below what conftest holds for
// the same plans. GOGC or GOMEMLIMIT set by the user win.
func tuneGC(targets []planjson.Target) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	var size int64
	for _, t := range targets {
		if info, err := os.Stat(t.Path); err == nil {
			size += info.Size()
		}
	}
	debug.SetMemoryLimit(8*size + 128<<20)
	debug.SetGCPercent(-1)
}

// actionsRunURL is the GitHub Actions run page, where a workflow keeps
// the full report as an artifact; empty outside Actions.
func actionsRunURL() string {
	server, repo, run := os.Getenv("GITHUB_SERVER_URL"), os.Getenv("GITHUB_REPOSITORY"), os.Getenv("GITHUB_RUN_ID")
	if server == "" || repo == "" || run == "" {
		return ""
	}
	return fmt.Sprintf("%s/%s/actions/runs/%s", server, repo, run)
}

func newPolicyTestCmd() *cobra.Command {
	var (
		format    *output.Format
		threshold float64
		opts      policy.TestOptions
	)
	cmd := &cobra.Command{
		Use:   "test [PATH...]",
		Short: "Run the Rego unit tests (test_* rules) of your policies, with coverage",
		Long: `Runs every test_* rule of the Rego files under PATH (default ./policy, or
./policies) as opa test and conftest verify do, and reports which lines of
the policies the tests cover.

Exit status: 0 when every test passes (and coverage reaches --threshold),
1 when a test fails or errs or coverage is below the threshold, 2 when
there is nothing to test or a policy does not compile.`,
		Example: `  brickops policy test policies/
  brickops policy test policies/ --data data/ --threshold 80 --output json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if len(opts.Paths) == 0 {
				for _, dir := range []string{conftestPolicyDir, "policies"} {
					if info, err := os.Stat(dir); err == nil && info.IsDir() {
						opts.Paths = []string{dir}
						break
					}
				}
				if len(opts.Paths) == 0 {
					return exitcode.Invalidf("no policy directory: pass PATH (./policy and ./policies do not exist)")
				}
			}
			rep, err := policy.RunTests(cmd.Context(), opts)
			if err != nil {
				return exitcode.Invalid(err)
			}
			if err := report(cmd, format, rep, func(w io.Writer) { rep.WriteText(w) }); err != nil {
				return err
			}
			switch {
			case rep.Failed+rep.Errored > 0:
				return exitcode.Refusedf("policy test: %d of %d test(s) failed", rep.Failed+rep.Errored, len(rep.Results))
			case threshold > 0 && rep.Coverage < threshold:
				return exitcode.Refusedf("policy test: coverage %.1f%% is below the threshold of %.1f%%", rep.Coverage, threshold)
			}
			return nil
		},
	}
	f := cmd.Flags()
	format = outputFlag(cmd)
	f.StringSliceVarP(&opts.DataPaths, "data", "d", nil, "JSON/YAML files or directories the policies read as data (repeatable)")
	f.StringVar(&opts.RegoVersion, "rego-version", "", "Rego syntax of the policies: v0 or v1 (default: each file as written)")
	f.StringVar(&opts.Run, "run", "", "run only the tests whose name matches this regular expression")
	f.Float64Var(&threshold, "threshold", 0, "fail when coverage (percent of policy lines) is below this")
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
