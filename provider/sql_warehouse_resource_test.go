package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/sql"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const warehouseAddr = "brickops_sql_warehouse.test"

func warehouseConfig(name, body string) string {
	return fmt.Sprintf(`
resource "brickops_sql_warehouse" "test" {
  name = %q
%s
}
`, name, body)
}

func TestAccSQLWarehouse_lifecycle(t *testing.T) {
	name := uniqueName("wh")
	w := testWorkspace(t)
	var id string
	serverless := `
  cluster_size              = "2X-Small"
  enable_serverless_compute = true
  auto_stop_mins            = 5
  tags {
    custom_tags {
      key   = "team"
      value = "ml"
    }
  }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: warehouseConfig(name, serverless),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(warehouseAddr, tfjsonpath.New("state"), knownvalue.StringExact("RUNNING")),
					statecheck.ExpectKnownValue(warehouseAddr, tfjsonpath.New("warehouse_type"), knownvalue.StringExact("PRO")),
					statecheck.ExpectKnownValue(warehouseAddr, tfjsonpath.New("max_num_clusters"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(warehouseAddr, tfjsonpath.New("odbc_params").AtSliceIndex(0).AtMapKey("port"), knownvalue.Int64Exact(443)),
				},
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[warehouseAddr].Primary.ID
					return nil
				},
			},
			{
				Config: warehouseConfig(name, `
  cluster_size              = "Small"
  enable_serverless_compute = true
  auto_stop_mins            = 30
  max_num_clusters          = 3
  channel {
    name = "CHANNEL_NAME_PREVIEW"
  }`),
				ConfigPlanChecks: expectAction(warehouseAddr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					got, err := w.Warehouses.GetById(context.Background(), id)
					if err != nil {
						return err
					}
					if got.ClusterSize != "Small" || got.AutoStopMins != 30 || got.MaxNumClusters != 3 || got.Channel.Name != sql.ChannelNameChannelNamePreview || got.Tags != nil {
						return fmt.Errorf("update not applied: %+v", got)
					}
					return nil
				},
			},
			{ResourceName: warehouseAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"state", "num_clusters"}},
			{
				// Resized behind Terraform's back: sized back.
				PreConfig: func() {
					if _, err := w.Warehouses.Edit(context.Background(), sql.EditWarehouseRequest{Id: id, Name: name, ClusterSize: "Large", EnableServerlessCompute: true, WarehouseType: "PRO", MaxNumClusters: 3, AutoStopMins: 30}); err != nil {
						t.Fatal(err)
					}
				},
				Config: warehouseConfig(name, `
  cluster_size              = "Small"
  enable_serverless_compute = true
  auto_stop_mins            = 30
  max_num_clusters          = 3
  channel {
    name = "CHANNEL_NAME_PREVIEW"
  }`),
				ConfigPlanChecks: expectAction(warehouseAddr, plancheck.ResourceActionUpdate),
			},
			{
				PreConfig: func() {
					if err := w.Warehouses.DeleteById(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config:           warehouseConfig(name, serverless),
				ConfigPlanChecks: expectAction(warehouseAddr, plancheck.ResourceActionCreate),
			},
		},
	})
}

// A warehouse's permissions: it has an owner (its creator), who keeps it.
func TestAccSQLWarehouse_permissions(t *testing.T) {
	name := uniqueName("wh")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: warehouseConfig(name, `
  cluster_size = "2X-Small"
  no_wait      = true
}

resource "brickops_permissions" "test" {
  sql_endpoint_id = brickops_sql_warehouse.test.id
  access_control {
    group_name       = "ml-engineers"
    permission_level = "CAN_USE"
  }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(permissionsAddr, tfjsonpath.New("object_type"), knownvalue.StringExact("warehouses")),
				statecheck.ExpectKnownValue(permissionsAddr, tfjsonpath.New("access_control"), knownvalue.SetSizeExact(1)),
			},
		}},
	})
}

func TestAccSQLWarehouse_badInput(t *testing.T) {
	name := uniqueName("wh")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: warehouseConfig(name, `cluster_size = "Huge"`), ExpectError: errorRegexp(`Attribute cluster_size value must be one of`)},
			{
				Config:      warehouseConfig(name, "cluster_size = \"Small\"\n  auto_stop_mins = 5"),
				ExpectError: errorRegexp(`Creating SQL warehouse "` + name + `": auto_stop_mins must be 0 or at least 10 for a non-serverless warehouse, got 5.`),
			},
			{
				Config:      warehouseConfig(name, "cluster_size = \"Small\"\n  enable_serverless_compute = true\n  warehouse_type = \"CLASSIC\""),
				ExpectError: errorRegexp(`Serverless compute requires warehouse_type PRO, got CLASSIC.`),
			},
			{
				Config:      warehouseConfig(name, "cluster_size = \"Small\"\n  min_num_clusters = 3\n  max_num_clusters = 2"),
				ExpectError: errorRegexp(`min_num_clusters (3) must be less than or equal to max_num_clusters (2).`),
			},
		},
	})
}
