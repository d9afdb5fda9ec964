package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/brickops/terraform-provider-brickops/internal/seed"
)

const modelAddr = "brickops_registered_model.test"

// ucBase is a catalog (force-destroyed) with an "ml" schema.
func ucBase(cat string) string {
	return fmt.Sprintf(`
resource "brickops_catalog" "test" {
  name          = %q
  force_destroy = true
}

resource "brickops_schema" "ml" {
  catalog_name = brickops_catalog.test.name
  name         = "ml"
}
`, cat)
}

func registeredModelConfig(cat, name, body string) string {
	return ucBase(cat) + fmt.Sprintf(`
resource "brickops_registered_model" "test" {
  catalog_name = brickops_catalog.test.name
  schema_name  = brickops_schema.ml.name
  name         = %q
%s
}
`, name, body)
}

func TestAccRegisteredModel_lifecycle(t *testing.T) {
	cat := uniqueName("cat")
	sameLocation := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: registeredModelConfig(cat, "churn", `comment = "churn classifier"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(modelAddr, tfjsonpath.New("full_name"), knownvalue.StringExact(cat+".ml.churn")),
					statecheck.ExpectKnownValue(modelAddr, tfjsonpath.New("owner"), knownvalue.StringExact("brickops@example.com")),
					sameLocation.AddStateValue(modelAddr, tfjsonpath.New("storage_location")),
				},
			},
			{
				Config: registeredModelConfig(cat, "churn", `owner = "ml-team"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(modelAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameLocation.AddStateValue(modelAddr, tfjsonpath.New("storage_location"))},
				Check: checkModelAPI(t, cat+".ml.churn", func(m *catalog.RegisteredModelInfo) error {
					if m.Owner != "ml-team" || m.Comment != "" {
						return fmt.Errorf("update not applied: owner %q comment %q", m.Owner, m.Comment)
					}
					return nil
				}),
			},
			{ResourceName: modelAddr, ImportState: true, ImportStateId: cat + ".ml.churn", ImportStateVerify: true},
			{
				Config: registeredModelConfig(cat, "churn_v2", `owner = "ml-team"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(modelAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

func TestAccRegisteredModel_driftAndVersionsGuard(t *testing.T) {
	cat := uniqueName("cat")
	w := testWorkspace(t)
	ctx := context.Background()
	config := registeredModelConfig(cat, "churn", `comment = "managed"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if _, err := w.RegisteredModels.Update(ctx, catalog.UpdateRegisteredModelRequest{FullName: cat + ".ml.churn", Comment: "edited", Owner: "someone"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(modelAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkModelAPI(t, cat+".ml.churn", func(m *catalog.RegisteredModelInfo) error {
					if m.Comment != "managed" {
						return fmt.Errorf("comment not repaired: %q", m.Comment)
					}
					return nil
				}),
			},
			{
				// A training job registers a version: destroying the model is refused.
				PreConfig: func() {
					if _, err := seed.Run(ctx, w, seed.Spec{Model: cat + ".ml.churn", Metrics: map[string]float64{"auc": 0.9}}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				Destroy:     true,
				ExpectError: errorRegexp(`Registered model "` + cat + `.ml.churn" still has 1 version(s) (1). Delete them first, or set force_destroy = true`),
			},
			{Config: registeredModelConfig(cat, "churn", "comment = \"managed\"\n  force_destroy = true")},
		},
	})
}

func TestAccRegisteredModel_badInput(t *testing.T) {
	cat := uniqueName("cat")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: registeredModelConfig(cat, "bad name", ""), ExpectError: errorRegexp(`must not contain a period, a space, a forward slash`)},
			{
				Config: ucBase(cat) + `
resource "brickops_registered_model" "test" {
  catalog_name = brickops_catalog.test.name
  schema_name  = "nope"
  name         = "churn"
}`,
				ExpectError: errorRegexp(`Creating registered model "` + cat + `.nope.churn": Schema '` + cat + `.nope' does not exist.`),
			},
			{
				Config:        registeredModelConfig(cat, "churn", ""),
				ResourceName:  modelAddr,
				ImportState:   true,
				ImportStateId: "only.two",
				ExpectError:   errorRegexp(`Import a registered model by its full name <catalog>.<schema>.<model>, got "only.two"`),
			},
		},
	})
}

func checkModelAPI(t *testing.T, full string, check func(*catalog.RegisteredModelInfo) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m, err := testWorkspace(t).RegisteredModels.GetByFullName(context.Background(), full)
		if err != nil {
			return err
		}
		return check(m)
	}
}

// Regression (issue 15): after importing a catalog, a schema and a model,
// plan showed "+ force_destroy = true" on each. Import cannot read it (only
// Terraform keeps it): the plan sets it, and applying that changes state
// alone — no Unity Catalog request — after which the plan is empty.
func TestAccRegisteredModel_importThenForceDestroyTouchesNoAPI(t *testing.T) {
	cat := uniqueName("cat")
	config := strings.Replace(registeredModelConfig(cat, "churn", "force_destroy = true"),
		"  name         = \"ml\"\n", "  name          = \"ml\"\n  force_destroy = true\n", 1)
	var before int
	writes := func() int {
		n := 0
		for _, r := range requestLog(t, "/api/") {
			if r.Method != http.MethodGet && strings.Contains(r.Path, cat) {
				n++
			}
		}
		return n
	}
	imported := func(addr, id string) resource.TestStep {
		return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStatePersist: true, Config: config}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The objects exist already, made outside Terraform.
				PreConfig: func() {
					w, ctx := testWorkspace(t), context.Background()
					if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: cat}); err != nil {
						t.Fatal(err)
					}
					if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: cat, Name: "ml"}); err != nil {
						t.Fatal(err)
					}
					if _, err := w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: cat, SchemaName: "ml", Name: "churn"}); err != nil {
						t.Fatal(err)
					}
				},
				ResourceName: "brickops_catalog.test", ImportState: true, ImportStateId: cat, ImportStatePersist: true, Config: config,
			},
			imported("brickops_schema.ml", cat+".ml"),
			imported(modelAddr, cat+".ml.churn"),
			{
				PreConfig: func() { before = writes() },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("brickops_catalog.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("brickops_schema.ml", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(modelAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(modelAddr, tfjsonpath.New("force_destroy"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("brickops_catalog.test", tfjsonpath.New("force_destroy"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					if after := writes(); after != before {
						return fmt.Errorf("setting force_destroy after import sent %d write request(s) to Unity Catalog", after-before)
					}
					return nil
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}
