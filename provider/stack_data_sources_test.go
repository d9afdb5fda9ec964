package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccDataCurrentUser(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "brickops_current_user" "me" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.brickops_current_user.me", tfjsonpath.New("user_name"), knownvalue.StringExact("brickops@example.com")),
				statecheck.ExpectKnownValue("data.brickops_current_user.me", tfjsonpath.New("home"), knownvalue.StringExact("/Users/brickops@example.com")),
				statecheck.ExpectKnownValue("data.brickops_current_user.me", tfjsonpath.New("alphanumeric"), knownvalue.StringExact("brickops")),
				statecheck.ExpectKnownValue("data.brickops_current_user.me", tfjsonpath.New("acl_principal_id"), knownvalue.StringExact("users/brickops@example.com")),
			},
		}},
	})
}

func TestAccDataSQLWarehouse(t *testing.T) {
	name := uniqueName("wh")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: `data "brickops_sql_warehouse" "x" { name = "no-such-warehouse" }`, ExpectError: errorRegexp(`No SQL warehouse is named "no-such-warehouse".`)},
			{Config: `data "brickops_sql_warehouse" "x" {}`, ExpectError: errorRegexp(`Exactly one of these attributes must be configured: [id,name]`)},
			{
				Config: warehouseConfig(name, `  cluster_size = "Small"`) + `
data "brickops_sql_warehouse" "by_name" {
  name = brickops_sql_warehouse.test.name
}
data "brickops_sql_warehouse" "by_id" {
  id = brickops_sql_warehouse.test.id
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.brickops_sql_warehouse.by_name", tfjsonpath.New("id"), warehouseAddr, tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.brickops_sql_warehouse.by_id", tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue("data.brickops_sql_warehouse.by_id", tfjsonpath.New("state"), knownvalue.StringExact("RUNNING")),
				},
			},
		},
	})
}
