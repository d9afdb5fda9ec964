package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/databricks/databricks-sdk-go"
	dbclient "github.com/databricks/databricks-sdk-go/client"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const defaultClusterTimeout = 30 * time.Minute

var (
	_ resource.ResourceWithConfigure        = (*clusterResource)(nil)
	_ resource.ResourceWithImportState      = (*clusterResource)(nil)
	_ resource.ResourceWithConfigValidators = (*clusterResource)(nil)
)

func newClusterResource() resource.Resource { return &clusterResource{} }

type clusterResource struct{ data *providerData }

type clusterModel struct {
	ID                     types.String    `tfsdk:"id"`
	ClusterID              types.String    `tfsdk:"cluster_id"`
	ClusterName            types.String    `tfsdk:"cluster_name"`
	SparkVersion           types.String    `tfsdk:"spark_version"`
	NodeTypeID             types.String    `tfsdk:"node_type_id"`
	DriverNodeTypeID       types.String    `tfsdk:"driver_node_type_id"`
	NumWorkers             types.Int64     `tfsdk:"num_workers"`
	Autoscale              *autoscaleModel `tfsdk:"autoscale"`
	AutoterminationMinutes types.Int64     `tfsdk:"autotermination_minutes"`
	CustomTags             types.Map       `tfsdk:"custom_tags"`
	SparkConf              types.Map       `tfsdk:"spark_conf"`
	SparkEnvVars           types.Map       `tfsdk:"spark_env_vars"`
	DataSecurityMode       types.String    `tfsdk:"data_security_mode"`
	SingleUserName         types.String    `tfsdk:"single_user_name"`
	PolicyID               types.String    `tfsdk:"policy_id"`
	RuntimeEngine          types.String    `tfsdk:"runtime_engine"`
	IdempotencyToken       types.String    `tfsdk:"idempotency_token"`
	DefaultTags            types.Map       `tfsdk:"default_tags"`
	State                  types.String    `tfsdk:"state"`
	Timeouts               timeouts.Value  `tfsdk:"timeouts"`
}

type autoscaleModel struct {
	MinWorkers types.Int64 `tfsdk:"min_workers"`
	MaxWorkers types.Int64 `tfsdk:"max_workers"`
}

func (r *clusterResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster"
}

func (r *clusterResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	stringMap := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An all-purpose Databricks cluster. Creation waits until the cluster is `RUNNING`. " +
			"Every attribute except `idempotency_token` changes in place through `clusters/edit` (a running cluster " +
			"restarts to apply it). Destroy terminates the cluster, then deletes it permanently.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The cluster id (same as `cluster_id`).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cluster_id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Canonical identifier of the cluster.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cluster_name": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Display name. Need not be unique.",
				Validators: []validator.String{stringvalidator.LengthAtMost(100)},
			},
			"spark_version": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Databricks Runtime version key, e.g. `15.4.x-cpu-ml-scala2.12`; see the `brickops_spark_version` data source.",
			},
			"node_type_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Azure VM size of the workers, e.g. `Standard_DS3_v2`; see the `brickops_node_type` data source.",
			},
			"driver_node_type_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "VM size of the driver. Defaults to `node_type_id`.",
				PlanModifiers:       []planmodifier.String{defaultFromAttribute(path.Root("node_type_id"))},
			},
			"num_workers": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Fixed number of workers. Defaults to 0 (driver only) unless `autoscale` is set; conflicts with `autoscale`.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
				PlanModifiers:       []planmodifier.Int64{numWorkersPlan{}},
			},
			"autoscale": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Let the cluster scale between `min_workers` and `max_workers`; conflicts with `num_workers`.",
				Attributes: map[string]schema.Attribute{
					"min_workers": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(0)}, MarkdownDescription: "Minimum number of workers."},
					"max_workers": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(1)}, MarkdownDescription: "Maximum number of workers; at least `min_workers`."},
				},
				Validators: []validator.Object{objectvalidator.ConflictsWith(path.MatchRoot("num_workers"))},
			},
			"autotermination_minutes": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(60),
				MarkdownDescription: "Terminate the cluster after this many idle minutes: 10 to 10000, or 0 to never terminate. Defaults to 60.",
				Validators:          []validator.Int64{int64validator.Any(int64validator.OneOf(0), int64validator.Between(10, 10000))},
			},
			"custom_tags":    stringMap("Tags applied to the cluster's Azure resources, on top of `default_tags`."),
			"spark_conf":     stringMap("Spark configuration key/value pairs."),
			"spark_env_vars": stringMap("Environment variables for the Spark processes."),
			"data_security_mode": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Unity Catalog access mode: `SINGLE_USER`, `USER_ISOLATION`, `NONE`, `DATA_SECURITY_MODE_AUTO`, `DATA_SECURITY_MODE_STANDARD`, `DATA_SECURITY_MODE_DEDICATED`, or a `LEGACY_*` mode.",
				Validators:          []validator.String{stringvalidator.OneOf(dataSecurityModes()...)},
			},
			"single_user_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The user or service principal that may use a `SINGLE_USER` cluster.",
			},
			"policy_id": schema.StringAttribute{Optional: true, MarkdownDescription: "Cluster policy the cluster is validated against."},
			"runtime_engine": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`STANDARD` or `PHOTON`.",
				Validators:          []validator.String{stringvalidator.OneOf("STANDARD", "PHOTON")},
			},
			"idempotency_token": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Makes creation idempotent: while an active cluster created with this token exists, " +
					"creating again returns it. Changing it replaces the cluster.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"default_tags": schema.MapAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Tags Databricks adds to every cluster (`Vendor`, `Creator`, `ClusterName`, `ClusterId`).",
				PlanModifiers:       []planmodifier.Map{defaultTagsFollowName{}},
			},
			"state": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Lifecycle state: `PENDING`, `RUNNING`, `RESTARTING`, `RESIZING`, `TERMINATING`, `TERMINATED`, `ERROR`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *clusterResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{singleUserValidator{}}
}

func (r *clusterResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *clusterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan clusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultClusterTimeout)
	resp.Diagnostics.Append(diags...)
	spec, diags := clusterCreateRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := createCluster(ctx, w, spec, idempotencyToken(plan.IdempotencyToken))
	if err != nil {
		resp.Diagnostics.AddError("Creating cluster failed", fmt.Sprintf("Creating cluster %q: %v", plan.ClusterName.ValueString(), err))
		return
	}
	// Record the id before waiting, so a timeout leaves a tracked (tainted)
	// cluster instead of an orphan.
	plan.ID, plan.ClusterID = types.StringValue(id), types.StringValue(id)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	details, err := waitClusterRunning(ctx, w, id, timeout)
	if err != nil {
		resp.Diagnostics.AddError("Cluster did not start", fmt.Sprintf("Cluster %s (%q) was created but did not reach RUNNING: %v", id, plan.ClusterName.ValueString(), err))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, details)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *clusterResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state clusterModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	details, err := refreshClusters.read(ctx, r.data, state.ID.ValueString(), w.Clusters.GetByClusterId)
	if readFailed(ctx, resp, err, "cluster", "cluster "+state.ID.ValueString()) {
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, details)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *clusterResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state clusterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultClusterTimeout)
	resp.Diagnostics.Append(diags...)
	create, diags := clusterCreateRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Edit is accepted only on a RUNNING or TERMINATED cluster: let any
	// transition in progress finish first.
	current, err := waitClusterSettled(ctx, w, id)
	if err != nil {
		resp.Diagnostics.AddError("Updating cluster failed", fmt.Sprintf("Cluster %s is not in a state that accepts changes: %v", id, err))
		return
	}
	if _, err := w.Clusters.Edit(ctx, clusterEditRequest(id, create)); err != nil {
		resp.Diagnostics.AddError("Updating cluster failed", fmt.Sprintf("Editing cluster %s: %v", id, err))
		return
	}
	details := current
	if current.State == compute.StateRunning {
		details, err = waitClusterRunning(ctx, w, id, timeout)
	} else {
		details, err = w.Clusters.GetByClusterId(ctx, id)
	}
	if err != nil {
		resp.Diagnostics.AddError("Updating cluster failed", fmt.Sprintf("Cluster %s was edited but did not come back: %v", id, err))
		return
	}
	plan.ID, plan.ClusterID = state.ID, state.ClusterID
	resp.Diagnostics.Append(plan.fromAPI(ctx, details)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *clusterResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state clusterModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultClusterTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// permanent-delete terminates a running cluster itself ("This cluster is
	// terminated and resources are asynchronously removed", databricks-sdk-go
	// service/compute/api.go), so there is nothing to wait for: terminating
	// first and polling for TERMINATED only made destroy slow.
	err := w.Clusters.PermanentDeleteByClusterId(ctx, id)
	if err != nil && !isGone(err) {
		resp.Diagnostics.AddError("Deleting cluster failed", fmt.Sprintf("Deleting cluster %s: %v", id, err))
	}
}

func (r *clusterResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// clusterCreateRequest converts the plan into the API's create request.
func clusterCreateRequest(ctx context.Context, m clusterModel) (compute.CreateCluster, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := compute.CreateCluster{
		ClusterName:            m.ClusterName.ValueString(),
		SparkVersion:           m.SparkVersion.ValueString(),
		NodeTypeId:             m.NodeTypeID.ValueString(),
		DriverNodeTypeId:       m.DriverNodeTypeID.ValueString(),
		AutoterminationMinutes: int(m.AutoterminationMinutes.ValueInt64()),
		DataSecurityMode:       compute.DataSecurityMode(m.DataSecurityMode.ValueString()),
		SingleUserName:         m.SingleUserName.ValueString(),
		PolicyId:               m.PolicyID.ValueString(),
		RuntimeEngine:          compute.RuntimeEngine(m.RuntimeEngine.ValueString()),
		// 0 is meaningful for both: a driver-only cluster, never terminate.
		ForceSendFields: []string{"AutoterminationMinutes"},
	}
	if m.Autoscale != nil {
		c.Autoscale = &compute.AutoScale{MinWorkers: int(m.Autoscale.MinWorkers.ValueInt64()), MaxWorkers: int(m.Autoscale.MaxWorkers.ValueInt64())}
	} else {
		c.NumWorkers = int(m.NumWorkers.ValueInt64())
		c.ForceSendFields = append(c.ForceSendFields, "NumWorkers")
	}
	diags.Append(m.CustomTags.ElementsAs(ctx, &c.CustomTags, false)...)
	diags.Append(m.SparkConf.ElementsAs(ctx, &c.SparkConf, false)...)
	diags.Append(m.SparkEnvVars.ElementsAs(ctx, &c.SparkEnvVars, false)...)
	return c, diags
}

// clusterEditRequest turns a create request into an edit of cluster id:
// edit takes the same full specification.
func clusterEditRequest(id string, c compute.CreateCluster) compute.EditCluster {
	return compute.EditCluster{
		ClusterId: id, ClusterName: c.ClusterName, SparkVersion: c.SparkVersion, NodeTypeId: c.NodeTypeId,
		DriverNodeTypeId: c.DriverNodeTypeId, NumWorkers: c.NumWorkers, Autoscale: c.Autoscale,
		AutoterminationMinutes: c.AutoterminationMinutes, CustomTags: c.CustomTags, SparkConf: c.SparkConf,
		SparkEnvVars: c.SparkEnvVars, DataSecurityMode: c.DataSecurityMode, SingleUserName: c.SingleUserName,
		PolicyId: c.PolicyId, RuntimeEngine: c.RuntimeEngine, ForceSendFields: c.ForceSendFields,
	}
}

// fromAPI copies what the API reports into m. Maps the API leaves out keep
// an empty configured value, so `custom_tags = {}` never reads as drift.
func (m *clusterModel) fromAPI(ctx context.Context, c *compute.ClusterDetails) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID, m.ClusterID = types.StringValue(c.ClusterId), types.StringValue(c.ClusterId)
	m.ClusterName = optionalString(m.ClusterName, c.ClusterName)
	m.SparkVersion = types.StringValue(c.SparkVersion)
	m.NodeTypeID = types.StringValue(c.NodeTypeId)
	m.DriverNodeTypeID = types.StringValue(c.DriverNodeTypeId)
	if c.Autoscale != nil {
		m.Autoscale = &autoscaleModel{MinWorkers: types.Int64Value(int64(c.Autoscale.MinWorkers)), MaxWorkers: types.Int64Value(int64(c.Autoscale.MaxWorkers))}
		m.NumWorkers = types.Int64Null()
	} else {
		m.Autoscale = nil
		m.NumWorkers = types.Int64Value(int64(c.NumWorkers))
	}
	m.AutoterminationMinutes = types.Int64Value(int64(c.AutoterminationMinutes))
	m.CustomTags = stringMapFromAPI(ctx, m.CustomTags, c.CustomTags, &diags)
	m.SparkConf = stringMapFromAPI(ctx, m.SparkConf, c.SparkConf, &diags)
	m.SparkEnvVars = stringMapFromAPI(ctx, m.SparkEnvVars, c.SparkEnvVars, &diags)
	m.DataSecurityMode = optionalString(m.DataSecurityMode, string(c.DataSecurityMode))
	m.SingleUserName = optionalString(m.SingleUserName, c.SingleUserName)
	m.PolicyID = optionalString(m.PolicyID, c.PolicyId)
	m.RuntimeEngine = optionalString(m.RuntimeEngine, string(c.RuntimeEngine))
	defaults, d := types.MapValueFrom(ctx, types.StringType, c.DefaultTags)
	diags.Append(d...)
	m.DefaultTags = defaults
	m.State = types.StringValue(string(c.State))
	return diags
}

// createCluster posts clusters/create with an idempotency token. The SDK's
// CreateCluster has no field for it, so the request goes through the SDK's
// API client with the token added to the same JSON body.
func createCluster(ctx context.Context, w *databricks.WorkspaceClient, spec compute.CreateCluster, token string) (string, error) {
	raw, err := json.Marshal(spec)
	if err != nil {
		return "", err
	}
	body := map[string]any{}
	if err := json.Unmarshal(raw, &body); err != nil {
		return "", err
	}
	body["idempotency_token"] = token
	api, err := dbclient.New(w.Config)
	if err != nil {
		return "", err
	}
	var out compute.CreateClusterResponse
	if err := api.Do(ctx, "POST", "/api/2.1/clusters/create", nil, nil, body, &out); err != nil {
		return "", err
	}
	return out.ClusterId, nil
}

// idempotencyToken is the configured token or, when none is set, a fresh
// one: either way a create the SDK retries after a lost answer cannot make
// a second cluster.
func idempotencyToken(configured types.String) string {
	if v := configured.ValueString(); v != "" {
		return v
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "brickops-" + hex.EncodeToString(b)
}

// waitClusterRunning polls until the cluster is RUNNING, failing fast when
// it lands in TERMINATED or ERROR (with the reason Databricks gives).
func waitClusterRunning(ctx context.Context, w *databricks.WorkspaceClient, id string, timeout time.Duration) (*compute.ClusterDetails, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return pollCluster(ctx, w, id, func(c *compute.ClusterDetails) (bool, error) {
		switch c.State {
		case compute.StateRunning:
			return true, nil
		case compute.StateTerminated, compute.StateError, compute.StateTerminating:
			reason := c.StateMessage
			if c.TerminationReason != nil {
				reason = fmt.Sprintf("%s (%s)", reason, c.TerminationReason.Code)
			}
			return false, fmt.Errorf("cluster is %s: %s", c.State, reason)
		}
		return false, nil
	})
}

// waitClusterSettled waits until the cluster is RUNNING or TERMINATED.
func waitClusterSettled(ctx context.Context, w *databricks.WorkspaceClient, id string) (*compute.ClusterDetails, error) {
	return pollCluster(ctx, w, id, func(c *compute.ClusterDetails) (bool, error) {
		if c.State == compute.StateError {
			return false, fmt.Errorf("cluster is in ERROR: %s", c.StateMessage)
		}
		return c.State == compute.StateRunning || c.State == compute.StateTerminated, nil
	})
}

func pollCluster(ctx context.Context, w *databricks.WorkspaceClient, id string, done func(*compute.ClusterDetails) (bool, error)) (*compute.ClusterDetails, error) {
	return poll(ctx, func() (*compute.ClusterDetails, bool, error) {
		c, err := w.Clusters.GetByClusterId(ctx, id)
		if err != nil {
			return nil, false, err
		}
		tflog.Debug(ctx, "waiting for cluster", map[string]any{"cluster_id": id, "state": string(c.State), "message": c.StateMessage})
		ok, err := done(c)
		return c, ok, err
	})
}

func dataSecurityModes() []string {
	var mode compute.DataSecurityMode
	return enumValues(mode.Values())
}

// numWorkersPlan plans num_workers as 0 when neither it nor autoscale is
// configured, and as null while autoscale is set (the API then reports the
// current size, which is not configuration).
type numWorkersPlan struct{}

func (numWorkersPlan) Description(context.Context) string {
	return "Defaults to 0 without autoscale; null with autoscale."
}
func (m numWorkersPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }
func (numWorkersPlan) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var autoscale types.Object
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("autoscale"), &autoscale)...)
	switch {
	case autoscale.IsUnknown():
		resp.PlanValue = types.Int64Unknown()
	case autoscale.IsNull():
		resp.PlanValue = types.Int64Value(0)
	default:
		resp.PlanValue = types.Int64Null()
	}
}

// singleUserValidator catches at plan time what the API would refuse at apply.
type singleUserValidator struct{}

func (singleUserValidator) Description(context.Context) string {
	return "single_user_name is required when data_security_mode is SINGLE_USER"
}
func (v singleUserValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (singleUserValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var mode, user types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("data_security_mode"), &mode)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("single_user_name"), &user)...)
	if mode.ValueString() == "SINGLE_USER" && user.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("single_user_name"), "Missing single_user_name",
			"A cluster with data_security_mode = \"SINGLE_USER\" needs single_user_name: the user or service principal allowed to use it.")
	}
}

// defaultTagsFollowName plans default_tags on an update instead of leaving
// them "(known after apply)": Databricks sets them from the cluster itself,
// and of what an edit can change only the name shows in them (ClusterName).
type defaultTagsFollowName struct{}

func (defaultTagsFollowName) Description(context.Context) string {
	return "Keeps the default tags on update, with ClusterName following cluster_name."
}

func (m defaultTagsFollowName) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (defaultTagsFollowName) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.StateValue.IsNull() || req.StateValue.IsUnknown() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("cluster_name"), &name)...)
	if resp.Diagnostics.HasError() || name.IsUnknown() {
		return
	}
	tags := map[string]attr.Value{}
	for k, v := range req.StateValue.Elements() {
		tags[k] = v
	}
	if _, ok := tags["ClusterName"]; ok {
		tags["ClusterName"] = name
	}
	planned, diags := types.MapValue(types.StringType, tags)
	resp.Diagnostics.Append(diags...)
	resp.PlanValue = planned
}
