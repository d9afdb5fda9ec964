package emulator_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// wantAPIError asserts that err is an API error with status, code and a
// message containing substr.
func wantAPIError(t *testing.T, err error, status int, code, substr string) {
	t.Helper()
	var apiErr *apierr.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want %s error containing %q, got %v", code, substr, err)
	}
	if apiErr.StatusCode != status || apiErr.ErrorCode != code || !strings.Contains(apiErr.Message, substr) {
		t.Fatalf("want %d %s containing %q, got %d %s %q", status, code, substr, apiErr.StatusCode, apiErr.ErrorCode, apiErr.Message)
	}
}

// mustCreateModel creates a catalog, a schema and a registered model
// through the SDK, tolerating the ones that exist.
func mustCreateModel(t *testing.T, w *databricks.WorkspaceClient, cat, schema, model string) {
	t.Helper()
	ctx := context.Background()
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: cat}); err != nil && !errors.Is(err, apierr.ErrResourceAlreadyExists) {
		t.Fatalf("creating catalog %s: %v", cat, err)
	}
	if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: cat, Name: schema}); err != nil && !errors.Is(err, apierr.ErrResourceAlreadyExists) {
		t.Fatalf("creating schema %s.%s: %v", cat, schema, err)
	}
	if _, err := w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: cat, SchemaName: schema, Name: model}); err != nil {
		t.Fatalf("creating model %s.%s.%s: %v", cat, schema, model, err)
	}
}

// registry is the MLflow Unity Catalog registry client for w.
func registry(t *testing.T, w *databricks.WorkspaceClient) *ucregistry.Client {
	t.Helper()
	reg, err := ucregistry.New(w)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}
