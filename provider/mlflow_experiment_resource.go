package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/ml"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*mlflowExperimentResource)(nil)
	_ resource.ResourceWithImportState = (*mlflowExperimentResource)(nil)
)

func newMLflowExperimentResource() resource.Resource { return &mlflowExperimentResource{} }

type mlflowExperimentResource struct{ data *providerData }

// mlflowExperimentModel mirrors databricks_mlflow_experiment (name,
// artifact_location, tags, experiment_id, lifecycle_stage, creation_time,
// last_update_time); API fields: databricks-sdk-go service/ml Experiment,
// CreateExperiment, UpdateExperiment, SetExperimentTag.
type mlflowExperimentModel struct {
	ID               types.String    `tfsdk:"id"`
	Name             types.String    `tfsdk:"name"`
	ArtifactLocation types.String    `tfsdk:"artifact_location"`
	Tags             []experimentTag `tfsdk:"tags"`
	ExperimentID     types.String    `tfsdk:"experiment_id"`
	LifecycleStage   types.String    `tfsdk:"lifecycle_stage"`
	CreationTime     types.Int64     `tfsdk:"creation_time"`
	LastUpdateTime   types.Int64     `tfsdk:"last_update_time"`
}

type experimentTag struct {
	Key   types.String `tfsdk:"key"`
	Value types.String `tfsdk:"value"`
}

// experimentNameRE: experiments live in the workspace tree, so names are
// absolute paths.
var experimentNameRE = regexp.MustCompile(`^/\S`)

// systemTagPrefix marks the tags MLflow itself sets; they are not the
// configuration's.
const systemTagPrefix = "mlflow."

func (r *mlflowExperimentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mlflow_experiment"
}

func (r *mlflowExperimentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An MLflow experiment: where a model's training runs log parameters, metrics and artifacts. " +
			"Renaming it (`name`) and changing tags happen in place. Destroy deletes it softly, as the UI does: the name " +
			"stays taken until the experiment is purged. Same arguments and import id as " +
			"`databricks_mlflow_experiment`.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The experiment id."),
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Absolute workspace path, e.g. `/Shared/churn/training`; changes in place (a rename).",
				Validators: []validator.String{stringvalidator.RegexMatches(experimentNameRE, "must be an absolute path within the workspace, e.g. /Users/<user>/my-experiment")},
			},
			"artifact_location": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Where runs store artifacts (default `dbfs:/databricks/mlflow-tracking/<id>`). Changing it replaces the experiment.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
			},
			"experiment_id":   computedString("The experiment id."),
			"lifecycle_stage": computedString("`active` (a deleted experiment is gone from state)."),
			"creation_time": schema.Int64Attribute{Computed: true, MarkdownDescription: "Creation time, epoch milliseconds.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"last_update_time": schema.Int64Attribute{Computed: true, MarkdownDescription: "Last update time, epoch milliseconds."},
		},
		Blocks: map[string]schema.Block{
			"tags": schema.ListNestedBlock{
				MarkdownDescription: "Tags of the experiment. Only the configured keys are managed: tags set by MLflow (`mlflow.*`) " +
					"or by others are left alone, and a tag removed from the configuration stays on the experiment (the API cannot " +
					"delete experiment tags). Import reads every tag but MLflow's.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"key":   schema.StringAttribute{Required: true, MarkdownDescription: "Tag key (at most 250 characters).", Validators: []validator.String{stringvalidator.LengthBetween(1, 250)}},
					"value": schema.StringAttribute{Required: true, MarkdownDescription: "Tag value."},
				}},
			},
		},
	}
}

func (r *mlflowExperimentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *mlflowExperimentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[mlflowExperimentModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	create := ml.CreateExperiment{Name: plan.Name.ValueString(), ArtifactLocation: plan.ArtifactLocation.ValueString()}
	for _, t := range plan.Tags {
		create.Tags = append(create.Tags, ml.ExperimentTag{Key: t.Key.ValueString(), Value: t.Value.ValueString()})
	}
	// Experiment names are unique: a create whose answer was lost is
	// retried into RESOURCE_ALREADY_EXISTS, and the experiment is adopted
	// when it is this create's. Experiments record their creation time but
	// not their creator, so one already there before the create is never
	// adopted, and the time (and the plan) must fit.
	var id string
	err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "MLflow experiment", typeName: "brickops_mlflow_experiment", importID: create.Name, lookFirst: true,
		create: func(ctx context.Context) error {
			created, err := w.Experiments.CreateExperiment(ctx, create)
			if err == nil {
				id = created.ExperimentId
			}
			return err
		},
		existing: func(ctx context.Context) (origin, error) {
			got, err := w.Experiments.GetByName(ctx, ml.GetByNameRequest{ExperimentName: create.Name})
			if err != nil {
				return origin{}, err
			}
			e := got.Experiment
			id = e.ExperimentId
			return origin{timeOnly: true, createdAt: millis(e.CreationTime), differs: differs(
				[3]string{"artifact_location", create.ArtifactLocation, e.ArtifactLocation},
				[3]string{"lifecycle_stage", "active", e.LifecycleStage})}, nil
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating MLflow experiment failed", fmt.Sprintf("Creating MLflow experiment %q: %v", create.Name, err))
		return
	}
	r.readInto(ctx, w, id, &plan, &resp.State, &resp.Diagnostics)
}

func (r *mlflowExperimentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, w, ok := begin[mlflowExperimentModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	var state mlflowExperimentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	if plan.Name.ValueString() != state.Name.ValueString() {
		if err := w.Experiments.UpdateExperiment(ctx, ml.UpdateExperiment{ExperimentId: id, NewName: plan.Name.ValueString()}); err != nil {
			resp.Diagnostics.AddError("Renaming MLflow experiment failed", fmt.Sprintf("Renaming MLflow experiment %s to %q: %v", id, plan.Name.ValueString(), err))
			return
		}
	}
	for _, t := range plan.Tags {
		if err := w.Experiments.SetExperimentTag(ctx, ml.SetExperimentTag{ExperimentId: id, Key: t.Key.ValueString(), Value: t.Value.ValueString()}); err != nil {
			resp.Diagnostics.AddError("Tagging MLflow experiment failed", fmt.Sprintf("Setting tag %q on MLflow experiment %s: %v", t.Key.ValueString(), id, err))
			return
		}
	}
	r.readInto(ctx, w, id, &plan, &resp.State, &resp.Diagnostics)
}

// readInto reads the experiment back into m and state.
func (r *mlflowExperimentResource) readInto(ctx context.Context, w *databricks.WorkspaceClient, id string, m *mlflowExperimentModel, state stateSetter, diags *diag.Diagnostics) {
	got, err := w.Experiments.GetExperiment(ctx, ml.GetExperimentRequest{ExperimentId: id})
	if err != nil {
		diags.AddError("Reading MLflow experiment failed", fmt.Sprintf("MLflow experiment %s was written but could not be read: %v", id, err))
		return
	}
	m.fromAPI(got.Experiment)
	diags.Append(state.Set(ctx, m)...)
}

func (r *mlflowExperimentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[mlflowExperimentModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	got, err := refreshMLflowExperiments.read(ctx, r.data, id, func(ctx context.Context, id string) (*ml.Experiment, error) {
		got, err := w.Experiments.GetExperiment(ctx, ml.GetExperimentRequest{ExperimentId: id})
		if err != nil {
			return nil, err
		}
		return got.Experiment, nil
	})
	if err == nil && got.LifecycleStage == "deleted" {
		err = fmt.Errorf("MLflow experiment %s is deleted: %w", id, errNotFound)
	}
	if readFailed(ctx, resp, err, "MLflow experiment", fmt.Sprintf("MLflow experiment %s", id)) {
		return
	}
	state.fromAPI(got)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *mlflowExperimentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[mlflowExperimentModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := w.Experiments.DeleteExperiment(ctx, ml.DeleteExperiment{ExperimentId: state.ID.ValueString()}); err != nil && !isGone(err) {
		resp.Diagnostics.AddError("Deleting MLflow experiment failed", fmt.Sprintf("Deleting MLflow experiment %s: %v", state.ID.ValueString(), err))
	}
}

func (r *mlflowExperimentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *mlflowExperimentModel) fromAPI(e *ml.Experiment) {
	importing := m.Name.IsNull()
	m.ID, m.ExperimentID = types.StringValue(e.ExperimentId), types.StringValue(e.ExperimentId)
	m.Name, m.ArtifactLocation = types.StringValue(e.Name), types.StringValue(e.ArtifactLocation)
	m.LifecycleStage = types.StringValue(e.LifecycleStage)
	m.CreationTime, m.LastUpdateTime = types.Int64Value(e.CreationTime), types.Int64Value(e.LastUpdateTime)
	// Only the configured keys are managed; an import (no name yet) takes
	// every tag but MLflow's own.
	configured := priorByKey(m.Tags, func(t experimentTag) string { return t.Key.ValueString() })
	var tags []experimentTag
	for _, t := range e.Tags {
		if _, ok := configured[t.Key]; ok || importing && !strings.HasPrefix(t.Key, systemTagPrefix) {
			tags = append(tags, experimentTag{Key: types.StringValue(t.Key), Value: types.StringValue(t.Value)})
		}
	}
	m.Tags = orderLike(tags, func(t experimentTag) string { return t.Key.ValueString() }, m.Tags, func(t experimentTag) string { return t.Key.ValueString() })
}
