package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Workspace SCIM v2 (/api/2.0/preview/scim/v2/{ServicePrincipals,Groups}),
// shared by brickops_service_principal, brickops_group,
// brickops_group_member and their data sources. Types: databricks-sdk-go
// service/iam (ServicePrincipal, Group, ComplexValue, Patch).

// entitlementFlags are the workspace entitlements as the official
// provider's boolean arguments; embedded in each identity's model.
type entitlementFlags struct {
	AllowClusterCreate      types.Bool `tfsdk:"allow_cluster_create"`
	AllowInstancePoolCreate types.Bool `tfsdk:"allow_instance_pool_create"`
	DatabricksSQLAccess     types.Bool `tfsdk:"databricks_sql_access"`
	WorkspaceAccess         types.Bool `tfsdk:"workspace_access"`
	WorkspaceConsume        types.Bool `tfsdk:"workspace_consume"`
}

// entitlement names one flag: its attribute and the SCIM value.
type entitlement struct {
	attr, value, desc string
	field             func(*entitlementFlags) *types.Bool
}

var entitlements = []entitlement{
	{"allow_cluster_create", "allow-cluster-create", "May create clusters.", func(f *entitlementFlags) *types.Bool { return &f.AllowClusterCreate }},
	{"allow_instance_pool_create", "allow-instance-pool-create", "May create instance pools.", func(f *entitlementFlags) *types.Bool { return &f.AllowInstancePoolCreate }},
	{"databricks_sql_access", "databricks-sql-access", "May use Databricks SQL.", func(f *entitlementFlags) *types.Bool { return &f.DatabricksSQLAccess }},
	{"workspace_access", "workspace-access", "May use the workspace UI and APIs.", func(f *entitlementFlags) *types.Bool { return &f.WorkspaceAccess }},
	{"workspace_consume", "workspace-consume", "Consumer access only (dashboards, apps); excludes `workspace_access` and `databricks_sql_access`.",
		func(f *entitlementFlags) *types.Bool { return &f.WorkspaceConsume }},
}

// entitlementAttributes adds the five flags to a resource schema: optional,
// false unless set, as the official provider declares them.
func entitlementAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	for _, e := range entitlements {
		var v []validator.Bool
		if e.attr == "workspace_consume" {
			v = []validator.Bool{boolvalidator.ConflictsWith(path.MatchRoot("workspace_access"), path.MatchRoot("databricks_sql_access"))}
		}
		attrs[e.attr] = schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), Validators: v,
			MarkdownDescription: "Entitlement: " + e.desc + " Default `false`; changes in place."}
	}
	return attrs
}

// values lists the SCIM entitlements the flags grant.
func (f entitlementFlags) values() []string {
	var out []string
	for _, e := range entitlements {
		if e.field(&f).ValueBool() {
			out = append(out, e.value)
		}
	}
	return out
}

func (f entitlementFlags) complexValues() []iam.ComplexValue {
	var out []iam.ComplexValue
	for _, v := range f.values() {
		out = append(out, iam.ComplexValue{Value: v})
	}
	return out
}

// fromAPI sets every flag from an identity's direct entitlements.
func (f *entitlementFlags) fromAPI(api []iam.ComplexValue) {
	for _, e := range entitlements {
		*e.field(f) = types.BoolValue(slices.ContainsFunc(api, func(c iam.ComplexValue) bool { return c.Value == e.value }))
	}
}

// entitlementOps are the PATCH operations that take an identity from the
// entitlements it has to those planned. Adding and removing single values,
// rather than replacing the list, leaves alone what the plan does not name.
func entitlementOps(have []iam.ComplexValue, want entitlementFlags) []iam.Patch {
	var ops []iam.Patch
	wanted := want.values()
	var add []map[string]string
	for _, v := range wanted {
		if !slices.ContainsFunc(have, func(c iam.ComplexValue) bool { return c.Value == v }) {
			add = append(add, map[string]string{"value": v})
		}
	}
	if len(add) > 0 {
		ops = append(ops, iam.Patch{Op: iam.PatchOpAdd, Path: "entitlements", Value: add})
	}
	for _, c := range have {
		if !slices.Contains(wanted, c.Value) {
			ops = append(ops, iam.Patch{Op: iam.PatchOpRemove, Path: fmt.Sprintf(`entitlements[value eq "%s"]`, c.Value)})
		}
	}
	return ops
}

// identityOps are the PATCH operations that bring a service principal's or
// group's entitlements, display name and external id to the plan. An
// unset (unknown) display name or external id is left as it is.
func identityOps(flags entitlementFlags, name, ext types.String, has []iam.ComplexValue, hasName, hasExt string) []iam.Patch {
	ops := entitlementOps(has, flags)
	if v := name.ValueString(); v != "" && v != hasName {
		ops = append(ops, replaceOp("displayName", v))
	}
	if !ext.IsUnknown() && !ext.IsNull() && ext.ValueString() != hasExt {
		ops = append(ops, replaceOp("externalId", ext.ValueString()))
	}
	return ops
}

// applySCIM brings identity id to the plan with one PATCH of what differs
// (ops; none sends nothing) and returns it as it then is, or nil after
// adding the error. A PUT, as the official provider sends, would rewrite
// the group memberships too, and drop one a brickops_group_member makes at
// the same time.
func applySCIM[T any](ctx context.Context, kind, id string, get func(context.Context, string) (*T, error),
	ops func(*T) []iam.Patch, patch func(context.Context, []iam.Patch) error, diags *diag.Diagnostics) *T {
	got, err := get(ctx, id)
	if err == nil {
		if o := ops(got); len(o) > 0 {
			if err := patch(ctx, o); err != nil {
				diags.AddError("Updating "+kind+" failed", fmt.Sprintf("Updating %s %s: %v", kind, id, err))
				return nil
			}
			got, err = get(ctx, id)
		}
	}
	if err != nil {
		diags.AddError("Reading "+kind+" failed", fmt.Sprintf("Reading %s %s: %v", kind, id, err))
		return nil
	}
	return got
}

// replaceOp sets one single-valued attribute; a false bool is sent, not
// omitted.
func replaceOp(attr string, value any) iam.Patch {
	return iam.Patch{Op: iam.PatchOpReplace, Path: attr, Value: value, ForceSendFields: []string{"Value"}}
}

var patchSchema = []iam.PatchSchema{iam.PatchSchemaUrnIetfParamsScimApiMessages20PatchOp}

// scimGone turns SCIM's 404 (error code SCIM_404, which the SDK maps to
// ErrNotFound but not to ErrResourceDoesNotExist) into the not-found error
// Read and Delete recognise.
func scimGone(err error) error {
	if err != nil && errors.Is(err, apierr.ErrNotFound) && !isNotFound(err) {
		return fmt.Errorf("%w (%v)", errNotFound, err)
	}
	return err
}

// isSCIMConflict recognises the 409 SCIM answers for a service principal's
// application id or a group's name already in use.
func isSCIMConflict(err error) bool {
	return errors.Is(err, apierr.ErrResourceConflict) || isAlreadyExists(err)
}

// scimEq is a SCIM filter `attr eq "value"`; quotes and backslashes in
// value are escaped as RFC 7644 §3.4.2.2 (JSON strings) requires.
func scimEq(attr, value string) string {
	return fmt.Sprintf(`%s eq "%s"`, attr, strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value))
}

// The attributes reads ask for: what Read sets, nothing more (the service's
// full answers carry every membership).
const (
	spAttributes    = "id,applicationId,displayName,active,externalId,entitlements"
	groupAttributes = "id,displayName,externalId,entitlements,members"
)

func getServicePrincipal(ctx context.Context, w *databricks.WorkspaceClient, id string) (*iam.ServicePrincipal, error) {
	sp, err := w.ServicePrincipalsV2.Get(ctx, iam.GetServicePrincipalRequest{Id: id})
	return sp, scimGone(err)
}

func getGroup(ctx context.Context, w *databricks.WorkspaceClient, id string) (*iam.Group, error) {
	g, err := w.GroupsV2.Get(ctx, iam.GetGroupRequest{Id: id})
	return g, scimGone(err)
}

// servicePrincipalsWhere lists the service principals a filter selects.
func servicePrincipalsWhere(ctx context.Context, w *databricks.WorkspaceClient, filter string) ([]iam.ServicePrincipal, error) {
	return w.ServicePrincipalsV2.ListAll(ctx, iam.ListServicePrincipalsRequest{Filter: filter, Attributes: spAttributes})
}

// groupNamed is the group with this display name (unique in a workspace;
// SCIM compares it case-insensitively), or a not-found error.
func groupNamed(ctx context.Context, w *databricks.WorkspaceClient, name string) (*iam.Group, error) {
	gs, err := w.GroupsV2.ListAll(ctx, iam.ListGroupsRequest{Filter: scimEq("displayName", name)})
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, fmt.Errorf("no group is named %q: %w", name, errNotFound)
	}
	return &gs[0], nil
}
