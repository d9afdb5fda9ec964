package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure      = (*volumeResource)(nil)
	_ resource.ResourceWithImportState    = (*volumeResource)(nil)
	_ resource.ResourceWithValidateConfig = (*volumeResource)(nil)
)

func newVolumeResource() resource.Resource { return &volumeResource{} }

type volumeResource struct{ data *providerData }

// volumeModel has databricks_volume's arguments and attributes (name,
// catalog_name, schema_name, volume_type, storage_location, comment, owner,
// volume_path; id is the full name), so a databricks_volume moves here with
// an import block.
type volumeModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	CatalogName     types.String `tfsdk:"catalog_name"`
	SchemaName      types.String `tfsdk:"schema_name"`
	VolumeType      types.String `tfsdk:"volume_type"`
	StorageLocation types.String `tfsdk:"storage_location"`
	Comment         types.String `tfsdk:"comment"`
	Owner           types.String `tfsdk:"owner"`
	VolumePath      types.String `tfsdk:"volume_path"`
}

func (r *volumeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_volume"
}

func (r *volumeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	catalogName := forceNewString("Catalog holding the volume. Changing it replaces the volume.", true)
	catalogName.Validators = ucNameValidators()
	schemaName := forceNewString("Schema holding the volume. Changing it replaces the volume.", true)
	schemaName.Validators = ucNameValidators()
	location := forceNewString("Where an `EXTERNAL` volume's files live (`abfss://…`, inside an external location); required for "+
		"`EXTERNAL`, not allowed for `MANAGED`, whose location Unity Catalog assigns and reports here. Changing it replaces the volume.", false)
	location.Computed = true
	location.PlanModifiers = append([]planmodifier.String{stringplanmodifier.UseStateForUnknown()}, location.PlanModifiers...)
	renamed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc, PlanModifiers: []planmodifier.String{unlessRenamed{}}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Unity Catalog volume: a governed place for files (training data, model artifacts, " +
			"libraries) inside a schema, read at `/Volumes/<catalog>/<schema>/<volume>`. `MANAGED` volumes live in the " +
			"schema's storage and their files are deleted with them; `EXTERNAL` ones point at a path in an external location. " +
			"Same arguments and import id as `databricks_volume`.",
		Attributes: map[string]schema.Attribute{
			"id": renamed("`<catalog>.<schema>.<volume>`."),
			"name": schema.StringAttribute{
				Required: true, Validators: ucNameValidators(),
				MarkdownDescription: "Volume name, unique in its schema (case-insensitive; stored in lower case). Changing it renames the volume in place.",
			},
			"catalog_name": catalogName,
			"schema_name":  schemaName,
			"volume_type": schema.StringAttribute{
				Required: true, MarkdownDescription: "`MANAGED` or `EXTERNAL`. Changing it replaces the volume.",
				Validators:    []validator.String{stringvalidator.OneOf(string(catalog.VolumeTypeManaged), string(catalog.VolumeTypeExternal))},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"storage_location": location,
			"comment":          commentAttribute("volume"),
			"owner":            ownerAttribute("volume"),
			"volume_path":      renamed("Path of the volume's files, `/Volumes/<catalog>/<schema>/<volume>`."),
		},
	}
}

// ValidateConfig catches at plan time what the Volumes API would refuse at
// apply: the storage location belongs to EXTERNAL volumes only.
func (r *volumeResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m volumeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.VolumeType.IsUnknown() || m.StorageLocation.IsUnknown() {
		return
	}
	switch hasLocation := !m.StorageLocation.IsNull(); {
	case m.VolumeType.ValueString() == string(catalog.VolumeTypeExternal) && !hasLocation:
		resp.Diagnostics.AddAttributeError(path.Root("storage_location"), "Missing storage_location",
			"An EXTERNAL volume needs storage_location: the abfss:// path (inside an external location) its files live at.")
	case m.VolumeType.ValueString() == string(catalog.VolumeTypeManaged) && hasLocation:
		resp.Diagnostics.AddAttributeError(path.Root("storage_location"), "storage_location not allowed",
			"A MANAGED volume lives in its schema's storage; remove storage_location, or make the volume EXTERNAL.")
	}
}

func (r *volumeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *volumeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan volumeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	create := catalog.CreateVolumeRequestContent{
		CatalogName: plan.CatalogName.ValueString(), SchemaName: plan.SchemaName.ValueString(), Name: plan.Name.ValueString(),
		VolumeType: catalog.VolumeType(plan.VolumeType.ValueString()), StorageLocation: plan.StorageLocation.ValueString(),
		Comment: plan.Comment.ValueString(),
	}
	full := strings.Join([]string{create.CatalogName, create.SchemaName, create.Name}, ".")
	var info *catalog.VolumeInfo
	err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "volume", typeName: "brickops_volume", importID: full,
		create: func(ctx context.Context) (err error) { info, err = w.Volumes.Create(ctx, create); return err },
		existing: func(ctx context.Context) (origin, error) {
			var err error
			if info, err = w.Volumes.ReadByName(ctx, full); err != nil {
				return origin{}, err
			}
			return origin{createdBy: info.CreatedBy, createdAt: millis(info.CreatedAt), differs: differs(
				[3]string{"volume_type", string(create.VolumeType), string(info.VolumeType)},
				[3]string{"storage_location", strings.TrimSuffix(create.StorageLocation, "/"), strings.TrimSuffix(info.StorageLocation, "/")},
				[3]string{"comment", create.Comment, info.Comment})}, nil
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating volume failed", fmt.Sprintf("Creating volume %q: %v", full, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), info.FullName)...)
	if owner := plan.Owner.ValueString(); owner != "" && owner != info.Owner {
		if info, err = updateVolume(ctx, r.data, info.FullName, map[string]any{"owner": owner}); err != nil {
			resp.Diagnostics.AddError("Setting volume owner failed", fmt.Sprintf("Volume %q was created but its owner could not be set to %q: %v", full, owner, err))
			return
		}
	}
	plan.fromAPI(info)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *volumeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state volumeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	info, err := refreshVolumes.read(ctx, r.data, state.ID.ValueString(), w.Volumes.ReadByName)
	if readFailed(ctx, resp, err, "volume", fmt.Sprintf("volume %q", state.ID.ValueString())) {
		return
	}
	state.fromAPI(info)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes comment and owner and renames the volume in place
// (new_name), as databricks_volume does; the id follows the new name.
func (r *volumeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state volumeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The comment is always sent so that removing it clears it.
	body := map[string]any{"comment": plan.Comment.ValueString()}
	if !plan.Owner.IsUnknown() && !plan.Owner.IsNull() {
		body["owner"] = plan.Owner.ValueString()
	}
	if !strings.EqualFold(plan.Name.ValueString(), state.Name.ValueString()) {
		body["new_name"] = plan.Name.ValueString()
	}
	info, err := updateVolume(ctx, r.data, state.ID.ValueString(), body)
	if err != nil {
		resp.Diagnostics.AddError("Updating volume failed", fmt.Sprintf("Updating volume %q: %v", state.ID.ValueString(), err))
		return
	}
	plan.fromAPI(info)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *volumeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state volumeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := w.Volumes.DeleteByName(ctx, state.ID.ValueString()); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting volume failed", fmt.Sprintf("Deleting volume %q: %v", state.ID.ValueString(), err))
	}
}

func (r *volumeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if parts := strings.Split(req.ID, "."); len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a volume by its full name <catalog>.<schema>.<volume>, got %q.", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// updateVolume PATCHes a volume with exactly body (the SDK's typed update
// drops an empty comment, which is how a comment is cleared).
func updateVolume(ctx context.Context, d *providerData, full string, body map[string]any) (*catalog.VolumeInfo, error) {
	w, diags := d.workspace()
	if diags.HasError() {
		return nil, fmt.Errorf("no workspace client")
	}
	var info catalog.VolumeInfo
	if err := patchUC(ctx, w, "/api/2.1/unity-catalog/volumes/"+full, body, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

func (m *volumeModel) fromAPI(v *catalog.VolumeInfo) {
	m.ID = types.StringValue(v.FullName)
	m.Name = sameName(m.Name, v.Name)
	m.CatalogName = sameName(m.CatalogName, v.CatalogName)
	m.SchemaName = sameName(m.SchemaName, v.SchemaName)
	m.VolumeType = types.StringValue(string(v.VolumeType))
	// Keep the configured spelling when the service stores the location
	// without (or with) a trailing slash.
	if strings.TrimSuffix(m.StorageLocation.ValueString(), "/") != strings.TrimSuffix(v.StorageLocation, "/") || m.StorageLocation.IsUnknown() || m.StorageLocation.IsNull() {
		m.StorageLocation = types.StringValue(v.StorageLocation)
	}
	m.Comment = optionalString(m.Comment, v.Comment)
	m.Owner = types.StringValue(v.Owner)
	m.VolumePath = types.StringValue(volumePath(v.FullName))
}

// volumePath is where a volume's files are read: /Volumes/c/s/v.
func volumePath(full string) string { return "/Volumes/" + strings.ReplaceAll(full, ".", "/") }

// unlessRenamed plans a value derived from the volume's full name (id,
// volume_path) as unchanged unless the update renames the volume.
type unlessRenamed struct{}

func (unlessRenamed) Description(context.Context) string {
	return "Unchanged unless the name changes."
}

func (m unlessRenamed) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (unlessRenamed) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || req.Plan.Raw.IsNull() {
		return
	}
	var planned, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("name"), &prior)...)
	if !planned.IsUnknown() && strings.EqualFold(planned.ValueString(), prior.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
