package seed_test

import (
	"context"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/ml"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

func TestRun_logsARunAndRegistersAReadyVersion(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(100*time.Millisecond))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	res, err := seed.Run(ctx, w, seed.Spec{
		Model: "dev.ml.churn", RunName: "nightly", Params: map[string]string{"max_depth": "6"},
		Metrics: map[string]float64{"auc": 0.91}, Tags: map[string]string{"validated": "true"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version.Status != ucregistry.StatusReady || res.Version.Version != "1" || res.Version.RunID != res.RunID ||
		res.Version.TagMap()["validated"] != "true" || res.Version.Source != "runs:/"+res.RunID+"/model" {
		t.Errorf("version = %+v", res.Version)
	}
	run, err := w.Experiments.GetRun(ctx, ml.GetRunRequest{RunId: res.RunID})
	if err != nil {
		t.Fatal(err)
	}
	if run.Run.Info.Status != ml.RunInfoStatusFinished || run.Run.Info.ExperimentId != res.ExperimentID ||
		len(run.Run.Data.Metrics) != 1 || run.Run.Data.Metrics[0].Value != 0.91 || run.Run.Data.Params[0].Value != "6" {
		t.Errorf("run = %+v", run.Run)
	}
	history, _ := w.Experiments.GetHistoryAll(ctx, ml.GetHistoryRequest{RunId: res.RunID, MetricKey: "auc"})
	if len(history) != 3 {
		t.Errorf("auc history has %d points, want 3", len(history))
	}
	// A second run reuses the experiment and registers version 2.
	again, err := seed.Run(ctx, w, seed.Spec{Model: "dev.ml.churn", Metrics: map[string]float64{"auc": 0.93}})
	if err != nil || again.ExperimentID != res.ExperimentID || again.Version.Version != "2" {
		t.Fatalf("second run = %+v, %v", again, err)
	}
	if _, err := seed.Run(ctx, w, seed.Spec{Model: "dev.churn"}); err == nil {
		t.Error("a two-part model name was accepted")
	}
}
