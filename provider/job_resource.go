package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ resource.ResourceWithConfigure      = (*jobResource)(nil)
	_ resource.ResourceWithImportState    = (*jobResource)(nil)
	_ resource.ResourceWithValidateConfig = (*jobResource)(nil)
)

func newJobResource() resource.Resource { return &jobResource{} }

// jobResource is a Databricks job — for BrickOps, typically the scheduled
// retraining of a model: tasks on a job cluster or an existing cluster, a
// Quartz schedule, job parameters and e-mail notifications.
type jobResource struct{ data *providerData }

type jobModel struct {
	ID                 types.String        `tfsdk:"id"`
	JobID              types.Int64         `tfsdk:"job_id"`
	Name               types.String        `tfsdk:"name"`
	Description        types.String        `tfsdk:"description"`
	MaxConcurrentRuns  types.Int64         `tfsdk:"max_concurrent_runs"`
	TimeoutSeconds     types.Int64         `tfsdk:"timeout_seconds"`
	Tags               types.Map           `tfsdk:"tags"`
	JobClusters        []jobClusterModel   `tfsdk:"job_clusters"`
	Tasks              []jobTaskModel      `tfsdk:"tasks"`
	Schedule           *jobScheduleModel   `tfsdk:"schedule"`
	Parameters         []jobParameterModel `tfsdk:"parameters"`
	EmailNotifications *jobEmailModel      `tfsdk:"email_notifications"`
	RunAs              *jobRunAsModel      `tfsdk:"run_as"`
	URL                types.String        `tfsdk:"url"`
}

// jobRunAsModel is the identity runs execute as (jobs.JobRunAs).
type jobRunAsModel struct {
	UserName             types.String `tfsdk:"user_name"`
	ServicePrincipalName types.String `tfsdk:"service_principal_name"`
}

type jobClusterModel struct {
	JobClusterKey types.String     `tfsdk:"job_cluster_key"`
	NewCluster    *newClusterModel `tfsdk:"new_cluster"`
}

// newClusterModel is a cluster created for a job run (compute.ClusterSpec).
type newClusterModel struct {
	SparkVersion     types.String    `tfsdk:"spark_version"`
	NodeTypeID       types.String    `tfsdk:"node_type_id"`
	DriverNodeTypeID types.String    `tfsdk:"driver_node_type_id"`
	NumWorkers       types.Int64     `tfsdk:"num_workers"`
	Autoscale        *autoscaleModel `tfsdk:"autoscale"`
	SparkConf        types.Map       `tfsdk:"spark_conf"`
	SparkEnvVars     types.Map       `tfsdk:"spark_env_vars"`
	CustomTags       types.Map       `tfsdk:"custom_tags"`
	DataSecurityMode types.String    `tfsdk:"data_security_mode"`
	SingleUserName   types.String    `tfsdk:"single_user_name"`
	PolicyID         types.String    `tfsdk:"policy_id"`
	RuntimeEngine    types.String    `tfsdk:"runtime_engine"`
}

type jobTaskModel struct {
	TaskKey           types.String          `tfsdk:"task_key"`
	Description       types.String          `tfsdk:"description"`
	DependsOn         []taskDependencyModel `tfsdk:"depends_on"`
	ExistingClusterID types.String          `tfsdk:"existing_cluster_id"`
	JobClusterKey     types.String          `tfsdk:"job_cluster_key"`
	NewCluster        *newClusterModel      `tfsdk:"new_cluster"`
	NotebookTask      *notebookTaskModel    `tfsdk:"notebook_task"`
	PythonWheelTask   *pythonWheelTaskModel `tfsdk:"python_wheel_task"`
	SparkPythonTask   *sparkPythonTaskModel `tfsdk:"spark_python_task"`
	Libraries         []libraryModel        `tfsdk:"libraries"`
	MaxRetries        types.Int64           `tfsdk:"max_retries"`
	TimeoutSeconds    types.Int64           `tfsdk:"timeout_seconds"`
}

type taskDependencyModel struct {
	TaskKey types.String `tfsdk:"task_key"`
}

type notebookTaskModel struct {
	NotebookPath   types.String `tfsdk:"notebook_path"`
	BaseParameters types.Map    `tfsdk:"base_parameters"`
	Source         types.String `tfsdk:"source"`
}

type pythonWheelTaskModel struct {
	PackageName     types.String `tfsdk:"package_name"`
	EntryPoint      types.String `tfsdk:"entry_point"`
	Parameters      types.List   `tfsdk:"parameters"`
	NamedParameters types.Map    `tfsdk:"named_parameters"`
}

type sparkPythonTaskModel struct {
	PythonFile types.String `tfsdk:"python_file"`
	Parameters types.List   `tfsdk:"parameters"`
	Source     types.String `tfsdk:"source"`
}

type libraryModel struct {
	Whl  types.String `tfsdk:"whl"`
	Jar  types.String `tfsdk:"jar"`
	Pypi *pypiModel   `tfsdk:"pypi"`
}

type pypiModel struct {
	Package types.String `tfsdk:"package"`
	Repo    types.String `tfsdk:"repo"`
}

type jobScheduleModel struct {
	QuartzCronExpression types.String `tfsdk:"quartz_cron_expression"`
	TimezoneID           types.String `tfsdk:"timezone_id"`
	PauseStatus          types.String `tfsdk:"pause_status"`
}

type jobParameterModel struct {
	Name    types.String `tfsdk:"name"`
	Default types.String `tfsdk:"default"`
}

type jobEmailModel struct {
	OnStart   types.List `tfsdk:"on_start"`
	OnSuccess types.List `tfsdk:"on_success"`
	OnFailure types.List `tfsdk:"on_failure"`
}

func (r *jobResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job"
}

func (r *jobResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	stringMap := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: desc}
	}
	stringList := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: desc}
	}
	source := schema.StringAttribute{
		Optional: true, MarkdownDescription: "`WORKSPACE` (default) or `GIT`.",
		Validators: []validator.String{stringvalidator.OneOf("WORKSPACE", "GIT")},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Databricks job, e.g. the scheduled retraining of a model: tasks (notebook, Python wheel, " +
			"Python file) on a job cluster, a new cluster or an existing cluster, a Quartz cron `schedule`, job " +
			"`parameters` and `email_notifications`. Every attribute changes in place (`jobs/reset`). Tasks and job " +
			"clusters are matched by key, so the order the API returns them in never reads as a change.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The job id, as a string.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"job_id": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "Canonical identifier of the job (pass it to `jobs/run-now`).",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Display name of the job.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 4096)},
			},
			"description": schema.StringAttribute{Optional: true, MarkdownDescription: "Free-form description."},
			"max_concurrent_runs": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(1),
				MarkdownDescription: "How many runs may be active at once; a run triggered beyond it is skipped. 0 to 1000, default 1.",
				Validators:          []validator.Int64{int64validator.Between(0, 1000)},
			},
			"timeout_seconds": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(0),
				MarkdownDescription: "Timeout of each run in seconds; 0 (default) means none.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Tags of the job, forwarded to its job clusters. At most 25.",
				Validators:          []validator.Map{mapvalidator.SizeAtMost(25)},
			},
			"job_clusters": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Clusters created for each run and shared by the tasks that name their `job_cluster_key`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"job_cluster_key": schema.StringAttribute{Required: true, MarkdownDescription: "Key tasks refer to."},
					"new_cluster":     newClusterAttribute(true),
				}},
			},
			"tasks": schema.ListNestedAttribute{
				Required:            true,
				MarkdownDescription: "The tasks of the job. Each has exactly one of `notebook_task`, `python_wheel_task`, `spark_python_task`.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"task_key": schema.StringAttribute{
						Required: true, MarkdownDescription: "Unique name of the task within the job.",
						Validators: []validator.String{stringvalidator.LengthBetween(1, 100)},
					},
					"description": schema.StringAttribute{Optional: true, MarkdownDescription: "Free-form description."},
					"depends_on": schema.ListNestedAttribute{
						Optional: true, MarkdownDescription: "Tasks that must complete successfully first.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"task_key": schema.StringAttribute{Required: true, MarkdownDescription: "Key of the task depended on."},
						}},
					},
					"existing_cluster_id": schema.StringAttribute{Optional: true, MarkdownDescription: "Run on this all-purpose cluster (e.g. `brickops_cluster.x.id`)."},
					"job_cluster_key":     schema.StringAttribute{Optional: true, MarkdownDescription: "Run on the job cluster with this key."},
					"new_cluster":         newClusterAttribute(false),
					"notebook_task": schema.SingleNestedAttribute{
						Optional: true, MarkdownDescription: "Run a notebook.",
						Attributes: map[string]schema.Attribute{
							"notebook_path":   schema.StringAttribute{Required: true, MarkdownDescription: "Absolute workspace path, or a path relative to the Git repository when `source = \"GIT\"`."},
							"base_parameters": stringMap("Widget values passed to the notebook."),
							"source":          source,
						},
					},
					"python_wheel_task": schema.SingleNestedAttribute{
						Optional: true, MarkdownDescription: "Run an entry point of a Python wheel (install it with `libraries`).",
						Attributes: map[string]schema.Attribute{
							"package_name":     schema.StringAttribute{Required: true, MarkdownDescription: "Name of the package."},
							"entry_point":      schema.StringAttribute{Required: true, MarkdownDescription: "Entry point to call."},
							"parameters":       stringList("Command-line parameters."),
							"named_parameters": stringMap("Named parameters, passed as `--key=value`."),
						},
					},
					"spark_python_task": schema.SingleNestedAttribute{
						Optional: true, MarkdownDescription: "Run a Python file.",
						Attributes: map[string]schema.Attribute{
							"python_file": schema.StringAttribute{Required: true, MarkdownDescription: "Workspace path, cloud URI, or path in the Git repository."},
							"parameters":  stringList("Command-line parameters."),
							"source":      source,
						},
					},
					"libraries": schema.ListNestedAttribute{
						Optional: true, MarkdownDescription: "Libraries installed on the task's cluster.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"whl": schema.StringAttribute{Optional: true, MarkdownDescription: "URI of a wheel, e.g. `/Workspace/Shared/churn-1.0-py3-none-any.whl`."},
							"jar": schema.StringAttribute{Optional: true, MarkdownDescription: "URI of a JAR."},
							"pypi": schema.SingleNestedAttribute{
								Optional: true, MarkdownDescription: "A PyPI package.",
								Attributes: map[string]schema.Attribute{
									"package": schema.StringAttribute{Required: true, MarkdownDescription: "Package spec, e.g. `scikit-learn==1.5.0`."},
									"repo":    schema.StringAttribute{Optional: true, MarkdownDescription: "Index URL; default PyPI."},
								},
							},
						}},
					},
					"max_retries": schema.Int64Attribute{
						Optional: true, MarkdownDescription: "Retries of a failed run of the task; -1 retries forever.",
						Validators: []validator.Int64{int64validator.AtLeast(-1)},
					},
					"timeout_seconds": schema.Int64Attribute{
						Optional: true, MarkdownDescription: "Timeout of the task in seconds.",
						Validators: []validator.Int64{int64validator.AtLeast(0)},
					},
				}},
			},
			"schedule": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Run the job periodically.",
				Attributes: map[string]schema.Attribute{
					"quartz_cron_expression": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Quartz cron expression: `sec min hour day-of-month month day-of-week [year]`, e.g. `0 0 3 ? * MON` (Mondays 03:00).",
					},
					"timezone_id": schema.StringAttribute{Required: true, MarkdownDescription: "Java time zone id, e.g. `UTC` or `Europe/Amsterdam`."},
					"pause_status": schema.StringAttribute{
						Optional: true, Computed: true, Default: stringdefault.StaticString("UNPAUSED"),
						MarkdownDescription: "`UNPAUSED` (default) or `PAUSED`.",
						Validators:          []validator.String{stringvalidator.OneOf("UNPAUSED", "PAUSED")},
					},
				},
			},
			"parameters": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Job-level parameters; `run-now` may override their values.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required: true, MarkdownDescription: "Alphanumeric, `_`, `-` and `.`.",
						Validators: []validator.String{stringvalidator.RegexMatches(jobParameterName, "may only contain alphanumeric characters, '_', '-' and '.'")},
					},
					"default": schema.StringAttribute{Required: true, MarkdownDescription: "Value used unless a run overrides it."},
				}},
			},
			"email_notifications": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Addresses e-mailed when runs start, succeed or fail.",
				Attributes: map[string]schema.Attribute{
					"on_start":   stringList("Notified when a run starts."),
					"on_success": stringList("Notified when a run succeeds."),
					"on_failure": stringList("Notified when a run fails."),
				},
			},
			"run_as": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Who the job's runs execute as; unset, the job's creator. Set exactly one of `user_name` and " +
					"`service_principal_name`. A service principal keeps scheduled runs working when people leave and gives them " +
					"only the service principal's permissions.",
				Attributes: map[string]schema.Attribute{
					"user_name": schema.StringAttribute{
						Optional: true, MarkdownDescription: "E-mail of an active workspace user (non-admins may only name themselves).",
						Validators: []validator.String{stringvalidator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("service_principal_name"))},
					},
					"service_principal_name": schema.StringAttribute{
						Optional: true, MarkdownDescription: "Application id of an active service principal (e.g. `brickops_service_principal.x.application_id`); " +
							"the caller needs its `servicePrincipal/user` role.",
					},
				},
			},
			"url": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Link to the job in the workspace UI.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// newClusterAttribute is the schema of a cluster created per run.
func newClusterAttribute(required bool) schema.SingleNestedAttribute {
	stringMap := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: desc}
	}
	return schema.SingleNestedAttribute{
		Required: required, Optional: !required,
		MarkdownDescription: "Cluster created for each run.",
		Attributes: map[string]schema.Attribute{
			"spark_version":       schema.StringAttribute{Required: true, MarkdownDescription: "Databricks Runtime version key."},
			"node_type_id":        schema.StringAttribute{Required: true, MarkdownDescription: "Azure VM size of the workers."},
			"driver_node_type_id": schema.StringAttribute{Optional: true, MarkdownDescription: "VM size of the driver; defaults to `node_type_id`."},
			"num_workers": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Fixed number of workers; conflicts with `autoscale`.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"autoscale": schema.SingleNestedAttribute{
				Optional: true, MarkdownDescription: "Scale between `min_workers` and `max_workers`.",
				Attributes: map[string]schema.Attribute{
					"min_workers": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(0)}, MarkdownDescription: "Minimum number of workers."},
					"max_workers": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(1)}, MarkdownDescription: "Maximum number of workers."},
				},
				Validators: []validator.Object{objectvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("num_workers"))},
			},
			"spark_conf":     stringMap("Spark configuration."),
			"spark_env_vars": stringMap("Environment variables of the Spark processes."),
			"custom_tags":    stringMap("Tags of the cluster's Azure resources."),
			"data_security_mode": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Unity Catalog access mode, e.g. `SINGLE_USER`.",
				Validators: []validator.String{stringvalidator.OneOf(dataSecurityModes()...)},
			},
			"single_user_name": schema.StringAttribute{Optional: true, MarkdownDescription: "User of a `SINGLE_USER` cluster."},
			"policy_id":        schema.StringAttribute{Optional: true, MarkdownDescription: "Cluster policy."},
			"runtime_engine": schema.StringAttribute{
				Optional: true, MarkdownDescription: "`STANDARD` or `PHOTON`.",
				Validators: []validator.String{stringvalidator.OneOf("STANDARD", "PHOTON")},
			},
		},
	}
}

func (r *jobResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig catches at plan time what the Jobs API would refuse at
// apply: task types, compute, and references between tasks and clusters.
func (r *jobResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Only tasks and job clusters are read: other attributes (run_as from
	// a module input, say) may still be unknown here.
	var m jobModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("job_clusters"), &m.JobClusters)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("tasks"), &m.Tasks)...)
	if resp.Diagnostics.HasError() {
		return
	}
	clusters := map[string]bool{}
	for _, jc := range m.JobClusters {
		if jc.JobClusterKey.IsUnknown() {
			return
		}
		clusters[jc.JobClusterKey.ValueString()] = true
	}
	keys := map[string]bool{}
	for i, t := range m.Tasks {
		at := path.Root("tasks").AtListIndex(i)
		if t.TaskKey.IsUnknown() {
			return
		}
		key := t.TaskKey.ValueString()
		if keys[key] {
			resp.Diagnostics.AddAttributeError(at.AtName("task_key"), "Duplicate task key", fmt.Sprintf("Task key %q is used by more than one task; task keys must be unique within a job.", key))
		}
		keys[key] = true
		kinds := 0
		for _, set := range []bool{t.NotebookTask != nil, t.PythonWheelTask != nil, t.SparkPythonTask != nil} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			resp.Diagnostics.AddAttributeError(at, "Task needs exactly one task type", fmt.Sprintf("Task %q must set exactly one of notebook_task, python_wheel_task and spark_python_task (it sets %d).", key, kinds))
		}
		computes := 0
		for _, v := range []types.String{t.ExistingClusterID, t.JobClusterKey} {
			if !v.IsNull() {
				computes++
			}
		}
		if t.NewCluster != nil {
			computes++
		}
		if computes > 1 {
			resp.Diagnostics.AddAttributeError(at, "Conflicting compute", fmt.Sprintf("Task %q may set only one of existing_cluster_id, job_cluster_key and new_cluster.", key))
		}
		if computes == 0 && t.NotebookTask == nil && !t.ExistingClusterID.IsUnknown() {
			resp.Diagnostics.AddAttributeError(at, "Task needs compute", fmt.Sprintf("Task %q needs compute: set existing_cluster_id, job_cluster_key or new_cluster (only notebooks run serverless without one).", key))
		}
		if k := t.JobClusterKey; !k.IsNull() && !k.IsUnknown() && !clusters[k.ValueString()] {
			resp.Diagnostics.AddAttributeError(at.AtName("job_cluster_key"), "Unknown job cluster", fmt.Sprintf("Task %q uses job cluster %q, which is not defined in job_clusters.", key, k.ValueString()))
		}
	}
	for i, t := range m.Tasks {
		for j, d := range t.DependsOn {
			if !d.TaskKey.IsUnknown() && !keys[d.TaskKey.ValueString()] {
				resp.Diagnostics.AddAttributeError(path.Root("tasks").AtListIndex(i).AtName("depends_on").AtListIndex(j).AtName("task_key"),
					"Unknown task dependency", fmt.Sprintf("Task %q depends on %q, which is not a task of this job.", t.TaskKey.ValueString(), d.TaskKey.ValueString()))
			}
		}
	}
}

func (r *jobResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan jobModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings := plan.settings(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	jobID, err := r.createJob(ctx, w, settings)
	if err != nil {
		resp.Diagnostics.AddError("Creating job failed", fmt.Sprintf("Creating job %q: %v", plan.Name.ValueString(), err))
		return
	}
	tflog.Info(ctx, "created job", map[string]any{"job_id": jobID, "name": plan.Name.ValueString()})
	r.readInto(ctx, jobID, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *jobResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state jobModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err != nil {
		resp.Diagnostics.AddError("Invalid job id", fmt.Sprintf("Job id %q is not a number: %v", state.ID.ValueString(), err))
		return
	}
	j, err := refreshJobs.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, _ string) (*jobs.Job, error) { return w.Jobs.GetByJobId(ctx, id) })
	if readFailed(ctx, resp, err, "job", fmt.Sprintf("job %d", id)) {
		return
	}
	state.fromAPI(ctx, j, w.Config.Host, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *jobResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state jobModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings := plan.settings(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.JobID.ValueInt64()
	// reset replaces the whole settings, so attributes removed from the
	// configuration are removed from the job too.
	if err := w.Jobs.Reset(ctx, jobs.ResetJob{JobId: id, NewSettings: settings}); err != nil {
		resp.Diagnostics.AddError("Updating job failed", fmt.Sprintf("Resetting the settings of job %d (%q): %v", id, plan.Name.ValueString(), err))
		return
	}
	r.readInto(ctx, id, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *jobResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state jobModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := w.Jobs.DeleteByJobId(ctx, state.JobID.ValueInt64()); err != nil && !isGone(err) {
		resp.Diagnostics.AddError("Deleting job failed", fmt.Sprintf("Deleting job %d: %v", state.JobID.ValueInt64(), err))
	}
}

func (r *jobResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, err := strconv.ParseInt(req.ID, 10, 64); err != nil {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a job by its numeric job_id, got %q.", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// readInto reads job id back into m after a write.
func (r *jobResource) readInto(ctx context.Context, id int64, m *jobModel, diags *diag.Diagnostics) {
	w, d := r.data.workspace()
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	j, err := w.Jobs.GetByJobId(ctx, id)
	if err != nil {
		diags.AddError("Reading job failed", fmt.Sprintf("Job %d was written but cannot be read back: %v", id, err))
		return
	}
	m.fromAPI(ctx, j, w.Config.Host, diags)
}

// --- model → API ---

// createJob creates the job once (createOnce): jobs/create takes no
// idempotency key and job names need not be unique, so after a lost answer
// the job this create made is found by name, creator and creation time.
func (r *jobResource) createJob(ctx context.Context, w *databricks.WorkspaceClient, settings jobs.JobSettings) (int64, error) {
	var id int64
	err := createOnce(ctx, func(ctx context.Context) error {
		created, err := w.Jobs.Create(ctx, createJobRequest(settings))
		if err == nil {
			id = created.JobId
		}
		return err
	}, func(ctx context.Context, since time.Time) (bool, error) {
		me, err := r.data.principal(ctx, w)
		if err != nil {
			return false, err
		}
		all, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{Name: settings.Name})
		if err != nil {
			return false, err
		}
		var mine []int64
		for _, j := range all {
			if j.CreatorUserName == me && !millis(j.CreatedTime).Before(since) {
				mine = append(mine, j.JobId)
			}
		}
		var found bool
		id, found, err = theOne(mine, "job", settings.Name)
		return found, err
	})
	return id, err
}

func createJobRequest(s jobs.JobSettings) jobs.CreateJob {
	return jobs.CreateJob{
		Name: s.Name, Description: s.Description, MaxConcurrentRuns: s.MaxConcurrentRuns, TimeoutSeconds: s.TimeoutSeconds,
		Tags: s.Tags, JobClusters: s.JobClusters, Tasks: s.Tasks, Schedule: s.Schedule, Parameters: s.Parameters,
		EmailNotifications: s.EmailNotifications, RunAs: s.RunAs, ForceSendFields: s.ForceSendFields,
	}
}

func (m jobModel) settings(ctx context.Context, diags *diag.Diagnostics) jobs.JobSettings {
	s := jobs.JobSettings{
		Name: m.Name.ValueString(), Description: m.Description.ValueString(),
		MaxConcurrentRuns: int(m.MaxConcurrentRuns.ValueInt64()), TimeoutSeconds: int(m.TimeoutSeconds.ValueInt64()),
		Tags: stringMapOf(ctx, m.Tags, diags),
		// 0 concurrent runs is meaningful: every new run is skipped.
		ForceSendFields: []string{"MaxConcurrentRuns"},
	}
	for _, jc := range m.JobClusters {
		s.JobClusters = append(s.JobClusters, jobs.JobCluster{JobClusterKey: jc.JobClusterKey.ValueString(), NewCluster: jc.NewCluster.spec(ctx, diags)})
	}
	for _, t := range m.Tasks {
		s.Tasks = append(s.Tasks, t.task(ctx, diags))
	}
	if sch := m.Schedule; sch != nil {
		s.Schedule = &jobs.CronSchedule{
			QuartzCronExpression: sch.QuartzCronExpression.ValueString(), TimezoneId: sch.TimezoneID.ValueString(),
			PauseStatus: jobs.PauseStatus(sch.PauseStatus.ValueString()),
		}
	}
	for _, p := range m.Parameters {
		s.Parameters = append(s.Parameters, jobs.JobParameterDefinition{Name: p.Name.ValueString(), Default: p.Default.ValueString()})
	}
	if e := m.EmailNotifications; e != nil {
		s.EmailNotifications = &jobs.JobEmailNotifications{
			OnStart: stringsOf(ctx, e.OnStart, diags), OnSuccess: stringsOf(ctx, e.OnSuccess, diags), OnFailure: stringsOf(ctx, e.OnFailure, diags),
		}
	}
	if ra := m.RunAs; ra != nil {
		s.RunAs = &jobs.JobRunAs{UserName: ra.UserName.ValueString(), ServicePrincipalName: ra.ServicePrincipalName.ValueString()}
	}
	return s
}

func (c *newClusterModel) spec(ctx context.Context, diags *diag.Diagnostics) compute.ClusterSpec {
	if c == nil {
		return compute.ClusterSpec{}
	}
	spec := compute.ClusterSpec{
		SparkVersion: c.SparkVersion.ValueString(), NodeTypeId: c.NodeTypeID.ValueString(), DriverNodeTypeId: c.DriverNodeTypeID.ValueString(),
		SparkConf: stringMapOf(ctx, c.SparkConf, diags), SparkEnvVars: stringMapOf(ctx, c.SparkEnvVars, diags),
		CustomTags: stringMapOf(ctx, c.CustomTags, diags), DataSecurityMode: compute.DataSecurityMode(c.DataSecurityMode.ValueString()),
		SingleUserName: c.SingleUserName.ValueString(), PolicyId: c.PolicyID.ValueString(), RuntimeEngine: compute.RuntimeEngine(c.RuntimeEngine.ValueString()),
	}
	if c.Autoscale != nil {
		spec.Autoscale = &compute.AutoScale{MinWorkers: int(c.Autoscale.MinWorkers.ValueInt64()), MaxWorkers: int(c.Autoscale.MaxWorkers.ValueInt64())}
	} else {
		// A driver-only cluster (0 workers) is a valid choice.
		spec.NumWorkers = int(c.NumWorkers.ValueInt64())
		spec.ForceSendFields = []string{"NumWorkers"}
	}
	return spec
}

func (t jobTaskModel) task(ctx context.Context, diags *diag.Diagnostics) jobs.Task {
	out := jobs.Task{
		TaskKey: t.TaskKey.ValueString(), Description: t.Description.ValueString(),
		ExistingClusterId: t.ExistingClusterID.ValueString(), JobClusterKey: t.JobClusterKey.ValueString(),
		MaxRetries: int(t.MaxRetries.ValueInt64()), TimeoutSeconds: int(t.TimeoutSeconds.ValueInt64()),
	}
	for _, d := range t.DependsOn {
		out.DependsOn = append(out.DependsOn, jobs.TaskDependency{TaskKey: d.TaskKey.ValueString()})
	}
	if t.NewCluster != nil {
		spec := t.NewCluster.spec(ctx, diags)
		out.NewCluster = &spec
	}
	if n := t.NotebookTask; n != nil {
		out.NotebookTask = &jobs.NotebookTask{NotebookPath: n.NotebookPath.ValueString(), BaseParameters: stringMapOf(ctx, n.BaseParameters, diags), Source: jobs.Source(n.Source.ValueString())}
	}
	if p := t.PythonWheelTask; p != nil {
		out.PythonWheelTask = &jobs.PythonWheelTask{
			PackageName: p.PackageName.ValueString(), EntryPoint: p.EntryPoint.ValueString(),
			Parameters: stringsOf(ctx, p.Parameters, diags), NamedParameters: stringMapOf(ctx, p.NamedParameters, diags),
		}
	}
	if p := t.SparkPythonTask; p != nil {
		out.SparkPythonTask = &jobs.SparkPythonTask{PythonFile: p.PythonFile.ValueString(), Parameters: stringsOf(ctx, p.Parameters, diags), Source: jobs.Source(p.Source.ValueString())}
	}
	for _, l := range t.Libraries {
		lib := compute.Library{Whl: l.Whl.ValueString(), Jar: l.Jar.ValueString()}
		if l.Pypi != nil {
			lib.Pypi = &compute.PythonPyPiLibrary{Package: l.Pypi.Package.ValueString(), Repo: l.Pypi.Repo.ValueString()}
		}
		out.Libraries = append(out.Libraries, lib)
	}
	return out
}

// --- API → model ---

func (m *jobModel) fromAPI(ctx context.Context, j *jobs.Job, host string, diags *diag.Diagnostics) {
	m.ID, m.JobID = types.StringValue(strconv.FormatInt(j.JobId, 10)), types.Int64Value(j.JobId)
	m.URL = types.StringValue(fmt.Sprintf("%s/#job/%d", strings.TrimSuffix(host, "/"), j.JobId))
	s := j.Settings
	if s == nil {
		s = &jobs.JobSettings{}
	}
	m.Name = types.StringValue(s.Name)
	m.Description = optionalString(m.Description, s.Description)
	m.MaxConcurrentRuns = types.Int64Value(int64(s.MaxConcurrentRuns))
	m.TimeoutSeconds = types.Int64Value(int64(s.TimeoutSeconds))
	m.Tags = stringMapFromAPI(ctx, m.Tags, s.Tags, diags)

	priorClusters := priorByKey(m.JobClusters, func(c jobClusterModel) string { return c.JobClusterKey.ValueString() })
	apiClusters := orderLike(s.JobClusters, func(c jobs.JobCluster) string { return c.JobClusterKey }, m.JobClusters, func(c jobClusterModel) string { return c.JobClusterKey.ValueString() })
	var clusters []jobClusterModel
	for _, jc := range apiClusters {
		prior := priorClusters[jc.JobClusterKey]
		spec := jc.NewCluster
		clusters = append(clusters, jobClusterModel{JobClusterKey: types.StringValue(jc.JobClusterKey), NewCluster: newClusterFromAPI(ctx, prior.NewCluster, &spec, diags)})
	}
	m.JobClusters = clusters

	priorTasks := priorByKey(m.Tasks, func(t jobTaskModel) string { return t.TaskKey.ValueString() })
	apiTasks := orderLike(s.Tasks, func(t jobs.Task) string { return t.TaskKey }, m.Tasks, func(t jobTaskModel) string { return t.TaskKey.ValueString() })
	var tasks []jobTaskModel
	for _, t := range apiTasks {
		tasks = append(tasks, taskFromAPI(ctx, priorTasks[t.TaskKey], t, diags))
	}
	m.Tasks = tasks

	if s.Schedule != nil {
		m.Schedule = &jobScheduleModel{
			QuartzCronExpression: types.StringValue(s.Schedule.QuartzCronExpression), TimezoneID: types.StringValue(s.Schedule.TimezoneId),
			PauseStatus: types.StringValue(string(s.Schedule.PauseStatus)),
		}
	} else {
		m.Schedule = nil
	}
	var params []jobParameterModel
	for _, p := range s.Parameters {
		params = append(params, jobParameterModel{Name: types.StringValue(p.Name), Default: types.StringValue(p.Default)})
	}
	m.Parameters = params

	// The API answers {} when no notification is set; that reads as unset.
	e := s.EmailNotifications
	if e == nil || (len(e.OnStart) == 0 && len(e.OnSuccess) == 0 && len(e.OnFailure) == 0) && m.EmailNotifications == nil {
		m.EmailNotifications = nil
	} else {
		prior := m.EmailNotifications
		if prior == nil {
			prior = &jobEmailModel{OnStart: types.ListNull(types.StringType), OnSuccess: types.ListNull(types.StringType), OnFailure: types.ListNull(types.StringType)}
		}
		m.EmailNotifications = &jobEmailModel{
			OnStart:   stringListFromAPI(ctx, prior.OnStart, e.OnStart, diags),
			OnSuccess: stringListFromAPI(ctx, prior.OnSuccess, e.OnSuccess, diags),
			OnFailure: stringListFromAPI(ctx, prior.OnFailure, e.OnFailure, diags),
		}
	}
	m.RunAs = runAsFromAPI(m.RunAs, s.RunAs, j.CreatorUserName)
}

// runAsFromAPI reads settings.run_as, which the API echoes only when a
// request set it. A job left to run as its creator reads as unset, also
// where the API spells that out as the creator's user_name.
func runAsFromAPI(prior *jobRunAsModel, ra *jobs.JobRunAs, creator string) *jobRunAsModel {
	if ra == nil || ra.UserName == "" && ra.ServicePrincipalName == "" ||
		prior == nil && ra.ServicePrincipalName == "" && ra.UserName == creator {
		return nil
	}
	return &jobRunAsModel{
		UserName:             optionalString(types.StringNull(), ra.UserName),
		ServicePrincipalName: optionalString(types.StringNull(), ra.ServicePrincipalName),
	}
}

func newClusterFromAPI(ctx context.Context, prior *newClusterModel, c *compute.ClusterSpec, diags *diag.Diagnostics) *newClusterModel {
	if c == nil {
		return nil
	}
	if prior == nil {
		prior = &newClusterModel{
			DriverNodeTypeID: types.StringNull(), NumWorkers: types.Int64Null(), SparkConf: types.MapNull(types.StringType),
			SparkEnvVars: types.MapNull(types.StringType), CustomTags: types.MapNull(types.StringType), DataSecurityMode: types.StringNull(),
			SingleUserName: types.StringNull(), PolicyID: types.StringNull(), RuntimeEngine: types.StringNull(),
		}
	}
	out := &newClusterModel{
		SparkVersion: types.StringValue(c.SparkVersion), NodeTypeID: types.StringValue(c.NodeTypeId),
		DriverNodeTypeID: optionalString(prior.DriverNodeTypeID, c.DriverNodeTypeId),
		SparkConf:        stringMapFromAPI(ctx, prior.SparkConf, c.SparkConf, diags),
		SparkEnvVars:     stringMapFromAPI(ctx, prior.SparkEnvVars, c.SparkEnvVars, diags),
		CustomTags:       stringMapFromAPI(ctx, prior.CustomTags, c.CustomTags, diags),
		DataSecurityMode: optionalString(prior.DataSecurityMode, string(c.DataSecurityMode)),
		SingleUserName:   optionalString(prior.SingleUserName, c.SingleUserName),
		PolicyID:         optionalString(prior.PolicyID, c.PolicyId),
		RuntimeEngine:    optionalString(prior.RuntimeEngine, string(c.RuntimeEngine)),
	}
	if c.Autoscale != nil {
		out.Autoscale = &autoscaleModel{MinWorkers: types.Int64Value(int64(c.Autoscale.MinWorkers)), MaxWorkers: types.Int64Value(int64(c.Autoscale.MaxWorkers))}
		out.NumWorkers = types.Int64Null()
	} else {
		out.NumWorkers = optionalInt64(prior.NumWorkers, int64(c.NumWorkers))
	}
	return out
}

func taskFromAPI(ctx context.Context, prior jobTaskModel, t jobs.Task, diags *diag.Diagnostics) jobTaskModel {
	out := jobTaskModel{
		TaskKey:           types.StringValue(t.TaskKey),
		Description:       optionalString(prior.Description, t.Description),
		ExistingClusterID: optionalString(prior.ExistingClusterID, t.ExistingClusterId),
		JobClusterKey:     optionalString(prior.JobClusterKey, t.JobClusterKey),
		NewCluster:        newClusterFromAPI(ctx, prior.NewCluster, t.NewCluster, diags),
		MaxRetries:        optionalInt64(prior.MaxRetries, int64(t.MaxRetries)),
		TimeoutSeconds:    optionalInt64(prior.TimeoutSeconds, int64(t.TimeoutSeconds)),
	}
	for _, d := range t.DependsOn {
		out.DependsOn = append(out.DependsOn, taskDependencyModel{TaskKey: types.StringValue(d.TaskKey)})
	}
	if n := t.NotebookTask; n != nil {
		p := prior.NotebookTask
		if p == nil {
			p = &notebookTaskModel{BaseParameters: types.MapNull(types.StringType), Source: types.StringNull()}
		}
		out.NotebookTask = &notebookTaskModel{
			NotebookPath: types.StringValue(n.NotebookPath), BaseParameters: stringMapFromAPI(ctx, p.BaseParameters, n.BaseParameters, diags),
			Source: optionalString(p.Source, string(n.Source)),
		}
	}
	if w := t.PythonWheelTask; w != nil {
		p := prior.PythonWheelTask
		if p == nil {
			p = &pythonWheelTaskModel{Parameters: types.ListNull(types.StringType), NamedParameters: types.MapNull(types.StringType)}
		}
		out.PythonWheelTask = &pythonWheelTaskModel{
			PackageName: types.StringValue(w.PackageName), EntryPoint: types.StringValue(w.EntryPoint),
			Parameters: stringListFromAPI(ctx, p.Parameters, w.Parameters, diags), NamedParameters: stringMapFromAPI(ctx, p.NamedParameters, w.NamedParameters, diags),
		}
	}
	if sp := t.SparkPythonTask; sp != nil {
		p := prior.SparkPythonTask
		if p == nil {
			p = &sparkPythonTaskModel{Parameters: types.ListNull(types.StringType), Source: types.StringNull()}
		}
		out.SparkPythonTask = &sparkPythonTaskModel{
			PythonFile: types.StringValue(sp.PythonFile), Parameters: stringListFromAPI(ctx, p.Parameters, sp.Parameters, diags),
			Source: optionalString(p.Source, string(sp.Source)),
		}
	}
	for i, l := range t.Libraries {
		var pl libraryModel
		if i < len(prior.Libraries) {
			pl = prior.Libraries[i]
		} else {
			pl = libraryModel{Whl: types.StringNull(), Jar: types.StringNull()}
		}
		lib := libraryModel{Whl: optionalString(pl.Whl, l.Whl), Jar: optionalString(pl.Jar, l.Jar)}
		if l.Pypi != nil {
			repo := types.StringNull()
			if pl.Pypi != nil {
				repo = pl.Pypi.Repo
			}
			lib.Pypi = &pypiModel{Package: types.StringValue(l.Pypi.Package), Repo: optionalString(repo, l.Pypi.Repo)}
		}
		out.Libraries = append(out.Libraries, lib)
	}
	return out
}

// jobParameterName is what the Jobs API accepts as a parameter name.
var jobParameterName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
