package provider_test

//lint:file-ignore SA1019 Monitors are managed through the Unity Catalog quality monitors API (/api/2.1/unity-catalog/tables/{table}/monitor), which the emulator serves; moving to the data-quality v1 API is a separate change.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const monitorAddr = "brickops_quality_monitor.churn"

// A monitor on a serving endpoint's inference table, on a schedule: apply
// returns once its metric tables exist, and a refresh succeeds.
func TestAccQualityMonitor_inferenceTable(t *testing.T) {
	model := seedServedModel(t, 1)
	catalogName := strings.Split(model, ".")[0]
	name := acctest.RandomWithPrefix("churn")
	monitor := func(cron, granularities, extra string) string {
		return endpointConfig(name, model, entity("champion", "1"), "") + fmt.Sprintf(`
resource "brickops_quality_monitor" "churn" {
  table_name         = brickops_serving_endpoint.churn.inference_table_name
  assets_dir         = "/Workspace/Shared/monitoring/%s"
  output_schema_name = "${local.catalog}.ml"
  inference_log = {
    granularities  = %s
    timestamp_col  = "timestamp_ms"
    model_id_col   = "client_request_id"
    prediction_col = "response"
    problem_type   = "PROBLEM_TYPE_CLASSIFICATION"
  }
  schedule = {
    quartz_cron_expression = %q
    timezone_id            = "UTC"
  }
  notifications = {
    on_failure                         = { email_addresses = ["ml-oncall@example.com"] }
    on_new_classification_tag_detected = { email_addresses = ["privacy@example.com"] }
  }
%s
}
`, name, granularities, cron, extra)
	}
	payload := catalogName + ".ml." + name + "_payload"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: monitor("0 0 6 * * ?", `["1 day"]`, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("id"), knownvalue.StringExact(payload)),
					statecheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("status"), knownvalue.StringExact("MONITOR_STATUS_ACTIVE")),
					statecheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("monitor_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("drift_metrics_table_name"), knownvalue.StringExact(catalogName+".ml."+name+"_payload_drift_metrics")),
					statecheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("dashboard_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
					statecheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("schedule").AtMapKey("pause_status"), knownvalue.StringExact("UNPAUSED")),
				},
				// wait_for_assets: the metric tables exist when apply returns.
				Check: func(s *terraform.State) error {
					w := testWorkspace(t)
					ctx := context.Background()
					attrs := s.RootModule().Resources[monitorAddr].Primary.Attributes
					for _, table := range []string{attrs["profile_metrics_table_name"], attrs["drift_metrics_table_name"]} {
						ex, err := w.Tables.ExistsByFullName(ctx, table)
						if err != nil || !ex.TableExists {
							return fmt.Errorf("metric table %s: %+v, %v", table, ex, err)
						}
					}
					ref, err := w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: payload})
					if err != nil {
						return err
					}
					got, err := w.QualityMonitors.GetRefresh(ctx, catalog.GetRefreshRequest{TableName: payload, RefreshId: ref.RefreshId})
					if err != nil || got.State != catalog.MonitorRefreshInfoStateSuccess {
						return fmt.Errorf("refresh = %+v, %v", got, err)
					}
					return nil
				},
			},
			{
				// In place: schedule, granularities, slices and a custom metric.
				Config: monitor("0 30 5 ? * MON-FRI", `["1 hour", "1 day"]`, `
  slicing_exprs  = ["status_code"]
  data_classification_config = { enabled = true }
  custom_metrics = [{
    name             = "error_rate"
    definition       = "avg(case when status_code >= 400 then 1.0 else 0.0 end)"
    input_columns    = [":table"]
    output_data_type = "double"
    type             = "CUSTOM_METRIC_TYPE_AGGREGATE"
  }]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(monitorAddr, plancheck.ResourceActionUpdate),
					// Regression (issue 15): editing the schedule planned
					// pause_status as (known after apply).
					plancheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("schedule").AtMapKey("pause_status"), knownvalue.StringExact("UNPAUSED")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("monitor_version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("custom_metrics").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("error_rate")),
					statecheck.ExpectKnownValue(monitorAddr, tfjsonpath.New("data_classification_config").AtMapKey("enabled"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					m, err := testWorkspace(t).QualityMonitors.Get(context.Background(), catalog.GetQualityMonitorRequest{TableName: payload})
					if err != nil {
						return err
					}
					if m.DataClassificationConfig == nil || !m.DataClassificationConfig.Enabled || len(m.CustomMetrics) != 1 || m.Schedule.QuartzCronExpression != "0 30 5 ? * MON-FRI" {
						return fmt.Errorf("update not applied: %+v", m)
					}
					return nil
				},
			},
			{
				ResourceName:            monitorAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// predictionsTable creates <catalog>.ml.predictions through the SDK and
// returns the catalog.
func predictionsTable(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	w := testWorkspace(t)
	cat := strings.ReplaceAll(acctest.RandomWithPrefix("acc"), "-", "_")
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: cat}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: cat, Name: "ml"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Tables.Create(ctx, catalog.CreateTableRequest{
		CatalogName: cat, SchemaName: "ml", Name: "predictions", TableType: catalog.TableTypeManaged, DataSourceFormat: catalog.DataSourceFormatDelta,
		Columns: []catalog.ColumnInfo{
			{Name: "ts", TypeName: catalog.ColumnTypeNameTimestamp}, {Name: "model_version", TypeName: catalog.ColumnTypeNameString},
			{Name: "prediction", TypeName: catalog.ColumnTypeNameDouble}, {Name: "label", TypeName: catalog.ColumnTypeNameDouble},
		},
	}); err != nil {
		t.Fatal(err)
	}
	return cat
}

func tableMonitorConfig(cat, profile string) string {
	return fmt.Sprintf(`
resource "brickops_quality_monitor" "churn" {
  table_name         = "%[1]s.ml.predictions"
  assets_dir         = "/Workspace/Shared/monitoring/%[1]s"
  output_schema_name = "%[1]s.ml"
  %[2]s
  schedule = { quartz_cron_expression = "0 0 6 * * ?", timezone_id = "UTC" }
}
`, cat, profile)
}

func TestAccQualityMonitor_driftAndReplace(t *testing.T) {
	cat := predictionsTable(t)
	timeSeries := tableMonitorConfig(cat, `time_series = { granularities = ["1 day"], timestamp_col = "ts" }`)
	w := testWorkspace(t)
	ctx := context.Background()
	table := cat + ".ml.predictions"
	differentVersion := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: timeSeries},
			{
				// Someone pauses the monitoring cadence and adds slices in the UI.
				PreConfig: func() {
					if _, err := w.QualityMonitors.Update(ctx, catalog.UpdateMonitor{TableName: table, OutputSchemaName: cat + ".ml",
						TimeSeries:   &catalog.MonitorTimeSeries{Granularities: []string{"1 hour"}, TimestampCol: "ts"},
						SlicingExprs: []string{"model_version"},
					}); err != nil {
						t.Fatalf("updating behind Terraform's back: %v", err)
					}
				},
				Config: timeSeries,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(monitorAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					m, err := w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: table})
					if err != nil {
						return err
					}
					if m.Schedule == nil || m.TimeSeries.Granularities[0] != "1 day" || len(m.SlicingExprs) != 0 {
						return fmt.Errorf("drift not repaired: %+v", m)
					}
					return nil
				},
			},
			{
				// The profile type cannot change in place: replace.
				Config:            tableMonitorConfig(cat, `snapshot = {}`),
				ConfigStateChecks: []statecheck.StateCheck{differentVersion.AddStateValue(monitorAddr, tfjsonpath.New("snapshot"))},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(monitorAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			{
				PreConfig: func() {
					if _, err := w.QualityMonitors.Delete(ctx, catalog.DeleteQualityMonitorRequest{TableName: table}); err != nil {
						t.Fatal(err)
					}
				},
				Config: tableMonitorConfig(cat, `snapshot = {}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(monitorAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccQualityMonitor_badInput(t *testing.T) {
	cat := predictionsTable(t)
	inference := func(body string) string {
		return fmt.Sprintf(`inference_log = {
    granularities  = ["1 day"]
    timestamp_col  = "ts"
    model_id_col   = "model_version"
    prediction_col = "prediction"
    problem_type   = "PROBLEM_TYPE_REGRESSION"
    %s
  }`, body)
	}
	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"two profiles":    {tableMonitorConfig(cat, inference("")+"\n  snapshot = {}"), wrapped(`2 attributes specified when one (and only one) of [inference_log,time_series,snapshot] is required`)},
		"no profile":      {tableMonitorConfig(cat, ""), wrapped(`No attribute specified when one (and only one) of [inference_log,time_series,snapshot] is required`)},
		"bad granularity": {tableMonitorConfig(cat, `time_series = { granularities = ["2 hours"], timestamp_col = "ts" }`), wrapped(`must be one of the supported granularities`)},
		"bad problem":     {tableMonitorConfig(cat, strings.Replace(inference(""), "PROBLEM_TYPE_REGRESSION", "RANKING", 1)), wrapped(`problem_type value must be one of`)},
		"missing column": {tableMonitorConfig(cat, inference(`label_col = "truth"`)),
			wrapped(fmt.Sprintf(`Creating the monitor of table "%s.ml.predictions": inference_log.label_col 'truth' is not a column of table '%s.ml.predictions'`, cat, cat))},
		"bad cron": {strings.Replace(tableMonitorConfig(cat, `snapshot = {}`), `"0 0 6 * * ?"`, `"0 6 * * *"`, 1),
			wrapped(`Invalid schedule.quartz_cron_expression '0 6 * * *': expected 6 or 7 space-separated fields`)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: tc.want}},
			})
		})
	}
}
