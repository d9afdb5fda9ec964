package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	dbclient "github.com/databricks/databricks-sdk-go/client"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// Helpers shared by the Unity Catalog resources (catalog, schema, grants,
// registered model, model version, alias).

// registry builds the MLflow registry client for Unity Catalog model
// versions: its paths are not in the SDK's typed services.
func (d *providerData) registry() (*databricks.WorkspaceClient, *ucregistry.Client, diag.Diagnostics) {
	w, diags := d.workspace()
	if diags.HasError() {
		return nil, nil, diags
	}
	reg, err := ucregistry.New(w)
	if err != nil {
		diags.AddError("Cannot reach Databricks", err.Error())
		return nil, nil, diags
	}
	return w, reg, diags
}

// patchUC sends a Unity Catalog PATCH with exactly body. The SDK's typed
// update requests drop empty maps even with ForceSendFields, so clearing
// properties (sending {}) needs the raw body.
func patchUC(ctx context.Context, w *databricks.WorkspaceClient, path string, body map[string]any, out any) error {
	api, err := dbclient.New(w.Config)
	if err != nil {
		return err
	}
	headers := map[string]string{"Accept": "application/json", "Content-Type": "application/json"}
	return api.Do(ctx, http.MethodPatch, path, headers, nil, body, out)
}

// securableBody is the PATCH body for comment, owner and properties of a
// catalog or schema: all three are sent so that clearing one works.
func securableBody(ctx context.Context, comment, owner types.String, properties types.Map, diags *diag.Diagnostics) map[string]any {
	props := map[string]string{}
	diags.Append(properties.ElementsAs(ctx, &props, false)...)
	if props == nil {
		// A null map decodes to nil; {} is what clears the properties.
		props = map[string]string{}
	}
	body := map[string]any{"comment": comment.ValueString(), "properties": props}
	if !owner.IsUnknown() && !owner.IsNull() {
		body["owner"] = owner.ValueString()
	}
	return body
}

// Schema attributes several resources share.

func forceNewString(desc string, required bool) schema.StringAttribute {
	return schema.StringAttribute{
		Required: required, Optional: !required, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func ownerAttribute(kind string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: fmt.Sprintf("User, group or service principal that owns the %s. Defaults to its creator; changes in place.", kind),
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func commentAttribute(kind string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: fmt.Sprintf("Free-form description of the %s; changes in place.", kind)}
}

func propertiesAttribute(kind string) schema.MapAttribute {
	return schema.MapAttribute{
		ElementType: types.StringType, Optional: true,
		MarkdownDescription: fmt.Sprintf("Key/value properties of the %s; changes in place.", kind),
	}
}

func forceDestroyAttribute(desc string) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, MarkdownDescription: desc +
		" A Terraform-side setting: Databricks does not store it, so import cannot read it, and the first plan " +
		"after an import shows it being set; applying that changes nothing in the workspace."}
}

// onlyForceDestroyChanged reports whether an update changes nothing but
// force_destroy — a setting only Terraform keeps (import cannot read it, so
// the first plan after an import sets it). Such an update is applied to
// state alone: no API call. Values still unknown in the plan are computed
// ones the update would not change either.
func onlyForceDestroyChanged(plan tfsdk.Plan, state tfsdk.State) bool {
	var p, s map[string]tftypes.Value
	if plan.Raw.As(&p) != nil || state.Raw.As(&s) != nil {
		return false
	}
	for k, v := range p {
		if k == "force_destroy" || !v.IsFullyKnown() {
			continue
		}
		if !v.Equal(s[k]) {
			return false
		}
	}
	return true
}

// setForceDestroyOnly applies such an update: the prior state with the
// planned force_destroy.
func setForceDestroyOnly(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var force types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("force_destroy"), &force)...)
	resp.State.Raw = req.State.Raw.Copy()
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), force)...)
}

// ucNameValidators check one Unity Catalog name part the way the service
// does: 1 to 255 characters, no period, space, forward slash or control
// character.
func ucNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 255),
		stringvalidator.RegexMatches(ucFullName(1),
			"must not contain a period, a space, a forward slash or control characters"),
	}
}

// ucFullName matches a full name of parts Unity Catalog name parts
// (`<catalog>.<schema>` for 2), each as ucNameValidators checks it.
func ucFullName(parts int) *regexp.Regexp {
	const part = `[^./\s\x00-\x1f\x7f]+`
	return regexp.MustCompile(`^` + part + strings.Repeat(`\.`+part, parts-1) + `$`)
}

// sameName keeps the configured spelling of a name Unity Catalog stores in
// lower case, so `name = "Dev"` does not read back as a change.
func sameName(prior types.String, api string) types.String {
	if strings.EqualFold(prior.ValueString(), api) && !prior.IsNull() && !prior.IsUnknown() {
		return prior
	}
	return types.StringValue(api)
}

// stateSetter is the part of tfsdk.State that Create and Update share.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}
