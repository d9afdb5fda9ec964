package provider

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	pathpkg "path"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// workspaceContent is what brickops_notebook and brickops_workspace_file
// share: a workspace path whose content comes from a local file (`source`)
// or inline (`content_base64`), with the content's MD5 in state. A change
// of the local file changes the planned md5, so it is uploaded again; a
// change in the workspace shows as a new modified_at, which forgets the md5
// so the configured content is uploaded again.
type workspaceContent struct {
	ID            types.String `tfsdk:"id"`
	Path          types.String `tfsdk:"path"`
	Source        types.String `tfsdk:"source"`
	ContentBase64 types.String `tfsdk:"content_base64"`
	MD5           types.String `tfsdk:"md5"`
	ObjectID      types.Int64  `tfsdk:"object_id"`
	WorkspacePath types.String `tfsdk:"workspace_path"`
	ModifiedAt    types.Int64  `tfsdk:"modified_at"`
}

// workspaceContentAttributes are the schema of workspaceContent; kind
// names the object in descriptions.
func workspaceContentAttributes(kind string) map[string]schema.Attribute {
	oneSource := stringvalidator.ExactlyOneOf(path.MatchRoot("source"), path.MatchRoot("content_base64"))
	return map[string]schema.Attribute{
		"id": computedString("The workspace path."),
		"path": schema.StringAttribute{Required: true, MarkdownDescription: fmt.Sprintf("Absolute workspace path of the %s. Changing it replaces the %s.", kind, kind),
			Validators:    []validator.String{stringvalidator.RegexMatches(experimentNameRE, "must be an absolute workspace path")},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		"source": schema.StringAttribute{Optional: true, Validators: []validator.String{oneSource},
			MarkdownDescription: "Local file whose content is uploaded; a change of the file is a change of the " + kind + "."},
		"content_base64": schema.StringAttribute{Optional: true, Validators: []validator.String{oneSource},
			MarkdownDescription: "The content, base64-encoded (e.g. `base64encode(...)`)."},
		"md5": schema.StringAttribute{Computed: true, MarkdownDescription: "MD5 of the content, hex."},
		"object_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "Workspace object id (the permissions API's id).",
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
		"workspace_path": computedString("The path under `/Workspace`, as clusters and jobs see it."),
		"modified_at":    schema.Int64Attribute{Computed: true, MarkdownDescription: "When the content was last written, epoch milliseconds."},
	}
}

// content reads the configured content.
func (c workspaceContent) content() ([]byte, error) {
	if !c.Source.IsNull() {
		b, err := os.ReadFile(c.Source.ValueString())
		if err != nil {
			return nil, fmt.Errorf("reading source: %w", err)
		}
		return b, nil
	}
	b, err := base64.StdEncoding.DecodeString(c.ContentBase64.ValueString())
	if err != nil {
		return nil, fmt.Errorf("content_base64 is not base64: %w", err)
	}
	return b, nil
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// planContent sets the planned md5 from the configured content, and marks
// modified_at unknown when the content changes.
func planContent(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state workspaceContent
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("source"), &plan.Source)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("content_base64"), &plan.ContentBase64)...)
	if resp.Diagnostics.HasError() || plan.Source.IsUnknown() || plan.ContentBase64.IsUnknown() {
		return
	}
	b, err := plan.content()
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("source"), "Cannot read the content", err.Error())
		return
	}
	sum := md5Hex(b)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("md5"), sum)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("md5"), &state.MD5)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("modified_at"), &state.ModifiedAt)...)
		modified := state.ModifiedAt
		if state.MD5.ValueString() != sum {
			modified = types.Int64Unknown()
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("modified_at"), modified)...)
	}
}

// upload imports the content at the path, making the parent folder when
// it is missing (as the official provider does).
func upload(ctx context.Context, w *databricks.WorkspaceClient, c workspaceContent, imp workspace.Import) error {
	b, err := c.content()
	if err != nil {
		return err
	}
	imp.Path, imp.Content, imp.Overwrite = c.Path.ValueString(), base64.StdEncoding.EncodeToString(b), true
	err = w.Workspace.Import(ctx, imp)
	if isNotFound(err) {
		if err := w.Workspace.MkdirsByPath(ctx, pathpkg.Dir(imp.Path)); err != nil {
			return fmt.Errorf("making folder %s: %w", pathpkg.Dir(imp.Path), err)
		}
		err = w.Workspace.Import(ctx, imp)
	}
	return err
}

// fromStatus records what get-status says. A modified_at other than the
// recorded one means the content changed in the workspace: the md5 is
// forgotten so the next plan uploads the configured content again. After an
// import (nothing recorded) the md5 is that of the exported content.
func (c *workspaceContent) fromStatus(ctx context.Context, w *databricks.WorkspaceClient, o *workspace.ObjectInfo, exportFormat workspace.ExportFormat) error {
	switch {
	case c.ModifiedAt.IsNull() || c.ModifiedAt.IsUnknown():
		out, err := w.Workspace.Export(ctx, workspace.ExportRequest{Path: o.Path, Format: exportFormat})
		if err != nil {
			return fmt.Errorf("exporting %s: %w", o.Path, err)
		}
		b, err := base64.StdEncoding.DecodeString(out.Content)
		if err != nil {
			return fmt.Errorf("exported content of %s is not base64: %w", o.Path, err)
		}
		c.MD5 = types.StringValue(md5Hex(b))
	case c.ModifiedAt.ValueInt64() != o.ModifiedAt:
		c.MD5 = types.StringValue("")
	}
	c.ID, c.Path = types.StringValue(o.Path), types.StringValue(o.Path)
	c.ObjectID, c.ModifiedAt = types.Int64Value(o.ObjectId), types.Int64Value(o.ModifiedAt)
	c.WorkspacePath = types.StringValue("/Workspace" + o.Path)
	return nil
}

// readObject is the Read of a content resource: get-status, gone when the
// path holds nothing or something of another type.
func readObject(ctx context.Context, d *providerData, w *databricks.WorkspaceClient, id string, want workspace.ObjectType, resp *resource.ReadResponse) (*workspace.ObjectInfo, bool) {
	o, err := refreshWorkspaceObjects.read(ctx, d, id, w.Workspace.GetStatusByPath)
	if err == nil && o.ObjectType != want {
		err = fmt.Errorf("%s is a %s, not a %s: %w", id, o.ObjectType, want, errNotFound)
	}
	return o, !readFailed(ctx, resp, err, string(want), id)
}

// deleteObject removes the path; an object already gone is fine.
func deleteObject(ctx context.Context, w *databricks.WorkspaceClient, id string, recursive bool, diags *diag.Diagnostics) {
	if err := w.Workspace.Delete(ctx, workspace.Delete{Path: id, Recursive: recursive}); err != nil && !isNotFound(err) {
		diags.AddError("Deleting workspace object failed", fmt.Sprintf("Deleting %s: %v", id, err))
	}
}

// writeContent uploads and records the result in state.
func writeContent[T any](ctx context.Context, w *databricks.WorkspaceClient, m *T, c *workspaceContent, imp workspace.Import, state *tfsdk.State, diags *diag.Diagnostics) {
	if err := upload(ctx, w, *c, imp); err != nil {
		diags.AddError("Uploading workspace content failed", fmt.Sprintf("Uploading %s: %v", c.Path.ValueString(), err))
		return
	}
	o, err := w.Workspace.GetStatusByPath(ctx, c.Path.ValueString())
	if err != nil {
		diags.AddError("Reading workspace object failed", fmt.Sprintf("%s was uploaded but could not be read: %v", c.Path.ValueString(), err))
		return
	}
	b, _ := c.content()
	c.MD5, c.ModifiedAt = types.StringValue(md5Hex(b)), types.Int64Value(o.ModifiedAt)
	c.ID, c.ObjectID, c.WorkspacePath = types.StringValue(o.Path), types.Int64Value(o.ObjectId), types.StringValue("/Workspace"+o.Path)
	diags.Append(state.Set(ctx, m)...)
}
