package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*modelAliasResource)(nil)
	_ resource.ResourceWithImportState = (*modelAliasResource)(nil)
)

func newModelAliasResource() resource.Resource { return &modelAliasResource{} }

type modelAliasResource struct{ data *providerData }

type modelAliasModel struct {
	ID        types.String `tfsdk:"id"`
	ModelName types.String `tfsdk:"model_name"`
	Alias     types.String `tfsdk:"alias"`
	Version   types.Int64  `tfsdk:"version"`
}

func (r *modelAliasResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_alias"
}

func (r *modelAliasResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	model := forceNewString("Full name of the registered model, `<catalog>.<schema>.<model>`. Changing it replaces the alias.", true)
	model.Validators = []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[^./\s]+\.[^./\s]+\.[^./\s]+$`), "must be a full name <catalog>.<schema>.<model>")}
	alias := forceNewString("Alias name, e.g. `champion` (case-insensitive). `latest` and `v<number>` are reserved. Changing it replaces the alias.", true)
	alias.Validators = append(ucNameValidators(), reservedAliasValidator{})
	resp.Schema = schema.Schema{
		MarkdownDescription: "An alias (such as `champion`) on a registered model, pointing at one version. Serving " +
			"endpoints and batch jobs load `models:/<model>@<alias>`, so moving the alias is how a new version goes live: " +
			"changing `version` moves it in place, atomically — readers see the old version or the new one, never neither.",
		Attributes: map[string]schema.Attribute{
			"id":         computedString("`<model full name>@<alias>`."),
			"model_name": model,
			"alias":      alias,
			"version": schema.Int64Attribute{
				Required: true, MarkdownDescription: "Version the alias points at; changes in place.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

func (r *modelAliasResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *modelAliasResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan modelAliasModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.set(ctx, plan, &resp.State, &resp.Diagnostics)
}

func (r *modelAliasResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan modelAliasModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.set(ctx, plan, &resp.State, &resp.Diagnostics)
}

// set points the alias at plan's version: one call, which moves it if it
// pointed elsewhere.
func (r *modelAliasResource) set(ctx context.Context, plan modelAliasModel, state stateSetter, diags *diag.Diagnostics) {
	w, d := r.data.workspace()
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	model, alias, version := plan.ModelName.ValueString(), plan.Alias.ValueString(), int(plan.Version.ValueInt64())
	got, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: model, Alias: alias, VersionNum: version})
	if err != nil {
		diags.AddError("Setting model alias failed", fmt.Sprintf("Pointing alias %q of %q at version %d: %v", alias, model, version, err))
		return
	}
	plan.ID = types.StringValue(model + "@" + got.AliasName)
	plan.Alias = sameName(plan.Alias, got.AliasName)
	plan.Version = types.Int64Value(int64(got.VersionNum))
	diags.Append(state.Set(ctx, plan)...)
}

func (r *modelAliasResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state modelAliasModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model, alias := state.ref()
	mv, err := refreshModelAliases.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, _ string) (*catalog.ModelVersionInfo, error) {
		return w.ModelVersions.GetByAlias(ctx, catalog.GetByAliasRequest{FullName: model, Alias: alias})
	})
	if readFailed(ctx, resp, err, "model alias", fmt.Sprintf("alias %q of %q", alias, model)) {
		return
	}
	state.ModelName = sameName(state.ModelName, model)
	state.Alias = sameName(state.Alias, alias)
	state.Version = types.Int64Value(int64(mv.Version))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *modelAliasResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state modelAliasModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model, alias := state.ref()
	if err := w.RegisteredModels.DeleteAlias(ctx, catalog.DeleteAliasRequest{FullName: model, Alias: alias}); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting model alias failed", fmt.Sprintf("Deleting alias %q of %q: %v", alias, model, err))
	}
}

func (r *modelAliasResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	model, alias, ok := strings.Cut(req.ID, "@")
	if !ok || alias == "" || !isModelFullName(model) {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a model alias as <catalog>.<schema>.<model>@<alias>, got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("model_name"), model)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("alias"), alias)...)
}

func (m modelAliasModel) ref() (string, string) {
	model, alias, _ := strings.Cut(m.ID.ValueString(), "@")
	return model, alias
}

// reservedAliasValidator refuses the alias names MLflow reserves.
type reservedAliasValidator struct{}

var reservedAliasRE = regexp.MustCompile(`^(?i:latest|v[0-9]+)$`)

func (reservedAliasValidator) Description(context.Context) string {
	return "must not be `latest` or of the form v<number>"
}
func (v reservedAliasValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (reservedAliasValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if reservedAliasRE.MatchString(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Reserved alias name",
			fmt.Sprintf("Alias %q is reserved: \"latest\" and names like \"v3\" refer to versions in model URIs.", req.ConfigValue.ValueString()))
	}
}
