package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*nodeTypeDataSource)(nil)

func newNodeTypeDataSource() datasource.DataSource { return &nodeTypeDataSource{} }

type nodeTypeDataSource struct{ data *providerData }

type nodeTypeModel struct {
	ID                  types.String `tfsdk:"id"`
	MinMemoryGB         types.Int64  `tfsdk:"min_memory_gb"`
	GBPerCore           types.Int64  `tfsdk:"gb_per_core"`
	MinCores            types.Int64  `tfsdk:"min_cores"`
	MinGPUs             types.Int64  `tfsdk:"min_gpus"`
	LocalDisk           types.Bool   `tfsdk:"local_disk"`
	Category            types.String `tfsdk:"category"`
	PhotonWorkerCapable types.Bool   `tfsdk:"photon_worker_capable"`
	PhotonDriverCapable types.Bool   `tfsdk:"photon_driver_capable"`
	IsIOCacheEnabled    types.Bool   `tfsdk:"is_io_cache_enabled"`
}

func (d *nodeTypeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_node_type"
}

func (d *nodeTypeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	number := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, MarkdownDescription: desc}
	}
	flag := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Picks the smallest Azure VM size the workspace offers that meets the given minimums, " +
			"for `brickops_cluster.node_type_id`. Deprecated sizes come last.",
		Attributes: map[string]schema.Attribute{
			"id":                    schema.StringAttribute{Computed: true, MarkdownDescription: "The selected node type, e.g. `Standard_DS3_v2`."},
			"min_memory_gb":         number("Minimum memory in GB."),
			"gb_per_core":           number("Minimum memory per core in GB."),
			"min_cores":             number("Minimum number of cores."),
			"min_gpus":              number("Minimum number of GPUs."),
			"local_disk":            flag("Only sizes with a local disk."),
			"category":              schema.StringAttribute{Optional: true, MarkdownDescription: "Category, e.g. `General Purpose`, `Memory Optimized`, `GPU Accelerated`."},
			"photon_worker_capable": flag("Only sizes that can run Photon workers."),
			"photon_driver_capable": flag("Only sizes that can run a Photon driver."),
			"is_io_cache_enabled":   flag("Only sizes with the disk (IO) cache."),
		},
	}
}

func (d *nodeTypeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *nodeTypeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m nodeTypeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	w, diags := d.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := w.Clusters.SelectNodeType(ctx, compute.NodeTypeRequest{
		MinMemoryGB:         int32(m.MinMemoryGB.ValueInt64()),
		GBPerCore:           int32(m.GBPerCore.ValueInt64()),
		MinCores:            int32(m.MinCores.ValueInt64()),
		MinGPUs:             int32(m.MinGPUs.ValueInt64()),
		LocalDisk:           m.LocalDisk.ValueBool(),
		Category:            m.Category.ValueString(),
		PhotonWorkerCapable: m.PhotonWorkerCapable.ValueBool(),
		PhotonDriverCapable: m.PhotonDriverCapable.ValueBool(),
		IsIOCacheEnabled:    m.IsIOCacheEnabled.ValueBool(),
	})
	if err != nil {
		resp.Diagnostics.AddError("No matching node type", fmt.Sprintf("Selecting a node type: %v. Relax the minimums, or list sizes with GET /api/2.1/clusters/list-node-types.", err))
		return
	}
	m.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
