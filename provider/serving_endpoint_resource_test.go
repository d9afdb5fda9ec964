package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/brickops/terraform-provider-brickops/internal/seed"
)

const endpointAddr = "brickops_serving_endpoint.churn"

// seedServedModel registers n READY versions of <catalog>.ml.churn the way a
// training run does, in a catalog of its own, and returns the model name.
func seedServedModel(t *testing.T, n int) string {
	t.Helper()
	model := acctest.RandomWithPrefix("acc") + ".ml.churn"
	for i := 0; i < n; i++ {
		if _, err := seed.Run(context.Background(), testWorkspace(t), seed.Spec{Model: model, Metrics: map[string]float64{"auc": 0.8 + float64(i)/100}}); err != nil {
			t.Fatalf("seeding %s: %v", model, err)
		}
	}
	return model
}

// endpointConfig is an endpoint named name serving model; entities and
// extra are HCL bodies.
func endpointConfig(name, model, entities, extra string) string {
	catalog := strings.Split(model, ".")[0]
	return fmt.Sprintf(`
locals {
  model   = %q
  catalog = %q
}
resource "brickops_serving_endpoint" "churn" {
  name            = %q
  served_entities = [%s]
  auto_capture_config = {
    catalog_name = local.catalog
    schema_name  = "ml"
  }
%s
}
`, model, catalog, name, entities, extra)
}

func entity(name, version string) string {
	return fmt.Sprintf(`{
    name           = %q
    entity_name    = local.model
    entity_version = %q
    workload_size  = "Small"
    scale_to_zero_enabled = true
  }`, name, version)
}

// A served version changes in place, then a 90/10 canary, then 100% to
// the new version; tags change without a deployment.
func TestAccServingEndpoint_canary(t *testing.T) {
	model := seedServedModel(t, 2)
	name := acctest.RandomWithPrefix("churn")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameVersion := statecheck.CompareValue(compare.ValuesSame())
	tags := `tags = { team = "ml" }`
	var tagStepStart time.Time
	canary := fmt.Sprintf(`traffic_config = { routes = [
    { served_entity_name = "champion", traffic_percentage = %d },
    { served_entity_name = "challenger", traffic_percentage = %d },
  ] }`, 90, 10)
	promoted := `traffic_config = { routes = [
    { served_entity_name = "champion", traffic_percentage = 0 },
    { served_entity_name = "challenger", traffic_percentage = 100 },
  ] }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: endpointConfig(name, model, entity("champion", "1"), tags),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(endpointAddr, tfjsonpath.New("endpoint_id")),
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("config_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("traffic_config").AtMapKey("routes").AtSliceIndex(0).AtMapKey("traffic_percentage"), knownvalue.Int64Exact(100)),
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("served_entities").AtSliceIndex(0).AtMapKey("workload_type"), knownvalue.StringExact("CPU")),
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("auto_capture_config").AtMapKey("table_name_prefix"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("inference_table_name"), knownvalue.StringExact(strings.Split(model, ".")[0]+".ml."+name+"_payload")),
				},
				Check: checkEndpointAPI(t, func(e *serving.ServingEndpointDetailed) error {
					if e.State.Ready != serving.EndpointStateReadyReady || e.State.ConfigUpdate != serving.EndpointStateConfigUpdateNotUpdating {
						return fmt.Errorf("endpoint state %+v", e.State)
					}
					_, err := testWorkspace(t).Tables.GetByFullName(context.Background(), strings.Split(model, ".")[0]+".ml."+name+"_payload")
					return err
				}),
			},
			{
				// The served version changes in place: a config deployment.
				Config: endpointConfig(name, model, entity("champion", "2"), tags),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(endpointAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(endpointAddr, tfjsonpath.New("config_version")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(endpointAddr, tfjsonpath.New("endpoint_id")),
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("config_version"), knownvalue.Int64Exact(2)),
				},
			},
			{
				// Canary: version 1 back as champion with 90%, version 2 gets 10%.
				Config: endpointConfig(name, model, entity("champion", "1")+", "+entity("challenger", "2"), tags+"\n"+canary),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("config_version"), knownvalue.Int64Exact(3)),
				},
				Check: checkEndpointAPI(t, func(e *serving.ServingEndpointDetailed) error {
					routes := map[string]int{}
					for _, r := range e.Config.TrafficConfig.Routes {
						routes[r.ServedEntityName] = r.TrafficPercentage
					}
					if len(e.Config.ServedEntities) != 2 || routes["champion"] != 90 || routes["challenger"] != 10 {
						return fmt.Errorf("canary not deployed: %+v", e.Config)
					}
					return nil
				}),
			},
			{
				// Promotion: all traffic to the challenger.
				Config: endpointConfig(name, model, entity("champion", "1")+", "+entity("challenger", "2"), tags+"\n"+promoted),
				ConfigStateChecks: []statecheck.StateCheck{
					sameVersion.AddStateValue(endpointAddr, tfjsonpath.New("config_version")),
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("traffic_config").AtMapKey("routes").AtSliceIndex(1).AtMapKey("traffic_percentage"), knownvalue.Int64Exact(100)),
				},
			},
			{
				// A tag change: planned and applied without a deployment.
				PreConfig: func() { tagStepStart = time.Now() },
				Config:    endpointConfig(name, model, entity("champion", "1")+", "+entity("challenger", "2"), `tags = { team = "ml", stage = "prod" }`+"\n"+promoted),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(endpointAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("config_version"), knownvalue.Int64Exact(4)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameVersion.AddStateValue(endpointAddr, tfjsonpath.New("config_version")),
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("tags").AtMapKey("stage"), knownvalue.StringExact("prod")),
				},
				Check: func(*terraform.State) error {
					for _, r := range requestLog(t, "/api/2.0/serving-endpoints/"+name+"/config") {
						if r.Method == "PUT" && r.Time.After(tagStepStart) {
							return fmt.Errorf("a tag change redeployed the endpoint: %+v", r)
						}
					}
					return nil
				},
			},
			{
				ResourceName:            endpointAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// An endpoint pointing at a version that does not exist is refused by the
// API at create and at update, with its message; no endpoint is left
// behind and state stays consistent with what is served.
func TestAccServingEndpoint_missingVersion(t *testing.T) {
	model := seedServedModel(t, 1)
	name := acctest.RandomWithPrefix("churn")
	good := endpointConfig(name, model, entity("champion", "1"), "")
	bad := endpointConfig(name, model, entity("champion", "99"), "")
	versionMissing := wrapped(`Model version 99 of Routine or Model '` + model + `' does not exist.`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: bad, ExpectError: versionMissing},
			{
				// Nothing was created: the fixed config creates it.
				Config: good,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(endpointAddr, plancheck.ResourceActionCreate),
				}},
			},
			{Config: bad, ExpectError: versionMissing},
			{
				// The failed update left version 1 in state, as served:
				// the good config plans nothing, the bad one still a change.
				Config:   good,
				PlanOnly: true,
			},
			{Config: bad, PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				Config: good,
				Check: checkEndpointAPI(t, func(e *serving.ServingEndpointDetailed) error {
					if e.State.Ready != serving.EndpointStateReadyReady || e.Config.ServedEntities[0].EntityVersion != "1" {
						return fmt.Errorf("endpoint does not serve version 1: %+v %+v", e.State, e.Config)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccServingEndpoint_driftIsRepaired(t *testing.T) {
	model := seedServedModel(t, 2)
	name := acctest.RandomWithPrefix("churn")
	config := endpointConfig(name, model, entity("champion", "1"), `tags = { team = "ml" }`)
	w := testWorkspace(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Someone serves version 2 and retags the endpoint in the UI.
				PreConfig: func() {
					if _, err := updateEndpointConfig(ctx, w, serving.EndpointCoreConfigInput{Name: name,
						ServedEntities: []serving.ServedEntityInput{{Name: "champion", EntityName: model, EntityVersion: "2", WorkloadSize: "Small"}}}); err != nil {
						t.Fatalf("updating behind Terraform's back: %v", err)
					}
					if _, err := w.ServingEndpoints.Patch(ctx, serving.PatchServingEndpointTags{Name: name, DeleteTags: []string{"team"}, AddTags: []serving.EndpointTag{{Key: "owner", Value: "bob"}}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(endpointAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("served_entities").AtSliceIndex(0).AtMapKey("entity_version"), knownvalue.StringExact("1")),
				}},
				Check: checkEndpointAPI(t, func(e *serving.ServingEndpointDetailed) error {
					if e.Config.ServedEntities[0].EntityVersion != "1" || !e.Config.ServedEntities[0].ScaleToZeroEnabled || len(e.Tags) != 1 || e.Tags[0].Key != "team" {
						return fmt.Errorf("drift not repaired: %+v tags=%+v", e.Config.ServedEntities, e.Tags)
					}
					return nil
				}),
			},
			{
				PreConfig: func() {
					if err := w.ServingEndpoints.DeleteByName(ctx, name); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(endpointAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccServingEndpoint_replaceOnName(t *testing.T) {
	model := seedServedModel(t, 1)
	first, second := acctest.RandomWithPrefix("churn"), acctest.RandomWithPrefix("churn")
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            endpointConfig(first, model, entity("champion", "1"), ""),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(endpointAddr, tfjsonpath.New("endpoint_id"))},
			},
			{
				Config: endpointConfig(second, model, entity("champion", "1"), ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(endpointAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(endpointAddr, tfjsonpath.New("endpoint_id"))},
			},
		},
	})
}

func TestAccServingEndpoint_badInput(t *testing.T) {
	two := entity("a", "1") + ", " + entity("b", "1")
	routes := func(a, b int, bName string) string {
		return fmt.Sprintf(`traffic_config = { routes = [{ served_entity_name = "a", traffic_percentage = %d }, { served_entity_name = %q, traffic_percentage = %d }] }`, a, bName, b)
	}
	cases := map[string]struct {
		config string
		want   string
	}{
		"sum is not 100":    {endpointConfig("x", "dev.ml.m", two, routes(90, 20, "b")), `must sum to 100, got 110`},
		"route to nobody":   {endpointConfig("x", "dev.ml.m", two, routes(50, 50, "c")), `Route to "c", which is not one of served_entities \(a, b\)`},
		"no traffic split":  {endpointConfig("x", "dev.ml.m", two, ""), `needs traffic_config.routes`},
		"duplicate entity":  {endpointConfig("x", "dev.ml.m", entity("a", "1")+", "+entity("a", "2"), routes(50, 50, "a")), `Served entity name "a" is used more than once`},
		"bad endpoint name": {endpointConfig("churn v1", "dev.ml.m", entity("a", "1"), ""), `may only contain letters, digits, '-' and '_'`},
		"bad workload size": {strings.Replace(endpointConfig("x", "dev.ml.m", entity("a", "1"), ""), `"Small"`, `"Huge"`, 1), `workload_size value must be one of`},
		"model not 3 parts": {endpointConfig("x", "churn", entity("a", "1"), ""), `must be <catalog>.<schema>.<model>`},
		"calls and tokens": {endpointConfig("x", "dev.ml.m", entity("a", "1"), `ai_gateway = { rate_limits = [{ calls = 1, tokens = 1 }] }`),
			`2 attributes specified when one \(and only one\) of\s+\[ai_gateway.rate_limits\[0\].calls`},
		"percentage above 100": {endpointConfig("x", "dev.ml.m", two, routes(150, -50, "b")), `traffic_percentage value must be between 0\s+and 100`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.want)}},
			})
		})
	}
}

// wrapped matches msg literally, allowing any line wrapping between words
// (Terraform wraps diagnostics).
func wrapped(msg string) *regexp.Regexp {
	return regexp.MustCompile(strings.Join(strings.Fields(regexp.QuoteMeta(msg)), `\s+`))
}

// checkEndpointAPI reads the test endpoint through the SDK and applies check.
func checkEndpointAPI(t *testing.T, check func(*serving.ServingEndpointDetailed) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[endpointAddr]
		if !ok {
			return fmt.Errorf("%s not in state", endpointAddr)
		}
		e, err := testWorkspace(t).ServingEndpoints.GetByName(context.Background(), rs.Primary.ID)
		if err != nil {
			return err
		}
		return check(e)
	}
}

// updateEndpointConfig deploys a config and waits for the deployment.
func updateEndpointConfig(ctx context.Context, w *databricks.WorkspaceClient, in serving.EndpointCoreConfigInput) (*serving.ServingEndpointDetailed, error) {
	wait, err := w.ServingEndpoints.UpdateConfig(ctx, in)
	if err != nil {
		return nil, err
	}
	return wait.Get()
}

// The AI gateway changes in place without a deployment, and is cleared
// when removed from the configuration.
func TestAccServingEndpoint_aiGateway(t *testing.T) {
	model := seedServedModel(t, 1)
	name := acctest.RandomWithPrefix("churn")
	sameVersion := statecheck.CompareValue(compare.ValuesSame())
	gateway := func(body string) string {
		return endpointConfig(name, model, entity("champion", "1"), "ai_gateway = {\n"+body+"\n}")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: gateway(`
    usage_tracking_config = { enabled = true }
    rate_limits           = [{ calls = 100 }]`),
				ConfigStateChecks: []statecheck.StateCheck{
					sameVersion.AddStateValue(endpointAddr, tfjsonpath.New("config_version")),
					statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("ai_gateway").AtMapKey("rate_limits").AtSliceIndex(0).AtMapKey("key"), knownvalue.StringExact("endpoint")),
				},
				Check: checkEndpointAPI(t, func(e *serving.ServingEndpointDetailed) error {
					if e.AiGateway == nil || !e.AiGateway.UsageTrackingConfig.Enabled || e.AiGateway.RateLimits[0].Calls != 100 {
						return fmt.Errorf("gateway on the API: %+v", e.AiGateway)
					}
					return nil
				}),
			},
			{
				Config: gateway(`
    usage_tracking_config  = { enabled = true }
    rate_limits            = [{ calls = 50 }, { tokens = 10000, key = "user_group", principal = "data-scientists" }]
    fallback_config        = { enabled = true }
    inference_table_config = { catalog_name = local.catalog, schema_name = "ml", table_name_prefix = "gateway" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(endpointAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameVersion.AddStateValue(endpointAddr, tfjsonpath.New("config_version"))},
				Check: checkEndpointAPI(t, func(e *serving.ServingEndpointDetailed) error {
					if len(e.AiGateway.RateLimits) != 2 || !e.AiGateway.FallbackConfig.Enabled || e.AiGateway.InferenceTableConfig.TableNamePrefix != "gateway" {
						return fmt.Errorf("gateway update not applied: %+v", e.AiGateway)
					}
					_, err := testWorkspace(t).Tables.GetByFullName(context.Background(), strings.Split(model, ".")[0]+".ml.gateway_payload")
					return err
				}),
			},
			{ResourceName: endpointAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{
				Config:            endpointConfig(name, model, entity("champion", "1"), ""),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(endpointAddr, tfjsonpath.New("ai_gateway"), knownvalue.Null())},
				Check: checkEndpointAPI(t, func(e *serving.ServingEndpointDetailed) error {
					if e.AiGateway != nil && len(e.AiGateway.RateLimits) != 0 {
						return fmt.Errorf("gateway not cleared: %+v", e.AiGateway)
					}
					return nil
				}),
			},
		},
	})
}
