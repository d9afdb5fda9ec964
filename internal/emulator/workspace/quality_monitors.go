package workspace

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Quality monitors (Lakehouse Monitoring):
// /api/2.1/unity-catalog/tables/{table_name}/monitor[/refreshes[/{id}[/cancel]]].
// Fields and enums follow databricks-sdk-go service/catalog/model.go
// (CreateMonitor, UpdateMonitor, MonitorInfo, MonitorInferenceLog,
// MonitorTimeSeries, MonitorSnapshot, MonitorCronSchedule, MonitorMetric,
// MonitorNotifications, MonitorRefreshInfo).
//
// Lifecycle: create → MONITOR_STATUS_PENDING; after Options.AsyncDelay →
// MONITOR_STATUS_ACTIVE, when the profile and drift metric tables
// (<output schema>.<table>_profile_metrics / _drift_metrics) appear in Unity
// Catalog and the dashboard gets its id. Refreshes go PENDING → RUNNING →
// SUCCESS (a delay each), or FAILED when the monitored table is gone or
// cannot be read, or CANCELED. A refresh computes the metric tables from
// the table's data, and schedules fire (monitor_runtime.go).
//
// Drift statistics. Each refresh records, per monitored column, the newest
// drift it computed — js_distance, ks_statistic, ks_pvalue,
// population_stability_index, wasserstein_distance — unless a test sets
// them with the operator endpoint
//
//	PUT /_emulator/monitors/{table_name}/drift  {"columns": {"<col>": {"js_distance": 0.4, ...}}}
//
// and they are read back, per refresh, with
//
//	GET /_emulator/monitors/{table_name}/refreshes/{refresh_id}/drift
//
// (against a real workspace the toolkit reads the same statistics from
// <drift_metrics_table_name>, which the emulator's SQL statements API also
// serves).

const (
	MonitorsBucket        = "uc_monitors"
	MonitorRefreshBucket  = "uc_monitor_refreshes"
	monitorStatusPending  = "MONITOR_STATUS_PENDING"
	monitorStatusActive   = "MONITOR_STATUS_ACTIVE"
	refreshPending        = "PENDING"
	refreshRunning        = "RUNNING"
	RefreshSuccess        = "SUCCESS"
	refreshFailed         = "FAILED"
	refreshCanceled       = "CANCELED"
	profileMetricsSuffix  = "_profile_metrics"
	driftMetricsSuffix    = "_drift_metrics"
	maxNotificationEmails = 5
)

var (
	problemTypes      = []string{"PROBLEM_TYPE_CLASSIFICATION", "PROBLEM_TYPE_REGRESSION"}
	customMetricTypes = []string{"CUSTOM_METRIC_TYPE_AGGREGATE", "CUSTOM_METRIC_TYPE_DERIVED", "CUSTOM_METRIC_TYPE_DRIFT"}
	// The granularities monitors aggregate by (MonitorTimeSeries doc).
	granularityRE = regexp.MustCompile(`^(5 minutes|30 minutes|1 hour|1 day|[1-4] weeks?|1 month|1 year)$`)
)

type monitorInferenceLog struct {
	Granularities      []string `json:"granularities"`
	TimestampCol       string   `json:"timestamp_col"`
	ModelIDCol         string   `json:"model_id_col"`
	PredictionCol      string   `json:"prediction_col"`
	PredictionProbaCol string   `json:"prediction_proba_col,omitempty"`
	LabelCol           string   `json:"label_col,omitempty"`
	ProblemType        string   `json:"problem_type"`
}

type monitorTimeSeries struct {
	Granularities []string `json:"granularities"`
	TimestampCol  string   `json:"timestamp_col"`
}

// MonitorSchedule is a monitor's refresh schedule.
type MonitorSchedule struct {
	QuartzCronExpression string `json:"quartz_cron_expression"`
	TimezoneID           string `json:"timezone_id"`
	PauseStatus          string `json:"pause_status,omitempty"`
}

type monitorMetric struct {
	Name           string   `json:"name"`
	Definition     string   `json:"definition"`
	InputColumns   []string `json:"input_columns"`
	OutputDataType string   `json:"output_data_type"`
	Type           string   `json:"type"`
}

type monitorDestination struct {
	EmailAddresses []string `json:"email_addresses,omitempty"`
}

type monitorNotifications struct {
	OnFailure                      *monitorDestination `json:"on_failure,omitempty"`
	OnNewClassificationTagDetected *monitorDestination `json:"on_new_classification_tag_detected,omitempty"`
}

// MonitorSettings are the fields create and update accept.
type MonitorSettings struct {
	AssetsDir                string          `json:"assets_dir,omitempty"`
	BaselineTableName        string          `json:"baseline_table_name,omitempty"`
	CustomMetrics            []monitorMetric `json:"custom_metrics,omitempty"`
	DataClassificationConfig *struct {
		Enabled bool `json:"enabled,omitempty"`
	} `json:"data_classification_config,omitempty"`
	InferenceLog     *monitorInferenceLog  `json:"inference_log,omitempty"`
	TimeSeries       *monitorTimeSeries    `json:"time_series,omitempty"`
	Snapshot         *struct{}             `json:"snapshot,omitempty"`
	Notifications    *monitorNotifications `json:"notifications,omitempty"`
	OutputSchemaName string                `json:"output_schema_name"`
	Schedule         *MonitorSchedule      `json:"schedule,omitempty"`
	SlicingExprs     []string              `json:"slicing_exprs,omitempty"`
}

// ColumnDrift is one column's drift statistics in a refresh; tests set it
// through PUT /_emulator/monitors/{table_name}/drift.
type ColumnDrift struct {
	JSDistance               float64 `json:"js_distance"`
	KSStatistic              float64 `json:"ks_statistic"`
	KSPValue                 float64 `json:"ks_pvalue"`
	PopulationStabilityIndex float64 `json:"population_stability_index"`
	WassersteinDistance      float64 `json:"wasserstein_distance"`
}

// qualityMonitor is the stored document; view() is the MonitorInfo answer.
type qualityMonitor struct {
	MonitorSettings
	TableName               string `json:"table_name"`
	Status                  string `json:"status"`
	MonitorVersion          int64  `json:"monitor_version"`
	ProfileMetricsTableName string `json:"profile_metrics_table_name"`
	DriftMetricsTableName   string `json:"drift_metrics_table_name"`
	DashboardID             string `json:"dashboard_id,omitempty"`
	LatestMonitorFailureMsg string `json:"latest_monitor_failure_msg,omitempty"`
	// Emulator bookkeeping, not part of the answer.
	ActiveAt      int64                  `json:"_active_at,omitempty"`
	CreatedAt     int64                  `json:"_created_at,omitempty"`
	SkipDashboard bool                   `json:"_skip_dashboard,omitempty"`
	DriftOverride map[string]ColumnDrift `json:"_drift_override,omitempty"`
}

func (m qualityMonitor) view() qualityMonitor {
	m.ActiveAt, m.CreatedAt, m.SkipDashboard, m.DriftOverride = 0, 0, false, nil
	return m
}

// MonitorRefresh is a stored refresh; its state derives from the clock.
type MonitorRefresh struct {
	TableName   string            `json:"table_name"`
	RefreshID   int64             `json:"refresh_id"`
	StartTimeMs int64             `json:"start_time_ms"`
	Trigger     string            `json:"trigger"`
	DelayMillis int64             `json:"delay_millis"`
	Failure     string            `json:"failure,omitempty"`
	CanceledAt  int64             `json:"canceled_at,omitempty"`
	Drift       []DriftMetricsRow `json:"drift"`
}

// DriftMetricsRow is one row of the drift metrics table a refresh wrote,
// as GET /_emulator/monitors/{table_name}/refreshes/{refresh_id}/drift
// answers it.
type DriftMetricsRow struct {
	ColumnName string `json:"column_name"`
	DriftType  string `json:"drift_type"`
	ColumnDrift
}

// RefreshInfo is a monitor refresh as the API answers it.
type RefreshInfo struct {
	RefreshID   int64  `json:"refresh_id"`
	State       string `json:"state"`
	StartTimeMs int64  `json:"start_time_ms"`
	EndTimeMs   int64  `json:"end_time_ms,omitempty"`
	Message     string `json:"message,omitempty"`
	Trigger     string `json:"trigger"`
}

// Info is the refresh as the API answers it at now.
func (r MonitorRefresh) Info(now time.Time) RefreshInfo {
	at, d := now.UnixMilli(), r.DelayMillis
	out := RefreshInfo{RefreshID: r.RefreshID, StartTimeMs: r.StartTimeMs, Trigger: r.Trigger}
	switch {
	case r.CanceledAt > 0:
		out.State, out.EndTimeMs, out.Message = refreshCanceled, r.CanceledAt, "Refresh canceled by user."
	case at < r.StartTimeMs+d:
		out.State = refreshPending
	case at < r.StartTimeMs+2*d:
		out.State = refreshRunning
	case r.Failure != "":
		out.State, out.EndTimeMs, out.Message = refreshFailed, r.StartTimeMs+2*d, r.Failure
	default:
		out.State, out.EndTimeMs = RefreshSuccess, r.StartTimeMs+2*d
	}
	return out
}

func (i RefreshInfo) active() bool { return i.State == refreshPending || i.State == refreshRunning }

func monitorTableName(r *http.Request) (string, error) {
	parts, err := splitFullName("table", r.PathValue("table_name"), 3)
	if err != nil {
		return "", err
	}
	return UCKey(parts...), nil
}

func monitorNotFound(table string) error {
	return core.NotFound("Monitor for table '%s' does not exist.", table)
}

// activateMonitor completes a due PENDING → ACTIVE transition: the metric tables
// are created and the dashboard gets an id.
func (s *Service) activateMonitor(tx core.Tx, m *qualityMonitor) (bool, error) {
	if m.Status != monitorStatusPending || s.Now().UnixMilli() < m.ActiveAt {
		return false, nil
	}
	out := strings.Split(m.OutputSchemaName, ".")
	table := strings.Split(m.TableName, ".")[2]
	var monitored tableInfo
	if err := loadDoc(tx, TablesBucket, m.TableName, "Table", &monitored); err != nil {
		return false, err
	}
	if _, err := s.putDerivedTable(tx, out[0], out[1], table+profileMetricsSuffix, "Profile metrics of "+m.TableName+".",
		profileMetricsColumns(), map[string]string{"monitored_table": m.TableName}); err != nil {
		return false, err
	}
	if _, err := s.putDerivedTable(tx, out[0], out[1], table+driftMetricsSuffix, "Drift metrics of "+m.TableName+".",
		driftMetricsColumns(), map[string]string{"monitored_table": m.TableName}); err != nil {
		return false, err
	}
	if !m.SkipDashboard && m.DashboardID == "" {
		m.DashboardID = newDashboardID()
	}
	m.Status, m.ActiveAt = monitorStatusActive, 0
	return true, nil
}

func newDashboardID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// validateMonitor checks settings against the monitored table, answering
// like the service: required fields, one profile type, existing columns,
// a valid schedule.
func validateMonitor(tx core.Tx, table tableInfo, m *MonitorSettings) error {
	if err := core.RequireString("output_schema_name", m.OutputSchemaName); err != nil {
		return err
	}
	out, err := splitFullName("schema", m.OutputSchemaName, 2)
	if err != nil {
		return core.InvalidParam("Invalid output_schema_name '%s': expected the 2-level format {catalog}.{schema}.", m.OutputSchemaName)
	}
	var sc SchemaInfo
	if err := loadDoc(tx, SchemasBucket, UCKey(out...), "Schema", &sc); err != nil {
		return err
	}
	m.OutputSchemaName = UCKey(out...)
	kinds := 0
	for _, set := range []bool{m.InferenceLog != nil, m.TimeSeries != nil, m.Snapshot != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return core.InvalidParam("Exactly one of inference_log, time_series and snapshot must be specified, got %d.", kinds)
	}
	column := func(field, name string, required bool) error {
		if name == "" {
			if required {
				return core.InvalidParam("Missing required field: %s", field)
			}
			return nil
		}
		if _, ok := table.column(name); !ok {
			return core.InvalidParam("%s '%s' is not a column of table '%s'. Columns: %s.", field, name, table.FullName, strings.Join(columnNames(table), ", "))
		}
		return nil
	}
	granularities := func(field string, gs []string) error {
		if len(gs) == 0 {
			return core.InvalidParam("Missing required field: %s", field)
		}
		for _, g := range gs {
			if !granularityRE.MatchString(g) {
				return core.InvalidParam("Invalid granularity '%s' in %s. Supported: \"5 minutes\", \"30 minutes\", \"1 hour\", \"1 day\", \"<n> week(s)\", \"1 month\", \"1 year\".", g, field)
			}
		}
		return nil
	}
	if il := m.InferenceLog; il != nil {
		if err := granularities("inference_log.granularities", il.Granularities); err != nil {
			return err
		}
		for _, c := range []struct {
			field, name string
			required    bool
		}{
			{"inference_log.timestamp_col", il.TimestampCol, true}, {"inference_log.model_id_col", il.ModelIDCol, true},
			{"inference_log.prediction_col", il.PredictionCol, true}, {"inference_log.label_col", il.LabelCol, false},
			{"inference_log.prediction_proba_col", il.PredictionProbaCol, false},
		} {
			if err := column(c.field, c.name, c.required); err != nil {
				return err
			}
		}
		if !slices.Contains(problemTypes, il.ProblemType) {
			return core.InvalidParam("Invalid inference_log.problem_type '%s'. Valid values: %s.", il.ProblemType, strings.Join(problemTypes, ", "))
		}
	}
	if ts := m.TimeSeries; ts != nil {
		if err := granularities("time_series.granularities", ts.Granularities); err != nil {
			return err
		}
		if err := column("time_series.timestamp_col", ts.TimestampCol, true); err != nil {
			return err
		}
	}
	if sch := m.Schedule; sch != nil {
		if err := core.RequireString("schedule.quartz_cron_expression", sch.QuartzCronExpression); err != nil {
			return err
		}
		if err := validateQuartzCron(sch.QuartzCronExpression); err != nil {
			return core.InvalidParam("Invalid schedule.quartz_cron_expression '%s': %v.", sch.QuartzCronExpression, err)
		}
		if err := validateTimezone(sch.TimezoneID); err != nil {
			return core.InvalidParam("Invalid schedule.timezone_id: %v.", err)
		}
		// pause_status is read-only: a new schedule is active.
		sch.PauseStatus = "UNPAUSED"
	}
	seen := map[string]bool{}
	for i, cm := range m.CustomMetrics {
		for field, v := range map[string]string{"name": cm.Name, "definition": cm.Definition, "output_data_type": cm.OutputDataType} {
			if err := core.RequireString(fmt.Sprintf("custom_metrics[%d].%s", i, field), v); err != nil {
				return err
			}
		}
		if !slices.Contains(customMetricTypes, cm.Type) {
			return core.InvalidParam("Invalid custom_metrics[%d].type '%s'. Valid values: %s.", i, cm.Type, strings.Join(customMetricTypes, ", "))
		}
		if len(cm.InputColumns) == 0 {
			return core.InvalidParam("Missing required field: custom_metrics[%d].input_columns", i)
		}
		for _, c := range cm.InputColumns {
			if c != ":table" {
				if err := column(fmt.Sprintf("custom_metrics[%d].input_columns", i), c, true); err != nil {
					return err
				}
			}
		}
		if seen[cm.Name] {
			return core.InvalidParam("Duplicate custom metric name '%s'.", cm.Name)
		}
		seen[cm.Name] = true
	}
	if n := m.Notifications; n != nil {
		for _, d := range []*monitorDestination{n.OnFailure, n.OnNewClassificationTagDetected} {
			if d != nil && len(d.EmailAddresses) > maxNotificationEmails {
				return core.InvalidParam("A notification supports at most %d email addresses, got %d.", maxNotificationEmails, len(d.EmailAddresses))
			}
		}
	}
	if b := m.BaselineTableName; b != "" {
		parts, err := splitFullName("table", b, 3)
		if err != nil {
			return err
		}
		if err := loadDoc(tx, TablesBucket, UCKey(parts...), "Table", &tableInfo{}); err != nil {
			return err
		}
	}
	return nil
}

func columnNames(t tableInfo) []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

func (s *Service) createQualityMonitor(r *http.Request) (any, error) {
	table, err := monitorTableName(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		MonitorSettings
		SkipBuiltinDashboard bool   `json:"skip_builtin_dashboard"`
		WarehouseID          string `json:"warehouse_id"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("assets_dir", req.AssetsDir); err != nil {
		return nil, err
	}
	var m qualityMonitor
	err = s.Store().Update(func(tx core.Tx) error {
		var t tableInfo
		if err := loadDoc(tx, TablesBucket, table, "Table", &t); err != nil {
			return err
		}
		if err := mustNotExist(tx, MonitorsBucket, table, "Monitor for table"); err != nil {
			return err
		}
		settings := req.MonitorSettings
		if err := validateMonitor(tx, t, &settings); err != nil {
			return err
		}
		name := strings.Split(table, ".")[2]
		m = qualityMonitor{
			MonitorSettings: settings, TableName: table, Status: monitorStatusPending, MonitorVersion: 1,
			ProfileMetricsTableName: settings.OutputSchemaName + "." + name + profileMetricsSuffix,
			DriftMetricsTableName:   settings.OutputSchemaName + "." + name + driftMetricsSuffix,
			ActiveAt:                s.Now().Add(s.Options().AsyncDelay).UnixMilli(), SkipDashboard: req.SkipBuiltinDashboard,
			CreatedAt: s.Now().UnixMilli(),
		}
		return tx.Put(MonitorsBucket, table, m)
	})
	if err != nil {
		return nil, err
	}
	return m.view(), nil
}

// WithMonitor loads the monitor of table in a write transaction, applies a
// due activation and fn (nil to only read), and stores the result.
func (s *Service) WithMonitor(table string, fn func(tx core.Tx, m *qualityMonitor) error) (qualityMonitor, error) {
	var m qualityMonitor
	err := s.Store().Update(func(tx core.Tx) error {
		found, err := tx.Get(MonitorsBucket, table, &m)
		if err != nil {
			return err
		}
		if !found {
			return monitorNotFound(table)
		}
		changed, err := s.activateMonitor(tx, &m)
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(tx, &m); err != nil {
				return err
			}
			changed = true
		}
		if !changed {
			return nil
		}
		return tx.Put(MonitorsBucket, table, m)
	})
	return m, err
}

func (s *Service) getQualityMonitor(r *http.Request) (any, error) {
	table, err := monitorTableName(r)
	if err != nil {
		return nil, err
	}
	m, err := s.WithMonitor(table, nil)
	if err != nil {
		return nil, err
	}
	return m.view(), nil
}

// updateQualityMonitor replaces the updatable settings; the profile type
// cannot change.
func (s *Service) updateQualityMonitor(r *http.Request) (any, error) {
	table, err := monitorTableName(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		MonitorSettings
		DashboardID string `json:"dashboard_id"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	m, err := s.WithMonitor(table, func(tx core.Tx, m *qualityMonitor) error {
		var t tableInfo
		if err := loadDoc(tx, TablesBucket, table, "Table", &t); err != nil {
			return err
		}
		settings := req.MonitorSettings
		settings.AssetsDir = m.AssetsDir // Update:IGN
		if err := validateMonitor(tx, t, &settings); err != nil {
			return err
		}
		if ProfileType(settings) != ProfileType(m.MonitorSettings) {
			return core.InvalidParam("The profile type of a monitor cannot change (it is %s, the update asks for %s); delete and recreate the monitor.", ProfileType(m.MonitorSettings), ProfileType(settings))
		}
		if settings.OutputSchemaName != m.OutputSchemaName {
			return core.InvalidParam("output_schema_name cannot change (it is '%s').", m.OutputSchemaName)
		}
		m.MonitorSettings = settings
		if req.DashboardID != "" {
			m.DashboardID = req.DashboardID
		}
		m.MonitorVersion++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m.view(), nil
}

// ProfileType names the monitor's profile (snapshot, time series, inference log).
func ProfileType(m MonitorSettings) string {
	switch {
	case m.InferenceLog != nil:
		return "inference_log"
	case m.TimeSeries != nil:
		return "time_series"
	default:
		return "snapshot"
	}
}

// deleteQualityMonitor removes the monitor; as on the real service its
// metric tables and dashboard stay.
func (s *Service) deleteQualityMonitor(r *http.Request) (any, error) {
	table, err := monitorTableName(r)
	if err != nil {
		return nil, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		var probe map[string]any
		found, err := tx.Get(MonitorsBucket, table, &probe)
		if err != nil {
			return err
		}
		if !found {
			return monitorNotFound(table)
		}
		if err := deleteUnder(tx, MonitorRefreshBucket, table+"/"); err != nil {
			return err
		}
		return tx.Delete(MonitorsBucket, table)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func refreshKey(table string, id int64) string { return fmt.Sprintf("%s/%020d", table, id) }

// runMonitorRefresh queues a refresh of an ACTIVE monitor; one refresh at
// a time. It computes before answering (monitor_runtime.go).
func (s *Service) runMonitorRefresh(r *http.Request) (any, error) {
	table, err := monitorTableName(r)
	if err != nil {
		return nil, err
	}
	var ref MonitorRefresh
	_, err = s.WithMonitor(table, func(tx core.Tx, m *qualityMonitor) error {
		if m.Status != monitorStatusActive {
			return core.InvalidState("Monitor for table '%s' is %s; a refresh needs an active monitor.", table, m.Status)
		}
		existing, err := core.GetAll[MonitorRefresh](tx, MonitorRefreshBucket, table+"/")
		if err != nil {
			return err
		}
		now := s.Now()
		for _, e := range existing {
			if e.Info(now).active() {
				return core.APIErr(http.StatusConflict, core.CodeResourceConflict, "Refresh %d of the monitor for table '%s' is still %s; wait for it or cancel it.", e.RefreshID, table, e.Info(now).State)
			}
		}
		ref, err = s.newRefresh(tx, table, now, "MANUAL")
		return err
	})
	if err != nil {
		return nil, err
	}
	s.computeRefresh(context.WithoutCancel(r.Context()), table, ref)
	return ref.Info(s.Now()), nil
}

// newRefresh stores a refresh of the monitor on table started at at.
func (s *Service) newRefresh(tx core.Tx, table string, at time.Time, trigger string) (MonitorRefresh, error) {
	id, err := tx.NextSeq(MonitorRefreshBucket)
	if err != nil {
		return MonitorRefresh{}, err
	}
	ref := MonitorRefresh{TableName: table, RefreshID: int64(id), StartTimeMs: at.UnixMilli(), Trigger: trigger, DelayMillis: s.Options().AsyncDelay.Milliseconds()}
	return ref, tx.Put(MonitorRefreshBucket, refreshKey(table, ref.RefreshID), ref)
}

// Round4 rounds a metric to four decimals, as the metric tables store it.
func Round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func (s *Service) loadRefresh(r *http.Request) (string, MonitorRefresh, error) {
	var ref MonitorRefresh
	table, err := monitorTableName(r)
	if err != nil {
		return "", ref, err
	}
	id, err := strconv.ParseInt(r.PathValue("refresh_id"), 10, 64)
	if err != nil {
		return "", ref, core.InvalidParam("Invalid refresh_id '%s'.", r.PathValue("refresh_id"))
	}
	if _, err := s.WithMonitor(table, nil); err != nil {
		return "", ref, err
	}
	err = s.Store().View(func(tx core.Tx) error {
		found, err := tx.Get(MonitorRefreshBucket, refreshKey(table, id), &ref)
		if err != nil {
			return err
		}
		if !found {
			return core.NotFound("Refresh %d of the monitor for table '%s' does not exist.", id, table)
		}
		return nil
	})
	return table, ref, err
}

func (s *Service) getMonitorRefresh(r *http.Request) (any, error) {
	_, ref, err := s.loadRefresh(r)
	if err != nil {
		return nil, err
	}
	return ref.Info(s.Now()), nil
}

// listMonitorRefreshes answers the most recent refreshes first (at most 25).
func (s *Service) listMonitorRefreshes(r *http.Request) (any, error) {
	table, err := monitorTableName(r)
	if err != nil {
		return nil, err
	}
	if _, err := s.WithMonitor(table, nil); err != nil {
		return nil, err
	}
	all, err := UCList[MonitorRefresh](s, MonitorRefreshBucket, table+"/")
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := []RefreshInfo{}
	for i := len(all) - 1; i >= 0 && len(out) < 25; i-- {
		out = append(out, all[i].Info(now))
	}
	return map[string]any{"refreshes": out}, nil
}

func (s *Service) cancelMonitorRefresh(r *http.Request) (any, error) {
	table, ref, err := s.loadRefresh(r)
	if err != nil {
		return nil, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		if info := ref.Info(s.Now()); !info.active() {
			return core.InvalidState("Refresh %d of the monitor for table '%s' is %s and cannot be canceled.", ref.RefreshID, table, info.State)
		}
		ref.CanceledAt = s.Now().UnixMilli()
		return tx.Put(MonitorRefreshBucket, refreshKey(table, ref.RefreshID), ref)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// --- operator endpoints: drift statistics ---

// setMonitorDrift sets the drift statistics the monitor's next refreshes
// record for the given columns (a test hook; not part of any real API).
func (s *Service) setMonitorDrift(r *http.Request) (any, error) {
	table, err := monitorTableName(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		Columns map[string]ColumnDrift `json:"columns"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	m, err := s.WithMonitor(table, func(tx core.Tx, m *qualityMonitor) error {
		var t tableInfo
		if err := loadDoc(tx, TablesBucket, table, "Table", &t); err != nil {
			return err
		}
		for _, c := range slices.Sorted(maps.Keys(req.Columns)) {
			if _, ok := t.column(c); !ok {
				return core.InvalidParam("'%s' is not a column of table '%s'.", c, table)
			}
		}
		m.DriftOverride = req.Columns
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"columns": m.DriftOverride}, nil
}

// getRefreshDrift answers the drift metrics rows a refresh recorded; they
// are there once the refresh succeeded.
func (s *Service) getRefreshDrift(r *http.Request) (any, error) {
	table, ref, err := s.loadRefresh(r)
	if err != nil {
		return nil, err
	}
	info := ref.Info(s.Now())
	if info.State != RefreshSuccess {
		return nil, core.InvalidState("Refresh %d of the monitor for table '%s' is %s; drift metrics exist once it succeeded.", ref.RefreshID, table, info.State)
	}
	return map[string]any{"table_name": table, "refresh_id": ref.RefreshID, "state": info.State, "drift_metrics": ref.Drift}, nil
}
