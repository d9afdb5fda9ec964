package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*groupDataSource)(nil)

func newGroupDataSource() datasource.DataSource { return &groupDataSource{} }

type groupDataSource struct{ data *providerData }

// groupDataModel mirrors databricks_group's data source (workspace level).
type groupDataModel struct {
	ID                types.String `tfsdk:"id"`
	DisplayName       types.String `tfsdk:"display_name"`
	Recursive         types.Bool   `tfsdk:"recursive"`
	Members           types.Set    `tfsdk:"members"`
	Users             types.Set    `tfsdk:"users"`
	ServicePrincipals types.Set    `tfsdk:"service_principals"`
	ChildGroups       types.Set    `tfsdk:"child_groups"`
	Groups            types.Set    `tfsdk:"groups"`
	Roles             types.Set    `tfsdk:"roles"`
	InstanceProfiles  types.Set    `tfsdk:"instance_profiles"`
	ExternalID        types.String `tfsdk:"external_id"`
	ACLPrincipalID    types.String `tfsdk:"acl_principal_id"`
	entitlementFlags
}

func (d *groupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (d *groupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	ids := func(desc string) schema.SetAttribute {
		return schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	attrs := map[string]schema.Attribute{
		"display_name": schema.StringAttribute{Required: true, MarkdownDescription: "Group name (compared case-insensitively).",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
		"recursive": schema.BoolAttribute{Optional: true,
			MarkdownDescription: "Also collect the members of member groups, at any depth (default `true`)."},
		"id":                 schema.StringAttribute{Computed: true, MarkdownDescription: "The group's SCIM id."},
		"members":            ids("SCIM ids of every member (deprecated upstream: use `users`, `service_principals`, `child_groups`)."),
		"users":              ids("SCIM ids of the member users."),
		"service_principals": ids("SCIM ids of the member service principals."),
		"child_groups":       ids("SCIM ids of the member groups."),
		"groups":             ids("SCIM ids of the groups this group is a member of."),
		"roles":              ids("Roles (instance profiles) of the group."),
		"instance_profiles":  ids("As `roles` (deprecated upstream)."),
		"external_id":        schema.StringAttribute{Computed: true, MarkdownDescription: "Id in the identity provider, when synced."},
		"acl_principal_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "`groups/<display_name>`, for access control rules."},
	}
	for _, e := range entitlements {
		attrs[e.attr] = schema.BoolAttribute{Computed: true, MarkdownDescription: "The group's entitlement: " + e.desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds a workspace group by name, with its members — e.g. the consumers a serving endpoint " +
			"grants `CAN_QUERY`. Same attributes as `databricks_group`'s data source.",
		Attributes: attrs,
	}
}

func (d *groupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *groupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m groupDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	w, diags := d.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.DisplayName.ValueString()
	group, err := groupNamed(ctx, w, name)
	switch {
	case isNotFound(err):
		resp.Diagnostics.AddError("Group not found", fmt.Sprintf("No group in the workspace is named %q.", name))
		return
	case err != nil:
		resp.Diagnostics.AddError("Listing groups failed", fmt.Sprintf("Looking up group %q: %v", name, err))
		return
	}
	recursive := m.Recursive.IsNull() || m.Recursive.ValueBool()
	var members, users, sps, children, parents, roles []string
	seen := map[string]bool{group.Id: true}
	for queue := []*iam.Group{group}; len(queue) > 0; queue = queue[1:] {
		g := queue[0]
		for _, x := range g.Members {
			members = append(members, x.Value)
			switch {
			case strings.HasPrefix(x.Ref, "Users/"):
				users = append(users, x.Value)
			case strings.HasPrefix(x.Ref, "ServicePrincipals/"):
				sps = append(sps, x.Value)
			case strings.HasPrefix(x.Ref, "Groups/"):
				children = append(children, x.Value)
				if recursive && !seen[x.Value] {
					seen[x.Value] = true
					child, err := getGroup(ctx, w, x.Value)
					if err != nil {
						resp.Diagnostics.AddError("Reading group failed", fmt.Sprintf("Reading group %s, a member of %q: %v", x.Value, name, err))
						return
					}
					queue = append(queue, child)
				}
			}
		}
		for _, x := range g.Roles {
			roles = append(roles, x.Value)
		}
		for _, x := range g.Groups {
			parents = append(parents, x.Value)
		}
	}
	set := func(vs []string) types.Set {
		slices.Sort(vs)
		out, ds := types.SetValueFrom(ctx, types.StringType, slices.Compact(vs))
		resp.Diagnostics.Append(ds...)
		return out
	}
	m.ID, m.DisplayName, m.ExternalID = types.StringValue(group.Id), types.StringValue(group.DisplayName), types.StringValue(group.ExternalId)
	m.Members, m.Users, m.ServicePrincipals, m.ChildGroups = set(members), set(users), set(sps), set(children)
	m.Groups, m.Roles, m.InstanceProfiles = set(parents), set(roles), set(slices.Clone(roles))
	m.ACLPrincipalID = types.StringValue("groups/" + group.DisplayName)
	m.entitlementFlags.fromAPI(group.Entitlements)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
