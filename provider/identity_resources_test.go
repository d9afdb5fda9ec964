package provider_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

const (
	spAddr          = "brickops_service_principal.test"
	groupAddr       = "brickops_group.test"
	groupMemberAddr = "brickops_group_member.test"
)

// newAppID is a random Entra ID application id.
func newAppID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func spConfig(body string) string {
	return fmt.Sprintf(`
resource "brickops_service_principal" "test" {
%s
}
`, body)
}

// stateID is the id Terraform recorded for addr.
func stateID(s *terraform.State, addr string) string {
	return s.RootModule().Resources[addr].Primary.ID
}

func entitlementValues(vs []iam.ComplexValue) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Value)
	}
	slices.Sort(out)
	return out
}

func TestAccServicePrincipal_lifecycle(t *testing.T) {
	appID, otherAppID := newAppID(), newAppID()
	name := uniqueName("deployer")
	w := testWorkspace(t)
	ctx := context.Background()
	var id string
	first := spConfig(fmt.Sprintf(`
  application_id       = %q
  display_name         = %q
  allow_cluster_create = true`, appID, name))
	updated := spConfig(fmt.Sprintf(`
  application_id        = %q
  display_name          = "%s-renamed"
  active                = false
  databricks_sql_access = true
  workspace_access      = true`, appID, name))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("application_id"), knownvalue.StringExact(appID)),
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("allow_cluster_create"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("workspace_access"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("home"), knownvalue.StringExact("/Users/"+appID)),
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("repos"), knownvalue.StringExact("/Repos/"+appID)),
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("acl_principal_id"), knownvalue.StringExact("servicePrincipals/"+appID)),
				},
				Check: func(s *terraform.State) error {
					id = stateID(s, spAddr)
					sp, err := w.ServicePrincipalsV2.Get(ctx, iam.GetServicePrincipalRequest{Id: id})
					if err != nil || sp.DisplayName != name || !slices.Equal(entitlementValues(sp.Entitlements), []string{"allow-cluster-create"}) {
						return fmt.Errorf("service principal = %+v, %v", sp, err)
					}
					return nil
				},
			},
			{
				Config:           updated,
				ConfigPlanChecks: expectAction(spAddr, plancheck.ResourceActionUpdate),
				Check: func(s *terraform.State) error {
					sp, err := w.ServicePrincipalsV2.Get(ctx, iam.GetServicePrincipalRequest{Id: id})
					if err != nil || stateID(s, spAddr) != id || sp.DisplayName != name+"-renamed" || sp.Active ||
						!slices.Equal(entitlementValues(sp.Entitlements), []string{"databricks-sql-access", "workspace-access"}) {
						return fmt.Errorf("update not applied in place: %+v, %v", sp, err)
					}
					return nil
				},
			},
			// The official provider's import id: the SCIM id.
			{ResourceName: spAddr, ImportState: true, ImportStateVerify: true},
			{
				// Changed behind Terraform's back: changed back.
				PreConfig: func() {
					err := w.ServicePrincipalsV2.Patch(ctx, iam.PatchServicePrincipalRequest{Id: id, Operations: []iam.Patch{
						{Op: iam.PatchOpReplace, Path: "displayName", Value: "someone-else"},
						{Op: iam.PatchOpAdd, Path: "entitlements", Value: []map[string]string{{"value": "allow-instance-pool-create"}}},
					}})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:           updated,
				ConfigPlanChecks: expectAction(spAddr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					sp, err := w.ServicePrincipalsV2.Get(ctx, iam.GetServicePrincipalRequest{Id: id})
					if err != nil || sp.DisplayName != name+"-renamed" || slices.Contains(entitlementValues(sp.Entitlements), "allow-instance-pool-create") {
						return fmt.Errorf("drift not repaired: %+v, %v", sp, err)
					}
					return nil
				},
			},
			{
				// Deleted behind Terraform's back: created again.
				PreConfig: func() {
					if err := w.ServicePrincipalsV2.Delete(ctx, iam.DeleteServicePrincipalRequest{Id: id}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           updated,
				ConfigPlanChecks: expectAction(spAddr, plancheck.ResourceActionCreate),
			},
			{
				Config:           spConfig(fmt.Sprintf("application_id = %q", otherAppID)),
				ConfigPlanChecks: expectAction(spAddr, plancheck.ResourceActionDestroyBeforeCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					// The display name defaults to the application id.
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("display_name"), knownvalue.StringExact(otherAppID)),
				},
				Check: func(*terraform.State) error {
					sps, err := w.ServicePrincipalsV2.ListAll(ctx, iam.ListServicePrincipalsRequest{Filter: `applicationId eq "` + appID + `"`})
					if err != nil || len(sps) != 0 {
						return fmt.Errorf("replaced service principal still there: %+v, %v", sps, err)
					}
					return nil
				},
			},
		},
	})
}

// Without an application id (outside Azure) the workspace makes one.
func TestAccServicePrincipal_generatedApplicationID(t *testing.T) {
	name := uniqueName("sp")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: spConfig(fmt.Sprintf("display_name = %q", name)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("application_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))),
				statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("display_name"), knownvalue.StringExact(name)),
			},
		}},
	})
}

// force adopts a service principal added by hand and brings it to the
// configuration; without force the user is told how to import it.
func TestAccServicePrincipal_force(t *testing.T) {
	appID := newAppID()
	w := testWorkspace(t)
	ctx := context.Background()
	existing, err := w.ServicePrincipalsV2.Create(ctx, iam.CreateServicePrincipalRequest{ApplicationId: appID, DisplayName: "by-hand"})
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: spConfig(fmt.Sprintf("application_id = %q\n  display_name = \"deployer\"", appID)),
				ExpectError: regexp.MustCompile(errorRegexp(fmt.Sprintf(`Creating service principal %q: `, appID)+
					`uniqueness Service principal with applicationId `+appID+` already exists., and this create did not make it: `+
					`it existed before this create started. `).String() + `[\s\S]*` + regexp.QuoteMeta(`terraform import brickops_service_principal.<name> '`+existing.Id+`'`)),
			},
			{
				Config: spConfig(fmt.Sprintf("application_id = %q\n  display_name = \"deployer\"\n  force = true", appID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("id"), knownvalue.StringExact(existing.Id)),
					statecheck.ExpectKnownValue(spAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("deployer")),
				},
			},
		},
	})
}

func TestAccServicePrincipal_badInput(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: spConfig(`application_id = "deployer"`), ExpectError: errorRegexp(`must be a UUID (the Entra ID application id)`)},
			{Config: spConfig(`active = true`), ExpectError: errorRegexp(`At least one of these attributes must be configured: [application_id,display_name]`)},
			{
				Config:      spConfig(`display_name = "x"` + "\n  disable_as_user_deletion = true\n  force_delete_home_dir = true"),
				ExpectError: errorRegexp(`force_delete_home_dir deletes the service principal's folders, but disable_as_user_deletion keeps the service principal`),
			},
			{
				Config:      spConfig(`display_name = "x"` + "\n  workspace_consume = true\n  workspace_access = true"),
				ExpectError: errorRegexp(`Attribute "workspace_access" cannot be specified when "workspace_consume" is specified`),
			},
		},
	})
}

// disable_as_user_deletion keeps the service principal, deactivated.
func TestAccServicePrincipal_disableOnDestroy(t *testing.T) {
	appID := newAppID()
	w := testWorkspace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			sps, err := w.ServicePrincipalsV2.ListAll(context.Background(), iam.ListServicePrincipalsRequest{Filter: `applicationId eq "` + appID + `"`})
			if err != nil || len(sps) != 1 || sps[0].Active {
				return fmt.Errorf("after destroy = %+v, %v; want one inactive service principal", sps, err)
			}
			return nil
		},
		Steps: []resource.TestStep{{Config: spConfig(fmt.Sprintf("application_id = %q\n  disable_as_user_deletion = true", appID))}},
	})
}

func groupConfig(name, body string) string {
	return fmt.Sprintf(`
resource "brickops_group" "test" {
  display_name = %q
%s
}
`, name, body)
}

func TestAccGroup_lifecycle(t *testing.T) {
	name := uniqueName("ml-team")
	w := testWorkspace(t)
	ctx := context.Background()
	var id string
	updated := groupConfig(name+"-renamed", `
  workspace_access     = true
  allow_cluster_create = true
  external_id          = "entra-1"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: groupConfig(name, `  databricks_sql_access = true
  external_id           = "entra-1"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("acl_principal_id"), knownvalue.StringExact("groups/"+name)),
					statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("url"), knownvalue.StringRegexp(regexp.MustCompile(`/#setting/accounts/groups/\d+$`))),
					statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("databricks_sql_access"), knownvalue.Bool(true)),
				},
				Check: func(s *terraform.State) error {
					id = stateID(s, groupAddr)
					g, err := w.GroupsV2.Get(ctx, iam.GetGroupRequest{Id: id})
					if err != nil || g.DisplayName != name || g.ExternalId != "entra-1" || !slices.Equal(entitlementValues(g.Entitlements), []string{"databricks-sql-access"}) {
						return fmt.Errorf("group = %+v, %v", g, err)
					}
					return nil
				},
			},
			{
				Config:           updated,
				ConfigPlanChecks: expectAction(groupAddr, plancheck.ResourceActionUpdate),
				Check: func(s *terraform.State) error {
					g, err := w.GroupsV2.Get(ctx, iam.GetGroupRequest{Id: id})
					if err != nil || stateID(s, groupAddr) != id || g.DisplayName != name+"-renamed" ||
						!slices.Equal(entitlementValues(g.Entitlements), []string{"allow-cluster-create", "workspace-access"}) {
						return fmt.Errorf("update not applied in place: %+v, %v", g, err)
					}
					return nil
				},
			},
			{ResourceName: groupAddr, ImportState: true, ImportStateVerify: true},
			{
				PreConfig: func() {
					err := w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: id, Operations: []iam.Patch{
						{Op: iam.PatchOpRemove, Path: `entitlements[value eq "workspace-access"]`},
					}})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:           updated,
				ConfigPlanChecks: expectAction(groupAddr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					g, err := w.GroupsV2.Get(ctx, iam.GetGroupRequest{Id: id})
					if err != nil || !slices.Contains(entitlementValues(g.Entitlements), "workspace-access") {
						return fmt.Errorf("drift not repaired: %+v, %v", g, err)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := w.GroupsV2.Delete(ctx, iam.DeleteGroupRequest{Id: id}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           updated,
				ConfigPlanChecks: expectAction(groupAddr, plancheck.ResourceActionCreate),
			},
			{
				// The official provider replaces a group whose external id changes.
				Config: groupConfig(name+"-renamed", `
  workspace_access     = true
  allow_cluster_create = true
  external_id          = "entra-2"`),
				ConfigPlanChecks: expectAction(groupAddr, plancheck.ResourceActionDestroyBeforeCreate),
			},
			{
				// Left unset, whatever the identity provider's sync wrote stays.
				Config:   groupConfig(name+"-renamed", "  workspace_access = true\n  allow_cluster_create = true"),
				PlanOnly: true,
			},
		},
	})
}

func TestAccGroup_forceAndBadInput(t *testing.T) {
	name := uniqueName("by-hand")
	w := testWorkspace(t)
	existing, err := w.GroupsV2.Create(context.Background(), iam.CreateGroupRequest{DisplayName: name})
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: groupConfig("admins", ""), ExpectError: errorRegexp(`Attribute display_name value must be none of: ["users" "admins"]`)},
			{
				Config: groupConfig(name, ""),
				ExpectError: regexp.MustCompile(errorRegexp(fmt.Sprintf(`Creating group %q: uniqueness Group with displayName %s already exists., and this create did not make it: `+
					`it existed before this create started. `, name, name)+
					`BrickOps adopts an existing object only when it is provably this create's`).String() + `[\s\S]*` +
					regexp.QuoteMeta(`terraform import brickops_group.<name> '`+existing.Id+`'`)),
			},
			{
				Config: groupConfig(name, "  force = true\n  workspace_access = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("id"), knownvalue.StringExact(existing.Id)),
					statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("workspace_access"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

func TestAccGroupMember_lifecycle(t *testing.T) {
	group, other := uniqueName("team"), uniqueName("team")
	appID := newAppID()
	w := testWorkspace(t)
	ctx := context.Background()
	config := func(member string) string {
		return fmt.Sprintf(`
resource "brickops_group" "test" {
  display_name = %q
}
resource "brickops_group" "other" {
  display_name = %q
}
resource "brickops_service_principal" "test" {
  application_id = %q
}
resource "brickops_group_member" "test" {
  group_id  = brickops_group.test.id
  member_id = %s
}
`, group, other, appID, member)
	}
	var groupID, spID string
	members := func() []string {
		g, err := w.GroupsV2.Get(ctx, iam.GetGroupRequest{Id: groupID})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range g.Members {
			out = append(out, m.Value)
		}
		return out
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("brickops_service_principal.test.id"),
				Check: func(s *terraform.State) error {
					groupID, spID = stateID(s, groupAddr), stateID(s, spAddr)
					if got := stateID(s, groupMemberAddr); got != groupID+"|"+spID {
						return fmt.Errorf("id = %q, want <group_id>|<member_id>", got)
					}
					if m := members(); !slices.Equal(m, []string{spID}) {
						return fmt.Errorf("members = %v, want [%s]", m, spID)
					}
					return nil
				},
			},
			{ResourceName: groupMemberAddr, ImportState: true, ImportStateVerify: true},
			{
				// Removed behind Terraform's back: added again.
				PreConfig: func() {
					err := w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: groupID, Operations: []iam.Patch{{Op: iam.PatchOpRemove, Path: `members[value eq "` + spID + `"]`}}})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:           config("brickops_service_principal.test.id"),
				ConfigPlanChecks: expectAction(groupMemberAddr, plancheck.ResourceActionCreate),
			},
			{
				// A group in a group; the service principal leaves.
				Config:           config("brickops_group.other.id"),
				ConfigPlanChecks: expectAction(groupMemberAddr, plancheck.ResourceActionDestroyBeforeCreate),
				Check: func(s *terraform.State) error {
					if m := members(); !slices.Equal(m, []string{stateID(s, "brickops_group.other")}) {
						return fmt.Errorf("members = %v, want only the other group", m)
					}
					return nil
				},
			},
			{
				ResourceName: groupMemberAddr, ImportState: true, ImportStateId: "12345",
				ExpectError: errorRegexp(`Import a group member as <group_id>|<member_id>, got "12345".`),
			},
		},
	})
}

func TestAccGroupMember_badInput(t *testing.T) {
	name := uniqueName("team")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: groupConfig(name, "") + `
resource "brickops_group_member" "test" {
  group_id  = brickops_group.test.id
  member_id = "4242"
}`,
			ExpectError: regexp.MustCompile(`Adding member 4242 to group \d+:\s+Member 4242 not\s+found.`),
		}},
	})
}

// brickops_permissions names a brickops_group by its display name.
func TestAccPermissions_group(t *testing.T) {
	job, group := uniqueName("job"), uniqueName("ml-team")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: groupConfig(group, "") + permissionsJobConfig(job, `
  access_control {
    group_name       = brickops_group.test.display_name
    permission_level = "CAN_MANAGE"
  }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(permissionsAddr, tfjsonpath.New("access_control"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"group_name": knownvalue.StringExact(group), "permission_level": knownvalue.StringExact("CAN_MANAGE"),
					}),
				})),
			},
		}},
	})
}

// lostIdentityWrites are the creates of the identity resources whose
// answer TestAccLostAnswers_identitiesConverge loses.
var lostIdentityWrites = [][2]string{
	{"POST", "/api/2.0/preview/scim/v2/ServicePrincipals"},
	{"POST", "/api/2.0/preview/scim/v2/Groups"},
	{"PATCH", "/api/2.0/preview/scim/v2/Groups/"},
}

// TestAccLostAnswers_identitiesConverge loses the answer to the first
// create of a service principal (keyed by application id, then by display
// name only), of a group and of a membership — the write happens, the
// client gets a 503 — and each apply still ends with one object each.
func TestAccLostAnswers_identitiesConverge(t *testing.T) {
	emu := emulatortest.Start(t)
	loseFirstAnswers(t, emu, lostIdentityWrites)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	appID := newAppID()
	provider := fmt.Sprintf(`
provider "brickops" {
  host  = %q
  token = %q
}`, emu.URL, emu.Token)
	keyed := provider + fmt.Sprintf(`
resource "brickops_service_principal" "keyed" {
  application_id = %q
}
resource "brickops_group" "g" {
  display_name = "lost"
}
resource "brickops_group_member" "m" {
  group_id  = brickops_group.g.id
  member_id = brickops_service_principal.keyed.id
}
`, appID)
	named := keyed + `
resource "brickops_service_principal" "named" {
  display_name = "lost-by-name"
}`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: keyed,
				Check: func(*terraform.State) error {
					if err := answersLost(t, emu, lostIdentityWrites); err != nil {
						return err
					}
					sps, err := w.ServicePrincipalsV2.ListAll(ctx, iam.ListServicePrincipalsRequest{Filter: `applicationId eq "` + appID + `"`})
					if err := wantOne("service principals with the application id", len(sps), err); err != nil {
						return err
					}
					gs, err := w.GroupsV2.ListAll(ctx, iam.ListGroupsRequest{Filter: `displayName eq "lost"`})
					if err := wantOne("groups named lost", len(gs), err); err != nil {
						return err
					}
					return wantOne("members of lost", len(gs[0].Members), nil)
				},
			},
			{
				PreConfig: func() { loseFirstAnswers(t, emu, lostIdentityWrites[:1]) },
				Config:    named,
				Check: func(*terraform.State) error {
					var lost int
					for _, r := range emu.Requests(t, lostIdentityWrites[0][1]) {
						if r.Method == "POST" && r.Status == 503 {
							lost++
						}
					}
					if lost != 2 {
						return fmt.Errorf("%d service principal creates lost their answer, want 2", lost)
					}
					sps, err := w.ServicePrincipalsV2.ListAll(ctx, iam.ListServicePrincipalsRequest{Filter: `displayName eq "lost-by-name"`})
					return wantOne("service principals named lost-by-name", len(sps), err)
				},
			},
		},
	})
}
