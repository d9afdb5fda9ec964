package promote_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/databricks/databricks-sdk-go/service/sql"

	"github.com/brickops/terraform-provider-brickops/internal/analysis"
	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// serveCanary registers staging's versions 1 and challenger in prod (the
// copies Terraform makes), serves them on churn-prod as the canary pins
// them (v1 90 %, v<challenger> 10 %) with an inference table, creates the
// mlops-prod warehouse and sends n requests through the SDK's Query.
func serveCanary(t *testing.T, wd *world, challenger, n int) {
	t.Helper()
	ctx := context.Background()
	reg, _ := ucregistry.New(wd.w)
	copies := map[int]string{}
	for _, v := range []int{1, challenger} {
		src, err := reg.Get(ctx, "staging.ml.churn", strconv.Itoa(v))
		if err != nil {
			t.Fatal(err)
		}
		mv, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "prod.ml.churn", Source: "models:/" + src.Name + "/" + src.Version, RunID: src.RunID,
			Tags: []ucregistry.Tag{{Key: promote.LineageSourceVersion, Value: src.Version}}})
		if err != nil {
			t.Fatal(err)
		}
		copies[v] = mv.Version
	}
	entity := func(v int) serving.ServedEntityInput {
		return serving.ServedEntityInput{Name: "v" + strconv.Itoa(v), EntityName: "prod.ml.churn", EntityVersion: copies[v], WorkloadSize: "Small", ScaleToZeroEnabled: true}
	}
	if _, err := wd.w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{Name: "churn-prod", Config: &serving.EndpointCoreConfigInput{
		ServedEntities: []serving.ServedEntityInput{entity(1), entity(challenger)},
		TrafficConfig: &serving.TrafficConfig{Routes: []serving.Route{
			{ServedEntityName: "v1", TrafficPercentage: 90}, {ServedEntityName: "v" + strconv.Itoa(challenger), TrafficPercentage: 10}}},
		AutoCaptureConfig: &serving.AutoCaptureConfigInput{CatalogName: "prod", SchemaName: "ml", TableNamePrefix: "churn", Enabled: true},
	}}); err != nil {
		t.Fatalf("creating churn-prod: %v", err)
	}
	if _, err := wd.w.Warehouses.Create(ctx, sql.CreateWarehouseRequest{Name: "mlops-prod", ClusterSize: "2X-Small"}); err != nil {
		t.Fatal(err)
	}
	cfg := client.Isolated(wd.emu.URL, wd.emu.Token)
	cfg.RateLimitPerSecond = 10000
	fast, err := client.Workspace(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		// A failing version's 500s are answers too: the inference table
		// logs them, which is what the analysis reads.
		_, err := fast.ServingEndpoints.Query(ctx, serving.QueryEndpointInput{Name: "churn-prod",
			DataframeRecords: []any{map[string]any{"x1": 0.1 * float64(i%10), "x2": 0.5}}})
		if err != nil && !strings.Contains(err.Error(), "failed to score the request") {
			t.Fatalf("query %d: %v", i, err)
		}
	}
}

// A canary whose challenger serves like the champion completes, with the
// analysis (read from the inference table through the Statement Execution
// API) in the pull request.
func TestAnalysis_passesAGoodCanaryFromLiveTraffic(t *testing.T) {
	wd, p := canaryWorld(t, analysisYAML)
	serveCanary(t, wd, 2, 400)
	res, err := p.Promote(context.Background(), promote.Request{Model: "churn", To: "prod", Complete: true})
	if err != nil {
		t.Fatalf("complete: %v (analysis %+v)", err, res.Evidence.Analysis)
	}
	v := res.Evidence.Analysis
	// 10 % of 400 to the challenger; the champion's count starts at the
	// challenger's first request (the rollout window).
	if v.Outcome != analysis.Pass || v.Candidate.Requests != 40 || v.Champion.Requests < 340 || v.Champion.Requests > 360 ||
		v.Table != "prod.ml.churn_payload" || res.Where == "" || !strings.Contains(res.Evidence.Markdown(), "✅ the challenger holds every threshold") {
		t.Fatalf("verdict = %+v", v)
	}
}

// A challenger that fails a third of its requests and answers slowly is
// refused with the evidence, and the rollback proposes the champion alone
// with that evidence.
func TestAnalysis_refusesAWorseCanaryAndRollsBack(t *testing.T) {
	wd, p := canaryWorld(t, analysisYAML)
	ctx := context.Background()
	// Version 4 in dev: good offline, bad in serving; staged as version 3.
	if _, err := seed.Run(ctx, wd.w, seed.Spec{Model: "dev.ml.churn", Metrics: map[string]float64{"val_auc": 0.9},
		Tags: map[string]string{"validation_status": "passed"}, Params: map[string]string{"brickops.error_rate": "0.3", "brickops.latency_ms": "800"}}); err != nil {
		t.Fatal(err)
	}
	wd.apply(t, "staging", "dev", 4)
	if _, err := wd.w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "staging.ml.churn", Alias: "champion", VersionNum: 2}); err != nil {
		t.Fatal(err)
	}
	serveCanary(t, wd, 3, 400)
	pins := p.Pins.(promote.LocalPins)
	canary := promote.Canary.Apply(promote.Pin{Version: 1}, 3)
	if _, err := pins.Propose(ctx, "prod", promote.Pins{Models: map[string]promote.Pin{"churn": canary}}, promote.Proposal{}); err != nil {
		t.Fatal(err)
	}
	res, err := p.Promote(ctx, promote.Request{Model: "churn", To: "prod", Complete: true})
	if !errors.Is(err, promote.ErrAnalysisFailed) || res.Where != "" {
		t.Fatalf("complete: %v", err)
	}
	v := res.Evidence.Analysis
	st := map[string]string{}
	for _, c := range v.Checks {
		st[c.Name] = c.Status
	}
	if v.Outcome != analysis.Fail || st["error rate"] != analysis.StatusFail || st["latency p95"] != analysis.StatusFail || v.Candidate.Errors < 10 {
		t.Fatalf("verdict = %+v", v)
	}
	rb, err := p.RollbackOnFailedAnalysis(ctx, "churn", "prod")
	if err != nil || rb.Pins.Models["churn"].Challenger != 0 || rb.Pins.Models["churn"].Traffic["1"] != 100 {
		t.Fatalf("rollback: %v %+v", err, rb)
	}
	if md := rb.Evidence.Markdown(); !strings.Contains(md, "Roll back the canary of churn in prod: version 3 failed its rollout analysis") || !strings.Contains(md, "| error rate |") {
		t.Errorf("rollback evidence:\n%s", md)
	}
}
