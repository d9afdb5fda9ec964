package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/sql"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*sqlWarehouseResource)(nil)
	_ resource.ResourceWithImportState = (*sqlWarehouseResource)(nil)
)

func newSQLWarehouseResource() resource.Resource { return &sqlWarehouseResource{} }

type sqlWarehouseResource struct{ data *providerData }

const defaultWarehouseTimeout = 20 * time.Minute

// sqlWarehouseModel mirrors databricks_sql_endpoint's arguments; API
// fields: databricks-sdk-go service/sql CreateWarehouseRequest,
// EditWarehouseRequest and GetWarehouseResponse.
type sqlWarehouseModel struct {
	ID                      types.String       `tfsdk:"id"`
	Name                    types.String       `tfsdk:"name"`
	ClusterSize             types.String       `tfsdk:"cluster_size"`
	MinNumClusters          types.Int64        `tfsdk:"min_num_clusters"`
	MaxNumClusters          types.Int64        `tfsdk:"max_num_clusters"`
	AutoStopMins            types.Int64        `tfsdk:"auto_stop_mins"`
	EnablePhoton            types.Bool         `tfsdk:"enable_photon"`
	EnableServerlessCompute types.Bool         `tfsdk:"enable_serverless_compute"`
	WarehouseType           types.String       `tfsdk:"warehouse_type"`
	SpotInstancePolicy      types.String       `tfsdk:"spot_instance_policy"`
	NoWait                  types.Bool         `tfsdk:"no_wait"`
	Channel                 []warehouseChannel `tfsdk:"channel"`
	Tags                    []warehouseTags    `tfsdk:"tags"`
	JdbcURL                 types.String       `tfsdk:"jdbc_url"`
	OdbcParams              types.List         `tfsdk:"odbc_params"`
	CreatorName             types.String       `tfsdk:"creator_name"`
	State                   types.String       `tfsdk:"state"`
	NumClusters             types.Int64        `tfsdk:"num_clusters"`
	Timeouts                timeouts.Value     `tfsdk:"timeouts"`
}

type warehouseChannel struct {
	Name types.String `tfsdk:"name"`
}

type warehouseTags struct {
	CustomTags []warehouseTag `tfsdk:"custom_tags"`
}

type warehouseTag struct {
	Key   types.String `tfsdk:"key"`
	Value types.String `tfsdk:"value"`
}

var odbcParamsType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"hostname": types.StringType, "path": types.StringType, "protocol": types.StringType, "port": types.Int64Type,
}}

func (r *sqlWarehouseResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sql_warehouse"
}

func (r *sqlWarehouseResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	apiDefault := func(desc string, v ...validator.Int64) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: desc, Validators: v,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
	}
	apiDefaultBool := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, MarkdownDescription: desc,
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}}
	}
	apiDefaultString := func(desc string, values ...string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: desc,
			Validators:    []validator.String{stringvalidator.OneOf(values...)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	computedStr := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Databricks SQL warehouse — classic, pro or serverless — such as the one a quality monitor " +
			"computes its metrics on (`warehouse_id`). Create waits until it runs (unless `no_wait`); it stops by itself " +
			"after `auto_stop_mins` idle minutes. Every argument changes in place. Same arguments and import id as " +
			"`databricks_sql_endpoint`.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The warehouse id."),
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "Name, unique in the workspace (at most 100 characters).",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 100)}},
			"cluster_size": schema.StringAttribute{Required: true, MarkdownDescription: "Size of each cluster: `2X-Small` … `5X-Large`.",
				Validators: []validator.String{stringvalidator.OneOf("2X-Small", "X-Small", "Small", "Medium", "Large", "X-Large", "2X-Large", "3X-Large", "4X-Large", "5X-Large")}},
			"min_num_clusters": apiDefault("Clusters kept while running (default 1).", int64validator.Between(1, 40)),
			"max_num_clusters": apiDefault("Clusters it scales out to under load (default 1, at most 40).", int64validator.Between(1, 40)),
			"auto_stop_mins": apiDefault("Idle minutes before it stops (default 120; 0 never stops; at least 10 unless serverless).",
				int64validator.AtLeast(0)),
			"enable_photon":             apiDefaultBool("Use Photon (default true)."),
			"enable_serverless_compute": apiDefaultBool("A serverless warehouse (needs `warehouse_type = \"PRO\"`, its default then)."),
			"warehouse_type":            apiDefaultString("`PRO` or `CLASSIC` (default `CLASSIC`, `PRO` when serverless).", "PRO", "CLASSIC"),
			"spot_instance_policy":      apiDefaultString("`COST_OPTIMIZED` (default) or `RELIABILITY_OPTIMIZED`.", "COST_OPTIMIZED", "RELIABILITY_OPTIMIZED"),
			"no_wait":                   schema.BoolAttribute{Optional: true, MarkdownDescription: "Do not wait for the warehouse to run after create."},
			"jdbc_url":                  computedStr("JDBC connection string."),
			"odbc_params": schema.ListAttribute{Computed: true, ElementType: odbcParamsType,
				MarkdownDescription: "ODBC connection parameters (`hostname`, `path`, `protocol`, `port`), as a list of one.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()}},
			"creator_name": computedString("User who created the warehouse."),
			"state":        computedStr("`STARTING`, `RUNNING`, `STOPPING`, `STOPPED`, …"),
			"num_clusters": schema.Int64Attribute{Computed: true, MarkdownDescription: "Clusters running now."},
			"timeouts":     timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true}),
		},
		Blocks: map[string]schema.Block{
			"channel": schema.ListNestedBlock{
				MarkdownDescription: "Release channel; absent is `CHANNEL_NAME_CURRENT`.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "`CHANNEL_NAME_CURRENT` or `CHANNEL_NAME_PREVIEW`.",
						Validators: []validator.String{stringvalidator.OneOf("CHANNEL_NAME_CURRENT", "CHANNEL_NAME_PREVIEW")}},
				}},
			},
			"tags": schema.ListNestedBlock{
				MarkdownDescription: "Tags put on every resource of the warehouse.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{Blocks: map[string]schema.Block{
					"custom_tags": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"key":   schema.StringAttribute{Required: true, MarkdownDescription: "Tag key."},
						"value": schema.StringAttribute{Required: true, MarkdownDescription: "Tag value."},
					}}},
				}},
			},
		},
	}
}

func (r *sqlWarehouseResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// settings is the create/edit body; unknown (unset) defaults are omitted
// for the API to fill.
func (m sqlWarehouseModel) settings() sql.EditWarehouseRequest {
	e := sql.EditWarehouseRequest{
		Name: m.Name.ValueString(), ClusterSize: m.ClusterSize.ValueString(),
		MinNumClusters: int(m.MinNumClusters.ValueInt64()), MaxNumClusters: int(m.MaxNumClusters.ValueInt64()),
		AutoStopMins: int(m.AutoStopMins.ValueInt64()), EnablePhoton: m.EnablePhoton.ValueBool(),
		EnableServerlessCompute: m.EnableServerlessCompute.ValueBool(),
		WarehouseType:           sql.EditWarehouseRequestWarehouseType(m.WarehouseType.ValueString()),
		SpotInstancePolicy:      sql.SpotInstancePolicy(m.SpotInstancePolicy.ValueString()),
	}
	known := func(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }
	for field, v := range map[string]attr.Value{"AutoStopMins": m.AutoStopMins, "EnablePhoton": m.EnablePhoton, "EnableServerlessCompute": m.EnableServerlessCompute} {
		if known(v) {
			e.ForceSendFields = append(e.ForceSendFields, field)
		}
	}
	for _, c := range m.Channel {
		e.Channel = &sql.Channel{Name: sql.ChannelName(c.Name.ValueString())}
	}
	for _, t := range m.Tags {
		e.Tags = &sql.EndpointTags{}
		for _, tag := range t.CustomTags {
			e.Tags.CustomTags = append(e.Tags.CustomTags, sql.EndpointTagPair{Key: tag.Key.ValueString(), Value: tag.Value.ValueString()})
		}
	}
	return e
}

func (r *sqlWarehouseResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[sqlWarehouseModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultWarehouseTimeout)
	resp.Diagnostics.Append(diags...)
	e := plan.settings()
	// warehouses/create takes no idempotency key and warehouses record
	// their creator_name but no creation time: after a lost answer the
	// warehouse this create made is the new one with its name and the
	// caller as creator, found before the create is sent again.
	id, err := createOnceNew(ctx, "SQL warehouse", e.Name, func(ctx context.Context) ([]string, error) {
		me, err := r.data.principal(ctx, w)
		if err != nil {
			return nil, err
		}
		all, err := w.Warehouses.ListAll(ctx, sql.ListWarehousesRequest{})
		var ids []string
		for _, wh := range all {
			if wh.Name == e.Name && wh.CreatorName == me {
				ids = append(ids, wh.Id)
			}
		}
		return ids, err
	}, func(ctx context.Context) (string, error) {
		created, err := w.Warehouses.Create(ctx, sql.CreateWarehouseRequest{
			Name: e.Name, ClusterSize: e.ClusterSize, MinNumClusters: e.MinNumClusters, MaxNumClusters: e.MaxNumClusters,
			AutoStopMins: e.AutoStopMins, EnablePhoton: e.EnablePhoton, EnableServerlessCompute: e.EnableServerlessCompute,
			WarehouseType: sql.CreateWarehouseRequestWarehouseType(e.WarehouseType), SpotInstancePolicy: e.SpotInstancePolicy,
			Channel: e.Channel, Tags: e.Tags, ForceSendFields: e.ForceSendFields,
		})
		if err != nil {
			return "", err
		}
		return created.Id, nil
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating SQL warehouse failed", fmt.Sprintf("Creating SQL warehouse %q: %v", e.Name, err))
		return
	}
	// Tracked before waiting: a timeout leaves a tainted warehouse, not an orphan.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	r.settle(ctx, w, id, plan, timeout, !plan.NoWait.ValueBool(), &resp.State, &resp.Diagnostics)
}

func (r *sqlWarehouseResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, w, ok := begin[sqlWarehouseModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultWarehouseTimeout)
	resp.Diagnostics.Append(diags...)
	e := plan.settings()
	e.Id = plan.ID.ValueString()
	if _, err := w.Warehouses.Edit(ctx, e); err != nil {
		resp.Diagnostics.AddError("Updating SQL warehouse failed", fmt.Sprintf("Updating SQL warehouse %q (%s): %v", e.Name, e.Id, err))
		return
	}
	r.settle(ctx, w, e.Id, plan, timeout, true, &resp.State, &resp.Diagnostics)
}

// settle waits (if asked) until the warehouse is no longer starting or
// stopping, and records what it is.
func (r *sqlWarehouseResource) settle(ctx context.Context, w *databricks.WorkspaceClient, id string, plan sqlWarehouseModel, timeout time.Duration, wait bool, state stateSetter, diags *diag.Diagnostics) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	got, err := poll(ctx, func() (*sql.GetWarehouseResponse, bool, error) {
		got, err := w.Warehouses.GetById(ctx, id)
		if err != nil {
			return nil, false, err
		}
		return got, !wait || (got.State != sql.StateStarting && got.State != sql.StateStopping), nil
	})
	if err != nil {
		diags.AddError("Waiting for SQL warehouse failed", fmt.Sprintf("SQL warehouse %s did not settle: %v", id, err))
		return
	}
	plan.fromAPI(got)
	diags.Append(state.Set(ctx, plan)...)
}

func (r *sqlWarehouseResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[sqlWarehouseModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	got, err := refreshSQLWarehouses.read(ctx, r.data, state.ID.ValueString(), w.Warehouses.GetById)
	if err == nil && (got.State == sql.StateDeleted || got.State == sql.StateDeleting) {
		err = fmt.Errorf("SQL warehouse %s is %s: %w", got.Id, got.State, errNotFound)
	}
	if readFailed(ctx, resp, err, "SQL warehouse", fmt.Sprintf("SQL warehouse %s", state.ID.ValueString())) {
		return
	}
	state.fromAPI(got)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *sqlWarehouseResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[sqlWarehouseModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := w.Warehouses.DeleteById(ctx, state.ID.ValueString()); err != nil && !isGone(err) {
		resp.Diagnostics.AddError("Deleting SQL warehouse failed", fmt.Sprintf("Deleting SQL warehouse %s: %v", state.ID.ValueString(), err))
	}
}

func (r *sqlWarehouseResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *sqlWarehouseModel) fromAPI(g *sql.GetWarehouseResponse) {
	m.ID, m.Name, m.ClusterSize = types.StringValue(g.Id), types.StringValue(g.Name), types.StringValue(g.ClusterSize)
	m.MinNumClusters, m.MaxNumClusters = types.Int64Value(int64(g.MinNumClusters)), types.Int64Value(int64(g.MaxNumClusters))
	m.AutoStopMins = types.Int64Value(int64(g.AutoStopMins))
	m.EnablePhoton, m.EnableServerlessCompute = types.BoolValue(g.EnablePhoton), types.BoolValue(g.EnableServerlessCompute)
	m.WarehouseType, m.SpotInstancePolicy = types.StringValue(string(g.WarehouseType)), types.StringValue(string(g.SpotInstancePolicy))
	m.JdbcURL, m.CreatorName, m.State = types.StringValue(g.JdbcUrl), types.StringValue(g.CreatorName), types.StringValue(string(g.State))
	m.NumClusters = types.Int64Value(int64(g.NumClusters))
	odbc := []attr.Value{}
	if p := g.OdbcParams; p != nil {
		odbc = append(odbc, types.ObjectValueMust(odbcParamsType.AttrTypes, map[string]attr.Value{
			"hostname": types.StringValue(p.Hostname), "path": types.StringValue(p.Path),
			"protocol": types.StringValue(p.Protocol), "port": types.Int64Value(int64(p.Port)),
		}))
	}
	m.OdbcParams = types.ListValueMust(odbcParamsType, odbc)
	// The API always reports a channel: the default one reads as no block.
	hadChannel := len(m.Channel) > 0
	m.Channel = nil
	if c := g.Channel; c != nil && c.Name != "" && (c.Name != sql.ChannelNameChannelNameCurrent || hadChannel) {
		m.Channel = []warehouseChannel{{Name: types.StringValue(string(c.Name))}}
	}
	m.Tags = nil
	if g.Tags != nil && len(g.Tags.CustomTags) > 0 {
		t := warehouseTags{}
		for _, tag := range g.Tags.CustomTags {
			t.CustomTags = append(t.CustomTags, warehouseTag{Key: types.StringValue(tag.Key), Value: types.StringValue(tag.Value)})
		}
		m.Tags = []warehouseTags{t}
	}
}
