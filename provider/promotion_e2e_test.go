package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
)

// promotionStack is the estate a BrickOps user keeps in git: one catalog per
// environment, the same model in each, versions registered in dev from
// training runs and promoted by copy, and a champion alias per environment.
type promotionStack struct {
	prefix string
	runs   []string // training runs registered in dev, oldest first
	// stagingChampion is the staging copy (1-based) champion points at.
	stagingChampion int
	promoteToProd   bool
}

func (p promotionStack) config() string {
	var b strings.Builder
	// One block per environment: the testing framework's state checks do
	// not follow for_each instances.
	for _, env := range []string{"dev", "staging", "prod"} {
		fmt.Fprintf(&b, `
resource "brickops_catalog" "%[2]s" {
  name          = "%[1]s_%[2]s"
  comment       = "%[2]s environment"
  force_destroy = true
}

resource "brickops_schema" "%[2]s" {
  catalog_name = brickops_catalog.%[2]s.name
  name         = "ml"
}

resource "brickops_registered_model" "%[2]s" {
  catalog_name  = brickops_schema.%[2]s.catalog_name
  schema_name   = brickops_schema.%[2]s.name
  name          = "churn"
  force_destroy = true
}
`, p.prefix, env)
	}
	b.WriteString(`
resource "brickops_grants" "prod_model" {
  registered_model = brickops_registered_model.prod.full_name
  grant {
    principal  = "serving-sp"
    privileges = ["EXECUTE"]
  }
}
`)
	for i, run := range p.runs {
		n := i + 1
		fmt.Fprintf(&b, `
resource "brickops_model_version" "dev_%[1]d" {
  model_name  = brickops_registered_model.dev.full_name
  source      = "runs:/%[2]s/model"
  run_id      = %[2]q
  description = "training run %[1]d"
  depends_on  = [%[3]s]
}

resource "brickops_model_version" "staging_%[1]d" {
  model_name = brickops_registered_model.staging.full_name
  copy_from  = "${brickops_model_version.dev_%[1]d.model_name}/${brickops_model_version.dev_%[1]d.version}"
  tags       = { promoted_from = "dev" }
  depends_on = [%[4]s]
}
`, n, run, prevRef("dev", n), prevRef("staging", n))
	}
	fmt.Fprintf(&b, `
resource "brickops_model_alias" "staging_champion" {
  model_name = brickops_registered_model.staging.full_name
  alias      = "champion"
  version    = brickops_model_version.staging_%d.version
}
`, p.stagingChampion)
	if p.promoteToProd {
		b.WriteString(`
resource "brickops_model_version" "prod" {
  model_name = brickops_registered_model.prod.full_name
  copy_from  = "${brickops_model_alias.staging_champion.model_name}@${brickops_model_alias.staging_champion.alias}"
  tags       = { promoted_from = "staging" }
}

resource "brickops_model_alias" "prod_champion" {
  model_name = brickops_registered_model.prod.full_name
  alias      = "champion"
  version    = brickops_model_version.prod.version
}
`)
	}
	return b.String()
}

// prevRef makes versions register in order, so their numbers are stable.
func prevRef(env string, n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf("brickops_model_version.%s_%d", env, n-1)
}

// TestAccPromotion_endToEnd drives a model from training to production
// through Terraform: dev/staging/prod catalogs, a version registered in dev
// from a seeded MLflow run, copied to staging with copy_from, champion
// pointed at it; a newer run is registered and promoted and champion moves
// in place; finally staging's champion is copied to prod by alias.
func TestAccPromotion_endToEnd(t *testing.T) {
	ctx := context.Background()
	w := testWorkspace(t)
	prefix := uniqueName("e2e")
	train := func(auc float64) string {
		_, run, err := seed.LogRun(ctx, w, seed.Spec{Model: prefix + "_dev.ml.churn", Experiment: "/Shared/" + prefix,
			Params: map[string]string{"max_depth": "6"}, Metrics: map[string]float64{"auc": auc}})
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	// Two training runs: the second finishes later and is better.
	run1, run2 := train(0.88), train(0.93)
	first := promotionStack{prefix: prefix, runs: []string{run1}, stagingChampion: 1}
	second := promotionStack{prefix: prefix, runs: []string{run1, run2}, stagingChampion: 2}
	toProd := second
	toProd.promoteToProd = true
	staging := prefix + "_staging.ml.churn"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: first.config(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("brickops_model_version.dev_1", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("brickops_model_version.dev_1", tfjsonpath.New("status"), knownvalue.StringExact("READY")),
					statecheck.ExpectKnownValue("brickops_model_version.staging_1", tfjsonpath.New("source"), knownvalue.StringExact("models:/"+prefix+"_dev.ml.churn/1")),
					statecheck.ExpectKnownValue("brickops_model_version.staging_1", tfjsonpath.New("run_id"), knownvalue.StringExact(run1)),
					statecheck.ExpectKnownValue("brickops_model_version.staging_1", tfjsonpath.New("lineage").AtMapKey("source_run_id"), knownvalue.StringExact(run1)),
					statecheck.ExpectKnownValue("brickops_model_alias.staging_champion", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				},
				Check: checkAliasAPI(t, staging, "champion", 1),
			},
			{
				// A newer training run is registered in dev and promoted;
				// champion moves in place, the first copy stays.
				Config: second.config(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("brickops_model_alias.staging_champion", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("brickops_model_version.staging_1", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("brickops_model_version.dev_2", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("brickops_model_version.staging_2", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("brickops_model_version.staging_2", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue("brickops_model_alias.staging_champion", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
				Check: checkAliasAPI(t, staging, "champion", 2),
			},
			{
				// Production gets staging's champion, by alias.
				Config: toProd.config(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("brickops_model_version.prod", tfjsonpath.New("lineage").AtMapKey("source_model"), knownvalue.StringExact(staging)),
					statecheck.ExpectKnownValue("brickops_model_version.prod", tfjsonpath.New("lineage").AtMapKey("source_version"), knownvalue.StringExact("2")),
					statecheck.ExpectKnownValue("brickops_model_version.prod", tfjsonpath.New("lineage").AtMapKey("source_aliases"), knownvalue.StringExact("champion")),
					statecheck.ExpectKnownValue("brickops_model_version.prod", tfjsonpath.New("run_id"), knownvalue.StringExact(run2)),
				},
				Check: checkAliasAPI(t, prefix+"_prod.ml.churn", "champion", 1),
			},
		},
	})
}

// Transient 429/503 answers on the Unity Catalog and MLflow paths are
// retried by the SDK: the apply succeeds and nothing is registered twice
// (the emulator refuses faulted requests before handling them, as a
// throttling front end does). About 30% of the apply's ~20 requests are
// faulted, and the first catalog create always is, so the test never
// passes without a fault. Retries honour Retry-After, so this test takes
// tens of seconds; it runs in parallel with the rest.
func TestAccUnityCatalog_survivesTransientErrors(t *testing.T) {
	emu := emulatortest.Start(t)
	emu.SetFaults(t,
		emulator.FaultRule{PathPrefix: "/api/2.1/unity-catalog/catalogs", Method: "POST", Rate503: 1, Times: 1},
		emulator.FaultRule{PathPrefix: "/api/2.1/unity-catalog/", Rate429: 0.15, Rate503: 0.15},
		emulator.FaultRule{PathPrefix: "/api/2.0/mlflow/", Rate429: 0.15, Rate503: 0.15},
	)
	config := fmt.Sprintf(`
provider "brickops" {
  host  = %q
  token = %q
}

resource "brickops_catalog" "dev" {
  name          = "dev"
  force_destroy = true
}

resource "brickops_schema" "ml" {
  catalog_name = brickops_catalog.dev.name
  name         = "ml"
}

resource "brickops_registered_model" "churn" {
  catalog_name  = brickops_schema.ml.catalog_name
  schema_name   = brickops_schema.ml.name
  name          = "churn"
  force_destroy = true
}

resource "brickops_model_version" "v" {
  model_name = brickops_registered_model.churn.full_name
  source     = "dbfs:/models/churn"
  tags       = { validated = "true" }
}

resource "brickops_model_version" "copy" {
  model_name = brickops_registered_model.churn.full_name
  copy_from  = "${brickops_model_version.v.model_name}/${brickops_model_version.v.version}"
}

resource "brickops_grants" "model" {
  registered_model = brickops_registered_model.churn.full_name
  grant {
    principal  = "serving-sp"
    privileges = ["EXECUTE"]
  }
}

resource "brickops_model_alias" "champion" {
  model_name = brickops_registered_model.churn.full_name
  alias      = "champion"
  version    = brickops_model_version.v.version
}
`, emu.URL, emu.Token)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("brickops_model_version.v", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("brickops_model_alias.champion", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
			},
			Check: func(*terraform.State) error {
				faulted := 0
				for _, r := range emu.Requests(t, "/api/") {
					if r.Status == http.StatusServiceUnavailable || r.Status == http.StatusTooManyRequests {
						faulted++
					}
				}
				if faulted == 0 {
					return fmt.Errorf("no request was faulted; the test proves nothing")
				}
				versions, err := emu.WorkspaceClient(t).ModelVersions.ListAll(context.Background(), catalog.ListModelVersionsRequest{FullName: "dev.ml.churn"})
				if err != nil || len(versions) != 2 {
					return fmt.Errorf("versions after a faulty apply = %d, %v", len(versions), err)
				}
				return nil
			},
		}},
	})
}
