package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const volumeAddr = "brickops_volume.test"

// catalogWithSchema creates a catalog with a schema `files` through the SDK, for
// tests that are not about creating catalogs and schemas, and returns the
// catalog's name.
func catalogWithSchema(t *testing.T) string {
	t.Helper()
	cat := uniqueName("vol")
	w, ctx := testWorkspace(t), context.Background()
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: cat}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: cat, Name: "files"}); err != nil {
		t.Fatal(err)
	}
	return cat
}

func volumeConfig(cat, name, body string) string {
	return fmt.Sprintf(`
resource "brickops_volume" "test" {
  catalog_name = %q
  schema_name  = "files"
  name         = %q
%s
}
`, cat, name, body)
}

const landing = "abfss://landing@acme.dfs.core.windows.net/raw"

// A managed volume is created, changed in place (comment, owner, rename),
// imported by its full name, and replaced when it becomes external; every
// apply is followed by an empty plan (the test framework checks it).
func TestAccVolume_lifecycle(t *testing.T) {
	cat := catalogWithSchema(t)
	sameLocation := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: volumeConfig(cat, "Raw", `  volume_type = "MANAGED"
  comment     = "landing files"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(volumeAddr, tfjsonpath.New("id"), knownvalue.StringExact(cat+".files.raw")),
					statecheck.ExpectKnownValue(volumeAddr, tfjsonpath.New("name"), knownvalue.StringExact("Raw")),
					statecheck.ExpectKnownValue(volumeAddr, tfjsonpath.New("volume_path"), knownvalue.StringExact("/Volumes/"+cat+"/files/raw")),
					statecheck.ExpectKnownValue(volumeAddr, tfjsonpath.New("owner"), knownvalue.StringExact("brickops@example.com")),
					statecheck.ExpectKnownValue(volumeAddr, tfjsonpath.New("storage_location"), knownvalue.StringRegexp(regexp.MustCompile(`^abfss://.*/volumes/`))),
					sameLocation.AddStateValue(volumeAddr, tfjsonpath.New("storage_location")),
				},
				Check: checkVolumeAPI(t, cat+".files.raw", func(v *catalog.VolumeInfo) error {
					if v.VolumeType != catalog.VolumeTypeManaged || v.Comment != "landing files" {
						return fmt.Errorf("created %+v", v)
					}
					return nil
				}),
			},
			{
				// Comment, owner and name change in place; the id follows the name.
				Config: volumeConfig(cat, "bronze", `  volume_type = "MANAGED"
  comment     = "bronze files"
  owner       = "data-engineers"`),
				ConfigPlanChecks: expectAction(volumeAddr, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(volumeAddr, tfjsonpath.New("id"), knownvalue.StringExact(cat+".files.bronze")),
					statecheck.ExpectKnownValue(volumeAddr, tfjsonpath.New("volume_path"), knownvalue.StringExact("/Volumes/"+cat+"/files/bronze")),
					sameLocation.AddStateValue(volumeAddr, tfjsonpath.New("storage_location")),
				},
				Check: checkVolumeAPI(t, cat+".files.bronze", func(v *catalog.VolumeInfo) error {
					if v.Comment != "bronze files" || v.Owner != "data-engineers" {
						return fmt.Errorf("update not applied: %+v", v)
					}
					return nil
				}),
			},
			{
				// Removing the comment clears it.
				Config:           volumeConfig(cat, "bronze", `  volume_type = "MANAGED"`),
				ConfigPlanChecks: expectAction(volumeAddr, plancheck.ResourceActionUpdate),
				Check: checkVolumeAPI(t, cat+".files.bronze", func(v *catalog.VolumeInfo) error {
					if v.Comment != "" || v.Owner != "data-engineers" {
						return fmt.Errorf("comment not cleared: %+v", v)
					}
					return nil
				}),
			},
			{ResourceName: volumeAddr, ImportState: true, ImportStateVerify: true, ImportStateId: cat + ".files.bronze"},
			{
				Config: volumeConfig(cat, "bronze", `  volume_type      = "EXTERNAL"
  storage_location = "`+landing+`"`),
				ConfigPlanChecks: expectAction(volumeAddr, plancheck.ResourceActionDestroyBeforeCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(volumeAddr, tfjsonpath.New("storage_location"), knownvalue.StringExact(landing)),
				},
				Check: checkVolumeAPI(t, cat+".files.bronze", func(v *catalog.VolumeInfo) error {
					if v.VolumeType != catalog.VolumeTypeExternal || v.StorageLocation != landing {
						return fmt.Errorf("not replaced by an external volume: %+v", v)
					}
					return nil
				}),
			},
			{
				// A new location is a new volume.
				Config: volumeConfig(cat, "bronze", `  volume_type      = "EXTERNAL"
  storage_location = "`+landing+`/v2"`),
				ConfigPlanChecks: expectAction(volumeAddr, plancheck.ResourceActionDestroyBeforeCreate),
			},
		},
	})
}

// A volume changed behind Terraform's back is changed back; one deleted
// behind its back is created again.
func TestAccVolume_driftAndDisappears(t *testing.T) {
	cat := catalogWithSchema(t)
	w, ctx := testWorkspace(t), context.Background()
	full := cat + ".files.raw"
	config := volumeConfig(cat, "raw", `  volume_type = "MANAGED"
  comment     = "managed"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if _, err := w.Volumes.Update(ctx, catalog.UpdateVolumeRequestContent{Name: full, Comment: "edited"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: expectAction(volumeAddr, plancheck.ResourceActionUpdate),
				Check: checkVolumeAPI(t, full, func(v *catalog.VolumeInfo) error {
					if v.Comment != "managed" {
						return fmt.Errorf("drift not repaired: %q", v.Comment)
					}
					return nil
				}),
			},
			{
				PreConfig: func() {
					if err := w.Volumes.DeleteByName(ctx, full); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: expectAction(volumeAddr, plancheck.ResourceActionCreate),
				Check:            checkVolumeAPI(t, full, func(*catalog.VolumeInfo) error { return nil }),
			},
		},
	})
}

// Bad input fails with a message that says what to change: at plan time
// where the provider can tell, else with the API's message.
func TestAccVolume_badInput(t *testing.T) {
	cat := catalogWithSchema(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: volumeConfig(cat, "a.b", `volume_type = "MANAGED"`), ExpectError: errorRegexp(`must not contain a period, a space, a forward slash`)},
			{Config: volumeConfig(cat, "v", `volume_type = "TEMP"`), ExpectError: errorRegexp(`value must be one of: ["MANAGED" "EXTERNAL"]`)},
			{Config: volumeConfig(cat, "v", `volume_type = "EXTERNAL"`), ExpectError: errorRegexp(`An EXTERNAL volume needs storage_location`)},
			{
				Config:      volumeConfig(cat, "v", "volume_type = \"MANAGED\"\nstorage_location = \""+landing+"\""),
				ExpectError: errorRegexp(`A MANAGED volume lives in its schema's storage; remove storage_location`),
			},
			{
				Config:      volumeConfig(cat, "v", "volume_type = \"EXTERNAL\"\nstorage_location = \"here\""),
				ExpectError: errorRegexp(`Creating volume "` + cat + `.files.v": Invalid storage_location 'here'`),
			},
			{
				Config: `
resource "brickops_volume" "test" {
  catalog_name = "no_such_catalog"
  schema_name  = "files"
  name         = "v"
  volume_type  = "MANAGED"
}`,
				ExpectError: errorRegexp(`Creating volume "no_such_catalog.files.v": Schema 'no_such_catalog.files' does not exist.`),
			},
			{
				ResourceName:  volumeAddr,
				Config:        volumeConfig(cat, "v", `volume_type = "MANAGED"`),
				ImportState:   true,
				ImportStateId: cat + ".files",
				ExpectError:   errorRegexp(`Import a volume by its full name <catalog>.<schema>.<volume>, got "` + cat + `.files".`),
			},
		},
	})
}

// A volume that exists and is not this create's is not adopted: apply
// fails naming why and the import command.
func TestAccVolume_alreadyExists(t *testing.T) {
	cat := catalogWithSchema(t)
	_, err := testWorkspace(t).Volumes.Create(context.Background(), catalog.CreateVolumeRequestContent{
		CatalogName: cat, SchemaName: "files", Name: "raw", VolumeType: catalog.VolumeTypeManaged, Comment: "made elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: volumeConfig(cat, "raw", `  volume_type = "MANAGED"
  comment     = "ours"`),
			ExpectError: notAdopted(`Creating volume "`+cat+`.files.raw": Volume '`+cat+`.files.raw' already exists`,
				`it differs from the configuration in comment.`, "brickops_volume", cat+".files.raw"),
		}},
	})
}

func checkVolumeAPI(t *testing.T, full string, check func(*catalog.VolumeInfo) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		v, err := testWorkspace(t).Volumes.ReadByName(context.Background(), full)
		if err != nil {
			return err
		}
		return check(v)
	}
}
