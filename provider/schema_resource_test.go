package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const schemaAddr = "brickops_schema.test"

func schemaConfig(cat, name, body string) string {
	return fmt.Sprintf(`
resource "brickops_catalog" "test" {
  name          = %q
  force_destroy = true
}

resource "brickops_schema" "test" {
  catalog_name = brickops_catalog.test.name
  name         = %q
%s
}
`, cat, name, body)
}

func TestAccSchema_lifecycle(t *testing.T) {
	cat := uniqueName("cat")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: schemaConfig(cat, "ML", `comment = "models"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("full_name"), knownvalue.StringExact(cat+".ml")),
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("name"), knownvalue.StringExact("ML")),
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("schema_id"), knownvalue.NotNull()),
				},
			},
			{
				Config: schemaConfig(cat, "ML", `
  comment    = "ML models"
  owner      = "ml-team"
  properties = { purpose = "registry" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(schemaAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkSchemaAPI(t, cat+".ml", func(s *catalog.SchemaInfo) error {
					if s.Comment != "ML models" || s.Owner != "ml-team" || s.Properties["purpose"] != "registry" {
						return fmt.Errorf("update not applied: %+v", s)
					}
					return nil
				}),
			},
			{ResourceName: schemaAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"name"}},
			{
				Config: schemaConfig(cat, "features", `owner = "ml-team"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(schemaAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

func TestAccSchema_driftAndForceDestroy(t *testing.T) {
	cat := uniqueName("cat")
	w := testWorkspace(t)
	ctx := context.Background()
	config := schemaConfig(cat, "ml", `comment = "managed"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if _, err := w.Schemas.Update(ctx, catalog.UpdateSchema{FullName: cat + ".ml", Comment: "edited"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(schemaAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkSchemaAPI(t, cat+".ml", func(s *catalog.SchemaInfo) error {
					if s.Comment != "managed" {
						return fmt.Errorf("drift not repaired: %q", s.Comment)
					}
					return nil
				}),
			},
			{
				// A model registered outside Terraform makes the schema non-empty.
				PreConfig: func() {
					if _, err := w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: cat, SchemaName: "ml", Name: "outside"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				Destroy:     true,
				ExpectError: errorRegexp("Schema '" + cat + ".ml' is not empty. The schema has 0 tables(s), 1 functions(s)"),
			},
			{Config: schemaConfig(cat, "ml", "force_destroy = true")},
		},
	})
}

func TestAccSchema_badInput(t *testing.T) {
	cat := uniqueName("cat")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: schemaConfig(cat, "a/b", ""), ExpectError: errorRegexp(`must not contain a period, a space, a forward slash`)},
			{
				Config: `
resource "brickops_schema" "test" {
  catalog_name = "no_such_catalog"
  name         = "ml"
}`,
				ExpectError: errorRegexp(`Creating schema "no_such_catalog.ml": Catalog 'no_such_catalog' does not exist`),
			},
			{
				ResourceName:  schemaAddr,
				Config:        schemaConfig(cat, "ml", ""),
				ImportState:   true,
				ImportStateId: "just_one_part",
				ExpectError:   errorRegexp(`Import a schema by its full name <catalog>.<schema>`),
			},
		},
	})
}

func checkSchemaAPI(t *testing.T, full string, check func(*catalog.SchemaInfo) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, err := testWorkspace(t).Schemas.GetByFullName(context.Background(), full)
		if err != nil {
			return err
		}
		return check(s)
	}
}
