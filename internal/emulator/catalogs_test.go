package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestCatalogs_lifecycleThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()

	created, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "Dev", Comment: "development", Properties: map[string]string{"env": "dev"}})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.Name != "dev" || created.FullName != "dev" || created.Owner != "brickops@example.com" ||
		created.CatalogType != catalog.CatalogTypeManagedCatalog || created.MetastoreId == "" || created.CreatedAt == 0 {
		t.Errorf("created catalog = %+v", created)
	}
	// Names are case-insensitive: DEV is dev.
	_, err = w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "DEV"})
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_ALREADY_EXISTS", "Catalog 'dev' already exists")
	if !errors.Is(err, apierr.ErrResourceAlreadyExists) {
		t.Errorf("duplicate create is not ErrResourceAlreadyExists: %v", err)
	}

	got, err := w.Catalogs.GetByName(ctx, "DEV")
	if err != nil || got.Comment != "development" || got.Properties["env"] != "dev" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	// A new catalog has default and information_schema.
	schemas, err := w.Schemas.ListAll(ctx, catalog.ListSchemasRequest{CatalogName: "dev"})
	if err != nil {
		t.Fatalf("list schemas: %v", err)
	}
	var names []string
	for _, s := range schemas {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"default", "information_schema"}) {
		t.Errorf("schemas of a new catalog = %v", names)
	}

	updated, err := w.Catalogs.Update(ctx, catalog.UpdateCatalog{Name: "dev", Owner: "ml-engineers", Properties: map[string]string{"tier": "gold"}})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.Owner != "ml-engineers" || updated.Comment != "development" || len(updated.Properties) != 1 || updated.Properties["tier"] != "gold" {
		t.Errorf("update changed the wrong fields: %+v", updated)
	}
	// Clearing the comment needs ForceSendFields, as with the real API.
	updated, err = w.Catalogs.Update(ctx, catalog.UpdateCatalog{Name: "dev", Comment: "", ForceSendFields: []string{"Comment"}})
	if err != nil || updated.Comment != "" || updated.Owner != "ml-engineers" {
		t.Fatalf("clearing comment = %+v, %v", updated, err)
	}

	// Not empty (default schema): refused without force.
	err = w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: "dev"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_STATE", "Catalog 'dev' is not empty")
	if err := w.Schemas.DeleteByFullName(ctx, "dev.default"); err != nil {
		t.Fatalf("deleting dev.default: %v", err)
	}
	if err := w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: "dev"}); err != nil {
		t.Fatalf("deleting an empty catalog: %v", err)
	}
	_, err = w.Catalogs.GetByName(ctx, "dev")
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Catalog 'dev' does not exist.")
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("get after delete is not ErrResourceDoesNotExist: %v", err)
	}
}

func TestCatalogs_forceDeleteCascades(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "prod", "ml", "churn")
	if err := w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: "prod", Force: true}); err != nil {
		t.Fatalf("force delete: %v", err)
	}
	for _, get := range []func() error{
		func() error { _, err := w.Schemas.GetByFullName(ctx, "prod.ml"); return err },
		func() error { _, err := w.RegisteredModels.GetByFullName(ctx, "prod.ml.churn"); return err },
	} {
		if err := get(); !errors.Is(err, apierr.ErrResourceDoesNotExist) {
			t.Errorf("child still readable after force delete: %v", err)
		}
	}
	// Re-creating the catalog starts empty: no grants or models leak back.
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "prod"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "prod", Name: "ml"}); err != nil {
		t.Fatal(err)
	}
	if models, err := w.RegisteredModels.ListAll(ctx, catalog.ListRegisteredModelsRequest{CatalogName: "prod", SchemaName: "ml"}); err != nil || len(models) != 0 {
		t.Errorf("models after re-create = %v, %v", models, err)
	}
}

func TestCatalogs_listPaginates(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	for i := range 5 {
		if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: fmt.Sprintf("c%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	before := len(emu.Requests(t, "/api/2.1/unity-catalog/catalogs"))
	all, err := w.Catalogs.ListAll(ctx, catalog.ListCatalogsRequest{MaxResults: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 || all[0].Name != "c0" || all[4].Name != "c4" {
		t.Errorf("listed %d catalogs: %+v", len(all), all)
	}
	if pages := len(emu.Requests(t, "/api/2.1/unity-catalog/catalogs")) - before; pages != 3 {
		t.Errorf("listing 5 catalogs 2 at a time took %d requests, want 3", pages)
	}
	_, err = w.Catalogs.ListAll(ctx, catalog.ListCatalogsRequest{MaxResults: -1})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "max_results")
	_, err = w.Catalogs.ListAll(ctx, catalog.ListCatalogsRequest{PageToken: "not-a-token"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid page_token")
}

func TestCatalogs_namesValidated(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	for _, bad := range []string{"a.b", "has space", "a/b", "tab\there", strings.Repeat("x", 256)} {
		_, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: bad})
		wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid catalog name")
	}
	_, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: name")
	// Hyphens and 255 characters are fine.
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "team-a_" + strings.Repeat("x", 248)}); err != nil {
		t.Errorf("valid name refused: %v", err)
	}
}

func TestSchemas_lifecycleThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "dev"}); err != nil {
		t.Fatal(err)
	}
	_, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "nope", Name: "ml"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Catalog 'nope' does not exist.")

	sc, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "dev", Name: "ML", Comment: "models", Properties: map[string]string{"a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if sc.FullName != "dev.ml" || sc.Name != "ml" || sc.CatalogName != "dev" || sc.SchemaId == "" || sc.Owner == "" {
		t.Errorf("created schema = %+v", sc)
	}
	_, err = w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "dev", Name: "Ml"})
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_ALREADY_EXISTS", "Schema 'dev.ml' already exists")

	up, err := w.Schemas.Update(ctx, catalog.UpdateSchema{FullName: "dev.ml", Comment: "ML models", Owner: "data-team"})
	if err != nil || up.Comment != "ML models" || up.Owner != "data-team" || up.Properties["a"] != "1" {
		t.Fatalf("update = %+v, %v", up, err)
	}
	_, err = w.Schemas.Update(ctx, catalog.UpdateSchema{FullName: "dev.information_schema", Comment: "x"})
	wantAPIError(t, err, http.StatusForbidden, "PERMISSION_DENIED", "system schema")

	// A schema holding a model is not empty; force deletes the model too.
	if _, err := w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: "dev", SchemaName: "ml", Name: "churn"}); err != nil {
		t.Fatal(err)
	}
	err = w.Schemas.Delete(ctx, catalog.DeleteSchemaRequest{FullName: "dev.ml"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_STATE", "Schema 'dev.ml' is not empty. The schema has 0 tables(s), 1 functions(s), 0 volumes(s)")
	if err := w.Schemas.Delete(ctx, catalog.DeleteSchemaRequest{FullName: "dev.ml", Force: true}); err != nil {
		t.Fatalf("force delete: %v", err)
	}
	if _, err := w.RegisteredModels.GetByFullName(ctx, "dev.ml.churn"); !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("model survived a forced schema delete: %v", err)
	}
	_, err = w.Schemas.GetByFullName(ctx, "dev.ml")
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Schema 'dev.ml' does not exist.")
	_, err = w.Schemas.GetByFullName(ctx, "justone")
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "expected 2 dot-separated parts")
	_, err = w.Schemas.ListAll(ctx, catalog.ListSchemasRequest{})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: catalog_name")
}

func TestSchemas_listPaginates(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "dev"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "dev", Name: fmt.Sprintf("s%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var resp catalog.ListSchemasResponse
	if status := emu.Do(t, http.MethodGet, "/api/2.1/unity-catalog/schemas?catalog_name=dev&max_results=2", nil, &resp); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if len(resp.Schemas) != 2 || resp.NextPageToken == "" {
		t.Fatalf("first page = %d schemas, token %q", len(resp.Schemas), resp.NextPageToken)
	}
	all, err := w.Schemas.ListAll(ctx, catalog.ListSchemasRequest{CatalogName: "dev", MaxResults: 2})
	if err != nil || len(all) != 5 {
		t.Errorf("all schemas = %d, %v", len(all), err)
	}
}
