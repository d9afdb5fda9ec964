package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccServicePrincipalDataSource_lookups(t *testing.T) {
	appID, name := newAppID(), uniqueName("deployer")
	w := testWorkspace(t)
	ctx := context.Background()
	sp, err := w.ServicePrincipalsV2.Create(ctx, iam.CreateServicePrincipalRequest{ApplicationId: appID, DisplayName: name, ExternalId: "entra-obj-1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, twin := range []string{newAppID(), newAppID()} {
		if _, err := w.ServicePrincipalsV2.Create(ctx, iam.CreateServicePrincipalRequest{ApplicationId: twin, DisplayName: name + "-twin"}); err != nil {
			t.Fatal(err)
		}
	}
	lookup := func(key, value string) string {
		return fmt.Sprintf(`
data "brickops_service_principal" "test" {
  %s = %q
}`, key, value)
	}
	found := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.brickops_service_principal.test", tfjsonpath.New("id"), knownvalue.StringExact(sp.Id)),
		statecheck.ExpectKnownValue("data.brickops_service_principal.test", tfjsonpath.New("sp_id"), knownvalue.StringExact(sp.Id)),
		statecheck.ExpectKnownValue("data.brickops_service_principal.test", tfjsonpath.New("scim_id"), knownvalue.StringExact(sp.Id)),
		statecheck.ExpectKnownValue("data.brickops_service_principal.test", tfjsonpath.New("application_id"), knownvalue.StringExact(appID)),
		statecheck.ExpectKnownValue("data.brickops_service_principal.test", tfjsonpath.New("display_name"), knownvalue.StringExact(name)),
		statecheck.ExpectKnownValue("data.brickops_service_principal.test", tfjsonpath.New("active"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue("data.brickops_service_principal.test", tfjsonpath.New("external_id"), knownvalue.StringExact("entra-obj-1")),
		statecheck.ExpectKnownValue("data.brickops_service_principal.test", tfjsonpath.New("home"), knownvalue.StringExact("/Users/"+appID)),
		statecheck.ExpectKnownValue("data.brickops_service_principal.test", tfjsonpath.New("acl_principal_id"), knownvalue.StringExact("servicePrincipals/"+appID)),
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "brickops_service_principal" "test" {
  application_id = %q
  display_name   = %q
}`, appID, name),
				ExpectError: errorRegexp(`Exactly one of these attributes must be configured: [application_id,display_name,scim_id]`),
			},
			{Config: lookup("application_id", appID), ConfigStateChecks: found},
			{Config: lookup("display_name", name), ConfigStateChecks: found},
			{Config: lookup("scim_id", sp.Id), ConfigStateChecks: found},
			{
				Config:      lookup("application_id", "00000000-0000-4000-8000-000000000000"),
				ExpectError: errorRegexp(`No service principal in the workspace has application id "00000000-0000-4000-8000-000000000000".`),
			},
			{
				Config:      lookup("display_name", name+"-twin"),
				ExpectError: errorRegexp(`2 service principals have display name "` + name + `-twin"; look one up by application_id or scim_id instead.`),
			},
		},
	})
}

func TestAccGroupDataSource_members(t *testing.T) {
	name := uniqueName("consumers")
	w := testWorkspace(t)
	ctx := context.Background()
	sp, err := w.ServicePrincipalsV2.Create(ctx, iam.CreateServicePrincipalRequest{ApplicationId: newAppID()})
	if err != nil {
		t.Fatal(err)
	}
	nestedSP, err := w.ServicePrincipalsV2.Create(ctx, iam.CreateServicePrincipalRequest{ApplicationId: newAppID()})
	if err != nil {
		t.Fatal(err)
	}
	user, err := w.UsersV2.Create(ctx, iam.CreateUserRequest{UserName: name + "@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	child, err := w.GroupsV2.Create(ctx, iam.CreateGroupRequest{DisplayName: name + "-child", Members: []iam.ComplexValue{{Value: nestedSP.Id}}})
	if err != nil {
		t.Fatal(err)
	}
	group, err := w.GroupsV2.Create(ctx, iam.CreateGroupRequest{DisplayName: name, ExternalId: "entra-grp",
		Entitlements: []iam.ComplexValue{{Value: "databricks-sql-access"}},
		Members:      []iam.ComplexValue{{Value: sp.Id}, {Value: user.Id}, {Value: child.Id}}})
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(name, extra string) string {
		return fmt.Sprintf(`
data "brickops_group" "test" {
  display_name = %q
%s
}`, name, extra)
	}
	ds := "data.brickops_group.test"
	ids := func(vs ...string) knownvalue.Check {
		var checks []knownvalue.Check
		for _, v := range vs {
			checks = append(checks, knownvalue.StringExact(v))
		}
		return knownvalue.SetExact(checks)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: lookup(name, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.StringExact(group.Id)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("users"), ids(user.Id)),
					// Recursive by default: the child group's members count.
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("service_principals"), ids(sp.Id, nestedSP.Id)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("child_groups"), ids(child.Id)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("members"), knownvalue.SetSizeExact(4)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("external_id"), knownvalue.StringExact("entra-grp")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("acl_principal_id"), knownvalue.StringExact("groups/"+name)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("databricks_sql_access"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("workspace_access"), knownvalue.Bool(false)),
				},
			},
			{
				Config: lookup(name+"-child", "  recursive = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("service_principals"), ids(nestedSP.Id)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("groups"), ids(group.Id)),
				},
			},
			{
				Config:            lookup(name, "  recursive = false"),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(ds, tfjsonpath.New("service_principals"), ids(sp.Id))},
			},
			{Config: lookup(name+"-nobody", ""), ExpectError: errorRegexp(`No group in the workspace is named "` + name + `-nobody".`)},
		},
	})
}
