package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*directoryResource)(nil)
	_ resource.ResourceWithImportState = (*directoryResource)(nil)
)

func newDirectoryResource() resource.Resource { return &directoryResource{} }

type directoryResource struct{ data *providerData }

// directoryModel mirrors databricks_directory (path, delete_recursive,
// object_id, workspace_path); API: databricks-sdk-go service/workspace
// Mkdirs, Delete, ObjectInfo.
type directoryModel struct {
	ID              types.String `tfsdk:"id"`
	Path            types.String `tfsdk:"path"`
	DeleteRecursive types.Bool   `tfsdk:"delete_recursive"`
	ObjectID        types.Int64  `tfsdk:"object_id"`
	WorkspacePath   types.String `tfsdk:"workspace_path"`
}

func (r *directoryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_directory"
}

func (r *directoryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A folder in the workspace (with its missing parents), e.g. where a team's notebooks and " +
			"training code live. Destroy refuses a folder that is not empty unless `delete_recursive` is set. Same " +
			"arguments and import id (the path) as `databricks_directory`.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The workspace path."),
			"path": schema.StringAttribute{Required: true, MarkdownDescription: "Absolute workspace path. Changing it replaces the folder.",
				Validators:    []validator.String{stringvalidator.RegexMatches(experimentNameRE, "must be an absolute workspace path")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"delete_recursive": schema.BoolAttribute{Optional: true, MarkdownDescription: "Delete the folder with everything in it on destroy."},
			"object_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "Workspace object id (the permissions API's `directory_id`).",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"workspace_path": computedString("The path under `/Workspace`."),
		},
	}
}

func (r *directoryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *directoryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[directoryModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	p := plan.Path.ValueString()
	if err := w.Workspace.MkdirsByPath(ctx, p); err != nil {
		resp.Diagnostics.AddError("Creating directory failed", fmt.Sprintf("Creating %s: %v", p, err))
		return
	}
	o, err := w.Workspace.GetStatusByPath(ctx, p)
	if err != nil {
		resp.Diagnostics.AddError("Reading directory failed", fmt.Sprintf("%s was created but could not be read: %v", p, err))
		return
	}
	plan.fromAPI(o)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *directoryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[directoryModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	o, found := readObject(ctx, r.data, w, state.ID.ValueString(), workspace.ObjectTypeDirectory, resp)
	if !found {
		return
	}
	state.fromAPI(o)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update only records delete_recursive: the path replaces.
func (r *directoryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan directoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *directoryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[directoryModel](ctx, r.data, req.State, &resp.Diagnostics)
	if ok {
		deleteObject(ctx, w, state.ID.ValueString(), state.DeleteRecursive.ValueBool(), &resp.Diagnostics)
	}
}

func (r *directoryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *directoryModel) fromAPI(o *workspace.ObjectInfo) {
	m.ID, m.Path = types.StringValue(o.Path), types.StringValue(o.Path)
	m.ObjectID, m.WorkspacePath = types.Int64Value(o.ObjectId), types.StringValue("/Workspace"+o.Path)
}
