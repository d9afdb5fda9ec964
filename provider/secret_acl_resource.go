package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*secretACLResource)(nil)
	_ resource.ResourceWithImportState = (*secretACLResource)(nil)
)

func newSecretACLResource() resource.Resource { return &secretACLResource{} }

type secretACLResource struct{ data *providerData }

// secretACLModel mirrors databricks_secret_acl (scope, principal,
// permission). API fields: databricks-sdk-go service/workspace PutAcl and
// AclItem.
type secretACLModel struct {
	ID         types.String `tfsdk:"id"`
	Scope      types.String `tfsdk:"scope"`
	Principal  types.String `tfsdk:"principal"`
	Permission types.String `tfsdk:"permission"`
}

func (r *secretACLResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret_acl"
}

func (r *secretACLResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who may read, write or manage the secrets of a scope: one principal's permission. " +
			"Import id `<scope>|||<principal>`, as for `databricks_secret_acl`.",
		Attributes: map[string]schema.Attribute{
			"id":    computedString("`<scope>|||<principal>`."),
			"scope": forceNewString("Name of the secret scope. Changing it replaces the ACL.", true),
			"principal": forceNewString("User name, group display name (`users` is every workspace user) or service principal "+
				"application id. Changing it replaces the ACL.", true),
			"permission": schema.StringAttribute{
				Required: true, MarkdownDescription: "`READ`, `WRITE` or `MANAGE`; changes in place.",
				Validators: []validator.String{stringvalidator.OneOf(enumValues(new(workspace.AclPermission).Values())...)},
			},
		},
	}
}

func (r *secretACLResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *secretACLResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.put(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *secretACLResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.put(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// put sets the principal's permission; the API overwrites an existing one.
func (r *secretACLResource) put(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	m, w, ok := begin[secretACLModel](ctx, r.data, plan, diags)
	if !ok {
		return
	}
	put := workspace.PutAcl{Scope: m.Scope.ValueString(), Principal: m.Principal.ValueString(), Permission: workspace.AclPermission(m.Permission.ValueString())}
	if err := w.Secrets.PutAcl(ctx, put); err != nil {
		diags.AddError("Setting secret ACL failed", fmt.Sprintf("Granting %s on secret scope %q to %q: %v", put.Permission, put.Scope, put.Principal, err))
		return
	}
	m.ID = types.StringValue(pairID(put.Scope, put.Principal))
	diags.Append(state.Set(ctx, m)...)
}

func (r *secretACLResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[secretACLModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	scope, principal, _ := splitPairID(state.ID.ValueString())
	acl, err := refreshSecretACLs.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, _ string) (*workspace.AclItem, error) {
		return w.Secrets.GetAcl(ctx, workspace.GetAclRequest{Scope: scope, Principal: principal})
	})
	if readFailed(ctx, resp, err, "secret ACL", fmt.Sprintf("ACL of %q on secret scope %q", principal, scope)) {
		return
	}
	state.Scope, state.Principal = types.StringValue(scope), types.StringValue(acl.Principal)
	state.Permission = types.StringValue(string(acl.Permission))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *secretACLResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[secretACLModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	scope, principal, _ := splitPairID(state.ID.ValueString())
	if err := w.Secrets.DeleteAcl(ctx, workspace.DeleteAcl{Scope: scope, Principal: principal}); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting secret ACL failed", fmt.Sprintf("Removing %q from secret scope %q: %v", principal, scope, err))
	}
}

func (r *secretACLResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importPair(ctx, req, resp, "secret ACL", "scope", "principal")
}
