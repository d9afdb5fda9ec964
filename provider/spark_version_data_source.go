package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*sparkVersionDataSource)(nil)

func newSparkVersionDataSource() datasource.DataSource { return &sparkVersionDataSource{} }

type sparkVersionDataSource struct{ data *providerData }

type sparkVersionModel struct {
	ID              types.String `tfsdk:"id"`
	Latest          types.Bool   `tfsdk:"latest"`
	LongTermSupport types.Bool   `tfsdk:"long_term_support"`
	ML              types.Bool   `tfsdk:"ml"`
	GPU             types.Bool   `tfsdk:"gpu"`
	Photon          types.Bool   `tfsdk:"photon"`
	Beta            types.Bool   `tfsdk:"beta"`
	Scala           types.String `tfsdk:"scala"`
	SparkVersion    types.String `tfsdk:"spark_version"`
}

func (d *sparkVersionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_spark_version"
}

func (d *sparkVersionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	flag := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Picks a Databricks Runtime version key for `brickops_cluster.spark_version` from what the workspace offers. " +
			"Fails when no version, or (without `latest`) more than one, matches.",
		Attributes: map[string]schema.Attribute{
			"id":                schema.StringAttribute{Computed: true, MarkdownDescription: "The selected version key, e.g. `15.4.x-cpu-ml-scala2.12`."},
			"latest":            flag("Pick the newest matching version. Defaults to true."),
			"long_term_support": flag("Only LTS runtimes."),
			"ml":                flag("Only Databricks Runtime for Machine Learning."),
			"gpu":               flag("Only GPU runtimes (implies `ml`)."),
			"photon":            flag("Only Photon runtimes."),
			"beta":              flag("Include beta runtimes."),
			"scala":             schema.StringAttribute{Optional: true, MarkdownDescription: "Scala version prefix, e.g. `2.12`."},
			"spark_version":     schema.StringAttribute{Optional: true, MarkdownDescription: "Apache Spark version prefix, e.g. `3.5`."},
		},
	}
}

func (d *sparkVersionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *sparkVersionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m sparkVersionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	w, diags := d.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	filter := compute.SparkVersionRequest{
		Latest:          m.Latest.IsNull() || m.Latest.ValueBool(),
		LongTermSupport: m.LongTermSupport.ValueBool(),
		ML:              m.ML.ValueBool() || m.GPU.ValueBool(),
		GPU:             m.GPU.ValueBool(),
		Photon:          m.Photon.ValueBool(),
		Beta:            m.Beta.ValueBool(),
		Scala:           m.Scala.ValueString(),
		SparkVersion:    m.SparkVersion.ValueString(),
	}
	id, err := w.Clusters.SelectSparkVersion(ctx, filter)
	if err != nil {
		resp.Diagnostics.AddError("No matching Databricks Runtime", fmt.Sprintf("Selecting a spark version: %v. Relax the filters, or list versions with GET /api/2.1/clusters/spark-versions.", err))
		return
	}
	m.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
