package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*instancePoolResource)(nil)
	_ resource.ResourceWithImportState = (*instancePoolResource)(nil)
)

func newInstancePoolResource() resource.Resource { return &instancePoolResource{} }

type instancePoolResource struct{ data *providerData }

// instancePoolModel mirrors databricks_instance_pool (Azure arguments);
// API fields: databricks-sdk-go service/compute CreateInstancePool,
// EditInstancePool, GetInstancePool, InstancePoolAzureAttributes.
type instancePoolModel struct {
	ID                                 types.String        `tfsdk:"id"`
	InstancePoolID                     types.String        `tfsdk:"instance_pool_id"`
	InstancePoolName                   types.String        `tfsdk:"instance_pool_name"`
	NodeTypeID                         types.String        `tfsdk:"node_type_id"`
	MinIdleInstances                   types.Int64         `tfsdk:"min_idle_instances"`
	MaxCapacity                        types.Int64         `tfsdk:"max_capacity"`
	IdleInstanceAutoterminationMinutes types.Int64         `tfsdk:"idle_instance_autotermination_minutes"`
	CustomTags                         types.Map           `tfsdk:"custom_tags"`
	EnableElasticDisk                  types.Bool          `tfsdk:"enable_elastic_disk"`
	PreloadedSparkVersions             types.List          `tfsdk:"preloaded_spark_versions"`
	AzureAttributes                    []poolAzureSettings `tfsdk:"azure_attributes"`
}

type poolAzureSettings struct {
	Availability    types.String  `tfsdk:"availability"`
	SpotBidMaxPrice types.Float64 `tfsdk:"spot_bid_max_price"`
}

func (r *instancePoolResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_pool"
}

func (r *instancePoolResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An instance pool: idle, ready VMs that clusters (and job clusters) start on in seconds. " +
			"Name, sizes, idle timeout and tags change in place; the node type, disks, preloaded runtimes and Azure " +
			"attributes replace the pool. Same arguments and import id as `databricks_instance_pool`.",
		Attributes: map[string]schema.Attribute{
			"id":                 computedString("The instance pool id."),
			"instance_pool_id":   computedString("The instance pool id."),
			"instance_pool_name": schema.StringAttribute{Required: true, MarkdownDescription: "Name (at most 100 characters).", Validators: []validator.String{stringvalidator.LengthBetween(1, 100)}},
			"node_type_id":       forceNewString("Azure VM size of the pool's instances. Changing it replaces the pool.", true),
			"min_idle_instances": schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: "Idle instances kept ready (default 0).",
				Validators: []validator.Int64{int64validator.AtLeast(0)}, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"max_capacity": schema.Int64Attribute{Optional: true, MarkdownDescription: "Most instances, idle and used, the pool holds.",
				Validators: []validator.Int64{int64validator.AtLeast(0)}},
			"idle_instance_autotermination_minutes": schema.Int64Attribute{Required: true,
				MarkdownDescription: "Minutes an instance above `min_idle_instances` may stay idle (0 to 10000).",
				Validators:          []validator.Int64{int64validator.Between(0, 10000)}},
			"custom_tags": schema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: "Tags on the pool's VMs; change in place."},
			"enable_elastic_disk": schema.BoolAttribute{Optional: true, Computed: true, MarkdownDescription: "Autoscale local storage. Changing it replaces the pool.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown(), boolplanmodifier.RequiresReplace()}},
			"preloaded_spark_versions": schema.ListAttribute{ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Runtimes preloaded on idle instances. Changing them replaces the pool.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()}},
		},
		Blocks: map[string]schema.Block{
			"azure_attributes": schema.ListNestedBlock{
				MarkdownDescription: "Azure placement. Changing it replaces the pool.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"availability": schema.StringAttribute{Optional: true, MarkdownDescription: "`ON_DEMAND_AZURE` or `SPOT_AZURE`.",
						Validators: []validator.String{stringvalidator.OneOf("ON_DEMAND_AZURE", "SPOT_AZURE")}},
					"spot_bid_max_price": schema.Float64Attribute{Optional: true, MarkdownDescription: "Highest spot price, or -1 for the on-demand price."},
				}},
			},
		},
	}
}

func (r *instancePoolResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *instancePoolResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[instancePoolModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	create := compute.CreateInstancePool{
		InstancePoolName: plan.InstancePoolName.ValueString(), NodeTypeId: plan.NodeTypeID.ValueString(),
		MinIdleInstances: int(plan.MinIdleInstances.ValueInt64()), MaxCapacity: int(plan.MaxCapacity.ValueInt64()),
		IdleInstanceAutoterminationMinutes: int(plan.IdleInstanceAutoterminationMinutes.ValueInt64()),
		CustomTags:                         stringMapOf(ctx, plan.CustomTags, &resp.Diagnostics),
		EnableElasticDisk:                  plan.EnableElasticDisk.ValueBool(),
		PreloadedSparkVersions:             stringsOf(ctx, plan.PreloadedSparkVersions, &resp.Diagnostics),
		ForceSendFields:                    []string{"IdleInstanceAutoterminationMinutes"},
	}
	for _, a := range plan.AzureAttributes {
		create.AzureAttributes = &compute.InstancePoolAzureAttributes{
			Availability: compute.InstancePoolAzureAttributesAvailability(a.Availability.ValueString()), SpotBidMaxPrice: a.SpotBidMaxPrice.ValueFloat64(),
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// instance-pools/create takes no idempotency key and pool names need
	// not be unique: after a lost answer the pool this create made is the
	// new one with its name that the service tagged with the caller as
	// DatabricksInstancePoolCreatorId.
	id, err := createOnceNew(ctx, "instance pool", create.InstancePoolName, func(ctx context.Context) ([]string, error) {
		me, err := r.data.principal(ctx, w)
		if err != nil {
			return nil, err
		}
		pools, err := w.InstancePools.ListAll(ctx)
		var ids []string
		for _, p := range pools {
			if p.InstancePoolName == create.InstancePoolName && p.DefaultTags["DatabricksInstancePoolCreatorId"] == me {
				ids = append(ids, p.InstancePoolId)
			}
		}
		return ids, err
	}, func(ctx context.Context) (string, error) {
		created, err := w.InstancePools.Create(ctx, create)
		if err != nil {
			return "", err
		}
		return created.InstancePoolId, nil
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating instance pool failed", fmt.Sprintf("Creating instance pool %q: %v", create.InstancePoolName, err))
		return
	}
	r.readInto(ctx, w, id, &plan, &resp.State, &resp.Diagnostics)
}

func (r *instancePoolResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, w, ok := begin[instancePoolModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	edit := compute.EditInstancePool{
		InstancePoolId: plan.ID.ValueString(), InstancePoolName: plan.InstancePoolName.ValueString(), NodeTypeId: plan.NodeTypeID.ValueString(),
		MinIdleInstances: int(plan.MinIdleInstances.ValueInt64()), MaxCapacity: int(plan.MaxCapacity.ValueInt64()),
		IdleInstanceAutoterminationMinutes: int(plan.IdleInstanceAutoterminationMinutes.ValueInt64()),
		CustomTags:                         stringMapOf(ctx, plan.CustomTags, &resp.Diagnostics),
		ForceSendFields:                    []string{"IdleInstanceAutoterminationMinutes", "MinIdleInstances"},
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if err := w.InstancePools.Edit(ctx, edit); err != nil {
		resp.Diagnostics.AddError("Updating instance pool failed", fmt.Sprintf("Updating instance pool %q (%s): %v", edit.InstancePoolName, edit.InstancePoolId, err))
		return
	}
	r.readInto(ctx, w, edit.InstancePoolId, &plan, &resp.State, &resp.Diagnostics)
}

func (r *instancePoolResource) readInto(ctx context.Context, w *databricks.WorkspaceClient, id string, m *instancePoolModel, state stateSetter, diags *diag.Diagnostics) {
	got, err := w.InstancePools.GetByInstancePoolId(ctx, id)
	if err != nil {
		diags.AddError("Reading instance pool failed", fmt.Sprintf("Instance pool %s was written but could not be read: %v", id, err))
		return
	}
	m.fromAPI(ctx, got, diags)
	diags.Append(state.Set(ctx, m)...)
}

func (r *instancePoolResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[instancePoolModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	got, err := refreshInstancePools.read(ctx, r.data, state.ID.ValueString(), w.InstancePools.GetByInstancePoolId)
	if err == nil && got.State == compute.InstancePoolStateDeleted {
		err = fmt.Errorf("instance pool %s is deleted: %w", got.InstancePoolId, errNotFound)
	}
	if readFailed(ctx, resp, err, "instance pool", fmt.Sprintf("instance pool %s", state.ID.ValueString())) {
		return
	}
	state.fromAPI(ctx, got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *instancePoolResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[instancePoolModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := w.InstancePools.DeleteByInstancePoolId(ctx, state.ID.ValueString()); err != nil && !isGone(err) {
		resp.Diagnostics.AddError("Deleting instance pool failed", fmt.Sprintf("Deleting instance pool %s: %v", state.ID.ValueString(), err))
	}
}

func (r *instancePoolResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *instancePoolModel) fromAPI(ctx context.Context, p *compute.GetInstancePool, diags *diag.Diagnostics) {
	m.ID, m.InstancePoolID = types.StringValue(p.InstancePoolId), types.StringValue(p.InstancePoolId)
	m.InstancePoolName, m.NodeTypeID = types.StringValue(p.InstancePoolName), types.StringValue(p.NodeTypeId)
	m.MinIdleInstances = types.Int64Value(int64(p.MinIdleInstances))
	m.MaxCapacity = optionalInt64(m.MaxCapacity, int64(p.MaxCapacity))
	m.IdleInstanceAutoterminationMinutes = types.Int64Value(int64(p.IdleInstanceAutoterminationMinutes))
	m.CustomTags = stringMapFromAPI(ctx, m.CustomTags, p.CustomTags, diags)
	m.EnableElasticDisk = types.BoolValue(p.EnableElasticDisk)
	m.PreloadedSparkVersions = stringListFromAPI(ctx, m.PreloadedSparkVersions, p.PreloadedSparkVersions, diags)
	m.AzureAttributes = nil
	if a := p.AzureAttributes; a != nil && (a.Availability != "" || a.SpotBidMaxPrice != 0) {
		s := poolAzureSettings{Availability: types.StringNull(), SpotBidMaxPrice: types.Float64Null()}
		if a.Availability != "" {
			s.Availability = types.StringValue(string(a.Availability))
		}
		if a.SpotBidMaxPrice != 0 {
			s.SpotBidMaxPrice = types.Float64Value(a.SpotBidMaxPrice)
		}
		m.AzureAttributes = []poolAzureSettings{s}
	}
}
