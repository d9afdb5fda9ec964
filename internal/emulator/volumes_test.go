package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestVolumes_lifecycleThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "dev"}); err != nil {
		t.Fatalf("create catalog: %v", err)
	}
	if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "dev", Name: "raw"}); err != nil {
		t.Fatalf("create schema: %v", err)
	}

	managed, err := w.Volumes.Create(ctx, catalog.CreateVolumeRequestContent{CatalogName: "dev", SchemaName: "raw", Name: "Files", VolumeType: catalog.VolumeTypeManaged, Comment: "landing"})
	if err != nil {
		t.Fatalf("create managed: %v", err)
	}
	if managed.FullName != "dev.raw.files" || managed.VolumeType != catalog.VolumeTypeManaged || managed.VolumeId == "" ||
		!strings.HasPrefix(managed.StorageLocation, "abfss://") || managed.Owner != "brickops@example.com" || managed.CreatedAt == 0 {
		t.Errorf("managed volume = %+v", managed)
	}
	location := "abfss://landing@acme.dfs.core.windows.net/raw"
	external, err := w.Volumes.Create(ctx, catalog.CreateVolumeRequestContent{CatalogName: "dev", SchemaName: "raw", Name: "ext", VolumeType: catalog.VolumeTypeExternal, StorageLocation: location})
	if err != nil || external.StorageLocation != location || external.VolumeType != catalog.VolumeTypeExternal {
		t.Fatalf("create external = %+v, %v", external, err)
	}
	_, err = w.Volumes.Create(ctx, catalog.CreateVolumeRequestContent{CatalogName: "dev", SchemaName: "raw", Name: "FILES", VolumeType: catalog.VolumeTypeManaged})
	if !errors.Is(err, apierr.ErrResourceAlreadyExists) {
		t.Errorf("duplicate create = %v, want ErrResourceAlreadyExists", err)
	}
	_, err = w.Volumes.Create(ctx, catalog.CreateVolumeRequestContent{CatalogName: "dev", SchemaName: "nope", Name: "v", VolumeType: catalog.VolumeTypeManaged})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Schema 'dev.nope' does not exist.")

	// Paging: one a page, both come back through the iterator.
	all, err := w.Volumes.ListAll(ctx, catalog.ListVolumesRequest{CatalogName: "dev", SchemaName: "raw", MaxResults: 1})
	if err != nil || len(all) != 2 || all[0].Name != "ext" || all[1].Name != "files" {
		t.Fatalf("list = %+v, %v", all, err)
	}

	got, err := w.Volumes.ReadByName(ctx, "DEV.raw.files")
	if err != nil || got.Comment != "landing" || got.VolumeId != managed.VolumeId {
		t.Fatalf("read = %+v, %v", got, err)
	}
	renamed, err := w.Volumes.Update(ctx, catalog.UpdateVolumeRequestContent{Name: "dev.raw.files", NewName: "bronze", Owner: "data-team", Comment: "bronze files"})
	if err != nil || renamed.FullName != "dev.raw.bronze" || renamed.Owner != "data-team" || renamed.Comment != "bronze files" || renamed.VolumeId != managed.VolumeId {
		t.Fatalf("update = %+v, %v", renamed, err)
	}
	_, err = w.Volumes.ReadByName(ctx, "dev.raw.files")
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("old name after rename = %v, want ErrResourceDoesNotExist", err)
	}

	// A schema holding volumes is deleted only with force.
	err = w.Schemas.Delete(ctx, catalog.DeleteSchemaRequest{FullName: "dev.raw"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_STATE", "0 tables(s), 0 functions(s), 2 volumes(s)")
	if err := w.Volumes.DeleteByName(ctx, "dev.raw.bronze"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := w.Schemas.Delete(ctx, catalog.DeleteSchemaRequest{FullName: "dev.raw", Force: true}); err != nil {
		t.Fatalf("forced schema delete: %v", err)
	}
	_, err = w.Volumes.ReadByName(ctx, "dev.raw.ext")
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("volume after forced schema delete = %v, want ErrResourceDoesNotExist", err)
	}
}
