package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/ml"
	"github.com/databricks/databricks-sdk-go/service/sql"
	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// lostWrites are the first writes of the workspace resources whose answer
// TestAccLostAnswers_workspaceObjectsConverge loses: method and path prefix.
var lostWrites = [][2]string{
	{"POST", "/api/2.0/secrets/scopes/create"},
	{"POST", "/api/2.0/secrets/put"},
	{"POST", "/api/2.0/secrets/acls/put"},
	{"POST", "/api/2.0/sql/warehouses"},
	{"POST", "/api/2.0/policies/clusters/create"},
	{"POST", "/api/2.0/instance-pools/create"},
	{"POST", "/api/2.0/mlflow/experiments/create"},
	{"POST", "/api/2.0/repos"},
	{"POST", "/api/2.0/workspace/mkdirs"},
	{"POST", "/api/2.0/workspace/import"},
	{"PUT", "/api/2.0/permissions/"},
}

// TestAccLostAnswers_workspaceObjectsConverge loses the answer to the first
// write of each workspace resource — the write happens, the client gets a
// 503 — and the apply still succeeds with one object each: scopes,
// policies, experiments and git folders adopt their own object on "already
// exists"; warehouses and pools find theirs before creating again; secrets,
// ACLs, permissions and workspace imports are puts, so sending them again
// is harmless. The plan after apply is empty.
func TestAccLostAnswers_workspaceObjectsConverge(t *testing.T) {
	emu := emulatortest.Start(t)
	loseFirstAnswers(t, emu, lostWrites)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	config := fmt.Sprintf(`
provider "brickops" {
  host  = %q
  token = %q
}
resource "brickops_secret_scope" "s" {
  name = "lost"
}
resource "brickops_secret" "k" {
  scope        = brickops_secret_scope.s.name
  key          = "token"
  string_value = "s3cret"
}
resource "brickops_secret_acl" "a" {
  scope      = brickops_secret_scope.s.name
  principal  = "users"
  permission = "READ"
}
resource "brickops_sql_warehouse" "wh" {
  name         = "lost"
  cluster_size = "2X-Small"
}
resource "brickops_permissions" "p" {
  sql_endpoint_id = brickops_sql_warehouse.wh.id
  access_control {
    group_name       = "ml-engineers"
    permission_level = "CAN_USE"
  }
}
resource "brickops_cluster_policy" "cp" {
  name       = "lost"
  definition = jsonencode({ spark_version = { type = "fixed", value = "15.4.x-scala2.12" } })
}
resource "brickops_instance_pool" "ip" {
  instance_pool_name                    = "lost"
  node_type_id                          = "Standard_DS3_v2"
  idle_instance_autotermination_minutes = 15
}
resource "brickops_mlflow_experiment" "e" {
  name = "/Shared/lost"
}
resource "brickops_git_folder" "g" {
  url = "https://github.com/acme/lost.git"
}
resource "brickops_directory" "d" {
  path = "/Shared/lost-dir"
}
resource "brickops_notebook" "n" {
  path           = "${brickops_directory.d.path}/nb"
  language       = "PYTHON"
  content_base64 = base64encode("print(1)")
}
`, emu.URL, emu.Token)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				if err := answersLost(t, emu, lostWrites); err != nil {
					return err
				}
				scopes, err := w.Secrets.ListScopesAll(ctx)
				if err := wantOne("secret scopes", len(scopes), err); err != nil {
					return err
				}
				whs, err := w.Warehouses.ListAll(ctx, sql.ListWarehousesRequest{})
				if err := wantOne("warehouses", len(whs), err); err != nil {
					return err
				}
				var policies int
				all, err := w.ClusterPolicies.ListAll(ctx, compute.ListClusterPoliciesRequest{})
				for _, p := range all {
					if p.Name == "lost" {
						policies++
					}
				}
				if err := wantOne("cluster policies named lost", policies, err); err != nil {
					return err
				}
				pools, err := w.InstancePools.ListAll(ctx)
				if err := wantOne("instance pools", len(pools), err); err != nil {
					return err
				}
				exps, err := w.Experiments.SearchExperimentsAll(ctx, ml.SearchExperiments{Filter: "name = '/Shared/lost'"})
				if err := wantOne("experiments named /Shared/lost", len(exps), err); err != nil {
					return err
				}
				repos, err := w.Repos.ListAll(ctx, workspace.ListReposRequest{})
				return wantOne("git folders", len(repos), err)
			},
		}},
	})
}

// wantOne is nil when a count of what a test created is exactly one.
func wantOne(what string, n int, err error) error {
	if err != nil || n != 1 {
		return fmt.Errorf("%s: %d, want 1 (%v)", what, n, err)
	}
	return nil
}
