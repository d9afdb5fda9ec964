package emulator_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/ml"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// notebookTask is a serverless notebook task with base parameters.
func notebookTask(key string, params map[string]string, deps ...string) jobs.Task {
	t := jobs.Task{TaskKey: key, NotebookTask: &jobs.NotebookTask{NotebookPath: "/Repos/ml/" + key, BaseParameters: params}}
	for _, d := range deps {
		t.DependsOn = append(t.DependsOn, jobs.TaskDependency{TaskKey: d})
	}
	return t
}

func TestJobs_taskParametersDriveRunStates(t *testing.T) {
	t.Parallel()
	clock := emulatortest.NewClock()
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(time.Minute), emulatortest.WithClock(clock.Now))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	create := func(job jobs.CreateJob) int64 {
		t.Helper()
		created, err := w.Jobs.Create(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		return created.JobId
	}
	runOf := func(jobID int64) int64 {
		t.Helper()
		r, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: jobID})
		if err != nil {
			t.Fatal(err)
		}
		return r.RunId
	}
	get := func(runID int64) *jobs.Run {
		t.Helper()
		r, err := w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: runID})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// A flaky task fails twice, then succeeds on its third attempt.
	flaky := notebookTask("flaky", map[string]string{"brickops.fail_attempts": "2", "brickops.duration": "5m"})
	flaky.MaxRetries, flaky.MinRetryIntervalMillis = 3, 60_000
	retried := runOf(create(jobs.CreateJob{Name: "flaky", Tasks: []jobs.Task{flaky}}))
	// A failing task, and the task after it that never runs.
	failing := runOf(create(jobs.CreateJob{Name: "failing", Tasks: []jobs.Task{
		notebookTask("check", map[string]string{"brickops.fail": "true", "brickops.fail_message": "data check failed: 12 null labels"}),
		notebookTask("publish", nil, "check"),
	}}))
	// A task that runs longer than its timeout.
	slow := notebookTask("slow", map[string]string{"brickops.duration": "2h"})
	slow.TimeoutSeconds = 600
	timedOut := runOf(create(jobs.CreateJob{Name: "slow", Tasks: []jobs.Task{slow}}))

	// One minute pending, then the first attempts run.
	emu.AdvanceClock(t, "2m")
	if r := get(retried); r.State.LifeCycleState != jobs.RunLifeCycleStateRunning || len(r.Tasks) != 1 || r.Tasks[0].AttemptNumber != 0 {
		t.Fatalf("flaky run after 2m: %s, tasks %+v", r.State.LifeCycleState, r.Tasks)
	}
	if to := get(timedOut); to.State.LifeCycleState != jobs.RunLifeCycleStateRunning {
		t.Errorf("slow run after 2m: %+v, want RUNNING", to.State)
	}
	// Attempts: 1-6m fail, 7-12m fail, 13-18m succeed.
	emu.AdvanceClock(t, "17m")
	r := get(retried)
	if r.State.LifeCycleState != jobs.RunLifeCycleStateTerminated || r.State.ResultState != jobs.RunResultStateSuccess || len(r.Tasks) != 3 {
		t.Fatalf("flaky run after 19m: %s/%s with %d attempts", r.State.LifeCycleState, r.State.ResultState, len(r.Tasks))
	}
	if r.Tasks[0].State.ResultState != jobs.RunResultStateFailed || r.Tasks[2].AttemptNumber != 2 || r.Tasks[2].State.ResultState != jobs.RunResultStateSuccess ||
		r.EndTime-r.StartTime != 18*time.Minute.Milliseconds() {
		t.Errorf("attempts: %+v / %+v; run took %d ms", r.Tasks[0].State, r.Tasks[2], r.EndTime-r.StartTime)
	}

	f := get(failing)
	if f.State.ResultState != jobs.RunResultStateFailed || f.State.StateMessage != "data check failed: 12 null labels" ||
		f.Tasks[1].State.ResultState != jobs.RunResultStateUpstreamFailed {
		t.Errorf("failing run: %+v, tasks %+v / %+v", f.State, f.Tasks[0].State, f.Tasks[1].State)
	}
	if to := get(timedOut); to.State.ResultState != jobs.RunResultStateTimedout || to.EndTime-to.StartTime != 11*time.Minute.Milliseconds() {
		t.Errorf("slow run: %+v after %d ms, want TIMEDOUT after 11 minutes", to.State, to.EndTime-to.StartTime)
	}

	// A bad parameter given at run time is refused with the reason.
	param := create(jobs.CreateJob{Name: "param", Parameters: []jobs.JobParameterDefinition{{Name: "brickops.duration", Default: "1m"}},
		Tasks: []jobs.Task{notebookTask("t", nil)}})
	_, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: param, JobParameters: map[string]string{"brickops.duration": "forever"}})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", `Task 't': task parameter brickops.duration="forever"`)
}

func TestJobs_scheduleFiresFromTheEmulatorClock(t *testing.T) {
	t.Parallel()
	clock := emulatortest.NewClock() // 2026-03-01 12:00 UTC
	emu := emulatortest.Start(t, emulatortest.WithClock(clock.Now))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	hourly, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "hourly", Tasks: []jobs.Task{notebookTask("score", nil)},
		Schedule: &jobs.CronSchedule{QuartzCronExpression: "0 30 * * * ?", TimezoneId: "Europe/Amsterdam"}})
	if err != nil {
		t.Fatal(err)
	}
	paused, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "paused", Tasks: []jobs.Task{notebookTask("score", nil)},
		Schedule: &jobs.CronSchedule{QuartzCronExpression: "0 30 * * * ?", TimezoneId: "UTC", PauseStatus: jobs.PauseStatusPaused}})
	if err != nil {
		t.Fatal(err)
	}
	now := emu.AdvanceClock(t, "3h")
	if want := clock.Now().Add(3 * time.Hour); !now.Equal(want) {
		t.Fatalf("clock after advance = %s, want %s", now, want)
	}
	runs, err := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: hourly.JobId})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 {
		t.Fatalf("hourly job after 3h: %d runs, want 3", len(runs))
	}
	for i, r := range runs { // most recent first: 14:30, 13:30, 12:30 UTC
		want := time.Date(2026, 3, 1, 14-i, 30, 0, 0, time.UTC)
		if r.Trigger != jobs.TriggerTypePeriodic || r.StartTime != want.UnixMilli() || r.State.ResultState != jobs.RunResultStateSuccess {
			t.Errorf("run %d: trigger %s start %s state %+v, want PERIODIC at %s and SUCCESS", i, r.Trigger, time.UnixMilli(r.StartTime).UTC(), r.State, want)
		}
	}
	if runs, _ := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: paused.JobId}); len(runs) != 0 {
		t.Errorf("a paused schedule fired %d runs", len(runs))
	}
	// Unpausing does not fire what passed while paused.
	if err := w.Jobs.Update(ctx, jobs.UpdateJob{JobId: paused.JobId, NewSettings: &jobs.JobSettings{
		Schedule: &jobs.CronSchedule{QuartzCronExpression: "0 30 * * * ?", TimezoneId: "UTC", PauseStatus: jobs.PauseStatusUnpaused}}}); err != nil {
		t.Fatal(err)
	}
	emu.AdvanceClock(t, "1h")
	if runs, _ := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: paused.JobId}); len(runs) != 1 {
		t.Errorf("unpaused schedule after 1h: %d runs, want 1", len(runs))
	}
	var clk struct {
		Offset string `json:"offset"`
	}
	if emu.Do(t, http.MethodGet, "/_emulator/clock", nil, &clk); clk.Offset != "4h0m0s" {
		t.Errorf("clock offset = %q, want 4h0m0s", clk.Offset)
	}
}

func TestJobs_trainingTaskRegistersAVersion(t *testing.T) {
	t.Parallel()
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	created, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "retrain", Tasks: []jobs.Task{notebookTask("train", map[string]string{
		"brickops.train": "dev.ml.churn", "brickops.train.metric.accuracy": "0.91", "brickops.train.param.max_depth": "6",
	})}})
	if err != nil {
		t.Fatal(err)
	}
	run, err := runAndWait(ctx, w, jobs.RunNow{JobId: created.JobId})
	if err != nil {
		t.Fatalf("run-now and wait: %v", err)
	}
	if run.State.ResultState != jobs.RunResultStateSuccess {
		t.Fatalf("training run: %+v", run.State)
	}
	reg, err := ucregistry.New(w)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := reg.Search(ctx, "dev.ml.churn")
	if err != nil || len(versions) != 1 {
		t.Fatalf("versions of dev.ml.churn: %v, %v", versions, err)
	}
	v := versions[0]
	if v.TagMap()["brickops.job_run_id"] != strconv.FormatInt(run.RunId, 10) || v.TagMap()["brickops.job_id"] != strconv.FormatInt(created.JobId, 10) {
		t.Errorf("version tags %v, want the job and run ids", v.TagMap())
	}
	mlRun, err := w.Experiments.GetRun(ctx, ml.GetRunRequest{RunId: v.RunID})
	if err != nil {
		t.Fatal(err)
	}
	var accuracy float64
	for _, m := range mlRun.Run.Data.Metrics {
		if m.Key == "accuracy" {
			accuracy = m.Value
		}
	}
	if accuracy != 0.91 || len(mlRun.Run.Data.Params) != 1 || mlRun.Run.Data.Params[0].Key != "max_depth" {
		t.Errorf("MLflow run: metrics %+v params %+v", mlRun.Run.Data.Metrics, mlRun.Run.Data.Params)
	}

	// A training task on a table: metrics from its data.
	if _, err := w.Tables.Create(ctx, catalog.CreateTableRequest{CatalogName: "dev", SchemaName: "ml", Name: "features",
		TableType: catalog.TableTypeManaged, DataSourceFormat: catalog.DataSourceFormatDelta,
		Columns: []catalog.ColumnInfo{{Name: "ts", TypeName: catalog.ColumnTypeNameTimestamp}, {Name: "churned", TypeName: catalog.ColumnTypeNameString}}}); err != nil {
		t.Fatal(err)
	}
	var rows []tabledata.Row
	for i := range 8 {
		rows = append(rows, tabledata.Row{"ts": time.Date(2026, 11, 1+i, 0, 0, 0, 0, time.UTC), "churned": []string{"no", "yes"}[min(i%4, 1)]})
	}
	engine := tableEngine(t, emu)
	if err := engine.CreateTable(ctx, "dev.ml.features", []tabledata.Column{{Name: "ts", TypeText: "timestamp"}, {Name: "churned", TypeText: "string"}}); err != nil {
		t.Fatal(err)
	}
	if err := engine.Insert(ctx, "dev.ml.features", rows); err != nil {
		t.Fatal(err)
	}
	onData, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "retrain-on-data", Tasks: []jobs.Task{notebookTask("train", map[string]string{
		"brickops.train": "dev.ml.churn", "brickops.train.table": "dev.ml.features", "brickops.train.label": "churned", "brickops.train.timestamp": "ts",
	})}})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := runAndWait(ctx, w, jobs.RunNow{JobId: onData.JobId}); err != nil || r.State.ResultState != jobs.RunResultStateSuccess {
		t.Fatalf("training on data: %+v, %v", r, err)
	}
	versions, err = reg.Search(ctx, "dev.ml.churn")
	if err != nil || len(versions) != 2 {
		t.Fatalf("versions after training on data: %d, %v", len(versions), err)
	}
	latest := versions[0]
	if latest.VersionNumber() != 2 {
		latest = versions[1]
	}
	if latest.TagMap()["brickops.training_data_end"] != "2026-11-08T00:00:00.000Z" || latest.TagMap()["brickops.training_table"] != "dev.ml.features" {
		t.Errorf("version 2 tags %v", latest.TagMap())
	}
	mlRun, err = w.Experiments.GetRun(ctx, ml.GetRunRequest{RunId: latest.RunID})
	if err != nil {
		t.Fatal(err)
	}
	metrics := map[string]float64{}
	for _, m := range mlRun.Run.Data.Metrics {
		metrics[m.Key] = m.Value
	}
	// 6 of 8 rows churned "yes": the majority-class model is 75% accurate.
	if metrics["accuracy"] != 0.75 || metrics["training_rows"] != 8 {
		t.Errorf("metrics from data: %v", metrics)
	}

	// A training task whose table does not exist fails its run.
	bad, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "retrain-bad", Tasks: []jobs.Task{notebookTask("train", map[string]string{
		"brickops.train": "dev.ml.churn", "brickops.train.table": "dev.ml.missing", "brickops.train.label": "churned",
	})}})
	if err != nil {
		t.Fatal(err)
	}
	failed, err := runAndWait(ctx, w, jobs.RunNow{JobId: bad.JobId})
	if err != nil || failed.State.ResultState != jobs.RunResultStateFailed || !strings.Contains(failed.State.StateMessage, "Training failed: ") ||
		!strings.Contains(failed.State.StateMessage, "dev.ml.missing") {
		t.Fatalf("training on a missing table: %+v, %v", failed.State, err)
	}
	if versions, _ := reg.Search(ctx, "dev.ml.churn"); len(versions) != 2 {
		t.Errorf("a failed training registered a version: %d versions", len(versions))
	}
}

func TestJobs_triggersFireFromTheClockAndTableUpdates(t *testing.T) {
	t.Parallel()
	clock := emulatortest.NewClock()
	emu := emulatortest.Start(t, emulatortest.WithClock(clock.Now))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	engine := tableEngine(t, emu)
	if err := engine.CreateTable(ctx, "dev.ml.labels", []tabledata.Column{{Name: "id", TypeText: "bigint"}}); err != nil {
		t.Fatal(err)
	}
	periodic, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "every-6h", Tasks: []jobs.Task{notebookTask("score", nil)},
		Trigger: &jobs.TriggerSettings{Periodic: &jobs.PeriodicTriggerConfiguration{Interval: 6, Unit: jobs.PeriodicTriggerConfigurationTimeUnitHours}}})
	if err != nil {
		t.Fatal(err)
	}
	onLabels, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "on-labels", Tasks: []jobs.Task{notebookTask("evaluate", nil)},
		Trigger: &jobs.TriggerSettings{TableUpdate: &jobs.TableUpdateTriggerConfiguration{TableNames: []string{"dev.ml.labels"}}}})
	if err != nil {
		t.Fatal(err)
	}
	runsOf := func(id int64) []jobs.BaseRun {
		t.Helper()
		runs, err := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: id})
		if err != nil {
			t.Fatal(err)
		}
		return runs
	}
	emu.AdvanceClock(t, "1s") // the trigger notes the table as it is
	if n := len(runsOf(onLabels.JobId)); n != 0 {
		t.Fatalf("table trigger fired %d runs before any update", n)
	}
	if err := engine.Insert(ctx, "dev.ml.labels", []tabledata.Row{{"id": 1}, {"id": 2}}); err != nil {
		t.Fatal(err)
	}
	emu.AdvanceClock(t, "1s")
	emu.AdvanceClock(t, "1s") // no new rows: no new run
	if runs := runsOf(onLabels.JobId); len(runs) != 1 || runs[0].Trigger != jobs.TriggerTypeTable {
		t.Fatalf("table trigger after an update: %+v", runs)
	}
	emu.AdvanceClock(t, "13h")
	if runs := runsOf(periodic.JobId); len(runs) != 2 || runs[0].Trigger != jobs.TriggerTypePeriodic ||
		runs[1].StartTime != clock.Now().Add(6*time.Hour).UnixMilli() {
		t.Fatalf("periodic trigger after 13h: %+v", runs)
	}
	_, err = w.Jobs.Create(ctx, jobs.CreateJob{Name: "bad", Tasks: []jobs.Task{notebookTask("t", nil)},
		Trigger: &jobs.TriggerSettings{TableUpdate: &jobs.TableUpdateTriggerConfiguration{TableNames: []string{"labels"}}}})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "expected <catalog>.<schema>.<table>")
}

// runAndWait triggers a run and waits until it terminates.
func runAndWait(ctx context.Context, w *databricks.WorkspaceClient, req jobs.RunNow) (*jobs.Run, error) {
	wait, err := w.Jobs.RunNow(ctx, req)
	if err != nil {
		return nil, err
	}
	return wait.Get()
}
