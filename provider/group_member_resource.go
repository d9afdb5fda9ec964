package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*groupMemberResource)(nil)
	_ resource.ResourceWithImportState = (*groupMemberResource)(nil)
)

func newGroupMemberResource() resource.Resource { return &groupMemberResource{} }

type groupMemberResource struct{ data *providerData }

// groupMemberModel mirrors databricks_group_member: one membership, id
// "<group_id>|<member_id>".
type groupMemberModel struct {
	ID       types.String `tfsdk:"id"`
	GroupID  types.String `tfsdk:"group_id"`
	MemberID types.String `tfsdk:"member_id"`
}

func (r *groupMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_member"
}

func (r *groupMemberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One member of a workspace group: a user, a service principal or another group. Other members of " +
			"the group are left alone. Same arguments and import id (`<group_id>|<member_id>`) as `databricks_group_member`.",
		Attributes: map[string]schema.Attribute{
			"id":       computedString("`<group_id>|<member_id>`."),
			"group_id": forceNewString("SCIM id of the group (`brickops_group.<name>.id`). Changing it replaces the membership.", true),
			"member_id": forceNewString("SCIM id of the user, service principal (`brickops_service_principal.<name>.id`) or group "+
				"to add. Changing it replaces the membership.", true),
		},
	}
}

func (r *groupMemberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Create adds the member. Adding a member the group already has changes
// nothing, so a create whose answer was lost is safe to send again.
func (r *groupMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[groupMemberModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	group, member := plan.GroupID.ValueString(), plan.MemberID.ValueString()
	err := w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: group, Schemas: patchSchema, Operations: []iam.Patch{
		{Op: iam.PatchOpAdd, Path: "members", Value: []map[string]string{{"value": member}}},
	}})
	if err != nil {
		resp.Diagnostics.AddError("Adding group member failed", fmt.Sprintf("Adding member %s to group %s: %v", member, group, err))
		return
	}
	plan.ID = types.StringValue(group + scimPairSeparator + member)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read removes the membership from state when the group is gone or no
// longer lists the member, so that the next apply adds it again.
func (r *groupMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[groupMemberModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	group, member := state.GroupID.ValueString(), state.MemberID.ValueString()
	g, err := refreshGroups.read(ctx, r.data, group, func(ctx context.Context, id string) (*iam.Group, error) {
		return getGroup(ctx, w, id)
	})
	if err == nil && !slices.ContainsFunc(g.Members, func(m iam.ComplexValue) bool { return m.Value == member }) {
		err = fmt.Errorf("group %s has no member %s: %w", group, member, errNotFound)
	}
	if readFailed(ctx, resp, err, "group member", fmt.Sprintf("member %s of group %s", member, group)) {
		return
	}
	state.ID = types.StringValue(group + scimPairSeparator + member)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update is never called: both arguments replace the membership.
func (r *groupMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(resp.State.Set(ctx, req.Plan)...)
}

func (r *groupMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[groupMemberModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	group, member := state.GroupID.ValueString(), state.MemberID.ValueString()
	err := scimGone(w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: group, Schemas: patchSchema, Operations: []iam.Patch{
		{Op: iam.PatchOpRemove, Path: fmt.Sprintf(`members[value eq "%s"]`, member)},
	}}))
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Removing group member failed", fmt.Sprintf("Removing member %s from group %s: %v", member, group, err))
	}
}

func (r *groupMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importPairBy(ctx, req, resp, scimPairSeparator, "group member", "group_id", "member_id")
}
