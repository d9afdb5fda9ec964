package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*secretResource)(nil)
	_ resource.ResourceWithImportState = (*secretResource)(nil)
)

func newSecretResource() resource.Resource { return &secretResource{} }

type secretResource struct{ data *providerData }

// secretModel mirrors databricks_secret (scope, key, string_value,
// config_reference, last_updated_timestamp) and adds the write-only
// string_value_wo with its version. API fields: databricks-sdk-go
// service/workspace PutSecret and SecretMetadata.
type secretModel struct {
	ID                   types.String `tfsdk:"id"`
	Scope                types.String `tfsdk:"scope"`
	Key                  types.String `tfsdk:"key"`
	StringValue          types.String `tfsdk:"string_value"`
	StringValueWO        types.String `tfsdk:"string_value_wo"`
	StringValueWOVersion types.Int64  `tfsdk:"string_value_wo_version"`
	ConfigReference      types.String `tfsdk:"config_reference"`
	LastUpdatedTimestamp types.Int64  `tfsdk:"last_updated_timestamp"`
}

func (r *secretResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (r *secretResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	scope := forceNewString("Name of the secret scope. Changing it replaces the secret.", true)
	key := forceNewString("Key of the secret in its scope: letters, digits, dashes, underscores and periods, at most 128 characters. "+
		"Changing it replaces the secret.", true)
	key.Validators = []validator.String{stringvalidator.RegexMatches(secretKeyRE,
		"must consist of alphanumeric characters, dashes, underscores, and periods, and may not exceed 128 characters")}
	oneValue := stringvalidator.ExactlyOneOf(path.MatchRoot("string_value"), path.MatchRoot("string_value_wo"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "A secret in a secret scope. Set the value with `string_value` (sensitive, kept in state, as " +
			"`databricks_secret` does) or, with Terraform 1.11 or later, with the write-only `string_value_wo`, which never " +
			"reaches plan or state: bump `string_value_wo_version` to write a new value. A value changed outside Terraform " +
			"(seen by its `last_updated_timestamp`) is written again on the next apply. Import id `<scope>|||<key>`, as for " +
			"`databricks_secret`.",
		Attributes: map[string]schema.Attribute{
			"id":    computedString("`<scope>|||<key>`."),
			"scope": scope,
			"key":   key,
			"string_value": schema.StringAttribute{
				Optional: true, Sensitive: true, Validators: []validator.String{oneValue},
				MarkdownDescription: "The secret's value, stored (sensitive) in state; changes in place. Exactly one of " +
					"`string_value` and `string_value_wo` is required.",
			},
			"string_value_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true, Validators: []validator.String{oneValue},
				MarkdownDescription: "The secret's value, write-only: sent to the API, never stored in plan or state " +
					"(Terraform 1.11 or later). Written on create and whenever `string_value_wo_version` changes.",
			},
			"string_value_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Change it to write `string_value_wo` again (Terraform cannot see a write-only value change). " +
					"With it set, a value overwritten outside Terraform is also written back.",
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("string_value_wo"))},
			},
			"config_reference": computedString("`{{secrets/<scope>/<key>}}`, to use in Spark configuration and environment variables."),
			"last_updated_timestamp": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "When the value was last written, in epoch milliseconds.",
			},
		},
	}
}

func (r *secretResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *secretResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.put(ctx, req.Plan, req.Config, &resp.State, &resp.Diagnostics)
}

func (r *secretResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.put(ctx, req.Plan, req.Config, &resp.State, &resp.Diagnostics)
}

// put writes the value (the API overwrites an existing key) and records
// what it wrote. The write-only value is only in the configuration.
func (r *secretResource) put(ctx context.Context, plan tfsdk.Plan, config tfsdk.Config, state *tfsdk.State, diags *diag.Diagnostics) {
	m, w, ok := begin[secretModel](ctx, r.data, plan, diags)
	diags.Append(config.GetAttribute(ctx, path.Root("string_value_wo"), &m.StringValueWO)...)
	if !ok || diags.HasError() {
		return
	}
	scope, key := m.Scope.ValueString(), m.Key.ValueString()
	value := m.StringValue.ValueString()
	if m.StringValue.IsNull() {
		value = m.StringValueWO.ValueString()
	}
	if err := w.Secrets.PutSecret(ctx, workspace.PutSecret{Scope: scope, Key: key, StringValue: value, ForceSendFields: []string{"StringValue"}}); err != nil {
		diags.AddError("Writing secret failed", fmt.Sprintf("Writing secret %q in scope %q: %v", key, scope, err))
		return
	}
	meta, err := findSecret(ctx, w.Secrets, scope, key)
	if err != nil {
		diags.AddError("Reading secret failed", fmt.Sprintf("Secret %q in scope %q was written but could not be read: %v", key, scope, err))
		return
	}
	m.StringValueWO = types.StringNull()
	m.ID, m.ConfigReference = types.StringValue(pairID(scope, key)), types.StringValue("{{secrets/"+scope+"/"+key+"}}")
	m.LastUpdatedTimestamp = types.Int64Value(meta.LastUpdatedTimestamp)
	diags.Append(state.Set(ctx, m)...)
}

// findSecret looks the key up in its scope's list (the API reads values
// only from inside a cluster); an absent key is a not-found error.
func findSecret(ctx context.Context, secrets workspace.SecretsInterface, scope, key string) (*workspace.SecretMetadata, error) {
	list, err := secrets.ListSecretsAll(ctx, workspace.ListSecretsRequest{Scope: scope})
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Key == key {
			return &list[i], nil
		}
	}
	return nil, fmt.Errorf("secret %q in scope %q: %w", key, scope, errNotFound)
}

func (r *secretResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[secretModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	scope, key, _ := splitPairID(state.ID.ValueString())
	meta, err := refreshSecrets.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, _ string) (*workspace.SecretMetadata, error) {
		return findSecret(ctx, w.Secrets, scope, key)
	})
	if readFailed(ctx, resp, err, "secret", fmt.Sprintf("secret %q in scope %q", key, scope)) {
		return
	}
	// A timestamp other than the one this provider wrote means the value
	// was overwritten (or, after import, is unknown): forget the value so
	// the configuration's is written again.
	if state.LastUpdatedTimestamp.ValueInt64() != meta.LastUpdatedTimestamp {
		state.StringValue, state.StringValueWOVersion = types.StringNull(), types.Int64Null()
	}
	state.Scope, state.Key = types.StringValue(scope), types.StringValue(key)
	state.ConfigReference = types.StringValue("{{secrets/" + scope + "/" + key + "}}")
	state.LastUpdatedTimestamp = types.Int64Value(meta.LastUpdatedTimestamp)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *secretResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[secretModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	scope, key, _ := splitPairID(state.ID.ValueString())
	if err := w.Secrets.DeleteSecret(ctx, workspace.DeleteSecret{Scope: scope, Key: key}); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting secret failed", fmt.Sprintf("Deleting secret %q in scope %q: %v", key, scope, err))
	}
}

func (r *secretResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importPair(ctx, req, resp, "secret", "scope", "key")
}
