package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const defaultServingTimeout = 45 * time.Minute

var (
	_ resource.ResourceWithConfigure      = (*servingEndpointResource)(nil)
	_ resource.ResourceWithImportState    = (*servingEndpointResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*servingEndpointResource)(nil)
	_ resource.ResourceWithValidateConfig = (*servingEndpointResource)(nil)
)

func newServingEndpointResource() resource.Resource { return &servingEndpointResource{} }

// servingEndpointResource is a model serving endpoint serving Unity Catalog
// model versions. Its config (served entities, traffic, inference table) and
// its tags are separate API calls: a tag change never redeploys a model.
type servingEndpointResource struct{ data *providerData }

type servingEndpointModel struct {
	ID                 types.String            `tfsdk:"id"`
	Name               types.String            `tfsdk:"name"`
	Description        types.String            `tfsdk:"description"`
	ServedEntities     []servedEntityModel     `tfsdk:"served_entities"`
	TrafficConfig      types.Object            `tfsdk:"traffic_config"`
	AutoCaptureConfig  *autoCaptureConfigModel `tfsdk:"auto_capture_config"`
	AIGateway          *aiGatewayModel         `tfsdk:"ai_gateway"`
	Tags               types.Map               `tfsdk:"tags"`
	EndpointID         types.String            `tfsdk:"endpoint_id"`
	ConfigVersion      types.Int64             `tfsdk:"config_version"`
	InferenceTableName types.String            `tfsdk:"inference_table_name"`
	Timeouts           timeouts.Value          `tfsdk:"timeouts"`
}

type servedEntityModel struct {
	Name               types.String `tfsdk:"name"`
	EntityName         types.String `tfsdk:"entity_name"`
	EntityVersion      types.String `tfsdk:"entity_version"`
	WorkloadSize       types.String `tfsdk:"workload_size"`
	WorkloadType       types.String `tfsdk:"workload_type"`
	ScaleToZeroEnabled types.Bool   `tfsdk:"scale_to_zero_enabled"`
	EnvironmentVars    types.Map    `tfsdk:"environment_vars"`
}

type trafficConfigModel struct {
	Routes []routeModel `tfsdk:"routes"`
}

type routeModel struct {
	ServedEntityName  types.String `tfsdk:"served_entity_name"`
	TrafficPercentage types.Int64  `tfsdk:"traffic_percentage"`
}

type autoCaptureConfigModel struct {
	CatalogName     types.String `tfsdk:"catalog_name"`
	SchemaName      types.String `tfsdk:"schema_name"`
	TableNamePrefix types.String `tfsdk:"table_name_prefix"`
	Enabled         types.Bool   `tfsdk:"enabled"`
}

var (
	routeType         = types.ObjectType{AttrTypes: map[string]attr.Type{"served_entity_name": types.StringType, "traffic_percentage": types.Int64Type}}
	trafficConfigType = map[string]attr.Type{"routes": types.ListType{ElemType: routeType}}
)

func (r *servingEndpointResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_serving_endpoint"
}

func (r *servingEndpointResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A model serving endpoint serving Unity Catalog model versions. Apply waits until the endpoint " +
			"is `READY` and its config `NOT_UPDATING`. Served entities, traffic and the inference table change in place " +
			"(a new config deployment); tags change in place without a deployment. A deployment that fails reports the " +
			"endpoint's own message and leaves the endpoint serving its previous config.\n\n" +
			"**Canary / A-B**: serve two entities and split `traffic_config.routes` (e.g. 90/10), then move to 0/100 " +
			"and drop the old entity. **Shadow**: serve the candidate with 0% traffic and compare its offline scores on " +
			"the inference table. **Blue/green**: keep two endpoints (or two entities) and switch the route in one apply.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The endpoint name."),
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Endpoint name: letters, digits, `-` and `_`, at most 63 characters. Changing it replaces the endpoint.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{servingNameValidator()},
			},
			"description": forceNewString("Description of the endpoint. Changing it replaces the endpoint.", false),
			"served_entities": schema.ListNestedAttribute{
				Required: true, MarkdownDescription: "The model versions served.",
				Validators: []validator.List{listvalidator.SizeBetween(1, 15)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required: true, MarkdownDescription: "Name of the served entity, unique within the endpoint; routes refer to it.",
						Validators: []validator.String{servingNameValidator()},
					},
					"entity_name": schema.StringAttribute{
						Required: true, MarkdownDescription: "Unity Catalog model, `<catalog>.<schema>.<model>`.",
						Validators: []validator.String{stringvalidator.RegexMatches(threePartName, "must be <catalog>.<schema>.<model>")},
					},
					"entity_version": schema.StringAttribute{Required: true, MarkdownDescription: "Model version served, e.g. `\"3\"`. It must be `READY`."},
					"workload_size": schema.StringAttribute{
						Required: true, MarkdownDescription: "`Small` (4 concurrent requests), `Medium` (8-16) or `Large` (16-64).",
						Validators: []validator.String{stringvalidator.OneOf("Small", "Medium", "Large")},
					},
					"workload_type": schema.StringAttribute{
						Optional: true, Computed: true, Default: stringdefault.StaticString("CPU"),
						MarkdownDescription: "Compute type: `CPU` (default), `GPU_SMALL`, `GPU_MEDIUM`, `GPU_LARGE`, `MULTIGPU_MEDIUM`.",
						Validators:          []validator.String{stringvalidator.OneOf(workloadTypes()...)},
					},
					"scale_to_zero_enabled": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						MarkdownDescription: "Scale to zero replicas when idle. Default false.",
					},
					"environment_vars": schema.MapAttribute{
						ElementType: types.StringType, Optional: true,
						MarkdownDescription: "Environment variables of the serving container; values may reference secrets as `{{secrets/scope/key}}`.",
					},
				}},
			},
			"traffic_config": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "How requests are split between served entities. Required with more than one served entity; " +
					"with one it defaults to 100% to it. Percentages must sum to 100.",
				Attributes: map[string]schema.Attribute{
					"routes": schema.ListNestedAttribute{
						Required: true, MarkdownDescription: "One route per served entity.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"served_entity_name": schema.StringAttribute{Required: true, MarkdownDescription: "Name of a served entity."},
							"traffic_percentage": schema.Int64Attribute{
								Required: true, MarkdownDescription: "Share of requests, 0 to 100.",
								Validators: []validator.Int64{int64validator.Between(0, 100)},
							},
						}},
					},
				},
			},
			"ai_gateway": aiGatewayAttribute(),
			"auto_capture_config": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Inference table: requests and responses are logged to `<catalog>.<schema>.<table_name_prefix>_payload`, " +
					"which a `brickops_quality_monitor` can watch. Its location cannot change while it is enabled.",
				Attributes: map[string]schema.Attribute{
					"catalog_name": schema.StringAttribute{Required: true, MarkdownDescription: "Catalog of the inference table."},
					"schema_name":  schema.StringAttribute{Required: true, MarkdownDescription: "Schema of the inference table."},
					"table_name_prefix": schema.StringAttribute{
						Optional: true, Computed: true, MarkdownDescription: "Prefix of the table name; defaults to the endpoint name.",
					},
					"enabled": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(true),
						MarkdownDescription: "Whether requests are logged. Default true.",
					},
				},
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Tags, propagated to billing logs. Changing them never redeploys the endpoint.",
			},
			"endpoint_id":    computedString("System-generated id of the endpoint (used by the permissions API)."),
			"config_version": schema.Int64Attribute{Computed: true, MarkdownDescription: "Version of the active config; increases with every config deployment."},
			"inference_table_name": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Full name of the inference table when `auto_capture_config` is enabled.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func workloadTypes() []string {
	var t serving.ServingModelWorkloadType
	return enumValues(t.Values())
}

func servingNameValidator() validator.String {
	return stringvalidator.All(stringvalidator.LengthBetween(1, 63),
		stringvalidator.RegexMatches(servingName, "may only contain letters, digits, '-' and '_'"))
}

func (r *servingEndpointResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig catches at plan time what the deployment would refuse:
// duplicate entity names, routes to unknown entities, percentages that do
// not sum to 100, and several entities without a traffic split.
func (r *servingEndpointResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Lists built by for-expressions are unknown while Terraform validates
	// a module (each.key is not known yet): nothing to check then, and the
	// model's Go slices cannot hold an unknown list.
	for _, p := range []path.Path{path.Root("served_entities"), path.Root("traffic_config").AtName("routes")} {
		var l types.List
		if diags := req.Config.GetAttribute(ctx, p, &l); diags.HasError() || l.IsUnknown() {
			return
		}
	}
	var m servingEndpointModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	names := map[string]bool{}
	for i, se := range m.ServedEntities {
		if se.Name.IsUnknown() {
			return
		}
		if names[se.Name.ValueString()] {
			resp.Diagnostics.AddAttributeError(path.Root("served_entities").AtListIndex(i).AtName("name"), "Duplicate served entity name",
				fmt.Sprintf("Served entity name %q is used more than once; names must be unique within an endpoint.", se.Name.ValueString()))
		}
		names[se.Name.ValueString()] = true
	}
	if m.TrafficConfig.IsUnknown() {
		return
	}
	if m.TrafficConfig.IsNull() {
		if len(m.ServedEntities) > 1 {
			resp.Diagnostics.AddAttributeError(path.Root("traffic_config"), "Missing traffic_config",
				"An endpoint serving more than one entity needs traffic_config.routes saying how to split requests (e.g. 90/10 for a canary).")
		}
		return
	}
	var tc trafficConfigModel
	resp.Diagnostics.Append(m.TrafficConfig.As(ctx, &tc, objectAsOptions)...)
	total := int64(0)
	for i, rt := range tc.Routes {
		if rt.ServedEntityName.IsUnknown() || rt.TrafficPercentage.IsUnknown() {
			return
		}
		if !names[rt.ServedEntityName.ValueString()] {
			resp.Diagnostics.AddAttributeError(path.Root("traffic_config").AtName("routes").AtListIndex(i).AtName("served_entity_name"), "Unknown served entity",
				fmt.Sprintf("Route to %q, which is not one of served_entities (%s).", rt.ServedEntityName.ValueString(), strings.Join(slices.Sorted(maps.Keys(names)), ", ")))
		}
		total += rt.TrafficPercentage.ValueInt64()
	}
	if total != 100 {
		resp.Diagnostics.AddAttributeError(path.Root("traffic_config").AtName("routes"), "Traffic does not sum to 100",
			fmt.Sprintf("The traffic_percentage of the routes must sum to 100, got %d.", total))
	}
}

// ModifyPlan fills the API's defaults into the plan (traffic to a single
// entity, the inference table prefix) and keeps config_version and
// inference_table_name known when the config does not change, so a tag
// change plans no deployment.
func (r *servingEndpointResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var entities types.List
	if diags := req.Plan.GetAttribute(ctx, path.Root("served_entities"), &entities); diags.HasError() || entities.IsUnknown() {
		return // decided at apply time; see ValidateConfig
	}
	var plan servingEndpointModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.TrafficConfig.IsUnknown() && len(plan.ServedEntities) == 1 && !plan.ServedEntities[0].Name.IsUnknown() {
		plan.TrafficConfig = trafficObject(ctx, []routeModel{{ServedEntityName: plan.ServedEntities[0].Name, TrafficPercentage: types.Int64Value(100)}}, &resp.Diagnostics)
	}
	if ac := plan.AutoCaptureConfig; ac != nil && ac.TableNamePrefix.IsUnknown() && !plan.Name.IsUnknown() {
		ac.TableNamePrefix = plan.Name
	}
	plan.InferenceTableName = plannedInferenceTable(plan.AutoCaptureConfig)
	if !req.State.Raw.IsNull() {
		var state servingEndpointModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !configChanged(plan, state) {
			plan.ConfigVersion = state.ConfigVersion
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

func plannedInferenceTable(ac *autoCaptureConfigModel) types.String {
	if ac == nil || (!ac.Enabled.IsUnknown() && !ac.Enabled.ValueBool()) {
		return types.StringNull()
	}
	for _, v := range []types.String{ac.CatalogName, ac.SchemaName, ac.TableNamePrefix} {
		if v.IsUnknown() {
			return types.StringUnknown()
		}
	}
	if ac.Enabled.IsUnknown() {
		return types.StringUnknown()
	}
	return types.StringValue(strings.ToLower(fmt.Sprintf("%s.%s.%s_payload", ac.CatalogName.ValueString(), ac.SchemaName.ValueString(), ac.TableNamePrefix.ValueString())))
}

// configChanged reports whether the planned config differs from state: only
// then is a deployment (PUT .../config) needed.
func configChanged(plan, state servingEndpointModel) bool {
	if len(plan.ServedEntities) != len(state.ServedEntities) || !plan.TrafficConfig.Equal(state.TrafficConfig) {
		return true
	}
	for i := range plan.ServedEntities {
		p, s := plan.ServedEntities[i], state.ServedEntities[i]
		if !p.Name.Equal(s.Name) || !p.EntityName.Equal(s.EntityName) || !p.EntityVersion.Equal(s.EntityVersion) ||
			!p.WorkloadSize.Equal(s.WorkloadSize) || !p.WorkloadType.Equal(s.WorkloadType) ||
			!p.ScaleToZeroEnabled.Equal(s.ScaleToZeroEnabled) || !p.EnvironmentVars.Equal(s.EnvironmentVars) {
			return true
		}
	}
	pa, sa := plan.AutoCaptureConfig, state.AutoCaptureConfig
	if (pa == nil) != (sa == nil) {
		return true
	}
	return pa != nil && (!pa.CatalogName.Equal(sa.CatalogName) || !pa.SchemaName.Equal(sa.SchemaName) ||
		!pa.TableNamePrefix.Equal(sa.TableNamePrefix) || !pa.Enabled.Equal(sa.Enabled))
}

func (r *servingEndpointResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan servingEndpointModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultServingTimeout)
	resp.Diagnostics.Append(diags...)
	config := plan.coreConfig(ctx, &resp.Diagnostics)
	tags := endpointTags(ctx, plan.Tags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	if err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "serving endpoint", typeName: "brickops_serving_endpoint", importID: name,
		create: func(ctx context.Context) error {
			_, err := w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{
				Name: name, Description: plan.Description.ValueString(), Config: &config, Tags: tags, AiGateway: plan.AIGateway.config(),
			})
			return err
		},
		existing: func(ctx context.Context) (origin, error) {
			e, err := w.ServingEndpoints.Get(ctx, serving.GetServingEndpointRequest{Name: name})
			if err != nil {
				return origin{}, err
			}
			return origin{createdBy: e.Creator, createdAt: millis(e.CreationTimestamp),
				differs: differs([3]string{"description", plan.Description.ValueString(), e.Description})}, nil
		},
	}); err != nil {
		resp.Diagnostics.AddError("Creating serving endpoint failed", fmt.Sprintf("Creating serving endpoint %q: %v", name, err))
		return
	}
	tflog.Info(ctx, "serving endpoint created; waiting for its first deployment", map[string]any{"endpoint": name})
	// Track the endpoint before waiting: a failure or timeout leaves it in
	// state (tainted), never orphaned.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	e, err := waitEndpointDeployed(ctx, w, name, timeout)
	if e != nil {
		plan.fromAPI(ctx, e, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	}
	if err != nil {
		resp.Diagnostics.AddError("Serving endpoint deployment failed", fmt.Sprintf("Serving endpoint %q was created but its config did not deploy: %v", name, err))
	}
}

func (r *servingEndpointResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state servingEndpointModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	e, err := refreshServingEndpoints.read(ctx, r.data, state.ID.ValueString(), w.ServingEndpoints.GetByName)
	if readFailed(ctx, resp, err, "serving endpoint", fmt.Sprintf("serving endpoint %q", state.ID.ValueString())) {
		return
	}
	state.fromAPI(ctx, e, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes tags (PATCH .../tags) and, only when it changed, the
// config (PUT .../config, then wait for the deployment).
func (r *servingEndpointResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state servingEndpointModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultServingTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.ID.ValueString()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if !plan.Tags.Equal(state.Tags) {
		patch := tagPatch(ctx, name, state.Tags, plan.Tags, &resp.Diagnostics)
		if _, err := w.ServingEndpoints.Patch(ctx, patch); err != nil {
			resp.Diagnostics.AddError("Updating serving endpoint tags failed", fmt.Sprintf("Updating the tags of serving endpoint %q: %v", name, err))
			return
		}
		tflog.Info(ctx, "serving endpoint tags updated (no redeployment)", map[string]any{"endpoint": name})
	}
	if aiGatewayChanged(plan.AIGateway, state.AIGateway) {
		if _, err := w.ServingEndpoints.PutAiGateway(ctx, plan.AIGateway.request(name)); err != nil {
			resp.Diagnostics.AddError("Updating serving endpoint AI gateway failed", fmt.Sprintf("Updating the AI gateway of serving endpoint %q: %v", name, err))
			return
		}
		tflog.Info(ctx, "serving endpoint AI gateway updated (no redeployment)", map[string]any{"endpoint": name})
	}
	var (
		e   *serving.ServingEndpointDetailed
		err error
	)
	if configChanged(plan, state) {
		config := plan.coreConfig(ctx, &resp.Diagnostics)
		config.Name = name
		if resp.Diagnostics.HasError() {
			return
		}
		// Only one config update may be in progress: let another finish.
		if _, err = waitEndpointSettled(ctx, w, name); err == nil {
			tflog.Info(ctx, "updating serving endpoint config", map[string]any{"endpoint": name})
			if _, err = w.ServingEndpoints.UpdateConfig(ctx, config); err == nil {
				e, err = waitEndpointDeployed(ctx, w, name, timeout)
			}
		}
	} else {
		e, err = w.ServingEndpoints.GetByName(ctx, name)
	}
	if err != nil {
		resp.Diagnostics.AddError("Updating serving endpoint failed", fmt.Sprintf("Serving endpoint %q: %v", name, err))
		// Record what the endpoint actually serves, so the next plan shows
		// the change again instead of pretending it was made.
		if current, getErr := w.ServingEndpoints.GetByName(context.WithoutCancel(ctx), name); getErr == nil {
			state.Tags, state.AIGateway = plan.Tags, plan.AIGateway
			state.fromAPI(ctx, current, &resp.Diagnostics)
			resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		}
		return
	}
	plan.fromAPI(ctx, e, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *servingEndpointResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state servingEndpointModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := w.ServingEndpoints.DeleteByName(ctx, state.ID.ValueString()); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting serving endpoint failed", fmt.Sprintf("Deleting serving endpoint %q: %v", state.ID.ValueString(), err))
	}
}

func (r *servingEndpointResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// --- waiting ---

// waitEndpointDeployed polls until the config update finishes: READY and
// NOT_UPDATING, or an error carrying the endpoint's own failure messages.
// The endpoint as last read is returned either way.
func waitEndpointDeployed(ctx context.Context, w *databricks.WorkspaceClient, name string, timeout time.Duration) (*serving.ServingEndpointDetailed, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	e, err := waitEndpointSettled(ctx, w, name)
	if err != nil {
		return e, err
	}
	switch e.State.ConfigUpdate {
	case serving.EndpointStateConfigUpdateUpdateFailed, serving.EndpointStateConfigUpdateUpdateCanceled:
		return e, fmt.Errorf("config update %s: %s", e.State.ConfigUpdate, deploymentFailures(e))
	}
	if e.State.Ready != serving.EndpointStateReadyReady {
		return poll(ctx, func() (*serving.ServingEndpointDetailed, bool, error) {
			e, err := w.ServingEndpoints.GetByName(ctx, name)
			return e, err == nil && e.State.Ready == serving.EndpointStateReadyReady, err
		})
	}
	return e, nil
}

// waitEndpointSettled polls until no config update is in progress,
// logging each served entity's deployment state as it goes.
func waitEndpointSettled(ctx context.Context, w *databricks.WorkspaceClient, name string) (*serving.ServingEndpointDetailed, error) {
	return poll(ctx, func() (*serving.ServingEndpointDetailed, bool, error) {
		e, err := w.ServingEndpoints.GetByName(ctx, name)
		if err != nil {
			return nil, false, err
		}
		fields := map[string]any{"endpoint": name, "ready": string(e.State.Ready), "config_update": string(e.State.ConfigUpdate)}
		if p := e.PendingConfig; p != nil {
			for _, se := range p.ServedEntities {
				if se.State != nil {
					fields["served_entity."+se.Name] = fmt.Sprintf("%s: %s", se.State.Deployment, se.State.DeploymentStateMessage)
				}
			}
		}
		tflog.Info(ctx, "waiting for serving endpoint deployment", fields)
		return e, e.State.ConfigUpdate != serving.EndpointStateConfigUpdateInProgress, nil
	})
}

// deploymentFailures collects the failed entities' messages.
func deploymentFailures(e *serving.ServingEndpointDetailed) string {
	var msgs []string
	if p := e.PendingConfig; p != nil {
		for _, se := range p.ServedEntities {
			if se.State != nil && se.State.Deployment == serving.ServedModelStateDeploymentDeploymentFailed {
				msgs = append(msgs, se.State.DeploymentStateMessage)
			}
		}
	}
	if len(msgs) == 0 {
		return "the endpoint gave no reason; see its events in the Serving UI"
	}
	return strings.Join(msgs, "; ")
}

// --- model ↔ API ---

func (m servingEndpointModel) coreConfig(ctx context.Context, diags *diag.Diagnostics) serving.EndpointCoreConfigInput {
	var c serving.EndpointCoreConfigInput
	for _, se := range m.ServedEntities {
		c.ServedEntities = append(c.ServedEntities, serving.ServedEntityInput{
			Name: se.Name.ValueString(), EntityName: se.EntityName.ValueString(), EntityVersion: se.EntityVersion.ValueString(),
			WorkloadSize: se.WorkloadSize.ValueString(), WorkloadType: serving.ServingModelWorkloadType(se.WorkloadType.ValueString()),
			ScaleToZeroEnabled: se.ScaleToZeroEnabled.ValueBool(), EnvironmentVars: stringMapOf(ctx, se.EnvironmentVars, diags),
			ForceSendFields: []string{"ScaleToZeroEnabled"},
		})
	}
	if !m.TrafficConfig.IsNull() && !m.TrafficConfig.IsUnknown() {
		var tc trafficConfigModel
		diags.Append(m.TrafficConfig.As(ctx, &tc, objectAsOptions)...)
		c.TrafficConfig = &serving.TrafficConfig{}
		for _, rt := range tc.Routes {
			c.TrafficConfig.Routes = append(c.TrafficConfig.Routes, serving.Route{ServedEntityName: rt.ServedEntityName.ValueString(), TrafficPercentage: int(rt.TrafficPercentage.ValueInt64())})
		}
	}
	if ac := m.AutoCaptureConfig; ac != nil {
		c.AutoCaptureConfig = &serving.AutoCaptureConfigInput{
			CatalogName: ac.CatalogName.ValueString(), SchemaName: ac.SchemaName.ValueString(),
			TableNamePrefix: ac.TableNamePrefix.ValueString(), Enabled: ac.Enabled.ValueBool(), ForceSendFields: []string{"Enabled"},
		}
	}
	return c
}

func endpointTags(ctx context.Context, m types.Map, diags *diag.Diagnostics) []serving.EndpointTag {
	tags := stringMapOf(ctx, m, diags)
	var out []serving.EndpointTag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, serving.EndpointTag{Key: k, Value: tags[k]})
	}
	return out
}

// tagPatch adds changed and new tags and deletes removed ones.
func tagPatch(ctx context.Context, name string, from, to types.Map, diags *diag.Diagnostics) serving.PatchServingEndpointTags {
	old, updated := stringMapOf(ctx, from, diags), stringMapOf(ctx, to, diags)
	patch := serving.PatchServingEndpointTags{Name: name}
	for _, k := range slices.Sorted(maps.Keys(updated)) {
		if v, ok := old[k]; !ok || v != updated[k] {
			patch.AddTags = append(patch.AddTags, serving.EndpointTag{Key: k, Value: updated[k]})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(old)) {
		if _, ok := updated[k]; !ok {
			patch.DeleteTags = append(patch.DeleteTags, k)
		}
	}
	return patch
}

func trafficObject(ctx context.Context, routes []routeModel, diags *diag.Diagnostics) types.Object {
	v, d := types.ObjectValueFrom(ctx, trafficConfigType, trafficConfigModel{Routes: routes})
	diags.Append(d...)
	return v
}

// fromAPI copies the endpoint into m. The active config is what the
// endpoint serves; before its first successful deployment, the pending one
// is what was asked for.
func (m *servingEndpointModel) fromAPI(ctx context.Context, e *serving.ServingEndpointDetailed, diags *diag.Diagnostics) {
	m.ID, m.Name, m.EndpointID = types.StringValue(e.Name), types.StringValue(e.Name), types.StringValue(e.Id)
	m.Description = optionalString(m.Description, e.Description)
	tags := map[string]string{}
	for _, t := range e.Tags {
		tags[t.Key] = t.Value
	}
	m.Tags = stringMapFromAPI(ctx, m.Tags, tags, diags)

	var (
		entities []serving.ServedEntityOutput
		traffic  *serving.TrafficConfig
		capture  *serving.AutoCaptureConfigOutput
	)
	switch {
	case e.Config != nil:
		entities, traffic, capture = e.Config.ServedEntities, e.Config.TrafficConfig, e.Config.AutoCaptureConfig
		m.ConfigVersion = types.Int64Value(e.Config.ConfigVersion)
	case e.PendingConfig != nil:
		entities, traffic, capture = e.PendingConfig.ServedEntities, e.PendingConfig.TrafficConfig, e.PendingConfig.AutoCaptureConfig
		m.ConfigVersion = types.Int64Value(0)
	default:
		m.ConfigVersion = types.Int64Value(0)
	}

	prior := priorByKey(m.ServedEntities, func(s servedEntityModel) string { return s.Name.ValueString() })
	entities = orderLike(entities, func(s serving.ServedEntityOutput) string { return s.Name }, m.ServedEntities, func(s servedEntityModel) string { return s.Name.ValueString() })
	var served []servedEntityModel
	for _, se := range entities {
		p, ok := prior[se.Name]
		if !ok {
			p.EnvironmentVars = types.MapNull(types.StringType)
		}
		served = append(served, servedEntityModel{
			Name: types.StringValue(se.Name), EntityName: types.StringValue(se.EntityName), EntityVersion: types.StringValue(se.EntityVersion),
			WorkloadSize: types.StringValue(se.WorkloadSize), WorkloadType: types.StringValue(string(se.WorkloadType)),
			ScaleToZeroEnabled: types.BoolValue(se.ScaleToZeroEnabled), EnvironmentVars: stringMapFromAPI(ctx, p.EnvironmentVars, se.EnvironmentVars, diags),
		})
	}
	m.ServedEntities = served

	var priorRoutes []routeModel
	if !m.TrafficConfig.IsNull() && !m.TrafficConfig.IsUnknown() {
		var tc trafficConfigModel
		diags.Append(m.TrafficConfig.As(ctx, &tc, objectAsOptions)...)
		priorRoutes = tc.Routes
	}
	if traffic == nil {
		m.TrafficConfig = types.ObjectNull(trafficConfigType)
	} else {
		apiRoutes := orderLike(traffic.Routes, func(r serving.Route) string { return r.ServedEntityName }, priorRoutes, func(r routeModel) string { return r.ServedEntityName.ValueString() })
		routes := make([]routeModel, 0, len(apiRoutes))
		for _, rt := range apiRoutes {
			routes = append(routes, routeModel{ServedEntityName: types.StringValue(rt.ServedEntityName), TrafficPercentage: types.Int64Value(int64(rt.TrafficPercentage))})
		}
		m.TrafficConfig = trafficObject(ctx, routes, diags)
	}

	m.AIGateway = aiGatewayFromAPI(m.AIGateway, e.AiGateway)
	m.InferenceTableName = types.StringNull()
	switch {
	case capture == nil || (!capture.Enabled && m.AutoCaptureConfig == nil):
		m.AutoCaptureConfig = nil
	default:
		m.AutoCaptureConfig = &autoCaptureConfigModel{
			CatalogName: types.StringValue(capture.CatalogName), SchemaName: types.StringValue(capture.SchemaName),
			TableNamePrefix: types.StringValue(capture.TableNamePrefix), Enabled: types.BoolValue(capture.Enabled),
		}
		m.InferenceTableName = plannedInferenceTable(m.AutoCaptureConfig)
	}
}

var (
	// servingName is what the serving API accepts as an endpoint or served
	// entity name.
	servingName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	// threePartName is a Unity Catalog <catalog>.<schema>.<name>.
	threePartName = regexp.MustCompile(`^[^.\s]+\.[^.\s]+\.[^.\s]+$`)
	// objectAsOptions reads an object attribute into a struct.
	objectAsOptions = basetypes.ObjectAsOptions{}
)
