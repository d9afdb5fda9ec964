package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/iam"
)

// TestAccRefreshCache_identities is the batched-refresh drift test for
// service principals, groups and group members: objects changed, deleted
// and recreated behind Terraform's back are found alike by per-object GETs
// and by the SCIM lists, and the batched plan reads none of them one by one.
func TestAccRefreshCache_identities(t *testing.T) {
	prefix := uniqueName("refresh")
	appIDs := []string{newAppID(), newAppID(), newAppID(), newAppID()}
	config := identityKindsConfig(prefix, appIDs)
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
		must("service principal recreated (delete)", w.ServicePrincipalsV2.Delete(ctx, iam.DeleteServicePrincipalRequest{Id: ids["brickops_service_principal.p.3"]}))
		must("service principal recreated", errOnly(w.ServicePrincipalsV2.Create(ctx, iam.CreateServicePrincipalRequest{ApplicationId: appIDs[3], DisplayName: prefix + "-recreated"})))
		must("group changed", w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: ids["brickops_group.g.1"],
			Operations: []iam.Patch{{Op: iam.PatchOpAdd, Path: "entitlements", Value: []map[string]string{{"value": "workspace-access"}}}}}))
		must("group deleted", w.GroupsV2.Delete(ctx, iam.DeleteGroupRequest{Id: ids["brickops_group.g.2"]}))
		must("group recreated (delete)", w.GroupsV2.Delete(ctx, iam.DeleteGroupRequest{Id: ids["brickops_group.g.3"]}))
		must("group recreated", errOnly(w.GroupsV2.Create(ctx, iam.CreateGroupRequest{DisplayName: prefix + "-recreated"})))
		must("membership removed", w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: ids["brickops_group.g.0"],
			Operations: []iam.Patch{{Op: iam.PatchOpRemove, Path: `members[value eq "` + ids["brickops_service_principal.p.1"] + `"]`}}}))
	}
	_, batched := planDriftBothWays(t, config, ids, drift, func(mark uint64) {
		var mine []string
		for _, id := range ids {
			mine = append(mine, id)
		}
		checkListedNotRead(t, mark, mine, nil, "/preview/scim/v2/")
	})
	checkDriftFound(t, batched, []string{
		`brickops_service_principal.p[1] update`, `brickops_service_principal.p[2] delete`, `brickops_service_principal.p[3] delete`,
		`brickops_group.g[1] update`, `brickops_group.g[2] delete`, `brickops_group.g[3] delete`,
		`brickops_group_member.m[1] delete`, `brickops_group_member.m[2] delete`, `brickops_group_member.m[3] delete`,
	})
}

// identityKindsConfig has refreshCases service principals (with appIDs),
// groups, and memberships of each principal in the first group.
func identityKindsConfig(prefix string, appIDs []string) string {
	return fmt.Sprintf(`
locals {
  cases   = ["same", "changed", "deleted", "recreated"]
  app_ids = [%q, %q, %q, %q]
}
resource "brickops_service_principal" "p" {
  count          = 4
  application_id = local.app_ids[count.index]
  display_name   = "%[5]s-${local.cases[count.index]}"
}
resource "brickops_group" "g" {
  count        = 4
  display_name = "%[5]s-${local.cases[count.index]}"
}
resource "brickops_group_member" "m" {
  count     = 4
  group_id  = brickops_group.g[0].id
  member_id = brickops_service_principal.p[count.index].id
}
`, appIDs[0], appIDs[1], appIDs[2], appIDs[3], prefix)
}
