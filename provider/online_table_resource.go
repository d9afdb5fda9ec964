package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const defaultOnlineTableTimeout = time.Hour

var (
	_ resource.ResourceWithConfigure   = (*onlineTableResource)(nil)
	_ resource.ResourceWithImportState = (*onlineTableResource)(nil)
)

func newOnlineTableResource() resource.Resource { return &onlineTableResource{} }

// onlineTableResource is an online table: a low-latency copy of a feature
// table that serving endpoints look features up in. The API cannot change
// one, so every setting replaces it.
type onlineTableResource struct{ data *providerData }

type onlineTableModel struct {
	ID                            types.String           `tfsdk:"id"`
	Name                          types.String           `tfsdk:"name"`
	SourceTableFullName           types.String           `tfsdk:"source_table_full_name"`
	PrimaryKeyColumns             types.List             `tfsdk:"primary_key_columns"`
	TimeseriesKey                 types.String           `tfsdk:"timeseries_key"`
	RunTriggered                  *schedulingPolicyModel `tfsdk:"run_triggered"`
	RunContinuously               *schedulingPolicyModel `tfsdk:"run_continuously"`
	PerformFullCopy               types.Bool             `tfsdk:"perform_full_copy"`
	PipelineID                    types.String           `tfsdk:"pipeline_id"`
	TableServingURL               types.String           `tfsdk:"table_serving_url"`
	DetailedState                 types.String           `tfsdk:"detailed_state"`
	UnityCatalogProvisioningState types.String           `tfsdk:"unity_catalog_provisioning_state"`
	Timeouts                      timeouts.Value         `tfsdk:"timeouts"`
}

// schedulingPolicyModel is an (empty) run_triggered or run_continuously.
type schedulingPolicyModel struct{}

func (r *onlineTableResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_online_table"
}

func (r *onlineTableResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	policies := []path.Expression{path.MatchRoot("run_triggered"), path.MatchRoot("run_continuously")}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An online table: a read-optimised copy of a feature table (`brickops_feature_table`) for " +
			"low-latency lookups by serving endpoints. Create waits until the table is online. The API cannot change an " +
			"online table, so every setting replaces it.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("Full name of the online table."),
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Full name `<catalog>.<schema>.<table>` of the online table.",
				PlanModifiers: []planmodifier.String{stringRequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(threePartName, "must be <catalog>.<schema>.<table>")},
			},
			"source_table_full_name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Full name of the source (feature) table.",
				PlanModifiers: []planmodifier.String{stringRequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(threePartName, "must be <catalog>.<schema>.<table>")},
			},
			"primary_key_columns": schema.ListAttribute{
				ElementType: types.StringType, Required: true, MarkdownDescription: "Columns rows are looked up by.",
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
				Validators:    []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"timeseries_key": forceNewString("Column that breaks ties between rows with the same key (the latest wins).", false),
			"run_triggered": schema.SingleNestedAttribute{
				Optional: true, Attributes: map[string]schema.Attribute{},
				MarkdownDescription: "Sync once, then when triggered (`run_triggered = {}`). Exactly one of `run_triggered` and `run_continuously`.",
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Validators:          []validator.Object{objectvalidator.ExactlyOneOf(policies...)},
			},
			"run_continuously": schema.SingleNestedAttribute{
				Optional: true, Attributes: map[string]schema.Attribute{},
				MarkdownDescription: "Keep syncing the source's changes (`run_continuously = {}`).",
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
			},
			"perform_full_copy": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Copy the whole source at each sync instead of its change feed (only with `run_triggered`).",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"pipeline_id":                      computedString("Id of the synchronisation pipeline."),
			"table_serving_url":                computedString("REST URL serving the table's rows."),
			"detailed_state":                   computedString("Sync state, e.g. `ONLINE_NO_PENDING_UPDATE`, `ONLINE_CONTINUOUS_UPDATE`, `ONLINE_PIPELINE_FAILED`."),
			"unity_catalog_provisioning_state": computedString("Provisioning state of the table in Unity Catalog, e.g. `ACTIVE`."),
			"timeouts":                         timeouts.Attributes(ctx, timeouts.Opts{Create: true}),
		},
	}
}

func stringRequiresReplace() planmodifier.String {
	return stringRequiresReplaceIgnoringCase{}
}

// stringRequiresReplaceIgnoringCase replaces the resource when a Unity
// Catalog name changes other than in letter case (names are stored lower-case).
// A name unknown at plan time (the source feature table is being renamed,
// so replaced) may change, so it replaces too: planning an in-place update
// there made Terraform fail the apply with "inconsistent final plan".
type stringRequiresReplaceIgnoringCase struct{}

func (stringRequiresReplaceIgnoringCase) Description(context.Context) string {
	return "Changing the name (other than its letter case), or a name not known until apply, replaces the resource."
}
func (m stringRequiresReplaceIgnoringCase) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}
func (stringRequiresReplaceIgnoringCase) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	if req.PlanValue.IsUnknown() || !strings.EqualFold(req.StateValue.ValueString(), req.PlanValue.ValueString()) {
		resp.RequiresReplace = true
	}
}

func (r *onlineTableResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *onlineTableResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan onlineTableModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultOnlineTableTimeout)
	resp.Diagnostics.Append(diags...)
	spec := &catalog.OnlineTableSpec{
		SourceTableFullName: plan.SourceTableFullName.ValueString(), PrimaryKeyColumns: stringsOf(ctx, plan.PrimaryKeyColumns, &resp.Diagnostics),
		TimeseriesKey: plan.TimeseriesKey.ValueString(), PerformFullCopy: plan.PerformFullCopy.ValueBool(),
	}
	if plan.RunTriggered != nil {
		spec.RunTriggered = &catalog.OnlineTableSpecTriggeredSchedulingPolicy{}
	}
	if plan.RunContinuously != nil {
		spec.RunContinuously = &catalog.OnlineTableSpecContinuousSchedulingPolicy{}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	if err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "online table", typeName: "brickops_online_table", importID: strings.ToLower(name),
		create: func(ctx context.Context) error {
			_, err := w.OnlineTables.Create(ctx, catalog.CreateOnlineTableRequest{Table: catalog.OnlineTable{Name: name, Spec: spec}})
			return err
		},
		existing: func(ctx context.Context) (origin, error) {
			// The online table's spec says nothing of its creator; its Unity
			// Catalog table entry does.
			o, err := w.OnlineTables.GetByName(ctx, name)
			if err != nil {
				return origin{}, err
			}
			t, err := w.Tables.GetByFullName(ctx, name)
			if err != nil {
				return origin{}, err
			}
			var source string
			if o.Spec != nil {
				source = o.Spec.SourceTableFullName
			}
			return origin{createdBy: t.CreatedBy, createdAt: millis(t.CreatedAt),
				differs: differs([3]string{"source_table_full_name", strings.ToLower(spec.SourceTableFullName), strings.ToLower(source)})}, nil
		},
	}); err != nil {
		resp.Diagnostics.AddError("Creating online table failed", fmt.Sprintf("Creating online table %s from %s: %v", name, spec.SourceTableFullName, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strings.ToLower(name))...)
	o, err := waitOnline(ctx, w, name, timeout)
	if o != nil {
		plan.fromAPI(ctx, o, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	}
	if err != nil {
		resp.Diagnostics.AddError("Online table did not come online", fmt.Sprintf("Online table %s was created but is not online: %v", name, err))
	}
}

// waitOnline polls until the online table serves (an ONLINE_* state other
// than ONLINE_PIPELINE_FAILED), failing with the table's own message.
func waitOnline(ctx context.Context, w *databricks.WorkspaceClient, name string, timeout time.Duration) (*catalog.OnlineTable, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return poll(ctx, func() (*catalog.OnlineTable, bool, error) {
		o, err := w.OnlineTables.GetByName(ctx, name)
		if err != nil {
			return nil, false, err
		}
		state, message := catalog.OnlineTableState(""), ""
		if o.Status != nil {
			state, message = o.Status.DetailedState, o.Status.Message
		}
		tflog.Info(ctx, "waiting for online table", map[string]any{"name": name, "detailed_state": string(state), "message": message})
		switch state {
		case catalog.OnlineTableStateOnlinePipelineFailed, catalog.OnlineTableStateOfflineFailed:
			return o, false, fmt.Errorf("%s: %s", state, message)
		}
		return o, strings.HasPrefix(string(state), "ONLINE"), nil
	})
}

func (r *onlineTableResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state onlineTableModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	o, err := refreshOnlineTables.read(ctx, r.data, state.ID.ValueString(), w.OnlineTables.GetByName)
	if readFailed(ctx, resp, err, "online table", "online table "+state.ID.ValueString()) {
		return
	}
	state.fromAPI(ctx, o, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update only ever changes timeouts: every other attribute replaces.
func (r *onlineTableResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan onlineTableModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *onlineTableResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state onlineTableModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := w.OnlineTables.DeleteByName(ctx, state.ID.ValueString()); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting online table failed", fmt.Sprintf("Deleting online table %s: %v", state.ID.ValueString(), err))
	}
}

func (r *onlineTableResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *onlineTableModel) fromAPI(ctx context.Context, o *catalog.OnlineTable, diags *diag.Diagnostics) {
	m.ID, m.Name = types.StringValue(o.Name), sameName(m.Name, o.Name)
	m.TableServingURL = types.StringValue(o.TableServingUrl)
	m.UnityCatalogProvisioningState = types.StringValue(string(o.UnityCatalogProvisioningState))
	m.DetailedState = types.StringValue("")
	if o.Status != nil {
		m.DetailedState = types.StringValue(string(o.Status.DetailedState))
	}
	s := o.Spec
	if s == nil {
		s = &catalog.OnlineTableSpec{}
	}
	m.SourceTableFullName = sameName(m.SourceTableFullName, s.SourceTableFullName)
	keys, d := types.ListValueFrom(ctx, types.StringType, s.PrimaryKeyColumns)
	diags.Append(d...)
	m.PrimaryKeyColumns = keys
	m.TimeseriesKey = optionalString(m.TimeseriesKey, s.TimeseriesKey)
	m.PerformFullCopy = types.BoolValue(s.PerformFullCopy)
	m.PipelineID = types.StringValue(s.PipelineId)
	m.RunTriggered, m.RunContinuously = nil, nil
	if s.RunTriggered != nil {
		m.RunTriggered = &schedulingPolicyModel{}
	}
	if s.RunContinuously != nil {
		m.RunContinuously = &schedulingPolicyModel{}
	}
}
