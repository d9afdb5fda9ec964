package workspace

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// MLflow tracking: /api/2.0/mlflow/experiments/*, runs/*, metrics/*: what a
// training job logs and what validation gates read. Shapes follow
// databricks-sdk-go service/ml/model.go (Experiment, CreateExperiment, Run,
// RunInfo, RunData, Metric, Param, RunTag, SearchRuns, LogBatch,
// GetMetricHistoryResponse) and the MLflow REST API reference. Errors are
// MLflow's: RESOURCE_DOES_NOT_EXIST (404), INVALID_PARAMETER_VALUE (400),
// RESOURCE_ALREADY_EXISTS.

const (
	ExperimentsBucket = "mlflow_experiments"
	RunsBucket        = "mlflow_runs"
)

// Run statuses (ml.RunInfoStatus / UpdateRunStatus).
var runStatuses = []string{"RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"}

// Limits of log-batch (MLflow REST API reference, "Log Batch": at most 1000
// metrics, 100 params and 100 tags; 1000 entities in total).
const (
	maxBatchMetrics = 1000
	maxBatchParams  = 100
	maxBatchTags    = 100
)

type experiment struct {
	ExperimentID     string         `json:"experiment_id"`
	Name             string         `json:"name"`
	ArtifactLocation string         `json:"artifact_location"`
	LifecycleStage   string         `json:"lifecycle_stage"`
	CreationTime     int64          `json:"creation_time"`
	LastUpdateTime   int64          `json:"last_update_time"`
	Tags             []mlflowKeyVal `json:"tags,omitempty"`
}

type runInfo struct {
	RunID          string `json:"run_id"`
	RunUUID        string `json:"run_uuid"`
	RunName        string `json:"run_name"`
	ExperimentID   string `json:"experiment_id"`
	UserID         string `json:"user_id"`
	Status         string `json:"status"`
	StartTime      int64  `json:"start_time"`
	EndTime        int64  `json:"end_time,omitempty"`
	ArtifactURI    string `json:"artifact_uri"`
	LifecycleStage string `json:"lifecycle_stage"`
}

// MetricPoint is one logged value of a run's metric.
type MetricPoint struct {
	Key       string  `json:"key"`
	Value     float64 `json:"value"`
	Timestamp int64   `json:"timestamp"`
	Step      int64   `json:"step"`
	RunID     string  `json:"run_id,omitempty"`
}

// MLflowRun is the stored run: its info, every metric point ever logged,
// its params and tags.
type MLflowRun struct {
	Info    runInfo           `json:"info"`
	Metrics []MetricPoint     `json:"metrics,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
}

func experimentKey(id string) string {
	n, _ := strconv.ParseInt(id, 10, 64)
	return fmt.Sprintf("%020d", n)
}

func loadRun(tx core.Tx, runID string, run *MLflowRun) error {
	found, err := tx.Get(RunsBucket, runID, run)
	if err != nil {
		return err
	}
	if !found {
		return core.NotFound("Run '%s' not found.", runID)
	}
	return nil
}

func loadExperiment(tx core.Tx, id string, e *experiment) error {
	found := false
	var err error
	if _, convErr := strconv.ParseInt(id, 10, 64); convErr == nil {
		found, err = tx.Get(ExperimentsBucket, experimentKey(id), e)
	}
	if err != nil {
		return err
	}
	if !found {
		return core.NotFound("Node ID %s does not exist.", id)
	}
	return nil
}

// LatestMetrics is RunData.metrics: per key the point with the highest
// step, then the latest timestamp, then the highest value (MLflow's rule).
func (run MLflowRun) LatestMetrics() []MetricPoint {
	latest := map[string]MetricPoint{}
	for _, p := range run.Metrics {
		cur, ok := latest[p.Key]
		if !ok || cmp.Or(cmp.Compare(p.Step, cur.Step), cmp.Compare(p.Timestamp, cur.Timestamp), cmp.Compare(p.Value, cur.Value)) >= 0 {
			latest[p.Key] = p
		}
	}
	out := make([]MetricPoint, 0, len(latest))
	for _, k := range slices.Sorted(maps.Keys(latest)) {
		p := latest[k]
		p.RunID = ""
		out = append(out, p)
	}
	return out
}

func keyVals(m map[string]string) []mlflowKeyVal {
	out := []mlflowKeyVal{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, mlflowKeyVal{Key: k, Value: m[k]})
	}
	return out
}

func (run MLflowRun) view() map[string]any {
	return map[string]any{
		"info":   run.Info,
		"data":   map[string]any{"metrics": run.LatestMetrics(), "params": keyVals(run.Params), "tags": keyVals(run.Tags)},
		"inputs": map[string]any{},
	}
}

func (s *Service) createExperiment(r *http.Request) (any, error) {
	var req struct {
		Name             string         `json:"name"`
		ArtifactLocation string         `json:"artifact_location"`
		Tags             []mlflowKeyVal `json:"tags"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("name", req.Name); err != nil {
		return nil, err
	}
	// On Databricks experiments live in the workspace tree.
	if !strings.HasPrefix(req.Name, "/") {
		return nil, core.InvalidParam("Got an invalid experiment name '%s'. An experiment name must be an absolute path within the Databricks workspace, e.g. '/Users/<some-username>/my-experiment'.", req.Name)
	}
	var e experiment
	err := s.Store().Update(func(tx core.Tx) error {
		all, err := core.GetAll[experiment](tx, ExperimentsBucket, "")
		if err != nil {
			return err
		}
		if slices.ContainsFunc(all, func(x experiment) bool { return x.Name == req.Name }) {
			return core.AlreadyExists("Node named '%s' already exists", req.Name)
		}
		seq, err := tx.NextSeq(ExperimentsBucket)
		if err != nil {
			return err
		}
		id := strconv.FormatUint(1000000000000000+seq, 10)
		now := s.Now().UnixMilli()
		e = experiment{
			ExperimentID: id, Name: req.Name, ArtifactLocation: req.ArtifactLocation, LifecycleStage: "active",
			CreationTime: now, LastUpdateTime: now, Tags: req.Tags,
		}
		if e.ArtifactLocation == "" {
			e.ArtifactLocation = "dbfs:/databricks/mlflow-tracking/" + id
		}
		return tx.Put(ExperimentsBucket, experimentKey(id), e)
	})
	if err != nil {
		return nil, err
	}
	return map[string]string{"experiment_id": e.ExperimentID}, nil
}

func (s *Service) getExperiment(r *http.Request) (any, error) {
	id := r.URL.Query().Get("experiment_id")
	if err := core.RequireString("experiment_id", id); err != nil {
		return nil, err
	}
	var e experiment
	if err := s.Store().View(func(tx core.Tx) error { return loadExperiment(tx, id, &e) }); err != nil {
		return nil, err
	}
	return map[string]any{"experiment": e}, nil
}

func (s *Service) getExperimentByName(r *http.Request) (any, error) {
	name := r.URL.Query().Get("experiment_name")
	if err := core.RequireString("experiment_name", name); err != nil {
		return nil, err
	}
	all, err := UCList[experiment](s, ExperimentsBucket, "")
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(e experiment) bool { return e.Name == name })
	if i < 0 {
		return nil, core.NotFound("Node %s does not exist.", name)
	}
	return map[string]any{"experiment": all[i]}, nil
}

func (s *Service) createRun(r *http.Request) (any, error) {
	var req struct {
		ExperimentID string         `json:"experiment_id"`
		RunName      string         `json:"run_name"`
		StartTime    int64          `json:"start_time"`
		UserID       string         `json:"user_id"`
		Tags         []mlflowKeyVal `json:"tags"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("experiment_id", req.ExperimentID); err != nil {
		return nil, err
	}
	var run MLflowRun
	err := s.Store().Update(func(tx core.Tx) error {
		var e experiment
		if err := loadExperiment(tx, req.ExperimentID, &e); err != nil {
			return err
		}
		id := strings.ReplaceAll(newUUID(), "-", "")
		run = MLflowRun{Info: runInfo{
			RunID: id, RunUUID: id, RunName: req.RunName, ExperimentID: e.ExperimentID,
			UserID: cmp.Or(req.UserID, s.Options().UserName), Status: "RUNNING",
			StartTime: cmp.Or(req.StartTime, s.Now().UnixMilli()), ArtifactURI: e.ArtifactLocation + "/" + id + "/artifacts",
			LifecycleStage: "active",
		}, Tags: map[string]string{"mlflow.user": cmp.Or(req.UserID, s.Options().UserName)}}
		if run.Info.RunName == "" {
			run.Info.RunName = "run-" + id[:8]
		}
		run.Tags["mlflow.runName"] = run.Info.RunName
		for _, t := range req.Tags {
			run.Tags[t.Key] = t.Value
		}
		return tx.Put(RunsBucket, id, run)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"run": run.view()}, nil
}

func (s *Service) getRun(r *http.Request) (any, error) {
	id := cmp.Or(r.URL.Query().Get("run_id"), r.URL.Query().Get("run_uuid"))
	if err := core.RequireString("run_id", id); err != nil {
		return nil, err
	}
	var run MLflowRun
	if err := s.Store().View(func(tx core.Tx) error { return loadRun(tx, id, &run) }); err != nil {
		return nil, err
	}
	return map[string]any{"run": run.view()}, nil
}

func (s *Service) updateRun(r *http.Request) (any, error) {
	var req struct {
		RunID   string `json:"run_id"`
		RunUUID string `json:"run_uuid"`
		Status  string `json:"status"`
		EndTime int64  `json:"end_time"`
		RunName string `json:"run_name"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Status != "" && !slices.Contains(runStatuses, req.Status) {
		return nil, core.InvalidParam("Invalid value '%s' for parameter 'status': supported values are %s.", req.Status, strings.Join(runStatuses, ", "))
	}
	run, err := s.mutateRun(cmp.Or(req.RunID, req.RunUUID), func(run *MLflowRun) error {
		if req.Status != "" {
			run.Info.Status = req.Status
		}
		if req.EndTime != 0 {
			run.Info.EndTime = req.EndTime
		} else if req.Status != "" && req.Status != "RUNNING" && req.Status != "SCHEDULED" {
			run.Info.EndTime = s.Now().UnixMilli()
		}
		if req.RunName != "" {
			run.Info.RunName = req.RunName
			run.Tags["mlflow.runName"] = req.RunName
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"run_info": run.Info}, nil
}

// mutateRun loads, changes and stores one active run in one transaction.
func (s *Service) mutateRun(id string, fn func(run *MLflowRun) error) (MLflowRun, error) {
	var run MLflowRun
	if err := core.RequireString("run_id", id); err != nil {
		return run, err
	}
	err := s.Store().Update(func(tx core.Tx) error {
		if err := loadRun(tx, id, &run); err != nil {
			return err
		}
		if run.Info.LifecycleStage != "active" {
			return core.InvalidParam("The run %s must be in the 'active' state. Current state is %s.", id, run.Info.LifecycleStage)
		}
		if run.Tags == nil {
			run.Tags = map[string]string{}
		}
		if run.Params == nil {
			run.Params = map[string]string{}
		}
		if err := fn(&run); err != nil {
			return err
		}
		return tx.Put(RunsBucket, id, run)
	})
	return run, err
}

type logRequest struct {
	RunID   string        `json:"run_id"`
	RunUUID string        `json:"run_uuid"`
	Metrics []MetricPoint `json:"metrics"`
	Params  []kvPair      `json:"params"`
	Tags    []kvPair      `json:"tags"`
}

// kvPair is a param or tag in a request; Value is a pointer because MLflow
// requires it to be present (it may be empty).
type kvPair struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

// apply validates and records metrics, params and tags, the shared core of
// log-metric, log-parameter, set-tag and log-batch.
func (req logRequest) apply(run *MLflowRun) error {
	for _, m := range req.Metrics {
		if m.Key == "" {
			return core.InvalidParam("Missing value for required parameter 'key'.")
		}
		if m.Timestamp == 0 {
			return core.InvalidParam("Missing value for required parameter 'timestamp'.")
		}
		m.RunID = run.Info.RunID
		run.Metrics = append(run.Metrics, m)
	}
	for _, p := range req.Params {
		if p.Key == "" || p.Value == nil {
			return core.InvalidParam("Missing value for required parameter '%s'.", map[bool]string{true: "key", false: "value"}[p.Key == ""])
		}
		if old, ok := run.Params[p.Key]; ok && old != *p.Value {
			return core.InvalidParam("Changing param values is not allowed. Param with key='%s' was already logged with value='%s' for run ID='%s'. Attempted logging new value '%s'.", p.Key, old, run.Info.RunID, *p.Value)
		}
		run.Params[p.Key] = *p.Value
	}
	for _, t := range req.Tags {
		if t.Key == "" || t.Value == nil {
			return core.InvalidParam("Missing value for required parameter '%s'.", map[bool]string{true: "key", false: "value"}[t.Key == ""])
		}
		if err := validateTag(t.Key, *t.Value); err != nil {
			return err
		}
		run.Tags[t.Key] = *t.Value
	}
	return nil
}

func (s *Service) logRun(req logRequest) (any, error) {
	if _, err := s.mutateRun(cmp.Or(req.RunID, req.RunUUID), req.apply); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) logMetric(r *http.Request) (any, error) {
	var req struct {
		RunID     string   `json:"run_id"`
		RunUUID   string   `json:"run_uuid"`
		Key       string   `json:"key"`
		Value     *float64 `json:"value"`
		Timestamp int64    `json:"timestamp"`
		Step      int64    `json:"step"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Value == nil {
		return nil, core.InvalidParam("Missing value for required parameter 'value'.")
	}
	return s.logRun(logRequest{RunID: req.RunID, RunUUID: req.RunUUID,
		Metrics: []MetricPoint{{Key: req.Key, Value: *req.Value, Timestamp: req.Timestamp, Step: req.Step}}})
}

func (s *Service) logParam(r *http.Request) (any, error) {
	var req struct {
		RunID   string `json:"run_id"`
		RunUUID string `json:"run_uuid"`
		kvPair
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	return s.logRun(logRequest{RunID: req.RunID, RunUUID: req.RunUUID, Params: []kvPair{req.kvPair}})
}

func (s *Service) setRunTag(r *http.Request) (any, error) {
	var req struct {
		RunID   string `json:"run_id"`
		RunUUID string `json:"run_uuid"`
		kvPair
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	return s.logRun(logRequest{RunID: req.RunID, RunUUID: req.RunUUID, Tags: []kvPair{req.kvPair}})
}

func (s *Service) logBatch(r *http.Request) (any, error) {
	var req logRequest
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	switch {
	case len(req.Metrics) > maxBatchMetrics:
		return nil, core.InvalidParam("A batch logging request can contain at most %d metrics. Got %d metrics.", maxBatchMetrics, len(req.Metrics))
	case len(req.Params) > maxBatchParams:
		return nil, core.InvalidParam("A batch logging request can contain at most %d params. Got %d params.", maxBatchParams, len(req.Params))
	case len(req.Tags) > maxBatchTags:
		return nil, core.InvalidParam("A batch logging request can contain at most %d tags. Got %d tags.", maxBatchTags, len(req.Tags))
	}
	return s.logRun(req)
}

func (s *Service) getMetricHistory(r *http.Request) (any, error) {
	q := r.URL.Query()
	id := cmp.Or(q.Get("run_id"), q.Get("run_uuid"))
	if err := core.RequireString("run_id", id); err != nil {
		return nil, err
	}
	if err := core.RequireString("metric_key", q.Get("metric_key")); err != nil {
		return nil, err
	}
	var run MLflowRun
	if err := s.Store().View(func(tx core.Tx) error { return loadRun(tx, id, &run) }); err != nil {
		return nil, err
	}
	points := []MetricPoint{}
	for _, p := range run.Metrics {
		if p.Key == q.Get("metric_key") {
			points = append(points, p)
		}
	}
	slices.SortStableFunc(points, func(a, b MetricPoint) int {
		return cmp.Or(cmp.Compare(a.Step, b.Step), cmp.Compare(a.Timestamp, b.Timestamp))
	})
	items, next, err := core.PageMaxResults(r, points, 25000, 25000, false)
	if err != nil {
		return nil, err
	}
	return map[string]any{"metrics": items, "next_page_token": next}, nil
}

// searchRuns supports MLflow's search syntax for the comparisons gates use:
// clauses joined by AND, each "<metrics|params|tags|attributes>.<key> <op>
// <value>" with =, !=, >, >=, <, <=; order_by "<key> [ASC|DESC]".
// Page tokens are the emulator's offset tokens; pages default to 1000 runs
// and are capped at 50000 (SearchRuns.max_results).
func (s *Service) searchRuns(r *http.Request) (any, error) {
	var req struct {
		ExperimentIDs []string `json:"experiment_ids"`
		Filter        string   `json:"filter"`
		MaxResults    int      `json:"max_results"`
		OrderBy       []string `json:"order_by"`
		PageToken     string   `json:"page_token"`
		RunViewType   string   `json:"run_view_type"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if len(req.ExperimentIDs) == 0 {
		return nil, core.InvalidParam("Missing value for required parameter 'experiment_ids'.")
	}
	clauses, err := parseRunFilter(req.Filter)
	if err != nil {
		return nil, err
	}
	var runs []MLflowRun
	err = s.Store().View(func(tx core.Tx) error {
		for _, id := range req.ExperimentIDs {
			var e experiment
			if err := loadExperiment(tx, id, &e); err != nil {
				return err
			}
		}
		all, err := core.GetAll[MLflowRun](tx, RunsBucket, "")
		for _, run := range all {
			if slices.Contains(req.ExperimentIDs, run.Info.ExperimentID) && matchesAll(run, clauses) {
				runs = append(runs, run)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := sortRuns(runs, req.OrderBy); err != nil {
		return nil, err
	}
	items, next, err := core.PageBody(r, runs, req.MaxResults, req.PageToken, 1000, 50000)
	if err != nil {
		return nil, err
	}
	views := make([]map[string]any, len(items))
	for i, run := range items {
		views[i] = run.view()
	}
	return map[string]any{"runs": views, "next_page_token": next}, nil
}

type runClause struct {
	entity, key, op, value string
	number                 float64
	numeric                bool
}

var clauseRE = regexp.MustCompile("^\\s*(?:(metrics|metric|params|param|tags|tag|attributes|attribute|attr|run)\\.)?(`[^`]+`|[\\w.\\-]+)\\s*(>=|<=|!=|=|>|<|(?i:ILIKE|LIKE)\\s)\\s*(.+?)\\s*$")

var andRE = regexp.MustCompile(`(?i)\s+and\s+`)

func parseRunFilter(filter string) ([]runClause, error) {
	if strings.TrimSpace(filter) == "" {
		return nil, nil
	}
	var out []runClause
	for _, part := range andRE.Split(filter, -1) {
		m := clauseRE.FindStringSubmatch(part)
		if m == nil {
			return nil, core.InvalidParam("Invalid filter '%s': could not parse clause '%s'.", filter, strings.TrimSpace(part))
		}
		c := runClause{entity: strings.TrimSuffix(cmp.Or(m[1], "attributes"), "s"), key: strings.Trim(m[2], "`"), op: strings.ToUpper(strings.TrimSpace(m[3])), value: m[4]}
		if c.entity == "attribute" || c.entity == "attr" || c.entity == "run" {
			c.entity = "attribute"
		}
		if len(c.value) >= 2 && (c.value[0] == '\'' || c.value[0] == '"') && c.value[len(c.value)-1] == c.value[0] {
			c.value = c.value[1 : len(c.value)-1]
		} else if n, err := strconv.ParseFloat(c.value, 64); err == nil {
			c.number, c.numeric = n, true
		} else {
			return nil, core.InvalidParam("Invalid filter '%s': value %s is neither a quoted string nor a number.", filter, c.value)
		}
		if c.entity == "metric" && !c.numeric {
			return nil, core.InvalidParam("Invalid filter '%s': metric %s must be compared with a number.", filter, c.key)
		}
		out = append(out, c)
	}
	return out, nil
}

func matchesAll(run MLflowRun, clauses []runClause) bool {
	for _, c := range clauses {
		if !c.matches(run) {
			return false
		}
	}
	return true
}

func (c runClause) matches(run MLflowRun) bool {
	var (
		str string
		num float64
		ok  bool
	)
	switch c.entity {
	case "metric":
		for _, p := range run.LatestMetrics() {
			if p.Key == c.key {
				num, ok = p.Value, true
			}
		}
		if !ok {
			return false
		}
		return compareOrdered(cmp.Compare(num, c.number), c.op)
	case "param":
		str, ok = run.Params[c.key]
	case "tag":
		str, ok = run.Tags[c.key]
	default:
		str, num, ok = run.attribute(c.key)
	}
	return c.matchValue(str, num, ok)
}

// matchValue compares a field's value (a number when the clause's value
// is one) with the clause; a missing field never matches.
func (c runClause) matchValue(str string, num float64, ok bool) bool {
	switch {
	case !ok:
		return false
	case c.op == "LIKE" || c.op == "ILIKE":
		return likeMatch(str, c.value, c.op == "ILIKE")
	case c.numeric:
		return compareOrdered(cmp.Compare(num, c.number), c.op)
	}
	return compareOrdered(strings.Compare(str, c.value), c.op)
}

// likeMatch is SQL LIKE: % any run of characters, _ one character.
func likeMatch(s, pattern string, fold bool) bool {
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}

// attribute reads a run attribute by its search name.
func (run MLflowRun) attribute(key string) (string, float64, bool) {
	switch key {
	case "status":
		return run.Info.Status, 0, true
	case "run_name":
		return run.Info.RunName, 0, true
	case "run_id":
		return run.Info.RunID, 0, true
	case "user_id":
		return run.Info.UserID, 0, true
	case "start_time":
		return "", float64(run.Info.StartTime), true
	case "end_time":
		return "", float64(run.Info.EndTime), true
	}
	return "", 0, false
}

func compareOrdered(c int, op string) bool {
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "<":
		return c < 0
	default:
		return c <= 0
	}
}

// orderKey is one order_by clause: "[entity.]name [ASC|DESC]".
type orderKey struct {
	entity, name string
	desc         bool
}

func parseOrderBy(orderBy []string) ([]orderKey, error) {
	var keys []orderKey
	for _, ob := range orderBy {
		fields := strings.Fields(ob)
		if len(fields) == 0 || len(fields) > 2 || (len(fields) == 2 && !slices.Contains([]string{"ASC", "DESC"}, strings.ToUpper(fields[1]))) {
			return nil, core.InvalidParam("Invalid order_by clause '%s'.", ob)
		}
		entity, name, found := strings.Cut(fields[0], ".")
		if !found {
			entity, name = "attributes", fields[0]
		}
		keys = append(keys, orderKey{entity: strings.TrimSuffix(entity, "s"), name: strings.Trim(name, "`"), desc: len(fields) == 2 && strings.EqualFold(fields[1], "DESC")})
	}
	return keys, nil
}

// sortRuns orders by order_by, then by start time (newest first) and run id,
// MLflow's default.
func sortRuns(runs []MLflowRun, orderBy []string) error {
	keys, err := parseOrderBy(orderBy)
	if err != nil {
		return err
	}
	value := func(run MLflowRun, k orderKey) (float64, string, bool) {
		switch k.entity {
		case "metric":
			for _, p := range run.LatestMetrics() {
				if p.Key == k.name {
					return p.Value, "", true
				}
			}
			return 0, "", false
		case "param":
			v, ok := run.Params[k.name]
			return 0, v, ok
		case "tag":
			v, ok := run.Tags[k.name]
			return 0, v, ok
		default:
			s, n, ok := run.attribute(k.name)
			return n, s, ok
		}
	}
	slices.SortStableFunc(runs, func(a, b MLflowRun) int {
		for _, k := range keys {
			an, as, aok := value(a, k)
			bn, bs, bok := value(b, k)
			// Runs missing the key sort last either way.
			if aok != bok {
				if aok {
					return -1
				}
				return 1
			}
			c := cmp.Or(cmp.Compare(an, bn), strings.Compare(as, bs))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(b.Info.StartTime, a.Info.StartTime), strings.Compare(a.Info.RunID, b.Info.RunID))
	})
	return nil
}
