package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go/service/sql"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSourceWithConfigure        = (*sqlWarehouseDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*sqlWarehouseDataSource)(nil)
)

func newSQLWarehouseDataSource() datasource.DataSource { return &sqlWarehouseDataSource{} }

type sqlWarehouseDataSource struct{ data *providerData }

// sqlWarehouseDataModel is a subset of databricks_sql_warehouse's data
// source (id or name in; size, state and connection details out).
type sqlWarehouseDataModel struct {
	ID                      types.String `tfsdk:"id"`
	Name                    types.String `tfsdk:"name"`
	ClusterSize             types.String `tfsdk:"cluster_size"`
	State                   types.String `tfsdk:"state"`
	WarehouseType           types.String `tfsdk:"warehouse_type"`
	EnableServerlessCompute types.Bool   `tfsdk:"enable_serverless_compute"`
	AutoStopMins            types.Int64  `tfsdk:"auto_stop_mins"`
	JdbcURL                 types.String `tfsdk:"jdbc_url"`
	CreatorName             types.String `tfsdk:"creator_name"`
}

func (d *sqlWarehouseDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sql_warehouse"
}

func (d *sqlWarehouseDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds a SQL warehouse by id or by name — e.g. a shared warehouse a quality monitor computes on.",
		Attributes: map[string]schema.Attribute{
			"id":                        schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Warehouse id (or give `name`)."},
			"name":                      schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Warehouse name (or give `id`)."},
			"cluster_size":              computed("Size of each cluster."),
			"state":                     computed("`RUNNING`, `STOPPED`, …"),
			"warehouse_type":            computed("`PRO` or `CLASSIC`."),
			"enable_serverless_compute": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is serverless."},
			"auto_stop_mins":            schema.Int64Attribute{Computed: true, MarkdownDescription: "Idle minutes before it stops."},
			"jdbc_url":                  computed("JDBC connection string."),
			"creator_name":              computed("Who created it."),
		},
	}
}

func (d *sqlWarehouseDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *sqlWarehouseDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *sqlWarehouseDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m sqlWarehouseDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	w, diags := d.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.ID.ValueString()
	if id == "" {
		all, err := w.Warehouses.ListAll(ctx, sql.ListWarehousesRequest{})
		if err != nil {
			resp.Diagnostics.AddError("Listing SQL warehouses failed", err.Error())
			return
		}
		var named []sql.EndpointInfo
		for _, wh := range all {
			if wh.Name == m.Name.ValueString() {
				named = append(named, wh)
			}
		}
		// Several warehouses may share a name; picking one would be a guess.
		one, err := onlyMatch(named, func(wh sql.EndpointInfo) string { return wh.Id }, "SQL warehouse", m.Name.ValueString())
		if err != nil {
			lookupFailed(&resp.Diagnostics, "SQL warehouse", err)
			return
		}
		id = one.Id
	}
	got, err := w.Warehouses.GetById(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Reading SQL warehouse failed", fmt.Sprintf("Reading SQL warehouse %s: %v", id, err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, sqlWarehouseDataModel{
		ID: types.StringValue(got.Id), Name: types.StringValue(got.Name), ClusterSize: types.StringValue(got.ClusterSize),
		State: types.StringValue(string(got.State)), WarehouseType: types.StringValue(string(got.WarehouseType)),
		EnableServerlessCompute: types.BoolValue(got.EnableServerlessCompute), AutoStopMins: types.Int64Value(int64(got.AutoStopMins)),
		JdbcURL: types.StringValue(got.JdbcUrl), CreatorName: types.StringValue(got.CreatorName),
	})...)
}
