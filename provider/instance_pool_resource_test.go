package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const poolAddr = "brickops_instance_pool.test"

func poolConfig(name, nodeType, body string) string {
	return fmt.Sprintf(`
resource "brickops_instance_pool" "test" {
  instance_pool_name                    = %q
  node_type_id                          = %q
  idle_instance_autotermination_minutes = 15
%s
}
`, name, nodeType, body)
}

func TestAccInstancePool_lifecycle(t *testing.T) {
	name := uniqueName("pool")
	w := testWorkspace(t)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: poolConfig(name, "Standard_DS3_v2", `
  min_idle_instances = 1
  max_capacity       = 10
  azure_attributes {
    availability = "SPOT_AZURE"
  }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(poolAddr, tfjsonpath.New("instance_pool_id"), knownvalue.NotNull()),
				},
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[poolAddr].Primary.ID
					return nil
				},
			},
			{
				Config: poolConfig(name+"-v2", "Standard_DS3_v2", `
  min_idle_instances = 0
  max_capacity       = 20
  custom_tags        = { team = "ml" }
  azure_attributes {
    availability = "SPOT_AZURE"
  }`),
				ConfigPlanChecks: expectAction(poolAddr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					got, err := w.InstancePools.GetByInstancePoolId(context.Background(), id)
					if err != nil {
						return err
					}
					if got.InstancePoolName != name+"-v2" || got.MaxCapacity != 20 || got.MinIdleInstances != 0 || got.CustomTags["team"] != "ml" {
						return fmt.Errorf("update not applied: %+v", got)
					}
					return nil
				},
			},
			{ResourceName: poolAddr, ImportState: true, ImportStateVerify: true},
			{
				Config:           poolConfig(name+"-v2", "Standard_DS4_v2", `  max_capacity = 20`),
				ConfigPlanChecks: expectAction(poolAddr, plancheck.ResourceActionDestroyBeforeCreate),
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[poolAddr].Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := w.InstancePools.DeleteByInstancePoolId(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config:           poolConfig(name+"-v2", "Standard_DS4_v2", `  max_capacity = 20`),
				ConfigPlanChecks: expectAction(poolAddr, plancheck.ResourceActionCreate),
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[poolAddr].Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := w.InstancePools.Edit(context.Background(), compute.EditInstancePool{InstancePoolId: id, InstancePoolName: name + "-v2", NodeTypeId: "Standard_DS4_v2", MaxCapacity: 5, IdleInstanceAutoterminationMinutes: 15}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           poolConfig(name+"-v2", "Standard_DS4_v2", `  max_capacity = 20`),
				ConfigPlanChecks: expectAction(poolAddr, plancheck.ResourceActionUpdate),
			},
		},
	})
}

func TestAccInstancePool_badInput(t *testing.T) {
	name := uniqueName("pool")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: poolConfig(name, "Standard_Z9", ""), ExpectError: errorRegexp(`Creating instance pool "` + name + `": Node type Standard_Z9 is not supported`)},
			{Config: poolConfig(name, "Standard_DS3_v2", "min_idle_instances = 3\n max_capacity = 2"), ExpectError: errorRegexp(`max_capacity (2) must be at least min_idle_instances (3)`)},
			{Config: poolConfig(name, "Standard_DS3_v2", "azure_attributes {\n availability = \"SPOT\"\n}"), ExpectError: errorRegexp(`value must be one of: ["ON_DEMAND_AZURE" "SPOT_AZURE"]`)},
		},
	})
}
