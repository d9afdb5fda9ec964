package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*catalogResource)(nil)
	_ resource.ResourceWithImportState = (*catalogResource)(nil)
)

func newCatalogResource() resource.Resource { return &catalogResource{} }

type catalogResource struct{ data *providerData }

type catalogModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	Comment      types.String `tfsdk:"comment"`
	Owner        types.String `tfsdk:"owner"`
	Properties   types.Map    `tfsdk:"properties"`
	StorageRoot  types.String `tfsdk:"storage_root"`
	ForceDestroy types.Bool   `tfsdk:"force_destroy"`
	MetastoreID  types.String `tfsdk:"metastore_id"`
}

func (r *catalogResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_catalog"
}

func (r *catalogResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	name := forceNewString("Catalog name, unique in the metastore (case-insensitive; stored in lower case). Changing it replaces the catalog.", true)
	name.Validators = ucNameValidators()
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Unity Catalog catalog — in BrickOps, one per environment (`dev`, `staging`, `prod`). " +
			"Destroy refuses a catalog that still holds schemas (other than an empty `default`) unless `force_destroy` is set.",
		Attributes: map[string]schema.Attribute{
			"id":           computedString("The catalog name."),
			"name":         name,
			"comment":      commentAttribute("catalog"),
			"owner":        ownerAttribute("catalog"),
			"properties":   propertiesAttribute("catalog"),
			"storage_root": forceNewString("Managed storage location (`abfss://…`) for the catalog's tables and models, instead of the metastore's. Changing it replaces the catalog.", false),
			"force_destroy": forceDestroyAttribute("Delete the catalog with everything in it (schemas, tables, models and their versions). " +
				"Without it, destroying a catalog that is not empty fails."),
			"metastore_id": computedString("Unity Catalog metastore holding the catalog."),
		},
	}
}

func (r *catalogResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *catalogResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan catalogModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	create := catalog.CreateCatalog{Name: plan.Name.ValueString(), Comment: plan.Comment.ValueString(), StorageRoot: plan.StorageRoot.ValueString()}
	resp.Diagnostics.Append(plan.Properties.ElementsAs(ctx, &create.Properties, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var info *catalog.CatalogInfo
	err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "catalog", typeName: "brickops_catalog", importID: create.Name,
		create: func(ctx context.Context) (err error) { info, err = w.Catalogs.Create(ctx, create); return err },
		existing: func(ctx context.Context) (origin, error) {
			var err error
			if info, err = w.Catalogs.GetByName(ctx, create.Name); err != nil {
				return origin{}, err
			}
			return origin{createdBy: info.CreatedBy, createdAt: millis(info.CreatedAt), differs: differs(
				[3]string{"comment", create.Comment, info.Comment}, [3]string{"storage_root", create.StorageRoot, info.StorageRoot})}, nil
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating catalog failed", fmt.Sprintf("Creating catalog %q: %v", create.Name, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), info.Name)...)
	if owner := plan.Owner.ValueString(); owner != "" && owner != info.Owner {
		info, err = updateCatalog(ctx, w, info.Name, map[string]any{"owner": owner})
		if err != nil {
			resp.Diagnostics.AddError("Setting catalog owner failed", fmt.Sprintf("Catalog %q was created but its owner could not be set to %q: %v", create.Name, owner, err))
			return
		}
	}
	plan.fromAPI(ctx, info, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *catalogResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state catalogModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	info, err := refreshCatalogs.read(ctx, r.data, state.ID.ValueString(), w.Catalogs.GetByName)
	if readFailed(ctx, resp, err, "catalog", fmt.Sprintf("catalog %q", state.ID.ValueString())) {
		return
	}
	state.fromAPI(ctx, info, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *catalogResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if onlyForceDestroyChanged(req.Plan, req.State) {
		setForceDestroyOnly(ctx, req, resp)
		return
	}
	var plan, state catalogModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	body := securableBody(ctx, plan.Comment, plan.Owner, plan.Properties, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	info, err := updateCatalog(ctx, w, state.ID.ValueString(), body)
	if err != nil {
		resp.Diagnostics.AddError("Updating catalog failed", fmt.Sprintf("Updating catalog %q: %v", state.ID.ValueString(), err))
		return
	}
	plan.fromAPI(ctx, info, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *catalogResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state catalogModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, force := state.ID.ValueString(), state.ForceDestroy.ValueBool()
	if !force {
		// Unity Catalog creates a `default` schema in every catalog, which
		// would make every catalog "not empty". Drop it when it is empty
		// (the delete is refused otherwise, and the error says why).
		err := w.Schemas.Delete(ctx, catalog.DeleteSchemaRequest{FullName: name + ".default"})
		if err != nil && !isNotFound(err) {
			resp.Diagnostics.AddError("Deleting catalog failed", fmt.Sprintf("Catalog %q: its default schema is not empty: %v. "+
				"Delete what it holds, or set force_destroy = true to delete the catalog with everything in it.", name, err))
			return
		}
	}
	err := w.Catalogs.Delete(ctx, catalog.DeleteCatalogRequest{Name: name, Force: force})
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting catalog failed", fmt.Sprintf("Deleting catalog %q: %v. "+
			"Delete its schemas first, or set force_destroy = true to delete the catalog with everything in it.", name, err))
	}
}

func (r *catalogResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func updateCatalog(ctx context.Context, w *databricks.WorkspaceClient, name string, body map[string]any) (*catalog.CatalogInfo, error) {
	var info catalog.CatalogInfo
	if err := patchUC(ctx, w, "/api/2.1/unity-catalog/catalogs/"+name, body, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

func (m *catalogModel) fromAPI(ctx context.Context, c *catalog.CatalogInfo, diags *diag.Diagnostics) {
	m.ID = types.StringValue(c.Name)
	m.Name = sameName(m.Name, c.Name)
	m.Comment = optionalString(m.Comment, c.Comment)
	m.Owner = types.StringValue(c.Owner)
	m.Properties = stringMapFromAPI(ctx, m.Properties, c.Properties, diags)
	m.StorageRoot = optionalString(m.StorageRoot, c.StorageRoot)
	m.MetastoreID = types.StringValue(c.MetastoreId)
}
