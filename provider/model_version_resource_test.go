package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

const versionAddr = "brickops_model_version.test"

// logTrainingRun logs a finished MLflow run, as a training job would.
func logTrainingRun(t *testing.T, model string) string {
	t.Helper()
	_, runID, err := seed.LogRun(context.Background(), testWorkspace(t), seed.Spec{Model: model, Metrics: map[string]float64{"auc": 0.91}})
	if err != nil {
		t.Fatal(err)
	}
	return runID
}

func testRegistry(t *testing.T) *ucregistry.Client {
	t.Helper()
	reg, err := ucregistry.New(testWorkspace(t))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func modelVersionConfig(cat, body string) string {
	return registeredModelConfig(cat, "churn", "force_destroy = true") + fmt.Sprintf(`
resource "brickops_model_version" "test" {
  model_name = brickops_registered_model.test.full_name
%s
}
`, body)
}

func TestAccModelVersion_fromRun(t *testing.T) {
	cat := uniqueName("cat")
	model := cat + ".ml.churn"
	run := logTrainingRun(t, model)
	reg := testRegistry(t)
	w := testWorkspace(t)
	ctx := context.Background()
	source := fmt.Sprintf(`
  source      = "runs:/%s/model"
  run_id      = %q`, run, run)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: modelVersionConfig(cat, source+`
  description = "nightly"
  tags        = { validated = "true" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("id"), knownvalue.StringExact(model+"/1")),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("status"), knownvalue.StringExact("READY")),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("storage_location"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("lineage"), knownvalue.MapSizeExact(0)),
				},
				Check: checkVersionAPI(t, model, "1", func(mv *ucregistry.ModelVersion) error {
					if mv.RunID != run || mv.Description != "nightly" || mv.TagMap()["validated"] != "true" {
						return fmt.Errorf("API has %+v", mv)
					}
					return nil
				}),
			},
			{
				// In place: description and tags.
				Config: modelVersionConfig(cat, source+`
  description = "nightly, validated"
  tags        = { validated = "true", approved_by = "alice" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(versionAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkVersionAPI(t, model, "1", func(mv *ucregistry.ModelVersion) error {
					if mv.Description != "nightly, validated" || mv.TagMap()["approved_by"] != "alice" || len(mv.Tags) != 2 {
						return fmt.Errorf("update not applied: %+v", mv)
					}
					return nil
				}),
			},
			{ResourceName: versionAddr, ImportState: true, ImportStateId: model + "/1", ImportStateVerify: true},
			{
				// Drift: a tag added and the description edited behind Terraform's back.
				PreConfig: func() {
					if err := reg.SetTag(ctx, model, "1", "manual", "x"); err != nil {
						t.Fatal(err)
					}
					if _, err := w.ModelVersions.Update(ctx, catalog.UpdateModelVersionRequest{FullName: model, Version: 1, Comment: "edited"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: modelVersionConfig(cat, source+`
  description = "nightly, validated"
  tags        = { validated = "true", approved_by = "alice" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(versionAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkVersionAPI(t, model, "1", func(mv *ucregistry.ModelVersion) error {
					if mv.Description != "nightly, validated" || mv.TagMap()["manual"] != "" || len(mv.Tags) != 2 {
						return fmt.Errorf("drift not repaired: %+v", mv)
					}
					return nil
				}),
			},
			{
				// A new source registers a new version (2) in place of 1.
				Config: modelVersionConfig(cat, `source = "abfss://models@lake.dfs.core.windows.net/churn/v2"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(versionAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("run_id"), knownvalue.StringExact("")),
				},
				Check: func(*terraform.State) error {
					if _, err := reg.Get(ctx, model, "1"); !isNotFoundErr(err) {
						return fmt.Errorf("version 1 survived its replacement: %v", err)
					}
					return nil
				},
			},
			{
				// Deleted behind Terraform's back: planned again.
				PreConfig: func() {
					if err := w.ModelVersions.DeleteByFullNameAndVersion(ctx, model, 2); err != nil {
						t.Fatal(err)
					}
				},
				Config: modelVersionConfig(cat, `source = "abfss://models@lake.dfs.core.windows.net/churn/v2"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(versionAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccModelVersion_copyAndAliasGuard(t *testing.T) {
	cat := uniqueName("cat")
	ctx := context.Background()
	w := testWorkspace(t)
	src, err := seed.Run(ctx, w, seed.Spec{Model: cat + "_dev.ml.churn", Metrics: map[string]float64{"auc": 0.92}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: cat + "_dev.ml.churn", Alias: "champion", VersionNum: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: cat + "_dev", Force: true}) })
	model := cat + ".ml.churn"
	config := modelVersionConfig(cat, fmt.Sprintf(`copy_from = "%s_dev.ml.churn@champion"
  tags      = { promoted_by = "ci" }`, cat))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("source"), knownvalue.StringExact("models:/"+cat+"_dev.ml.churn/1")),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("run_id"), knownvalue.StringExact(src.RunID)),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("lineage"), knownvalue.MapExact(map[string]knownvalue.Check{
						"source_model":   knownvalue.StringExact(cat + "_dev.ml.churn"),
						"source_version": knownvalue.StringExact("1"),
						"source_run_id":  knownvalue.StringExact(src.RunID),
						"source_aliases": knownvalue.StringExact("champion"),
					})),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"promoted_by": knownvalue.StringExact("ci"),
					})),
				},
				Check: checkVersionAPI(t, model, "1", func(mv *ucregistry.ModelVersion) error {
					if mv.TagMap()["brickops.lineage.source_version"] != "1" || mv.Status != "READY" {
						return fmt.Errorf("copy in the API: %+v", mv)
					}
					return nil
				}),
			},
			{
				ResourceName: versionAddr, ImportState: true, ImportStateId: model + "/1", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"copy_from"},
			},
			{
				// An alias set outside Terraform blocks the destroy, by name.
				PreConfig: func() {
					if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: model, Alias: "champion", VersionNum: 1}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				Destroy:     true,
				ExpectError: errorRegexp(`Version 1 of "` + model + `" cannot be deleted: alias "champion" still points at it.`),
			},
			{
				PreConfig: func() {
					if err := w.RegisteredModels.DeleteAlias(ctx, catalog.DeleteAliasRequest{FullName: model, Alias: "champion"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
			},
		},
	})
}

func TestAccModelVersion_badInput(t *testing.T) {
	cat := uniqueName("cat")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      modelVersionConfig(cat, `copy_from = "dev.ml.churn"`),
				ExpectError: errorRegexp(`must be <catalog>.<schema>.<model>/<version> or <catalog>.<schema>.<model>@<alias>`),
			},
			{
				Config:      modelVersionConfig(cat, "source = \"dbfs:/m\"\n  copy_from = \"dev.ml.churn/1\""),
				ExpectError: errorRegexp(`Exactly one of these attributes must be configured: [source,copy_from]`),
			},
			{
				Config:      modelVersionConfig(cat, "source = \"dbfs:/m\"\n  tags = { \"brickops.lineage.source_model\" = \"x\" }"),
				ExpectError: errorRegexp(`Tag key "brickops.lineage.source_model" is reserved`),
			},
			{
				Config:      modelVersionConfig(cat, `copy_from = "nowhere.ml.churn/3"`),
				ExpectError: errorRegexp(`copy_from "nowhere.ml.churn/3": Routine or Model 'nowhere.ml.churn' does not exist.`),
			},
			{
				Config:      modelVersionConfig(cat, `source = "runs:/0123456789abcdef/model"`),
				ExpectError: errorRegexp(`did not become READY: version 1 of ` + cat + `.ml.churn failed registration: Failed to copy the model artifacts: run '0123456789abcdef' does not exist.`),
			},
			{
				Config:        modelVersionConfig(cat, `source = "dbfs:/m"`),
				ResourceName:  versionAddr,
				ImportState:   true,
				ImportStateId: cat + ".ml.churn@champion",
				ExpectError:   errorRegexp(`Import a model version as <catalog>.<schema>.<model>/<version>`),
			},
		},
	})
}

func checkVersionAPI(t *testing.T, model, version string, check func(*ucregistry.ModelVersion) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		mv, err := testRegistry(t).Get(context.Background(), model, version)
		if err != nil {
			return err
		}
		return check(mv)
	}
}

// Registration is asynchronous: against an emulator whose versions take
// a while to become READY, apply polls until they are, and a create
// timeout shorter than that fails with a clear message (the version is
// then tracked as tainted, not orphaned).
func TestAccModelVersion_waitsForReady(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(600*time.Millisecond))
	ctx := context.Background()
	ew := emu.WorkspaceClient(t)
	if _, err := seed.Run(ctx, ew, seed.Spec{Model: "dev.ml.churn"}); err != nil {
		t.Fatal(err)
	}
	providerBlock := fmt.Sprintf(`
provider "brickops" {
  host  = %q
  token = %q
}
`, emu.URL, emu.Token)
	config := func(timeout string) string {
		return providerBlock + fmt.Sprintf(`
resource "brickops_model_version" "test" {
  model_name = "dev.ml.churn"
  source     = "dbfs:/models/churn"
  timeouts   = { create = %q }
}
`, timeout)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("200ms"),
				ExpectError: errorRegexp(`Version 2 of "dev.ml.churn" was registered but did not become READY`),
			},
			{
				// The tainted version is replaced; this time apply waits long enough.
				Config: config("1m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(versionAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(versionAddr, tfjsonpath.New("status"), knownvalue.StringExact("READY")),
				},
				Check: func(*terraform.State) error {
					polls := 0
					for _, r := range emu.Requests(t, "/api/2.0/mlflow/unity-catalog/model-versions/get") {
						if r.Method == http.MethodGet && strings.Contains(r.Query, "version=3") {
							polls++
						}
					}
					if polls < 3 {
						return fmt.Errorf("only %d polls of version 3: apply did not wait for READY", polls)
					}
					return nil
				},
			},
		},
	})
}
