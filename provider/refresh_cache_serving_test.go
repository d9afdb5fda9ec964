package provider_test

//lint:file-ignore SA1019 Monitors are managed through the Unity Catalog quality monitors API (/api/2.1/unity-catalog/tables/{table}/monitor), which the emulator serves, as in quality_monitor_resource_test.go.

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/serving"
)

// servingKindsConfig has refreshCases serving endpoints (on one model
// version), feature tables, online tables on them and snapshot monitors on
// them: the kinds read one GET per object.
func servingKindsConfig(cat string) string {
	return fmt.Sprintf(`
locals {
  cases = ["same", "changed", "deleted", "recreated"]
}

resource "brickops_catalog" "c" {
  name          = %[1]q
  force_destroy = true
}

resource "brickops_schema" "s" {
  catalog_name  = brickops_catalog.c.name
  name          = "ml"
  force_destroy = true
}

resource "brickops_registered_model" "m" {
  catalog_name  = brickops_schema.s.catalog_name
  schema_name   = brickops_schema.s.name
  name          = "churn"
  force_destroy = true
}

resource "brickops_model_version" "v" {
  model_name = brickops_registered_model.m.full_name
  source     = "dbfs:/models/churn"
}

resource "brickops_serving_endpoint" "ep" {
  count = 4
  name  = "%[1]s-${local.cases[count.index]}"
  served_entities = [{
    name                  = "champion"
    entity_name           = brickops_model_version.v.model_name
    entity_version        = brickops_model_version.v.version
    workload_size         = "Small"
    scale_to_zero_enabled = true
  }]
}

resource "brickops_feature_table" "f" {
  count          = 4
  catalog_name   = brickops_schema.s.catalog_name
  schema_name    = brickops_schema.s.name
  name           = "f_${local.cases[count.index]}"
  columns        = [{ name = "id", type_name = "LONG" }, { name = "ts", type_name = "TIMESTAMP" }]
  primary_keys   = ["id", "ts"]
  timeseries_key = "ts"
}

resource "brickops_online_table" "o" {
  count                  = 4
  name                   = "${brickops_feature_table.f[count.index].id}_online"
  source_table_full_name = brickops_feature_table.f[count.index].id
  primary_key_columns    = ["id"]
  timeseries_key         = "ts"
  run_triggered          = {}
}

resource "brickops_quality_monitor" "q" {
  count              = 4
  table_name         = brickops_feature_table.f[count.index].id
  assets_dir         = "/Workspace/Shared/monitoring/%[1]s/${local.cases[count.index]}"
  output_schema_name = "${brickops_schema.s.catalog_name}.${brickops_schema.s.name}"
  snapshot           = {}
}
`, cat)
}

// TestAccRefreshCache_servingKindsFindTheSameDrift covers the kinds no
// list can answer (serving endpoints list summaries; online tables and
// quality monitors have no list): their reads go through the cache's hook
// and must stay GETs, finding the same drift with and without batching.
func TestAccRefreshCache_servingKindsFindTheSameDrift(t *testing.T) {
	cat := uniqueName("rs")
	w := testWorkspace(t)
	ctx := context.Background()
	ids := map[string]string{}
	endpoint := func(key string) string { return cat + "-" + key }
	table := func(key string) string { return cat + ".ml.f_" + key }

	drift := func() {
		must := func(what string, err error) {
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		model := cat + ".ml.churn"
		served := func(size string) []serving.ServedEntityInput {
			return []serving.ServedEntityInput{{Name: "champion", EntityName: model, EntityVersion: "1", WorkloadSize: size, ScaleToZeroEnabled: true}}
		}
		must("endpoint changed", errOnly(updateEndpointConfig(ctx, w, serving.EndpointCoreConfigInput{Name: endpoint("changed"), ServedEntities: served("Medium")})))
		must("endpoint deleted", w.ServingEndpoints.DeleteByName(ctx, endpoint("deleted")))
		must("endpoint recreated (delete)", w.ServingEndpoints.DeleteByName(ctx, endpoint("recreated")))
		created, err := w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{Name: endpoint("recreated"),
			Config: &serving.EndpointCoreConfigInput{ServedEntities: served("Large")}})
		if err == nil {
			_, err = created.Get()
		}
		must("endpoint recreated", err)

		// Online tables cannot change: gone, and gone then back.
		must("online table deleted", w.OnlineTables.DeleteByName(ctx, table("deleted")+"_online"))
		must("online table recreated (delete)", w.OnlineTables.DeleteByName(ctx, table("recreated")+"_online"))
		online, err := w.OnlineTables.Create(ctx, catalog.CreateOnlineTableRequest{Table: catalog.OnlineTable{
			Name: table("recreated") + "_online",
			Spec: &catalog.OnlineTableSpec{SourceTableFullName: table("recreated"), PrimaryKeyColumns: []string{"id", "ts"}, RunTriggered: &catalog.OnlineTableSpecTriggeredSchedulingPolicy{}},
		}})
		if err == nil {
			_, err = online.Get()
		}
		must("online table recreated", err)

		must("monitor changed", errOnly(w.QualityMonitors.Update(ctx, catalog.UpdateMonitor{TableName: table("changed"), OutputSchemaName: cat + ".ml",
			Snapshot: &catalog.MonitorSnapshot{}, SlicingExprs: []string{"id"}})))
		must("monitor deleted", errOnly(w.QualityMonitors.Delete(ctx, catalog.DeleteQualityMonitorRequest{TableName: table("deleted")})))
		must("monitor recreated (delete)", errOnly(w.QualityMonitors.Delete(ctx, catalog.DeleteQualityMonitorRequest{TableName: table("recreated")})))
		must("monitor recreated", errOnly(w.QualityMonitors.Create(ctx, catalog.CreateMonitor{TableName: table("recreated"),
			AssetsDir: "/Workspace/Shared/monitoring/" + cat + "/again", OutputSchemaName: cat + ".ml", Snapshot: &catalog.MonitorSnapshot{}})))
		// Both plans must see the same monitor: let it settle first.
		for range 50 {
			m, err := w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: table("recreated")})
			must("monitor recreated (read)", err)
			if m.Status == catalog.MonitorInfoStatusMonitorStatusActive {
				break
			}
		}
	}

	_, batched := planDriftBothWays(t, servingKindsConfig(cat), ids, drift, nil)
	checkDriftFound(t, batched, []string{
		`brickops_serving_endpoint.ep[1] update`, `brickops_serving_endpoint.ep[2] delete`, `brickops_serving_endpoint.ep[3] update`,
		`brickops_online_table.o[2] delete`, `brickops_online_table.o[3] update`,
		`brickops_quality_monitor.q[1] update`, `brickops_quality_monitor.q[2] delete`, `brickops_quality_monitor.q[3] update`,
	}, "brickops_catalog.c ", "brickops_schema.s ", "brickops_registered_model.m ", "brickops_model_version.v ")
}
