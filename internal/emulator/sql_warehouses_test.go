package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/sql"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestSQLWarehouses_lifecycleOnTheClock(t *testing.T) {
	clock := emulatortest.NewClock()
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(time.Minute), emulatortest.WithClock(clock.Now))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	state := func(id string) sql.State {
		t.Helper()
		got, err := w.Warehouses.GetById(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return got.State
	}
	wait, err := w.Warehouses.Create(ctx, sql.CreateWarehouseRequest{
		Name: "monitoring", ClusterSize: "2X-Small", AutoStopMins: 10,
		EnableServerlessCompute: true, WarehouseType: sql.CreateWarehouseRequestWarehouseTypePro,
	})
	if err != nil {
		t.Fatal(err)
	}
	id := wait.Id
	got, err := w.Warehouses.GetById(ctx, id)
	if err != nil || got.State != sql.StateStarting || got.MaxNumClusters != 1 || !got.EnablePhoton ||
		got.SpotInstancePolicy != sql.SpotInstancePolicyCostOptimized || got.OdbcParams == nil || got.CreatorName == "" {
		t.Fatalf("new warehouse = %+v, %v", got, err)
	}
	clock.Advance(time.Minute)
	if s := state(id); s != sql.StateRunning {
		t.Fatalf("after the delay: %s, want RUNNING", s)
	}
	// Idle for auto_stop_mins: stopped.
	clock.Advance(10 * time.Minute)
	if s := state(id); s != sql.StateStopped {
		t.Fatalf("after auto_stop_mins: %s, want STOPPED", s)
	}
	if _, err := w.Warehouses.Start(ctx, sql.StartRequest{Id: id}); err != nil {
		t.Fatal(err)
	}
	if s := state(id); s != sql.StateStarting {
		t.Fatalf("after start: %s", s)
	}
	clock.Advance(time.Minute)
	if _, err := w.Warehouses.Edit(ctx, sql.EditWarehouseRequest{Id: id, Name: "monitoring", ClusterSize: "Small", MaxNumClusters: 2, EnableServerlessCompute: true, WarehouseType: "PRO"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Warehouses.GetById(ctx, id); got.ClusterSize != "Small" || got.MaxNumClusters != 2 || got.State != sql.StateStarting {
		t.Errorf("after edit: %+v", got)
	}
	// The warehouse owner is its creator.
	perms, err := w.Warehouses.GetPermissions(ctx, sql.GetWarehousePermissionsRequest{WarehouseId: id})
	if err != nil || len(perms.AccessControlList) != 2 {
		t.Errorf("permissions = %+v, %v", perms, err)
	}
	if _, err := w.Permissions.Get(ctx, iam.GetPermissionRequest{RequestObjectType: "sql/warehouses", RequestObjectId: id}); err != nil {
		t.Error(err)
	}

	if err := w.Warehouses.DeleteById(ctx, id); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if s := state(id); s != sql.StateDeleted {
		t.Errorf("after delete: %s, want DELETED", s)
	}
	if all, _ := w.Warehouses.ListAll(ctx, sql.ListWarehousesRequest{}); len(all) != 0 {
		t.Errorf("deleted warehouse listed: %+v", all)
	}
	if _, err := w.Warehouses.GetById(ctx, "nope"); !apierr.IsMissing(err) {
		t.Errorf("unknown warehouse: %v", err)
	}
}
