package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// mustCreateFeatureTable creates dev.features.customers the way a feature
// table is made: a table with NOT NULL key columns, then a primary key with
// a timeseries column.
func mustCreateFeatureTable(t *testing.T, w *databricks.WorkspaceClient) {
	t.Helper()
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "features", "unused")
	if _, err := w.Tables.Create(ctx, catalog.CreateTableRequest{
		CatalogName: "dev", SchemaName: "features", Name: "customers", TableType: catalog.TableTypeManaged, DataSourceFormat: catalog.DataSourceFormatDelta,
		Columns: []catalog.ColumnInfo{
			notNull("customer_id", catalog.ColumnTypeNameLong), notNull("ts", catalog.ColumnTypeNameTimestamp),
			{Name: "spend_30d", TypeName: catalog.ColumnTypeNameDouble},
		},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.TableConstraints.Create(ctx, catalog.CreateTableConstraint{FullNameArg: "dev.features.customers", Constraint: catalog.TableConstraint{
		PrimaryKeyConstraint: &catalog.PrimaryKeyConstraint{Name: "customers_pk", ChildColumns: []string{"customer_id", "ts"}, TimeseriesColumns: []string{"ts"}},
	}}); err != nil {
		t.Fatal(err)
	}
}

func TestOnlineTables_lifecycleThroughSDK(t *testing.T) {
	clock := emulatortest.NewClock()
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(time.Minute), emulatortest.WithClock(clock.Now))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateFeatureTable(t, w)

	wait, err := w.OnlineTables.Create(ctx, catalog.CreateOnlineTableRequest{Table: catalog.OnlineTable{
		Name: "dev.features.customers_online",
		Spec: &catalog.OnlineTableSpec{SourceTableFullName: "dev.features.customers", PrimaryKeyColumns: []string{"customer_id"}, TimeseriesKey: "ts",
			RunTriggered: &catalog.OnlineTableSpecTriggeredSchedulingPolicy{}},
	}})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	created := wait.Response
	if created.UnityCatalogProvisioningState != catalog.ProvisioningInfoStateProvisioning || created.Status.DetailedState != catalog.OnlineTableStateProvisioningPipelineResources ||
		created.Spec.PipelineId == "" || created.TableServingUrl == "" || created.Spec.RunTriggered == nil {
		t.Fatalf("created = %+v / %+v", created, created.Status)
	}
	expect := func(uc catalog.ProvisioningInfoState, detailed catalog.OnlineTableState) *catalog.OnlineTable {
		t.Helper()
		got, err := w.OnlineTables.GetByName(ctx, "dev.features.customers_online")
		if err != nil || got.UnityCatalogProvisioningState != uc || got.Status.DetailedState != detailed {
			t.Fatalf("online table = %+v, %v; want %s/%s", got, err, uc, detailed)
		}
		return got
	}
	clock.Advance(time.Minute)
	snap := expect(catalog.ProvisioningInfoStateActive, catalog.OnlineTableStateProvisioningInitialSnapshot)
	if snap.Status.ProvisioningStatus.InitialPipelineSyncProgress.SyncProgressCompletion != 0.5 {
		t.Errorf("snapshot progress = %+v", snap.Status.ProvisioningStatus)
	}
	clock.Advance(time.Minute)
	online := expect(catalog.ProvisioningInfoStateActive, catalog.OnlineTableStateOnlineNoPendingUpdate)
	if online.Status.TriggeredUpdateStatus == nil || online.Spec.TimeseriesKey != "ts" {
		t.Errorf("online = %+v", online.Status)
	}
	// The online table is a Unity Catalog table with the source's columns.
	uc, err := w.Tables.GetByFullName(ctx, "dev.features.customers_online")
	if err != nil || len(uc.Columns) != 3 {
		t.Fatalf("UC entry = %+v, %v", uc, err)
	}
	// A dropped source fails the pipeline.
	if err := w.Tables.DeleteByFullName(ctx, "dev.features.customers"); err != nil {
		t.Fatal(err)
	}
	failed := expect(catalog.ProvisioningInfoStateActive, catalog.OnlineTableStateOnlinePipelineFailed)
	if failed.Status.Message != "The synchronization pipeline failed: source table 'dev.features.customers' does not exist." {
		t.Errorf("message = %q", failed.Status.Message)
	}
	if err := w.OnlineTables.DeleteByName(ctx, "dev.features.customers_online"); err != nil {
		t.Fatal(err)
	}
	_, err = w.OnlineTables.GetByName(ctx, "dev.features.customers_online")
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Fatalf("get after delete = %v", err)
	}
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Online table 'dev.features.customers_online' does not exist.")
	if ex, _ := w.Tables.ExistsByFullName(ctx, "dev.features.customers_online"); ex.TableExists {
		t.Error("the UC entry outlived the online table")
	}
}

// With no delay, CreateAndWait (which waits for the UC provisioning state
// ACTIVE) returns, and a continuous table goes online.
func TestOnlineTables_createAndWaitAndValidation(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateFeatureTable(t, w)
	spec := func() *catalog.OnlineTableSpec {
		return &catalog.OnlineTableSpec{SourceTableFullName: "dev.features.customers", PrimaryKeyColumns: []string{"customer_id"},
			RunContinuously: &catalog.OnlineTableSpecContinuousSchedulingPolicy{}}
	}
	got, err := waitFor[catalog.OnlineTable](w.OnlineTables.Create(ctx, catalog.CreateOnlineTableRequest{Table: catalog.OnlineTable{Name: "dev.features.live", Spec: spec()}}))
	if err != nil || got.Status.DetailedState != catalog.OnlineTableStateOnlineContinuousUpdate {
		t.Fatalf("create and wait = %+v, %v", got, err)
	}
	cases := map[string]struct {
		mutate func(*catalog.OnlineTable)
		status int
		code   string
		want   string
	}{
		"taken":          {func(o *catalog.OnlineTable) { o.Name = "dev.features.live" }, 409, "RESOURCE_ALREADY_EXISTS", "Table 'dev.features.live' already exists"},
		"two-part name":  {func(o *catalog.OnlineTable) { o.Name = "features.x" }, 400, "INVALID_PARAMETER_VALUE", "expected 3 dot-separated parts"},
		"no source":      {func(o *catalog.OnlineTable) { o.Spec.SourceTableFullName = "dev.features.nope" }, 404, "RESOURCE_DOES_NOT_EXIST", "Table 'dev.features.nope' does not exist."},
		"no key":         {func(o *catalog.OnlineTable) { o.Spec.PrimaryKeyColumns = nil }, 400, "INVALID_PARAMETER_VALUE", "Missing required field: spec.primary_key_columns"},
		"unknown column": {func(o *catalog.OnlineTable) { o.Spec.TimeseriesKey = "day" }, 400, "INVALID_PARAMETER_VALUE", "Column 'day' does not exist in source table 'dev.features.customers'."},
		"no policy":      {func(o *catalog.OnlineTable) { o.Spec.RunContinuously = nil }, 400, "INVALID_PARAMETER_VALUE", "Exactly one of spec.run_triggered and spec.run_continuously"},
		"full copy":      {func(o *catalog.OnlineTable) { o.Spec.PerformFullCopy = true }, 400, "INVALID_PARAMETER_VALUE", "perform_full_copy supports only the run_triggered"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := catalog.OnlineTable{Name: "dev.features.other", Spec: spec()}
			tc.mutate(&o)
			_, err := w.OnlineTables.Create(ctx, catalog.CreateOnlineTableRequest{Table: o})
			wantAPIError(t, err, tc.status, tc.code, tc.want)
		})
	}
}
