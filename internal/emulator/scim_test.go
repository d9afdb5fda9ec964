package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/listing"
	"github.com/databricks/databricks-sdk-go/service/iam"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// memberValues lists the values of a multi-valued SCIM attribute.
func memberValues(vs []iam.ComplexValue) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Value)
	}
	return out
}

// The SDK's UsersV2, GroupsV2 and ServicePrincipalsV2 clients (Users,
// Groups and ServicePrincipals are deprecated aliases) call the same paths.
func TestSCIM_usersGroupsAndServicePrincipalsThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()

	// Me is the current user of the Users store, admin and in users.
	me, err := w.CurrentUser.Me(ctx)
	if err != nil {
		t.Fatalf("me: %v", err)
	}
	listed, err := w.UsersV2.ListAll(ctx, iam.ListUsersRequest{Filter: `userName eq "` + me.UserName + `"`})
	if err != nil || len(listed) != 1 || listed[0].Id != me.Id || !slices.Contains(memberValues(listed[0].Groups), "7000000000000100") {
		t.Fatalf("current user in Users = %+v, %v (Me %+v)", listed, err, me)
	}

	ana, err := w.UsersV2.Create(ctx, iam.CreateUserRequest{UserName: "ana@example.com", Name: &iam.Name{GivenName: "Ana"}, Entitlements: []iam.ComplexValue{{Value: "allow-cluster-create"}}})
	if err != nil || ana.Id == "" || !ana.Active || ana.DisplayName != "ana@example.com" || len(ana.Emails) != 1 {
		t.Fatalf("create user = %+v, %v", ana, err)
	}
	_, err = w.UsersV2.Create(ctx, iam.CreateUserRequest{UserName: "ANA@example.com"})
	wantAPIError(t, err, http.StatusConflict, "SCIM_409", "User with userName ANA@example.com already exists.")

	// Azure service principals carry their Entra application id.
	appID := "0f9e8d7c-6b5a-4a3b-9c2d-1e0f9a8b7c6d"
	sp, err := w.ServicePrincipalsV2.Create(ctx, iam.CreateServicePrincipalRequest{ApplicationId: appID, DisplayName: "deployer"})
	if err != nil || sp.ApplicationId != appID || !sp.Active {
		t.Fatalf("create service principal = %+v, %v", sp, err)
	}
	sps, err := w.ServicePrincipalsV2.ListAll(ctx, iam.ListServicePrincipalsRequest{Filter: `applicationId eq "` + appID + `"`})
	if err != nil || len(sps) != 1 || sps[0].Id != sp.Id {
		t.Fatalf("service principal by application id = %+v, %v", sps, err)
	}

	group, err := w.GroupsV2.Create(ctx, iam.CreateGroupRequest{DisplayName: "data-team", Members: []iam.ComplexValue{{Value: ana.Id}}})
	if err != nil || len(group.Members) != 1 || group.Members[0].Display != "ana@example.com" || group.Members[0].Ref != "Users/"+ana.Id {
		t.Fatalf("create group = %+v, %v", group, err)
	}
	err = w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: group.Id, Schemas: []iam.PatchSchema{iam.PatchSchemaUrnIetfParamsScimApiMessages20PatchOp},
		Operations: []iam.Patch{{Op: iam.PatchOpAdd, Path: "members", Value: []map[string]string{{"value": sp.Id}}}}})
	if err != nil {
		t.Fatalf("patch add member: %v", err)
	}
	got, err := w.GroupsV2.Get(ctx, iam.GetGroupRequest{Id: group.Id})
	if err != nil || !slices.Equal(memberValues(got.Members), []string{ana.Id, sp.Id}) {
		t.Fatalf("group after add = %+v, %v", got, err)
	}
	// Membership shows on the member.
	gotSP, err := w.ServicePrincipalsV2.Get(ctx, iam.GetServicePrincipalRequest{Id: sp.Id})
	if err != nil || !slices.Equal(memberValues(gotSP.Groups), []string{group.Id}) {
		t.Fatalf("service principal groups = %+v, %v", gotSP, err)
	}
	err = w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: group.Id, Operations: []iam.Patch{{Op: iam.PatchOpRemove, Path: `members[value eq "` + ana.Id + `"]`}}})
	if err != nil {
		t.Fatalf("patch remove member: %v", err)
	}
	gotAna, err := w.UsersV2.Get(ctx, iam.GetUserRequest{Id: ana.Id})
	if err != nil || len(gotAna.Groups) != 0 {
		t.Fatalf("user after removal = %+v, %v", gotAna, err)
	}

	// PATCH replace and PUT on a user.
	err = w.UsersV2.Patch(ctx, iam.PatchUserRequest{Id: ana.Id, Operations: []iam.Patch{{Op: iam.PatchOpReplace, Path: "displayName", Value: "Ana Silva"}}})
	if err != nil {
		t.Fatalf("patch user: %v", err)
	}
	if gotAna, err = w.UsersV2.Get(ctx, iam.GetUserRequest{Id: ana.Id}); err != nil || gotAna.DisplayName != "Ana Silva" {
		t.Fatalf("user after patch = %+v, %v", gotAna, err)
	}
	err = w.UsersV2.Update(ctx, iam.UpdateUserRequest{Id: ana.Id, UserName: "ana@example.com", DisplayName: "Ana", Roles: []iam.ComplexValue{{Value: "arn"}}})
	if err != nil {
		t.Fatalf("put user: %v", err)
	}
	if gotAna, err = w.UsersV2.Get(ctx, iam.GetUserRequest{Id: ana.Id}); err != nil || gotAna.DisplayName != "Ana" || len(gotAna.Entitlements) != 0 || len(gotAna.Roles) != 1 {
		t.Fatalf("user after put = %+v, %v", gotAna, err)
	}

	// Paging: the SDK walks startIndex/count to the end.
	for _, n := range []string{"b@example.com", "c@example.com"} {
		if _, err := w.UsersV2.Create(ctx, iam.CreateUserRequest{UserName: n}); err != nil {
			t.Fatalf("create %s: %v", n, err)
		}
	}
	// (ListAll stops after Count items; the iterator walks every page.)
	all, err := listing.ToSlice(ctx, w.UsersV2.List(ctx, iam.ListUsersRequest{Count: 1, Attributes: "id,userName", SortBy: "userName"}))
	if err != nil || len(all) != 4 || all[0].UserName != "ana@example.com" || all[0].DisplayName != "" {
		t.Fatalf("paged list = %+v, %v", all, err)
	}

	// Deleting a member takes it out of its groups.
	if err := w.ServicePrincipalsV2.Delete(ctx, iam.DeleteServicePrincipalRequest{Id: sp.Id}); err != nil {
		t.Fatalf("delete service principal: %v", err)
	}
	if got, err = w.GroupsV2.Get(ctx, iam.GetGroupRequest{Id: group.Id}); err != nil || len(got.Members) != 0 {
		t.Fatalf("group after member deletion = %+v, %v", got, err)
	}
	if err := w.GroupsV2.Delete(ctx, iam.DeleteGroupRequest{Id: group.Id}); err != nil {
		t.Fatalf("delete group: %v", err)
	}
	if err := w.UsersV2.Delete(ctx, iam.DeleteUserRequest{Id: ana.Id}); err != nil {
		t.Fatalf("delete user: %v", err)
	}
	_, err = w.UsersV2.Get(ctx, iam.GetUserRequest{Id: ana.Id})
	wantAPIError(t, err, http.StatusNotFound, "SCIM_404", "User "+ana.Id+" not found.")
	if !errors.Is(err, apierr.ErrNotFound) {
		t.Errorf("get after delete is not ErrNotFound: %v", err)
	}
}
