package workspace

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/dataprofile"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/jobtask"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
	"github.com/brickops/terraform-provider-brickops/internal/quartz"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
)

// Job runs that do something, and job schedules that fire.
//
// A run's plan (jobtask.Layout) fixes, when the run is triggered, when each
// attempt of each task runs and how it ends, from the tasks' brickops.*
// parameters and retry/timeout settings; its states then follow the
// emulator clock. A training task (brickops.train) trains when its run is
// triggered — it reads its training table through the SQL engine and logs
// an MLflow run and registers a Unity Catalog model version through this
// emulator's own API, exactly as `brickops emulator seed` does — and the
// version it registered is tagged with the job and run ids. A training step
// that fails (a missing training table, a refused registration) fails its
// task.

// jobScheduleBucket holds, per job, the time up to which its schedule has
// fired (Unix ms).
const jobScheduleBucket = "job_schedule_marks"

// maxCatchUp bounds the firings of one schedule in one tick (a long
// advance of a every-minute schedule).
const maxCatchUp = 1000

// jobTraining is what a training task registered.
type jobTraining struct {
	TaskKey      string `json:"task_key"`
	ExperimentID string `json:"experiment_id"`
	MLflowRunID  string `json:"mlflow_run_id"`
	Model        string `json:"model"`
	Version      string `json:"version"`
}

// taskBehaviour reads what a task of run does from its parameters.
func taskBehaviour(spec map[string]any, run JobRun) (jobtask.Behaviour, error) {
	params := map[string]string{}
	for _, p := range run.JobParameters {
		params[p.Name] = p.Value
	}
	return jobtask.Parse(jobtask.Params(spec, params))
}

// planRun lays out the attempts of run's tasks; failures (nil: none) make
// the named tasks fail with their message, as a failed training step does.
func planRun(run JobRun, v jobSettingsView, failures map[string]string) (*jobtask.Plan, error) {
	keys := map[string]bool{}
	for _, t := range run.Tasks {
		keys[t.TaskKey] = true
	}
	var tasks []jobtask.Task
	for _, t := range v.Tasks {
		if !keys[t.TaskKey] {
			continue
		}
		spec := run.Tasks[slices.IndexFunc(run.Tasks, func(rt jobRunTask) bool { return rt.TaskKey == t.TaskKey })].Spec
		b, err := taskBehaviour(spec, run)
		if err != nil {
			return nil, core.InvalidParam("Task '%s': %v.", t.TaskKey, err)
		}
		if msg, ok := failures[t.TaskKey]; ok {
			b.Fail, b.FailMessage = true, msg
		}
		task := jobtask.Task{
			Key: t.TaskKey, Behaviour: b, TimeoutSeconds: intSetting(spec, "timeout_seconds"),
			MaxRetries: intSetting(spec, "max_retries"), MinRetryIntervalMillis: intSetting(spec, "min_retry_interval_millis"),
			RetryOnTimeout: spec["retry_on_timeout"] == true,
		}
		for _, d := range t.DependsOn {
			task.DependsOn = append(task.DependsOn, d.TaskKey)
		}
		tasks = append(tasks, task)
	}
	jobTimeout := 0
	if v.TimeoutSeconds != nil {
		jobTimeout = *v.TimeoutSeconds
	}
	p := jobtask.Layout(tasks, time.Duration(run.DelayMillis)*time.Millisecond, jobTimeout)
	return &p, nil
}

// intSetting reads an integer field of a task's raw settings (JSON numbers
// decode as float64).
func intSetting(spec map[string]any, field string) int {
	switch v := spec[field].(type) {
	case float64:
		return int(v)
	case int:
		return v
	case string:
		n, _ := strconv.Atoi(v)
		return n
	}
	return 0
}

// validateTaskParams refuses, at create and update, brickops.* task
// parameters the emulator could not run.
func validateTaskParams(settings map[string]any, v jobSettingsView) error {
	defaults := map[string]string{}
	for _, p := range v.Parameters {
		if p.Default != nil {
			defaults[p.Name] = *p.Default
		}
	}
	tasks, _ := settings["tasks"].([]any)
	for i, t := range tasks {
		spec, _ := t.(map[string]any)
		if _, err := jobtask.Parse(jobtask.Params(spec, defaults)); err != nil && i < len(v.Tasks) {
			return core.InvalidParam("Task '%s': %v.", v.Tasks[i].TaskKey, err)
		}
	}
	return nil
}

// attemptView is one task attempt as runs/get shows it.
type attemptView struct {
	number int
	runID  int64
	start  int64
	state  runState
}

// taskAttempts are the attempts of task t that have started by now (the
// first always shows), each with its state.
func (r JobRun) taskAttempts(t jobRunTask, st runState, now time.Time) []attemptView {
	var attempts []jobtask.Attempt
	if r.Plan != nil {
		attempts = r.Plan.Attempts[t.TaskKey]
	}
	if len(attempts) == 0 || st.Lifecycle == runSkipped || r.CanceledAt > 0 || r.FailureMessage != "" {
		tst := st
		if r.FailedTask != "" && t.TaskKey != r.FailedTask && st.Result == jobtask.Failed {
			// The failing task fails; the others ran to completion.
			tst = runState{Lifecycle: runTerminated, Result: jobtask.Success, code: "SUCCESS", kind: "SUCCESS", EndTime: st.EndTime}
		}
		return []attemptView{{runID: t.RunID, start: r.StartTime, state: tst}}
	}
	at, base := now.UnixMilli(), r.StartTime+r.DelayMillis
	runEnd := base + r.Plan.End.Milliseconds()
	var out []attemptView
	for _, a := range attempts {
		start, end := base+a.Start.Milliseconds(), base+a.End.Milliseconds()
		if a.Number > 0 && at < start {
			break
		}
		var ast runState
		switch {
		case at < base:
			ast = runState{Lifecycle: runPending, Message: "Waiting for cluster"}
		case at < start:
			ast = runState{Lifecycle: runPending, Message: "Waiting for upstream tasks"}
		case end > runEnd && at >= runEnd:
			// Cut off by the job's timeout.
			ast = runState{Lifecycle: runTerminated, Result: jobtask.TimedOut, Message: r.Plan.Message, code: "RUN_EXECUTION_ERROR", kind: "CLIENT_ERROR", EndTime: runEnd}
		case at < end:
			ast = runState{Lifecycle: runRunning, Message: "In run"}
		case a.Result == jobtask.Success:
			ast = runState{Lifecycle: runTerminated, Result: jobtask.Success, code: "SUCCESS", kind: "SUCCESS", EndTime: end}
		default:
			ast = runState{Lifecycle: runTerminated, Result: a.Result, Message: a.Message, code: "RUN_EXECUTION_ERROR", kind: "CLIENT_ERROR", EndTime: end}
		}
		id := t.RunID
		if a.Number > 0 {
			id += int64(a.Number) * 100 // a retry is a run of its own
		}
		out = append(out, attemptView{number: a.Number, runID: id, start: start, state: ast})
	}
	return out
}

// --- training ---

// runTrainings runs the training tasks of a run just triggered (outside
// any store transaction: training calls this emulator's API), and records
// what they registered or why they failed.
func (s *Service) runTrainings(ctx context.Context, run JobRun) {
	if run.Plan == nil || run.SkipMessage != "" || run.FailureMessage != "" {
		return
	}
	var done []jobTraining
	failures := map[string]string{}
	for _, t := range run.Tasks {
		b, err := taskBehaviour(t.Spec, run)
		attempts := run.Plan.Attempts[t.TaskKey]
		if err != nil || b.Train == nil || len(attempts) == 0 || attempts[len(attempts)-1].Result != jobtask.Success {
			continue
		}
		trained, err := s.train(ctx, run, t.TaskKey, b.Train)
		if err != nil {
			s.Logger().Warn("training task failed", "job_id", run.JobID, "run_id", run.RunID, "task", t.TaskKey, "error", err)
			failures[t.TaskKey] = fmt.Sprintf("Training failed: %v", err)
			continue
		}
		done = append(done, trained)
	}
	if len(done) == 0 && len(failures) == 0 {
		return
	}
	err := s.Store().Update(func(tx core.Tx) error {
		stored, err := loadJobRun(tx, run.RunID)
		if err != nil {
			return err
		}
		stored.Trained = append(stored.Trained, done...)
		if len(failures) > 0 {
			j, err := loadJob(tx, run.JobID)
			if err != nil {
				return err
			}
			v, err := j.SettingsView()
			if err != nil {
				return err
			}
			if stored.Plan, err = planRun(stored, v, failures); err != nil {
				return err
			}
		}
		return tx.Put(JobRunsBucket, jobKey(run.RunID), stored)
	})
	if err != nil {
		s.Logger().Error("recording training results", "run_id", run.RunID, "error", err)
	}
}

// train runs one training task: the seed run the task's parameters and
// data describe, through this emulator's own API.
func (s *Service) train(ctx context.Context, run JobRun, taskKey string, t *jobtask.Train) (jobTraining, error) {
	data, err := s.trainingData(ctx, t)
	if err != nil {
		return jobTraining{}, err
	}
	w, err := s.selfClient()
	if err != nil {
		return jobTraining{}, err
	}
	tags := map[string]string{jobtask.TagJobID: strconv.FormatInt(run.JobID, 10), jobtask.TagJobRunID: strconv.FormatInt(run.RunID, 10)}
	res, err := seed.Run(ctx, w, t.Spec(run.RunName+" · "+taskKey, data, tags))
	if err != nil {
		return jobTraining{}, err
	}
	out := jobTraining{TaskKey: taskKey, ExperimentID: res.ExperimentID, MLflowRunID: res.RunID, Model: t.Model}
	if res.Version != nil {
		out.Version = res.Version.Version
	}
	return out, nil
}

// selfClient is an SDK client that calls this emulator in process, as a
// job's code calls its workspace.
func (s *Service) selfClient() (*databricks.WorkspaceClient, error) {
	cfg := client.Isolated("http://emulator.internal", s.Options().Tokens[0])
	cfg.HTTPTransport = handlerTransport{s.Server}
	return client.Workspace(cfg)
}

// handlerTransport serves a client's requests with a handler, in process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r // the SDK reads the request back from its response
	return resp, nil
}

// --- schedules ---

// dueSchedule is a job whose schedule has firings due.
type dueSchedule struct {
	j      Job
	times  []time.Time
	paused bool
}

// fireJobSchedules starts a PERIODIC run for each firing time of each
// unpaused job schedule up to now, as of that time; a paused schedule's
// firings pass without runs.
func (s *Service) fireJobSchedules(ctx context.Context, now time.Time) {
	var due []dueSchedule
	err := s.Store().View(func(tx core.Tx) error {
		jobs, err := core.GetAll[Job](tx, JobsBucket, "")
		if err != nil {
			return err
		}
		for _, j := range jobs {
			if d, ok := scheduleDue(tx, j, now); ok {
				due = append(due, d)
			}
		}
		return nil
	})
	if err != nil || len(due) == 0 {
		if err != nil {
			s.Logger().Error("reading job schedules", "error", err)
		}
		return
	}
	var fired []JobRun
	err = s.Store().Update(func(tx core.Tx) error {
		for _, d := range due {
			if _, err := loadJob(tx, d.j.JobID); err != nil {
				continue // deleted meanwhile
			}
			for _, at := range d.times {
				if d.paused {
					break
				}
				run, err := s.startTriggeredRun(tx, d.j, at, "PERIODIC")
				if err != nil {
					return err
				}
				fired = append(fired, run)
			}
			if err := tx.Put(jobScheduleBucket, jobKey(d.j.JobID), now.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.Logger().Error("firing job schedules", "error", err)
		return
	}
	for _, run := range fired {
		s.runTrainings(ctx, run)
	}
}

// scheduleDue reports the firing times of j's schedule (or periodic
// trigger) after its mark (the job's creation, or the last tick that fired
// it) up to now.
func scheduleDue(tx core.Tx, j Job, now time.Time) (dueSchedule, bool) {
	v, err := j.SettingsView()
	if err != nil {
		return dueSchedule{}, false
	}
	if t := v.Trigger; t != nil && t.Periodic != nil {
		mark := j.CreatedTime
		if _, err := tx.Get(jobScheduleBucket, jobKey(j.JobID), &mark); err != nil {
			return dueSchedule{}, false
		}
		times := periodicDue(j, t, mark, now)
		return dueSchedule{j: j, times: times, paused: t.PauseStatus == "PAUSED"}, len(times) > 0
	}
	if v.Schedule == nil {
		return dueSchedule{}, false
	}
	sched, err := quartz.Parse(v.Schedule.QuartzCronExpression)
	if err != nil {
		return dueSchedule{}, false
	}
	loc, err := time.LoadLocation(v.Schedule.TimezoneID)
	if err != nil {
		return dueSchedule{}, false
	}
	mark := j.CreatedTime
	if _, err := tx.Get(jobScheduleBucket, jobKey(j.JobID), &mark); err != nil {
		return dueSchedule{}, false
	}
	times := sched.Between(time.UnixMilli(mark).In(loc), now.In(loc), maxCatchUp)
	if len(times) == 0 {
		return dueSchedule{}, false
	}
	return dueSchedule{j: j, times: times, paused: v.Schedule.PauseStatus == "PAUSED"}, true
}

// trainingData reads what a training task trains on from the SQL engine:
// the row count, the label column's values, the newest time.
func (s *Service) trainingData(ctx context.Context, t *jobtask.Train) (jobtask.Data, error) {
	var d jobtask.Data
	if t.Table == "" {
		return d, nil
	}
	engine, err := s.tables()
	if err != nil {
		return d, err
	}
	q := func(sql string) (*tabledata.Result, error) {
		res, err := engine.Query(ctx, sql)
		if err != nil {
			return nil, fmt.Errorf("reading training table %s: %w", t.Table, err)
		}
		return res, nil
	}
	res, err := q("SELECT count(*) AS n FROM " + t.Table)
	if err != nil {
		return d, err
	}
	n, _ := res.Value(0, "n")
	d.Rows, _ = strconv.ParseInt(n, 10, 64)
	if t.Label != "" {
		col := "`" + strings.ReplaceAll(t.Label, "`", "``") + "`"
		res, err := q("SELECT " + col + " FROM " + t.Table + " WHERE " + col + " IS NOT NULL")
		if err != nil {
			return d, err
		}
		d.LabelNumeric = dataprofile.KindOf(res.Columns[0].TypeName) == dataprofile.Numeric
		for _, r := range res.Rows {
			d.Labels = append(d.Labels, *r[0])
		}
	}
	if t.Timestamp != "" {
		col := "`" + strings.ReplaceAll(t.Timestamp, "`", "``") + "`"
		res, err := q("SELECT max(" + col + ") AS data_end FROM " + t.Table)
		if err != nil {
			return d, err
		}
		d.End, _ = res.Value(0, "data_end")
	}
	return d, nil
}

// fireSchedules starts what this workspace's schedules made due by now.
func (s *Service) fireSchedules(ctx context.Context, now time.Time) {
	s.fireJobSchedules(ctx, now)
	s.fireTableTriggers(ctx, now)
	s.fireMonitorSchedules(ctx, now)
}
