package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/output"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
)

func newPromoteCmd() *cobra.Command {
	var (
		flags    promotionFlags
		req      promote.Request
		strategy string
		format   *output.Format
	)
	cmd := &cobra.Command{
		Use:   "promote MODEL --to ENV",
		Short: "Propose promoting a model version into an environment",
		Long: `Resolves the candidate version in the environment before ENV (--version, or
--from-alias, or that environment's alias, or its newest READY version), runs
ENV's validation gates from brickops.yaml and prints the evidence: metrics
against thresholds and the current champion, lineage, who may approve.

If every gate passes it records the new pin in environments/ENV/models.auto.tfvars.json:
with --open-pr (the default in GitHub Actions) on a new branch with a pull
request carrying the evidence, otherwise in the local checkout. If a gate
fails, nothing is written and the command exits 1.

--output json prints one document: "proposed" (true or false), "where" the
pin was written, and the "evidence" (candidate, champion, gates, pin).

--strategy shapes serving traffic: recreate (all at once), blue-green (switch,
keep the old version at 0 % for an instant switch back), canary (10 % to the
candidate), ab (50/50), shadow (candidate at 0 %, judged from the inference
table). --complete finishes a canary, A/B or shadow rollout.

With rollout.analysis in brickops.yaml, --complete first judges the rollout
from live data: the challenger against the champion over the analysis window,
from the endpoint's inference table (error rate, latency p95, read with the
SQL Statement Execution API on the environment's SQL warehouse) and its
monitor's metric tables (prediction drift, and model quality where labels
exist). A challenger worse than a threshold is refused (exit 1) with the
evidence, and nothing is proposed: roll it back with
brickops rollback MODEL --env ENV --on-failed-analysis. Too little data (no
inference table, fewer than min_requests, no monitor metrics) is its own
outcome, "missing_data": refused as well (exit 1) unless
rollout.analysis.on_missing_data is proceed or --allow-missing-data is given.
The JSON's evidence.analysis holds the verdict.`,
		Example: `  brickops promote churn --to staging --version 7
  brickops promote churn --to prod --strategy canary
  brickops promote churn --to prod --complete`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Model = args[0]
			var err error
			if req.Strategy, err = promote.ParseStrategy(strategy); err != nil {
				return err
			}
			if req.To == "" {
				return exitcode.Invalidf("--to is required: the environment to promote into")
			}
			if req.AllowMissingData && !req.Complete {
				return exitcode.Invalidf("--allow-missing-data applies to --complete's rollout analysis")
			}
			if req.Complete && (req.Version > 0 || req.FromAlias != "") {
				return exitcode.Invalidf("--complete finishes the rollout in progress; it takes no --version or --from-alias")
			}
			p, _, err := flags.promoter(flags.openPR)
			if err != nil {
				return err
			}
			res, err := p.Promote(cmd.Context(), req)
			if err := reportProposal(cmd, format, res); err != nil {
				return err
			}
			switch {
			case errors.Is(err, promote.ErrGatesFailed):
				return exitcode.Refusedf("promotion of %s to %s refused: validation gates failed (see above); nothing was proposed", req.Model, req.To)
			case errors.Is(err, promote.ErrAnalysisFailed):
				return exitcode.Refusedf("completing the rollout of %s in %s refused: the rollout analysis found the challenger worse (see above); nothing was proposed. Roll it back with: brickops rollback %s --env %s --on-failed-analysis", req.Model, req.To, req.Model, req.To)
			case errors.Is(err, promote.ErrAnalysisMissingData):
				return exitcode.Refusedf("completing the rollout of %s in %s refused: too little data to judge it (see above); let it serve longer, or pass --allow-missing-data", req.Model, req.To)
			}
			return err
		},
	}
	format = outputFlag(cmd)
	flags.register(cmd, true)
	f := cmd.Flags()
	f.StringVar(&req.To, "to", "", "environment to promote into")
	f.IntVar(&req.Version, "version", 0, "version of the model in the previous environment")
	f.StringVar(&req.FromAlias, "from-alias", "", "take the version this alias points at in the previous environment")
	f.StringVar(&strategy, "strategy", "recreate", "rollout: recreate, blue-green, canary, ab or shadow")
	f.BoolVar(&req.Complete, "complete", false, "finish the canary, A/B or shadow rollout in progress (after its rollout analysis, when configured)")
	f.BoolVar(&req.AllowMissingData, "allow-missing-data", false, "with --complete: proceed when the rollout analysis has too little data to judge")
	return cmd
}

// reportProposal prints what promote or rollback proposed (or, refused,
// the evidence why not); res is nil when there is nothing to show.
func reportProposal(cmd *cobra.Command, format *output.Format, res *promote.Result) error {
	if res == nil {
		return nil
	}
	return report(cmd, format, struct {
		Proposed bool             `json:"proposed"`
		Where    string           `json:"where,omitempty"`
		Evidence promote.Evidence `json:"evidence"`
	}{res.Where != "", res.Where, res.Evidence}, func(w io.Writer) {
		fmt.Fprintln(w, res.Evidence.Markdown())
		if res.Where != "" {
			fmt.Fprintf(w, "Proposed: %s\n", res.Where)
		}
	})
}
