package promote_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/analysis"
	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
)

const analysisYAML = brickopsYAML + `
rollout:
  analysis:
    min_requests: 20
    max_error_rate: 0.05
    max_latency_p95_ms: 500
`

// canaryWorld is newWorld with staging holding versions 1 and 2 and a
// prod canary in progress (version 1 champion, version 2 at 10 %), pinned
// in a local checkout; the promoter reads endpoints through the SDK.
func canaryWorld(t *testing.T, yaml string) (*world, *promote.Promoter) {
	t.Helper()
	wd := newWorld(t)
	wd.apply(t, "staging", "dev", 1)
	wd.apply(t, "staging", "dev", 2)
	wd.apply(t, "prod", "staging", 1)
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	pins := promote.LocalPins{Root: t.TempDir()}
	canary := promote.Canary.Apply(promote.Pin{Version: 1}, 2)
	if _, err := pins.Propose(context.Background(), "prod", promote.Pins{Models: map[string]promote.Pin{"churn": canary}}, promote.Proposal{}); err != nil {
		t.Fatal(err)
	}
	p := &promote.Promoter{Config: cfg, Registry: wd.promoter.Registry, Pins: pins,
		Observe: func(env config.Environment) (observe.Source, error) {
			return observe.NewWarehouse(wd.w, env.Warehouse, "mlops-"+env.Name), nil
		}}
	return wd, p
}

// Without an endpoint there is nothing to judge: --complete is refused as
// missing data (not as a failure), and --allow-missing-data proceeds with
// the reasons recorded in the evidence.
func TestAnalysis_missingDataThroughTheSDK(t *testing.T) {
	_, p := canaryWorld(t, analysisYAML)
	ctx := context.Background()
	res, err := p.Promote(ctx, promote.Request{Model: "churn", To: "prod", Complete: true})
	if !errors.Is(err, promote.ErrAnalysisMissingData) || exitcode.Of(err) != exitcode.No {
		t.Fatalf("err = %v", err)
	}
	v := res.Evidence.Analysis
	if v == nil || v.Outcome != analysis.MissingData || len(v.Missing) != 1 || v.Missing[0] != "serving endpoint churn-prod does not exist" || res.Where != "" {
		t.Fatalf("verdict = %+v, where %q", v, res.Where)
	}
	if md := res.Evidence.Markdown(); !strings.Contains(md, "⚠️ too little data to judge") || !strings.Contains(md, "Missing data: serving endpoint churn-prod does not exist") {
		t.Errorf("evidence:\n%s", md)
	}

	res, err = p.Promote(ctx, promote.Request{Model: "churn", To: "prod", Complete: true, AllowMissingData: true})
	if err != nil || res.Where == "" || !res.Evidence.Analysis.Proceeded || res.Pins.Models["churn"].Version != 2 {
		t.Fatalf("allow missing data: %v %+v", err, res)
	}
	if md := res.Evidence.Markdown(); !strings.Contains(md, "missing data was accepted") {
		t.Errorf("evidence:\n%s", md)
	}
}

// A rollback on a failed analysis needs a failed analysis: missing data
// proposes nothing.
func TestAnalysis_rollbackNeedsAFailure(t *testing.T) {
	_, p := canaryWorld(t, analysisYAML)
	res, err := p.RollbackOnFailedAnalysis(context.Background(), "churn", "prod")
	if exitcode.Of(err) != exitcode.No || !strings.Contains(err.Error(), "is missing data, not a failure: nothing was proposed") || res.Where != "" {
		t.Fatalf("err = %v, res %+v", err, res)
	}
	_, p = canaryWorld(t, brickopsYAML)
	if _, err := p.RollbackOnFailedAnalysis(context.Background(), "churn", "prod"); exitcode.Of(err) != exitcode.BadInput || !strings.Contains(err.Error(), "--on-failed-analysis needs rollout.analysis thresholds") {
		t.Errorf("without thresholds: %v", err)
	}
}
