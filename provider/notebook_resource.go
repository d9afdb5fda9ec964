package provider

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*notebookResource)(nil)
	_ resource.ResourceWithImportState = (*notebookResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*notebookResource)(nil)
)

func newNotebookResource() resource.Resource { return &notebookResource{} }

type notebookResource struct{ data *providerData }

// notebookModel mirrors databricks_notebook (path, source, content_base64,
// md5, language, format, object_id, workspace_path); API fields:
// databricks-sdk-go service/workspace Import and ObjectInfo.
type notebookModel struct {
	workspaceContent
	Language types.String `tfsdk:"language"`
	Format   types.String `tfsdk:"format"`
}

func (r *notebookResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notebook"
}

func (r *notebookResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := workspaceContentAttributes("notebook")
	attrs["language"] = schema.StringAttribute{Optional: true, Computed: true,
		MarkdownDescription: "`PYTHON`, `SQL`, `SCALA` or `R`; for `SOURCE` it defaults from the `source` file's extension.",
		Validators:          []validator.String{stringvalidator.OneOf(enumValues(new(workspace.Language).Values())...)}}
	attrs["format"] = schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("SOURCE"),
		MarkdownDescription: "`SOURCE` (default) or `JUPYTER` (an .ipynb file).",
		Validators:          []validator.String{stringvalidator.OneOf("SOURCE", "JUPYTER")}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A notebook in the workspace, uploaded from a local file (`source`) or inline " +
			"(`content_base64`); its MD5 is in state, so editing the file is a change to apply. The path is the " +
			"notebook's, without extension. Same arguments and import id (the path) as `databricks_notebook`.",
		Attributes: attrs,
	}
}

func (r *notebookResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *notebookResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planContent(ctx, req, resp)
	var plan notebookModel
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if plan.Language.IsUnknown() && !plan.Source.IsUnknown() {
		lang, ok := map[string]string{".py": "PYTHON", ".sql": "SQL", ".scala": "SCALA", ".r": "R", ".ipynb": "PYTHON"}[lowerExt(plan.Source.ValueString())]
		if !ok && plan.Format.ValueString() == "SOURCE" {
			resp.Diagnostics.AddAttributeError(path.Root("language"), "Missing language",
				"Set language (PYTHON, SQL, SCALA or R): it cannot be told from the source file's extension.")
			return
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("language"), lang)...)
	}
}

func (m notebookModel) importRequest() workspace.Import {
	return workspace.Import{Format: workspace.ImportFormat(m.Format.ValueString()), Language: workspace.Language(m.Language.ValueString())}
}

func (r *notebookResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[notebookModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if ok {
		writeContent(ctx, w, &plan, &plan.workspaceContent, plan.importRequest(), &resp.State, &resp.Diagnostics)
	}
}

func (r *notebookResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, w, ok := begin[notebookModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if ok {
		writeContent(ctx, w, &plan, &plan.workspaceContent, plan.importRequest(), &resp.State, &resp.Diagnostics)
	}
}

func (r *notebookResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[notebookModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	o, found := readObject(ctx, r.data, w, state.ID.ValueString(), workspace.ObjectTypeNotebook, resp)
	if !found {
		return
	}
	if state.Format.IsNull() {
		state.Format = types.StringValue("SOURCE")
	}
	if err := state.fromStatus(ctx, w, o, workspace.ExportFormat(state.Format.ValueString())); err != nil {
		resp.Diagnostics.AddError("Reading notebook failed", err.Error())
		return
	}
	state.Language = types.StringValue(string(o.Language))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *notebookResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[notebookModel](ctx, r.data, req.State, &resp.Diagnostics)
	if ok {
		deleteObject(ctx, w, state.ID.ValueString(), false, &resp.Diagnostics)
	}
}

func (r *notebookResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// lowerExt is the lower-case extension of a file name.
func lowerExt(name string) string { return strings.ToLower(filepath.Ext(name)) }
