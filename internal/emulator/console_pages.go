package emulator

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/azure"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/github"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/workspace"
	"github.com/brickops/terraform-provider-brickops/internal/version"
)

// The console's pages: each builds a view of the state through the same
// accessors the API handlers use (ucList, modelWithVersions, withEndpoint,
// withMonitor, armWorkspaces, …), so what a page shows is what a client
// would read. The JSON twin of a page is its view as is.

// consoleWorkspaceRef names a workspace the console can show.
type consoleWorkspaceRef struct {
	// ID is the workspace id; empty for the default workspace the root
	// listener serves.
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// consoleWorkspaceRefs lists the default workspace and every workspace
// hosted for ARM, by name.
func (s *console) consoleWorkspaceRefs() []consoleWorkspaceRef {
	refs := []consoleWorkspaceRef{{Name: "default workspace"}}
	all, err := s.arm.ARMWorkspaces("", func(core.Tx) error { return nil })
	if err != nil {
		s.Logger().Warn("console: listing workspaces", "error", err)
		return refs
	}
	for _, w := range all {
		if w.Properties.WorkspaceID != "" {
			refs = append(refs, consoleWorkspaceRef{ID: w.Properties.WorkspaceID, Name: w.Name, URL: w.Properties.WorkspaceURL})
		}
	}
	return refs
}

// consoleTarget is the workspace a page shows: ?ws=<workspace id> selects a
// workspace created through ARM, nothing the default one.
func (s *console) consoleTarget(r *http.Request) (*console, error) {
	id := r.URL.Query().Get("ws")
	if id == "" {
		return s, nil
	}
	if child, ok := s.arm.Hosted().Servers()[id]; ok {
		return &console{Service: workspace.New(child), gh: github.New(child), arm: s.arm, console: s.console}, nil
	}
	return nil, core.InvalidParam("No workspace with id %q is served by this emulator.", id)
}

// --- Overview ---

type consoleOverview struct {
	Version    string                 `json:"version"`
	User       string                 `json:"user"`
	Workspaces []consoleWorkspace     `json:"workspaces"`
	Counts     []consoleCount         `json:"counts"`
	Recent     []core.RequestLogEntry `json:"recent_requests"`
	Faults     []core.FaultRule       `json:"faults"`
}

type consoleWorkspace struct {
	Name          string `json:"name"`
	Subscription  string `json:"subscription"`
	ResourceGroup string `json:"resource_group"`
	Location      string `json:"location"`
	State         string `json:"provisioning_state"`
	WorkspaceID   string `json:"workspace_id"`
	URL           string `json:"workspace_url"`
}

type consoleCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
	// Page is the console page that shows them ("" for none).
	Page string `json:"page,omitempty"`
}

// consoleKinds are the resource kinds the overview counts, by bucket.
var consoleKinds = []struct{ kind, bucket, page string }{
	{"catalogs", workspace.CatalogsBucket, "models"},
	{"schemas", workspace.SchemasBucket, "models"},
	{"tables", workspace.TablesBucket, ""},
	{"registered models", workspace.ModelsBucket, "models"},
	{"model versions", workspace.ModelVersionsBucket, "models"},
	{"MLflow experiments", workspace.ExperimentsBucket, ""},
	{"MLflow runs", workspace.RunsBucket, ""},
	{"serving endpoints", workspace.ServingBucket, "serving"},
	{"online tables", workspace.OnlineTablesBucket, ""},
	{"quality monitors", workspace.MonitorsBucket, "monitoring"},
	{"monitor refreshes", workspace.MonitorRefreshBucket, "monitoring"},
	{"jobs", workspace.JobsBucket, "jobs"},
	{"job runs", workspace.JobRunsBucket, "jobs"},
	{"clusters", workspace.ClustersBucket, ""},
	{"cluster policies", workspace.ClusterPoliciesBucket, ""},
	{"instance pools", workspace.InstancePoolsBucket, ""},
	{"SQL warehouses", workspace.WarehousesBucket, ""},
	{"secret scopes", workspace.SecretScopesBucket, ""},
}

// consoleRootKinds live only on the root listener (Azure and GitHub).
var consoleRootKinds = []struct{ kind, bucket, page string }{
	{"ARM workspaces", azure.BucketARMWorkspaces, "overview"},
	{"GitHub repositories", github.BucketGitHubRepos, "promotions"},
	{"pull requests", github.BucketGitHubPulls, "promotions"},
}

func (s *console) consoleOverview(r *http.Request) (any, error) {
	t, err := s.consoleTarget(r)
	if err != nil {
		return nil, err
	}
	v := consoleOverview{Version: version.Version, User: s.Options().UserName, Workspaces: []consoleWorkspace{}, Faults: t.Faults().Rules}
	all, err := s.arm.ARMWorkspaces("", func(core.Tx) error { return nil })
	if err != nil {
		return nil, err
	}
	for _, w := range all {
		v.Workspaces = append(v.Workspaces, consoleWorkspace{
			Name: w.Name, Subscription: w.Sub, ResourceGroup: w.RG, Location: w.Location,
			State: w.Properties.ProvisioningState, WorkspaceID: w.Properties.WorkspaceID, URL: w.Properties.WorkspaceURL,
		})
	}
	count := func(st core.Store, kind, bucket, page string) error {
		return st.View(func(tx core.Tx) error {
			n, err := workspace.CountUnder(tx, bucket, "")
			v.Counts = append(v.Counts, consoleCount{Kind: kind, Count: n, Page: page})
			return err
		})
	}
	for _, k := range consoleKinds {
		if err := count(t.Store(), k.kind, k.bucket, k.page); err != nil {
			return nil, err
		}
	}
	for _, k := range consoleRootKinds {
		if err := count(s.Store(), k.kind, k.bucket, k.page); err != nil {
			return nil, err
		}
	}
	recent := t.RecentRequests().Since(0, "")
	slices.Reverse(recent)
	v.Recent = recent[:min(len(recent), 10)]
	return v, nil
}

// --- Models ---

type consoleModels struct {
	Catalogs []consoleCatalog `json:"catalogs"`
}

type consoleCatalog struct {
	Name    string          `json:"name"`
	Comment string          `json:"comment,omitempty"`
	Schemas []consoleSchema `json:"schemas"`
}

type consoleSchema struct {
	FullName string         `json:"full_name"`
	Name     string         `json:"name"`
	Models   []consoleModel `json:"models"`
}

type consoleModel struct {
	FullName string                 `json:"full_name"`
	Name     string                 `json:"name"`
	Comment  string                 `json:"comment,omitempty"`
	Aliases  []workspace.ModelAlias `json:"aliases"`
	Versions []consoleVersion       `json:"versions"`
}

type consoleVersion struct {
	Version   int      `json:"version"`
	Status    string   `json:"status"`
	Aliases   []string `json:"aliases"`
	Source    string   `json:"source"`
	RunID     string   `json:"run_id,omitempty"`
	CreatedAt int64    `json:"created_at"`
	// Lineage are the tags BrickOps writes on a copy (where it came from),
	// without their prefix; Tags are the others.
	Lineage map[string]string `json:"lineage,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	// Metrics are the final values of the run that produced the version.
	Metrics []workspace.MetricPoint `json:"metrics,omitempty"`
}

// lineageTagPrefix marks the tags the provider writes on copies
// (brickops_model_version's lineage attribute).
const lineageTagPrefix = "brickops.lineage."

func (s *console) consoleModels(r *http.Request) (any, error) {
	t, err := s.consoleTarget(r)
	if err != nil {
		return nil, err
	}
	v := consoleModels{Catalogs: []consoleCatalog{}}
	catalogs, err := workspace.UCList[workspace.CatalogInfo](t.Service, workspace.CatalogsBucket, "")
	if err != nil {
		return nil, err
	}
	for _, c := range catalogs {
		cn := consoleCatalog{Name: c.Name, Comment: c.Comment, Schemas: []consoleSchema{}}
		schemas, err := workspace.UCList[workspace.SchemaInfo](t.Service, workspace.SchemasBucket, c.Name+".")
		if err != nil {
			return nil, err
		}
		for _, sc := range schemas {
			if sc.Name == workspace.InformationSchema {
				continue
			}
			sn := consoleSchema{FullName: sc.FullName, Name: sc.Name, Models: []consoleModel{}}
			models, err := workspace.UCList[workspace.RegisteredModel](t.Service, workspace.ModelsBucket, sc.FullName+".")
			if err != nil {
				return nil, err
			}
			for _, m := range models {
				mn, err := t.consoleModel(m.FullName)
				if err != nil {
					return nil, err
				}
				sn.Models = append(sn.Models, mn)
			}
			cn.Schemas = append(cn.Schemas, sn)
		}
		v.Catalogs = append(v.Catalogs, cn)
	}
	return v, nil
}

func (s *console) consoleModel(full string) (consoleModel, error) {
	m, versions, err := s.ModelWithVersions(full)
	if err != nil {
		return consoleModel{}, err
	}
	out := consoleModel{FullName: m.FullName, Name: m.Name, Comment: m.Comment, Aliases: m.AliasList(0), Versions: []consoleVersion{}}
	runs := map[string]workspace.MLflowRun{}
	err = s.Store().View(func(tx core.Tx) error {
		for _, mv := range versions {
			var run workspace.MLflowRun
			if mv.RunID == "" {
				continue
			}
			found, err := tx.Get(workspace.RunsBucket, mv.RunID, &run)
			if err != nil {
				return err
			}
			if found {
				runs[mv.RunID] = run
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	for _, mv := range slices.Backward(versions) {
		cv := consoleVersion{Version: mv.Version, Status: mv.Status, Aliases: []string{}, Source: mv.Source, RunID: mv.RunID, CreatedAt: mv.CreatedAt}
		for _, a := range m.AliasList(mv.Version) {
			cv.Aliases = append(cv.Aliases, a.AliasName)
		}
		for k, val := range mv.Tags {
			if rest, ok := strings.CutPrefix(k, lineageTagPrefix); ok {
				if cv.Lineage == nil {
					cv.Lineage = map[string]string{}
				}
				cv.Lineage[rest] = val
			} else {
				if cv.Tags == nil {
					cv.Tags = map[string]string{}
				}
				cv.Tags[k] = val
			}
		}
		if run, ok := runs[mv.RunID]; ok {
			cv.Metrics = run.LatestMetrics()
		}
		out.Versions = append(out.Versions, cv)
	}
	return out, nil
}

// --- Serving ---

type consoleServing struct {
	Endpoints []consoleEndpoint `json:"endpoints"`
}

type consoleEndpoint struct {
	Name          string               `json:"name"`
	Ready         string               `json:"ready"`
	ConfigUpdate  string               `json:"config_update"`
	ConfigVersion int                  `json:"config_version"`
	Entities      []consoleEntity      `json:"served_entities"`
	Traffic       []TrafficShare       `json:"traffic"`
	Pending       *consolePendingSplit `json:"pending_config,omitempty"`
	// InferenceTable is where auto capture writes requests.
	InferenceTable string `json:"inference_table,omitempty"`
	// Requests and errors served since the active config went live.
	Requests  float64 `json:"requests"`
	Errors4xx float64 `json:"errors_4xx"`
	Errors5xx float64 `json:"errors_5xx"`
	Charts    []Chart `json:"charts"`
}

type consoleEntity struct {
	Name         string `json:"name"`
	EntityName   string `json:"entity_name"`
	Version      string `json:"entity_version"`
	WorkloadSize string `json:"workload_size,omitempty"`
	ScaleToZero  bool   `json:"scale_to_zero_enabled"`
	Deployment   string `json:"deployment,omitempty"`
	Message      string `json:"deployment_state_message,omitempty"`
}

type consolePendingSplit struct {
	Entities []consoleEntity `json:"served_entities"`
	Traffic  []TrafficShare  `json:"traffic"`
}

// servingChartPoints is how many intervals the traffic charts divide the
// time since the active config went live into.
const servingChartPoints = 12

func (s *console) consoleServing(r *http.Request) (any, error) {
	t, err := s.consoleTarget(r)
	if err != nil {
		return nil, err
	}
	names, err := core.KeysOf(t.Store(), workspace.ServingBucket, "")
	if err != nil {
		return nil, err
	}
	v := consoleServing{Endpoints: []consoleEndpoint{}}
	now := t.Now()
	for _, n := range names {
		e, err := t.WithEndpoint(n, nil)
		if err != nil {
			return nil, err
		}
		ce := consoleEndpoint{Name: e.Name, Ready: e.State.Ready, ConfigUpdate: e.State.ConfigUpdate, Entities: []consoleEntity{}, Traffic: []TrafficShare{}, Charts: []Chart{}}
		if e.Config != nil {
			ce.ConfigVersion = e.Config.ConfigVersion
			ce.Entities, ce.Traffic = consoleSplit(*e.Config)
			if ac := e.Config.AutoCaptureConfig; ac != nil && ac.Enabled {
				ce.InferenceTable = workspace.UCKey(ac.CatalogName, ac.SchemaName, ac.TableNamePrefix+workspace.InferenceTableSuffix)
			}
			for _, et := range workspace.EndpointTraffic(e, now) {
				ce.Requests += et.Requests
				ce.Errors4xx += et.Err4xx
				ce.Errors5xx += et.Err5xx
			}
			ce.Charts = servingCharts(e, now)
		}
		if e.PendingConfig != nil {
			ents, shares := consoleSplit(*e.PendingConfig)
			ce.Pending = &consolePendingSplit{Entities: ents, Traffic: shares}
		}
		v.Endpoints = append(v.Endpoints, ce)
	}
	return v, nil
}

func consoleSplit(c workspace.EndpointConfig) ([]consoleEntity, []TrafficShare) {
	ents := []consoleEntity{}
	for _, se := range c.ServedEntities {
		ce := consoleEntity{Name: se.Name, EntityName: se.EntityName, Version: se.EntityVersion, WorkloadSize: se.WorkloadSize, ScaleToZero: se.ScaleToZeroEnabled}
		if se.State != nil {
			ce.Deployment, ce.Message = se.State.Deployment, se.State.DeploymentStateMessage
		}
		ents = append(ents, ce)
	}
	shares := []TrafficShare{}
	if c.TrafficConfig != nil {
		for _, rt := range c.TrafficConfig.Routes {
			shares = append(shares, TrafficShare{Name: cmpOr(rt.ServedEntityName, rt.ServedModelName), Percent: rt.TrafficPercentage})
		}
	}
	return ents, shares
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// servingCharts are the request rate per served entity and the error rate
// since the active config went live, from the same traffic model as the
// endpoint's metrics export.
func servingCharts(e workspace.ServingEndpoint, now time.Time) []Chart {
	start := time.UnixMilli(e.ServingSince)
	if e.ServingSince == 0 || !now.After(start) {
		return []Chart{}
	}
	const source = "the endpoint's metrics export (GET /api/2.0/serving-endpoints/{name}/metrics)"
	rate := Chart{Title: "Request rate", Unit: "requests/min", Source: source}
	errs := Chart{Title: "Error rate", Unit: "% of requests (4xx + 5xx)", Source: source, Series: []ChartSeries{{Name: "all entities"}}}
	step := now.Sub(start) / servingChartPoints
	prev := workspace.EndpointTraffic(e, start)
	for _, et := range prev {
		rate.Series = append(rate.Series, ChartSeries{Name: et.Entity.Name})
	}
	for i := 1; i <= servingChartPoints; i++ {
		at := start.Add(step * time.Duration(i))
		cur := workspace.EndpointTraffic(e, at)
		var dReq float64
		for j := range cur {
			d := cur[j].Expected - prev[j].Expected
			dReq += d
			rate.Series[j].Points = append(rate.Series[j].Points, ChartPoint{T: at.UnixMilli(), V: workspace.Round4(d / step.Minutes())})
		}
		pct := 0.0
		if dReq > 0 {
			pct = workspace.Round4(100 * workspace.EndpointErrorShare)
		}
		errs.Series[0].Points = append(errs.Series[0].Points, ChartPoint{T: at.UnixMilli(), V: pct})
		prev = cur
	}
	return []Chart{rate, errs}
}

// --- Monitoring ---

type consoleMonitoring struct {
	Monitors []consoleMonitor `json:"monitors"`
	// Thresholds are where the console flags a column as drifting.
	Thresholds []consoleThreshold `json:"thresholds"`
}

type consoleThreshold struct {
	Statistic string  `json:"statistic"`
	Above     float64 `json:"above"`
}

type consoleMonitor struct {
	Table        string                     `json:"table_name"`
	Status       string                     `json:"status"`
	ProfileType  string                     `json:"profile_type"`
	Schedule     *workspace.MonitorSchedule `json:"schedule,omitempty"`
	Baseline     string                     `json:"baseline_table_name,omitempty"`
	DriftTable   string                     `json:"drift_metrics_table_name"`
	ProfileTable string                     `json:"profile_metrics_table_name"`
	Refreshes    []workspace.RefreshInfo    `json:"refreshes"`
	Latest       []consoleColumnDrift       `json:"latest_drift"`
	Charts       []Chart                    `json:"charts"`
}

type consoleColumnDrift struct {
	Column string `json:"column_name"`
	workspace.ColumnDrift
	// Drifting names the statistics above their threshold.
	Drifting []string `json:"drifting,omitempty"`
}

// consoleDriftStats are the drift statistics the console charts, with the
// threshold it flags: a population stability index above 0.2 is the usual
// mark of a significant shift, and the Jensen–Shannon distance is held to
// the same bar.
var consoleDriftStats = []struct {
	name      string
	threshold float64
	value     func(workspace.ColumnDrift) float64
}{
	{"js_distance", 0.2, func(d workspace.ColumnDrift) float64 { return d.JSDistance }},
	{"population_stability_index", 0.2, func(d workspace.ColumnDrift) float64 { return d.PopulationStabilityIndex }},
}

func (s *console) consoleMonitoring(r *http.Request) (any, error) {
	t, err := s.consoleTarget(r)
	if err != nil {
		return nil, err
	}
	v := consoleMonitoring{Monitors: []consoleMonitor{}}
	for _, st := range consoleDriftStats {
		v.Thresholds = append(v.Thresholds, consoleThreshold{Statistic: st.name, Above: st.threshold})
	}
	tables, err := core.KeysOf(t.Store(), workspace.MonitorsBucket, "")
	if err != nil {
		return nil, err
	}
	now := t.Now()
	for _, table := range tables {
		m, err := t.WithMonitor(table, nil)
		if err != nil {
			return nil, err
		}
		refreshes, err := workspace.UCList[workspace.MonitorRefresh](t.Service, workspace.MonitorRefreshBucket, table+"/")
		if err != nil {
			return nil, err
		}
		cm := consoleMonitor{
			Table: m.TableName, Status: m.Status, ProfileType: workspace.ProfileType(m.MonitorSettings), Schedule: m.Schedule,
			Baseline: m.BaselineTableName, DriftTable: m.DriftMetricsTableName, ProfileTable: m.ProfileMetricsTableName,
			Refreshes: []workspace.RefreshInfo{}, Latest: []consoleColumnDrift{}, Charts: []Chart{},
		}
		series := make([]map[string]*ChartSeries, len(consoleDriftStats))
		var columns []string
		for i := range series {
			series[i] = map[string]*ChartSeries{}
		}
		for _, ref := range refreshes {
			info := ref.Info(now)
			cm.Refreshes = append(cm.Refreshes, info)
			if info.State != workspace.RefreshSuccess {
				continue
			}
			cm.Latest = cm.Latest[:0]
			for _, row := range ref.Drift {
				cd := consoleColumnDrift{Column: row.ColumnName, ColumnDrift: row.ColumnDrift}
				for i, st := range consoleDriftStats {
					ser, ok := series[i][row.ColumnName]
					if !ok {
						ser = &ChartSeries{Name: row.ColumnName}
						series[i][row.ColumnName] = ser
						if i == 0 {
							columns = append(columns, row.ColumnName)
						}
					}
					ser.Points = append(ser.Points, ChartPoint{T: info.EndTimeMs, V: st.value(row.ColumnDrift)})
					if st.value(row.ColumnDrift) > st.threshold {
						cd.Drifting = append(cd.Drifting, st.name)
					}
				}
				cm.Latest = append(cm.Latest, cd)
			}
		}
		slices.Reverse(cm.Refreshes) // newest first, as the API lists them
		for i, st := range consoleDriftStats {
			c := Chart{Title: "Drift per column: " + st.name, Source: "drift metrics of each successful refresh (" + m.DriftMetricsTableName + ")", Threshold: &consoleDriftStats[i].threshold}
			for _, col := range columns {
				c.Series = append(c.Series, *series[i][col])
			}
			cm.Charts = append(cm.Charts, c)
		}
		v.Monitors = append(v.Monitors, cm)
	}
	return v, nil
}

// --- Jobs ---

type consoleJobs struct {
	Jobs []consoleJob `json:"jobs"`
}

type consoleJob struct {
	JobID    int64                      `json:"job_id"`
	Name     string                     `json:"name"`
	Schedule *workspace.JobScheduleView `json:"schedule,omitempty"`
	Tasks    []string                   `json:"tasks"`
	Runs     []consoleJobRun            `json:"runs"`
}

type consoleJobRun struct {
	RunID      int64  `json:"run_id"`
	Trigger    string `json:"trigger"`
	State      string `json:"life_cycle_state"`
	Result     string `json:"result_state,omitempty"`
	Message    string `json:"state_message,omitempty"`
	StartTime  int64  `json:"start_time"`
	EndTime    int64  `json:"end_time,omitempty"`
	DurationMs int64  `json:"duration_ms,omitempty"`
}

// consoleRunsPerJob bounds the runs listed per job, newest first.
const consoleRunsPerJob = 20

func (s *console) consoleJobs(r *http.Request) (any, error) {
	t, err := s.consoleTarget(r)
	if err != nil {
		return nil, err
	}
	jobs, err := workspace.UCList[workspace.Job](t.Service, workspace.JobsBucket, "")
	if err != nil {
		return nil, err
	}
	runs, err := workspace.UCList[workspace.JobRun](t.Service, workspace.JobRunsBucket, "")
	if err != nil {
		return nil, err
	}
	now := t.Now()
	byJob := map[int64][]consoleJobRun{}
	for _, run := range slices.Backward(runs) {
		if len(byJob[run.JobID]) >= consoleRunsPerJob {
			continue
		}
		st := run.State(now)
		cr := consoleJobRun{RunID: run.RunID, Trigger: run.Trigger, State: st.Lifecycle, Result: st.Result, Message: st.Message, StartTime: run.StartTime, EndTime: st.EndTime}
		if st.EndTime > 0 {
			cr.DurationMs = st.EndTime - run.StartTime
		}
		byJob[run.JobID] = append(byJob[run.JobID], cr)
	}
	v := consoleJobs{Jobs: []consoleJob{}}
	for _, j := range slices.Backward(jobs) {
		settings, err := j.SettingsView()
		if err != nil {
			return nil, fmt.Errorf("reading job %d: %w", j.JobID, err)
		}
		cj := consoleJob{JobID: j.JobID, Name: settings.Name, Schedule: settings.Schedule, Tasks: []string{}, Runs: byJob[j.JobID]}
		for _, task := range settings.Tasks {
			cj.Tasks = append(cj.Tasks, task.TaskKey)
		}
		if cj.Runs == nil {
			cj.Runs = []consoleJobRun{}
		}
		v.Jobs = append(v.Jobs, cj)
	}
	return v, nil
}

// --- Promotions ---

type consolePromotions struct {
	Repos []consoleRepo `json:"repositories"`
}

type consoleRepo struct {
	FullName string `json:"full_name"`
	// Pins are the merged pins: each environment's pin file on the default
	// branch.
	Pins  []consolePinFile `json:"pins"`
	Pulls []consolePull    `json:"pull_requests"`
}

type consolePinFile struct {
	Env    string            `json:"env"`
	Models map[string]string `json:"models"`
}

type consolePull struct {
	Number     int                `json:"number"`
	Title      string             `json:"title"`
	State      string             `json:"state"`
	Author     string             `json:"author"`
	HeadRef    string             `json:"head_ref"`
	HeadSHA    string             `json:"head_sha"`
	UpdatedAt  string             `json:"updated_at"`
	PinChanges []consolePinChange `json:"pin_changes"`
	Reviews    []consoleReview    `json:"reviews"`
	Gates      []consoleGate      `json:"gates"`
}

type consolePinChange struct {
	Env    string `json:"env"`
	Model  string `json:"model"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

type consoleReview struct {
	User     string `json:"user"`
	State    string `json:"state"`
	CommitID string `json:"commit_id"`
	// Current: given on the pull request's head commit; an approval of an
	// older commit no longer counts.
	Current     bool   `json:"current"`
	SubmittedAt string `json:"submitted_at"`
}

// consoleGate is the verdict `brickops gate` recorded in its pull request
// comment, read back from that comment.
type consoleGate struct {
	Env     string `json:"env"`
	Verdict string `json:"verdict"`
	Passed  bool   `json:"passed"`
	// CheckedAt is the head the gate checked; Stale when the pull request
	// moved on since.
	CheckedAt string            `json:"checked_at"`
	Stale     bool              `json:"stale"`
	Rows      []consoleGateLine `json:"gates"`
	UpdatedAt string            `json:"updated_at"`
}

type consoleGateLine struct {
	Gate   string `json:"gate"`
	Result string `json:"result"`
	Why    string `json:"why"`
}

var (
	pinFileRE     = regexp.MustCompile(`^environments/([^/]+)/models\.auto\.tfvars\.json$`)
	gateMarkerRE  = regexp.MustCompile(`^<!-- brickops:gate-(\S+) -->`)
	gateVerdictRE = regexp.MustCompile(`(?m)^## BrickOps gate: \S+ — (.+)$`)
	gateCheckedRE = regexp.MustCompile("Checked at head `([0-9a-f]+)`")
)

func (s *console) consolePromotions(r *http.Request) (any, error) {
	v := consolePromotions{Repos: []consoleRepo{}}
	err := s.Store().View(func(tx core.Tx) error {
		repos, err := core.GetAll[github.Repo](tx, github.BucketGitHubRepos, "")
		if err != nil {
			return err
		}
		for _, repo := range repos {
			cr, err := s.consoleRepo(tx, repo)
			if err != nil {
				return err
			}
			v.Repos = append(v.Repos, cr)
		}
		return nil
	})
	return v, err
}

func (s *console) consoleRepo(tx core.Tx, repo github.Repo) (consoleRepo, error) {
	cr := consoleRepo{FullName: repo.Owner + "/" + repo.Name, Pins: []consolePinFile{}, Pulls: []consolePull{}}
	if head, err := s.gh.BranchHead(tx, repo.Owner, repo.Name, repo.DefaultBranch); err == nil {
		for _, path := range slices.Sorted(maps.Keys(head.Tree)) {
			if m := pinFileRE.FindStringSubmatch(path); m != nil {
				cr.Pins = append(cr.Pins, consolePinFile{Env: m[1], Models: pinSummaries(head.Tree[path])})
			}
		}
	}
	pulls, err := core.GetAll[github.Pull](tx, github.BucketGitHubPulls, github.RepoKey(repo.Owner, repo.Name)+"#")
	if err != nil {
		return cr, err
	}
	comments, err := core.GetAll[github.Comment](tx, github.BucketGitHubComments, github.RepoKey(repo.Owner, repo.Name)+"/")
	if err != nil {
		return cr, err
	}
	for _, p := range slices.Backward(pulls) {
		cp := consolePull{Number: p.Number, Title: p.Title, State: p.State, Author: p.User, HeadRef: p.HeadRef, HeadSHA: p.HeadSHA,
			UpdatedAt: p.UpdatedAt, PinChanges: []consolePinChange{}, Reviews: []consoleReview{}, Gates: []consoleGate{}}
		if p.MergedSHA != "" {
			cp.State = "merged"
		}
		// A pull request seeded with made-up commits has no trees: it
		// then changes no pins.
		base, _ := s.gh.Commit(tx, repo.Owner, repo.Name, p.BaseSHA)
		head, _ := s.gh.Commit(tx, repo.Owner, repo.Name, p.HeadSHA)
		cp.PinChanges = pinChanges(base.Tree, head.Tree)
		reviews, err := core.GetAll[github.Review](tx, github.BucketGitHubReviews, github.PullKey(repo.Owner, repo.Name, p.Number)+"/")
		if err != nil {
			return cr, err
		}
		latest := map[string]github.Review{}
		for _, rv := range reviews {
			latest[strings.ToLower(rv.User)] = rv
		}
		for _, k := range slices.Sorted(maps.Keys(latest)) {
			rv := latest[k]
			cp.Reviews = append(cp.Reviews, consoleReview{User: rv.User, State: rv.State, CommitID: rv.CommitID, Current: rv.CommitID == p.HeadSHA, SubmittedAt: rv.SubmittedAt})
		}
		for _, c := range comments {
			if c.Issue != p.Number {
				continue
			}
			if g, ok := parseGateComment(c.Body); ok {
				g.Stale = g.CheckedAt != "" && !strings.HasPrefix(p.HeadSHA, g.CheckedAt)
				g.UpdatedAt = c.UpdatedAt
				cp.Gates = append(cp.Gates, g)
			}
		}
		cr.Pulls = append(cr.Pulls, cp)
	}
	return cr, nil
}

// pinSummaries renders each model's pin of a pin file compactly; an
// unreadable file is shown as such rather than hidden.
func pinSummaries(raw string) map[string]string {
	var f struct {
		Models map[string]json.RawMessage `json:"models"`
	}
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return map[string]string{"(unreadable)": err.Error()}
	}
	out := map[string]string{}
	for name, pin := range f.Models {
		var v any
		if json.Unmarshal(pin, &v) == nil {
			b, _ := json.Marshal(v) // sorted keys, no spaces
			out[name] = string(b)
		}
	}
	return out
}

// pinChanges compares the pin files of two trees, model by model.
func pinChanges(base, head map[string]string) []consolePinChange {
	out := []consolePinChange{}
	paths := map[string]bool{}
	for p := range base {
		paths[p] = true
	}
	for p := range head {
		paths[p] = true
	}
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		m := pinFileRE.FindStringSubmatch(path)
		if m == nil || base[path] == head[path] {
			continue
		}
		before, after := pinSummaries(base[path]), pinSummaries(head[path])
		if base[path] == "" {
			before = map[string]string{}
		}
		if head[path] == "" {
			after = map[string]string{}
		}
		models := map[string]bool{}
		for k := range before {
			models[k] = true
		}
		for k := range after {
			models[k] = true
		}
		for _, model := range slices.Sorted(maps.Keys(models)) {
			if before[model] != after[model] {
				out = append(out, consolePinChange{Env: m[1], Model: model, Before: before[model], After: after[model]})
			}
		}
	}
	return out
}

// parseGateComment reads the verdict `brickops gate` wrote (the comment's
// marker names the environment; internal/promote's GateReport.Markdown
// writes the heading, the head it checked and one table row per gate).
func parseGateComment(body string) (consoleGate, bool) {
	m := gateMarkerRE.FindStringSubmatch(body)
	if m == nil {
		return consoleGate{}, false
	}
	g := consoleGate{Env: m[1], Rows: []consoleGateLine{}}
	if v := gateVerdictRE.FindStringSubmatch(body); v != nil {
		g.Passed = strings.HasPrefix(v[1], "✅")
		g.Verdict = plainMark(v[1])
	}
	if c := gateCheckedRE.FindStringSubmatch(body); c != nil {
		g.CheckedAt = c[1]
	}
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Gate |") {
			continue
		}
		cells := splitTableRow(line)
		if len(cells) == 3 {
			g.Rows = append(g.Rows, consoleGateLine{Gate: strings.ReplaceAll(cells[0], "`", ""), Result: plainMark(cells[1]), Why: cells[2]})
		}
	}
	return g, true
}

// plainMark drops the emoji a gate comment leads its verdicts with ("✅
// pass" is "pass"): the console says it in words and colour.
func plainMark(s string) string {
	return strings.TrimSpace(strings.TrimLeftFunc(s, func(r rune) bool { return r > 0x2000 || r == ' ' || r == 0xFE0F }))
}

// splitTableRow splits a markdown table row on unescaped pipes.
func splitTableRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// --- Requests ---

type consoleRequests struct {
	Filter  consoleRequestFilter   `json:"filter"`
	Total   int                    `json:"total"`
	Entries []core.RequestLogEntry `json:"requests"`
	Faults  []core.FaultRule       `json:"faults"`
}

// consoleRequestFilter narrows the request log: method (exact), path (a
// substring), status (an exact code or a class such as 4xx) and, with
// faults, only requests a fault was injected into.
type consoleRequestFilter struct {
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	Status string `json:"status,omitempty"`
	Faults bool   `json:"faults,omitempty"`
}

// consoleRequestLimit bounds the entries a page lists, newest first.
const consoleRequestLimit = 200

var statusFilterRE = regexp.MustCompile(`^([1-5])(xx|\d\d)$`)

func (f consoleRequestFilter) matches(e core.RequestLogEntry) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, e.Method) {
		return false
	}
	if f.Path != "" && !strings.Contains(e.Path, f.Path) {
		return false
	}
	if f.Faults && e.Fault == "" {
		return false
	}
	if m := statusFilterRE.FindStringSubmatch(strings.ToLower(f.Status)); m != nil {
		if m[2] == "xx" {
			return strconv.Itoa(e.Status/100) == m[1]
		}
		return strconv.Itoa(e.Status) == f.Status
	}
	return true
}

func (s *console) consoleRequests(r *http.Request) (any, error) {
	t, err := s.consoleTarget(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := consoleRequestFilter{Method: strings.ToUpper(strings.TrimSpace(q.Get("method"))), Path: strings.TrimSpace(q.Get("path")), Status: strings.TrimSpace(q.Get("status")), Faults: q.Get("faults") != ""}
	if f.Status != "" && !statusFilterRE.MatchString(strings.ToLower(f.Status)) {
		return nil, core.InvalidParam("Invalid status filter %q: give a status such as 404 or a class such as 5xx.", f.Status)
	}
	v := consoleRequests{Filter: f, Entries: []core.RequestLogEntry{}, Faults: t.Faults().Rules}
	all := t.RecentRequests().Since(0, "")
	for _, e := range slices.Backward(all) {
		if !f.matches(e) {
			continue
		}
		v.Total++
		if len(v.Entries) < consoleRequestLimit {
			v.Entries = append(v.Entries, e)
		}
	}
	return v, nil
}
