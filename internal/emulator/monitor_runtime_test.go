//lint:file-ignore SA1019 Monitors are managed through the Unity Catalog quality monitors API the emulator serves (see quality_monitors_test.go).

package emulator_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/sql"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// logPredictions writes an hourly inference log for days days to
// dev.ml.predictions, starting at day0; on the last day predictions are 10
// higher than the labels (a model gone wrong).
func logPredictions(t *testing.T, emu *emulatortest.Emulator, day0 time.Time, days int) {
	t.Helper()
	var rows []tabledata.Row
	for d := range days {
		for h := range 24 {
			label := float64(h % 6)
			pred := label
			if d == days-1 {
				pred += 10
			}
			rows = append(rows, tabledata.Row{
				"ts": day0.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour), "model_version": "1",
				"prediction": pred, "label": label, "region": []string{"eu", "us"}[h%2],
			})
		}
	}
	engine := tableEngine(t, emu)
	columns := []tabledata.Column{{Name: "ts", TypeText: "timestamp"}, {Name: "model_version", TypeText: "string"},
		{Name: "prediction", TypeText: "double"}, {Name: "label", TypeText: "double"}, {Name: "region", TypeText: "string"}}
	if err := engine.CreateTable(context.Background(), "dev.ml.predictions", columns); err != nil {
		t.Fatal(err)
	}
	if err := engine.Insert(context.Background(), "dev.ml.predictions", rows); err != nil {
		t.Fatal(err)
	}
}

func TestQualityMonitors_refreshComputesMetricTables(t *testing.T) {
	t.Parallel()
	clock := emulatortest.NewClock() // 2026-03-01 12:00 UTC
	emu := emulatortest.Start(t, emulatortest.WithClock(clock.Now))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreatePredictionsTable(t, w)
	logPredictions(t, emu, time.Date(2026, 2, 26, 0, 0, 0, 0, time.UTC), 3)
	spec := inferenceMonitor()
	spec.InferenceLog.Granularities = []string{"1 day"}
	if _, err := w.QualityMonitors.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	m, err := w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: "dev.ml.predictions"})
	if err != nil || m.Status != catalog.MonitorInfoStatusMonitorStatusActive {
		t.Fatalf("monitor: %+v, %v", m, err)
	}
	profile, err := w.Tables.GetByFullName(ctx, m.ProfileMetricsTableName)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(profile.Columns))
	for i, c := range profile.Columns {
		names[i] = c.Name
	}
	for _, want := range []string{"window", "log_type", "granularity", "model_id", "slice_key", "slice_value", "column_name", "count", "quantiles", "mean_squared_error"} {
		if !slices.Contains(names, want) {
			t.Errorf("profile metrics table lacks column %s: %v", want, names)
		}
	}

	ref, err := w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: "dev.ml.predictions"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.QualityMonitors.GetRefresh(ctx, catalog.GetRefreshRequest{TableName: "dev.ml.predictions", RefreshId: ref.RefreshId})
	if err != nil || got.State != catalog.MonitorRefreshInfoStateSuccess {
		t.Fatalf("refresh: %+v, %v", got, err)
	}
	drift := emu.RefreshDrift(t, "dev.ml.predictions", ref.RefreshId)
	byColumn := map[string]emulator.ColumnDrift{}
	for _, d := range drift {
		byColumn[d.ColumnName] = d.ColumnDrift
	}
	// The last day's predictions moved by 10: KS statistic 1; labels did not.
	if p := byColumn["prediction"]; p.KSStatistic != 1 || p.WassersteinDistance != 10 || p.KSPValue > 0.001 {
		t.Errorf("prediction drift %+v", p)
	}
	if l := byColumn["label"]; l.KSStatistic != 0 || l.KSPValue != 1 {
		t.Errorf("label drift %+v", l)
	}
	// The metric tables read through the SQL Statement Execution API.
	wh, err := w.Warehouses.Create(ctx, sql.CreateWarehouseRequest{Name: "monitoring", ClusterSize: "2X-Small"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.StatementExecution.ExecuteAndWait(ctx, sql.ExecuteStatementRequest{WarehouseId: wh.Id, Catalog: "dev", Schema: "monitoring",
		Statement: `SELECT get_json_object(window, '$.start') AS day, mean_squared_error FROM predictions_profile_metrics
			WHERE column_name = ':table' AND model_id IS NULL AND slice_key IS NULL ORDER BY day`})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Result.DataArray); got != "[[2026-02-26T00:00:00.000Z 0.0] [2026-02-27T00:00:00.000Z 0.0] [2026-02-28T00:00:00.000Z 100.0]]" {
		t.Errorf("model quality per day: %s", got)
	}

	// The daily 06:00 schedule fires once in the next day, as of 06:00.
	emu.AdvanceClock(t, "24h")
	list, err := w.QualityMonitors.ListRefreshes(ctx, catalog.ListRefreshesRequest{TableName: "dev.ml.predictions"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Refreshes) != 2 || list.Refreshes[0].Trigger != catalog.MonitorRefreshInfoTriggerSchedule ||
		list.Refreshes[0].StartTimeMs != time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC).UnixMilli() || list.Refreshes[0].State != catalog.MonitorRefreshInfoStateSuccess {
		t.Errorf("refreshes after a day: %+v", list.Refreshes)
	}
}

func TestQualityMonitors_refreshFailsOnABadSlice(t *testing.T) {
	t.Parallel()
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreatePredictionsTable(t, w)
	logPredictions(t, emu, time.Date(2026, 2, 26, 0, 0, 0, 0, time.UTC), 1)
	spec := inferenceMonitor()
	spec.SlicingExprs = []string{"region IN ("}
	if _, err := w.QualityMonitors.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if _, err := w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: "dev.ml.predictions"}); err != nil {
		t.Fatal(err)
	}
	ref, err := w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: "dev.ml.predictions"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.QualityMonitors.GetRefresh(ctx, catalog.GetRefreshRequest{TableName: "dev.ml.predictions", RefreshId: ref.RefreshId})
	if err != nil || got.State != catalog.MonitorRefreshInfoStateFailed || !strings.Contains(got.Message, "slicing_exprs") {
		t.Fatalf("refresh with a bad slicing expression: %+v, %v", got, err)
	}
}

// tableEngine is the emulator's table data engine, where tests put rows
// as a pipeline would.
func tableEngine(t *testing.T, emu *emulatortest.Emulator) *tabledata.Engine {
	t.Helper()
	engine, err := emu.Server.TableData()
	if err != nil {
		t.Fatal(err)
	}
	return engine
}
