package provider

import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure        = (*clusterPolicyResource)(nil)
	_ resource.ResourceWithImportState      = (*clusterPolicyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*clusterPolicyResource)(nil)
)

func newClusterPolicyResource() resource.Resource { return &clusterPolicyResource{} }

type clusterPolicyResource struct{ data *providerData }

// clusterPolicyModel mirrors databricks_cluster_policy (name, definition,
// description, max_clusters_per_user, policy_family_id,
// policy_family_definition_overrides, policy_id); API fields:
// databricks-sdk-go service/compute CreatePolicy, EditPolicy, Policy.
type clusterPolicyModel struct {
	ID                              types.String         `tfsdk:"id"`
	PolicyID                        types.String         `tfsdk:"policy_id"`
	Name                            types.String         `tfsdk:"name"`
	Definition                      jsontypes.Normalized `tfsdk:"definition"`
	Description                     types.String         `tfsdk:"description"`
	MaxClustersPerUser              types.Int64          `tfsdk:"max_clusters_per_user"`
	PolicyFamilyID                  types.String         `tfsdk:"policy_family_id"`
	PolicyFamilyDefinitionOverrides jsontypes.Normalized `tfsdk:"policy_family_definition_overrides"`
}

func (r *clusterPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_policy"
}

func (r *clusterPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	jsonAttr := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, CustomType: jsontypes.NormalizedType{}, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A cluster policy: rules every cluster created under it follows (runtime, node types, " +
			"auto-termination, tags), e.g. the job clusters of a retraining job. The definition is compared as JSON: the API's " +
			"re-encoding (key order, spacing) never shows as drift. Every argument changes in place. Same arguments and import " +
			"id as `databricks_cluster_policy`.",
		Attributes: map[string]schema.Attribute{
			"id":        computedString("The policy id."),
			"policy_id": computedString("The policy id."),
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "Name, unique in the workspace (at most 100 characters).",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 100)}},
			"definition": jsonAttr("The policy as JSON: attribute paths to rules (`fixed`, `forbidden`, `allowlist`, " +
				"`blocklist`, `regex`, `range`, `unlimited`). Use `jsonencode`."),
			"description": schema.StringAttribute{Optional: true, MarkdownDescription: "Free-form description."},
			"max_clusters_per_user": schema.Int64Attribute{Optional: true, MarkdownDescription: "How many clusters one user may create under it.",
				Validators: []validator.Int64{int64validator.AtLeast(1)}},
			"policy_family_id":                   schema.StringAttribute{Optional: true, MarkdownDescription: "Policy family the definition derives from."},
			"policy_family_definition_overrides": jsonAttr("JSON rules added to or replacing the family's."),
		},
	}
}

// ConfigValidators: a policy is a definition, a family, or a family with
// overrides.
func (r *clusterPolicyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("definition"), path.MatchRoot("policy_family_id")),
		resourcevalidator.Conflicting(path.MatchRoot("definition"), path.MatchRoot("policy_family_id")),
	}
}

func (r *clusterPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (m clusterPolicyModel) request() compute.CreatePolicy {
	return compute.CreatePolicy{
		Name: m.Name.ValueString(), Definition: m.Definition.ValueString(), Description: m.Description.ValueString(),
		MaxClustersPerUser: m.MaxClustersPerUser.ValueInt64(), PolicyFamilyId: m.PolicyFamilyID.ValueString(),
		PolicyFamilyDefinitionOverrides: m.PolicyFamilyDefinitionOverrides.ValueString(),
	}
}

func (r *clusterPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[clusterPolicyModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	c := plan.request()
	// Policy names are unique: a create whose answer was lost is retried
	// into "already exists", and the policy is adopted when it is this
	// create's (createOrAdopt).
	var id string
	err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "cluster policy", typeName: "brickops_cluster_policy", importID: c.Name, inTheWay: isNameTaken,
		create: func(ctx context.Context) error {
			created, err := w.ClusterPolicies.Create(ctx, c)
			if err == nil {
				id = created.PolicyId
			}
			return err
		},
		existing: func(ctx context.Context) (origin, error) {
			p, err := w.ClusterPolicies.GetByName(ctx, c.Name)
			if err != nil {
				return origin{}, err
			}
			id = p.PolicyId
			return origin{createdBy: p.CreatorUserName, createdAt: millis(p.CreatedAtTimestamp), differs: differs(
				[3]string{"description", c.Description, p.Description}, [3]string{"policy_family_id", c.PolicyFamilyId, p.PolicyFamilyId})}, nil
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating cluster policy failed", fmt.Sprintf("Creating cluster policy %q: %v", c.Name, err))
		return
	}
	r.readInto(ctx, w, id, &plan, &resp.State, &resp.Diagnostics)
}

func (r *clusterPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, w, ok := begin[clusterPolicyModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	c := plan.request()
	edit := compute.EditPolicy{PolicyId: plan.ID.ValueString(), Name: c.Name, Definition: c.Definition, Description: c.Description,
		MaxClustersPerUser: c.MaxClustersPerUser, PolicyFamilyId: c.PolicyFamilyId, PolicyFamilyDefinitionOverrides: c.PolicyFamilyDefinitionOverrides}
	if err := w.ClusterPolicies.Edit(ctx, edit); err != nil {
		resp.Diagnostics.AddError("Updating cluster policy failed", fmt.Sprintf("Updating cluster policy %q (%s): %v", edit.Name, edit.PolicyId, err))
		return
	}
	r.readInto(ctx, w, edit.PolicyId, &plan, &resp.State, &resp.Diagnostics)
}

func (r *clusterPolicyResource) readInto(ctx context.Context, w *databricks.WorkspaceClient, id string, m *clusterPolicyModel, state stateSetter, diags *diag.Diagnostics) {
	got, err := w.ClusterPolicies.GetByPolicyId(ctx, id)
	if err != nil {
		diags.AddError("Reading cluster policy failed", fmt.Sprintf("Cluster policy %s was written but could not be read: %v", id, err))
		return
	}
	m.fromAPI(got)
	diags.Append(state.Set(ctx, m)...)
}

func (r *clusterPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[clusterPolicyModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	got, err := refreshClusterPolicies.read(ctx, r.data, state.ID.ValueString(), w.ClusterPolicies.GetByPolicyId)
	if readFailed(ctx, resp, err, "cluster policy", fmt.Sprintf("cluster policy %s", state.ID.ValueString())) {
		return
	}
	state.fromAPI(got)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *clusterPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[clusterPolicyModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := w.ClusterPolicies.DeleteByPolicyId(ctx, state.ID.ValueString()); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting cluster policy failed", fmt.Sprintf("Deleting cluster policy %s: %v", state.ID.ValueString(), err))
	}
}

func (r *clusterPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// fromAPI: the JSON attributes keep the prior spelling when semantically
// equal (jsontypes.Normalized), so re-encoding by the API is no change.
func (m *clusterPolicyModel) fromAPI(p *compute.Policy) {
	m.ID, m.PolicyID, m.Name = types.StringValue(p.PolicyId), types.StringValue(p.PolicyId), types.StringValue(p.Name)
	m.Definition = optionalJSON(m.Definition, p.Definition)
	m.PolicyFamilyDefinitionOverrides = optionalJSON(m.PolicyFamilyDefinitionOverrides, p.PolicyFamilyDefinitionOverrides)
	m.Description = optionalString(m.Description, p.Description)
	m.MaxClustersPerUser = optionalInt64(m.MaxClustersPerUser, p.MaxClustersPerUser)
	m.PolicyFamilyID = optionalString(m.PolicyFamilyID, p.PolicyFamilyId)
}

// optionalJSON is optionalString for JSON attributes.
func optionalJSON(prior jsontypes.Normalized, api string) jsontypes.Normalized {
	if api == "" && prior.IsNull() {
		return prior
	}
	return jsontypes.NewNormalizedValue(api)
}
