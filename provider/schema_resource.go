package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*schemaResource)(nil)
	_ resource.ResourceWithImportState = (*schemaResource)(nil)
)

func newSchemaResource() resource.Resource { return &schemaResource{} }

type schemaResource struct{ data *providerData }

type schemaModel struct {
	ID           types.String `tfsdk:"id"`
	CatalogName  types.String `tfsdk:"catalog_name"`
	Name         types.String `tfsdk:"name"`
	FullName     types.String `tfsdk:"full_name"`
	Comment      types.String `tfsdk:"comment"`
	Owner        types.String `tfsdk:"owner"`
	Properties   types.Map    `tfsdk:"properties"`
	StorageRoot  types.String `tfsdk:"storage_root"`
	ForceDestroy types.Bool   `tfsdk:"force_destroy"`
	SchemaID     types.String `tfsdk:"schema_id"`
}

func (r *schemaResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_schema"
}

func (r *schemaResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	catalogName := forceNewString("Catalog holding the schema. Changing it replaces the schema.", true)
	catalogName.Validators = ucNameValidators()
	name := forceNewString("Schema name, unique in its catalog (case-insensitive). Changing it replaces the schema.", true)
	name.Validators = ucNameValidators()
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Unity Catalog schema (database) inside a catalog: where registered models, feature tables " +
			"and monitors live. Destroy refuses a schema that still holds tables or models unless `force_destroy` is set.",
		Attributes: map[string]schema.Attribute{
			"id":           computedString("`<catalog>.<schema>`."),
			"catalog_name": catalogName,
			"name":         name,
			"full_name":    computedString("`<catalog>.<schema>`."),
			"comment":      commentAttribute("schema"),
			"owner":        ownerAttribute("schema"),
			"properties":   propertiesAttribute("schema"),
			"storage_root": forceNewString("Managed storage location for the schema's tables and models. Changing it replaces the schema.", false),
			"force_destroy": forceDestroyAttribute("Delete the schema with its tables, registered models and model versions. " +
				"Without it, destroying a schema that is not empty fails."),
			"schema_id": computedString("Unique id of the schema."),
		},
	}
}

func (r *schemaResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *schemaResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan schemaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	create := catalog.CreateSchema{
		CatalogName: plan.CatalogName.ValueString(), Name: plan.Name.ValueString(),
		Comment: plan.Comment.ValueString(), StorageRoot: plan.StorageRoot.ValueString(),
	}
	resp.Diagnostics.Append(plan.Properties.ElementsAs(ctx, &create.Properties, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	full := create.CatalogName + "." + create.Name
	var info *catalog.SchemaInfo
	err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "schema", typeName: "brickops_schema", importID: full,
		create: func(ctx context.Context) (err error) { info, err = w.Schemas.Create(ctx, create); return err },
		existing: func(ctx context.Context) (origin, error) {
			var err error
			if info, err = w.Schemas.GetByFullName(ctx, full); err != nil {
				return origin{}, err
			}
			return origin{createdBy: info.CreatedBy, createdAt: millis(info.CreatedAt), differs: differs(
				[3]string{"comment", create.Comment, info.Comment}, [3]string{"storage_root", create.StorageRoot, info.StorageRoot})}, nil
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating schema failed", fmt.Sprintf("Creating schema %q: %v", full, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), info.FullName)...)
	if owner := plan.Owner.ValueString(); owner != "" && owner != info.Owner {
		var updated catalog.SchemaInfo
		if err := patchUC(ctx, w, "/api/2.1/unity-catalog/schemas/"+info.FullName, map[string]any{"owner": owner}, &updated); err != nil {
			resp.Diagnostics.AddError("Setting schema owner failed", fmt.Sprintf("Schema %q was created but its owner could not be set to %q: %v", full, owner, err))
			return
		}
		info = &updated
	}
	plan.fromAPI(ctx, info, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *schemaResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state schemaModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	info, err := refreshSchemas.read(ctx, r.data, state.ID.ValueString(), w.Schemas.GetByFullName)
	if readFailed(ctx, resp, err, "schema", fmt.Sprintf("schema %q", state.ID.ValueString())) {
		return
	}
	state.fromAPI(ctx, info, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *schemaResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if onlyForceDestroyChanged(req.Plan, req.State) {
		setForceDestroyOnly(ctx, req, resp)
		return
	}
	var plan, state schemaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	body := securableBody(ctx, plan.Comment, plan.Owner, plan.Properties, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var info catalog.SchemaInfo
	if err := patchUC(ctx, w, "/api/2.1/unity-catalog/schemas/"+state.ID.ValueString(), body, &info); err != nil {
		resp.Diagnostics.AddError("Updating schema failed", fmt.Sprintf("Updating schema %q: %v", state.ID.ValueString(), err))
		return
	}
	plan.fromAPI(ctx, &info, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *schemaResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state schemaModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	full := state.ID.ValueString()
	err := w.Schemas.Delete(ctx, catalog.DeleteSchemaRequest{FullName: full, Force: state.ForceDestroy.ValueBool()})
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting schema failed", fmt.Sprintf("Deleting schema %q: %v. "+
			"Delete what it holds first, or set force_destroy = true to delete the schema with everything in it.", full, err))
	}
}

func (r *schemaResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if parts := strings.Split(req.ID, "."); len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a schema by its full name <catalog>.<schema>, got %q.", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *schemaModel) fromAPI(ctx context.Context, s *catalog.SchemaInfo, diags *diag.Diagnostics) {
	m.ID, m.FullName = types.StringValue(s.FullName), types.StringValue(s.FullName)
	m.CatalogName = sameName(m.CatalogName, s.CatalogName)
	m.Name = sameName(m.Name, s.Name)
	m.Comment = optionalString(m.Comment, s.Comment)
	m.Owner = types.StringValue(s.Owner)
	m.Properties = stringMapFromAPI(ctx, m.Properties, s.Properties, diags)
	m.StorageRoot = optionalString(m.StorageRoot, s.StorageRoot)
	m.SchemaID = types.StringValue(s.SchemaId)
}
