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

const aliasAddr = "brickops_model_alias.test"

// aliasConfig registers two versions and points alias at one of them.
func aliasConfig(cat, alias, version string) string {
	return registeredModelConfig(cat, "churn", "force_destroy = true") + fmt.Sprintf(`
resource "brickops_model_version" "v1" {
  model_name = brickops_registered_model.test.full_name
  source     = "dbfs:/models/churn/1"
}

resource "brickops_model_version" "v2" {
  model_name = brickops_registered_model.test.full_name
  source     = "dbfs:/models/churn/2"
  depends_on = [brickops_model_version.v1]
}

resource "brickops_model_alias" "test" {
  model_name = brickops_registered_model.test.full_name
  alias      = %q
  version    = %s
}
`, alias, version)
}

func TestAccModelAlias_lifecycle(t *testing.T) {
	cat := uniqueName("cat")
	model := cat + ".ml.churn"
	w := testWorkspace(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: aliasConfig(cat, "Champion", "brickops_model_version.v1.version"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(aliasAddr, tfjsonpath.New("id"), knownvalue.StringExact(model+"@champion")),
					statecheck.ExpectKnownValue(aliasAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				},
				Check: checkAliasAPI(t, model, "champion", 1),
			},
			{
				// Moving the alias is an in-place update.
				Config: aliasConfig(cat, "Champion", "brickops_model_version.v2.version"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aliasAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkAliasAPI(t, model, "champion", 2),
			},
			{ResourceName: aliasAddr, ImportState: true, ImportStateId: model + "@champion", ImportStateVerify: true, ImportStateVerifyIgnore: []string{"alias"}},
			{
				// Moved back behind Terraform's back: repaired.
				PreConfig: func() {
					if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: model, Alias: "champion", VersionNum: 1}); err != nil {
						t.Fatal(err)
					}
				},
				Config: aliasConfig(cat, "Champion", "brickops_model_version.v2.version"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aliasAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(aliasAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				}},
				Check: checkAliasAPI(t, model, "champion", 2),
			},
			{
				// Deleted behind Terraform's back: planned again.
				PreConfig: func() {
					if err := w.RegisteredModels.DeleteAlias(ctx, catalog.DeleteAliasRequest{FullName: model, Alias: "champion"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: aliasConfig(cat, "Champion", "brickops_model_version.v2.version"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aliasAddr, plancheck.ResourceActionCreate),
				}},
			},
			{
				// A new alias name replaces the alias.
				Config: aliasConfig(cat, "challenger", "brickops_model_version.v2.version"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aliasAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkAliasAPI(t, model, "challenger", 2),
					func(*terraform.State) error {
						if _, err := w.ModelVersions.GetByAlias(ctx, catalog.GetByAliasRequest{FullName: model, Alias: "champion"}); !isNotFoundErr(err) {
							return fmt.Errorf("old alias survived: %v", err)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccModelAlias_badInput(t *testing.T) {
	cat := uniqueName("cat")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: aliasConfig(cat, "latest", "1"), ExpectError: errorRegexp(`Alias "latest" is reserved`)},
			{Config: aliasConfig(cat, "V2", "1"), ExpectError: errorRegexp(`Alias "V2" is reserved`)},
			{Config: aliasConfig(cat, "champion", "0"), ExpectError: errorRegexp(`Attribute version value must be at least 1, got: 0`)},
			{Config: aliasConfig(cat, "champion", "9"), ExpectError: errorRegexp(`Pointing alias "champion" of "` + cat + `.ml.churn" at version 9: Model version 9 of Routine or Model '` + cat + `.ml.churn' does not exist.`)},
			{
				Config:        aliasConfig(cat, "champion", "1"),
				ResourceName:  aliasAddr,
				ImportState:   true,
				ImportStateId: cat + ".ml.churn/1",
				ExpectError:   errorRegexp(`Import a model alias as <catalog>.<schema>.<model>@<alias>`),
			},
		},
	})
}

func checkAliasAPI(t *testing.T, model, alias string, version int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		mv, err := testWorkspace(t).ModelVersions.GetByAlias(context.Background(), catalog.GetByAliasRequest{FullName: model, Alias: alias})
		if err != nil {
			return err
		}
		if mv.Version != version {
			return fmt.Errorf("alias %s of %s points at version %d, want %d", alias, model, mv.Version, version)
		}
		return nil
	}
}
