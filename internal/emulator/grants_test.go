package emulator_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestGrants_getAndPatchThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "churn")

	empty, err := w.Grants.Get(ctx, catalog.GetGrantRequest{SecurableType: "catalog", FullName: "dev"})
	if err != nil || len(empty.PrivilegeAssignments) != 0 {
		t.Fatalf("grants of a new catalog = %+v, %v", empty, err)
	}
	resp, err := w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "catalog", FullName: "dev", Changes: []catalog.PermissionsChange{
		{Principal: "data-scientists", Add: []catalog.Privilege{catalog.PrivilegeUseCatalog, catalog.PrivilegeUseSchema}},
		{Principal: "ml-engineers", Add: []catalog.Privilege{catalog.PrivilegeAllPrivileges}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.PrivilegeAssignments) != 2 || resp.PrivilegeAssignments[0].Principal != "data-scientists" ||
		!slices.Equal(resp.PrivilegeAssignments[0].Privileges, []catalog.Privilege{"USE_CATALOG", "USE_SCHEMA"}) {
		t.Errorf("after grant: %+v", resp.PrivilegeAssignments)
	}
	// Remove one privilege, and all of a principal's: it disappears.
	resp, err = w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "CATALOG", FullName: "DEV", Changes: []catalog.PermissionsChange{
		{Principal: "data-scientists", Remove: []catalog.Privilege{catalog.PrivilegeUseSchema}},
		{Principal: "ml-engineers", Remove: []catalog.Privilege{catalog.PrivilegeAllPrivileges}},
	}})
	if err != nil || len(resp.PrivilegeAssignments) != 1 || !slices.Equal(resp.PrivilegeAssignments[0].Privileges, []catalog.Privilege{"USE_CATALOG"}) {
		t.Fatalf("after revoke: %+v, %v", resp, err)
	}
	got, err := w.Grants.Get(ctx, catalog.GetGrantRequest{SecurableType: "catalog", FullName: "dev", Principal: "data-scientists"})
	if err != nil || len(got.PrivilegeAssignments) != 1 {
		t.Fatalf("get by principal = %+v, %v", got, err)
	}

	// Models are FUNCTION securables.
	if _, err := w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "function", FullName: "dev.ml.churn", Changes: []catalog.PermissionsChange{
		{Principal: "serving", Add: []catalog.Privilege{catalog.PrivilegeExecute}},
	}}); err != nil {
		t.Fatal(err)
	}
	// Schema grants are separate from catalog grants.
	sg, _ := w.Grants.Get(ctx, catalog.GetGrantRequest{SecurableType: "schema", FullName: "dev.ml"})
	if len(sg.PrivilegeAssignments) != 0 {
		t.Errorf("schema inherited catalog grants in its own list: %+v", sg)
	}
}

func TestGrants_validatesPrivilegesPerSecurable(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "churn")
	change := func(p catalog.Privilege) []catalog.PermissionsChange {
		return []catalog.PermissionsChange{{Principal: "x", Add: []catalog.Privilege{p}}}
	}
	_, err := w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "function", FullName: "dev.ml.churn", Changes: change(catalog.PrivilegeSelect)})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Privilege SELECT is not applicable to this entity [dev.ml.churn:FUNCTION]")
	_, err = w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "schema", FullName: "dev.ml", Changes: change(catalog.PrivilegeUseCatalog)})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Privilege USE_CATALOG is not applicable")
	_, err = w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "catalog", FullName: "dev", Changes: change("FLY")})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid privilege 'FLY'")
	_, err = w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "catalog", FullName: "dev", Changes: []catalog.PermissionsChange{{Add: []catalog.Privilege{"USE_CATALOG"}}}})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: principal")
	_, err = w.Grants.Get(ctx, catalog.GetGrantRequest{SecurableType: "catalog", FullName: "nope"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Catalog 'nope' does not exist.")
	_, err = w.Grants.Get(ctx, catalog.GetGrantRequest{SecurableType: "galaxy", FullName: "dev"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid securable type 'galaxy'")
	// A failed PATCH changes nothing, even for the valid changes before it.
	_, err = w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "catalog", FullName: "dev", Changes: []catalog.PermissionsChange{
		{Principal: "a", Add: []catalog.Privilege{"USE_CATALOG"}}, {Principal: "b", Add: []catalog.Privilege{"FLY"}},
	}})
	if err == nil {
		t.Fatal("invalid change accepted")
	}
	got, _ := w.Grants.Get(ctx, catalog.GetGrantRequest{SecurableType: "catalog", FullName: "dev"})
	if len(got.PrivilegeAssignments) != 0 {
		t.Errorf("a failed PATCH left %+v", got.PrivilegeAssignments)
	}
}
