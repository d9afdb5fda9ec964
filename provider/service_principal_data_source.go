package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSourceWithConfigure        = (*servicePrincipalDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*servicePrincipalDataSource)(nil)
)

func newServicePrincipalDataSource() datasource.DataSource { return &servicePrincipalDataSource{} }

type servicePrincipalDataSource struct{ data *providerData }

// servicePrincipalDataModel mirrors databricks_service_principal's data
// source (workspace level).
type servicePrincipalDataModel struct {
	ID             types.String `tfsdk:"id"`
	ApplicationID  types.String `tfsdk:"application_id"`
	DisplayName    types.String `tfsdk:"display_name"`
	ScimID         types.String `tfsdk:"scim_id"`
	SpID           types.String `tfsdk:"sp_id"`
	Home           types.String `tfsdk:"home"`
	Repos          types.String `tfsdk:"repos"`
	Active         types.Bool   `tfsdk:"active"`
	ExternalID     types.String `tfsdk:"external_id"`
	ACLPrincipalID types.String `tfsdk:"acl_principal_id"`
}

func (d *servicePrincipalDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_principal"
}

func (d *servicePrincipalDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	key := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds a workspace service principal by application id, display name or SCIM id — e.g. the " +
			"deployment principal a job runs as. Same attributes as `databricks_service_principal`'s data source.",
		Attributes: map[string]schema.Attribute{
			"application_id": key("Application id (on Azure, the Entra ID application's client id). Give exactly one of " +
				"`application_id`, `display_name` and `scim_id`."),
			"display_name":     key("Display name; it must name exactly one service principal."),
			"scim_id":          key("SCIM id in the workspace."),
			"id":               computed("SCIM id."),
			"sp_id":            computed("SCIM id (as `scim_id`)."),
			"home":             computed("Home folder, `/Users/<application_id>`."),
			"repos":            computed("Git folder root, `/Repos/<application_id>`."),
			"active":           schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it may authenticate."},
			"external_id":      computed("Id in the identity provider, when synced."),
			"acl_principal_id": computed("`servicePrincipals/<application_id>`, for access control rules."),
		},
	}
}

func (d *servicePrincipalDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(
		path.MatchRoot("application_id"), path.MatchRoot("display_name"), path.MatchRoot("scim_id"))}
}

func (d *servicePrincipalDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *servicePrincipalDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m servicePrincipalDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	w, diags := d.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	attr, by, what := "applicationId", m.ApplicationID.ValueString(), "application id"
	switch {
	case !m.ScimID.IsNull():
		attr, by, what = "id", m.ScimID.ValueString(), "SCIM id"
	case !m.DisplayName.IsNull():
		attr, by, what = "displayName", m.DisplayName.ValueString(), "display name"
	}
	sps, err := servicePrincipalsWhere(ctx, w, scimEq(attr, by))
	if err != nil {
		resp.Diagnostics.AddError("Listing service principals failed", fmt.Sprintf("Looking up the service principal with %s %q: %v", what, by, err))
		return
	}
	switch len(sps) {
	case 0:
		resp.Diagnostics.AddError("Service principal not found", fmt.Sprintf("No service principal in the workspace has %s %q.", what, by))
		return
	case 1:
	default:
		resp.Diagnostics.AddError("Service principal is ambiguous", fmt.Sprintf("%d service principals have %s %q; look one up by "+
			"application_id or scim_id instead.", len(sps), what, by))
		return
	}
	sp := sps[0]
	resp.Diagnostics.Append(resp.State.Set(ctx, servicePrincipalDataModel{
		ID: types.StringValue(sp.Id), ScimID: types.StringValue(sp.Id), SpID: types.StringValue(sp.Id),
		ApplicationID: types.StringValue(sp.ApplicationId), DisplayName: types.StringValue(sp.DisplayName),
		Home: types.StringValue("/Users/" + sp.ApplicationId), Repos: types.StringValue("/Repos/" + sp.ApplicationId),
		Active: types.BoolValue(sp.Active), ExternalID: types.StringValue(sp.ExternalId),
		ACLPrincipalID: types.StringValue("servicePrincipals/" + sp.ApplicationId),
	})...)
}
