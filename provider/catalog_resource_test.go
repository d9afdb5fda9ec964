package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const catalogAddr = "brickops_catalog.test"

// uniqueName is a Unity Catalog-safe random name: lower case, underscores.
func uniqueName(prefix string) string {
	return prefix + "_" + acctest.RandStringFromCharSet(10, acctest.CharSetAlpha)
}

func catalogConfig(name, body string) string {
	return fmt.Sprintf(`
resource "brickops_catalog" "test" {
  name = %q
%s
}
`, name, body)
}

func TestAccCatalog_lifecycle(t *testing.T) {
	name := uniqueName("cat")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: catalogConfig(name, `
  comment    = "development"
  properties = { env = "dev" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(catalogAddr, tfjsonpath.New("metastore_id")),
					statecheck.ExpectKnownValue(catalogAddr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(catalogAddr, tfjsonpath.New("owner"), knownvalue.StringExact("brickops@example.com")),
					statecheck.ExpectKnownValue(catalogAddr, tfjsonpath.New("properties").AtMapKey("env"), knownvalue.StringExact("dev")),
				},
				Check: checkCatalogAPI(t, name, func(c *catalog.CatalogInfo) error {
					if c.Comment != "development" || c.Properties["env"] != "dev" {
						return fmt.Errorf("API has comment %q properties %v", c.Comment, c.Properties)
					}
					return nil
				}),
			},
			{
				// In place: comment cleared, owner and properties changed.
				Config: catalogConfig(name, `
  owner      = "ml-admins"
  properties = { tier = "gold" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(catalogAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkCatalogAPI(t, name, func(c *catalog.CatalogInfo) error {
					if c.Comment != "" || c.Owner != "ml-admins" || len(c.Properties) != 1 || c.Properties["tier"] != "gold" {
						return fmt.Errorf("update not applied: comment %q owner %q properties %v", c.Comment, c.Owner, c.Properties)
					}
					return nil
				}),
			},
			{
				// Properties removed altogether are cleared in the API.
				Config: catalogConfig(name, `owner = "ml-admins"`),
				Check: checkCatalogAPI(t, name, func(c *catalog.CatalogInfo) error {
					if len(c.Properties) != 0 {
						return fmt.Errorf("properties left: %v", c.Properties)
					}
					return nil
				}),
			},
			{ResourceName: catalogAddr, ImportState: true, ImportStateVerify: true},
			{
				// A new name replaces the catalog.
				Config: catalogConfig(name+"_2", `owner = "ml-admins"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(catalogAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

func TestAccCatalog_driftIsRepaired(t *testing.T) {
	name := uniqueName("cat")
	config := catalogConfig(name, `comment = "managed"`)
	w := testWorkspace(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if _, err := w.Catalogs.Update(ctx, catalog.UpdateCatalog{Name: name, Comment: "changed in the UI", Owner: "someone"}); err != nil {
						t.Fatalf("editing behind Terraform's back: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(catalogAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(catalogAddr, tfjsonpath.New("comment"), knownvalue.StringExact("managed")),
				}},
				Check: checkCatalogAPI(t, name, func(c *catalog.CatalogInfo) error {
					if c.Comment != "managed" {
						return fmt.Errorf("comment not repaired: %q", c.Comment)
					}
					return nil
				}),
			},
			{
				PreConfig: func() {
					if err := w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: name, Force: true}); err != nil {
						t.Fatalf("deleting behind Terraform's back: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(catalogAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// Destroying a catalog that holds a schema fails with the API's reason
// unless force_destroy is set.
func TestAccCatalog_destroyNonEmpty(t *testing.T) {
	name := uniqueName("cat")
	w := testWorkspace(t)
	ctx := context.Background()
	addSchema := func() {
		if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: name, Name: "outside"}); err != nil {
			t.Fatalf("creating a schema outside Terraform: %v", err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: catalogConfig(name, "")},
			{
				PreConfig:   addSchema,
				Config:      catalogConfig(name, ""),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`Catalog '` + name + `' is not empty[\s\S]*force_destroy = true`),
			},
			{Config: catalogConfig(name, "force_destroy = true")},
		},
	})
}

func TestAccCatalog_badInput(t *testing.T) {
	for name, tc := range map[string]struct{ config, want string }{
		"dot in name":   {catalogConfig("a.b", ""), `must not contain a period, a space, a forward slash`},
		"space in name": {catalogConfig("a b", ""), `must not contain a period`},
		"empty name":    {catalogConfig("", ""), `string length must be between 1 and 255`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.want)}},
			})
		})
	}
}

// A catalog that exists and is not this create's (it differs from the
// configuration) is not adopted: apply fails with the API's message, the
// reason and the import command.
func TestAccCatalog_alreadyExists(t *testing.T) {
	name := uniqueName("cat")
	if _, err := testWorkspace(t).Catalogs.Create(context.Background(), catalog.CreateCatalog{Name: name, Comment: "made elsewhere"}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: catalogConfig(name, `comment = "ours"`),
			// The catalog may also be older than the create, depending on
			// how long the test waited for its turn: both reasons may show.
			ExpectError: notAdopted(`Creating catalog "`+name+`": Catalog '`+name+`' already exists`,
				`it differs from the configuration in comment.`, "brickops_catalog", name),
		}},
	})
}

func checkCatalogAPI(t *testing.T, name string, check func(*catalog.CatalogInfo) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, err := testWorkspace(t).Catalogs.GetByName(context.Background(), name)
		if err != nil {
			return err
		}
		return check(c)
	}
}
