package provider_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const grantsAddr = "brickops_grants.test"

func grantsConfig(cat, securable, grants string) string {
	return fmt.Sprintf(`
resource "brickops_catalog" "test" {
  name          = %q
  force_destroy = true
}

resource "brickops_schema" "ml" {
  catalog_name = brickops_catalog.test.name
  name         = "ml"
}

resource "brickops_grants" "test" {
  %s
%s
}
`, cat, securable, grants)
}

func TestAccGrants_catalogLifecycle(t *testing.T) {
	cat := uniqueName("cat")
	w := testWorkspace(t)
	ctx := context.Background()
	securable := `catalog = brickops_catalog.test.name`
	two := `
  grant {
    principal  = "data-scientists"
    privileges = ["USE_CATALOG", "USE_SCHEMA"]
  }
  grant {
    principal  = "ml-engineers"
    privileges = ["ALL_PRIVILEGES"]
  }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: grantsConfig(cat, securable, two),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(grantsAddr, tfjsonpath.New("id"), knownvalue.StringExact("catalog/"+cat)),
					statecheck.ExpectKnownValue(grantsAddr, tfjsonpath.New("grant"), knownvalue.SetSizeExact(2)),
				},
				Check: checkGrantsAPI(t, "catalog", cat, map[string][]string{
					"data-scientists": {"USE_CATALOG", "USE_SCHEMA"}, "ml-engineers": {"ALL_PRIVILEGES"},
				}),
			},
			{
				// In place: one privilege revoked, one principal dropped, one added.
				Config: grantsConfig(cat, securable, `
  grant {
    principal  = "data-scientists"
    privileges = ["USE_CATALOG"]
  }
  grant {
    principal  = "serving-sp"
    privileges = ["USE_CATALOG", "EXECUTE"]
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(grantsAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkGrantsAPI(t, "catalog", cat, map[string][]string{
					"data-scientists": {"USE_CATALOG"}, "serving-sp": {"EXECUTE", "USE_CATALOG"},
				}),
			},
			{ResourceName: grantsAddr, ImportState: true, ImportStateId: "catalog/" + cat, ImportStateVerify: true},
			{
				// Grants made outside Terraform are planned for revocation.
				PreConfig: func() {
					if _, err := w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "catalog", FullName: cat, Changes: []catalog.PermissionsChange{
						{Principal: "intruder", Add: []catalog.Privilege{"ALL_PRIVILEGES"}},
						{Principal: "data-scientists", Add: []catalog.Privilege{"MODIFY"}},
					}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: grantsConfig(cat, securable, `
  grant {
    principal  = "data-scientists"
    privileges = ["USE_CATALOG"]
  }
  grant {
    principal  = "serving-sp"
    privileges = ["USE_CATALOG", "EXECUTE"]
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(grantsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(grantsAddr, tfjsonpath.New("grant"), knownvalue.SetSizeExact(2)),
				}},
				Check: checkGrantsAPI(t, "catalog", cat, map[string][]string{
					"data-scientists": {"USE_CATALOG"}, "serving-sp": {"EXECUTE", "USE_CATALOG"},
				}),
			},
			{
				// Moving to the schema replaces the resource; the catalog's grants are revoked.
				Config: grantsConfig(cat, `schema = brickops_schema.ml.full_name`, `
  grant {
    principal  = "data-scientists"
    privileges = ["USE_SCHEMA", "SELECT"]
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(grantsAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkGrantsAPI(t, "schema", cat+".ml", map[string][]string{"data-scientists": {"SELECT", "USE_SCHEMA"}}),
					checkGrantsAPI(t, "catalog", cat, map[string][]string{}),
				),
			},
		},
	})
}

func TestAccGrants_registeredModel(t *testing.T) {
	cat := uniqueName("cat")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: grantsConfig(cat, `registered_model = brickops_registered_model.churn.full_name`, `
  grant {
    principal  = "serving-sp"
    privileges = ["EXECUTE"]
  }`) + `
resource "brickops_registered_model" "churn" {
  catalog_name = brickops_catalog.test.name
  schema_name  = brickops_schema.ml.name
  name         = "churn"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(grantsAddr, tfjsonpath.New("id"), knownvalue.StringExact("registered_model/"+cat+".ml.churn")),
			},
			Check: checkGrantsAPI(t, "function", cat+".ml.churn", map[string][]string{"serving-sp": {"EXECUTE"}}),
		}},
	})
}

func TestAccGrants_badInput(t *testing.T) {
	cat := uniqueName("cat")
	grant := `
  grant {
    principal  = "x"
    privileges = ["USE_CATALOG"]
  }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      grantsConfig(cat, `schema = "a.b"`, grant),
				ExpectError: errorRegexp(`Privilege "USE_CATALOG" cannot be granted on a schema. Valid privileges: ALL_PRIVILEGES`),
			},
			{
				Config:      grantsConfig(cat, "catalog = \"a\"\n  schema = \"a.b\"", grant),
				ExpectError: errorRegexp(`Exactly one of these attributes must be configured: [catalog,schema,table,registered_model]`),
			},
			{
				Config: grantsConfig(cat, `catalog = "a"`, grant+`
  grant {
    principal  = "x"
    privileges = ["BROWSE"]
  }`),
				ExpectError: errorRegexp(`Principal "x" appears in more than one grant block`),
			},
			{
				Config:      grantsConfig(cat, `catalog = "no_such_catalog"`, grant),
				ExpectError: errorRegexp(`Granting privileges on catalog "no_such_catalog": Catalog 'no_such_catalog' does not exist.`),
			},
			{
				Config:        grantsConfig(cat, `catalog = "a"`, grant),
				ResourceName:  grantsAddr,
				ImportState:   true,
				ImportStateId: "volume/a.b.c",
				ExpectError:   errorRegexp(`Import grants as <securable>/<full name>`),
			},
		},
	})
}

// checkGrantsAPI compares the securable's grants in the API with want.
func checkGrantsAPI(t *testing.T, securableType, full string, want map[string][]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		resp, err := testWorkspace(t).Grants.Get(context.Background(), catalog.GetGrantRequest{SecurableType: securableType, FullName: full})
		if err != nil {
			return err
		}
		got := map[string][]string{}
		for _, a := range resp.PrivilegeAssignments {
			for _, p := range a.Privileges {
				got[a.Principal] = append(got[a.Principal], string(p))
			}
		}
		if len(got) != len(want) {
			return fmt.Errorf("grants on %s %s = %v, want %v", securableType, full, got, want)
		}
		for p, privs := range want {
			if !slices.Equal(got[p], privs) {
				return fmt.Errorf("grants on %s %s = %v, want %v", securableType, full, got, want)
			}
		}
		return nil
	}
}

// Tables are securables too: only table privileges apply.
func TestAccGrants_table(t *testing.T) {
	ctx := context.Background()
	w := testWorkspace(t)
	cat := uniqueName("cat")
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: cat}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: cat, Force: true}) })
	if _, err := w.Tables.Create(ctx, catalog.CreateTableRequest{CatalogName: cat, SchemaName: "default", Name: "features",
		TableType: catalog.TableTypeManaged, DataSourceFormat: catalog.DataSourceFormatDelta,
		Columns: []catalog.ColumnInfo{{Name: "id", TypeName: catalog.ColumnTypeNameLong}}}); err != nil {
		t.Fatal(err)
	}
	table := cat + ".default.features"
	config := func(privileges string) string {
		return fmt.Sprintf(`
resource "brickops_grants" "test" {
  table = %q
  grant {
    principal  = "data-scientists"
    privileges = [%s]
  }
}
`, table, privileges)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(`"EXECUTE"`), ExpectError: errorRegexp(`Privilege "EXECUTE" cannot be granted on a table.`)},
			{Config: config(`"SELECT"`), Check: checkGrantsAPI(t, "table", table, map[string][]string{"data-scientists": {"SELECT"}})},
			{Config: config(`"SELECT", "MODIFY"`), Check: checkGrantsAPI(t, "table", table, map[string][]string{"data-scientists": {"MODIFY", "SELECT"}})},
			{ResourceName: grantsAddr, ImportState: true, ImportStateId: "table/" + table, ImportStateVerify: true},
		},
	})
}

// A grants resource without grant blocks revokes everything on the securable.
func TestAccGrants_noBlocksRevokesEverything(t *testing.T) {
	ctx := context.Background()
	w := testWorkspace(t)
	cat := uniqueName("cat")
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: cat}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: cat, Force: true}) })
	if _, err := w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "catalog", FullName: cat, Changes: []catalog.PermissionsChange{
		{Principal: "everyone", Add: []catalog.Privilege{"USE_CATALOG", "BROWSE"}},
	}}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "brickops_grants" "test" {
  catalog = %q
}`, cat),
			Check: checkGrantsAPI(t, "catalog", cat, map[string][]string{}),
		}},
	})
}
