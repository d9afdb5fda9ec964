package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

const defaultModelVersionTimeout = 20 * time.Minute

// lineagePrefix marks the tags BrickOps writes on copies: where the version
// came from. They are reported in `lineage`, not in `tags`.
const lineagePrefix = "brickops.lineage."

var (
	_ resource.ResourceWithConfigure        = (*modelVersionResource)(nil)
	_ resource.ResourceWithImportState      = (*modelVersionResource)(nil)
	_ resource.ResourceWithConfigValidators = (*modelVersionResource)(nil)
)

// copyFromRE matches "<catalog>.<schema>.<model>/<version>" or
// "<catalog>.<schema>.<model>@<alias>".
var copyFromRE = regexp.MustCompile(`^([^./@\s]+\.[^./@\s]+\.[^./@\s]+)(?:/([1-9][0-9]*)|@([^./@\s]+))$`)

func newModelVersionResource() resource.Resource { return &modelVersionResource{} }

type modelVersionResource struct{ data *providerData }

type modelVersionModel struct {
	ID              types.String   `tfsdk:"id"`
	ModelName       types.String   `tfsdk:"model_name"`
	Source          types.String   `tfsdk:"source"`
	RunID           types.String   `tfsdk:"run_id"`
	CopyFrom        types.String   `tfsdk:"copy_from"`
	Description     types.String   `tfsdk:"description"`
	Tags            types.Map      `tfsdk:"tags"`
	Lineage         types.Map      `tfsdk:"lineage"`
	Version         types.Int64    `tfsdk:"version"`
	Status          types.String   `tfsdk:"status"`
	StorageLocation types.String   `tfsdk:"storage_location"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (r *modelVersionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_version"
}

func (r *modelVersionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceKeepState := []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A version of a Unity Catalog registered model. It is registered either from a training " +
			"artifact (`source`, usually `runs:/<run_id>/model`) or by copying an existing version of another model " +
			"(`copy_from`) — which is how a promotion from `dev` to `staging` to `prod` is written as code. Creation " +
			"registers the version the way the MLflow client does (create, then finalize) and waits until it is `READY`. " +
			"Copies carry lineage tags (source model, version, run, and the aliases the source had) and never move " +
			"aliases: the target model's aliases are preserved until a `brickops_model_alias` moves them. " +
			"`description` and `tags` change in place. Destroy deletes the version, unless an alias still points at it.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("`<model full name>/<version>`."),
			"model_name": func() schema.StringAttribute {
				a := forceNewString("Full name of the registered model, `<catalog>.<schema>.<model>`. Changing it registers a new version there.", true)
				a.Validators = []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[^./\s]+\.[^./\s]+\.[^./\s]+$`), "must be a full name <catalog>.<schema>.<model>")}
				return a
			}(),
			"source": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: replaceKeepState,
				MarkdownDescription: "URI of the model artifacts, e.g. `runs:/<run_id>/model` or `abfss://…`. For copies, the computed `models:/<model>/<version>` of the source. Changing it registers a new version.",
			},
			"run_id": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: replaceKeepState,
				MarkdownDescription: "MLflow run that produced the model (its lineage). For copies, the source version's run. Changing it registers a new version.",
			},
			"copy_from": schema.StringAttribute{
				Optional: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "Copy an existing READY version: `<catalog>.<schema>.<model>/<version>` or `<catalog>.<schema>.<model>@<alias>` " +
					"(the alias is resolved once, at creation). Conflicts with `source`. Changing it registers a new version.",
				Validators: []validator.String{stringvalidator.RegexMatches(copyFromRE, "must be <catalog>.<schema>.<model>/<version> or <catalog>.<schema>.<model>@<alias>")},
			},
			"description": schema.StringAttribute{Optional: true, MarkdownDescription: "Description of the version; changes in place."},
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Version tags (validation results, approvals, …); change in place. Keys starting with `" + lineagePrefix + "` are reserved.",
				Validators:          []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 250), notLineageKey{})},
			},
			"lineage": schema.MapAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Lineage tags written on copies: `source_model`, `source_version`, `source_run_id`, `source_aliases`.",
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"version": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "Version number assigned by the registry (1, 2, 3… per model).",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"status":           computedString("`READY` once registered (`PENDING_REGISTRATION` and `FAILED_REGISTRATION` otherwise)."),
			"storage_location": computedString("Where the version's artifacts are stored."),
			"timeouts":         timeouts.Attributes(ctx, timeouts.Opts{Create: true}),
		},
	}
}

func (r *modelVersionResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(path.MatchRoot("source"), path.MatchRoot("copy_from"))}
}

func (r *modelVersionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *modelVersionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan modelVersionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	_, reg, diags := r.data.registry()
	resp.Diagnostics.Append(diags...)
	timeout, diags := plan.Timeouts.Create(ctx, defaultModelVersionTimeout)
	resp.Diagnostics.Append(diags...)
	userTags := map[string]string{}
	resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &userTags, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	model := plan.ModelName.ValueString()
	create := ucregistry.CreateRequest{Name: model, Source: plan.Source.ValueString(), RunID: plan.RunID.ValueString(), Description: plan.Description.ValueString()}
	// userTags is nil when tags is not configured.
	tags := map[string]string{}
	maps.Copy(tags, userTags)
	if copyFrom := plan.CopyFrom.ValueString(); copyFrom != "" {
		src, err := resolveCopySource(ctx, reg, copyFrom)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("copy_from"), "Cannot copy model version", fmt.Sprintf("copy_from %q: %v", copyFrom, err))
			return
		}
		create.Source = "models:/" + src.Name + "/" + src.Version
		if create.RunID == "" {
			create.RunID = src.RunID
		}
		maps.Copy(tags, lineageTags(src))
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		create.Tags = append(create.Tags, ucregistry.Tag{Key: k, Value: tags[k]})
	}
	mv, err := r.registerOnce(ctx, reg, create)
	if err != nil {
		resp.Diagnostics.AddError("Registering model version failed", fmt.Sprintf("Registering a version of %q from %s: %v", model, create.Source, err))
		return
	}
	// Track the version before finalizing and waiting: a failure or timeout
	// then leaves a tainted version in state, not an orphan.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), model+"/"+mv.Version)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("model_name"), plan.ModelName)...)
	if _, err := reg.Finalize(ctx, mv.Name, mv.Version); err != nil {
		resp.Diagnostics.AddError("Registering model version failed", fmt.Sprintf("Finalizing version %s of %q: %v", mv.Version, model, err))
		return
	}
	ready, err := reg.WaitReady(ctx, mv.Name, mv.Version, timeout)
	if err != nil {
		resp.Diagnostics.AddError("Model version is not READY", fmt.Sprintf("Version %s of %q was registered but did not become READY: %v", mv.Version, model, err))
		return
	}
	plan.fromAPI(ctx, ready, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// registerOnce creates the version once (createOnce): model-versions/create
// takes no idempotency key, so after a lost answer the version this create
// made is found by model, source, run id, creator and creation time.
func (r *modelVersionResource) registerOnce(ctx context.Context, reg *ucregistry.Client, create ucregistry.CreateRequest) (*ucregistry.ModelVersion, error) {
	var mv *ucregistry.ModelVersion
	err := createOnce(ctx, func(ctx context.Context) (err error) {
		mv, err = reg.Create(ctx, create)
		return err
	}, func(ctx context.Context, since time.Time) (bool, error) {
		w, _ := r.data.workspace()
		me, err := r.data.principal(ctx, w)
		if err != nil {
			return false, err
		}
		all, err := reg.Search(ctx, create.Name)
		if err != nil {
			return false, err
		}
		var mine []ucregistry.ModelVersion
		for _, v := range all {
			if v.Source == create.Source && v.RunID == create.RunID && v.UserID == me && !millis(v.CreationTimestamp).Before(since) {
				mine = append(mine, v)
			}
		}
		switch len(mine) {
		case 0:
			return false, nil
		case 1:
			mv = &mine[0]
			return true, nil
		}
		return false, fmt.Errorf("%d versions of %q from %s were registered by %s since this create started; cannot tell which is this one's", len(mine), create.Name, create.Source, me)
	})
	return mv, err
}

func (r *modelVersionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state modelVersionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	_, reg, diags := r.data.registry()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model, version := state.ref()
	mv, err := refreshModelVersions.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, _ string) (*ucregistry.ModelVersion, error) {
		return reg.Get(ctx, model, version)
	})
	if readFailed(ctx, resp, err, "model version", fmt.Sprintf("version %s of %q", version, model)) {
		return
	}
	state.fromAPI(ctx, mv, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *modelVersionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state modelVersionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, reg, diags := r.data.registry()
	resp.Diagnostics.Append(diags...)
	desired, current := map[string]string{}, map[string]string{}
	resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &desired, false)...)
	resp.Diagnostics.Append(state.Tags.ElementsAs(ctx, &current, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	model, version := state.ref()
	n, _ := strconv.Atoi(version)
	fail := func(err error) {
		resp.Diagnostics.AddError("Updating model version failed", fmt.Sprintf("Updating version %s of %q: %v", version, model, err))
	}
	if !plan.Description.Equal(state.Description) {
		if _, err := w.ModelVersions.Update(ctx, catalog.UpdateModelVersionRequest{FullName: model, Version: n, Comment: plan.Description.ValueString(), ForceSendFields: []string{"Comment"}}); err != nil {
			fail(err)
			return
		}
	}
	for _, k := range slices.Sorted(maps.Keys(current)) {
		if _, keep := desired[k]; !keep {
			if err := reg.DeleteTag(ctx, model, version, k); err != nil && !isNotFound(err) {
				fail(fmt.Errorf("deleting tag %q: %w", k, err))
				return
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(desired)) {
		if v, ok := current[k]; !ok || v != desired[k] {
			if err := reg.SetTag(ctx, model, version, k, desired[k]); err != nil {
				fail(fmt.Errorf("setting tag %q: %w", k, err))
				return
			}
		}
	}
	mv, err := reg.Get(ctx, model, version)
	if err != nil {
		fail(err)
		return
	}
	plan.fromAPI(ctx, mv, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *modelVersionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state modelVersionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model, version := state.ref()
	n, _ := strconv.Atoi(version)
	mv, err := w.ModelVersions.Get(ctx, catalog.GetModelVersionRequest{FullName: model, Version: n, IncludeAliases: true})
	if isNotFound(err) {
		return
	}
	if err == nil && len(mv.Aliases) > 0 {
		names := make([]string, len(mv.Aliases))
		for i, a := range mv.Aliases {
			names[i] = fmt.Sprintf("%q", a.AliasName)
		}
		resp.Diagnostics.AddError("Model version is still aliased", fmt.Sprintf(
			"Version %s of %q cannot be deleted: alias %s still points at it. Move the alias to another version (brickops_model_alias) or delete it first.",
			version, model, strings.Join(names, ", ")))
		return
	}
	if err == nil {
		err = w.ModelVersions.Delete(ctx, catalog.DeleteModelVersionRequest{FullName: model, Version: n})
	}
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting model version failed", fmt.Sprintf("Deleting version %s of %q: %v", version, model, err))
	}
}

func (r *modelVersionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	model, version, ok := strings.Cut(req.ID, "/")
	if n, err := strconv.Atoi(version); !ok || err != nil || n <= 0 || !isModelFullName(model) {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a model version as <catalog>.<schema>.<model>/<version>, got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("model_name"), model)...)
}

// ref is the model's full name and the version number, from the id.
func (m modelVersionModel) ref() (string, string) {
	model, version, _ := strings.Cut(m.ID.ValueString(), "/")
	return model, version
}

func (m *modelVersionModel) fromAPI(ctx context.Context, mv *ucregistry.ModelVersion, diags *diag.Diagnostics) {
	model, _ := m.ref()
	if model == "" {
		model = m.ModelName.ValueString()
	}
	m.ID = types.StringValue(model + "/" + mv.Version)
	m.ModelName = sameName(m.ModelName, mv.Name)
	m.Version = types.Int64Value(int64(mv.VersionNumber()))
	m.Source = types.StringValue(mv.Source)
	m.RunID = types.StringValue(mv.RunID)
	m.Description = optionalString(m.Description, mv.Description)
	m.Status = types.StringValue(mv.Status)
	m.StorageLocation = types.StringValue(mv.StorageLocation)
	user, lineage := map[string]string{}, map[string]string{}
	for k, v := range mv.TagMap() {
		if rest, ok := strings.CutPrefix(k, lineagePrefix); ok {
			lineage[rest] = v
		} else {
			user[k] = v
		}
	}
	m.Tags = stringMapFromAPI(ctx, m.Tags, user, diags)
	l, d := types.MapValueFrom(ctx, types.StringType, lineage)
	diags.Append(d...)
	m.Lineage = l
}

// resolveCopySource reads the version copy_from names and checks it can be
// copied.
func resolveCopySource(ctx context.Context, reg *ucregistry.Client, copyFrom string) (*ucregistry.ModelVersion, error) {
	m := copyFromRE.FindStringSubmatch(copyFrom)
	if m == nil {
		return nil, fmt.Errorf("want <catalog>.<schema>.<model>/<version> or <catalog>.<schema>.<model>@<alias>")
	}
	var (
		src *ucregistry.ModelVersion
		err error
	)
	if m[2] != "" {
		src, err = reg.Get(ctx, m[1], m[2])
	} else {
		src, err = reg.GetByAlias(ctx, m[1], m[3])
	}
	if err != nil {
		return nil, err
	}
	if src.Status != ucregistry.StatusReady {
		return nil, fmt.Errorf("version %s of %s is %s; only READY versions can be copied", src.Version, src.Name, src.Status)
	}
	return src, nil
}

// lineageTags record where a copy comes from.
func lineageTags(src *ucregistry.ModelVersion) map[string]string {
	tags := map[string]string{lineagePrefix + "source_model": src.Name, lineagePrefix + "source_version": src.Version}
	if src.RunID != "" {
		tags[lineagePrefix+"source_run_id"] = src.RunID
	}
	if len(src.Aliases) > 0 {
		names := make([]string, len(src.Aliases))
		for i, a := range src.Aliases {
			names[i] = a.Alias
		}
		slices.Sort(names)
		tags[lineagePrefix+"source_aliases"] = strings.Join(names, ",")
	}
	return tags
}

// listModelVersions lists a model's versions, newest first, with their
// tags (the Unity Catalog list omits tags; the MLflow search has them).
func listModelVersions(ctx context.Context, reg *ucregistry.Client, model string) ([]ucregistry.ModelVersion, error) {
	versions, err := reg.Search(ctx, model)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(versions, func(a, b ucregistry.ModelVersion) int { return b.VersionNumber() - a.VersionNumber() })
	return versions, nil
}

// notLineageKey refuses tag keys in the reserved lineage namespace.
type notLineageKey struct{}

func (notLineageKey) Description(context.Context) string {
	return "must not start with " + lineagePrefix
}
func (v notLineageKey) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (notLineageKey) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if strings.HasPrefix(req.ConfigValue.ValueString(), lineagePrefix) {
		resp.Diagnostics.AddAttributeError(req.Path, "Reserved tag key",
			fmt.Sprintf("Tag key %q is reserved: keys starting with %q hold the lineage BrickOps writes on copies (see `lineage`).", req.ConfigValue.ValueString(), lineagePrefix))
	}
}
