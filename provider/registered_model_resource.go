package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*registeredModelResource)(nil)
	_ resource.ResourceWithImportState = (*registeredModelResource)(nil)
)

func newRegisteredModelResource() resource.Resource { return &registeredModelResource{} }

type registeredModelResource struct{ data *providerData }

type registeredModelModel struct {
	ID              types.String `tfsdk:"id"`
	CatalogName     types.String `tfsdk:"catalog_name"`
	SchemaName      types.String `tfsdk:"schema_name"`
	Name            types.String `tfsdk:"name"`
	FullName        types.String `tfsdk:"full_name"`
	Comment         types.String `tfsdk:"comment"`
	Owner           types.String `tfsdk:"owner"`
	StorageLocation types.String `tfsdk:"storage_location"`
	ForceDestroy    types.Bool   `tfsdk:"force_destroy"`
}

func (r *registeredModelResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_registered_model"
}

func (r *registeredModelResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	part := func(desc string) schema.StringAttribute {
		a := forceNewString(desc+" Changing it replaces the model.", true)
		a.Validators = ucNameValidators()
		return a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Unity Catalog registered model: the container of a model's versions and aliases. " +
			"Destroy refuses a model that still has versions unless `force_destroy` is set, so that deleting the model " +
			"never silently takes registered versions with it.",
		Attributes: map[string]schema.Attribute{
			"id":           computedString("The model's full name."),
			"catalog_name": part("Catalog of the model."),
			"schema_name":  part("Schema of the model."),
			"name":         part("Model name, unique in its schema (case-insensitive)."),
			"full_name":    computedString("`<catalog>.<schema>.<name>`."),
			"comment":      commentAttribute("model"),
			"owner":        ownerAttribute("model"),
			"storage_location": func() schema.StringAttribute {
				a := forceNewString("Where the versions' artifacts are stored; defaults to the schema's managed storage. Changing it replaces the model.", false)
				a.Computed = true
				a.PlanModifiers = append(a.PlanModifiers, computedString("").PlanModifiers...)
				return a
			}(),
			"force_destroy": forceDestroyAttribute("Delete the model together with its versions. Without it, destroying a model that still has versions fails."),
		},
	}
}

func (r *registeredModelResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *registeredModelResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan registeredModelModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	create := catalog.CreateRegisteredModelRequest{
		CatalogName: plan.CatalogName.ValueString(), SchemaName: plan.SchemaName.ValueString(), Name: plan.Name.ValueString(),
		Comment: plan.Comment.ValueString(), StorageLocation: plan.StorageLocation.ValueString(),
	}
	full := create.CatalogName + "." + create.SchemaName + "." + create.Name
	var info *catalog.RegisteredModelInfo
	err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "registered model", typeName: "brickops_registered_model", importID: full,
		create: func(ctx context.Context) (err error) { info, err = w.RegisteredModels.Create(ctx, create); return err },
		existing: func(ctx context.Context) (origin, error) {
			var err error
			if info, err = w.RegisteredModels.Get(ctx, catalog.GetRegisteredModelRequest{FullName: full}); err != nil {
				return origin{}, err
			}
			return origin{createdBy: info.CreatedBy, createdAt: millis(info.CreatedAt), differs: differs(
				[3]string{"comment", create.Comment, info.Comment}, [3]string{"storage_location", create.StorageLocation, info.StorageLocation})}, nil
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating registered model failed", fmt.Sprintf("Creating registered model %q: %v", full, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), info.FullName)...)
	if owner := plan.Owner.ValueString(); owner != "" && owner != info.Owner {
		info, err = w.RegisteredModels.Update(ctx, catalog.UpdateRegisteredModelRequest{FullName: info.FullName, Owner: owner})
		if err != nil {
			resp.Diagnostics.AddError("Setting model owner failed", fmt.Sprintf("Registered model %q was created but its owner could not be set to %q: %v", full, owner, err))
			return
		}
	}
	plan.fromAPI(info)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *registeredModelResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state registeredModelModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	info, err := refreshRegisteredModels.read(ctx, r.data, state.ID.ValueString(), w.RegisteredModels.GetByFullName)
	if readFailed(ctx, resp, err, "registered model", fmt.Sprintf("registered model %q", state.ID.ValueString())) {
		return
	}
	state.fromAPI(info)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *registeredModelResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if onlyForceDestroyChanged(req.Plan, req.State) {
		setForceDestroyOnly(ctx, req, resp)
		return
	}
	var plan, state registeredModelModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	update := catalog.UpdateRegisteredModelRequest{FullName: state.ID.ValueString(), Comment: plan.Comment.ValueString(), ForceSendFields: []string{"Comment"}}
	if !plan.Owner.IsUnknown() {
		update.Owner = plan.Owner.ValueString()
	}
	info, err := w.RegisteredModels.Update(ctx, update)
	if err != nil {
		resp.Diagnostics.AddError("Updating registered model failed", fmt.Sprintf("Updating registered model %q: %v", update.FullName, err))
		return
	}
	plan.fromAPI(info)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *registeredModelResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state registeredModelModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	full := state.ID.ValueString()
	if !state.ForceDestroy.ValueBool() {
		versions, err := listVersionNumbers(ctx, w, full)
		if err != nil && !isNotFound(err) {
			resp.Diagnostics.AddError("Deleting registered model failed", fmt.Sprintf("Listing the versions of %q: %v", full, err))
			return
		}
		if len(versions) > 0 {
			resp.Diagnostics.AddError("Registered model still has versions", fmt.Sprintf(
				"Registered model %q still has %d version(s) (%s). Delete them first, or set force_destroy = true to delete the model with its versions.",
				full, len(versions), joinInts(versions)))
			return
		}
	}
	if err := w.RegisteredModels.DeleteByFullName(ctx, full); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting registered model failed", fmt.Sprintf("Deleting registered model %q: %v", full, err))
	}
}

func (r *registeredModelResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isModelFullName(req.ID) {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a registered model by its full name <catalog>.<schema>.<model>, got %q.", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *registeredModelModel) fromAPI(info *catalog.RegisteredModelInfo) {
	m.ID, m.FullName = types.StringValue(info.FullName), types.StringValue(info.FullName)
	m.CatalogName = sameName(m.CatalogName, info.CatalogName)
	m.SchemaName = sameName(m.SchemaName, info.SchemaName)
	m.Name = sameName(m.Name, info.Name)
	m.Comment = optionalString(m.Comment, info.Comment)
	m.Owner = types.StringValue(info.Owner)
	m.StorageLocation = types.StringValue(info.StorageLocation)
}

// isModelFullName reports whether s has the three non-empty parts of a
// model's full name.
func isModelFullName(s string) bool {
	parts := strings.Split(s, ".")
	return len(parts) == 3 && !slices.Contains(parts, "")
}

// listVersionNumbers lists a model's version numbers, oldest first.
func listVersionNumbers(ctx context.Context, w *databricks.WorkspaceClient, full string) ([]int, error) {
	versions, err := w.ModelVersions.ListAll(ctx, catalog.ListModelVersionsRequest{FullName: full})
	if err != nil {
		return nil, err
	}
	out := make([]int, len(versions))
	for i, v := range versions {
		out[i] = v.Version
	}
	slices.Sort(out)
	return out, nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
