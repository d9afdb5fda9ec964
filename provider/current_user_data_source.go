package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*currentUserDataSource)(nil)

func newCurrentUserDataSource() datasource.DataSource { return &currentUserDataSource{} }

type currentUserDataSource struct{ data *providerData }

// currentUserModel mirrors databricks_current_user (id, user_name, home,
// repos, alphanumeric, external_id, workspace_url, acl_principal_id), read
// from SCIM Me (databricks-sdk-go service/iam User).
type currentUserModel struct {
	ID             types.String `tfsdk:"id"`
	UserName       types.String `tfsdk:"user_name"`
	Home           types.String `tfsdk:"home"`
	Repos          types.String `tfsdk:"repos"`
	Alphanumeric   types.String `tfsdk:"alphanumeric"`
	ExternalID     types.String `tfsdk:"external_id"`
	WorkspaceURL   types.String `tfsdk:"workspace_url"`
	ACLPrincipalID types.String `tfsdk:"acl_principal_id"`
}

var nonAlphanumeric = regexp.MustCompile(`\W`)

func (d *currentUserDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_current_user"
}

func (d *currentUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who the provider is authenticated as — a user or a service principal — for home-folder " +
			"paths and names. Same attributes as `databricks_current_user`.",
		Attributes: map[string]schema.Attribute{
			"id":               computed("SCIM id."),
			"user_name":        computed("User name (email) or, for a service principal, its application id."),
			"home":             computed("Home folder, `/Users/<user_name>`."),
			"repos":            computed("Git folder root, `/Repos/<user_name>`."),
			"alphanumeric":     computed("The part of `user_name` before `@`, with non-word characters as `_`, for names."),
			"external_id":      computed("Id in the identity provider (Entra ID object id), when synced."),
			"workspace_url":    computed("The workspace's URL."),
			"acl_principal_id": computed("`users/<user_name>` or `servicePrincipals/<application_id>`, for access control rules."),
		},
	}
}

func (d *currentUserDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *currentUserDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	w, diags := d.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	me, err := w.CurrentUser.Me(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Reading current user failed", fmt.Sprintf("Asking the workspace who the provider is: %v", err))
		return
	}
	name := me.UserName
	principal := "users/" + name
	if !strings.Contains(name, "@") {
		principal = "servicePrincipals/" + name
	}
	local, _, _ := strings.Cut(name, "@")
	resp.Diagnostics.Append(resp.State.Set(ctx, currentUserModel{
		ID: types.StringValue(me.Id), UserName: types.StringValue(name),
		Home: types.StringValue("/Users/" + name), Repos: types.StringValue("/Repos/" + name),
		Alphanumeric: types.StringValue(nonAlphanumeric.ReplaceAllString(local, "_")), ExternalID: types.StringValue(me.ExternalId),
		WorkspaceURL: types.StringValue(w.Config.CanonicalHostName()), ACLPrincipalID: types.StringValue(principal),
	})...)
}
