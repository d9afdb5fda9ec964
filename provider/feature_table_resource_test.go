package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
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

const featureAddr = "brickops_feature_table.customers"

// featureTableConfig is a catalog and schema with a customers feature
// table; extraColumns and tags vary per step.
func featureTableConfig(cat, extraColumns, tags, rest string) string {
	return fmt.Sprintf(`
resource "brickops_catalog" "c" {
  name          = %q
  force_destroy = true
}
resource "brickops_schema" "features" {
  catalog_name = brickops_catalog.c.name
  name         = "features"
}
resource "brickops_feature_table" "customers" {
  catalog_name = brickops_schema.features.catalog_name
  schema_name  = brickops_schema.features.name
  name         = "customers"
  description  = "Customer spend features, daily."
  columns = [
    { name = "customer_id", type_name = "LONG" },
    { name = "ts", type_name = "TIMESTAMP", comment = "Feature time" },
    { name = "spend_30d", type_name = "DOUBLE" },%s
  ]
  primary_keys   = ["customer_id", "ts"]
  timeseries_key = "ts"
  %s
}
%s
`, cat, extraColumns, tags, rest)
}

func accCatalog() string { return strings.ReplaceAll(acctest.RandomWithPrefix("acc"), "-", "_") }

func TestAccFeatureTable_lifecycle(t *testing.T) {
	cat := accCatalog()
	full := cat + ".features.customers"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: featureTableConfig(cat, "", `tags = { team = "ml" }`, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(featureAddr, tfjsonpath.New("table_id")),
					newID.AddStateValue(featureAddr, tfjsonpath.New("table_id")),
					statecheck.ExpectKnownValue(featureAddr, tfjsonpath.New("id"), knownvalue.StringExact(full)),
					statecheck.ExpectKnownValue(featureAddr, tfjsonpath.New("constraint_name"), knownvalue.StringExact("customers_pk")),
				},
				Check: checkFeatureTableAPI(t, full, func(tb *catalog.TableInfo, tags map[string]string) error {
					pk := tb.TableConstraints[0].PrimaryKeyConstraint
					if pk == nil || len(pk.ChildColumns) != 2 || pk.TimeseriesColumns[0] != "ts" || tb.Columns[0].Nullable || !tb.Columns[2].Nullable ||
						tb.Comment != "Customer spend features, daily." || tags["team"] != "ml" {
						return fmt.Errorf("feature table on the API: %+v tags=%v", tb, tags)
					}
					return nil
				}),
			},
			{
				// Tags change in place.
				Config: featureTableConfig(cat, "", `tags = { team = "growth", tier = "gold" }`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(featureAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(featureAddr, tfjsonpath.New("table_id"))},
				Check: checkFeatureTableAPI(t, full, func(_ *catalog.TableInfo, tags map[string]string) error {
					if len(tags) != 2 || tags["team"] != "growth" || tags["tier"] != "gold" {
						return fmt.Errorf("tags = %v", tags)
					}
					return nil
				}),
			},
			{
				// A new column replaces the table.
				Config: featureTableConfig(cat, `
    { name = "visits_7d", type_name = "INT" },`, `tags = { team = "growth", tier = "gold" }`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(featureAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(featureAddr, tfjsonpath.New("table_id"))},
			},
			{ResourceName: featureAddr, ImportState: true, ImportStateVerify: true},
		},
	})
}

func TestAccFeatureTable_driftIsRepaired(t *testing.T) {
	cat := accCatalog()
	full := cat + ".features.customers"
	config := featureTableConfig(cat, "", `tags = { team = "ml" }`, "")
	w := testWorkspace(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Someone retags the table.
				PreConfig: func() {
					if err := w.EntityTagAssignments.Delete(ctx, catalog.DeleteEntityTagAssignmentRequest{EntityType: "tables", EntityName: full, TagKey: "team"}); err != nil {
						t.Fatal(err)
					}
					if _, err := w.EntityTagAssignments.Create(ctx, catalog.CreateEntityTagAssignmentRequest{TagAssignment: catalog.EntityTagAssignment{EntityType: "tables", EntityName: full, TagKey: "pii", TagValue: "true"}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(featureAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkFeatureTableAPI(t, full, func(_ *catalog.TableInfo, tags map[string]string) error {
					if len(tags) != 1 || tags["team"] != "ml" {
						return fmt.Errorf("tags not repaired: %v", tags)
					}
					return nil
				}),
			},
			{
				// Someone drops the primary key: the table is rebuilt with it.
				PreConfig: func() {
					if err := w.TableConstraints.Delete(ctx, catalog.DeleteTableConstraintRequest{FullName: full, ConstraintName: "customers_pk", Cascade: true}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(featureAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			{
				PreConfig: func() {
					if err := w.Tables.DeleteByFullName(ctx, full); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(featureAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccFeatureTable_badInput(t *testing.T) {
	base := func(keys, ts string) string {
		return fmt.Sprintf(`
resource "brickops_feature_table" "customers" {
  catalog_name   = "dev"
  schema_name    = "features"
  name           = "customers"
  columns        = [{ name = "customer_id", type_name = "LONG" }, { name = "ts", type_name = "TIMESTAMP" }]
  primary_keys   = %s
  timeseries_key = %s
}`, keys, ts)
	}
	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"key not a column":      {base(`["id"]`, "null"), wrapped(`Primary key "id" is not one of the table's columns (customer_id, ts).`)},
		"timeseries not in key": {base(`["customer_id"]`, `"ts"`), wrapped(`timeseries_key "ts" must be one of primary_keys (customer_id).`)},
		"empty key":             {base(`[]`, "null"), wrapped(`Attribute primary_keys list must contain at least 1 elements`)},
		"bad type":              {strings.Replace(base(`["customer_id"]`, "null"), `"LONG"`, `"BIGINT"`, 1), wrapped(`type_name value must be one of`)},
		"bad name":              {strings.Replace(base(`["customer_id"]`, "null"), `name           = "customers"`, `name = "cust omers"`, 1), wrapped(`must not contain a period, a space`)},
		// The schema does not exist: the API's message reaches the user.
		"missing schema from the API": {strings.Replace(base(`["customer_id"]`, "null"), `"dev"`, `"nowhere"`, 1), wrapped(`Creating table nowhere.features.customers: Schema 'nowhere.features' does not exist.`)},
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

// checkFeatureTableAPI reads the table and its tags through the SDK.
func checkFeatureTableAPI(t *testing.T, full string, check func(*catalog.TableInfo, map[string]string) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		w := testWorkspace(t)
		ctx := context.Background()
		tb, err := w.Tables.GetByFullName(ctx, full)
		if err != nil {
			return err
		}
		all, err := w.EntityTagAssignments.ListAll(ctx, catalog.ListEntityTagAssignmentsRequest{EntityType: "tables", EntityName: full})
		if err != nil {
			return err
		}
		tags := map[string]string{}
		for _, a := range all {
			tags[a.TagKey] = a.TagValue
		}
		return check(tb, tags)
	}
}
