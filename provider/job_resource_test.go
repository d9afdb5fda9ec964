package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const jobAddr = "brickops_job.retrain"

// retrainJobConfig is a weekly retraining job: prepare features in a
// notebook, then train from a wheel, both on one job cluster.
func retrainJobConfig(name, cron string, extra string) string {
	return fmt.Sprintf(`
resource "brickops_job" "retrain" {
  name = %q
  tags = { team = "ml" }
  job_clusters = [{
    job_cluster_key = "train"
    new_cluster = {
      spark_version = "15.4.x-cpu-ml-scala2.12"
      node_type_id  = "Standard_DS3_v2"
      num_workers   = 2
    }
  }]
  tasks = [
    {
      task_key        = "prepare"
      job_cluster_key = "train"
      notebook_task = {
        notebook_path   = "/Repos/ml/churn/prepare"
        base_parameters = { table = "dev.ml.features" }
      }
    },
    {
      task_key        = "train"
      job_cluster_key = "train"
      depends_on      = [{ task_key = "prepare" }]
      python_wheel_task = {
        package_name = "churn"
        entry_point  = "train"
        parameters   = ["--epochs=5"]
      }
      libraries = [{ whl = "/Workspace/Shared/churn-1.0-py3-none-any.whl" }, { pypi = { package = "scikit-learn==1.5.0" } }]
    },%s
  ]
  schedule = {
    quartz_cron_expression = %q
    timezone_id            = "Europe/Amsterdam"
  }
  parameters          = [{ name = "model", default = "dev.ml.churn" }]
  email_notifications = { on_failure = ["ml-oncall@example.com"] }
}
`, name, extra, cron)
}

func TestAccJob_lifecycle(t *testing.T) {
	name := acctest.RandomWithPrefix("retrain")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: retrainJobConfig(name, "0 0 3 ? * MON", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(jobAddr, tfjsonpath.New("job_id")),
					statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("max_concurrent_runs"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("schedule").AtMapKey("pause_status"), knownvalue.StringExact("UNPAUSED")),
					statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("tasks").AtSliceIndex(1).AtMapKey("new_cluster"), knownvalue.Null()),
					statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("url"), knownvalue.StringRegexp(regexp.MustCompile(`#job/\d+$`))),
				},
				// The job runs and finishes.
				Check: checkJobAPI(t, func(j *jobs.Job) error {
					if len(j.Settings.Tasks) != 2 || j.Settings.Tasks[1].Libraries[1].Pypi.Package != "scikit-learn==1.5.0" ||
						j.Settings.Schedule.TimezoneId != "Europe/Amsterdam" || j.Settings.JobClusters[0].NewCluster.NumWorkers != 2 {
						return fmt.Errorf("job settings on the API: %+v", j.Settings)
					}
					run, err := runJob(t, jobs.RunNow{JobId: j.JobId, JobParameters: map[string]string{"model": "staging.ml.churn"}})
					if err != nil {
						return fmt.Errorf("running the job: %w", err)
					}
					if run.State.ResultState != jobs.RunResultStateSuccess || len(run.Tasks) != 2 || run.JobParameters[0].Value != "staging.ml.churn" {
						return fmt.Errorf("run did not succeed: %+v tasks=%d params=%+v", run.State, len(run.Tasks), run.JobParameters)
					}
					return nil
				}),
			},
			{
				// In place: a new evaluation task, a new schedule, more concurrency.
				Config: retrainJobConfig(name, "0 30 4 ? * MON-FRI", `
    {
      task_key        = "evaluate"
      job_cluster_key = "train"
      depends_on      = [{ task_key = "train" }]
      spark_python_task = { python_file = "/Repos/ml/churn/evaluate.py" }
      max_retries     = 2
    },`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(jobAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(jobAddr, tfjsonpath.New("job_id")),
					statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("tasks").AtSliceIndex(2).AtMapKey("max_retries"), knownvalue.Int64Exact(2)),
				},
				Check: checkJobAPI(t, func(j *jobs.Job) error {
					if len(j.Settings.Tasks) != 3 || j.Settings.Schedule.QuartzCronExpression != "0 30 4 ? * MON-FRI" {
						return fmt.Errorf("update not applied: %+v", j.Settings)
					}
					return nil
				}),
			},
			{
				ResourceName:      jobAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// Tasks may run on an all-purpose cluster the same configuration creates.
func TestAccJob_existingCluster(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "brickops_cluster" "shared" {
  cluster_name  = "shared-training"
  spark_version = "15.4.x-cpu-ml-scala2.12"
  node_type_id  = "Standard_DS3_v2"
  num_workers   = 1
}
resource "brickops_job" "retrain" {
  name = "retrain-on-shared"
  tasks = [{
    task_key            = "train"
    existing_cluster_id = brickops_cluster.shared.id
    spark_python_task   = { python_file = "/Repos/ml/train.py", parameters = ["--fast"] }
  }]
  max_concurrent_runs = 2
  timeout_seconds     = 3600
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs(jobAddr, tfjsonpath.New("tasks").AtSliceIndex(0).AtMapKey("existing_cluster_id"),
					"brickops_cluster.shared", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("schedule"), knownvalue.Null()),
				statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("email_notifications"), knownvalue.Null()),
			},
			Check: checkJobAPI(t, func(j *jobs.Job) error {
				run, err := runJob(t, jobs.RunNow{JobId: j.JobId})
				if err != nil || run.State.ResultState != jobs.RunResultStateSuccess {
					return fmt.Errorf("run on the shared cluster = %+v, %v", run, err)
				}
				return nil
			}),
		}},
	})
}

func TestAccJob_driftIsRepaired(t *testing.T) {
	name := acctest.RandomWithPrefix("retrain")
	config := retrainJobConfig(name, "0 0 3 ? * MON", "")
	var id int64
	w := testWorkspace(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					var err error
					id, err = strconv.ParseInt(s.RootModule().Resources[jobAddr].Primary.ID, 10, 64)
					return err
				},
			},
			{
				// Someone pauses the schedule, raises concurrency and drops the tags in the UI.
				PreConfig: func() {
					if err := w.Jobs.Update(ctx, jobs.UpdateJob{JobId: id, NewSettings: &jobs.JobSettings{
						MaxConcurrentRuns: 5,
						Schedule:          &jobs.CronSchedule{QuartzCronExpression: "0 0 3 ? * MON", TimezoneId: "Europe/Amsterdam", PauseStatus: jobs.PauseStatusPaused},
					}, FieldsToRemove: []string{"tags"}}); err != nil {
						t.Fatalf("editing behind Terraform's back: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(jobAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(jobAddr, tfjsonpath.New("max_concurrent_runs"), knownvalue.Int64Exact(1)),
				}},
				Check: checkJobAPI(t, func(j *jobs.Job) error {
					if j.Settings.MaxConcurrentRuns != 1 || j.Settings.Schedule.PauseStatus != jobs.PauseStatusUnpaused || j.Settings.Tags["team"] != "ml" {
						return fmt.Errorf("drift not repaired: %+v", j.Settings)
					}
					return nil
				}),
			},
			{
				PreConfig: func() {
					if err := w.Jobs.DeleteByJobId(ctx, id); err != nil {
						t.Fatalf("deleting behind Terraform's back: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(jobAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// run_as: a service principal, switched to a user in place, then removed
// (the job runs as its creator again); import reads it back.
func TestAccJob_runAs(t *testing.T) {
	const sp, user = "9f0e7a44-52f6-4c1b-9a3d-0c6e2b1d7e55", "ml-bot@example.com"
	config := func(runAs string) string {
		return fmt.Sprintf(`
resource "brickops_job" "retrain" {
  name  = "retrain-as"
  tasks = [{ task_key = "train", notebook_task = { notebook_path = "/Shared/train" } }]
  %s
}`, runAs)
	}
	wantRunAs := func(want jobs.JobRunAs) resource.TestCheckFunc {
		return checkJobAPI(t, func(j *jobs.Job) error {
			got := jobs.JobRunAs{}
			if j.Settings.RunAs != nil {
				got = *j.Settings.RunAs
			}
			if got.UserName != want.UserName || got.ServicePrincipalName != want.ServicePrincipalName {
				return fmt.Errorf("run_as on the API = %+v, want %+v", got, want)
			}
			return nil
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`run_as = { service_principal_name = "` + sp + `" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("run_as").AtMapKey("service_principal_name"), knownvalue.StringExact(sp)),
					statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("run_as").AtMapKey("user_name"), knownvalue.Null()),
				},
				Check: wantRunAs(jobs.JobRunAs{ServicePrincipalName: sp}),
			},
			{ResourceName: jobAddr, ImportState: true, ImportStateVerify: true},
			{
				Config: config(`run_as = { user_name = "` + user + `" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(jobAddr, plancheck.ResourceActionUpdate),
				}},
				Check: wantRunAs(jobs.JobRunAs{UserName: user}),
			},
			{
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(jobAddr, tfjsonpath.New("run_as"), knownvalue.Null()),
				},
				Check: wantRunAs(jobs.JobRunAs{}),
			},
		},
	})
}

func TestAccJob_badInput(t *testing.T) {
	task := func(body string) string {
		return fmt.Sprintf(`
resource "brickops_job" "retrain" {
  name = "bad"
  job_clusters = [{
    job_cluster_key = "train"
    new_cluster     = { spark_version = "15.4.x-cpu-ml-scala2.12", node_type_id = "Standard_DS3_v2", num_workers = 1 }
  }]
  %s
}`, body)
	}
	cases := map[string]struct {
		config string
		want   string
	}{
		"two task types": {task(`tasks = [{ task_key = "t", job_cluster_key = "train", notebook_task = { notebook_path = "/a" }, spark_python_task = { python_file = "/b.py" } }]`),
			`Task "t" must set exactly one of notebook_task, python_wheel_task and\s+spark_python_task`},
		"unknown job cluster": {task(`tasks = [{ task_key = "t", job_cluster_key = "gpu", notebook_task = { notebook_path = "/a" } }]`),
			`Task "t" uses job cluster "gpu", which is not defined in job_clusters`},
		"unknown dependency": {task(`tasks = [{ task_key = "t", job_cluster_key = "train", depends_on = [{ task_key = "ingest" }], notebook_task = { notebook_path = "/a" } }]`),
			`Task "t" depends on "ingest", which is not a task of this job`},
		"wheel without compute": {task(`tasks = [{ task_key = "t", python_wheel_task = { package_name = "p", entry_point = "e" } }]`),
			`Task "t" needs compute`},
		"duplicate task key": {task(`tasks = [{ task_key = "t", job_cluster_key = "train", notebook_task = { notebook_path = "/a" } }, { task_key = "t", job_cluster_key = "train", notebook_task = { notebook_path = "/b" } }]`),
			`Task key "t" is used by more than one task`},
		"bad parameter name": {task(`tasks = [{ task_key = "t", job_cluster_key = "train", notebook_task = { notebook_path = "/a" } }]
  parameters = [{ name = "model name", default = "x" }]`), `may only contain alphanumeric characters`},
		"no tasks": {task(`tasks = []`), `Attribute tasks list must contain at least 1 elements`},
		"run_as names two identities": {task(`tasks = [{ task_key = "t", job_cluster_key = "train", notebook_task = { notebook_path = "/a" } }]
  run_as = { user_name = "a@example.com", service_principal_name = "9f0e7a44-52f6-4c1b-9a3d-0c6e2b1d7e55" }`),
			`2 attributes specified when one \(and only one\) of\s+\[run_as.user_name.<.service_principal_name\] is required`},
		// Only the service parses cron expressions: its message reaches the user.
		"bad cron from the API": {task(`tasks = [{ task_key = "t", job_cluster_key = "train", notebook_task = { notebook_path = "/a" } }]
  schedule = { quartz_cron_expression = "0 3 * * *", timezone_id = "UTC" }`),
			`Creating job "bad": Invalid quartz_cron_expression '0 3 \* \* \*': expected 6 or\s+7`},
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

// checkJobAPI reads the test job back through the SDK and applies check.
func checkJobAPI(t *testing.T, check func(*jobs.Job) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[jobAddr]
		if !ok {
			return fmt.Errorf("%s not in state", jobAddr)
		}
		id, err := strconv.ParseInt(rs.Primary.ID, 10, 64)
		if err != nil {
			return err
		}
		j, err := testWorkspace(t).Jobs.GetByJobId(context.Background(), id)
		if err != nil {
			return err
		}
		return check(j)
	}
}

// runJob triggers a run and waits until it terminates.
func runJob(t *testing.T, req jobs.RunNow) (*jobs.Run, error) {
	wait, err := testWorkspace(t).Jobs.RunNow(context.Background(), req)
	if err != nil {
		return nil, err
	}
	return wait.Get()
}
