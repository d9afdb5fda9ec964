//lint:file-ignore SA1019 the Lakehouse Monitoring API is what brickops_quality_monitor manages and the emulator serves.

package promote_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/databricks/databricks-sdk-go/service/sql"

	"github.com/brickops/terraform-provider-brickops/internal/analysis"
	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
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

// The monitor gate on real monitor metrics: a day of traffic, a day of
// shifted traffic, a refresh through the SDK, then the drift metrics read
// back with the Statement Execution API.
func TestMonitorGate_onARefreshedMonitor(t *testing.T) {
	wd, _ := canaryWorld(t, analysisYAML)
	ctx := context.Background()
	serveCanary(t, wd, 2, 10)
	for _, shift := range []float64{0, 1} {
		if status := wd.emu.Do(t, "POST", "/_emulator/serving-endpoints/churn-prod/traffic", map[string]any{"requests": 300, "shift": shift}, nil); status != 200 {
			t.Fatalf("traffic: %d", status)
		}
		wd.emu.AdvanceClock(t, "24h")
	}
	if _, err := wd.w.QualityMonitors.Create(ctx, catalog.CreateMonitor{TableName: "prod.ml.churn_predictions", AssetsDir: "/Shared/monitor", OutputSchemaName: "prod.ml",
		InferenceLog: &catalog.MonitorInferenceLog{Granularities: []string{"1 day"}, TimestampCol: "timestamp", ModelIdCol: "model_id",
			PredictionCol: "prediction", LabelCol: "label", ProblemType: catalog.MonitorInferenceLogProblemTypeProblemTypeClassification}}); err != nil {
		t.Fatal(err)
	}
	ref, err := wd.w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: "prod.ml.churn_predictions"})
	if err != nil {
		t.Fatal(err)
	}
	for { // the refresh's state machine runs on the emulator's async delay
		r, err := wd.w.QualityMonitors.GetRefresh(ctx, catalog.GetRefreshRequest{TableName: "prod.ml.churn_predictions", RefreshId: ref.RefreshId})
		if err != nil || r.State == catalog.MonitorRefreshInfoStateFailed || r.State == catalog.MonitorRefreshInfoStateCanceled {
			t.Fatalf("refresh: %+v %v", r, err)
		}
		if r.State == catalog.MonitorRefreshInfoStateSuccess {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mon, err := observe.NewWarehouse(wd.w, "", "mlops-prod").Monitor(ctx, "churn-prod", 7*24*time.Hour)
	if err != nil || mon.Table != "prod.ml.churn_predictions" || mon.LabelCol != "label" || len(mon.Drift) == 0 || len(mon.Profile) == 0 {
		t.Fatalf("monitor = %+v, %v", mon, err)
	}
	g := config.MonitorGate{MaxDrift: new(0.5), Statistic: "population_stability_index", Columns: []string{"x1", "x2", "x3"}}
	refused := promote.MonitorGate(g, mon, "", promote.Candidate{Version: 2})
	if refused.Passed || !strings.Contains(refused.Detail, "drift since") {
		t.Fatalf("untrained on the drift: %+v", refused)
	}
	trained := promote.MonitorGate(g, mon, "", promote.Candidate{Version: 2, Tags: map[string]string{promote.TrainingDataEnd: wd.emu.AdvanceClock(t, "1s").Format(time.RFC3339)}})
	if !trained.Passed || !strings.Contains(trained.Detail, "after the drift began") {
		t.Fatalf("trained after the drift: %+v", trained)
	}
}
