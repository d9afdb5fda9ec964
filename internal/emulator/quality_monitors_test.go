package emulator_test

//lint:file-ignore SA1019 Monitors are managed through the Unity Catalog quality monitors API (/api/2.1/unity-catalog/tables/{table}/monitor), which the emulator serves; moving to the data-quality v1 API is a separate change.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// mustCreatePredictionsTable makes dev.ml.predictions, a table of scored
// requests a monitor can watch.
func mustCreatePredictionsTable(t *testing.T, w *databricks.WorkspaceClient) {
	t.Helper()
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "churn")
	if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "dev", Name: "monitoring"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Tables.Create(ctx, catalog.CreateTableRequest{
		CatalogName: "dev", SchemaName: "ml", Name: "predictions", TableType: catalog.TableTypeManaged, DataSourceFormat: catalog.DataSourceFormatDelta,
		Columns: []catalog.ColumnInfo{
			{Name: "ts", TypeName: catalog.ColumnTypeNameTimestamp}, {Name: "model_version", TypeName: catalog.ColumnTypeNameString},
			{Name: "prediction", TypeName: catalog.ColumnTypeNameDouble}, {Name: "label", TypeName: catalog.ColumnTypeNameDouble},
			{Name: "region", TypeName: catalog.ColumnTypeNameString},
		},
	}); err != nil {
		t.Fatal(err)
	}
}

func inferenceMonitor() catalog.CreateMonitor {
	return catalog.CreateMonitor{
		TableName: "dev.ml.predictions", AssetsDir: "/Workspace/Shared/monitoring/predictions", OutputSchemaName: "dev.monitoring",
		InferenceLog: &catalog.MonitorInferenceLog{
			Granularities: []string{"1 hour", "1 day"}, TimestampCol: "ts", ModelIdCol: "model_version", PredictionCol: "prediction",
			LabelCol: "label", ProblemType: catalog.MonitorInferenceLogProblemTypeProblemTypeRegression,
		},
		Schedule:      &catalog.MonitorCronSchedule{QuartzCronExpression: "0 0 6 * * ?", TimezoneId: "UTC"},
		SlicingExprs:  []string{"region"},
		CustomMetrics: []catalog.MonitorMetric{{Name: "mean_abs_err", Definition: "avg(abs({{prediction_col}} - {{label_col}}))", InputColumns: []string{":table"}, OutputDataType: "double", Type: catalog.MonitorMetricTypeCustomMetricTypeAggregate}},
		Notifications: &catalog.MonitorNotifications{OnFailure: &catalog.MonitorDestination{EmailAddresses: []string{"ml-oncall@example.com"}},
			OnNewClassificationTagDetected: &catalog.MonitorDestination{EmailAddresses: []string{"privacy@example.com"}}},
		DataClassificationConfig: &catalog.MonitorDataClassificationConfig{Enabled: true},
	}
}

func TestQualityMonitors_lifecycleThroughSDK(t *testing.T) {
	clock := emulatortest.NewClock()
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(time.Minute), emulatortest.WithClock(clock.Now))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreatePredictionsTable(t, w)

	created, err := w.QualityMonitors.Create(ctx, inferenceMonitor())
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.Status != catalog.MonitorInfoStatusMonitorStatusPending || created.DashboardId != "" || created.MonitorVersion != 1 ||
		created.ProfileMetricsTableName != "dev.monitoring.predictions_profile_metrics" || created.DriftMetricsTableName != "dev.monitoring.predictions_drift_metrics" ||
		created.Schedule.PauseStatus != catalog.MonitorCronSchedulePauseStatusUnpaused || created.InferenceLog.LabelCol != "label" {
		t.Fatalf("created = %+v", created)
	}
	// The metric tables appear when the monitor becomes active.
	if ex, _ := w.Tables.ExistsByFullName(ctx, created.ProfileMetricsTableName); ex.TableExists {
		t.Error("profile metrics table exists while the monitor is pending")
	}
	_, err = w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: "dev.ml.predictions"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_STATE", "a refresh needs an active monitor")

	clock.Advance(time.Minute)
	got, err := w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: "dev.ml.predictions"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != catalog.MonitorInfoStatusMonitorStatusActive || len(got.DashboardId) != 32 || got.CustomMetrics[0].Name != "mean_abs_err" ||
		got.Notifications.OnFailure.EmailAddresses[0] != "ml-oncall@example.com" || !got.DataClassificationConfig.Enabled ||
		got.Notifications.OnNewClassificationTagDetected.EmailAddresses[0] != "privacy@example.com" || got.SlicingExprs[0] != "region" || got.AssetsDir == "" {
		t.Fatalf("active monitor = %+v", got)
	}
	for _, table := range []string{got.ProfileMetricsTableName, got.DriftMetricsTableName} {
		if ex, err := w.Tables.ExistsByFullName(ctx, table); err != nil || !ex.TableExists {
			t.Errorf("metric table %s: %+v, %v", table, ex, err)
		}
	}

	// A test hook sets the drift of the prediction column.
	emu.SetMonitorDrift(t, "dev.ml.predictions", map[string]emulator.ColumnDrift{"prediction": {JSDistance: 0.42, PopulationStabilityIndex: 0.31}})

	// Refresh: PENDING → RUNNING → SUCCESS.
	ref, err := w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: "dev.ml.predictions"})
	if err != nil || ref.State != catalog.MonitorRefreshInfoStatePending || ref.Trigger != catalog.MonitorRefreshInfoTriggerManual {
		t.Fatalf("run refresh = %+v, %v", ref, err)
	}
	_, err = w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: "dev.ml.predictions"})
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_CONFLICT", "is still PENDING")
	var drift map[string]any
	if status := emu.Do(t, http.MethodGet, fmt.Sprintf("/_emulator/monitors/dev.ml.predictions/refreshes/%d/drift", ref.RefreshId), nil, &drift); status != http.StatusBadRequest {
		t.Errorf("drift of a pending refresh: status %d", status)
	}
	expect := func(id int64, state catalog.MonitorRefreshInfoState) *catalog.MonitorRefreshInfo {
		t.Helper()
		got, err := w.QualityMonitors.GetRefresh(ctx, catalog.GetRefreshRequest{TableName: "dev.ml.predictions", RefreshId: id})
		if err != nil || got.State != state {
			t.Fatalf("refresh %d = %+v, %v; want %s", id, got, err, state)
		}
		return got
	}
	clock.Advance(time.Minute)
	expect(ref.RefreshId, catalog.MonitorRefreshInfoStateRunning)
	clock.Advance(time.Minute)
	done := expect(ref.RefreshId, catalog.MonitorRefreshInfoStateSuccess)
	if done.EndTimeMs-done.StartTimeMs != 2*time.Minute.Milliseconds() {
		t.Errorf("refresh took %d ms", done.EndTimeMs-done.StartTimeMs)
	}
	rows := emu.RefreshDrift(t, "dev.ml.predictions", ref.RefreshId)
	// The table holds no rows, so no drift is computed: only the override shows.
	if len(rows) != 1 || rows[0].ColumnName != "prediction" || rows[0].JSDistance != 0.42 ||
		rows[0].PopulationStabilityIndex != 0.31 || rows[0].DriftType != "CONSECUTIVE" {
		t.Errorf("drift rows = %+v", rows)
	}

	// Cancel: a running refresh becomes CANCELED; a finished one cannot be.
	second, err := w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: "dev.ml.predictions"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	expect(second.RefreshId, catalog.MonitorRefreshInfoStateRunning)
	if err := w.QualityMonitors.CancelRefresh(ctx, catalog.CancelRefreshRequest{TableName: "dev.ml.predictions", RefreshId: second.RefreshId}); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	expect(second.RefreshId, catalog.MonitorRefreshInfoStateCanceled)
	err = w.QualityMonitors.CancelRefresh(ctx, catalog.CancelRefreshRequest{TableName: "dev.ml.predictions", RefreshId: ref.RefreshId})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_STATE", "is SUCCESS and cannot be canceled")
	list, err := w.QualityMonitors.ListRefreshes(ctx, catalog.ListRefreshesRequest{TableName: "dev.ml.predictions"})
	if err != nil || len(list.Refreshes) != 2 || list.Refreshes[0].RefreshId != second.RefreshId {
		t.Errorf("refreshes = %+v, %v", list, err)
	}

	// Update replaces the settings and bumps the version.
	updated, err := w.QualityMonitors.Update(ctx, catalog.UpdateMonitor{
		TableName: "dev.ml.predictions", OutputSchemaName: "dev.monitoring",
		InferenceLog: &catalog.MonitorInferenceLog{Granularities: []string{"1 day"}, TimestampCol: "ts", ModelIdCol: "model_version", PredictionCol: "prediction", ProblemType: catalog.MonitorInferenceLogProblemTypeProblemTypeRegression},
		Schedule:     &catalog.MonitorCronSchedule{QuartzCronExpression: "0 30 2 ? * MON", TimezoneId: "Europe/Amsterdam"},
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.MonitorVersion != 2 || len(updated.InferenceLog.Granularities) != 1 || updated.InferenceLog.LabelCol != "" || len(updated.SlicingExprs) != 0 ||
		updated.Schedule.TimezoneId != "Europe/Amsterdam" || updated.AssetsDir != "/Workspace/Shared/monitoring/predictions" || updated.DashboardId != got.DashboardId {
		t.Errorf("updated = %+v", updated)
	}
	_, err = w.QualityMonitors.Update(ctx, catalog.UpdateMonitor{TableName: "dev.ml.predictions", OutputSchemaName: "dev.monitoring",
		TimeSeries: &catalog.MonitorTimeSeries{Granularities: []string{"1 day"}, TimestampCol: "ts"}})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "profile type of a monitor cannot change")

	if _, err := w.QualityMonitors.Delete(ctx, catalog.DeleteQualityMonitorRequest{TableName: "dev.ml.predictions"}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: "dev.ml.predictions"})
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Fatalf("get after delete = %v", err)
	}
	// The metric tables outlive the monitor, as on the real service.
	if ex, _ := w.Tables.ExistsByFullName(ctx, got.DriftMetricsTableName); !ex.TableExists {
		t.Error("drift metrics table was dropped with the monitor")
	}
}

// A refresh of a monitor whose table was dropped fails with a message.
func TestQualityMonitors_refreshOfDroppedTableFails(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreatePredictionsTable(t, w)
	m := inferenceMonitor()
	m.Schedule, m.CustomMetrics = nil, nil
	if _, err := w.QualityMonitors.Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: "dev.ml.predictions"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Tables.DeleteByFullName(ctx, "dev.ml.predictions"); err != nil {
		t.Fatal(err)
	}
	ref, err := w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: "dev.ml.predictions"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.QualityMonitors.GetRefresh(ctx, catalog.GetRefreshRequest{TableName: "dev.ml.predictions", RefreshId: ref.RefreshId})
	if err != nil || got.State != catalog.MonitorRefreshInfoStateFailed || got.Message != "Table 'dev.ml.predictions' does not exist; the monitored table may have been dropped." {
		t.Errorf("refresh = %+v, %v", got, err)
	}
}

func TestQualityMonitors_validation(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreatePredictionsTable(t, w)
	cases := map[string]struct {
		mutate func(*catalog.CreateMonitor)
		status int
		code   string
		want   string
	}{
		"missing table":      {func(m *catalog.CreateMonitor) { m.TableName = "dev.ml.nope" }, 404, "RESOURCE_DOES_NOT_EXIST", "Table 'dev.ml.nope' does not exist."},
		"no assets dir":      {func(m *catalog.CreateMonitor) { m.AssetsDir = "" }, 400, "INVALID_PARAMETER_VALUE", "Missing required field: assets_dir"},
		"output schema form": {func(m *catalog.CreateMonitor) { m.OutputSchemaName = "monitoring" }, 400, "INVALID_PARAMETER_VALUE", "expected the 2-level format"},
		"output schema gone": {func(m *catalog.CreateMonitor) { m.OutputSchemaName = "dev.nope" }, 404, "RESOURCE_DOES_NOT_EXIST", "Schema 'dev.nope' does not exist."},
		"two profile types": {func(m *catalog.CreateMonitor) {
			m.TimeSeries = &catalog.MonitorTimeSeries{Granularities: []string{"1 day"}, TimestampCol: "ts"}
		}, 400, "INVALID_PARAMETER_VALUE", "Exactly one of inference_log, time_series and snapshot"},
		"unknown column":   {func(m *catalog.CreateMonitor) { m.InferenceLog.PredictionCol = "score" }, 400, "INVALID_PARAMETER_VALUE", "inference_log.prediction_col 'score' is not a column of table 'dev.ml.predictions'"},
		"bad granularity":  {func(m *catalog.CreateMonitor) { m.InferenceLog.Granularities = []string{"2 hours"} }, 400, "INVALID_PARAMETER_VALUE", "Invalid granularity '2 hours'"},
		"bad problem type": {func(m *catalog.CreateMonitor) { m.InferenceLog.ProblemType = "PROBLEM_TYPE_RANKING" }, 400, "INVALID_PARAMETER_VALUE", "Invalid inference_log.problem_type"},
		"bad cron":         {func(m *catalog.CreateMonitor) { m.Schedule.QuartzCronExpression = "0 6 * * *" }, 400, "INVALID_PARAMETER_VALUE", "Invalid schedule.quartz_cron_expression '0 6 * * *'"},
		"bad time zone":    {func(m *catalog.CreateMonitor) { m.Schedule.TimezoneId = "Nowhere/City" }, 400, "INVALID_PARAMETER_VALUE", `unknown time zone id "Nowhere/City"`},
		"bad metric type":  {func(m *catalog.CreateMonitor) { m.CustomMetrics[0].Type = "SUM" }, 400, "INVALID_PARAMETER_VALUE", "Invalid custom_metrics[0].type 'SUM'"},
		"too many emails": {func(m *catalog.CreateMonitor) {
			m.Notifications.OnFailure.EmailAddresses = []string{"a@x", "b@x", "c@x", "d@x", "e@x", "f@x"}
		}, 400, "INVALID_PARAMETER_VALUE", "at most 5 email addresses"},
		"missing baseline": {func(m *catalog.CreateMonitor) { m.BaselineTableName = "dev.ml.baseline" }, 404, "RESOURCE_DOES_NOT_EXIST", "Table 'dev.ml.baseline' does not exist."},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := inferenceMonitor()
			tc.mutate(&m)
			_, err := w.QualityMonitors.Create(ctx, m)
			wantAPIError(t, err, tc.status, tc.code, tc.want)
		})
	}
	if _, err := w.QualityMonitors.Create(ctx, inferenceMonitor()); err != nil {
		t.Fatal(err)
	}
	_, err := w.QualityMonitors.Create(ctx, inferenceMonitor())
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_ALREADY_EXISTS", "Monitor for table 'dev.ml.predictions' already exists")
	_, err = w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: "dev.ml.other"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Monitor for table 'dev.ml.other' does not exist.")
}
