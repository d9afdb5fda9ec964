package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

var (
	regexpAny   = regexp.MustCompile(`.`)
	compareSame = compare.ValuesSame()
)

// info is the path of a field in a data source's *_info block (a list of one).
func info(block string, steps ...string) tfjsonpath.Path {
	p := tfjsonpath.New(block).AtSliceIndex(0)
	for _, s := range steps {
		p = p.AtMapKey(s)
	}
	return p
}

func TestAccDataCatalogAndSchema(t *testing.T) {
	cat := catalogWithSchema(t)
	if _, err := testWorkspace(t).Schemas.Update(context.Background(), catalog.UpdateSchema{FullName: cat + ".files", Comment: "raw files"}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: `data "brickops_catalog" "c" { name = "no_such_catalog" }`, ExpectError: errorRegexp(`No catalog is named "no_such_catalog".`)},
			{Config: fmt.Sprintf(`data "brickops_schema" "s" { name = "%s.nope" }`, cat), ExpectError: errorRegexp(`No schema is named "` + cat + `.nope".`)},
			{Config: `data "brickops_schema" "s" { name = "just_one_part" }`, ExpectError: errorRegexp(`must be <catalog>.<schema>`)},
			{
				Config: fmt.Sprintf(`
data "brickops_catalog" "c" {
  name = %q
}
data "brickops_schema" "s" {
  name = "${data.brickops_catalog.c.id}.files"
}`, cat),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.brickops_catalog.c", tfjsonpath.New("id"), knownvalue.StringExact(cat)),
					statecheck.ExpectKnownValue("data.brickops_catalog.c", info("catalog_info", "name"), knownvalue.StringExact(cat)),
					statecheck.ExpectKnownValue("data.brickops_catalog.c", info("catalog_info", "owner"), knownvalue.StringExact("brickops@example.com")),
					statecheck.ExpectKnownValue("data.brickops_catalog.c", info("catalog_info", "comment"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("data.brickops_schema.s", tfjsonpath.New("id"), knownvalue.StringExact(cat+".files")),
					statecheck.ExpectKnownValue("data.brickops_schema.s", info("schema_info", "catalog_name"), knownvalue.StringExact(cat)),
					statecheck.ExpectKnownValue("data.brickops_schema.s", info("schema_info", "comment"), knownvalue.StringExact("raw files")),
					statecheck.ExpectKnownValue("data.brickops_schema.s", info("schema_info", "schema_id"), knownvalue.NotNull()),
				},
			},
		},
	})
}

func TestAccDataCluster(t *testing.T) {
	w, ctx := testWorkspace(t), context.Background()
	name, dup := acctest.RandomWithPrefix("shared"), acctest.RandomWithPrefix("dup")
	create := func(name string) string {
		c, err := w.Clusters.Create(ctx, compute.CreateCluster{ClusterName: name, SparkVersion: "15.4.x-cpu-ml-scala2.12",
			NodeTypeId: "Standard_DS3_v2", NumWorkers: 2, AutoterminationMinutes: 30, CustomTags: map[string]string{"team": "ml"}})
		if err != nil {
			t.Fatal(err)
		}
		return c.ClusterId
	}
	id := create(name)
	dups := []string{create(dup), create(dup)}
	slices.Sort(dups)
	clusterChecks := func(addr string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_id"), knownvalue.StringExact(id)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_name"), knownvalue.StringExact(name)),
			statecheck.ExpectKnownValue(addr, info("cluster_info", "spark_version"), knownvalue.StringExact("15.4.x-cpu-ml-scala2.12")),
			statecheck.ExpectKnownValue(addr, info("cluster_info", "num_workers"), knownvalue.Int64Exact(2)),
			statecheck.ExpectKnownValue(addr, info("cluster_info", "autotermination_minutes"), knownvalue.Int64Exact(30)),
			statecheck.ExpectKnownValue(addr, info("cluster_info", "custom_tags").AtMapKey("team"), knownvalue.StringExact("ml")),
			statecheck.ExpectKnownValue(addr, info("cluster_info", "creator_user_name"), knownvalue.StringExact("brickops@example.com")),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      fmt.Sprintf(`data "brickops_cluster" "x" { cluster_name = %q }`, dup),
				ExpectError: errorRegexp(fmt.Sprintf(`2 clusters are named %q (ids %s, %s): look it up by id instead`, dup, dups[0], dups[1])),
			},
			{Config: `data "brickops_cluster" "x" { cluster_name = "no-such-cluster" }`, ExpectError: errorRegexp(`No cluster is named "no-such-cluster".`)},
			{Config: `data "brickops_cluster" "x" { cluster_id = "0000-000000-nope" }`, ExpectError: errorRegexp(`No cluster has id "0000-000000-nope".`)},
			{Config: `data "brickops_cluster" "x" {}`, ExpectError: errorRegexp(`Exactly one of these attributes must be configured: [cluster_id,cluster_name]`)},
			{
				Config: fmt.Sprintf(`
data "brickops_cluster" "by_id" {
  cluster_id = %q
}
data "brickops_cluster" "by_name" {
  cluster_name = %q
}`, id, name),
				ConfigStateChecks: append(clusterChecks("data.brickops_cluster.by_id"), clusterChecks("data.brickops_cluster.by_name")...),
			},
		},
	})
}

func TestAccDataJob(t *testing.T) {
	w, ctx := testWorkspace(t), context.Background()
	name, dup := acctest.RandomWithPrefix("retrain"), acctest.RandomWithPrefix("dup")
	create := func(name string) string {
		j, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: name, MaxConcurrentRuns: 1, Tags: map[string]string{"team": "ml"},
			Tasks: []jobs.Task{{TaskKey: "train", ExistingClusterId: "0000-000000-shared", NotebookTask: &jobs.NotebookTask{NotebookPath: "/Repos/ml/train"}}}})
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(j.JobId, 10)
	}
	id := create(name)
	dups := []string{create(dup), create(dup)}
	slices.Sort(dups)
	jobChecks := func(addr string) []statecheck.StateCheck {
		settings := func(steps ...string) tfjsonpath.Path {
			p := info("job_settings", "settings").AtSliceIndex(0)
			for _, s := range steps {
				p = p.AtMapKey(s)
			}
			return p
		}
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("job_id"), knownvalue.StringExact(id)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("job_name"), knownvalue.StringExact(name)),
			statecheck.ExpectKnownValue(addr, info("job_settings", "creator_user_name"), knownvalue.StringExact("brickops@example.com")),
			statecheck.ExpectKnownValue(addr, settings("name"), knownvalue.StringExact(name)),
			statecheck.ExpectKnownValue(addr, settings("max_concurrent_runs"), knownvalue.Int64Exact(1)),
			statecheck.ExpectKnownValue(addr, settings("tags").AtMapKey("team"), knownvalue.StringExact("ml")),
			statecheck.ExpectKnownValue(addr, settings("task").AtSliceIndex(0).AtMapKey("task_key"), knownvalue.StringExact("train")),
			statecheck.ExpectKnownValue(addr, settings("task").AtSliceIndex(0).AtMapKey("notebook_task").AtSliceIndex(0).AtMapKey("notebook_path"),
				knownvalue.StringExact("/Repos/ml/train")),
		}
	}
	var checks []statecheck.StateCheck
	for _, by := range []string{"id", "job_id", "name", "job_name"} {
		checks = append(checks, jobChecks("data.brickops_job."+by)...)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      fmt.Sprintf(`data "brickops_job" "x" { job_name = %q }`, dup),
				ExpectError: errorRegexp(fmt.Sprintf(`2 jobs are named %q (ids %s, %s): look it up by id instead`, dup, dups[0], dups[1])),
			},
			{Config: `data "brickops_job" "x" { job_name = "no-such-job" }`, ExpectError: errorRegexp(`No job is named "no-such-job".`)},
			{Config: `data "brickops_job" "x" { job_id = "987654321" }`, ExpectError: errorRegexp(`No job has id 987654321.`)},
			{Config: `data "brickops_job" "x" { job_id = "retrain" }`, ExpectError: errorRegexp(`a job id is a number, got "retrain"`)},
			{Config: `data "brickops_job" "x" {}`, ExpectError: errorRegexp(`Exactly one of these attributes must be configured: [id,job_id,name,job_name]`)},
			{
				Config: fmt.Sprintf(`
data "brickops_job" "id" {
  id = %[1]q
}
data "brickops_job" "job_id" {
  job_id = %[1]q
}
data "brickops_job" "name" {
  name = %[2]q
}
data "brickops_job" "job_name" {
  job_name = %[2]q
}`, id, name),
				ConfigStateChecks: checks,
			},
		},
	})
}

func TestAccDataServingEndpoint(t *testing.T) {
	model := seedServedModel(t, 1)
	name := acctest.RandomWithPrefix("churn")
	_, err := testWorkspace(t).ServingEndpoints.Create(context.Background(), serving.CreateServingEndpoint{
		Name: name, Tags: []serving.EndpointTag{{Key: "team", Value: "ml"}},
		Config: &serving.EndpointCoreConfigInput{ServedEntities: []serving.ServedEntityInput{{
			Name: "champion", EntityName: model, EntityVersion: "1", WorkloadSize: "Small", ScaleToZeroEnabled: true,
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	addr := "data.brickops_serving_endpoint.ep"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      `data "brickops_serving_endpoint" "ep" { name = "no-such-endpoint" }`,
				ExpectError: errorRegexp(`No serving endpoint is named "no-such-endpoint".`),
			},
			{
				Config: fmt.Sprintf(`data "brickops_serving_endpoint" "ep" { name = %q }`, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexpAny)),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), addr, tfjsonpath.New("endpoint_id"), compareSame),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("creator"), knownvalue.StringExact("brickops@example.com")),
					statecheck.ExpectKnownValue(addr, info("config", "served_entities").AtSliceIndex(0).AtMapKey("entity_name"), knownvalue.StringExact(model)),
					statecheck.ExpectKnownValue(addr, info("config", "served_entities").AtSliceIndex(0).AtMapKey("entity_version"), knownvalue.StringExact("1")),
					statecheck.ExpectKnownValue(addr, info("config", "served_entities").AtSliceIndex(0).AtMapKey("scale_to_zero_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tags"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"key": knownvalue.StringExact("team"), "value": knownvalue.StringExact("ml")}),
					})),
					statecheck.ExpectKnownValue(addr, info("state", "ready"), knownvalue.StringRegexp(regexpAny)),
				},
			},
		},
	})
}
