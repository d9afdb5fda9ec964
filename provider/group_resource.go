package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*groupResource)(nil)
	_ resource.ResourceWithImportState = (*groupResource)(nil)
)

func newGroupResource() resource.Resource { return &groupResource{} }

type groupResource struct{ data *providerData }

// groupModel mirrors databricks_group (workspace level); API fields:
// databricks-sdk-go service/iam Group.
type groupModel struct {
	ID          types.String `tfsdk:"id"`
	DisplayName types.String `tfsdk:"display_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	entitlementFlags
	Force          types.Bool   `tfsdk:"force"`
	URL            types.String `tfsdk:"url"`
	ACLPrincipalID types.String `tfsdk:"acl_principal_id"`
}

func (r *groupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (r *groupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A workspace group — e.g. the ML team that manages jobs and endpoints, or the consumers who may " +
			"query them — named in `brickops_permissions` (`group_name`) and filled with `brickops_group_member`. " +
			"Same arguments and import id (the SCIM id) as `databricks_group`.",
		Attributes: entitlementAttributes(map[string]schema.Attribute{
			"id": computedString("The group's SCIM id."),
			"display_name": schema.StringAttribute{Required: true,
				MarkdownDescription: "Group name, unique in the workspace (compared case-insensitively); not `users` or `admins`, " +
					"which every workspace has. Changes in place.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.NoneOf("users", "admins")}},
			"external_id": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Id in the identity provider, for groups synced from Entra ID. Left unset, whatever the sync " +
					"wrote is kept; changing it replaces the group.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}},
			"force": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Adopt a group with this `display_name` that already exists in the workspace (made by hand or " +
					"by another tool) and bring it to this configuration, instead of failing. Its members stay."},
			"url": computedString("The group's page in the workspace."),
			"acl_principal_id": schema.StringAttribute{Computed: true, MarkdownDescription: "`groups/<display_name>`, for access control rules.",
				PlanModifiers: []planmodifier.String{prefixedAttribute("groups/", path.Root("display_name"))}},
		}),
	}
}

func (r *groupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *groupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[groupModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	name := plan.DisplayName.ValueString()
	id, err := r.create(ctx, w, plan, iam.CreateGroupRequest{
		DisplayName: name, ExternalId: plan.ExternalID.ValueString(), Entitlements: plan.complexValues(),
		Schemas: []iam.GroupSchema{iam.GroupSchemaUrnIetfParamsScimSchemasCore20Group},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating group failed", fmt.Sprintf("Creating group %q: %v", name, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	r.apply(ctx, w, id, plan, &resp.State, &resp.Diagnostics)
}

// create makes the group, or finds the one this create (or, with force,
// someone else) already made, and returns its SCIM id.
func (r *groupResource) create(ctx context.Context, w *databricks.WorkspaceClient, plan groupModel, create iam.CreateGroupRequest) (id string, err error) {
	if plan.Force.ValueBool() {
		switch g, err := groupNamed(ctx, w, create.DisplayName); {
		case err == nil:
			return g.Id, nil
		case !isNotFound(err):
			return "", fmt.Errorf("looking for an existing group to adopt (force): %w", err)
		}
	}
	defer func() {
		// The import hint names the SCIM id, known once the one in the way is found.
		var na *notAdoptedError
		if errors.As(err, &na) && id != "" {
			na.id = id
		}
	}()
	// Group names are unique: a create whose answer was lost is retried
	// into 409. Groups record neither creator nor creation time, so one is
	// adopted only if it was not there before this create, has no members
	// and is in no group yet, and matches the plan.
	err = r.data.createOrAdopt(ctx, w, adoption{
		kind: "group", typeName: "brickops_group", lookFirst: true, inTheWay: isSCIMConflict,
		importID: "<SCIM id of group " + create.DisplayName + ">",
		create: func(ctx context.Context) error {
			g, err := w.GroupsV2.Create(ctx, create)
			if err == nil {
				id = g.Id
			}
			return err
		},
		existing: func(ctx context.Context) (origin, error) {
			g, err := groupNamed(ctx, w, create.DisplayName)
			if err != nil {
				return origin{}, err
			}
			full, err := getGroup(ctx, w, g.Id)
			if err != nil {
				return origin{}, err
			}
			id = g.Id
			var has entitlementFlags
			has.fromAPI(full.Entitlements)
			return origin{unattributed: true, fresh: len(full.Members) == 0 && len(full.Groups) == 0, differs: differs(
				[3]string{"external_id", create.ExternalId, full.ExternalId},
				[3]string{"entitlements", strings.Join(plan.values(), ","), strings.Join(has.values(), ",")})}, nil
		},
	})
	return id, err
}

func (r *groupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, w, ok := begin[groupModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	r.apply(ctx, w, plan.ID.ValueString(), plan, &resp.State, &resp.Diagnostics)
}

// apply brings group id to the plan and records it.
func (r *groupResource) apply(ctx context.Context, w *databricks.WorkspaceClient, id string, plan groupModel, state stateSetter, diags *diag.Diagnostics) {
	got := applySCIM(ctx, "group", id, func(ctx context.Context, id string) (*iam.Group, error) { return getGroup(ctx, w, id) },
		func(g *iam.Group) []iam.Patch {
			return identityOps(plan.entitlementFlags, plan.DisplayName, plan.ExternalID, g.Entitlements, g.DisplayName, g.ExternalId)
		},
		func(ctx context.Context, ops []iam.Patch) error {
			return w.GroupsV2.Patch(ctx, iam.PatchGroupRequest{Id: id, Schemas: patchSchema, Operations: ops})
		}, diags)
	if got == nil {
		return
	}
	plan.fromAPI(got, w.Config.CanonicalHostName())
	diags.Append(state.Set(ctx, plan)...)
}

func (r *groupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[groupModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	got, err := refreshGroups.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, id string) (*iam.Group, error) {
		return getGroup(ctx, w, id)
	})
	if readFailed(ctx, resp, err, "group", "group "+state.ID.ValueString()) {
		return
	}
	state.fromAPI(got, w.Config.CanonicalHostName())
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *groupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[groupModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	err := scimGone(w.GroupsV2.Delete(ctx, iam.DeleteGroupRequest{Id: state.ID.ValueString()}))
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting group failed", fmt.Sprintf("Deleting group %q (%s): %v", state.DisplayName.ValueString(), state.ID.ValueString(), err))
	}
}

func (r *groupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *groupModel) fromAPI(g *iam.Group, host string) {
	m.ID, m.DisplayName, m.ExternalID = types.StringValue(g.Id), types.StringValue(g.DisplayName), types.StringValue(g.ExternalId)
	m.entitlementFlags.fromAPI(g.Entitlements)
	m.URL = types.StringValue(host + "/#setting/accounts/groups/" + g.Id)
	m.ACLPrincipalID = types.StringValue("groups/" + g.DisplayName)
}
