package provider_test

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// lostCreatePaths are the creates without an idempotency key; the test
// loses the answer to the first request on each. The monitor's path comes
// before the tables create it shares a prefix with.
var lostCreatePaths = []string{
	"/api/2.1/unity-catalog/catalogs",
	"/api/2.1/unity-catalog/schemas",
	"/api/2.1/unity-catalog/models",
	"/api/2.1/unity-catalog/tables/",
	"/api/2.1/unity-catalog/tables",
	"/api/2.1/unity-catalog/constraints",
	"/api/2.1/unity-catalog/volumes",
	"/api/2.0/mlflow/unity-catalog/model-versions/create",
	"/api/2.0/mlflow/unity-catalog/model-versions/finalize",
	"/api/2.2/jobs/create",
	"/api/2.0/serving-endpoints",
	"/api/2.0/online-tables",
}

// loseFirstAnswers makes the emulator lose the answer to the first request
// of each method and path prefix: the write happens, the client gets a 503.
func loseFirstAnswers(t *testing.T, emu *emulatortest.Emulator, writes [][2]string) {
	var rules []emulator.FaultRule
	for _, m := range writes {
		rules = append(rules, emulator.FaultRule{PathPrefix: m[1], Method: m[0], RateLostAnswer: 1, Times: 1})
	}
	emu.SetFaults(t, rules...)
}

// answersLost says which of writes lost no answer, so a test cannot pass
// without its fault having struck.
func answersLost(t *testing.T, emu *emulatortest.Emulator, writes [][2]string) error {
	for _, m := range writes {
		lost := 0
		for _, r := range emu.Requests(t, m[1]) {
			if r.Method == m[0] && r.Status == 503 {
				lost++
			}
		}
		if lost == 0 {
			return fmt.Errorf("no answer was lost on %s %s", m[0], m[1])
		}
	}
	return nil
}

// TestAccLostAnswers_createsAdoptWhatTheyMade loses the answer to the first
// create of every kind that has no idempotency key — the write happens, the
// client gets a 503 — and the apply still succeeds with one object each:
// name-keyed creates adopt their own object on ALREADY_EXISTS, jobs and
// model versions find theirs before creating again, and finalizing an
// already finalized version is success. The plan after apply is empty.
func TestAccLostAnswers_createsAdoptWhatTheyMade(t *testing.T) {
	emu := emulatortest.Start(t)
	var writes [][2]string
	for _, p := range lostCreatePaths {
		writes = append(writes, [2]string{"POST", p})
	}
	loseFirstAnswers(t, emu, writes)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	config := fmt.Sprintf(`
provider "brickops" {
  host  = %q
  token = %q
}
resource "brickops_catalog" "c" {
  name          = "lost"
  comment       = "lost answers"
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
resource "brickops_volume" "vol" {
  catalog_name = brickops_schema.s.catalog_name
  schema_name  = brickops_schema.s.name
  name         = "landing"
  volume_type  = "MANAGED"
}
resource "brickops_model_version" "v" {
  model_name = brickops_registered_model.m.full_name
  source     = "dbfs:/models/churn"
}
resource "brickops_serving_endpoint" "ep" {
  name = "lost-ep"
  served_entities = [{
    name                  = "champion"
    entity_name           = brickops_model_version.v.model_name
    entity_version        = brickops_model_version.v.version
    workload_size         = "Small"
    scale_to_zero_enabled = true
  }]
}
resource "brickops_feature_table" "f" {
  catalog_name   = brickops_schema.s.catalog_name
  schema_name    = brickops_schema.s.name
  name           = "features"
  columns        = [{ name = "id", type_name = "LONG" }, { name = "ts", type_name = "TIMESTAMP" }]
  primary_keys   = ["id", "ts"]
  timeseries_key = "ts"
}
resource "brickops_online_table" "o" {
  name                   = "${brickops_feature_table.f.id}_online"
  source_table_full_name = brickops_feature_table.f.id
  primary_key_columns    = ["id"]
  timeseries_key         = "ts"
  run_triggered          = {}
}
resource "brickops_quality_monitor" "q" {
  table_name         = brickops_feature_table.f.id
  assets_dir         = "/Workspace/Shared/monitoring/lost"
  output_schema_name = "${brickops_schema.s.catalog_name}.${brickops_schema.s.name}"
  snapshot           = {}
}
resource "brickops_cluster" "k" {
  cluster_name  = "lost"
  spark_version = "15.4.x-scala2.12"
  node_type_id  = "Standard_DS3_v2"
  num_workers   = 1
}
resource "brickops_job" "j" {
  name = "lost"
  tasks = [{
    task_key            = "train"
    existing_cluster_id = brickops_cluster.k.cluster_id
    notebook_task       = { notebook_path = "/Repos/ml/train" }
  }]
}
`, emu.URL, emu.Token)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				if err := answersLost(t, emu, writes); err != nil {
					return err
				}
				versions, err := w.ModelVersions.ListAll(ctx, catalog.ListModelVersionsRequest{FullName: "lost.ml.churn"})
				if err != nil || len(versions) != 1 {
					return fmt.Errorf("model versions: %d %v", len(versions), err)
				}
				vols, err := w.Volumes.ListAll(ctx, catalog.ListVolumesRequest{CatalogName: "lost", SchemaName: "ml"})
				if err != nil || len(vols) != 1 {
					return fmt.Errorf("volumes: %d %v", len(vols), err)
				}
				js, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{Name: "lost"})
				if err != nil || len(js) != 1 {
					return fmt.Errorf("jobs named lost: %d %v", len(js), err)
				}
				cs, err := w.Clusters.ListAll(ctx, compute.ListClustersRequest{})
				if err != nil || len(cs) != 1 {
					return fmt.Errorf("clusters: %d %v", len(cs), err)
				}
				tables, err := w.Tables.ListAll(ctx, catalog.ListTablesRequest{CatalogName: "lost", SchemaName: "ml"})
				if err != nil {
					return err
				}
				var names []string
				for _, tb := range tables {
					names = append(names, tb.Name)
				}
				if !strings.Contains(strings.Join(names, ","), "features_online") {
					return fmt.Errorf("tables: %v", names)
				}
				return nil
			},
		}},
	})
}

// TestAccProvider_unreachableHostFailsNamingHostAndSetting: a workspace URL
// nothing listens on fails the plan once retry_timeout_seconds (30 s when
// unset) is spent, with an error naming the host and the setting.
func TestAccProvider_unreachableHostFailsNamingHostAndSetting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := "http://" + ln.Addr().String()
	ln.Close()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "brickops" {
  host                  = %q
  token                 = "x"
  retry_timeout_seconds = 2
}
data "brickops_node_type" "small" {
  min_cores = 4
}
`, host),
			ExpectError: regexp.MustCompile(errorRegexp("cannot reach "+host+": the connection was refused").String() + `(?s).*retry_timeout_seconds`),
		}},
	})
}
