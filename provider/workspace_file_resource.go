package provider

import (
	"context"

	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

var (
	_ resource.ResourceWithConfigure   = (*workspaceFileResource)(nil)
	_ resource.ResourceWithImportState = (*workspaceFileResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*workspaceFileResource)(nil)
)

func newWorkspaceFileResource() resource.Resource { return &workspaceFileResource{} }

type workspaceFileResource struct{ data *providerData }

// workspaceFileModel mirrors databricks_workspace_file (path, source,
// content_base64, md5, object_id, workspace_path); uploaded as RAW
// (databricks-sdk-go service/workspace ImportFormatRaw), so a .py file
// stays a file even when it reads like a notebook.
type workspaceFileModel struct {
	workspaceContent
}

func (r *workspaceFileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspace_file"
}

func (r *workspaceFileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A file in the workspace — training code a job runs, a requirements file — uploaded from a local " +
			"file (`source`) or inline (`content_base64`); its MD5 is in state, so editing the file is a change to apply. " +
			"Same arguments and import id (the path) as `databricks_workspace_file`.",
		Attributes: workspaceContentAttributes("file"),
	}
}

func (r *workspaceFileResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *workspaceFileResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planContent(ctx, req, resp)
}

var rawImport = workspace.Import{Format: workspace.ImportFormatRaw}

func (r *workspaceFileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[workspaceFileModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if ok {
		writeContent(ctx, w, &plan, &plan.workspaceContent, rawImport, &resp.State, &resp.Diagnostics)
	}
}

func (r *workspaceFileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, w, ok := begin[workspaceFileModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if ok {
		writeContent(ctx, w, &plan, &plan.workspaceContent, rawImport, &resp.State, &resp.Diagnostics)
	}
}

func (r *workspaceFileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[workspaceFileModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	o, found := readObject(ctx, r.data, w, state.ID.ValueString(), workspace.ObjectTypeFile, resp)
	if !found {
		return
	}
	if err := state.fromStatus(ctx, w, o, workspace.ExportFormatRaw); err != nil {
		resp.Diagnostics.AddError("Reading workspace file failed", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *workspaceFileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[workspaceFileModel](ctx, r.data, req.State, &resp.Diagnostics)
	if ok {
		deleteObject(ctx, w, state.ID.ValueString(), false, &resp.Diagnostics)
	}
}

func (r *workspaceFileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
