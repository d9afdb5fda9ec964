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

const policyAddr = "brickops_cluster_policy.test"

// policyConfig writes the definition as a heredoc, in the user's key order
// and spacing: the API answers it re-encoded.
func policyConfig(name, definition, extra string) string {
	return fmt.Sprintf(`
resource "brickops_cluster_policy" "test" {
  name       = %q
  definition = <<-JSON
    %s
  JSON
%s
}
`, name, definition, extra)
}

func TestAccClusterPolicy_lifecycle(t *testing.T) {
	name := uniqueName("policy")
	w := testWorkspace(t)
	var id string
	def := `{"spark_version": {"type": "fixed", "value": "15.4.x-cpu-ml-scala2.12"}, "autotermination_minutes": {"type": "range", "maxValue": 60}}`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: policyConfig(name, def, `  max_clusters_per_user = 2`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("policy_id"), knownvalue.NotNull()),
				},
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[policyAddr].Primary.ID
					return nil
				},
			},
			{
				// The same rules in another order and layout: Terraform shows a
				// whitespace-only change of the text, and the policy is unchanged.
				Config: policyConfig(name, `{"autotermination_minutes":{"maxValue":60,"type":"range"},"spark_version":{"value":"15.4.x-cpu-ml-scala2.12","type":"fixed"}}`, `  max_clusters_per_user = 2`),
				Check: func(*terraform.State) error {
					got, err := w.ClusterPolicies.GetByPolicyId(context.Background(), id)
					if err != nil || got.Definition != `{"autotermination_minutes":{"maxValue":60,"type":"range"},"spark_version":{"type":"fixed","value":"15.4.x-cpu-ml-scala2.12"}}` {
						return fmt.Errorf("policy = %+v, %v", got, err)
					}
					return nil
				},
			},
			{
				Config:           policyConfig(name+"-v2", `{"autotermination_minutes": {"type": "range", "maxValue": 30}}`, `  description = "jobs"`),
				ConfigPlanChecks: expectAction(policyAddr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					got, err := w.ClusterPolicies.GetByPolicyId(context.Background(), id)
					if err != nil {
						return err
					}
					if got.Name != name+"-v2" || got.Definition != `{"autotermination_minutes":{"maxValue":30,"type":"range"}}` || got.MaxClustersPerUser != 0 {
						return fmt.Errorf("update not applied: %+v", got)
					}
					return nil
				},
			},
			{ResourceName: policyAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"definition"}},
			{
				PreConfig: func() {
					if err := w.ClusterPolicies.Edit(context.Background(), compute.EditPolicy{PolicyId: id, Name: name + "-v2", Definition: `{"autotermination_minutes":{"type":"unlimited"}}`}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           policyConfig(name+"-v2", `{"autotermination_minutes": {"type": "range", "maxValue": 30}}`, `  description = "jobs"`),
				ConfigPlanChecks: expectAction(policyAddr, plancheck.ResourceActionUpdate),
			},
			{
				PreConfig: func() {
					if err := w.ClusterPolicies.DeleteByPolicyId(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config:           policyConfig(name+"-v2", `{"autotermination_minutes": {"type": "range", "maxValue": 30}}`, `  description = "jobs"`),
				ConfigPlanChecks: expectAction(policyAddr, plancheck.ResourceActionCreate),
			},
		},
	})
}

func TestAccClusterPolicy_badInput(t *testing.T) {
	name := uniqueName("policy")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: policyConfig(name, `{"spark_version": {"type": "pinned"}}`, ""), ExpectError: errorRegexp(`Creating cluster policy "` + name + `": Invalid policy definition: rule for "spark_version" has type "pinned"`)},
			{Config: policyConfig(name, `{"spark_version": `, ""), ExpectError: errorRegexp(`Invalid JSON String Value`)},
			{Config: fmt.Sprintf("resource \"brickops_cluster_policy\" \"test\" {\n  name = %q\n}", name), ExpectError: errorRegexp(`At least one of these attributes must be configured: [definition,policy_family_id]`)},
		},
	})
}
