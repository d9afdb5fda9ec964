package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*secretScopeResource)(nil)
	_ resource.ResourceWithImportState = (*secretScopeResource)(nil)
)

func newSecretScopeResource() resource.Resource { return &secretScopeResource{} }

type secretScopeResource struct{ data *providerData }

// secretScopeModel mirrors databricks_secret_scope (name, backend_type,
// initial_manage_principal, keyvault_metadata); the API's fields are
// databricks-sdk-go service/workspace CreateScope and SecretScope.
type secretScopeModel struct {
	ID                     types.String       `tfsdk:"id"`
	Name                   types.String       `tfsdk:"name"`
	BackendType            types.String       `tfsdk:"backend_type"`
	InitialManagePrincipal types.String       `tfsdk:"initial_manage_principal"`
	KeyvaultMetadata       []keyvaultMetadata `tfsdk:"keyvault_metadata"`
}

type keyvaultMetadata struct {
	ResourceID types.String `tfsdk:"resource_id"`
	DNSName    types.String `tfsdk:"dns_name"`
}

// The Secrets API's rules for scope names and secret keys (keys allow
// neither @ nor /).
var (
	secretScopeNameRE = regexp.MustCompile(`^[\w.@/-]{1,128}$`)
	secretKeyRE       = regexp.MustCompile(`^[\w.-]{1,128}$`)
)

func (r *secretScopeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret_scope"
}

func (r *secretScopeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	name := forceNewString("Scope name, unique in the workspace: letters, digits, dashes, underscores, periods, `@` and `/`, "+
		"at most 128 characters. Changing it replaces the scope (and drops its secrets).", true)
	name.Validators = []validator.String{stringvalidator.RegexMatches(secretScopeNameRE,
		"must consist of alphanumeric characters, dashes, underscores, @, slashes and periods, and may not exceed 128 characters")}
	principal := forceNewString("Principal granted `MANAGE` on the new scope instead of its creator; the API accepts only `users`. "+
		"Not read back, so it cannot be imported. Changing it replaces the scope.", false)
	principal.Validators = []validator.String{stringvalidator.OneOf("users")}
	keyvaultAttr := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A secret scope: a named collection of secrets, either held by Databricks or backed by an Azure Key Vault. " +
			"Clusters, jobs and serving endpoints read its secrets as `{{secrets/<scope>/<key>}}`. " +
			"Same arguments and import id as `databricks_secret_scope`.",
		Attributes: map[string]schema.Attribute{
			"id":                       computedString("The scope name."),
			"name":                     name,
			"initial_manage_principal": principal,
			"backend_type": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`DATABRICKS` (default) or `AZURE_KEYVAULT` (set by `keyvault_metadata`). Changing it replaces the scope.",
				Validators:          []validator.String{stringvalidator.OneOf(enumValues(new(workspace.ScopeBackendType).Values())...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
		},
		Blocks: map[string]schema.Block{
			// A list of at most one, as databricks_secret_scope declares it.
			"keyvault_metadata": schema.ListNestedBlock{
				MarkdownDescription: "The Azure Key Vault backing the scope. Creating one needs an Entra ID token (not a personal " +
					"access token); its secrets are managed in the key vault, not here. Changing it replaces the scope.",
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
				Validators:    []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"resource_id": keyvaultAttr("ARM id of the key vault."),
					"dns_name":    keyvaultAttr("The key vault's URI, e.g. `https://my-vault.vault.azure.net/`."),
				}},
			},
		},
	}
}

func (r *secretScopeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *secretScopeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[secretScopeModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	create := workspace.CreateScope{
		Scope: plan.Name.ValueString(), InitialManagePrincipal: plan.InitialManagePrincipal.ValueString(),
		ScopeBackendType: workspace.ScopeBackendType(plan.BackendType.ValueString()),
	}
	for _, kv := range plan.KeyvaultMetadata {
		create.ScopeBackendType = workspace.ScopeBackendTypeAzureKeyvault
		create.BackendAzureKeyvault = &workspace.AzureKeyVaultSecretScopeMetadata{ResourceId: kv.ResourceID.ValueString(), DnsName: kv.DNSName.ValueString()}
	}
	// Scope names are unique: a create whose answer was lost is retried
	// into RESOURCE_ALREADY_EXISTS. Scopes record neither creator nor
	// creation time, so the scope is adopted only while it is as a create
	// leaves it — no secrets yet — and matches the plan (createOrAdopt).
	err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "secret scope", typeName: "brickops_secret_scope", importID: create.Scope, lookFirst: true,
		create: func(ctx context.Context) error { return w.Secrets.CreateScope(ctx, create) },
		existing: func(ctx context.Context) (origin, error) {
			sc, err := findSecretScope(ctx, w.Secrets, create.Scope)
			if err != nil {
				return origin{}, err
			}
			secrets, err := w.Secrets.ListSecretsAll(ctx, workspace.ListSecretsRequest{Scope: create.Scope})
			if err != nil {
				return origin{}, err
			}
			var vault string
			if kv := sc.KeyvaultMetadata; kv != nil {
				vault = kv.ResourceId
			}
			var planVault string
			if kv := create.BackendAzureKeyvault; kv != nil {
				planVault = kv.ResourceId
			}
			return origin{unattributed: true, fresh: len(secrets) == 0, differs: differs(
				[3]string{"backend_type", string(create.ScopeBackendType), string(sc.BackendType)},
				[3]string{"keyvault_metadata", planVault, vault})}, nil
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating secret scope failed", fmt.Sprintf("Creating secret scope %q: %v", create.Scope, err))
		return
	}
	scope, err := findSecretScope(ctx, w.Secrets, create.Scope)
	if err != nil {
		resp.Diagnostics.AddError("Reading secret scope failed", fmt.Sprintf("Secret scope %q was created but could not be read: %v", create.Scope, err))
		return
	}
	plan.fromAPI(scope)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// findSecretScope looks the scope up in the list (the API has no get);
// an absent scope is a not-found error, so Read removes it from state.
func findSecretScope(ctx context.Context, secrets workspace.SecretsInterface, name string) (*workspace.SecretScope, error) {
	scopes, err := secrets.ListScopesAll(ctx)
	if err != nil {
		return nil, err
	}
	for i := range scopes {
		if scopes[i].Name == name {
			return &scopes[i], nil
		}
	}
	return nil, fmt.Errorf("secret scope %q: %w", name, errNotFound)
}

func (r *secretScopeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[secretScopeModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	scope, err := refreshSecretScopes.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, name string) (*workspace.SecretScope, error) {
		return findSecretScope(ctx, w.Secrets, name)
	})
	if readFailed(ctx, resp, err, "secret scope", fmt.Sprintf("secret scope %q", state.ID.ValueString())) {
		return
	}
	state.fromAPI(scope)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update is never called: every argument replaces the scope.
func (r *secretScopeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(resp.State.Set(ctx, req.Plan)...)
}

func (r *secretScopeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[secretScopeModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := w.Secrets.DeleteScope(ctx, workspace.DeleteScope{Scope: state.ID.ValueString()}); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting secret scope failed", fmt.Sprintf("Deleting secret scope %q: %v", state.ID.ValueString(), err))
	}
}

func (r *secretScopeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (m *secretScopeModel) fromAPI(s *workspace.SecretScope) {
	m.ID, m.Name, m.BackendType = types.StringValue(s.Name), types.StringValue(s.Name), types.StringValue(string(s.BackendType))
	m.KeyvaultMetadata = nil
	if kv := s.KeyvaultMetadata; kv != nil {
		m.KeyvaultMetadata = []keyvaultMetadata{{ResourceID: types.StringValue(kv.ResourceId), DNSName: types.StringValue(kv.DnsName)}}
	}
}
