package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/brickops/terraform-provider-brickops/provider"
)

// refreshCases are the instances of every kind in the drift test: one left
// alone, one changed behind Terraform's back, one deleted, one deleted and
// created again under the same name.
var refreshCases = []string{"same", "changed", "deleted", "recreated"}

// refreshStackConfig has refreshCases instances of every resource type
// whose reads batched refresh can answer, and of the per-object ones that
// are cheap to stand up (model versions, aliases, grants).
func refreshStackConfig(cat string) string {
	return fmt.Sprintf(`
locals {
  cases = ["same", "changed", "deleted", "recreated"]
}

resource "brickops_catalog" "base" {
  name          = %[1]q
  force_destroy = true
}

resource "brickops_schema" "models" {
  catalog_name = brickops_catalog.base.name
  name         = "models"
}

resource "brickops_catalog" "c" {
  count         = 4
  name          = "%[1]s_${local.cases[count.index]}"
  comment       = "v1"
  force_destroy = true
}

resource "brickops_schema" "s" {
  count        = 4
  catalog_name = brickops_catalog.base.name
  name         = "s_${local.cases[count.index]}"
  comment      = "v1"
}

resource "brickops_registered_model" "m" {
  count         = 4
  catalog_name  = brickops_catalog.base.name
  schema_name   = brickops_schema.models.name
  name          = "m_${local.cases[count.index]}"
  comment       = "v1"
  force_destroy = true
}

resource "brickops_cluster" "k" {
  count                   = 4
  cluster_name            = "%[1]s-${local.cases[count.index]}"
  spark_version           = "15.4.x-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = 1
  autotermination_minutes = 30
}

resource "brickops_job" "j" {
  count    = 4
  name     = "%[1]s-${local.cases[count.index]}"
  tasks = [{
    task_key      = "train"
    notebook_task = { notebook_path = "/Repos/ml/train" }
  }]
}

resource "brickops_feature_table" "f" {
  count        = 4
  catalog_name = brickops_schema.models.catalog_name
  schema_name  = brickops_schema.models.name
  name         = "f_${local.cases[count.index]}"
  columns = [
    { name = "id", type_name = "LONG" },
    { name = "x", type_name = "DOUBLE" },
  ]
  primary_keys = ["id"]
}

resource "brickops_volume" "vol" {
  count        = 4
  catalog_name = brickops_schema.models.catalog_name
  schema_name  = brickops_schema.models.name
  name         = "vol_${local.cases[count.index]}"
  volume_type  = "MANAGED"
  comment      = "v1"
}

resource "brickops_model_version" "v" {
  count      = 4
  model_name = brickops_registered_model.m[0].full_name
  source     = "dbfs:/models/${local.cases[count.index]}"
}

resource "brickops_model_alias" "a" {
  count      = 4
  model_name = brickops_registered_model.m[0].full_name
  alias      = "a_${local.cases[count.index]}"
  version    = brickops_model_version.v[0].version
}

resource "brickops_grants" "g" {
  catalog = brickops_catalog.base.name
  grant {
    principal  = "data-scientists"
    privileges = ["USE_CATALOG"]
  }
}
`, cat)
}

// TestAccRefreshCache_findsTheSameDriftAsPerObjectGets changes, deletes
// and recreates objects of every kind behind Terraform's back, then plans
// twice over the same state: once reading every object with its own GET
// (the provider with batched refresh off) and once with batched refresh. Both plans
// must find exactly the same drift and plan exactly the same changes, and
// the batched one must not have read the listed kinds one by one.
func TestAccRefreshCache_findsTheSameDriftAsPerObjectGets(t *testing.T) {
	cat := uniqueName("refresh")
	base := cat + ".models"
	w := testWorkspace(t)
	reg := testRegistry(t)
	ctx := context.Background()
	ids := map[string]string{} // address → id, recorded after apply

	driftBehindTerraformsBack := func() {
		must := func(what string, err error) {
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		v2 := "v2"
		// Unity Catalog objects: name-keyed, so "recreated" is the same
		// name with a different comment.
		must("catalog changed", errOnly(w.Catalogs.Update(ctx, catalog.UpdateCatalog{Name: cat + "_changed", Comment: v2})))
		must("catalog deleted", w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: cat + "_deleted", Force: true}))
		must("catalog recreated (delete)", w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: cat + "_recreated", Force: true}))
		must("catalog recreated", errOnly(w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: cat + "_recreated", Comment: "recreated"})))
		must("schema changed", errOnly(w.Schemas.Update(ctx, catalog.UpdateSchema{FullName: cat + ".s_changed", Comment: v2})))
		must("schema deleted", w.Schemas.DeleteByFullName(ctx, cat+".s_deleted"))
		must("schema recreated (delete)", w.Schemas.DeleteByFullName(ctx, cat+".s_recreated"))
		must("schema recreated", errOnly(w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: cat, Name: "s_recreated", Comment: "recreated"})))
		must("model changed", errOnly(w.RegisteredModels.Update(ctx, catalog.UpdateRegisteredModelRequest{FullName: base + ".m_changed", Comment: v2})))
		must("model deleted", w.RegisteredModels.DeleteByFullName(ctx, base+".m_deleted"))
		must("model recreated (delete)", w.RegisteredModels.DeleteByFullName(ctx, base+".m_recreated"))
		must("model recreated", errOnly(w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: cat, SchemaName: "models", Name: "m_recreated", Comment: "recreated"})))
		must("volume changed", errOnly(w.Volumes.Update(ctx, catalog.UpdateVolumeRequestContent{Name: base + ".vol_changed", Comment: v2})))
		must("volume deleted", w.Volumes.DeleteByName(ctx, base+".vol_deleted"))
		must("volume recreated (delete)", w.Volumes.DeleteByName(ctx, base+".vol_recreated"))
		must("volume recreated", errOnly(w.Volumes.Create(ctx, catalog.CreateVolumeRequestContent{CatalogName: cat, SchemaName: "models", Name: "vol_recreated",
			VolumeType: catalog.VolumeTypeManaged, Comment: "recreated"})))
		// Feature tables: gone, and gone then back with another column.
		must("table deleted", w.Tables.DeleteByFullName(ctx, base+".f_deleted"))
		must("table recreated (delete)", w.Tables.DeleteByFullName(ctx, base+".f_recreated"))
		must("table recreated", createTable(ctx, w, base+".f_recreated"))

		// Clusters and jobs are id-keyed: a recreated one has a new id, and
		// the old id is gone.
		cluster := func(key string) string { return ids[fmt.Sprintf("brickops_cluster.k.%d", caseIndex(key))] }
		must("cluster changed", errOnly(w.Clusters.Edit(ctx, compute.EditCluster{ClusterId: cluster("changed"), ClusterName: cat + "-changed",
			SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 3, AutoterminationMinutes: 30})))
		must("cluster deleted", w.Clusters.PermanentDeleteByClusterId(ctx, cluster("deleted")))
		must("cluster recreated (delete)", w.Clusters.PermanentDeleteByClusterId(ctx, cluster("recreated")))
		must("cluster recreated", errOnly(w.Clusters.Create(ctx, compute.CreateCluster{ClusterName: cat + "-recreated",
			SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1, AutoterminationMinutes: 30})))
		job := func(key string) int64 {
			id, _ := strconv.ParseInt(ids[fmt.Sprintf("brickops_job.j.%d", caseIndex(key))], 10, 64)
			return id
		}
		must("job changed", w.Jobs.Update(ctx, jobs.UpdateJob{JobId: job("changed"), NewSettings: &jobs.JobSettings{Name: cat + "-renamed"}}))
		must("job deleted", w.Jobs.DeleteByJobId(ctx, job("deleted")))
		must("job recreated (delete)", w.Jobs.DeleteByJobId(ctx, job("recreated")))
		must("job recreated", errOnly(w.Jobs.Create(ctx, jobs.CreateJob{Name: cat + "-recreated", Tasks: []jobs.Task{{
			TaskKey: "train", NotebookTask: &jobs.NotebookTask{NotebookPath: "/Repos/ml/train"}}}})))

		// Per-object kinds: model versions, aliases, grants.
		version := func(key string) string {
			_, v, _ := strings.Cut(ids[fmt.Sprintf("brickops_model_version.v.%d", caseIndex(key))], "/")
			return v
		}
		model := base + ".m_same"
		must("version changed", reg.SetTag(ctx, model, version("changed"), "drift", "yes"))
		must("version deleted", deleteVersion(ctx, w, model, version("deleted")))
		must("alias changed", errOnly(w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: model, Alias: "a_changed", VersionNum: atoi(version("changed"))})))
		must("alias deleted", w.RegisteredModels.DeleteAlias(ctx, catalog.DeleteAliasRequest{FullName: model, Alias: "a_deleted"}))
		must("alias recreated (delete)", w.RegisteredModels.DeleteAlias(ctx, catalog.DeleteAliasRequest{FullName: model, Alias: "a_recreated"}))
		must("alias recreated", errOnly(w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: model, Alias: "a_recreated", VersionNum: atoi(version("same"))})))
		must("grants changed", errOnly(w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: "catalog", FullName: cat,
			Changes: []catalog.PermissionsChange{{Principal: "data-scientists", Add: []catalog.Privilege{catalog.PrivilegeBrowse}}}})))
	}

	_, batched := planDriftBothWays(t, refreshStackConfig(cat), ids, driftBehindTerraformsBack, func(mark uint64) {
		checkNoPerObjectReads(t, cat, mark, ids)
	})
	// The drift is what was done: every changed, deleted and recreated
	// object of every kind shows up.
	checkDriftFound(t, batched, []string{
		`brickops_catalog.c[1] update`, `brickops_catalog.c[2] delete`, `brickops_catalog.c[3] update`,
		`brickops_schema.s[1] update`, `brickops_schema.s[2] delete`, `brickops_schema.s[3] update`,
		`brickops_registered_model.m[1] update`, `brickops_registered_model.m[2] delete`, `brickops_registered_model.m[3] update`,
		`brickops_cluster.k[1] update`, `brickops_cluster.k[2] delete`, `brickops_cluster.k[3] delete`,
		`brickops_job.j[1] update`, `brickops_job.j[2] delete`, `brickops_job.j[3] delete`,
		`brickops_volume.vol[1] update`, `brickops_volume.vol[2] delete`, `brickops_volume.vol[3] update`,
		`brickops_feature_table.f[2] delete`, `brickops_feature_table.f[3] update`,
		`brickops_model_version.v[1] update`, `brickops_model_version.v[2] delete`,
		`brickops_model_alias.a[1] update`, `brickops_model_alias.a[2] delete`,
		`brickops_grants.g update`,
	}, "brickops_catalog.base ")
}

// planDriftBothWays applies config, lets drift change, delete and
// recreate objects behind Terraform's back (ids holds every resource's id
// by address), then plans over the same state twice: once reading every
// object with its own GET (the provider with batched refresh off) and once
// with batched refresh, after which checkBatched gets the request log's
// last sequence number before that plan. Both plans must find exactly the
// same drift and plan exactly the same changes.
func planDriftBothWays(t *testing.T, config string, ids map[string]string, drift func(), checkBatched func(mark uint64)) (perObject, batched plannedDrift) {
	t.Helper()
	perObjectFactories := map[string]func() (tfprotov6.ProviderServer, error){
		"brickops": providerserver.NewProtocol6WithError(provider.NewPerObjectRefresh("test")()),
	}
	var logMark uint64 // the request log's last entry before the batched plan
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Config:                   config,
				Check: func(s *terraform.State) error {
					for addr, r := range s.RootModule().Resources {
						ids[addr] = r.Primary.ID
					}
					return nil
				},
			},
			{
				PreConfig:                drift,
				ProtoV6ProviderFactories: perObjectFactories,
				Config:                   config,
				PlanOnly:                 true,
				ExpectNonEmptyPlan:       true,
				ConfigPlanChecks:         resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{perObject.record(nil)}},
			},
			{
				PreConfig: func() {
					if log := requestLog(t, "/api/"); len(log) > 0 {
						logMark = log[len(log)-1].Seq
					}
				},
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Config:                   config,
				PlanOnly:                 true,
				ExpectNonEmptyPlan:       true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{batched.record(func() {
					if checkBatched != nil {
						checkBatched(logMark)
					}
				})}},
			},
		},
	})
	if perObject.drift == nil || batched.drift == nil {
		t.Fatal("a plan was not recorded")
	}
	if !slices.Equal(perObject.drift, batched.drift) || !slices.Equal(perObject.changes, batched.changes) {
		t.Errorf("batched refresh disagrees with per-object GETs\nper-object drift:\n  %s\nbatched drift:\n  %s\nper-object changes:\n  %s\nbatched changes:\n  %s",
			strings.Join(perObject.drift, "\n  "), strings.Join(batched.drift, "\n  "),
			strings.Join(perObject.changes, "\n  "), strings.Join(batched.changes, "\n  "))
	}
	return perObject, batched
}

// checkDriftFound fails unless every wanted "<address> <actions>" is in
// p's drift, and if an untouched object ([0], or an address starting
// with one of untouched) drifted.
func checkDriftFound(t *testing.T, p plannedDrift, want []string, untouched ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.ContainsFunc(p.drift, func(d string) bool { return strings.HasPrefix(d, w+" ") }) {
			t.Errorf("drift %q not found in:\n  %s", w, strings.Join(p.drift, "\n  "))
		}
	}
	for _, d := range p.drift {
		if strings.Contains(d, "[0] ") || slices.ContainsFunc(untouched, func(u string) bool { return strings.HasPrefix(d, u) }) {
			t.Errorf("an untouched object drifted: %s", d)
		}
	}
}

// checkNoPerObjectReads fails if the requests after mark read any of this
// test's batched objects one by one: the batched plan must have listed
// them. Only clusters missing from clusters/list (which may omit old
// terminated ones) are asked for one by one. Other tests run in parallel,
// so only requests naming this test's objects count.
func checkNoPerObjectReads(t *testing.T, cat string, mark uint64, ids map[string]string) {
	t.Helper()
	var mine []string
	for addr, id := range ids {
		if strings.HasPrefix(addr, "brickops_cluster.") || strings.HasPrefix(addr, "brickops_job.") {
			mine = append(mine, "="+id)
		}
	}
	gone := []string{"=" + ids["brickops_cluster.k.2"], "=" + ids["brickops_cluster.k.3"]}
	for _, e := range requestLog(t, "/api/") {
		if e.Seq <= mark || e.Method != "GET" || strings.Contains(e.Path, "/versions") || strings.Contains(e.Path, "/aliases") {
			continue
		}
		names := func(ids []string) bool {
			return slices.ContainsFunc(ids, func(id string) bool { return strings.HasSuffix(e.Query, id) || strings.Contains(e.Query, id+"&") })
		}
		if !strings.Contains(e.Path, cat) && !names(mine) {
			continue // another test's request
		}
		if strings.HasSuffix(e.Path, "/clusters/get") && names(gone) {
			continue
		}
		for _, perObject := range []string{"/clusters/get", "/jobs/get", "/unity-catalog/catalogs/", "/unity-catalog/schemas/", "/unity-catalog/models/", "/unity-catalog/volumes/"} {
			if strings.Contains(e.Path, perObject) {
				t.Errorf("batched refresh read one object at a time: %s %s?%s", e.Method, e.Path, e.Query)
			}
		}
	}
}

// plannedDrift is one plan's drift and planned changes, one line per
// resource: address, actions and the values Terraform saw or plans.
type plannedDrift struct{ drift, changes []string }

// record returns a plan check that records the plan, then runs also.
func (p *plannedDrift) record(also func()) plancheck.PlanCheck { return recordPlan{p, also} }

type recordPlan struct {
	into *plannedDrift
	also func()
}

func (r recordPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	line := func(addr string, actions []string, after any) string {
		raw, err := json.Marshal(after)
		if err != nil {
			resp.Error = err
		}
		return fmt.Sprintf("%s %s %s", addr, strings.Join(actions, ","), raw)
	}
	r.into.drift, r.into.changes = []string{}, []string{}
	for _, c := range req.Plan.ResourceDrift {
		r.into.drift = append(r.into.drift, line(c.Address, actionStrings(c.Change.Actions), c.Change.After))
	}
	for _, c := range req.Plan.ResourceChanges {
		if !c.Change.Actions.NoOp() {
			r.into.changes = append(r.into.changes, line(c.Address, actionStrings(c.Change.Actions), c.Change.After))
		}
	}
	slices.Sort(r.into.drift)
	slices.Sort(r.into.changes)
	if r.also != nil {
		r.also()
	}
}

// caseIndex is the count index of a refreshCases entry.
func caseIndex(key string) int { return slices.Index(refreshCases, key) }

func errOnly[T any](_ T, err error) error { return err }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// createTable creates a managed table with one column at full.
func createTable(ctx context.Context, w *databricks.WorkspaceClient, full string) error {
	parts := strings.Split(full, ".")
	_, err := w.Tables.Create(ctx, catalog.CreateTableRequest{CatalogName: parts[0], SchemaName: parts[1], Name: parts[2],
		TableType: catalog.TableTypeManaged, DataSourceFormat: catalog.DataSourceFormatDelta,
		Columns: []catalog.ColumnInfo{{Name: "other", TypeName: catalog.ColumnTypeNameString}}})
	return err
}

func deleteVersion(ctx context.Context, w *databricks.WorkspaceClient, model, version string) error {
	return w.ModelVersions.Delete(ctx, catalog.DeleteModelVersionRequest{FullName: model, Version: atoi(version)})
}

func actionStrings(a tfjson.Actions) []string {
	out := make([]string, len(a))
	for i, x := range a {
		out[i] = string(x)
	}
	return out
}
