package workspace

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/dataprofile"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/monitorrefresh"
	"github.com/brickops/terraform-provider-brickops/internal/quartz"
)

// Monitors compute, and their schedules fire.
//
// A refresh — manual (POST …/refreshes) or scheduled — reads the monitored
// table (and the baseline table) through the SQL engine and rewrites
// <output schema>.<table>_profile_metrics and _drift_metrics there
// (monitorrefresh, dataprofile), as of the refresh's start; its state then
// follows the emulator clock. A refresh that cannot read its table, or
// whose slicing expressions the engine refuses, FAILS with the reason. The
// drift rows GET /_emulator/monitors/{table}/refreshes/{id}/drift answers
// are the refresh's newest drift per column (baseline drift when the
// monitor has a baseline table), or the operator's override.
//
// A monitor's schedule (Quartz cron, time zone) starts a SCHEDULE refresh
// at each firing time, as of that time; a firing while a refresh is still
// running is skipped, as the service runs one refresh at a time.

// monitorScheduleBucket holds, per monitored table, the time up to which
// its schedule has fired (Unix ms).
const monitorScheduleBucket = "monitor_schedule_marks"

// metricColumns are a metric table's Unity Catalog columns.
func metricColumns(schema []dataprofile.SchemaColumn) []columnInfo {
	out := make([]columnInfo, len(schema))
	for i, c := range schema {
		out[i] = columnInfo{Name: c.Name, TypeName: c.TypeName(), TypeText: c.Type, Nullable: ptr(true)}
	}
	return out
}

func profileMetricsColumns() []columnInfo { return metricColumns(dataprofile.ProfileSchema()) }

func driftMetricsColumns() []columnInfo { return metricColumns(dataprofile.DriftSchema()) }

// analysis is what a refresh of m computes over table t at at.
func (m qualityMonitor) analysis(t tableInfo, at time.Time) dataprofile.Analysis {
	a := dataprofile.Analysis{SliceKeys: m.SlicingExprs, MonitorVersion: m.MonitorVersion, At: at}
	for _, c := range t.Columns {
		a.Columns = append(a.Columns, dataprofile.Column{Name: c.Name, Type: c.TypeName})
	}
	switch {
	case m.InferenceLog != nil:
		il := m.InferenceLog
		a.TimestampCol, a.Granularities = il.TimestampCol, il.Granularities
		a.ModelIDCol, a.PredictionCol, a.LabelCol, a.ProblemType = il.ModelIDCol, il.PredictionCol, il.LabelCol, il.ProblemType
	case m.TimeSeries != nil:
		a.TimestampCol, a.Granularities = m.TimeSeries.TimestampCol, m.TimeSeries.Granularities
	}
	return a
}

// computeRefresh runs refresh ref of the monitor on table and records its
// outcome: the drift rows it wrote, or why it failed.
func (s *Service) computeRefresh(ctx context.Context, table string, ref MonitorRefresh) {
	var m qualityMonitor
	var t tableInfo
	var tableFound bool
	err := s.Store().View(func(tx core.Tx) error {
		if _, err := tx.Get(MonitorsBucket, table, &m); err != nil {
			return err
		}
		var err error
		tableFound, err = tx.Get(TablesBucket, table, &t)
		return err
	})
	if err != nil {
		s.Logger().Error("reading a monitor to refresh", "table", table, "error", err)
		return
	}
	var failure string
	var drift []DriftMetricsRow
	switch {
	case !tableFound:
		failure = fmt.Sprintf("Table '%s' does not exist; the monitored table may have been dropped.", table)
	default:
		drift, err = s.refreshMetrics(ctx, m, t, time.UnixMilli(ref.StartTimeMs).UTC())
		if err != nil {
			failure = fmt.Sprintf("Refresh of the monitor for table '%s' failed: %v", table, err)
		}
	}
	err = s.Store().Update(func(tx core.Tx) error {
		var stored MonitorRefresh
		found, err := tx.Get(MonitorRefreshBucket, refreshKey(table, ref.RefreshID), &stored)
		if err != nil || !found {
			return err
		}
		stored.Failure, stored.Drift = failure, drift
		if failure == "" {
			stored.Drift = driftWithOverrides(m, t, drift)
		}
		return tx.Put(MonitorRefreshBucket, refreshKey(table, ref.RefreshID), stored)
	})
	if err != nil {
		s.Logger().Error("recording a monitor refresh", "table", table, "refresh_id", ref.RefreshID, "error", err)
	}
}

// refreshMetrics computes and writes the metric tables, and returns each
// column's newest drift.
func (s *Service) refreshMetrics(ctx context.Context, m qualityMonitor, t tableInfo, at time.Time) ([]DriftMetricsRow, error) {
	engine, err := s.tables()
	if err != nil {
		return nil, err
	}
	spec := monitorrefresh.Spec{
		Table: m.TableName, Baseline: m.BaselineTableName, Analysis: m.analysis(t, at),
		ProfileTable: m.ProfileMetricsTableName, DriftTable: m.DriftMetricsTableName,
	}
	res, err := monitorrefresh.Run(ctx, engine, spec)
	if err != nil {
		return nil, err
	}
	return newestDrift(res.Drift, m.BaselineTableName != ""), nil
}

// newestDrift is, per column, the whole-table drift of the newest window
// (of the first granularity): against the baseline when there is one.
func newestDrift(rows []dataprofile.DriftRow, baseline bool) []DriftMetricsRow {
	want := dataprofile.DriftConsecutive
	if baseline {
		want = dataprofile.DriftBaseline
	}
	newest := map[string]dataprofile.DriftRow{}
	var order []string
	for _, r := range rows {
		if r.DriftType != want || r.ModelID != nil || r.SliceKey != nil || r.ColumnName == dataprofile.TableColumn {
			continue
		}
		prev, ok := newest[r.ColumnName]
		if !ok {
			order = append(order, r.ColumnName)
		}
		if !ok || (r.Granularity != nil && prev.Granularity != nil && *r.Granularity == *prev.Granularity && r.Window.Start.After(prev.Window.Start)) {
			newest[r.ColumnName] = r
		}
	}
	out := make([]DriftMetricsRow, 0, len(order))
	for _, c := range order {
		r := newest[c]
		d := ColumnDrift{}
		if r.JSDistance != nil {
			d.JSDistance = Round4(*r.JSDistance)
		}
		if r.KSTest != nil {
			d.KSStatistic, d.KSPValue = Round4(r.KSTest.Statistic), Round4(r.KSTest.PValue)
		}
		if r.PopulationStabilityIndex != nil {
			d.PopulationStabilityIndex = Round4(*r.PopulationStabilityIndex)
		}
		if r.WassersteinDistance != nil {
			d.WassersteinDistance = Round4(*r.WassersteinDistance)
		}
		out = append(out, DriftMetricsRow{ColumnName: c, DriftType: r.DriftType, ColumnDrift: d})
	}
	return out
}

// driftWithOverrides applies the operator's drift override to the
// computed rows (adding a row for an overridden column without one).
func driftWithOverrides(m qualityMonitor, t tableInfo, computed []DriftMetricsRow) []DriftMetricsRow {
	if len(m.DriftOverride) == 0 {
		return computed
	}
	driftType := "CONSECUTIVE"
	if m.BaselineTableName != "" {
		driftType = "BASELINE"
	}
	out := slices.Clone(computed)
	for _, c := range t.Columns {
		d, ok := m.DriftOverride[c.Name]
		if !ok {
			continue
		}
		if i := slices.IndexFunc(out, func(r DriftMetricsRow) bool { return r.ColumnName == c.Name }); i >= 0 {
			out[i].ColumnDrift = d
		} else {
			out = append(out, DriftMetricsRow{ColumnName: c.Name, DriftType: driftType, ColumnDrift: d})
		}
	}
	return out
}

// --- schedules ---

type dueRefreshes struct {
	table string
	times []time.Time
}

// fireMonitorSchedules starts a SCHEDULE refresh at each firing time of
// each monitor's schedule up to now; the newest computes.
func (s *Service) fireMonitorSchedules(ctx context.Context, now time.Time) {
	var due []dueRefreshes
	err := s.Store().View(func(tx core.Tx) error {
		monitors, err := core.GetAll[qualityMonitor](tx, MonitorsBucket, "")
		if err != nil {
			return err
		}
		for _, m := range monitors {
			if times := monitorScheduleDue(tx, m, now); len(times) > 0 {
				due = append(due, dueRefreshes{m.TableName, times})
			}
		}
		return nil
	})
	if err != nil || len(due) == 0 {
		if err != nil {
			s.Logger().Error("reading monitor schedules", "error", err)
		}
		return
	}
	type started struct {
		table string
		ref   MonitorRefresh
	}
	var toCompute []started
	for _, d := range due {
		var last *MonitorRefresh
		_, err := s.WithMonitor(d.table, func(tx core.Tx, m *qualityMonitor) error {
			if err := tx.Put(monitorScheduleBucket, d.table, now.UnixMilli()); err != nil {
				return err
			}
			if m.Status != monitorStatusActive || m.Schedule == nil || m.Schedule.PauseStatus == "PAUSED" {
				return nil
			}
			existing, err := core.GetAll[MonitorRefresh](tx, MonitorRefreshBucket, d.table+"/")
			if err != nil {
				return err
			}
			for _, at := range d.times {
				if slices.ContainsFunc(existing, func(e MonitorRefresh) bool { return e.Info(at).active() }) {
					continue // one refresh at a time: this firing is skipped
				}
				ref, err := s.newRefresh(tx, d.table, at, "SCHEDULE")
				if err != nil {
					return err
				}
				existing = append(existing, ref)
				last = &ref
			}
			return nil
		})
		if err != nil {
			s.Logger().Warn("firing a monitor schedule", "table", d.table, "error", err)
			continue
		}
		if last != nil {
			toCompute = append(toCompute, started{d.table, *last})
		}
	}
	for _, st := range toCompute {
		s.computeRefresh(ctx, st.table, st.ref)
	}
}

// monitorScheduleDue lists the firing times of m's schedule after its mark
// (its creation, or the last tick that fired it) up to now.
func monitorScheduleDue(tx core.Tx, m qualityMonitor, now time.Time) []time.Time {
	if m.Schedule == nil {
		return nil
	}
	sched, err := quartz.Parse(m.Schedule.QuartzCronExpression)
	if err != nil {
		return nil
	}
	loc, err := time.LoadLocation(m.Schedule.TimezoneID)
	if err != nil {
		return nil
	}
	mark := m.CreatedAt
	if _, err := tx.Get(monitorScheduleBucket, m.TableName, &mark); err != nil || mark == 0 {
		return nil
	}
	return sched.Between(time.UnixMilli(mark).In(loc), now.In(loc), maxCatchUp)
}
