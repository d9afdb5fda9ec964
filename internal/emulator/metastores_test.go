package emulator_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// TestMetastores_assignmentSummaryAndBindings: the metastore the workspace
// is assigned to, as the official provider reads it before changing a
// catalog, and workspace bindings through both API forms.
func TestMetastores_assignmentSummaryAndBindings(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()

	a, err := w.Metastores.Current(ctx)
	if err != nil || a.WorkspaceId != 1234567890123456 || a.MetastoreId == "" {
		t.Fatalf("current assignment = %+v, %v", a, err)
	}
	sum, err := w.Metastores.Summary(ctx)
	if err != nil || sum.MetastoreId != a.MetastoreId || sum.Cloud != "azure" || sum.StorageRoot == "" {
		t.Fatalf("summary = %+v, %v", sum, err)
	}
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "prod"}); err != nil {
		t.Fatal(err)
	}
	c, err := w.Catalogs.GetByName(ctx, "prod")
	if err != nil || c.MetastoreId != a.MetastoreId {
		t.Fatalf("catalog metastore %q, assignment %q (%v)", c.MetastoreId, a.MetastoreId, err)
	}

	up, err := w.WorkspaceBindings.UpdateBindings(ctx, catalog.UpdateWorkspaceBindingsParameters{
		SecurableType: "catalog", SecurableName: "prod",
		Add: []catalog.WorkspaceBinding{{WorkspaceId: a.WorkspaceId, BindingType: catalog.WorkspaceBindingBindingTypeBindingTypeReadOnly}, {WorkspaceId: 42}},
	})
	if err != nil || len(up.Bindings) != 2 || up.Bindings[0].WorkspaceId != 42 || up.Bindings[0].BindingType != catalog.WorkspaceBindingBindingTypeBindingTypeReadWrite {
		t.Fatalf("update bindings = %+v, %v", up, err)
	}
	got, err := w.WorkspaceBindings.GetBindingsAll(ctx, catalog.GetBindingsRequest{SecurableType: "catalog", SecurableName: "prod"})
	if err != nil || len(got) != 2 || got[1].BindingType != catalog.WorkspaceBindingBindingTypeBindingTypeReadOnly {
		t.Fatalf("get bindings = %+v, %v", got, err)
	}
	old, err := w.WorkspaceBindings.Update(ctx, catalog.UpdateWorkspaceBindings{Name: "prod", UnassignWorkspaces: []int64{42}})
	if err != nil || !slices.Equal(old.Workspaces, []int64{a.WorkspaceId}) {
		t.Fatalf("unassign = %+v, %v", old, err)
	}
	ws, err := w.WorkspaceBindings.GetByName(ctx, "prod")
	if err != nil || !slices.Equal(ws.Workspaces, []int64{a.WorkspaceId}) {
		t.Fatalf("catalog bindings = %+v, %v", ws, err)
	}
	_, err = w.WorkspaceBindings.GetByName(ctx, "nope")
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Catalog 'nope' does not exist.")

	// Bindings go with their catalog.
	if err := w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: "prod", Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "prod"}); err != nil {
		t.Fatal(err)
	}
	if ws, err := w.WorkspaceBindings.GetByName(ctx, "prod"); err != nil || len(ws.Workspaces) != 0 {
		t.Errorf("a recreated catalog inherits bindings: %+v, %v", ws, err)
	}
}
