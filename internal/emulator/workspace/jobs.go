package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/jobtask"
)

// Jobs: /api/2.2/jobs/* (also served under /api/2.1, which older clients
// call). Field names, enums and error mappings follow databricks-sdk-go
// service/jobs/model.go (CreateJob, JobSettings, Task, JobCluster,
// CronSchedule, RunNow, Run, RunState, RunStatus, TerminationDetails) and
// apierr/error_overrides.go: an unknown job or run is 400
// INVALID_PARAMETER_VALUE "Job <id> does not exist." / "Run <id> does not
// exist.", which the SDK maps to ErrResourceDoesNotExist.
//
// Settings are stored as the JSON object the client sent (with the service's
// defaults filled in), so every field a client sets is echoed back; the
// fields the service validates are checked through a typed view.
//
// Run lifecycle, derived from the emulator clock, the trigger time and
// Options.AsyncDelay (d): PENDING for d, RUNNING while its tasks run, then
// TERMINATED with SUCCESS, FAILED (a task failed, or its existing cluster
// does not exist) or TIMEDOUT. What each task does — how long it runs,
// whether it fails, whether it trains and registers a model — comes from
// its brickops.* parameters (jobtask), and its attempts follow its
// max_retries, min_retry_interval_millis, retry_on_timeout and
// timeout_seconds (jobs_runtime.go). cancel moves an active run to
// TERMINATING and, d later, TERMINATED/CANCELED. A run triggered while
// max_concurrent_runs runs are active is SKIPPED.
//
// Schedules (Quartz cron, Java time zone, pause_status) fire from the
// emulator clock: each firing time starts a PERIODIC run as of that time
// (jobs_runtime.go).

const (
	JobsBucket    = "jobs"
	JobRunsBucket = "job_runs"
)

// Run lifecycle states (jobs.RunLifeCycleState, RunLifecycleStateV2State).
const (
	runPending     = "PENDING"
	runRunning     = "RUNNING"
	runTerminating = "TERMINATING"
	runTerminated  = "TERMINATED"
	runSkipped     = "SKIPPED"
)

// Job is a stored job.
type Job struct {
	JobID           int64          `json:"job_id"`
	CreatorUserName string         `json:"creator_user_name"`
	RunAsUserName   string         `json:"run_as_user_name,omitempty"`
	CreatedTime     int64          `json:"created_time"`
	Settings        map[string]any `json:"settings"`
}

// jobSettingsView is the typed view of the settings the service validates.
type jobSettingsView struct {
	Name         string           `json:"name"`
	Tasks        []jobTaskView    `json:"tasks"`
	JobClusters  []jobClusterView `json:"job_clusters"`
	Environments []struct {
		Key string `json:"environment_key"`
	} `json:"environments"`
	Schedule           *JobScheduleView   `json:"schedule"`
	Continuous         *json.RawMessage   `json:"continuous"`
	Trigger            *jobTriggerView    `json:"trigger"`
	MaxConcurrentRuns  *int               `json:"max_concurrent_runs"`
	TimeoutSeconds     *int               `json:"timeout_seconds"`
	Tags               map[string]string  `json:"tags"`
	Parameters         []jobParameterView `json:"parameters"`
	EmailNotifications *struct {
		OnStart   []string `json:"on_start"`
		OnSuccess []string `json:"on_success"`
		OnFailure []string `json:"on_failure"`
	} `json:"email_notifications"`
}

type jobTaskView struct {
	TaskKey           string       `json:"task_key"`
	DependsOn         []jobTaskRef `json:"depends_on"`
	ExistingClusterID string       `json:"existing_cluster_id"`
	JobClusterKey     string       `json:"job_cluster_key"`
	NewCluster        *clusterSpec `json:"new_cluster"`
	EnvironmentKey    string       `json:"environment_key"`
	NotebookTask      *struct {
		NotebookPath string `json:"notebook_path"`
		Source       string `json:"source"`
	} `json:"notebook_task"`
	PythonWheelTask *struct {
		PackageName string `json:"package_name"`
		EntryPoint  string `json:"entry_point"`
	} `json:"python_wheel_task"`
	SparkPythonTask *struct {
		PythonFile string `json:"python_file"`
	} `json:"spark_python_task"`
	// taskTypes are the *_task keys the raw task carries.
	taskTypes []string
}

type jobTaskRef struct {
	TaskKey string `json:"task_key"`
}

type jobClusterView struct {
	JobClusterKey string       `json:"job_cluster_key"`
	NewCluster    *clusterSpec `json:"new_cluster"`
}

// JobScheduleView is a job's schedule as the console shows it.
type JobScheduleView struct {
	QuartzCronExpression string `json:"quartz_cron_expression"`
	TimezoneID           string `json:"timezone_id"`
	PauseStatus          string `json:"pause_status"`
}

type jobParameterView struct {
	Name    string  `json:"name"`
	Default *string `json:"default"`
}

// JobRun is a stored run; its state is derived from the clock (see state).
type JobRun struct {
	RunID            int64         `json:"run_id"`
	JobID            int64         `json:"job_id"`
	RunName          string        `json:"run_name"`
	CreatorUserName  string        `json:"creator_user_name"`
	StartTime        int64         `json:"start_time"`
	Trigger          string        `json:"trigger"`
	Tasks            []jobRunTask  `json:"tasks"`
	JobClusters      any           `json:"job_clusters,omitempty"`
	JobParameters    []jobRunParam `json:"job_parameters,omitempty"`
	FailureMessage   string        `json:"failure_message,omitempty"`
	FailedTask       string        `json:"failed_task,omitempty"`
	SkipMessage      string        `json:"skip_message,omitempty"`
	CanceledAt       int64         `json:"canceled_at,omitempty"`
	IdempotencyToken string        `json:"idempotency_token,omitempty"`
	DelayMillis      int64         `json:"delay_millis"`
	// Plan is when each task's attempts run and how they end; runs stored
	// before plans existed run every task for DelayMillis.
	Plan *jobtask.Plan `json:"plan,omitempty"`
	// Trained records what training tasks registered.
	Trained []jobTraining `json:"trained,omitempty"`
}

type jobRunTask struct {
	TaskKey string         `json:"task_key"`
	RunID   int64          `json:"run_id"`
	Spec    map[string]any `json:"spec"`
}

type jobRunParam struct {
	Name    string `json:"name"`
	Default string `json:"default,omitempty"`
	Value   string `json:"value"`
}

// runState is a run's state at one instant.
type runState struct {
	Lifecycle, Result, Message string
	code, kind                 string
	EndTime                    int64
	userCanceled               bool
}

// State is the run's state at now.
func (r JobRun) State(now time.Time) runState {
	at := now.UnixMilli()
	d := r.DelayMillis
	runFor, result, message := d, jobtask.Success, ""
	if r.Plan != nil {
		runFor, result, message = r.Plan.End.Milliseconds(), r.Plan.Result, r.Plan.Message
	}
	end := r.StartTime + d + runFor
	switch {
	case r.SkipMessage != "":
		return runState{Lifecycle: runSkipped, Message: r.SkipMessage, code: "MAX_CONCURRENT_RUNS_EXCEEDED", kind: "CLIENT_ERROR", EndTime: r.StartTime}
	case r.CanceledAt > 0 && at < r.CanceledAt+d:
		return runState{Lifecycle: runTerminating, Message: "Run cancellation in progress."}
	case r.CanceledAt > 0:
		return runState{Lifecycle: runTerminated, Result: "CANCELED", Message: "Run cancelled.", code: "USER_CANCELED", kind: "SUCCESS", EndTime: r.CanceledAt + d, userCanceled: true}
	case at < r.StartTime+d:
		return runState{Lifecycle: runPending, Message: "Waiting for cluster"}
	case at < end:
		return runState{Lifecycle: runRunning, Message: "In run"}
	case r.FailureMessage != "":
		return runState{Lifecycle: runTerminated, Result: jobtask.Failed, Message: r.FailureMessage, code: "RUN_EXECUTION_ERROR", kind: "CLIENT_ERROR", EndTime: end}
	case result != jobtask.Success:
		return runState{Lifecycle: runTerminated, Result: result, Message: message, code: "RUN_EXECUTION_ERROR", kind: "CLIENT_ERROR", EndTime: end}
	default:
		return runState{Lifecycle: runTerminated, Result: jobtask.Success, Message: "", code: "SUCCESS", kind: "SUCCESS", EndTime: end}
	}
}

func (st runState) active() bool {
	return st.Lifecycle == runPending || st.Lifecycle == runRunning || st.Lifecycle == runTerminating
}

// stateBody is the deprecated `state` and the current `status` of a run or task.
func (st runState) stateBody() (map[string]any, map[string]any) {
	state := map[string]any{"life_cycle_state": st.Lifecycle, "state_message": st.Message, "user_cancelled_or_timedout": st.userCanceled}
	if st.Result != "" {
		state["result_state"] = st.Result
	}
	status := map[string]any{"state": st.Lifecycle}
	if st.Lifecycle == runSkipped {
		status["state"] = runTerminated
	}
	if st.code != "" {
		status["termination_details"] = map[string]any{"code": st.code, "type": st.kind, "message": st.Message}
	}
	return state, status
}

// view is the runs/get answer (jobs.Run).
func (r JobRun) view(now time.Time, host string) map[string]any {
	st := r.State(now)
	state, status := st.stateBody()
	out := map[string]any{
		"run_id": r.RunID, "job_id": r.JobID, "number_in_job": r.RunID, "original_attempt_run_id": r.RunID,
		"job_run_id": r.RunID, "run_name": r.RunName, "creator_user_name": r.CreatorUserName, "start_time": r.StartTime,
		"end_time": st.EndTime, "run_type": "JOB_RUN", "trigger": r.Trigger, "attempt_number": 0,
		"state": state, "status": status,
		"run_page_url": fmt.Sprintf("%s#job/%d/run/%d", host, r.JobID, r.RunID),
	}
	if st.EndTime > 0 {
		out["run_duration"] = st.EndTime - r.StartTime
	}
	if len(r.JobParameters) > 0 {
		out["job_parameters"] = r.JobParameters
	}
	if r.JobClusters != nil {
		out["job_clusters"] = r.JobClusters
	}
	tasks := make([]map[string]any, 0, len(r.Tasks))
	for _, t := range r.Tasks {
		for _, a := range r.taskAttempts(t, st, now) {
			task := map[string]any{}
			for k, v := range t.Spec {
				task[k] = v
			}
			ts, tstat := a.state.stateBody()
			task["run_id"], task["state"], task["status"] = a.runID, ts, tstat
			task["start_time"], task["end_time"], task["attempt_number"] = a.start, a.state.EndTime, a.number
			task["run_page_url"] = fmt.Sprintf("%s#job/%d/run/%d", host, r.JobID, a.runID)
			tasks = append(tasks, task)
		}
	}
	out["tasks"] = tasks
	return out
}

// --- handlers ---

func (s *Service) createJob(r *http.Request) (any, error) {
	settings := map[string]any{}
	if err := core.DecodeBody(r, &settings); err != nil {
		return nil, err
	}
	// Request-only fields are not settings.
	delete(settings, "access_control_list")
	if err := s.normaliseJobSettings(settings); err != nil {
		return nil, err
	}
	j := Job{CreatorUserName: s.Options().UserName, RunAsUserName: s.Options().UserName, CreatedTime: s.Now().UnixMilli(), Settings: settings}
	err := s.Store().Update(func(tx core.Tx) error {
		id, err := tx.NextSeq(JobsBucket)
		if err != nil {
			return err
		}
		// Real job ids are large numbers; offsetting keeps them shaped alike.
		j.JobID = 100000000000 + int64(id)
		return tx.Put(JobsBucket, jobKey(j.JobID), j)
	})
	if err != nil {
		return nil, fmt.Errorf("storing job: %w", err)
	}
	return map[string]int64{"job_id": j.JobID}, nil
}

func jobKey(id int64) string { return fmt.Sprintf("%020d", id) }

// normaliseJobSettings validates settings and fills the service defaults.
func (s *Service) normaliseJobSettings(settings map[string]any) error {
	if _, ok := settings["name"]; !ok {
		settings["name"] = "Untitled"
	}
	if _, ok := settings["max_concurrent_runs"]; !ok {
		settings["max_concurrent_runs"] = 1
	}
	if _, ok := settings["timeout_seconds"]; !ok {
		settings["timeout_seconds"] = 0
	}
	if _, ok := settings["email_notifications"]; !ok {
		settings["email_notifications"] = map[string]any{}
	}
	// Ignored on write; always MULTI_TASK since API 2.1.
	settings["format"] = "MULTI_TASK"
	if sch, ok := settings["schedule"].(map[string]any); ok {
		if _, set := sch["pause_status"]; !set {
			sch["pause_status"] = "UNPAUSED"
		}
	}
	return s.validateJobSettings(settings)
}

func (s *Service) validateJobSettings(settings map[string]any) error {
	raw, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	var v jobSettingsView
	if err := json.Unmarshal(raw, &v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return core.InvalidParam("Invalid value for field '%s': expected %s but got %s", typeErr.Field, core.JSONTypeName(typeErr.Type.Kind().String()), typeErr.Value)
		}
		return core.InvalidParam("Invalid job settings: %v", err)
	}
	if tasks, ok := settings["tasks"].([]any); ok {
		for i, t := range tasks {
			if m, ok := t.(map[string]any); ok && i < len(v.Tasks) {
				for k := range m {
					if strings.HasSuffix(k, "_task") {
						v.Tasks[i].taskTypes = append(v.Tasks[i].taskTypes, k)
					}
				}
			}
		}
	}
	if len(v.Name) > 4096 {
		return core.InvalidParam("Job name must be at most 4096 bytes, got %d.", len(v.Name))
	}
	if n := v.MaxConcurrentRuns; n != nil && (*n < 0 || *n > 1000) {
		return core.InvalidParam("max_concurrent_runs must be between 0 and 1000, got %d.", *n)
	}
	if n := v.TimeoutSeconds; n != nil && *n < 0 {
		return core.InvalidParam("timeout_seconds must be non-negative, got %d.", *n)
	}
	if len(v.Tags) > 25 {
		return core.InvalidParam("A job can have at most 25 tags, got %d.", len(v.Tags))
	}
	if (v.Schedule != nil && v.Continuous != nil) || (v.Trigger != nil && (v.Schedule != nil || v.Continuous != nil)) {
		return core.InvalidParam("Only one of schedule, continuous and trigger can be set.")
	}
	if err := validateTrigger(v.Trigger); err != nil {
		return err
	}
	if sch := v.Schedule; sch != nil {
		if err := core.RequireString("schedule.quartz_cron_expression", sch.QuartzCronExpression); err != nil {
			return err
		}
		if err := validateQuartzCron(sch.QuartzCronExpression); err != nil {
			return core.InvalidParam("Invalid quartz_cron_expression '%s': %v.", sch.QuartzCronExpression, err)
		}
		if err := validateTimezone(sch.TimezoneID); err != nil {
			return core.InvalidParam("Invalid schedule.timezone_id: %v.", err)
		}
		if sch.PauseStatus != "PAUSED" && sch.PauseStatus != "UNPAUSED" {
			return core.InvalidParam("Invalid schedule.pause_status '%s'. Valid values: PAUSED, UNPAUSED.", sch.PauseStatus)
		}
	}
	seenParams := map[string]bool{}
	for _, p := range v.Parameters {
		if p.Name == "" || strings.IndexFunc(p.Name, func(r rune) bool {
			return !(r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		}) >= 0 {
			return core.InvalidParam("Invalid job parameter name '%s': names may only contain alphanumeric characters, '_', '-' and '.'.", p.Name)
		}
		if seenParams[p.Name] {
			return core.InvalidParam("Duplicate job parameter name '%s'.", p.Name)
		}
		if p.Default == nil {
			return core.InvalidParam("Missing required field: parameters.default (parameter '%s').", p.Name)
		}
		seenParams[p.Name] = true
	}
	if err := validateTaskParams(settings, v); err != nil {
		return err
	}
	if e := v.EmailNotifications; e != nil {
		for _, addr := range slices.Concat(e.OnStart, e.OnSuccess, e.OnFailure) {
			if !strings.Contains(addr, "@") {
				return core.InvalidParam("Invalid email address '%s' in email_notifications.", addr)
			}
		}
	}
	clusterKeys := map[string]bool{}
	for _, jc := range v.JobClusters {
		if err := core.RequireString("job_clusters.job_cluster_key", jc.JobClusterKey); err != nil {
			return err
		}
		if clusterKeys[jc.JobClusterKey] {
			return core.InvalidParam("Duplicate job cluster key '%s'.", jc.JobClusterKey)
		}
		clusterKeys[jc.JobClusterKey] = true
		if jc.NewCluster == nil {
			return core.InvalidParam("Missing required field: job_clusters.new_cluster (job cluster '%s').", jc.JobClusterKey)
		}
		if err := validateClusterSpec(jc.NewCluster); err != nil {
			return core.InvalidParam("Job cluster '%s': %s", jc.JobClusterKey, err.(*core.APIError).Message)
		}
	}
	envKeys := map[string]bool{}
	for _, e := range v.Environments {
		envKeys[e.Key] = true
	}
	return validateJobTasks(v.Tasks, clusterKeys, envKeys)
}

func validateJobTasks(tasks []jobTaskView, clusterKeys, envKeys map[string]bool) error {
	keys := map[string]bool{}
	for _, t := range tasks {
		if err := core.RequireString("tasks.task_key", t.TaskKey); err != nil {
			return err
		}
		if keys[t.TaskKey] {
			return core.InvalidParam("Task key '%s' is used by more than one task; task keys must be unique.", t.TaskKey)
		}
		keys[t.TaskKey] = true
	}
	for _, t := range tasks {
		if len(t.taskTypes) != 1 {
			return core.InvalidParam("Task '%s' must have exactly one task type (notebook_task, python_wheel_task, spark_python_task, ...), got %d.", t.TaskKey, len(t.taskTypes))
		}
		switch {
		case t.NotebookTask != nil:
			if err := core.RequireString("tasks.notebook_task.notebook_path", t.NotebookTask.NotebookPath); err != nil {
				return err
			}
			if t.NotebookTask.Source != "GIT" && !strings.HasPrefix(t.NotebookTask.NotebookPath, "/") {
				return core.InvalidParam("Task '%s': the notebook path '%s' of a workspace notebook must be absolute.", t.TaskKey, t.NotebookTask.NotebookPath)
			}
		case t.PythonWheelTask != nil:
			if err := core.RequireString("tasks.python_wheel_task.package_name", t.PythonWheelTask.PackageName); err != nil {
				return err
			}
			if err := core.RequireString("tasks.python_wheel_task.entry_point", t.PythonWheelTask.EntryPoint); err != nil {
				return err
			}
		case t.SparkPythonTask != nil:
			if err := core.RequireString("tasks.spark_python_task.python_file", t.SparkPythonTask.PythonFile); err != nil {
				return err
			}
		}
		computes := 0
		for _, set := range []bool{t.ExistingClusterID != "", t.JobClusterKey != "", t.NewCluster != nil, t.EnvironmentKey != ""} {
			if set {
				computes++
			}
		}
		if computes > 1 {
			return core.InvalidParam("Task '%s' may set only one of existing_cluster_id, new_cluster, job_cluster_key and environment_key.", t.TaskKey)
		}
		if computes == 0 && t.NotebookTask == nil {
			// Only notebooks run on serverless compute without an environment.
			return core.InvalidParam("Task '%s' needs compute: set existing_cluster_id, new_cluster, job_cluster_key or environment_key.", t.TaskKey)
		}
		if t.JobClusterKey != "" && !clusterKeys[t.JobClusterKey] {
			return core.InvalidParam("Task '%s' references job cluster '%s', which is not defined in job_clusters.", t.TaskKey, t.JobClusterKey)
		}
		if t.EnvironmentKey != "" && !envKeys[t.EnvironmentKey] {
			return core.InvalidParam("Task '%s' references environment '%s', which is not defined in environments.", t.TaskKey, t.EnvironmentKey)
		}
		if t.NewCluster != nil {
			if err := validateClusterSpec(t.NewCluster); err != nil {
				return core.InvalidParam("Task '%s': %s", t.TaskKey, err.(*core.APIError).Message)
			}
		}
		for _, dep := range t.DependsOn {
			if !keys[dep.TaskKey] {
				return core.InvalidParam("Task '%s' depends on '%s', which is not a task of this job.", t.TaskKey, dep.TaskKey)
			}
		}
	}
	return checkTaskCycles(tasks)
}

// checkTaskCycles refuses a dependency graph with a cycle.
func checkTaskCycles(tasks []jobTaskView) error {
	deps := map[string][]string{}
	for _, t := range tasks {
		for _, d := range t.DependsOn {
			deps[t.TaskKey] = append(deps[t.TaskKey], d.TaskKey)
		}
	}
	const (
		visiting = 1
		done     = 2
	)
	mark := map[string]int{}
	var visit func(k string) error
	visit = func(k string) error {
		switch mark[k] {
		case visiting:
			return core.InvalidParam("The task dependency graph has a cycle through task '%s'.", k)
		case done:
			return nil
		}
		mark[k] = visiting
		for _, d := range deps[k] {
			if err := visit(d); err != nil {
				return err
			}
		}
		mark[k] = done
		return nil
	}
	for _, t := range tasks {
		if err := visit(t.TaskKey); err != nil {
			return err
		}
	}
	return nil
}

// parseJobID reads a job or run id given as a query parameter.
func parseJobID(field, raw string) (int64, error) {
	if raw == "" {
		return 0, core.InvalidParam("Missing required field: %s", field)
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, core.InvalidParam("Invalid %s '%s'.", field, raw)
	}
	return id, nil
}

func loadJob(tx core.Tx, id int64) (Job, error) {
	var j Job
	found, err := tx.Get(JobsBucket, jobKey(id), &j)
	if err != nil {
		return j, err
	}
	if !found {
		return j, core.InvalidParam("Job %d does not exist.", id)
	}
	return j, nil
}

func (s *Service) getJob(r *http.Request) (any, error) {
	id, err := parseJobID("job_id", r.URL.Query().Get("job_id"))
	if err != nil {
		return nil, err
	}
	var j Job
	err = s.Store().View(func(tx core.Tx) error {
		j, err = loadJob(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

func (s *Service) listJobs(r *http.Request) (any, error) {
	limit, err := core.QueryInt(r, "limit", 20)
	if err != nil {
		return nil, err
	}
	if limit < 1 || limit > 100 {
		return nil, core.InvalidParam("limit must be between 1 and 100, got %d.", limit)
	}
	expand, err := queryBool(r, "expand_tasks")
	if err != nil {
		return nil, err
	}
	all, err := UCList[Job](s, JobsBucket, "")
	if err != nil {
		return nil, err
	}
	name := r.URL.Query().Get("name")
	out := make([]Job, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- { // most recently created first
		j := all[i]
		if name != "" && !strings.EqualFold(fmt.Sprint(j.Settings["name"]), name) {
			continue
		}
		if !expand {
			delete(j.Settings, "tasks")
			delete(j.Settings, "job_clusters")
		}
		// A listed job is a jobs.BaseJob, which has no run_as_user_name.
		j.RunAsUserName = ""
		out = append(out, j)
	}
	return jobsPage(r, "jobs", out, limit)
}

func (s *Service) deleteJob(r *http.Request) (any, error) {
	var req struct {
		JobID int64 `json:"job_id"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.JobID <= 0 {
		return nil, core.InvalidParam("Missing required field: job_id")
	}
	err := s.Store().Update(func(tx core.Tx) error {
		if _, err := loadJob(tx, req.JobID); err != nil {
			return err
		}
		runs, err := core.GetAll[JobRun](tx, JobRunsBucket, "")
		if err != nil {
			return err
		}
		for _, run := range runs {
			if run.JobID == req.JobID {
				if err := tx.Delete(JobRunsBucket, jobKey(run.RunID)); err != nil {
					return err
				}
			}
		}
		return tx.Delete(JobsBucket, jobKey(req.JobID))
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// resetJob replaces the settings entirely.
func (s *Service) resetJob(r *http.Request) (any, error) {
	var req struct {
		JobID       int64          `json:"job_id"`
		NewSettings map[string]any `json:"new_settings"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.JobID <= 0 {
		return nil, core.InvalidParam("Missing required field: job_id")
	}
	if req.NewSettings == nil {
		return nil, core.InvalidParam("Missing required field: new_settings")
	}
	if err := s.normaliseJobSettings(req.NewSettings); err != nil {
		return nil, err
	}
	return s.updateJobDoc(req.JobID, func(j *Job) error {
		j.Settings = req.NewSettings
		return nil
	})
}

// updateJob replaces the top-level fields new_settings names, merging tasks
// and job_clusters by key, then removes fields_to_remove ("tasks/<key>" and
// "job_clusters/<key>" remove one entry).
func (s *Service) updateJob(r *http.Request) (any, error) {
	var req struct {
		JobID          int64          `json:"job_id"`
		NewSettings    map[string]any `json:"new_settings"`
		FieldsToRemove []string       `json:"fields_to_remove"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.JobID <= 0 {
		return nil, core.InvalidParam("Missing required field: job_id")
	}
	return s.updateJobDoc(req.JobID, func(j *Job) error {
		for k, v := range req.NewSettings {
			if k == "tasks" || k == "job_clusters" {
				j.Settings[k] = mergeByKey(j.Settings[k], v, keyFieldOf(k))
				continue
			}
			j.Settings[k] = v
		}
		for _, f := range req.FieldsToRemove {
			if arr, key, ok := strings.Cut(f, "/"); ok && (arr == "tasks" || arr == "job_clusters") {
				j.Settings[arr] = removeByKey(j.Settings[arr], keyFieldOf(arr), key)
				continue
			}
			delete(j.Settings, f)
		}
		return s.normaliseJobSettings(j.Settings)
	})
}

func keyFieldOf(array string) string {
	if array == "tasks" {
		return "task_key"
	}
	return "job_cluster_key"
}

func mergeByKey(existing, updates any, keyField string) any {
	old, _ := existing.([]any)
	upd, ok := updates.([]any)
	if !ok {
		return updates
	}
	out := slices.Clone(old)
	for _, u := range upd {
		um, _ := u.(map[string]any)
		i := slices.IndexFunc(out, func(o any) bool {
			om, _ := o.(map[string]any)
			return om != nil && um != nil && om[keyField] == um[keyField]
		})
		if i >= 0 {
			out[i] = u
		} else {
			out = append(out, u)
		}
	}
	return out
}

func removeByKey(existing any, keyField, key string) any {
	old, _ := existing.([]any)
	return slices.DeleteFunc(slices.Clone(old), func(o any) bool {
		om, _ := o.(map[string]any)
		return om != nil && om[keyField] == key
	})
}

func (s *Service) updateJobDoc(id int64, fn func(j *Job) error) (any, error) {
	err := s.Store().Update(func(tx core.Tx) error {
		j, err := loadJob(tx, id)
		if err != nil {
			return err
		}
		if err := fn(&j); err != nil {
			return err
		}
		return tx.Put(JobsBucket, jobKey(id), j)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// runNow triggers a run. idempotency_token returns the run an earlier
// request with the same token started.
func (s *Service) runNow(r *http.Request) (any, error) {
	var req struct {
		JobID            int64             `json:"job_id"`
		JobParameters    map[string]string `json:"job_parameters"`
		IdempotencyToken string            `json:"idempotency_token"`
		Only             []string          `json:"only"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.JobID <= 0 {
		return nil, core.InvalidParam("Missing required field: job_id")
	}
	if len(req.IdempotencyToken) > 64 {
		return nil, core.InvalidParam("idempotency_token must be at most 64 characters long.")
	}
	var run JobRun
	replayed := false
	err := s.Store().Update(func(tx core.Tx) error {
		j, err := loadJob(tx, req.JobID)
		if err != nil {
			return err
		}
		runs, err := core.GetAll[JobRun](tx, JobRunsBucket, "")
		if err != nil {
			return err
		}
		now := s.Now()
		active := 0
		for _, existing := range runs {
			if req.IdempotencyToken != "" && existing.IdempotencyToken == req.IdempotencyToken && existing.JobID == req.JobID {
				run, replayed = existing, true
				return nil
			}
			if existing.JobID == req.JobID && existing.State(now).active() {
				active++
			}
		}
		run, err = s.newJobRun(tx, j, req.JobParameters, req.Only)
		if err != nil {
			return err
		}
		run.IdempotencyToken = req.IdempotencyToken
		if limit := maxConcurrentRuns(j); active >= limit {
			run.SkipMessage = fmt.Sprintf("Skipping this run because the limit of %d maximum concurrent runs has been reached.", limit)
		}
		return tx.Put(JobRunsBucket, jobKey(run.RunID), run)
	})
	if err != nil {
		return nil, err
	}
	if !replayed {
		s.runTrainings(context.WithoutCancel(r.Context()), run)
	}
	return map[string]int64{"run_id": run.RunID, "number_in_job": run.RunID}, nil
}

func maxConcurrentRuns(j Job) int {
	if n, ok := j.Settings["max_concurrent_runs"].(float64); ok {
		return int(n)
	}
	if n, ok := j.Settings["max_concurrent_runs"].(int); ok {
		return n
	}
	return 1
}

// SettingsView decodes j's stored settings into their typed view.
func (j Job) SettingsView() (jobSettingsView, error) {
	var v jobSettingsView
	raw, err := json.Marshal(j.Settings)
	if err != nil {
		return v, err
	}
	err = json.Unmarshal(raw, &v)
	return v, err
}

// newJobRun builds a run of j: job parameters resolved against their
// defaults, one task run per task, and the run's outcome decided now (a task
// on an existing cluster that does not exist fails).
func (s *Service) newJobRun(tx core.Tx, j Job, params map[string]string, only []string) (JobRun, error) {
	return s.newJobRunAt(tx, j, params, only, s.Now(), "ONE_TIME")
}

// newJobRunAt is newJobRun for a run triggered at a given time (a
// schedule's firing time) by trigger (jobs.TriggerType).
func (s *Service) newJobRunAt(tx core.Tx, j Job, params map[string]string, only []string, at time.Time, trigger string) (JobRun, error) {
	v, err := j.SettingsView()
	if err != nil {
		return JobRun{}, err
	}
	run := JobRun{
		JobID: j.JobID, RunName: fmt.Sprint(j.Settings["name"]), CreatorUserName: s.Options().UserName,
		StartTime: at.UnixMilli(), Trigger: trigger, JobClusters: j.Settings["job_clusters"],
		DelayMillis: s.Options().AsyncDelay.Milliseconds(),
	}
	defined := map[string]bool{}
	for _, p := range v.Parameters {
		defined[p.Name] = true
		value := *p.Default
		if override, ok := params[p.Name]; ok {
			value = override
		}
		run.JobParameters = append(run.JobParameters, jobRunParam{Name: p.Name, Default: *p.Default, Value: value})
	}
	for name := range params {
		if !defined[name] {
			return run, core.InvalidParam("Job parameter '%s' is not defined in job %d.", name, j.JobID)
		}
	}
	id, err := tx.NextSeq(JobRunsBucket)
	if err != nil {
		return run, err
	}
	run.RunID = 200000000000 + int64(id)*1000
	rawTasks, _ := j.Settings["tasks"].([]any)
	for i, t := range v.Tasks {
		if len(only) > 0 && !slices.Contains(only, t.TaskKey) {
			continue
		}
		spec, _ := rawTasks[i].(map[string]any)
		run.Tasks = append(run.Tasks, jobRunTask{TaskKey: t.TaskKey, RunID: run.RunID + int64(i) + 1, Spec: spec})
		if t.ExistingClusterID != "" && run.FailureMessage == "" {
			if _, err := loadCluster(tx, t.ExistingClusterID); err != nil {
				run.FailureMessage = fmt.Sprintf("Task %s failed: cluster %s does not exist.", t.TaskKey, t.ExistingClusterID)
				run.FailedTask = t.TaskKey
			}
		}
	}
	for _, k := range only {
		if !slices.ContainsFunc(v.Tasks, func(t jobTaskView) bool { return t.TaskKey == k }) {
			return run, core.InvalidParam("Task '%s' in 'only' is not a task of job %d.", k, j.JobID)
		}
	}
	plan, err := planRun(run, v, nil)
	if err != nil {
		return run, err
	}
	run.Plan = plan
	return run, nil
}

func loadJobRun(tx core.Tx, id int64) (JobRun, error) {
	var run JobRun
	found, err := tx.Get(JobRunsBucket, jobKey(id), &run)
	if err != nil {
		return run, err
	}
	if !found {
		return run, core.InvalidParam("Run %d does not exist.", id)
	}
	return run, nil
}

// runHost is the workspace URL runs link to, as the client reached it.
func runHost(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/"
}

func (s *Service) getJobRun(r *http.Request) (any, error) {
	id, err := parseJobID("run_id", r.URL.Query().Get("run_id"))
	if err != nil {
		return nil, err
	}
	var run JobRun
	err = s.Store().View(func(tx core.Tx) error {
		run, err = loadJobRun(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return run.view(s.Now(), runHost(r)), nil
}

func (s *Service) listJobRuns(r *http.Request) (any, error) {
	q := r.URL.Query()
	limit, err := core.QueryInt(r, "limit", 20)
	if err != nil {
		return nil, err
	}
	switch {
	case limit < 0 || limit > 25:
		return nil, core.InvalidParam("limit must be between 1 and 25, got %d.", limit)
	case limit == 0:
		limit = 25
	}
	activeOnly, err := queryBool(r, "active_only")
	if err != nil {
		return nil, err
	}
	completedOnly, err := queryBool(r, "completed_only")
	if err != nil {
		return nil, err
	}
	if activeOnly && completedOnly {
		return nil, core.InvalidParam("active_only and completed_only cannot both be true.")
	}
	var jobID int64
	if raw := q.Get("job_id"); raw != "" {
		if jobID, err = parseJobID("job_id", raw); err != nil {
			return nil, err
		}
	}
	if rt := q.Get("run_type"); rt != "" && rt != "JOB_RUN" {
		// This emulator only starts runs of jobs.
		return map[string]any{"runs": []any{}, "has_more": false}, nil
	}
	all, err := UCList[JobRun](s, JobRunsBucket, "")
	if err != nil {
		return nil, err
	}
	now, host := s.Now(), runHost(r)
	var out []map[string]any
	for i := len(all) - 1; i >= 0; i-- { // most recent first
		run := all[i]
		active := run.State(now).active()
		if (jobID != 0 && run.JobID != jobID) || (activeOnly && !active) || (completedOnly && active) {
			continue
		}
		out = append(out, run.view(now, host))
	}
	return jobsPage(r, "runs", out, limit)
}

func (s *Service) cancelJobRun(r *http.Request) (any, error) {
	var req struct {
		RunID int64 `json:"run_id"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.RunID <= 0 {
		return nil, core.InvalidParam("Missing required field: run_id")
	}
	err := s.Store().Update(func(tx core.Tx) error {
		run, err := loadJobRun(tx, req.RunID)
		if err != nil {
			return err
		}
		return s.cancelRun(tx, &run)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// cancelRun cancels an active run; cancelling a finished run is a no-op,
// as on the real service.
func (s *Service) cancelRun(tx core.Tx, run *JobRun) error {
	now := s.Now()
	if !run.State(now).active() || run.CanceledAt > 0 {
		return nil
	}
	run.CanceledAt = now.UnixMilli()
	return tx.Put(JobRunsBucket, jobKey(run.RunID), run)
}

func (s *Service) cancelAllJobRuns(r *http.Request) (any, error) {
	var req struct {
		JobID     int64 `json:"job_id"`
		AllQueued bool  `json:"all_queued_runs"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.JobID <= 0 && !req.AllQueued {
		return nil, core.InvalidParam("Either job_id or all_queued_runs must be set.")
	}
	err := s.Store().Update(func(tx core.Tx) error {
		if req.JobID > 0 {
			if _, err := loadJob(tx, req.JobID); err != nil {
				return err
			}
		}
		runs, err := core.GetAll[JobRun](tx, JobRunsBucket, "")
		if err != nil {
			return err
		}
		for _, run := range runs {
			if req.JobID > 0 && run.JobID != req.JobID {
				continue
			}
			if err := s.cancelRun(tx, &run); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// deleteJobRun deletes a finished run; an active one must be cancelled first.
func (s *Service) deleteJobRun(r *http.Request) (any, error) {
	var req struct {
		RunID int64 `json:"run_id"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.RunID <= 0 {
		return nil, core.InvalidParam("Missing required field: run_id")
	}
	err := s.Store().Update(func(tx core.Tx) error {
		run, err := loadJobRun(tx, req.RunID)
		if err != nil {
			return err
		}
		if run.State(s.Now()).active() {
			return core.InvalidState("Run %d is active; cancel it before deleting it.", req.RunID)
		}
		return tx.Delete(JobRunsBucket, jobKey(req.RunID))
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// jobsPage is a Jobs API list answer (jobs/list, jobs/runs/list): the page
// of items under key, with has_more and next_page_token.
func jobsPage[T any](r *http.Request, key string, items []T, limit int) (any, error) {
	page, next, err := core.PageAt(r, items, limit)
	if err != nil {
		return nil, err
	}
	return map[string]any{key: page, "has_more": next != "", "next_page_token": next}, nil
}
