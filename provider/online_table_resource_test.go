package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const onlineAddr = "brickops_online_table.customers"

func onlineTableConfig(cat, policy string) string {
	return featureTableConfig(cat, "", "", fmt.Sprintf(`
resource "brickops_online_table" "customers" {
  name                   = "${brickops_feature_table.customers.id}_online"
  source_table_full_name = brickops_feature_table.customers.id
  primary_key_columns    = ["customer_id"]
  timeseries_key         = brickops_feature_table.customers.timeseries_key
  %s
}`, policy))
}

// An online table on a feature table: create waits until it is online.
func TestAccOnlineTable_onFeatureTable(t *testing.T) {
	cat := accCatalog()
	name := cat + ".features.customers_online"
	w := testWorkspace(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: onlineTableConfig(cat, "run_triggered = {}"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(onlineAddr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(onlineAddr, tfjsonpath.New("detailed_state"), knownvalue.StringExact("ONLINE_NO_PENDING_UPDATE")),
					statecheck.ExpectKnownValue(onlineAddr, tfjsonpath.New("unity_catalog_provisioning_state"), knownvalue.StringExact("ACTIVE")),
					statecheck.ExpectKnownValue(onlineAddr, tfjsonpath.New("pipeline_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					statecheck.ExpectKnownValue(onlineAddr, tfjsonpath.New("perform_full_copy"), knownvalue.Bool(false)),
				},
				Check: func(*terraform.State) error {
					o, err := w.OnlineTables.GetByName(ctx, name)
					if err != nil {
						return err
					}
					if o.Spec.SourceTableFullName != cat+".features.customers" || o.Spec.TimeseriesKey != "ts" || o.Spec.RunTriggered == nil {
						return fmt.Errorf("online table spec = %+v", o.Spec)
					}
					return nil
				},
			},
			{ResourceName: onlineAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{
				// The scheduling policy cannot change in place.
				Config: onlineTableConfig(cat, "run_continuously = {}"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(onlineAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(onlineAddr, tfjsonpath.New("detailed_state"), knownvalue.StringExact("ONLINE_CONTINUOUS_UPDATE")),
				},
			},
			{
				// Deleted behind Terraform's back: planned again.
				PreConfig: func() {
					if err := w.OnlineTables.DeleteByName(ctx, name); err != nil {
						t.Fatal(err)
					}
				},
				Config: onlineTableConfig(cat, "run_continuously = {}"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(onlineAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// Regression (issue 15): renaming the source feature table planned an
// in-place update (its new name is unknown until apply), and apply failed
// with "Provider produced inconsistent final plan", leaving the online table
// ONLINE_PIPELINE_FAILED. The online table is replaced instead.
func TestAccOnlineTable_replacedWhenSourceRenamed(t *testing.T) {
	cat := accCatalog()
	renamed := strings.Replace(onlineTableConfig(cat, "run_triggered = {}"), `name         = "customers"`, `name         = "customers_v2"`, 1)
	w := testWorkspace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: onlineTableConfig(cat, "run_triggered = {}")},
			{
				Config: renamed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("brickops_feature_table.customers", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(onlineAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(onlineAddr, tfjsonpath.New("id"), knownvalue.StringExact(cat+".features.customers_v2_online")),
					statecheck.ExpectKnownValue(onlineAddr, tfjsonpath.New("detailed_state"), knownvalue.StringExact("ONLINE_NO_PENDING_UPDATE")),
				},
				Check: func(*terraform.State) error {
					o, err := w.OnlineTables.GetByName(context.Background(), cat+".features.customers_v2_online")
					if err != nil {
						return err
					}
					if o.Spec.SourceTableFullName != cat+".features.customers_v2" {
						return fmt.Errorf("online table reads %s", o.Spec.SourceTableFullName)
					}
					return nil
				},
			},
			{Config: renamed, PlanOnly: true},
		},
	})
}

func TestAccOnlineTable_badInput(t *testing.T) {
	cat := accCatalog()
	bad := func(body string) string {
		return fmt.Sprintf(`
resource "brickops_online_table" "customers" {
  name                   = "%s.features.customers_online"
  source_table_full_name = "%s.features.customers"
  primary_key_columns    = ["customer_id"]
  %s
}`, cat, cat, body)
	}
	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"both policies": {bad("run_triggered = {}\n  run_continuously = {}"), wrapped(`2 attributes specified when one (and only one) of [run_triggered,run_continuously] is required`)},
		"no policy":     {bad(""), wrapped(`No attribute specified when one (and only one) of [run_triggered,run_continuously] is required`)},
		"two-part name": {`
resource "brickops_online_table" "customers" {
  name                   = "features.customers_online"
  source_table_full_name = "dev.features.customers"
  primary_key_columns    = ["customer_id"]
  run_triggered          = {}
}`, wrapped(`must be <catalog>.<schema>.<table>`)},
		// The API checks the source's columns: its message reaches the user.
		"unknown key column from the API": {featureTableConfig(cat, "", "", `
resource "brickops_online_table" "customers" {
  name                   = "${brickops_feature_table.customers.id}_online"
  source_table_full_name = brickops_feature_table.customers.id
  primary_key_columns    = ["client_id"]
  run_triggered          = {}
}`), wrapped(fmt.Sprintf(`Column 'client_id' does not exist in source table '%s.features.customers'.`, cat))},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: tc.want}},
			})
		})
	}
}
