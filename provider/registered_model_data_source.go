package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*registeredModelDataSource)(nil)

func newRegisteredModelDataSource() datasource.DataSource { return &registeredModelDataSource{} }

type registeredModelDataSource struct{ data *providerData }

type registeredModelDataModel struct {
	ID              types.String `tfsdk:"id"`
	FullName        types.String `tfsdk:"full_name"`
	CatalogName     types.String `tfsdk:"catalog_name"`
	SchemaName      types.String `tfsdk:"schema_name"`
	Name            types.String `tfsdk:"name"`
	Comment         types.String `tfsdk:"comment"`
	Owner           types.String `tfsdk:"owner"`
	StorageLocation types.String `tfsdk:"storage_location"`
	Aliases         types.Map    `tfsdk:"aliases"`
}

func (d *registeredModelDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_registered_model"
}

func (d *registeredModelDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a Unity Catalog registered model and where its aliases point — for example the " +
			"`champion` version of the model in another environment's catalog.",
		Attributes: map[string]schema.Attribute{
			"id":               computed("The model's full name."),
			"full_name":        schema.StringAttribute{Required: true, MarkdownDescription: "`<catalog>.<schema>.<model>`."},
			"catalog_name":     computed("Catalog of the model."),
			"schema_name":      computed("Schema of the model."),
			"name":             computed("Model name."),
			"comment":          computed("Description of the model."),
			"owner":            computed("Owner of the model."),
			"storage_location": computed("Where the versions' artifacts are stored."),
			"aliases": schema.MapAttribute{
				ElementType: types.Int64Type, Computed: true,
				MarkdownDescription: "Alias name → version number, e.g. `{ champion = 3 }`.",
			},
		},
	}
}

func (d *registeredModelDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *registeredModelDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m registeredModelDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	w, diags := d.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	info, err := w.RegisteredModels.Get(ctx, catalog.GetRegisteredModelRequest{FullName: m.FullName.ValueString(), IncludeAliases: true})
	if err != nil {
		resp.Diagnostics.AddError("Reading registered model failed", fmt.Sprintf("Reading registered model %q: %v", m.FullName.ValueString(), err))
		return
	}
	m.ID = types.StringValue(info.FullName)
	m.CatalogName, m.SchemaName, m.Name = types.StringValue(info.CatalogName), types.StringValue(info.SchemaName), types.StringValue(info.Name)
	m.Comment, m.Owner = types.StringValue(info.Comment), types.StringValue(info.Owner)
	m.StorageLocation = types.StringValue(info.StorageLocation)
	aliases := map[string]int64{}
	for _, a := range info.Aliases {
		aliases[a.AliasName] = int64(a.VersionNum)
	}
	m.Aliases, diags = types.MapValueFrom(ctx, types.Int64Type, aliases)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
