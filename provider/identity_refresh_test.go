package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/brickops/terraform-provider-brickops/provider"
)

// TestAccRefreshCache_identities is the batched-refresh drift test for
// service principals, groups and group members: objects changed and
// deleted behind Terraform's back are found alike by per-object GETs and
// by the SCIM lists, and the batched plan reads none of them one by one.
func TestAccRefreshCache_identities(t *testing.T) {
	prefix := uniqueName("refresh")
	appIDs := []string{newAppID(), newAppID(), newAppID()}
	config := fmt.Sprintf(`
locals {
  cases   = ["same", "changed", "deleted"]
  app_ids = [%q, %q, %q]
}
resource "brickops_service_principal" "p" {
  count          = 3
  application_id = local.app_ids[count.index]
  display_name   = "%[4]s-${local.cases[count.index]}"
}
resource "brickops_group" "g" {
  count        = 3
  display_name = "%[4]s-${local.cases[count.index]}"
}
resource "brickops_group_member" "m" {
  count     = 3
  group_id  = brickops_group.g[0].id
  member_id = brickops_service_principal.p[count.index].id
}
`, appIDs[0], appIDs[1], appIDs[2], prefix)
	w := testWorkspace(t)
	ctx := context.Background()
	ids := map[string]string{}
	drift := func() {
		must := func(what string, err error) {
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		must("service principal changed", w.ServicePrincipalsV2.Patch(ctx, iam.PatchServicePrincipalRequest{Id: ids["brickops_service_principal.p.1"],
			Operations: []iam.Patch{{Op: iam.PatchOpReplace, Path: "displayName", Value: "renamed"}}}))
		must("service principal deleted", w.ServicePrincipalsV2.Delete(ctx, iam.DeleteServicePrincipalRequest{Id: ids["brickops_service_principal.p.2"]}))
		must("group changed", w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: ids["brickops_group.g.1"],
			Operations: []iam.Patch{{Op: iam.PatchOpAdd, Path: "entitlements", Value: []map[string]string{{"value": "workspace-access"}}}}}))
		must("group deleted", w.GroupsV2.Delete(ctx, iam.DeleteGroupRequest{Id: ids["brickops_group.g.2"]}))
		must("membership removed", w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: ids["brickops_group.g.0"],
			Operations: []iam.Patch{{Op: iam.PatchOpRemove, Path: `members[value eq "` + ids["brickops_service_principal.p.1"] + `"]`}}}))
	}
	perObjectFactories := map[string]func() (tfprotov6.ProviderServer, error){
		"brickops": providerserver.NewProtocol6WithError(provider.NewPerObjectRefresh("test")()),
	}
	var perObject, batched plannedDrift
	var mark uint64
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Config:                   config,
				Check: func(s *terraform.State) error {
					for addr, r := range s.RootModule().Resources {
						ids[addr] = r.Primary.ID
					}
					return nil
				},
			},
			{
				PreConfig:                drift,
				ProtoV6ProviderFactories: perObjectFactories,
				Config:                   config,
				PlanOnly:                 true,
				ExpectNonEmptyPlan:       true,
				ConfigPlanChecks:         resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{perObject.record(nil)}},
			},
			{
				PreConfig: func() {
					if log := requestLog(t, "/api/"); len(log) > 0 {
						mark = log[len(log)-1].Seq
					}
				},
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Config:                   config,
				PlanOnly:                 true,
				ExpectNonEmptyPlan:       true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{batched.record(func() {
					for _, e := range requestLog(t, "/api/2.0/preview/scim/v2/") {
						if e.Seq <= mark || e.Method != "GET" {
							continue
						}
						for _, id := range ids {
							if strings.HasSuffix(e.Path, "/"+id) {
								t.Errorf("batched refresh read one object at a time: GET %s", e.Path)
							}
						}
					}
				})}},
			},
		},
	})
	checkSameDrift(t, perObject, batched, []string{
		`brickops_service_principal.p[1] update`, `brickops_service_principal.p[2] delete`,
		`brickops_group.g[1] update`, `brickops_group.g[2] delete`,
		`brickops_group_member.m[1] delete`, `brickops_group_member.m[2] delete`,
	})
}
