package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/brickops/terraform-provider-brickops/internal/version"
)

func TestAccSparkVersionDataSource(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "brickops_spark_version" "lts_ml" {
  long_term_support = true
  ml                = true
}
data "brickops_spark_version" "lts_ml_212" {
  long_term_support = true
  ml                = true
  scala             = "2.12"
}
data "brickops_spark_version" "gpu" {
  gpu           = true
  spark_version = "3.5.0"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.brickops_spark_version.lts_ml", tfjsonpath.New("id"), knownvalue.StringExact("17.3.x-cpu-ml-scala2.13")),
					statecheck.ExpectKnownValue("data.brickops_spark_version.lts_ml_212", tfjsonpath.New("id"), knownvalue.StringExact("16.4.x-cpu-ml-scala2.12")),
					statecheck.ExpectKnownValue("data.brickops_spark_version.gpu", tfjsonpath.New("id"), knownvalue.StringExact("15.4.x-gpu-ml-scala2.12")),
				},
			},
			{
				Config: `
data "brickops_spark_version" "none" {
  spark_version = "9.9"
}`,
				ExpectError: regexp.MustCompile(`No matching Databricks Runtime`),
			},
		},
	})
}

func TestAccNodeTypeDataSource(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "brickops_node_type" "small" {
  min_cores = 4
}
data "brickops_node_type" "memory" {
  min_memory_gb = 60
  gb_per_core   = 8
}
data "brickops_node_type" "gpu" {
  min_gpus = 1
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.brickops_node_type.small", tfjsonpath.New("id"), knownvalue.StringExact("Standard_F4s")),
					statecheck.ExpectKnownValue("data.brickops_node_type.memory", tfjsonpath.New("id"), knownvalue.StringExact("Standard_E8ds_v4")),
					statecheck.ExpectKnownValue("data.brickops_node_type.gpu", tfjsonpath.New("id"), knownvalue.StringExact("Standard_NC4as_T4_v3")),
				},
			},
			{
				Config: `
data "brickops_node_type" "huge" {
  min_cores = 512
}`,
				ExpectError: regexp.MustCompile(`No matching node type`),
			},
		},
	})
}

// The provider identifies itself to Databricks as brickops/<version>.
func TestAccProvider_userAgent(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "brickops_node_type" "any" {}`,
			Check: func(*terraform.State) error {
				entries := requestLog(t, "/api/2.1/clusters/list-node-types")
				if len(entries) == 0 {
					return fmt.Errorf("no list-node-types request logged")
				}
				if ua := entries[len(entries)-1].UserAgent; !strings.Contains(ua, "brickops/"+version.Version) {
					return fmt.Errorf("user agent %q lacks brickops/%s", ua, version.Version)
				}
				return nil
			},
		}},
	})
}
