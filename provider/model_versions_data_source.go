package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*modelVersionsDataSource)(nil)

func newModelVersionsDataSource() datasource.DataSource { return &modelVersionsDataSource{} }

type modelVersionsDataSource struct{ data *providerData }

type modelVersionsDataModel struct {
	ID        types.String    `tfsdk:"id"`
	ModelName types.String    `tfsdk:"model_name"`
	Tags      types.Map       `tfsdk:"tags"`
	Status    types.String    `tfsdk:"status"`
	Versions  []versionFields `tfsdk:"versions"`
}

func (d *modelVersionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_versions"
}

func (d *modelVersionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the versions of a registered model, newest first, optionally only those carrying " +
			"given tags (e.g. `validated = \"true\"`) or in a given status.",
		Attributes: map[string]schema.Attribute{
			"id":         schema.StringAttribute{Computed: true, MarkdownDescription: "The model's full name."},
			"model_name": schema.StringAttribute{Required: true, MarkdownDescription: "Full name of the registered model, `<catalog>.<schema>.<model>`."},
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Only versions that have every one of these tags with exactly these values.",
			},
			"status": schema.StringAttribute{Optional: true, MarkdownDescription: "Only versions in this status, e.g. `READY`."},
			"versions": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The matching versions, newest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: versionAttributes(false)},
			},
		},
	}
}

func (d *modelVersionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *modelVersionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m modelVersionsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	_, reg, diags := d.data.registry()
	resp.Diagnostics.Append(diags...)
	want := map[string]string{}
	resp.Diagnostics.Append(m.Tags.ElementsAs(ctx, &want, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	model := m.ModelName.ValueString()
	versions, err := listModelVersions(ctx, reg, model)
	if err != nil {
		resp.Diagnostics.AddError("Listing model versions failed", fmt.Sprintf("Listing the versions of %q: %v", model, err))
		return
	}
	m.ID = types.StringValue(model)
	m.Versions = []versionFields{}
versions:
	for _, mv := range versions {
		if s := m.Status.ValueString(); s != "" && mv.Status != s {
			continue
		}
		tags := mv.TagMap()
		for k, v := range want {
			if got, ok := tags[k]; !ok || got != v {
				continue versions
			}
		}
		m.Versions = append(m.Versions, versionFieldsFrom(ctx, &mv, &resp.Diagnostics))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
