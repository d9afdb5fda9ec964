package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const clusterAddr = "brickops_cluster.test"

func clusterConfig(name, body string) string {
	return fmt.Sprintf(`
resource "brickops_cluster" "test" {
  cluster_name  = %q
  spark_version = "15.4.x-cpu-ml-scala2.12"
  node_type_id  = "Standard_DS3_v2"
%s
}
`, name, body)
}

func TestAccCluster_lifecycle(t *testing.T) {
	name := acctest.RandomWithPrefix("acc")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: clusterConfig(name, `
  num_workers = 1
  custom_tags = { team = "ml" }
  spark_conf  = { "spark.speculation" = "true" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(clusterAddr, tfjsonpath.New("cluster_id")),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("state"), knownvalue.StringExact("RUNNING")),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("num_workers"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("autotermination_minutes"), knownvalue.Int64Exact(60)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("driver_node_type_id"), knownvalue.StringExact("Standard_DS3_v2")),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("default_tags").AtMapKey("ClusterName"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("custom_tags").AtMapKey("team"), knownvalue.StringExact("ml")),
				},
				Check: checkClusterAPI(t, func(c *compute.ClusterDetails) error {
					if c.NumWorkers != 1 || c.AutoterminationMinutes != 60 || c.SparkConf["spark.speculation"] != "true" {
						return fmt.Errorf("API has workers=%d autotermination=%d spark_conf=%v", c.NumWorkers, c.AutoterminationMinutes, c.SparkConf)
					}
					return nil
				}),
			},
			{
				// In place: size, tags and auto-termination change without a new cluster.
				Config: clusterConfig(name, `
  num_workers             = 3
  autotermination_minutes = 30
  custom_tags             = { team = "ml", cost_center = "42" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionUpdate),
					// Regression (issue 15): every edit planned default_tags
					// as (known after apply).
					plancheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("default_tags").AtMapKey("Vendor"), knownvalue.StringExact("Databricks")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(clusterAddr, tfjsonpath.New("cluster_id")),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("num_workers"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("spark_conf"), knownvalue.Null()),
				},
				Check: checkClusterAPI(t, func(c *compute.ClusterDetails) error {
					if c.NumWorkers != 3 || c.AutoterminationMinutes != 30 || c.CustomTags["cost_center"] != "42" || len(c.SparkConf) != 0 {
						return fmt.Errorf("edit not applied: workers=%d autotermination=%d tags=%v spark_conf=%v", c.NumWorkers, c.AutoterminationMinutes, c.CustomTags, c.SparkConf)
					}
					return nil
				}),
			},
			{
				// In place: fixed size to autoscale, a bigger driver, a new
				// name (which Databricks' ClusterName tag follows).
				Config: clusterConfig(name+"-renamed", `
  driver_node_type_id = "Standard_DS4_v2"
  autoscale = {
    min_workers = 1
    max_workers = 4
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("default_tags").AtMapKey("ClusterName"), knownvalue.StringExact(name+"-renamed")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(clusterAddr, tfjsonpath.New("cluster_id")),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("default_tags").AtMapKey("ClusterName"), knownvalue.StringExact(name+"-renamed")),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("num_workers"), knownvalue.Null()),
					statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("autoscale").AtMapKey("max_workers"), knownvalue.Int64Exact(4)),
				},
			},
			{
				ResourceName:            clusterAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "idempotency_token"},
			},
		},
	})
}

func TestAccCluster_replaceOnIdempotencyToken(t *testing.T) {
	name := acctest.RandomWithPrefix("acc")
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            clusterConfig(name, `idempotency_token = "first"`),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(clusterAddr, tfjsonpath.New("cluster_id"))},
			},
			{
				Config: clusterConfig(name, `idempotency_token = "second"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(clusterAddr, tfjsonpath.New("cluster_id"))},
			},
		},
	})
}

func TestAccCluster_driftIsRepaired(t *testing.T) {
	name := acctest.RandomWithPrefix("acc")
	config := clusterConfig(name, `num_workers = 1`)
	var id string
	w := testWorkspace(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[clusterAddr].Primary.ID
					return nil
				},
			},
			{
				// Someone resizes the cluster and adds a tag in the UI.
				PreConfig: func() {
					if _, err := w.Clusters.Edit(ctx, compute.EditCluster{
						ClusterId: id, ClusterName: name, SparkVersion: "15.4.x-cpu-ml-scala2.12", NodeTypeId: "Standard_DS3_v2",
						NumWorkers: 5, AutoterminationMinutes: 60, CustomTags: map[string]string{"manual": "yes"},
					}); err != nil {
						t.Fatalf("editing behind Terraform's back: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("num_workers"), knownvalue.Int64Exact(1)),
				}},
				Check: checkClusterAPI(t, func(c *compute.ClusterDetails) error {
					if c.NumWorkers != 1 || len(c.CustomTags) != 0 {
						return fmt.Errorf("drift not repaired: workers=%d tags=%v", c.NumWorkers, c.CustomTags)
					}
					return nil
				}),
			},
			{
				// Someone deletes it outright: Terraform plans a new one.
				PreConfig: func() {
					if err := w.Clusters.PermanentDeleteByClusterId(ctx, id); err != nil {
						t.Fatalf("deleting behind Terraform's back: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(clusterAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccCluster_badInput(t *testing.T) {
	cases := map[string]struct {
		body string
		want string
	}{
		"negative workers":       {`num_workers = -1`, `Attribute num_workers value must be at least 0, got: -1`},
		"unknown argument":       {`node_type_id_override = 1`, `An argument named "node_type_id_override" is not expected here`},
		"both sizes":             {"num_workers = 1\n  autoscale = { min_workers = 1, max_workers = 2 }", `Attribute "num_workers" cannot be specified when "autoscale" is specified`},
		"short autotermination":  {`autotermination_minutes = 5`, `autotermination_minutes value must be`},
		"single user without id": {`data_security_mode = "SINGLE_USER"`, `needs single_user_name`},
		"unknown security mode":  {`data_security_mode = "OPEN"`, `value must be one of`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      clusterConfig("bad", tc.body),
					ExpectError: regexp.MustCompile(regexp.QuoteMeta(tc.want)),
				}},
			})
		})
	}
}

// An unknown node type passes validation (only the workspace knows its
// sizes) and fails at apply with the API's message, naming the cluster.
func TestAccCluster_unknownNodeTypeFromAPI(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "brickops_cluster" "test" {
  cluster_name  = "bad-node"
  spark_version = "15.4.x-cpu-ml-scala2.12"
  node_type_id  = "Standard_Nope"
}`,
			ExpectError: regexp.MustCompile(`Creating cluster "bad-node": Node type Standard_Nope is not supported`),
		}},
	})
}

// checkClusterAPI reads the test cluster back through the SDK and applies check.
func checkClusterAPI(t *testing.T, check func(*compute.ClusterDetails) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[clusterAddr]
		if !ok {
			return fmt.Errorf("%s not in state", clusterAddr)
		}
		c, err := testWorkspace(t).Clusters.GetByClusterId(context.Background(), rs.Primary.ID)
		if err != nil {
			return err
		}
		return check(c)
	}
}
