package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/brickops/terraform-provider-brickops/internal/ucprivileges"
)

var (
	_ resource.ResourceWithConfigure        = (*grantsResource)(nil)
	_ resource.ResourceWithImportState      = (*grantsResource)(nil)
	_ resource.ResourceWithConfigValidators = (*grantsResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*grantsResource)(nil)
)

// securableKinds maps the resource's securable attributes to the Unity
// Catalog securable type in the permissions path, and the number of name
// parts. Registered models are FUNCTION securables.
var securableKinds = []struct {
	attr, securableType string
	parts               int
}{
	{"catalog", "catalog", 1},
	{"schema", "schema", 2},
	{"table", "table", 3},
	{"registered_model", "function", 3},
}

func newGrantsResource() resource.Resource { return &grantsResource{} }

type grantsResource struct{ data *providerData }

type grantsModel struct {
	ID              types.String `tfsdk:"id"`
	Catalog         types.String `tfsdk:"catalog"`
	Schema          types.String `tfsdk:"schema"`
	Table           types.String `tfsdk:"table"`
	RegisteredModel types.String `tfsdk:"registered_model"`
	Grants          []grantModel `tfsdk:"grant"`
}

type grantModel struct {
	Principal  types.String `tfsdk:"principal"`
	Privileges types.Set    `tfsdk:"privileges"`
}

func (r *grantsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_grants"
}

func (r *grantsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	securable := func(desc string) schema.StringAttribute {
		return forceNewString(desc+" Exactly one securable attribute is set; changing it replaces the resource.", false)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "All the privileges granted on one Unity Catalog securable — a catalog, a schema, a table " +
			"or a registered model. Authoritative: privileges granted outside this resource (in the UI, by another " +
			"tool) show up in the plan as revoked, and apply revokes them. Destroy revokes every privilege on the securable.",
		Attributes: map[string]schema.Attribute{
			"id":               computedString("`<securable attribute>/<full name>`, e.g. `catalog/prod` or `registered_model/prod.ml.churn`."),
			"catalog":          securable("Name of the catalog."),
			"schema":           securable("Full name of the schema, `<catalog>.<schema>`."),
			"table":            securable("Full name of the table, `<catalog>.<schema>.<table>`."),
			"registered_model": securable("Full name of the registered model, `<catalog>.<schema>.<model>` (a FUNCTION securable in Unity Catalog)."),
		},
		Blocks: map[string]schema.Block{
			"grant": schema.SetNestedBlock{
				MarkdownDescription: "Privileges of one principal. A principal appears in at most one block.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"principal": schema.StringAttribute{Required: true, MarkdownDescription: "User (e-mail), group name or service principal application id."},
					"privileges": schema.SetAttribute{
						ElementType: types.StringType, Required: true,
						MarkdownDescription: "Privileges, e.g. `USE_CATALOG`, `USE_SCHEMA`, `SELECT`, `EXECUTE`, `ALL_PRIVILEGES`. Only those that apply to the securable type are accepted.",
						Validators:          []validator.Set{setvalidator.SizeAtLeast(1)},
					},
				}},
			},
		},
	}
}

func (r *grantsResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(
		path.MatchRoot("catalog"), path.MatchRoot("schema"), path.MatchRoot("table"), path.MatchRoot("registered_model"),
	)}
}

// ValidateConfig catches at plan time the grants the API would refuse: a
// privilege that does not exist or does not apply to the securable type,
// and a principal listed twice.
func (r *grantsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m grantsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	attr, securableType, _ := m.securable()
	if securableType == "" {
		return
	}
	seen := map[string]bool{}
	for _, g := range m.Grants {
		if g.Principal.IsUnknown() || g.Privileges.IsUnknown() {
			continue
		}
		p := g.Principal.ValueString()
		if seen[p] {
			resp.Diagnostics.AddAttributeError(path.Root("grant"), "Duplicate principal",
				fmt.Sprintf("Principal %q appears in more than one grant block; list all its privileges in one block.", p))
		}
		seen[p] = true
		var privs []string
		resp.Diagnostics.Append(g.Privileges.ElementsAs(ctx, &privs, false)...)
		for _, priv := range privs {
			if !ucprivileges.Applicable(securableType, priv) {
				resp.Diagnostics.AddAttributeError(path.Root("grant"), "Privilege does not apply",
					fmt.Sprintf("Privilege %q cannot be granted on a %s. Valid privileges: %s.", priv, strings.ReplaceAll(attr, "_", " "),
						strings.Join(ucprivileges.BySecurable[securableType], ", ")))
			}
		}
	}
}

func (r *grantsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// securable returns the configured securable's attribute, type and full name.
func (m grantsModel) securable() (attr, securableType, fullName string) {
	for _, k := range securableKinds {
		v := m.attrValue(k.attr)
		if !v.IsNull() && !v.IsUnknown() {
			return k.attr, k.securableType, v.ValueString()
		}
	}
	return "", "", ""
}

func (m *grantsModel) attrValue(attr string) types.String {
	return map[string]types.String{"catalog": m.Catalog, "schema": m.Schema, "table": m.Table, "registered_model": m.RegisteredModel}[attr]
}

func (r *grantsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan grantsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, plan, &resp.State, &resp.Diagnostics)
}

func (r *grantsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan grantsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, plan, &resp.State, &resp.Diagnostics)
}

// apply makes the securable's grants exactly plan's, in one PATCH.
func (r *grantsResource) apply(ctx context.Context, plan grantsModel, state stateSetter, diags *diag.Diagnostics) {
	w, d := r.data.workspace()
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	attr, securableType, full := plan.securable()
	desired := map[string][]string{}
	for _, g := range plan.Grants {
		var privs []string
		diags.Append(g.Privileges.ElementsAs(ctx, &privs, false)...)
		desired[g.Principal.ValueString()] = privs
	}
	current, err := readGrants(ctx, w, securableType, full)
	if err == nil {
		err = updateGrants(ctx, w, securableType, full, current, desired)
	}
	if err == nil {
		current, err = readGrants(ctx, w, securableType, full)
	}
	if err != nil {
		diags.AddError("Updating grants failed", fmt.Sprintf("Granting privileges on %s %q: %v", strings.ReplaceAll(attr, "_", " "), full, err))
		return
	}
	plan.ID = types.StringValue(attr + "/" + full)
	plan.fromAPI(current, diags)
	diags.Append(state.Set(ctx, plan)...)
}

func (r *grantsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state grantsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, securableType, full := state.securable()
	current, err := refreshGrants.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, _ string) (*map[string][]string, error) {
		current, err := readGrants(ctx, w, securableType, full)
		return &current, err
	})
	if isNotFound(err) {
		tflog.Warn(ctx, "securable is gone; removing its grants from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading grants failed", fmt.Sprintf("Reading grants on %q: %v", full, err))
		return
	}
	state.fromAPI(*current, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *grantsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state grantsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	w, diags := r.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, securableType, full := state.securable()
	current, err := readGrants(ctx, w, securableType, full)
	if err == nil {
		err = updateGrants(ctx, w, securableType, full, current, nil)
	}
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Revoking grants failed", fmt.Sprintf("Revoking grants on %q: %v", full, err))
	}
}

func (r *grantsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	attr, full, ok := strings.Cut(req.ID, "/")
	for _, k := range securableKinds {
		if ok && attr == k.attr && len(strings.Split(full, ".")) == k.parts {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), full)...)
			return
		}
	}
	resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf(
		"Import grants as <securable>/<full name>, where <securable> is catalog, schema, table or registered_model "+
			"(e.g. catalog/prod, schema/prod.ml, registered_model/prod.ml.churn); got %q.", req.ID))
}

// fromAPI replaces the grant blocks with what the API reports.
func (m *grantsModel) fromAPI(current map[string][]string, diags *diag.Diagnostics) {
	m.Grants = nil
	for _, p := range slices.Sorted(maps.Keys(current)) {
		privs, d := types.SetValueFrom(context.Background(), types.StringType, current[p])
		diags.Append(d...)
		m.Grants = append(m.Grants, grantModel{Principal: types.StringValue(p), Privileges: privs})
	}
}

// readGrants returns principal → privileges on a securable, all pages.
func readGrants(ctx context.Context, w *databricks.WorkspaceClient, securableType, full string) (map[string][]string, error) {
	out := map[string][]string{}
	req := catalog.GetGrantRequest{SecurableType: securableType, FullName: full}
	for {
		resp, err := w.Grants.Get(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, a := range resp.PrivilegeAssignments {
			for _, p := range a.Privileges {
				out[a.Principal] = append(out[a.Principal], string(p))
			}
		}
		if resp.NextPageToken == "" {
			return out, nil
		}
		req.PageToken = resp.NextPageToken
	}
}

// updateGrants sends the changes that turn current into desired; nothing
// when they are equal.
func updateGrants(ctx context.Context, w *databricks.WorkspaceClient, securableType, full string, current, desired map[string][]string) error {
	var changes []catalog.PermissionsChange
	principals := slices.Sorted(maps.Keys(current))
	principals = slices.Compact(slices.Sorted(slices.Values(append(principals, slices.Collect(maps.Keys(desired))...))))
	for _, p := range principals {
		var ch catalog.PermissionsChange
		for _, priv := range desired[p] {
			if !slices.Contains(current[p], priv) {
				ch.Add = append(ch.Add, catalog.Privilege(priv))
			}
		}
		for _, priv := range current[p] {
			if !slices.Contains(desired[p], priv) {
				ch.Remove = append(ch.Remove, catalog.Privilege(priv))
			}
		}
		if len(ch.Add)+len(ch.Remove) > 0 {
			ch.Principal = p
			changes = append(changes, ch)
		}
	}
	if len(changes) == 0 {
		return nil
	}
	_, err := w.Grants.Update(ctx, catalog.UpdatePermissions{SecurableType: securableType, FullName: full, Changes: changes})
	return err
}
