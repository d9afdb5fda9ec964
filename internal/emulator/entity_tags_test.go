package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// Feature tables are tagged through the entity tag assignments API.
func TestEntityTags_featureTableThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateFeatureTable(t, w)

	for k, v := range map[string]string{"team": "ml", "pii": "false"} {
		if _, err := w.EntityTagAssignments.Create(ctx, catalog.CreateEntityTagAssignmentRequest{TagAssignment: catalog.EntityTagAssignment{
			EntityType: "tables", EntityName: "dev.features.Customers", TagKey: k, TagValue: v,
		}}); err != nil {
			t.Fatalf("tagging: %v", err)
		}
	}
	_, err := w.EntityTagAssignments.Create(ctx, catalog.CreateEntityTagAssignmentRequest{TagAssignment: catalog.EntityTagAssignment{EntityType: "tables", EntityName: "dev.features.customers", TagKey: "team"}})
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_ALREADY_EXISTS", "Tag 'team' is already assigned to table 'dev.features.customers'.")
	tags, err := w.EntityTagAssignments.ListAll(ctx, catalog.ListEntityTagAssignmentsRequest{EntityType: "tables", EntityName: "dev.features.customers"})
	if err != nil || len(tags) != 2 || tags[0].TagKey != "pii" || tags[1].TagValue != "ml" || tags[1].EntityName != "dev.features.customers" {
		t.Fatalf("tags = %+v, %v", tags, err)
	}
	if _, err := w.EntityTagAssignments.Update(ctx, catalog.UpdateEntityTagAssignmentRequest{EntityType: "tables", EntityName: "dev.features.customers", TagKey: "team",
		TagAssignment: catalog.EntityTagAssignment{TagValue: "growth"}, UpdateMask: "tag_value"}); err != nil {
		t.Fatalf("update: %v", err)
	}
	got, err := w.EntityTagAssignments.Get(ctx, catalog.GetEntityTagAssignmentRequest{EntityType: "tables", EntityName: "dev.features.customers", TagKey: "team"})
	if err != nil || got.TagValue != "growth" || got.UpdatedBy == "" {
		t.Errorf("get = %+v, %v", got, err)
	}
	if err := w.EntityTagAssignments.Delete(ctx, catalog.DeleteEntityTagAssignmentRequest{EntityType: "tables", EntityName: "dev.features.customers", TagKey: "pii"}); err != nil {
		t.Fatal(err)
	}
	_, err = w.EntityTagAssignments.Get(ctx, catalog.GetEntityTagAssignmentRequest{EntityType: "tables", EntityName: "dev.features.customers", TagKey: "pii"})
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("get deleted tag = %v", err)
	}
	// A dropped and recreated table starts untagged.
	if err := w.Tables.DeleteByFullName(ctx, "dev.features.customers"); err != nil {
		t.Fatal(err)
	}
	_, err = w.EntityTagAssignments.ListAll(ctx, catalog.ListEntityTagAssignmentsRequest{EntityType: "tables", EntityName: "dev.features.customers"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Table 'dev.features.customers' does not exist.")
	if _, err := w.Tables.Create(ctx, catalog.CreateTableRequest{CatalogName: "dev", SchemaName: "features", Name: "customers", TableType: "MANAGED", DataSourceFormat: "DELTA"}); err != nil {
		t.Fatal(err)
	}
	tags, _ = w.EntityTagAssignments.ListAll(ctx, catalog.ListEntityTagAssignmentsRequest{EntityType: "tables", EntityName: "dev.features.customers"})
	if len(tags) != 0 {
		t.Errorf("recreated table inherited tags: %+v", tags)
	}
	_, err = w.EntityTagAssignments.ListAll(ctx, catalog.ListEntityTagAssignmentsRequest{EntityType: "volumes", EntityName: "dev.features.v"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid entity_type 'volumes'")
}
