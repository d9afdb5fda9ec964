package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// seedModel registers versions 1 (tagged validated) and 2 (READY) and 3
// (still pending), and points champion at 1.
func seedModel(t *testing.T, cat string) string {
	t.Helper()
	ctx := context.Background()
	w := testWorkspace(t)
	model := cat + ".ml.churn"
	for _, tags := range []map[string]string{{"validated": "true"}, nil} {
		if _, err := seed.Run(ctx, w, seed.Spec{Model: model, Metrics: map[string]float64{"auc": 0.9}, Tags: tags}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := testRegistry(t).Create(ctx, ucregistry.CreateRequest{Name: model, Source: "dbfs:/pending"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: model, Alias: "champion", VersionNum: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: cat, Force: true}) })
	return model
}

func TestAccModelDataSources(t *testing.T) {
	model := seedModel(t, uniqueName("cat"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "brickops_registered_model" "m" {
  full_name = %[1]q
}

data "brickops_model_version" "champion" {
  model_name = %[1]q
  alias      = "champion"
}

data "brickops_model_version" "v2" {
  model_name = %[1]q
  version    = 2
}

data "brickops_model_version" "latest" {
  model_name = %[1]q
}

data "brickops_model_versions" "validated" {
  model_name = %[1]q
  tags       = { validated = "true" }
}

data "brickops_model_versions" "ready" {
  model_name = %[1]q
  status     = "READY"
}

data "brickops_model_versions" "all" {
  model_name = %[1]q
}
`, model),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.brickops_registered_model.m", tfjsonpath.New("aliases"), knownvalue.MapExact(map[string]knownvalue.Check{"champion": knownvalue.Int64Exact(1)})),
				statecheck.ExpectKnownValue("data.brickops_registered_model.m", tfjsonpath.New("name"), knownvalue.StringExact("churn")),
				statecheck.ExpectKnownValue("data.brickops_model_version.champion", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("data.brickops_model_version.champion", tfjsonpath.New("tags").AtMapKey("validated"), knownvalue.StringExact("true")),
				statecheck.ExpectKnownValue("data.brickops_model_version.champion", tfjsonpath.New("aliases"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("champion")})),
				statecheck.ExpectKnownValue("data.brickops_model_version.v2", tfjsonpath.New("id"), knownvalue.StringExact(model+"/2")),
				statecheck.ExpectKnownValue("data.brickops_model_version.v2", tfjsonpath.New("status"), knownvalue.StringExact("READY")),
				statecheck.ExpectKnownValue("data.brickops_model_version.latest", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue("data.brickops_model_versions.validated", tfjsonpath.New("versions"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.brickops_model_versions.validated", tfjsonpath.New("versions").AtSliceIndex(0).AtMapKey("version"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("data.brickops_model_versions.ready", tfjsonpath.New("versions"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.brickops_model_versions.all", tfjsonpath.New("versions"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue("data.brickops_model_versions.all", tfjsonpath.New("versions").AtSliceIndex(0).AtMapKey("status"), knownvalue.StringExact("PENDING_REGISTRATION")),
			},
		}},
	})
}

func TestAccModelDataSources_badInput(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "brickops_model_version" "x" {
  model_name = "a.b.c"
  version    = 1
  alias      = "champion"
}`,
				ExpectError: errorRegexp(`These attributes cannot be configured together: [version,alias]`),
			},
			{
				Config: `
data "brickops_model_version" "x" {
  model_name = "nowhere.ml.churn"
  alias      = "champion"
}`,
				ExpectError: errorRegexp(`Reading a version of "nowhere.ml.churn": Routine or Model 'nowhere.ml.churn' does not exist.`),
			},
			{
				Config: `
data "brickops_registered_model" "x" {
  full_name = "nowhere.ml.churn"
}`,
				ExpectError: errorRegexp(`Reading registered model "nowhere.ml.churn": Routine or Model 'nowhere.ml.churn' does not exist.`),
			},
		},
	})
}
