package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// newJobDataSource mirrors databricks_job: looked up by job_id (or id) or
// job_name (or name), the job in job_settings with its settings nested as
// there (job_settings[0].settings[0].name).
func newJobDataSource() datasource.DataSource {
	keys := []string{"id", "job_id", "name", "job_name"}
	var oneOf []path.Expression
	for _, k := range keys {
		oneOf = append(oneOf, path.MatchRoot(k))
	}
	return &lookupDataSource{lookupSpec: lookupSpec{
		typeName: "job",
		description: "Reads a job by id or by name — e.g. the retraining job another stack deploys, to grant on it or " +
			"read its settings. Same arguments and attributes as `databricks_job`'s data source " +
			"(`job_settings[0].settings[0].name`, …); a name several jobs share is an error.",
		keys: map[string]schema.StringAttribute{
			"id":       lookupKey("Job id (or give `job_id`, `name` or `job_name`).", false),
			"job_id":   lookupKey("Job id, as `id`.", false),
			"name":     lookupKey("Job name (or give `job_name`, `id` or `job_id`); it must name exactly one job.", false),
			"job_name": lookupKey("Job name, as `name`.", false),
		},
		validators: []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(oneOf...)},
		fields: []apiField{apiOne("job_settings", "The job, as the Jobs API returns it.",
			apiNum("job_id", "Job id."),
			apiStr("creator_user_name", "Who created it."),
			apiStr("run_as_user_name", "User or service principal its runs run as."),
			apiNum("created_time", "Creation time, epoch milliseconds."),
			apiOne("settings", "The job's settings.", jobSettingsFields()...),
		)},
		find: func(ctx context.Context, w *databricks.WorkspaceClient, keys map[string]string) (any, error) {
			id := keys["id"] + keys["job_id"]
			if name := keys["name"] + keys["job_name"]; name != "" {
				listed, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{Name: name, Limit: 100})
				if err != nil {
					return nil, fmt.Errorf("listing jobs to find the one named %q: %w", name, err)
				}
				var named []jobs.BaseJob
				for _, j := range listed {
					if j.Settings != nil && j.Settings.Name == name {
						named = append(named, j)
					}
				}
				one, err := onlyMatch(named, func(j jobs.BaseJob) string { return strconv.FormatInt(j.JobId, 10) }, "job", name)
				if err != nil {
					return nil, err
				}
				id = strconv.FormatInt(one.JobId, 10)
			}
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("a job id is a number, got %q", id)
			}
			// jobs/get, not the list entry: only it has every task.
			job, err := w.Jobs.GetByJobId(ctx, n)
			if err != nil {
				return nil, notFoundAs(err, "job", "has id "+id)
			}
			name := ""
			if job.Settings != nil {
				name = job.Settings.Name
			}
			return map[string]any{"id": id, "job_id": id, "name": name, "job_name": name, "job_settings": job}, nil
		},
	}}
}

// jobSettingsFields are the job settings the data source exposes: what a
// stack reads from a job it does not manage (not every setting of
// brickops_job), the lists under the official provider's singular names
// (task, job_cluster, parameter).
func jobSettingsFields() []apiField {
	return []apiField{
		apiStr("name", "Job name."),
		apiStr("description", "Description."),
		apiNum("max_concurrent_runs", "Most runs at once."),
		apiNum("timeout_seconds", "Timeout of each run; 0 none."),
		apiStrMap("tags", "Tags."),
		apiStr("format", "`MULTI_TASK`."),
		apiOne("schedule", "Cron schedule.",
			apiStr("quartz_cron_expression", "Quartz cron expression."),
			apiStr("timezone_id", "Time zone."),
			apiStr("pause_status", "`PAUSED` or `UNPAUSED`."),
		),
		apiOne("run_as", "Who its runs run as.", apiStr("user_name", "A user."), apiStr("service_principal_name", "A service principal's application id.")),
		apiOne("email_notifications", "Who is emailed.",
			apiStrs("on_start", "On start."), apiStrs("on_success", "On success."), apiStrs("on_failure", "On failure."),
		),
		apiList("parameters", "Job parameters.", apiStr("name", "Name."), apiStr("default", "Default value.")).renamed("parameter"),
		apiList("job_clusters", "Clusters its tasks share.",
			apiStr("job_cluster_key", "Key tasks refer to it by."),
			apiOne("new_cluster", "The cluster's spec.", clusterSpecFields()...),
		).renamed("job_cluster"),
		apiList("tasks", "Its tasks.",
			apiStr("task_key", "Task key."),
			apiStr("description", "Description."),
			apiList("depends_on", "Tasks it runs after.", apiStr("task_key", "Task key.")),
			apiStr("run_if", "When it runs, e.g. `ALL_SUCCESS`."),
			apiStr("job_cluster_key", "Job cluster it runs on."),
			apiStr("existing_cluster_id", "All-purpose cluster it runs on."),
			apiNum("timeout_seconds", "Timeout; 0 none."),
			apiNum("max_retries", "Retries on failure."),
			apiOne("notebook_task", "Notebook it runs.",
				apiStr("notebook_path", "Notebook path."), apiStr("source", "`WORKSPACE` or `GIT`."), apiStrMap("base_parameters", "Parameters."),
			),
			apiOne("spark_python_task", "Python file it runs.",
				apiStr("python_file", "File path."), apiStr("source", "`WORKSPACE` or `GIT`."), apiStrs("parameters", "Arguments."),
			),
			apiOne("python_wheel_task", "Wheel entry point it runs.",
				apiStr("package_name", "Package."), apiStr("entry_point", "Entry point."), apiStrs("parameters", "Arguments."),
			),
		).renamed("task"),
	}
}
