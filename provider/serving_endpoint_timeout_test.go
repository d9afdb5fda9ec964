package provider_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// A deployment slower than timeouts.create fails apply with a timeout; the
// endpoint stays in state (tainted), never orphaned. The emulator here has
// its own clock that does not move while Terraform waits.
func TestAccServingEndpoint_createTimeout(t *testing.T) {
	clock := emulatortest.NewClock()
	srv, err := emulator.NewServer(emulator.Options{DataDir: t.TempDir(), NoSync: true, AsyncDelay: time.Hour, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Close()
	})
	w, err := client.Workspace(client.Isolated(hs.URL, emulator.DefaultToken))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "slow"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "slow", Name: "ml"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: "slow", SchemaName: "ml", Name: "churn"}); err != nil {
		t.Fatal(err)
	}
	reg, err := ucregistry.New(w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "slow.ml.churn", Source: "dbfs:/models/churn"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour) // the version is READY; the deployment will take another hour
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "brickops" {
  host  = %q
  token = %q
}
resource "brickops_serving_endpoint" "churn" {
  name = "churn"
  served_entities = [{
    name           = "champion"
    entity_name    = "slow.ml.churn"
    entity_version = "1"
    workload_size  = "Small"
  }]
  timeouts = { create = "2s" }
}`, hs.URL, emulator.DefaultToken),
			ExpectError: wrapped(`Serving endpoint "churn" was created but its config did not deploy: timed out waiting`),
		}},
	})
	// Apply tracked the endpoint before waiting: destroy removed it.
	if _, err := w.ServingEndpoints.GetByName(ctx, "churn"); err == nil {
		t.Error("the timed-out endpoint was orphaned: it still exists after destroy")
	}
}
