package provider

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	dbclient "github.com/databricks/databricks-sdk-go/client"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ resource.ResourceWithConfigure      = (*featureTableResource)(nil)
	_ resource.ResourceWithImportState    = (*featureTableResource)(nil)
	_ resource.ResourceWithValidateConfig = (*featureTableResource)(nil)
)

func newFeatureTableResource() resource.Resource { return &featureTableResource{} }

// featureTableResource is a feature table: a Unity Catalog Delta table with
// a primary key (optionally with a timeseries column), made through the
// tables and table constraints APIs; its tags are Unity Catalog tags.
type featureTableResource struct{ data *providerData }

type featureTableModel struct {
	ID             types.String         `tfsdk:"id"`
	CatalogName    types.String         `tfsdk:"catalog_name"`
	SchemaName     types.String         `tfsdk:"schema_name"`
	Name           types.String         `tfsdk:"name"`
	Columns        []featureColumnModel `tfsdk:"columns"`
	PrimaryKeys    types.List           `tfsdk:"primary_keys"`
	TimeseriesKey  types.String         `tfsdk:"timeseries_key"`
	Description    types.String         `tfsdk:"description"`
	Tags           types.Map            `tfsdk:"tags"`
	TableID        types.String         `tfsdk:"table_id"`
	ConstraintName types.String         `tfsdk:"constraint_name"`
}

type featureColumnModel struct {
	Name     types.String `tfsdk:"name"`
	TypeName types.String `tfsdk:"type_name"`
	Comment  types.String `tfsdk:"comment"`
}

func (r *featureTableResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_feature_table"
}

func (r *featureTableResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	var columnType catalog.ColumnTypeName
	resp.Schema = schema.Schema{
		MarkdownDescription: "A feature table: a managed Delta table in Unity Catalog with a primary key — optionally with a " +
			"timeseries column for point-in-time lookups — that Feature Engineering, online tables and serving endpoints " +
			"use. Primary key columns are created `NOT NULL`. Tags change in place; the table's shape (columns, keys, " +
			"description) replaces it, which drops its data.",
		Attributes: map[string]schema.Attribute{
			"id":           computedString("Full name `<catalog>.<schema>.<name>`."),
			"catalog_name": forceNewString("Catalog of the table.", true),
			"schema_name":  forceNewString("Schema of the table.", true),
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Table name (stored in lower case).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    ucNameValidators(),
			},
			"columns": schema.ListNestedAttribute{
				Required: true, MarkdownDescription: "Columns of the table, in order.",
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
				Validators:    []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "Column name."},
					"type_name": schema.StringAttribute{
						Required: true, MarkdownDescription: "Type: `LONG`, `INT`, `DOUBLE`, `STRING`, `TIMESTAMP`, `DATE`, `BOOLEAN`, …",
						Validators: []validator.String{stringvalidator.OneOf(enumValues(columnType.Values())...)},
					},
					"comment": schema.StringAttribute{Optional: true, MarkdownDescription: "Column description."},
				}},
			},
			"primary_keys": schema.ListAttribute{
				ElementType: types.StringType, Required: true,
				MarkdownDescription: "Columns of the primary key (the lookup key); they are created NOT NULL.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues()},
			},
			"timeseries_key": forceNewString("Primary key column holding the event time, for point-in-time correct lookups.", false),
			"description":    forceNewString("Description of the table (its comment).", false),
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Unity Catalog tags of the table; change in place.",
			},
			"table_id":        computedString("Unity Catalog id of the table."),
			"constraint_name": computedString("Name of the primary key constraint (`<name>_pk`)."),
		},
	}
}

func (r *featureTableResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks that the keys name columns, and the timeseries
// key is one of the primary keys, as Unity Catalog requires.
func (r *featureTableResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m featureTableModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.PrimaryKeys.IsUnknown() {
		return
	}
	columns := map[string]bool{}
	for _, c := range m.Columns {
		if c.Name.IsUnknown() {
			return
		}
		columns[strings.ToLower(c.Name.ValueString())] = true
	}
	keys := stringsOf(ctx, m.PrimaryKeys, &resp.Diagnostics)
	for _, k := range keys {
		if !columns[strings.ToLower(k)] {
			resp.Diagnostics.AddAttributeError(path.Root("primary_keys"), "Unknown primary key column",
				fmt.Sprintf("Primary key %q is not one of the table's columns (%s).", k, strings.Join(slices.Sorted(maps.Keys(columns)), ", ")))
		}
	}
	if ts := m.TimeseriesKey; !ts.IsNull() && !ts.IsUnknown() && !slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, ts.ValueString()) }) {
		resp.Diagnostics.AddAttributeError(path.Root("timeseries_key"), "Timeseries key not in primary key",
			fmt.Sprintf("timeseries_key %q must be one of primary_keys (%s).", ts.ValueString(), strings.Join(keys, ", ")))
	}
}

func (m featureTableModel) fullName() string {
	return strings.ToLower(m.CatalogName.ValueString() + "." + m.SchemaName.ValueString() + "." + m.Name.ValueString())
}

func (r *featureTableResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan featureTableModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	full := plan.fullName()
	keys := stringsOf(ctx, plan.PrimaryKeys, &resp.Diagnostics)
	if err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "table", typeName: "brickops_feature_table", importID: full,
		create: func(ctx context.Context) error { return createFeatureTable(ctx, w, plan, keys) },
		existing: func(ctx context.Context) (origin, error) {
			t, err := w.Tables.GetByFullName(ctx, full)
			if err != nil {
				return origin{}, err
			}
			return origin{createdBy: t.CreatedBy, createdAt: millis(t.CreatedAt), differs: differs([3]string{"description", plan.Description.ValueString(), t.Comment})}, nil
		},
	}); err != nil {
		resp.Diagnostics.AddError("Creating feature table failed", fmt.Sprintf("Creating table %s: %v", full, err))
		return
	}
	pk := &catalog.PrimaryKeyConstraint{Name: plan.Name.ValueString() + "_pk", ChildColumns: keys}
	if ts := plan.TimeseriesKey.ValueString(); ts != "" {
		pk.TimeseriesColumns = []string{ts}
	}
	// The table is this create's (made or adopted above), so a key of the
	// same name already on it is this create's too, met again by a retry.
	if _, err := w.TableConstraints.Create(ctx, catalog.CreateTableConstraint{FullNameArg: full, Constraint: catalog.TableConstraint{PrimaryKeyConstraint: pk}}); err != nil && !isAlreadyExists(err) {
		// Without its key the table is no feature table: do not leave it behind.
		if delErr := w.Tables.DeleteByFullName(ctx, full); delErr != nil {
			tflog.Warn(ctx, "could not remove the table after its primary key failed", map[string]any{"table": full, "error": delErr.Error()})
		}
		resp.Diagnostics.AddError("Creating feature table failed", fmt.Sprintf("Adding primary key %s to table %s: %v", pk.Name, full, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), full)...)
	if err := syncTableTags(ctx, w, full, nil, stringMapOf(ctx, plan.Tags, &resp.Diagnostics)); err != nil {
		resp.Diagnostics.AddError("Tagging feature table failed", fmt.Sprintf("Tagging table %s: %v", full, err))
	}
	r.readInto(ctx, w, full, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// createFeatureTable posts tables/create with the description as the
// table's comment, which the SDK's CreateTableRequest has no field for.
func createFeatureTable(ctx context.Context, w *databricks.WorkspaceClient, m featureTableModel, keys []string) error {
	var columns []map[string]any
	for _, c := range m.Columns {
		isKey := slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, c.Name.ValueString()) })
		col := map[string]any{"name": c.Name.ValueString(), "type_name": c.TypeName.ValueString(),
			"type_text": strings.ToLower(c.TypeName.ValueString()), "nullable": !isKey}
		if v := c.Comment.ValueString(); v != "" {
			col["comment"] = v
		}
		columns = append(columns, col)
	}
	body := map[string]any{
		"catalog_name": m.CatalogName.ValueString(), "schema_name": m.SchemaName.ValueString(), "name": m.Name.ValueString(),
		"table_type": "MANAGED", "data_source_format": "DELTA", "columns": columns,
	}
	if d := m.Description.ValueString(); d != "" {
		body["comment"] = d
	}
	api, err := dbclient.New(w.Config)
	if err != nil {
		return err
	}
	headers := map[string]string{"Accept": "application/json", "Content-Type": "application/json"}
	return api.Do(ctx, http.MethodPost, "/api/2.1/unity-catalog/tables", headers, nil, body, nil)
}

// syncTableTags makes the table's tags `to`, given they are `from`.
func syncTableTags(ctx context.Context, w *databricks.WorkspaceClient, full string, from, to map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(to)) {
		v, had := from[k]
		switch {
		case !had:
			if _, err := w.EntityTagAssignments.Create(ctx, catalog.CreateEntityTagAssignmentRequest{TagAssignment: catalog.EntityTagAssignment{
				EntityType: "tables", EntityName: full, TagKey: k, TagValue: to[k]}}); err != nil && !isAlreadyExists(err) {
				return fmt.Errorf("adding tag %q: %w", k, err)
			}
		case v != to[k]:
			if _, err := w.EntityTagAssignments.Update(ctx, catalog.UpdateEntityTagAssignmentRequest{EntityType: "tables", EntityName: full, TagKey: k,
				TagAssignment: catalog.EntityTagAssignment{EntityType: "tables", EntityName: full, TagKey: k, TagValue: to[k]}, UpdateMask: "tag_value"}); err != nil {
				return fmt.Errorf("changing tag %q: %w", k, err)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(from)) {
		if _, keep := to[k]; !keep {
			if err := w.EntityTagAssignments.Delete(ctx, catalog.DeleteEntityTagAssignmentRequest{EntityType: "tables", EntityName: full, TagKey: k}); err != nil && !isNotFound(err) {
				return fmt.Errorf("removing tag %q: %w", k, err)
			}
		}
	}
	return nil
}

func tableTags(ctx context.Context, w *databricks.WorkspaceClient, full string) (map[string]string, error) {
	all, err := w.EntityTagAssignments.ListAll(ctx, catalog.ListEntityTagAssignmentsRequest{EntityType: "tables", EntityName: full})
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, a := range all {
		tags[a.TagKey] = a.TagValue
	}
	return tags, nil
}

func (r *featureTableResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state featureTableModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	full := state.ID.ValueString()
	if _, err := refreshTables.read(ctx, r.data, full, w.Tables.GetByFullName); isNotFound(err) {
		tflog.Warn(ctx, "feature table is gone; removing it from state", map[string]any{"table": full})
		resp.State.RemoveResource(ctx)
		return
	}
	r.readInto(ctx, w, full, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes tags, the only attribute that does not replace the table.
func (r *featureTableResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state featureTableModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	full := state.ID.ValueString()
	current, err := tableTags(ctx, w, full)
	if err == nil {
		err = syncTableTags(ctx, w, full, current, stringMapOf(ctx, plan.Tags, &resp.Diagnostics))
	}
	if err != nil {
		resp.Diagnostics.AddError("Updating feature table tags failed", fmt.Sprintf("Table %s: %v", full, err))
		return
	}
	r.readInto(ctx, w, full, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *featureTableResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state featureTableModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := w.Tables.DeleteByFullName(ctx, state.ID.ValueString()); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting feature table failed", fmt.Sprintf("Deleting table %s: %v", state.ID.ValueString(), err))
	}
}

func (r *featureTableResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if strings.Count(req.ID, ".") != 2 {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a feature table by its full name <catalog>.<schema>.<table>, got %q.", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// readInto reads the table, its primary key and its tags into m.
func (r *featureTableResource) readInto(ctx context.Context, w *databricks.WorkspaceClient, full string, m *featureTableModel, diags *diag.Diagnostics) {
	t, err := w.Tables.GetByFullName(ctx, full)
	if err != nil {
		diags.AddError("Reading feature table failed", fmt.Sprintf("Reading table %s: %v", full, err))
		return
	}
	tags, err := tableTags(ctx, w, full)
	if err != nil {
		diags.AddError("Reading feature table tags failed", fmt.Sprintf("Reading the tags of table %s: %v", full, err))
		return
	}
	m.ID, m.TableID = types.StringValue(t.FullName), types.StringValue(t.TableId)
	m.CatalogName, m.SchemaName, m.Name = sameName(m.CatalogName, t.CatalogName), sameName(m.SchemaName, t.SchemaName), sameName(m.Name, t.Name)
	m.Description = optionalString(m.Description, t.Comment)
	prior := priorByKey(m.Columns, func(c featureColumnModel) string { return strings.ToLower(c.Name.ValueString()) })
	var columns []featureColumnModel
	for _, c := range t.Columns {
		p := prior[strings.ToLower(c.Name)]
		columns = append(columns, featureColumnModel{Name: sameName(p.Name, c.Name), TypeName: types.StringValue(string(c.TypeName)), Comment: optionalString(p.Comment, c.Comment)})
	}
	m.Columns = columns
	var keys, timeseries []string
	m.ConstraintName = types.StringValue("")
	for _, c := range t.TableConstraints {
		if pk := c.PrimaryKeyConstraint; pk != nil {
			keys, timeseries = pk.ChildColumns, pk.TimeseriesColumns
			m.ConstraintName = types.StringValue(pk.Name)
		}
	}
	priorKeys := stringsOf(ctx, m.PrimaryKeys, diags)
	if slices.EqualFunc(priorKeys, keys, strings.EqualFold) {
		keys = priorKeys
	}
	v, d := types.ListValueFrom(ctx, types.StringType, keys)
	diags.Append(d...)
	m.PrimaryKeys = v
	ts := ""
	if len(timeseries) > 0 {
		ts = timeseries[0]
	}
	if ts == "" {
		m.TimeseriesKey = optionalString(m.TimeseriesKey, "")
	} else {
		m.TimeseriesKey = sameName(m.TimeseriesKey, ts)
	}
	m.Tags = stringMapFromAPI(ctx, m.Tags, tags, diags)
}
