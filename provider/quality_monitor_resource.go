package provider

//lint:file-ignore SA1019 Monitors are managed through the Unity Catalog quality monitors API (/api/2.1/unity-catalog/tables/{table}/monitor), which the emulator serves; moving to the data-quality v1 API is a separate change.

import (
	"context"
	"fmt"
	"regexp"
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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const defaultMonitorTimeout = 20 * time.Minute

var (
	_ resource.ResourceWithConfigure   = (*qualityMonitorResource)(nil)
	_ resource.ResourceWithImportState = (*qualityMonitorResource)(nil)
)

func newQualityMonitorResource() resource.Resource { return &qualityMonitorResource{} }

// qualityMonitorResource is a Lakehouse Monitoring monitor on a Unity
// Catalog table: typically a serving endpoint's inference table.
type qualityMonitorResource struct{ data *providerData }

type qualityMonitorModel struct {
	ID                      types.String               `tfsdk:"id"`
	TableName               types.String               `tfsdk:"table_name"`
	AssetsDir               types.String               `tfsdk:"assets_dir"`
	OutputSchemaName        types.String               `tfsdk:"output_schema_name"`
	BaselineTableName       types.String               `tfsdk:"baseline_table_name"`
	InferenceLog            *monitorInferenceLogModel  `tfsdk:"inference_log"`
	TimeSeries              *monitorTimeSeriesModel    `tfsdk:"time_series"`
	Snapshot                *monitorSnapshotModel      `tfsdk:"snapshot"`
	Schedule                *monitorScheduleModel      `tfsdk:"schedule"`
	SlicingExprs            types.List                 `tfsdk:"slicing_exprs"`
	CustomMetrics           []monitorMetricModel       `tfsdk:"custom_metrics"`
	Notifications           *monitorNotificationsModel `tfsdk:"notifications"`
	DataClassification      *dataClassificationModel   `tfsdk:"data_classification_config"`
	SkipBuiltinDashboard    types.Bool                 `tfsdk:"skip_builtin_dashboard"`
	WarehouseID             types.String               `tfsdk:"warehouse_id"`
	WaitForAssets           types.Bool                 `tfsdk:"wait_for_assets"`
	Status                  types.String               `tfsdk:"status"`
	MonitorVersion          types.Int64                `tfsdk:"monitor_version"`
	ProfileMetricsTableName types.String               `tfsdk:"profile_metrics_table_name"`
	DriftMetricsTableName   types.String               `tfsdk:"drift_metrics_table_name"`
	DashboardID             types.String               `tfsdk:"dashboard_id"`
	Timeouts                timeouts.Value             `tfsdk:"timeouts"`
}

type monitorInferenceLogModel struct {
	Granularities      types.List   `tfsdk:"granularities"`
	TimestampCol       types.String `tfsdk:"timestamp_col"`
	ModelIDCol         types.String `tfsdk:"model_id_col"`
	PredictionCol      types.String `tfsdk:"prediction_col"`
	PredictionProbaCol types.String `tfsdk:"prediction_proba_col"`
	LabelCol           types.String `tfsdk:"label_col"`
	ProblemType        types.String `tfsdk:"problem_type"`
}

type monitorTimeSeriesModel struct {
	Granularities types.List   `tfsdk:"granularities"`
	TimestampCol  types.String `tfsdk:"timestamp_col"`
}

// monitorSnapshotModel is the (empty) snapshot profile.
type monitorSnapshotModel struct{}

type monitorScheduleModel struct {
	QuartzCronExpression types.String `tfsdk:"quartz_cron_expression"`
	TimezoneID           types.String `tfsdk:"timezone_id"`
	PauseStatus          types.String `tfsdk:"pause_status"`
}

type monitorMetricModel struct {
	Name           types.String `tfsdk:"name"`
	Definition     types.String `tfsdk:"definition"`
	InputColumns   types.List   `tfsdk:"input_columns"`
	OutputDataType types.String `tfsdk:"output_data_type"`
	Type           types.String `tfsdk:"type"`
}

type monitorNotificationsModel struct {
	OnFailure                      *monitorDestinationModel `tfsdk:"on_failure"`
	OnNewClassificationTagDetected *monitorDestinationModel `tfsdk:"on_new_classification_tag_detected"`
}

type dataClassificationModel struct {
	Enabled types.Bool `tfsdk:"enabled"`
}

type monitorDestinationModel struct {
	EmailAddresses types.List `tfsdk:"email_addresses"`
}

func (r *qualityMonitorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_quality_monitor"
}

func (r *qualityMonitorResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	granularities := schema.ListAttribute{
		ElementType: types.StringType, Required: true,
		MarkdownDescription: "Time windows to aggregate by: `5 minutes`, `30 minutes`, `1 hour`, `1 day`, `<n> week(s)`, `1 month`, `1 year`.",
		Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.RegexMatches(monitorGranularity, "must be one of the supported granularities"))},
	}
	profileReplace := []planmodifier.Object{objectplanmodifier.RequiresReplaceIf(profileTypeChanged,
		"The profile type (inference_log, time_series, snapshot) of a monitor cannot change.", "The profile type of a monitor cannot change.")}
	profiles := []path.Expression{path.MatchRoot("inference_log"), path.MatchRoot("time_series"), path.MatchRoot("snapshot")}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A data quality monitor (Lakehouse Monitoring) on a Unity Catalog table — typically a serving " +
			"endpoint's inference table. It computes profile and drift metrics into two tables of `output_schema_name` on " +
			"its `schedule` or on demand. With `wait_for_assets` (default) apply returns once the monitor is active and its " +
			"metric tables exist. Destroying the monitor keeps its metric tables and dashboard, as Databricks does.",
		Attributes: map[string]schema.Attribute{
			"id":                 computedString("The monitored table's full name."),
			"table_name":         forceNewString("Full name of the monitored table, `<catalog>.<schema>.<table>`.", true),
			"assets_dir":         forceNewString("Workspace directory for the monitor's assets (dashboard, …), e.g. `/Workspace/Shared/monitoring/churn`.", true),
			"output_schema_name": forceNewString("Schema `<catalog>.<schema>` where the metric tables are created.", true),
			"baseline_table_name": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Table with baseline data (same schema) that drift is computed against; without it drift compares consecutive windows.",
			},
			"inference_log": schema.SingleNestedAttribute{
				Optional: true, MarkdownDescription: "Profile a model's inference log. Exactly one of `inference_log`, `time_series`, `snapshot`.",
				PlanModifiers: profileReplace,
				Validators:    []validator.Object{objectvalidator.ExactlyOneOf(profiles...)},
				Attributes: map[string]schema.Attribute{
					"granularities":        granularities,
					"timestamp_col":        schema.StringAttribute{Required: true, MarkdownDescription: "Column with the time of the request."},
					"model_id_col":         schema.StringAttribute{Required: true, MarkdownDescription: "Column with the model (version) that answered."},
					"prediction_col":       schema.StringAttribute{Required: true, MarkdownDescription: "Column with the prediction."},
					"prediction_proba_col": schema.StringAttribute{Optional: true, MarkdownDescription: "Column with prediction probabilities (classification)."},
					"label_col":            schema.StringAttribute{Optional: true, MarkdownDescription: "Column with the ground truth, when known."},
					"problem_type": schema.StringAttribute{
						Required: true, MarkdownDescription: "`PROBLEM_TYPE_CLASSIFICATION` or `PROBLEM_TYPE_REGRESSION`.",
						Validators: []validator.String{stringvalidator.OneOf("PROBLEM_TYPE_CLASSIFICATION", "PROBLEM_TYPE_REGRESSION")},
					},
				},
			},
			"time_series": schema.SingleNestedAttribute{
				Optional: true, MarkdownDescription: "Profile a time series table.", PlanModifiers: profileReplace,
				Attributes: map[string]schema.Attribute{
					"granularities": granularities,
					"timestamp_col": schema.StringAttribute{Required: true, MarkdownDescription: "Column with the timestamp."},
				},
			},
			"snapshot": schema.SingleNestedAttribute{
				Optional: true, MarkdownDescription: "Profile the whole table at each refresh (`snapshot = {}`).", PlanModifiers: profileReplace,
				Attributes: map[string]schema.Attribute{},
			},
			"schedule": schema.SingleNestedAttribute{
				Optional: true, MarkdownDescription: "Refresh the metrics periodically.",
				Attributes: map[string]schema.Attribute{
					"quartz_cron_expression": schema.StringAttribute{Required: true, MarkdownDescription: "Quartz cron expression, e.g. `0 0 6 * * ?` (daily 06:00)."},
					"timezone_id":            schema.StringAttribute{Required: true, MarkdownDescription: "Java time zone id, e.g. `UTC`."},
					"pause_status": schema.StringAttribute{
						Computed: true, MarkdownDescription: "`UNPAUSED` or `PAUSED` (read only).",
						// Editing the schedule does not pause or unpause it.
						PlanModifiers: []planmodifier.String{keepPauseStatus{}},
					},
				},
			},
			"slicing_exprs": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Column expressions to slice the metrics by, e.g. `[\"region\", \"age > 40\"]`.",
			},
			"custom_metrics": schema.ListNestedAttribute{
				Optional: true, MarkdownDescription: "Custom metrics computed with the built-in ones.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":       schema.StringAttribute{Required: true, MarkdownDescription: "Name of the metric in the output tables."},
					"definition": schema.StringAttribute{Required: true, MarkdownDescription: "Jinja SQL template, e.g. `avg({{input_column}})`."},
					"input_columns": schema.ListAttribute{
						ElementType: types.StringType, Required: true,
						MarkdownDescription: "Columns the metric is computed for; `:table` for a metric over several columns.",
					},
					"output_data_type": schema.StringAttribute{Required: true, MarkdownDescription: "Spark SQL type of the result, e.g. `double`."},
					"type": schema.StringAttribute{
						Required: true, MarkdownDescription: "`CUSTOM_METRIC_TYPE_AGGREGATE`, `CUSTOM_METRIC_TYPE_DERIVED` or `CUSTOM_METRIC_TYPE_DRIFT`.",
						Validators: []validator.String{stringvalidator.OneOf("CUSTOM_METRIC_TYPE_AGGREGATE", "CUSTOM_METRIC_TYPE_DERIVED", "CUSTOM_METRIC_TYPE_DRIFT")},
					},
				}},
			},
			"notifications": schema.SingleNestedAttribute{
				Optional: true, MarkdownDescription: "Who is told when a refresh fails or data classification finds a new tag.",
				Attributes: map[string]schema.Attribute{
					"on_failure":                         monitorDestinationAttribute("Destinations for failed refreshes."),
					"on_new_classification_tag_detected": monitorDestinationAttribute("Destinations for newly detected classification tags."),
				},
			},
			"data_classification_config": schema.SingleNestedAttribute{
				Optional: true, MarkdownDescription: "Detect sensitive data (PII) in the monitored table.",
				Attributes: map[string]schema.Attribute{
					"enabled": schema.BoolAttribute{Required: true, MarkdownDescription: "Whether data classification runs."},
				},
			},
			"skip_builtin_dashboard": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Do not create the default dashboard. Only read at creation: changing it replaces the monitor.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"warehouse_id": forceNewString("SQL warehouse that builds the dashboard; default the first running one. Only read at creation.", false),
			"wait_for_assets": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Wait, on create, until the monitor is active and its metric tables exist. Default true.",
			},
			"status":                     computedString("`MONITOR_STATUS_PENDING`, `MONITOR_STATUS_ACTIVE`, `MONITOR_STATUS_ERROR`, `MONITOR_STATUS_FAILED`."),
			"monitor_version":            schema.Int64Attribute{Computed: true, MarkdownDescription: "Version of the monitor's configuration; increases with every update."},
			"profile_metrics_table_name": computedString("Full name of the profile metrics table."),
			"drift_metrics_table_name":   computedString("Full name of the drift metrics table."),
			"dashboard_id":               computedString("Id of the dashboard visualising the metrics (empty with `skip_builtin_dashboard`)."),
			"timeouts":                   timeouts.Attributes(ctx, timeouts.Opts{Create: true}),
		},
	}
}

func monitorDestinationAttribute(desc string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true, MarkdownDescription: desc,
		Attributes: map[string]schema.Attribute{
			"email_addresses": schema.ListAttribute{
				ElementType: types.StringType, Required: true, MarkdownDescription: "At most 5 addresses.",
				Validators: []validator.List{listvalidator.SizeBetween(1, 5)},
			},
		},
	}
}

// profileTypeChanged replaces the monitor when a profile block appears or
// disappears (the service refuses to change the profile type).
func profileTypeChanged(_ context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.State.Raw.IsNull() && req.StateValue.IsNull() != req.PlanValue.IsNull()
}

func (r *qualityMonitorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *qualityMonitorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan qualityMonitorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultMonitorTimeout)
	resp.Diagnostics.Append(diags...)
	s := plan.settings(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	table := plan.TableName.ValueString()
	var m *catalog.MonitorInfo
	err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "quality monitor", typeName: "brickops_quality_monitor", importID: table,
		create: func(ctx context.Context) (err error) {
			m, err = w.QualityMonitors.Create(ctx, catalog.CreateMonitor{
				TableName: table, AssetsDir: plan.AssetsDir.ValueString(), OutputSchemaName: s.OutputSchemaName,
				BaselineTableName: s.BaselineTableName, InferenceLog: s.InferenceLog, TimeSeries: s.TimeSeries, Snapshot: s.Snapshot,
				Schedule: s.Schedule, SlicingExprs: s.SlicingExprs, CustomMetrics: s.CustomMetrics, Notifications: s.Notifications,
				DataClassificationConfig: s.DataClassification, SkipBuiltinDashboard: plan.SkipBuiltinDashboard.ValueBool(), WarehouseId: plan.WarehouseID.ValueString(),
			})
			return err
		},
		existing: func(ctx context.Context) (origin, error) {
			// Monitors record no creator or creation time: one that was
			// never updated (monitor_version 1) and matches the plan is
			// taken as this create's.
			var err error
			if m, err = w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: table}); err != nil {
				return origin{}, err
			}
			return origin{unattributed: true, fresh: m.MonitorVersion <= 1, differs: differs(
				[3]string{"assets_dir", plan.AssetsDir.ValueString(), m.AssetsDir}, [3]string{"output_schema_name", strings.ToLower(s.OutputSchemaName), strings.ToLower(m.OutputSchemaName)})}, nil
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating quality monitor failed", fmt.Sprintf("Creating the monitor of table %q: %v", table, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), table)...)
	if plan.WaitForAssets.ValueBool() {
		m, err = waitMonitorAssets(ctx, w, table, timeout)
	}
	if m != nil {
		plan.fromAPI(ctx, m, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	}
	if err != nil {
		resp.Diagnostics.AddError("Quality monitor did not become active", fmt.Sprintf("The monitor of table %q was created but its assets are not ready: %v", table, err))
	}
}

func (r *qualityMonitorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state qualityMonitorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m, err := refreshQualityMonitors.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, table string) (*catalog.MonitorInfo, error) {
		return w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: table})
	})
	if readFailed(ctx, resp, err, "quality monitor", fmt.Sprintf("the monitor of table %q", state.ID.ValueString())) {
		return
	}
	state.fromAPI(ctx, m, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *qualityMonitorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state qualityMonitorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	s := plan.settings(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	table := state.ID.ValueString()
	// PUT replaces every updatable setting: what the plan leaves out is cleared.
	m, err := w.QualityMonitors.Update(ctx, catalog.UpdateMonitor{
		TableName: table, OutputSchemaName: s.OutputSchemaName, BaselineTableName: s.BaselineTableName,
		InferenceLog: s.InferenceLog, TimeSeries: s.TimeSeries, Snapshot: s.Snapshot, Schedule: s.Schedule,
		SlicingExprs: s.SlicingExprs, CustomMetrics: s.CustomMetrics, Notifications: s.Notifications,
		DataClassificationConfig: s.DataClassification,
	})
	if err != nil {
		resp.Diagnostics.AddError("Updating quality monitor failed", fmt.Sprintf("Updating the monitor of table %q: %v", table, err))
		return
	}
	plan.fromAPI(ctx, m, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *qualityMonitorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state qualityMonitorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := w.QualityMonitors.Delete(ctx, catalog.DeleteQualityMonitorRequest{TableName: state.ID.ValueString()}); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting quality monitor failed", fmt.Sprintf("Deleting the monitor of table %q: %v", state.ID.ValueString(), err))
	}
}

// ImportState takes the monitored table's full name. The create-only
// settings the API does not echo (skip_builtin_dashboard, warehouse_id)
// import as their defaults.
func (r *qualityMonitorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_assets"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("skip_builtin_dashboard"), false)...)
}

// waitMonitorAssets polls until the monitor is ACTIVE and both metric
// tables exist; a failed monitor reports its failure message.
func waitMonitorAssets(ctx context.Context, w *databricks.WorkspaceClient, table string, timeout time.Duration) (*catalog.MonitorInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return poll(ctx, func() (*catalog.MonitorInfo, bool, error) {
		m, err := w.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: table})
		if err != nil {
			return nil, false, err
		}
		tflog.Info(ctx, "waiting for quality monitor assets", map[string]any{"table": table, "status": string(m.Status)})
		switch m.Status {
		case catalog.MonitorInfoStatusMonitorStatusError, catalog.MonitorInfoStatusMonitorStatusFailed:
			return m, false, fmt.Errorf("monitor is %s: %s", m.Status, m.LatestMonitorFailureMsg)
		case catalog.MonitorInfoStatusMonitorStatusActive:
		default:
			return m, false, nil
		}
		for _, t := range []string{m.ProfileMetricsTableName, m.DriftMetricsTableName} {
			ex, err := w.Tables.ExistsByFullName(ctx, t)
			if err != nil {
				return m, false, fmt.Errorf("checking metric table %s: %w", t, err)
			}
			if !ex.TableExists {
				return m, false, nil
			}
		}
		return m, true, nil
	})
}

// monitorSettings is what create and update send.
type monitorSettings struct {
	OutputSchemaName   string
	BaselineTableName  string
	InferenceLog       *catalog.MonitorInferenceLog
	TimeSeries         *catalog.MonitorTimeSeries
	Snapshot           *catalog.MonitorSnapshot
	Schedule           *catalog.MonitorCronSchedule
	SlicingExprs       []string
	CustomMetrics      []catalog.MonitorMetric
	Notifications      *catalog.MonitorNotifications
	DataClassification *catalog.MonitorDataClassificationConfig
}

func (m qualityMonitorModel) settings(ctx context.Context, diags *diag.Diagnostics) monitorSettings {
	s := monitorSettings{
		OutputSchemaName: m.OutputSchemaName.ValueString(), BaselineTableName: m.BaselineTableName.ValueString(),
		SlicingExprs: stringsOf(ctx, m.SlicingExprs, diags),
	}
	if il := m.InferenceLog; il != nil {
		s.InferenceLog = &catalog.MonitorInferenceLog{
			Granularities: stringsOf(ctx, il.Granularities, diags), TimestampCol: il.TimestampCol.ValueString(),
			ModelIdCol: il.ModelIDCol.ValueString(), PredictionCol: il.PredictionCol.ValueString(),
			PredictionProbaCol: il.PredictionProbaCol.ValueString(), LabelCol: il.LabelCol.ValueString(),
			ProblemType: catalog.MonitorInferenceLogProblemType(il.ProblemType.ValueString()),
		}
	}
	if ts := m.TimeSeries; ts != nil {
		s.TimeSeries = &catalog.MonitorTimeSeries{Granularities: stringsOf(ctx, ts.Granularities, diags), TimestampCol: ts.TimestampCol.ValueString()}
	}
	if m.Snapshot != nil {
		s.Snapshot = &catalog.MonitorSnapshot{}
	}
	if sch := m.Schedule; sch != nil {
		s.Schedule = &catalog.MonitorCronSchedule{QuartzCronExpression: sch.QuartzCronExpression.ValueString(), TimezoneId: sch.TimezoneID.ValueString()}
	}
	for _, cm := range m.CustomMetrics {
		s.CustomMetrics = append(s.CustomMetrics, catalog.MonitorMetric{
			Name: cm.Name.ValueString(), Definition: cm.Definition.ValueString(), InputColumns: stringsOf(ctx, cm.InputColumns, diags),
			OutputDataType: cm.OutputDataType.ValueString(), Type: catalog.MonitorMetricType(cm.Type.ValueString()),
		})
	}
	if n := m.Notifications; n != nil {
		s.Notifications = &catalog.MonitorNotifications{
			OnFailure:                      n.OnFailure.destination(ctx, diags),
			OnNewClassificationTagDetected: n.OnNewClassificationTagDetected.destination(ctx, diags),
		}
	}
	if dc := m.DataClassification; dc != nil {
		s.DataClassification = &catalog.MonitorDataClassificationConfig{Enabled: dc.Enabled.ValueBool(), ForceSendFields: []string{"Enabled"}}
	}
	return s
}

func (d *monitorDestinationModel) destination(ctx context.Context, diags *diag.Diagnostics) *catalog.MonitorDestination {
	if d == nil {
		return nil
	}
	return &catalog.MonitorDestination{EmailAddresses: stringsOf(ctx, d.EmailAddresses, diags)}
}

func destinationFromAPI(ctx context.Context, d *catalog.MonitorDestination, diags *diag.Diagnostics) *monitorDestinationModel {
	if d == nil {
		return nil
	}
	addrs, dg := types.ListValueFrom(ctx, types.StringType, d.EmailAddresses)
	diags.Append(dg...)
	return &monitorDestinationModel{EmailAddresses: addrs}
}

// fromAPI copies the monitor into m. skip_builtin_dashboard, warehouse_id
// and wait_for_assets are not echoed by the API: they keep their value.
func (m *qualityMonitorModel) fromAPI(ctx context.Context, api *catalog.MonitorInfo, diags *diag.Diagnostics) {
	m.ID, m.TableName = types.StringValue(api.TableName), sameName(m.TableName, api.TableName)
	m.AssetsDir = types.StringValue(api.AssetsDir)
	m.OutputSchemaName = sameName(m.OutputSchemaName, api.OutputSchemaName)
	m.BaselineTableName = optionalString(m.BaselineTableName, api.BaselineTableName)
	if il := api.InferenceLog; il != nil {
		prior := m.InferenceLog
		if prior == nil {
			prior = &monitorInferenceLogModel{Granularities: types.ListNull(types.StringType)}
		}
		m.InferenceLog = &monitorInferenceLogModel{
			Granularities: stringListFromAPI(ctx, prior.Granularities, il.Granularities, diags),
			TimestampCol:  types.StringValue(il.TimestampCol), ModelIDCol: types.StringValue(il.ModelIdCol),
			PredictionCol:      types.StringValue(il.PredictionCol),
			PredictionProbaCol: optionalString(prior.PredictionProbaCol, il.PredictionProbaCol),
			LabelCol:           optionalString(prior.LabelCol, il.LabelCol), ProblemType: types.StringValue(string(il.ProblemType)),
		}
	} else {
		m.InferenceLog = nil
	}
	if ts := api.TimeSeries; ts != nil {
		prior := types.ListNull(types.StringType)
		if m.TimeSeries != nil {
			prior = m.TimeSeries.Granularities
		}
		m.TimeSeries = &monitorTimeSeriesModel{Granularities: stringListFromAPI(ctx, prior, ts.Granularities, diags), TimestampCol: types.StringValue(ts.TimestampCol)}
	} else {
		m.TimeSeries = nil
	}
	if api.Snapshot != nil {
		m.Snapshot = &monitorSnapshotModel{}
	} else {
		m.Snapshot = nil
	}
	if sch := api.Schedule; sch != nil {
		m.Schedule = &monitorScheduleModel{
			QuartzCronExpression: types.StringValue(sch.QuartzCronExpression), TimezoneID: types.StringValue(sch.TimezoneId),
			PauseStatus: types.StringValue(string(sch.PauseStatus)),
		}
	} else {
		m.Schedule = nil
	}
	m.SlicingExprs = stringListFromAPI(ctx, m.SlicingExprs, api.SlicingExprs, diags)
	var metrics []monitorMetricModel
	for _, cm := range api.CustomMetrics {
		cols, d := types.ListValueFrom(ctx, types.StringType, cm.InputColumns)
		diags.Append(d...)
		metrics = append(metrics, monitorMetricModel{
			Name: types.StringValue(cm.Name), Definition: types.StringValue(cm.Definition), InputColumns: cols,
			OutputDataType: types.StringValue(cm.OutputDataType), Type: types.StringValue(string(cm.Type)),
		})
	}
	m.CustomMetrics = metrics
	if n := api.Notifications; n != nil && (n.OnFailure != nil || n.OnNewClassificationTagDetected != nil || m.Notifications != nil) {
		m.Notifications = &monitorNotificationsModel{
			OnFailure:                      destinationFromAPI(ctx, n.OnFailure, diags),
			OnNewClassificationTagDetected: destinationFromAPI(ctx, n.OnNewClassificationTagDetected, diags),
		}
	} else {
		m.Notifications = nil
	}
	if dc := api.DataClassificationConfig; dc != nil && (dc.Enabled || m.DataClassification != nil) {
		m.DataClassification = &dataClassificationModel{Enabled: types.BoolValue(dc.Enabled)}
	} else {
		m.DataClassification = nil
	}
	m.Status = types.StringValue(string(api.Status))
	m.MonitorVersion = types.Int64Value(api.MonitorVersion)
	m.ProfileMetricsTableName = types.StringValue(api.ProfileMetricsTableName)
	m.DriftMetricsTableName = types.StringValue(api.DriftMetricsTableName)
	m.DashboardID = types.StringValue(api.DashboardId)
}

// monitorGranularity is a time window monitors aggregate by.
var monitorGranularity = regexp.MustCompile(`^(5 minutes|30 minutes|1 hour|1 day|[1-4] weeks?|1 month|1 year)$`)

// keepPauseStatus plans schedule.pause_status as it is when the schedule is
// edited (an edit neither pauses nor unpauses it), instead of "(known after
// apply)". A schedule being added has none yet: Databricks sets it.
type keepPauseStatus struct{}

func (keepPauseStatus) Description(context.Context) string {
	return "Keeps the schedule's pause status when the schedule is edited."
}

func (m keepPauseStatus) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keepPauseStatus) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || req.ConfigValue.IsUnknown() {
		return
	}
	resp.PlanValue = req.StateValue
}
