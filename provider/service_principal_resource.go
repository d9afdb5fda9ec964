package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure        = (*servicePrincipalResource)(nil)
	_ resource.ResourceWithImportState      = (*servicePrincipalResource)(nil)
	_ resource.ResourceWithConfigValidators = (*servicePrincipalResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*servicePrincipalResource)(nil)
)

func newServicePrincipalResource() resource.Resource { return &servicePrincipalResource{} }

type servicePrincipalResource struct{ data *providerData }

// servicePrincipalModel mirrors databricks_service_principal (workspace
// level); API fields: databricks-sdk-go service/iam ServicePrincipal.
type servicePrincipalModel struct {
	ID            types.String `tfsdk:"id"`
	ApplicationID types.String `tfsdk:"application_id"`
	DisplayName   types.String `tfsdk:"display_name"`
	Active        types.Bool   `tfsdk:"active"`
	ExternalID    types.String `tfsdk:"external_id"`
	entitlementFlags
	Force                 types.Bool   `tfsdk:"force"`
	ForceDeleteRepos      types.Bool   `tfsdk:"force_delete_repos"`
	ForceDeleteHomeDir    types.Bool   `tfsdk:"force_delete_home_dir"`
	DisableAsUserDeletion types.Bool   `tfsdk:"disable_as_user_deletion"`
	Home                  types.String `tfsdk:"home"`
	Repos                 types.String `tfsdk:"repos"`
	ACLPrincipalID        types.String `tfsdk:"acl_principal_id"`
}

var applicationIDRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (r *servicePrincipalResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_principal"
}

func (r *servicePrincipalResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	optionalBool := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: desc}
	}
	appID := schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "On Azure, the Microsoft Entra ID application (client) id of the app registration or managed " +
			"identity to add to the workspace; elsewhere, leave it out and the workspace generates one. It is the name " +
			"jobs `run_as` and `brickops_permissions` use (`service_principal_name`). Changing it replaces the service principal.",
		Validators:    []validator.String{stringvalidator.RegexMatches(applicationIDRE, "must be a UUID (the Entra ID application id)")},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A service principal in the workspace — the identity a retraining job runs as or CI deploys with. " +
			"On Azure it is an Entra ID application added to the workspace by its `application_id`. Everything but " +
			"`application_id` changes in place. Same arguments and import id (the SCIM id) as `databricks_service_principal`.",
		Attributes: entitlementAttributes(map[string]schema.Attribute{
			"id":             computedString("The service principal's SCIM id in the workspace."),
			"application_id": appID,
			"display_name": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Name shown in the workspace (defaults to `application_id`).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"active": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether it may authenticate (default `true`)."},
			"external_id": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Id in the identity provider, for principals synced from Entra ID. Left unset, whatever the sync wrote is kept.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"force": optionalBool("Adopt a service principal with this `application_id` that already exists in the workspace " +
				"(added by hand or by another tool) and bring it to this configuration, instead of failing."),
			"force_delete_repos":       optionalBool("On destroy, also delete its Git folders (`/Repos/<application_id>`)."),
			"force_delete_home_dir":    optionalBool("On destroy, also delete its home folder (`/Users/<application_id>`)."),
			"disable_as_user_deletion": optionalBool("On destroy, deactivate it (`active = false`) instead of deleting it."),
			"home":                     computedString("Home folder, `/Users/<application_id>`."),
			"repos":                    computedString("Git folder root, `/Repos/<application_id>`."),
			"acl_principal_id":         computedString("`servicePrincipals/<application_id>`, for access control rules."),
		}),
	}
}

func (r *servicePrincipalResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("application_id"), path.MatchRoot("display_name")),
	}
}

// ValidateConfig refuses a destroy that would both keep (deactivate) the
// service principal and delete its folders.
func (r *servicePrincipalResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m servicePrincipalModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !m.DisableAsUserDeletion.ValueBool() {
		return
	}
	for attr, v := range map[string]types.Bool{"force_delete_repos": m.ForceDeleteRepos, "force_delete_home_dir": m.ForceDeleteHomeDir} {
		if v.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Conflicting destroy options",
				attr+" deletes the service principal's folders, but disable_as_user_deletion keeps the service principal (deactivated): set one of them.")
		}
	}
}

func (r *servicePrincipalResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *servicePrincipalResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[servicePrincipalModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	create := iam.CreateServicePrincipalRequest{
		ApplicationId: plan.ApplicationID.ValueString(), DisplayName: plan.DisplayName.ValueString(),
		Active: plan.Active.ValueBool(), ExternalId: plan.ExternalID.ValueString(), Entitlements: plan.complexValues(),
		Schemas: []iam.ServicePrincipalSchema{iam.ServicePrincipalSchemaUrnIetfParamsScimSchemasCore20ServicePrincipal}, ForceSendFields: []string{"Active"},
	}
	what := create.ApplicationId
	if what == "" {
		what = create.DisplayName
	}
	id, err := r.create(ctx, w, plan, create)
	if err != nil {
		resp.Diagnostics.AddError("Creating service principal failed", fmt.Sprintf("Creating service principal %q: %v", what, err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	r.apply(ctx, w, id, plan, &resp.State, &resp.Diagnostics)
}

// create makes the service principal, or finds the one this create (or,
// with force, someone else) already made, and returns its SCIM id.
func (r *servicePrincipalResource) create(ctx context.Context, w *databricks.WorkspaceClient, plan servicePrincipalModel, create iam.CreateServicePrincipalRequest) (id string, err error) {
	send := func(ctx context.Context) (string, error) {
		sp, err := w.ServicePrincipalsV2.Create(ctx, create)
		if err != nil {
			return "", err
		}
		return sp.Id, nil
	}
	appID := create.ApplicationId
	if appID == "" {
		// Without an application id nothing is unique: display names may
		// repeat. After a lost answer this create's service principal is
		// the one with its name that was not there before.
		return createOnceNew(ctx, "service principal", create.DisplayName, func(ctx context.Context) ([]string, error) {
			sps, err := servicePrincipalsWhere(ctx, w, scimEq("displayName", create.DisplayName))
			var ids []string
			for _, sp := range sps {
				if sp.DisplayName == create.DisplayName {
					ids = append(ids, sp.Id)
				}
			}
			return ids, err
		}, send)
	}
	byAppID := func(ctx context.Context) (*iam.ServicePrincipal, error) {
		sps, err := servicePrincipalsWhere(ctx, w, scimEq("applicationId", appID))
		if err != nil {
			return nil, err
		}
		if len(sps) == 0 {
			return nil, fmt.Errorf("no service principal has application id %s: %w", appID, errNotFound)
		}
		return &sps[0], nil
	}
	if plan.Force.ValueBool() {
		// force: the user asked to take over one added by hand; apply
		// then brings it to the configuration.
		switch sp, err := byAppID(ctx); {
		case err == nil:
			return sp.Id, nil
		case !isNotFound(err):
			return "", fmt.Errorf("looking for an existing service principal to adopt (force): %w", err)
		}
	}
	// Application ids are unique in a workspace: a create whose answer was
	// lost is retried into 409. Service principals record neither creator
	// nor creation time, so one is adopted only if it was not there before
	// this create, is in no group yet and matches the plan.
	defer func() {
		// The import hint names the SCIM id, known once the one in the way is found.
		var na *notAdoptedError
		if errors.As(err, &na) && id != "" {
			na.id = id
		}
	}()
	err = r.data.createOrAdopt(ctx, w, adoption{
		kind: "service principal", typeName: "brickops_service_principal", lookFirst: true, inTheWay: isSCIMConflict,
		importID: "<SCIM id of application " + appID + ">",
		create: func(ctx context.Context) error {
			made, err := send(ctx)
			if err == nil {
				id = made
			}
			return err
		},
		existing: func(ctx context.Context) (origin, error) {
			sp, err := byAppID(ctx)
			if err != nil {
				return origin{}, err
			}
			full, err := getServicePrincipal(ctx, w, sp.Id)
			if err != nil {
				return origin{}, err
			}
			id = sp.Id
			return origin{unattributed: true, fresh: len(full.Groups) == 0, differs: differs(
				[3]string{"display_name", create.DisplayName, full.DisplayName},
				[3]string{"external_id", create.ExternalId, full.ExternalId})}, nil
		},
	})
	return id, err
}

func (r *servicePrincipalResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, w, ok := begin[servicePrincipalModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	r.apply(ctx, w, plan.ID.ValueString(), plan, &resp.State, &resp.Diagnostics)
}

// apply brings service principal id to the plan and records it.
func (r *servicePrincipalResource) apply(ctx context.Context, w *databricks.WorkspaceClient, id string, plan servicePrincipalModel, state stateSetter, diags *diag.Diagnostics) {
	got := applySCIM(ctx, "service principal", id, func(ctx context.Context, id string) (*iam.ServicePrincipal, error) {
		return getServicePrincipal(ctx, w, id)
	},
		func(sp *iam.ServicePrincipal) []iam.Patch {
			ops := identityOps(plan.entitlementFlags, plan.DisplayName, plan.ExternalID, sp.Entitlements, sp.DisplayName, sp.ExternalId)
			if plan.Active.ValueBool() != sp.Active {
				ops = append(ops, replaceOp("active", plan.Active.ValueBool()))
			}
			return ops
		},
		func(ctx context.Context, ops []iam.Patch) error {
			return w.ServicePrincipalsV2.Patch(ctx, iam.PatchServicePrincipalRequest{Id: id, Schemas: patchSchema, Operations: ops})
		}, diags)
	if got == nil {
		return
	}
	plan.fromAPI(got)
	diags.Append(state.Set(ctx, plan)...)
}

func (r *servicePrincipalResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[servicePrincipalModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	got, err := refreshServicePrincipals.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, id string) (*iam.ServicePrincipal, error) {
		return getServicePrincipal(ctx, w, id)
	})
	if readFailed(ctx, resp, err, "service principal", "service principal "+state.ID.ValueString()) {
		return
	}
	state.fromAPI(got)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *servicePrincipalResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[servicePrincipalModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id, appID := state.ID.ValueString(), state.ApplicationID.ValueString()
	if state.DisableAsUserDeletion.ValueBool() {
		err := w.ServicePrincipalsV2.Patch(ctx, iam.PatchServicePrincipalRequest{Id: id, Schemas: patchSchema, Operations: []iam.Patch{replaceOp("active", false)}})
		if err = scimGone(err); err != nil && !isNotFound(err) {
			resp.Diagnostics.AddError("Deactivating service principal failed", fmt.Sprintf("Deactivating service principal %s (%s): %v", id, appID, err))
		}
		return
	}
	err := scimGone(w.ServicePrincipalsV2.Delete(ctx, iam.DeleteServicePrincipalRequest{Id: id}))
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting service principal failed", fmt.Sprintf("Deleting service principal %s (%s): %v", id, appID, err))
		return
	}
	for _, dir := range []struct {
		on   bool
		attr string
		path string
	}{
		{state.ForceDeleteRepos.ValueBool(), "force_delete_repos", "/Repos/" + appID},
		{state.ForceDeleteHomeDir.ValueBool(), "force_delete_home_dir", "/Users/" + appID},
	} {
		if !dir.on {
			continue
		}
		if err := w.Workspace.Delete(ctx, workspace.Delete{Path: dir.path, Recursive: true}); err != nil && !isNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root(dir.attr), "Deleting service principal's folder failed",
				fmt.Sprintf("Service principal %s was deleted, but deleting %s failed: %v", appID, dir.path, err))
		}
	}
}

func (r *servicePrincipalResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *servicePrincipalModel) fromAPI(sp *iam.ServicePrincipal) {
	m.ID, m.ApplicationID, m.DisplayName = types.StringValue(sp.Id), types.StringValue(sp.ApplicationId), types.StringValue(sp.DisplayName)
	m.Active, m.ExternalID = types.BoolValue(sp.Active), types.StringValue(sp.ExternalId)
	m.entitlementFlags.fromAPI(sp.Entitlements)
	m.Home, m.Repos = types.StringValue("/Users/"+sp.ApplicationId), types.StringValue("/Repos/"+sp.ApplicationId)
	m.ACLPrincipalID = types.StringValue("servicePrincipals/" + sp.ApplicationId)
}
