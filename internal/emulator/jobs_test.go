package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/jobs"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// retrainJob is a two-task retraining job: prepare on a job cluster, then
// train from a wheel, weekly.
func retrainJob() jobs.CreateJob {
	return jobs.CreateJob{
		Name: "retrain-churn",
		JobClusters: []jobs.JobCluster{{
			JobClusterKey: "train",
			NewCluster:    compute.ClusterSpec{SparkVersion: "15.4.x-cpu-ml-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 2},
		}},
		Tasks: []jobs.Task{
			{TaskKey: "prepare", JobClusterKey: "train", NotebookTask: &jobs.NotebookTask{NotebookPath: "/Repos/ml/prepare", BaseParameters: map[string]string{"table": "dev.ml.features"}}},
			{TaskKey: "train", JobClusterKey: "train", DependsOn: []jobs.TaskDependency{{TaskKey: "prepare"}},
				PythonWheelTask: &jobs.PythonWheelTask{PackageName: "churn", EntryPoint: "train", Parameters: []string{"--epochs=5"}}},
		},
		Schedule:           &jobs.CronSchedule{QuartzCronExpression: "0 0 3 ? * MON", TimezoneId: "Europe/Amsterdam"},
		Parameters:         []jobs.JobParameterDefinition{{Name: "model", Default: "dev.ml.churn"}},
		EmailNotifications: &jobs.JobEmailNotifications{OnFailure: []string{"ml-oncall@example.com"}},
		Tags:               map[string]string{"team": "ml"},
	}
}

func TestJobs_crudThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()

	created, err := w.Jobs.Create(ctx, retrainJob())
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := w.Jobs.GetByJobId(ctx, created.JobId)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	st := got.Settings
	if got.JobId != created.JobId || got.CreatorUserName != "brickops@example.com" || got.CreatedTime == 0 {
		t.Errorf("job metadata: %+v", got)
	}
	if st.Name != "retrain-churn" || len(st.Tasks) != 2 || st.Tasks[1].DependsOn[0].TaskKey != "prepare" ||
		st.Tasks[1].PythonWheelTask.EntryPoint != "train" || st.JobClusters[0].NewCluster.NumWorkers != 2 ||
		st.Schedule.QuartzCronExpression != "0 0 3 ? * MON" || st.Schedule.PauseStatus != jobs.PauseStatusUnpaused ||
		st.Parameters[0].Default != "dev.ml.churn" || st.EmailNotifications.OnFailure[0] != "ml-oncall@example.com" {
		t.Errorf("settings not echoed: %+v", st)
	}
	// Service defaults.
	if st.MaxConcurrentRuns != 1 || st.Format != jobs.FormatMultiTask {
		t.Errorf("defaults: max_concurrent_runs=%d format=%s", st.MaxConcurrentRuns, st.Format)
	}

	other, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "score", Tasks: []jobs.Task{{TaskKey: "score", NotebookTask: &jobs.NotebookTask{NotebookPath: "/Shared/score"}}}})
	if err != nil {
		t.Fatalf("create second: %v", err)
	}
	all, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{Limit: 1})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(all) != 2 || all[0].JobId != other.JobId || len(all[0].Settings.Tasks) != 0 {
		t.Errorf("list (paged by 1, newest first, tasks not expanded) = %+v", all)
	}
	named, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{Name: "RETRAIN-CHURN", ExpandTasks: true})
	if err != nil || len(named) != 1 || named[0].JobId != created.JobId || len(named[0].Settings.Tasks) != 2 {
		t.Errorf("list by name with tasks = %+v, %v", named, err)
	}

	// update: top-level fields replaced, tasks merged by key, fields removed.
	if err := w.Jobs.Update(ctx, jobs.UpdateJob{
		JobId: created.JobId,
		NewSettings: &jobs.JobSettings{
			MaxConcurrentRuns: 3,
			Tasks: []jobs.Task{{TaskKey: "evaluate", JobClusterKey: "train", DependsOn: []jobs.TaskDependency{{TaskKey: "train"}},
				SparkPythonTask: &jobs.SparkPythonTask{PythonFile: "/Repos/ml/evaluate.py"}}},
		},
		FieldsToRemove: []string{"tags", "tasks/prepare"},
	}); err == nil {
		t.Fatal("removing a task others depend on must fail")
	} else {
		wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "depends on 'prepare', which is not a task of this job")
	}
	if err := w.Jobs.Update(ctx, jobs.UpdateJob{
		JobId: created.JobId,
		NewSettings: &jobs.JobSettings{
			MaxConcurrentRuns: 3,
			Tasks: []jobs.Task{{TaskKey: "evaluate", JobClusterKey: "train", DependsOn: []jobs.TaskDependency{{TaskKey: "train"}},
				SparkPythonTask: &jobs.SparkPythonTask{PythonFile: "/Repos/ml/evaluate.py"}}},
		},
		FieldsToRemove: []string{"tags"},
	}); err != nil {
		t.Fatalf("update: %v", err)
	}
	got, _ = w.Jobs.GetByJobId(ctx, created.JobId)
	if got.Settings.MaxConcurrentRuns != 3 || len(got.Settings.Tasks) != 3 || got.Settings.Tasks[2].TaskKey != "evaluate" ||
		len(got.Settings.Tags) != 0 || got.Settings.Schedule == nil {
		t.Errorf("after update: %+v", got.Settings)
	}

	// reset replaces everything.
	if err := w.Jobs.Reset(ctx, jobs.ResetJob{JobId: created.JobId, NewSettings: jobs.JobSettings{
		Name: "retrain-v2", Tasks: []jobs.Task{{TaskKey: "train", ExistingClusterId: "0101-000000-abcdefgh", SparkPythonTask: &jobs.SparkPythonTask{PythonFile: "dbfs:/train.py"}}},
	}}); err != nil {
		t.Fatalf("reset: %v", err)
	}
	got, _ = w.Jobs.GetByJobId(ctx, created.JobId)
	if got.Settings.Name != "retrain-v2" || len(got.Settings.Tasks) != 1 || got.Settings.Schedule != nil || got.Settings.MaxConcurrentRuns != 1 {
		t.Errorf("after reset: %+v", got.Settings)
	}

	if err := w.Jobs.DeleteByJobId(ctx, created.JobId); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = w.Jobs.GetByJobId(ctx, created.JobId)
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Fatalf("get after delete = %v, want ErrResourceDoesNotExist", err)
	}
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "does not exist")
	err = w.Jobs.DeleteByJobId(ctx, created.JobId)
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "does not exist")
}

func TestJobs_runLifecycle(t *testing.T) {
	clock := emulatortest.NewClock()
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(time.Minute), emulatortest.WithClock(clock.Now))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	created, err := w.Jobs.Create(ctx, retrainJob())
	if err != nil {
		t.Fatal(err)
	}

	wait, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: created.JobId, JobParameters: map[string]string{"model": "staging.ml.churn"}, IdempotencyToken: "nightly-1"})
	if err != nil {
		t.Fatalf("run-now: %v", err)
	}
	runID := wait.RunId
	expect := func(life jobs.RunLifeCycleState, result jobs.RunResultState) *jobs.Run {
		t.Helper()
		run, err := w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: runID})
		if err != nil {
			t.Fatalf("runs/get: %v", err)
		}
		if run.State.LifeCycleState != life || run.State.ResultState != result {
			t.Fatalf("run state = %s/%s, want %s/%s (%s)", run.State.LifeCycleState, run.State.ResultState, life, result, run.State.StateMessage)
		}
		return run
	}
	run := expect(jobs.RunLifeCycleStatePending, "")
	if run.Status.State != jobs.RunLifecycleStateV2StatePending || len(run.Tasks) != 2 || run.Tasks[0].RunId == run.RunId ||
		run.JobParameters[0].Value != "staging.ml.churn" || run.JobParameters[0].Default != "dev.ml.churn" {
		t.Errorf("pending run: %+v", run)
	}
	// The same idempotency token returns the same run.
	again, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: created.JobId, IdempotencyToken: "nightly-1"})
	if err != nil || again.RunId != runID {
		t.Errorf("idempotent run-now = %v, %v; want run %d", again, err, runID)
	}
	// max_concurrent_runs = 1: a second run is skipped.
	skipped, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: created.JobId})
	if err != nil {
		t.Fatal(err)
	}
	sk, _ := w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: skipped.RunId})
	if sk.State.LifeCycleState != jobs.RunLifeCycleStateSkipped || sk.Status.TerminationDetails.Code != jobs.TerminationCodeCodeMaxConcurrentRunsExceeded {
		t.Errorf("second run = %+v / %+v, want SKIPPED", sk.State, sk.Status)
	}
	active, err := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: created.JobId, ActiveOnly: true})
	if err != nil || len(active) != 1 || active[0].RunId != runID {
		t.Errorf("active runs = %+v, %v", active, err)
	}

	clock.Advance(time.Minute)
	run = expect(jobs.RunLifeCycleStateRunning, "")
	// train depends on prepare: it waits while prepare runs, then runs.
	if run.Tasks[0].State.LifeCycleState != jobs.RunLifeCycleStateRunning || run.Tasks[1].State.LifeCycleState != jobs.RunLifeCycleStatePending {
		t.Errorf("tasks while prepare runs: %s, %s", run.Tasks[0].State.LifeCycleState, run.Tasks[1].State.LifeCycleState)
	}
	clock.Advance(time.Minute)
	run = expect(jobs.RunLifeCycleStateRunning, "")
	if run.Tasks[0].State.ResultState != jobs.RunResultStateSuccess || run.Tasks[1].State.LifeCycleState != jobs.RunLifeCycleStateRunning {
		t.Errorf("tasks while train runs: %+v, %+v", run.Tasks[0].State, run.Tasks[1].State)
	}
	clock.Advance(time.Minute)
	run = expect(jobs.RunLifeCycleStateTerminated, jobs.RunResultStateSuccess)
	if run.Status.TerminationDetails.Code != jobs.TerminationCodeCodeSuccess || run.EndTime-run.StartTime != 3*time.Minute.Milliseconds() {
		t.Errorf("finished run: status %+v, start %d end %d", run.Status, run.StartTime, run.EndTime)
	}
	completed, err := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: created.JobId, CompletedOnly: true})
	if err != nil || len(completed) != 2 {
		t.Errorf("completed runs = %d, %v; want 2", len(completed), err)
	}
	_, err = w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{ActiveOnly: true, CompletedOnly: true})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "active_only and completed_only cannot both be true")

	// Cancel: TERMINATING, then TERMINATED/CANCELED.
	third, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: created.JobId})
	if err != nil {
		t.Fatal(err)
	}
	runID = third.RunId
	err = w.Jobs.DeleteRun(ctx, jobs.DeleteRun{RunId: runID})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_STATE", "cancel it before deleting")
	if _, err := w.Jobs.CancelRun(ctx, jobs.CancelRun{RunId: runID}); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	expect(jobs.RunLifeCycleStateTerminating, "")
	clock.Advance(time.Minute)
	run = expect(jobs.RunLifeCycleStateTerminated, jobs.RunResultStateCanceled)
	if !run.State.UserCancelledOrTimedout || run.Status.TerminationDetails.Code != jobs.TerminationCodeCodeUserCanceled {
		t.Errorf("cancelled run: %+v %+v", run.State, run.Status)
	}
	if err := w.Jobs.DeleteRun(ctx, jobs.DeleteRun{RunId: runID}); err != nil {
		t.Fatalf("delete finished run: %v", err)
	}
	_, err = w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: runID})
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("get deleted run = %v, want ErrResourceDoesNotExist", err)
	}

	// cancel-all cancels every active run of the job.
	fourth, _ := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: created.JobId})
	if err := w.Jobs.CancelAllRuns(ctx, jobs.CancelAllRuns{JobId: created.JobId}); err != nil {
		t.Fatalf("cancel-all: %v", err)
	}
	runID = fourth.RunId
	expect(jobs.RunLifeCycleStateTerminating, "")

	_, err = w.Jobs.RunNow(ctx, jobs.RunNow{JobId: created.JobId, JobParameters: map[string]string{"nope": "x"}})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Job parameter 'nope' is not defined")
}

// With no delay a run finishes by the first read: RunNowAndWait returns it
// terminated, and a task on a missing cluster fails the run with a message.
func TestJobs_runNowAndWait(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	cl, err := waitFor[compute.ClusterDetails](w.Clusters.Create(ctx, compute.CreateCluster{SparkVersion: "15.4.x-cpu-ml-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1}))
	if err != nil {
		t.Fatal(err)
	}
	ok, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "ok", Tasks: []jobs.Task{{TaskKey: "t", ExistingClusterId: cl.ClusterId, SparkPythonTask: &jobs.SparkPythonTask{PythonFile: "/Repos/ml/train.py"}}}})
	if err != nil {
		t.Fatal(err)
	}
	run, err := waitFor[jobs.Run](w.Jobs.RunNow(ctx, jobs.RunNow{JobId: ok.JobId}))
	if err != nil || run.State.ResultState != jobs.RunResultStateSuccess {
		t.Fatalf("run-now and wait = %+v, %v", run, err)
	}
	bad, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "bad", Tasks: []jobs.Task{{TaskKey: "t", ExistingClusterId: "0101-000000-missing0", SparkPythonTask: &jobs.SparkPythonTask{PythonFile: "/Repos/ml/train.py"}}}})
	if err != nil {
		t.Fatal(err)
	}
	// The SDK's waiter ends on TERMINATED whatever the result.
	failed, err := waitFor[jobs.Run](w.Jobs.RunNow(ctx, jobs.RunNow{JobId: bad.JobId}))
	if err != nil || failed.State.ResultState != jobs.RunResultStateFailed || !strings.Contains(failed.State.StateMessage, "cluster 0101-000000-missing0 does not exist") {
		t.Fatalf("run on a missing cluster = %+v, %v; want FAILED with the message", failed, err)
	}
	runs, _ := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: bad.JobId})
	if len(runs) != 1 || runs[0].State.ResultState != jobs.RunResultStateFailed || runs[0].Status.TerminationDetails.Code != jobs.TerminationCodeCodeRunExecutionError {
		t.Errorf("failed run = %+v", runs)
	}
}

func TestJobs_validation(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	wheel := func(key string) jobs.Task {
		return jobs.Task{TaskKey: key, JobClusterKey: "train", PythonWheelTask: &jobs.PythonWheelTask{PackageName: "churn", EntryPoint: "train"}}
	}
	cases := map[string]struct {
		mutate func(*jobs.CreateJob)
		want   string
	}{
		"cron with too few fields": {func(j *jobs.CreateJob) { j.Schedule.QuartzCronExpression = "0 3 * * *" }, "expected 6 or 7 space-separated fields"},
		"cron without ?":           {func(j *jobs.CreateJob) { j.Schedule.QuartzCronExpression = "0 0 3 * * MON" }, "exactly one of day-of-month"},
		"cron hour out of range":   {func(j *jobs.CreateJob) { j.Schedule.QuartzCronExpression = "0 0 25 ? * MON" }, `invalid hours value "25"`},
		"unknown time zone":        {func(j *jobs.CreateJob) { j.Schedule.TimezoneId = "Mars/Olympus" }, `unknown time zone id "Mars/Olympus"`},
		"duplicate task key":       {func(j *jobs.CreateJob) { j.Tasks = append(j.Tasks, wheel("train")) }, "Task key 'train' is used by more than one task"},
		"unknown job cluster":      {func(j *jobs.CreateJob) { j.Tasks[0].JobClusterKey = "gpu" }, "references job cluster 'gpu', which is not defined"},
		"unknown dependency":       {func(j *jobs.CreateJob) { j.Tasks[1].DependsOn[0].TaskKey = "ingest" }, "depends on 'ingest', which is not a task of this job"},
		"dependency cycle": {func(j *jobs.CreateJob) {
			j.Tasks[0].DependsOn = []jobs.TaskDependency{{TaskKey: "train"}}
		}, "has a cycle"},
		"wheel without compute":  {func(j *jobs.CreateJob) { j.Tasks[1].JobClusterKey = "" }, "Task 'train' needs compute"},
		"relative notebook path": {func(j *jobs.CreateJob) { j.Tasks[0].NotebookTask.NotebookPath = "prepare" }, "must be absolute"},
		"bad runtime":            {func(j *jobs.CreateJob) { j.JobClusters[0].NewCluster.SparkVersion = "1.0.x" }, "Job cluster 'train': Invalid spark version 1.0.x"},
		"two task types": {func(j *jobs.CreateJob) {
			j.Tasks[1].SparkPythonTask = &jobs.SparkPythonTask{PythonFile: "/x.py"}
		}, "must have exactly one task type"},
		"bad parameter name": {func(j *jobs.CreateJob) { j.Parameters[0].Name = "model name" }, "Invalid job parameter name 'model name'"},
		"too many runs":      {func(j *jobs.CreateJob) { j.MaxConcurrentRuns = 1001 }, "max_concurrent_runs must be between 0 and 1000"},
		"bad email":          {func(j *jobs.CreateJob) { j.EmailNotifications.OnFailure = []string{"oncall"} }, "Invalid email address 'oncall'"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			j := retrainJob()
			tc.mutate(&j)
			_, err := w.Jobs.Create(ctx, j)
			wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", tc.want)
		})
	}
	_, err := w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: 42})
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("unknown run = %v, want ErrResourceDoesNotExist", err)
	}
	// The 2.1 paths older clients use answer the same.
	var out map[string]any
	if status := emu.Do(t, http.MethodGet, "/api/2.1/jobs/list", nil, &out); status != http.StatusOK {
		t.Errorf("GET /api/2.1/jobs/list = %d", status)
	}
}
