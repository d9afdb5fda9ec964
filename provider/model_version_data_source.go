package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

var (
	_ datasource.DataSourceWithConfigure        = (*modelVersionDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*modelVersionDataSource)(nil)
)

func newModelVersionDataSource() datasource.DataSource { return &modelVersionDataSource{} }

type modelVersionDataSource struct{ data *providerData }

// versionFields are what both version data sources report per version.
type versionFields struct {
	Version         types.Int64  `tfsdk:"version"`
	Status          types.String `tfsdk:"status"`
	Source          types.String `tfsdk:"source"`
	RunID           types.String `tfsdk:"run_id"`
	Description     types.String `tfsdk:"description"`
	StorageLocation types.String `tfsdk:"storage_location"`
	Tags            types.Map    `tfsdk:"tags"`
	Aliases         types.List   `tfsdk:"aliases"`
}

type modelVersionDataModel struct {
	ID        types.String `tfsdk:"id"`
	ModelName types.String `tfsdk:"model_name"`
	Alias     types.String `tfsdk:"alias"`
	versionFields
}

// versionAttributes are the schema of versionFields; version is settable
// on the singular data source.
func versionAttributes(versionSettable bool) map[string]schema.Attribute {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	version := schema.Int64Attribute{Computed: true, MarkdownDescription: "Version number."}
	if versionSettable {
		version = schema.Int64Attribute{
			Optional: true, Computed: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
			MarkdownDescription: "Version number to read. Conflicts with `alias`; with neither, the latest `READY` version is read.",
		}
	}
	return map[string]schema.Attribute{
		"version":          version,
		"status":           computed("`READY`, `PENDING_REGISTRATION` or `FAILED_REGISTRATION`."),
		"source":           computed("URI the version was registered from."),
		"run_id":           computed("MLflow run that produced the model."),
		"description":      computed("Description of the version."),
		"storage_location": computed("Where the version's artifacts are stored."),
		"tags":             schema.MapAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "All tags of the version, lineage tags included."},
		"aliases":          schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Aliases pointing at the version."},
	}
}

func (d *modelVersionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_version"
}

func (d *modelVersionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := versionAttributes(true)
	attrs["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "`<model full name>/<version>`."}
	attrs["model_name"] = schema.StringAttribute{Required: true, MarkdownDescription: "Full name of the registered model, `<catalog>.<schema>.<model>`."}
	attrs["alias"] = schema.StringAttribute{Optional: true, MarkdownDescription: "Read the version this alias points at, e.g. `champion`."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one version of a registered model: by number, by alias, or the latest `READY` one — " +
			"e.g. to feed `brickops_model_version.copy_from` or a serving endpoint.",
		Attributes: attrs,
	}
}

func (d *modelVersionDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.Conflicting(path.MatchRoot("version"), path.MatchRoot("alias"))}
}

func (d *modelVersionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *modelVersionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m modelVersionDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	_, reg, diags := d.data.registry()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model := m.ModelName.ValueString()
	var (
		mv  *ucregistry.ModelVersion
		err error
	)
	switch {
	case !m.Version.IsNull():
		mv, err = reg.Get(ctx, model, strconv.FormatInt(m.Version.ValueInt64(), 10))
	case !m.Alias.IsNull():
		mv, err = reg.GetByAlias(ctx, model, m.Alias.ValueString())
	default:
		mv, err = latestReady(ctx, reg, model)
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading model version failed", fmt.Sprintf("Reading a version of %q: %v", model, err))
		return
	}
	m.ID = types.StringValue(model + "/" + mv.Version)
	m.versionFields = versionFieldsFrom(ctx, mv, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// latestReady is the highest-numbered READY version of model.
func latestReady(ctx context.Context, reg *ucregistry.Client, model string) (*ucregistry.ModelVersion, error) {
	versions, err := listModelVersions(ctx, reg, model)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(versions, func(v ucregistry.ModelVersion) bool { return v.Status == ucregistry.StatusReady })
	if i < 0 {
		return nil, fmt.Errorf("it has no READY version (%d versions in all)", len(versions))
	}
	return &versions[i], nil
}

func versionFieldsFrom(ctx context.Context, mv *ucregistry.ModelVersion, diags *diag.Diagnostics) versionFields {
	tags, d := types.MapValueFrom(ctx, types.StringType, mv.TagMap())
	diags.Append(d...)
	aliases := make([]attr.Value, len(mv.Aliases))
	for i, a := range mv.Aliases {
		aliases[i] = types.StringValue(a.Alias)
	}
	list, d := types.ListValue(types.StringType, aliases)
	diags.Append(d...)
	return versionFields{
		Version: types.Int64Value(int64(mv.VersionNumber())), Status: types.StringValue(mv.Status),
		Source: types.StringValue(mv.Source), RunID: types.StringValue(mv.RunID),
		Description: types.StringValue(mv.Description), StorageLocation: types.StringValue(mv.StorageLocation),
		Tags: tags, Aliases: list,
	}
}
