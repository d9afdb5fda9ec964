package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/ml"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestMLflow_experimentsAndRunsThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()

	_, err := w.Experiments.CreateExperiment(ctx, ml.CreateExperiment{Name: "churn"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "An experiment name must be an absolute path")
	exp, err := w.Experiments.CreateExperiment(ctx, ml.CreateExperiment{Name: "/Shared/churn"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Experiments.CreateExperiment(ctx, ml.CreateExperiment{Name: "/Shared/churn"})
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_ALREADY_EXISTS", "Node named '/Shared/churn' already exists")
	got, err := w.Experiments.GetExperiment(ctx, ml.GetExperimentRequest{ExperimentId: exp.ExperimentId})
	if err != nil || got.Experiment.Name != "/Shared/churn" || got.Experiment.LifecycleStage != "active" || got.Experiment.ArtifactLocation == "" {
		t.Fatalf("get experiment = %+v, %v", got, err)
	}
	byName, err := w.Experiments.GetByName(ctx, ml.GetByNameRequest{ExperimentName: "/Shared/churn"})
	if err != nil || byName.Experiment.ExperimentId != exp.ExperimentId {
		t.Fatalf("get by name = %+v, %v", byName, err)
	}
	_, err = w.Experiments.GetExperiment(ctx, ml.GetExperimentRequest{ExperimentId: "42"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Node ID 42 does not exist.")

	run, err := w.Experiments.CreateRun(ctx, ml.CreateRun{ExperimentId: exp.ExperimentId, RunName: "train-1", Tags: []ml.RunTag{{Key: "git_sha", Value: "abc"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := run.Run.Info.RunId
	if run.Run.Info.Status != ml.RunInfoStatusRunning || run.Run.Info.RunName != "train-1" || len(id) != 32 {
		t.Errorf("created run = %+v", run.Run.Info)
	}
	if err := w.Experiments.LogParam(ctx, ml.LogParam{RunId: id, Key: "max_depth", Value: "6"}); err != nil {
		t.Fatal(err)
	}
	err = w.Experiments.LogParam(ctx, ml.LogParam{RunId: id, Key: "max_depth", Value: "8"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed")
	for step, v := range []float64{0.7, 0.8, 0.85} {
		if err := w.Experiments.LogMetric(ctx, ml.LogMetric{RunId: id, Key: "auc", Value: v, Step: int64(step), Timestamp: int64(1000 + step)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Experiments.LogBatch(ctx, ml.LogBatch{RunId: id,
		Metrics: []ml.Metric{{Key: "f1", Value: 0.6, Timestamp: 5, Step: 0}},
		Params:  []ml.Param{{Key: "lr", Value: "0.1"}},
		Tags:    []ml.RunTag{{Key: "team", Value: "ml"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Experiments.SetTag(ctx, ml.SetTag{RunId: id, Key: "validated", Value: "yes"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Experiments.UpdateRun(ctx, ml.UpdateRun{RunId: id, Status: ml.UpdateRunStatusFinished}); err != nil {
		t.Fatal(err)
	}

	r, err := w.Experiments.GetRun(ctx, ml.GetRunRequest{RunId: id})
	if err != nil {
		t.Fatal(err)
	}
	metrics := map[string]float64{}
	for _, m := range r.Run.Data.Metrics {
		metrics[m.Key] = m.Value
	}
	params := map[string]string{}
	for _, p := range r.Run.Data.Params {
		params[p.Key] = p.Value
	}
	tags := map[string]string{}
	for _, tg := range r.Run.Data.Tags {
		tags[tg.Key] = tg.Value
	}
	if metrics["auc"] != 0.85 || metrics["f1"] != 0.6 || params["max_depth"] != "6" || params["lr"] != "0.1" ||
		tags["team"] != "ml" || tags["validated"] != "yes" || tags["git_sha"] != "abc" || tags["mlflow.runName"] != "train-1" {
		t.Errorf("run data: metrics %v params %v tags %v", metrics, params, tags)
	}
	if r.Run.Info.Status != ml.RunInfoStatusFinished || r.Run.Info.EndTime == 0 {
		t.Errorf("run info after finishing = %+v", r.Run.Info)
	}

	history, err := w.Experiments.GetHistoryAll(ctx, ml.GetHistoryRequest{RunId: id, MetricKey: "auc", MaxResults: 2})
	if err != nil || len(history) != 3 || history[0].Value != 0.7 || history[2].Step != 2 {
		t.Fatalf("history = %+v, %v", history, err)
	}

	_, err = w.Experiments.GetRun(ctx, ml.GetRunRequest{RunId: "nope"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Run 'nope' not found.")
	err = w.Experiments.LogMetric(ctx, ml.LogMetric{RunId: id, Key: "auc", Value: 1})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "'timestamp'")
	tooMany := make([]ml.Param, 101)
	for i := range tooMany {
		tooMany[i] = ml.Param{Key: "p" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Value: "v"}
	}
	err = w.Experiments.LogBatch(ctx, ml.LogBatch{RunId: id, Params: tooMany})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "at most 100 params")
}

func TestMLflow_searchRunsFiltersOrdersPaginates(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	exp, err := w.Experiments.CreateExperiment(ctx, ml.CreateExperiment{Name: "/Shared/search"})
	if err != nil {
		t.Fatal(err)
	}
	for i, auc := range []float64{0.7, 0.9, 0.8} {
		run, err := w.Experiments.CreateRun(ctx, ml.CreateRun{ExperimentId: exp.ExperimentId, StartTime: int64(100 + i)})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Experiments.LogBatch(ctx, ml.LogBatch{RunId: run.Run.Info.RunId,
			Metrics: []ml.Metric{{Key: "auc", Value: auc, Timestamp: 1}},
			Tags:    []ml.RunTag{{Key: "model", Value: map[bool]string{true: "churn", false: "ltv"}[i < 2]}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := w.Experiments.SearchRunsAll(ctx, ml.SearchRuns{ExperimentIds: []string{exp.ExperimentId},
		Filter: "metrics.auc >= 0.75 AND tags.model = 'churn'"})
	if err != nil || len(runs) != 1 || runs[0].Data.Metrics[0].Value != 0.9 {
		t.Fatalf("filtered search = %+v, %v", runs, err)
	}
	ordered, err := w.Experiments.SearchRunsAll(ctx, ml.SearchRuns{ExperimentIds: []string{exp.ExperimentId}, OrderBy: []string{"metrics.auc DESC"}, MaxResults: 1})
	if err != nil || len(ordered) != 3 {
		t.Fatalf("ordered search = %d runs, %v", len(ordered), err)
	}
	for i, want := range []float64{0.9, 0.8, 0.7} {
		if got := ordered[i].Data.Metrics[0].Value; got != want {
			t.Errorf("run %d auc = %v, want %v", i, got, want)
		}
	}
	// Default order: newest start_time first.
	byStart, _ := w.Experiments.SearchRunsAll(ctx, ml.SearchRuns{ExperimentIds: []string{exp.ExperimentId}})
	if byStart[0].Info.StartTime != 102 {
		t.Errorf("default order starts with start_time %d", byStart[0].Info.StartTime)
	}
	_, err = w.Experiments.SearchRunsAll(ctx, ml.SearchRuns{ExperimentIds: []string{exp.ExperimentId}, Filter: "metrics.auc >> 1"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid filter")
	_, err = w.Experiments.SearchRunsAll(ctx, ml.SearchRuns{ExperimentIds: []string{"999"}})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Node ID 999 does not exist.")
}

// TestMLflow_searchExperimentsAndGetByName: what `databricks experiments
// search` and `get-by-name` call.
func TestMLflow_searchExperimentsAndGetByName(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	for _, name := range []string{"/Users/a/churn", "/Users/a/Churn-v2", "/Shared/fraud"} {
		if _, err := w.Experiments.CreateExperiment(ctx, ml.CreateExperiment{Name: name, Tags: []ml.ExperimentTag{{Key: "team", Value: strings.ToLower(name[1:6])}}}); err != nil {
			t.Fatal(err)
		}
	}
	names := func(req ml.SearchExperiments) string {
		t.Helper()
		all, err := w.Experiments.SearchExperimentsAll(ctx, req)
		if err != nil {
			t.Fatalf("search %+v: %v", req, err)
		}
		var out []string
		for _, e := range all {
			out = append(out, e.Name)
		}
		return strings.Join(out, ",")
	}
	if got := names(ml.SearchExperiments{OrderBy: []string{"name ASC"}}); got != "/Shared/fraud,/Users/a/Churn-v2,/Users/a/churn" {
		t.Errorf("all by name = %s", got)
	}
	if got := names(ml.SearchExperiments{Filter: "name ILIKE '%churn%'", OrderBy: []string{"name DESC"}}); got != "/Users/a/churn,/Users/a/Churn-v2" {
		t.Errorf("ILIKE = %s", got)
	}
	if got := names(ml.SearchExperiments{Filter: "name LIKE '%churn%'"}); got != "/Users/a/churn" {
		t.Errorf("LIKE = %s", got)
	}
	if got := names(ml.SearchExperiments{Filter: "tags.team = 'share'"}); got != "/Shared/fraud" {
		t.Errorf("by tag = %s", got)
	}
	if got := names(ml.SearchExperiments{MaxResults: 1, OrderBy: []string{"name ASC"}}); got != "/Shared/fraud,/Users/a/Churn-v2,/Users/a/churn" {
		t.Errorf("paged one at a time = %s", got)
	}
	got, err := w.Experiments.GetByName(ctx, ml.GetByNameRequest{ExperimentName: "/Shared/fraud"})
	if err != nil || got.Experiment.Name != "/Shared/fraud" || got.Experiment.LifecycleStage != "active" {
		t.Errorf("get-by-name = %+v, %v", got, err)
	}
	_, err = w.Experiments.GetByName(ctx, ml.GetByNameRequest{ExperimentName: "/Shared/none"})
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("get-by-name of a missing experiment: %v", err)
	}
}
