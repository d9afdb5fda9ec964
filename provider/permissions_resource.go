package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
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
	_ resource.ResourceWithConfigure        = (*permissionsResource)(nil)
	_ resource.ResourceWithImportState      = (*permissionsResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*permissionsResource)(nil)
	_ resource.ResourceWithConfigValidators = (*permissionsResource)(nil)
)

func newPermissionsResource() resource.Resource { return &permissionsResource{} }

type permissionsResource struct{ data *providerData }

// permissionObject is one kind of object databricks_permissions manages:
// the attribute naming it, the permissions API's request_object_type and
// reported object_type, and its levels. Source: databricks-sdk-go
// service/iam (PermissionLevel) and the official provider's argument names.
type permissionObject struct {
	field, requestType, objectType string
	levels                         []string
	// owned types have an IS_OWNER the API keeps when a PUT names none.
	owned bool
	// byPath: the attribute is a workspace path, resolved to its object id.
	byPath bool
}

var workspaceObjectLevels = []string{"CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"}

var permissionObjects = []permissionObject{
	{field: "job_id", requestType: "jobs", objectType: "job", levels: []string{"CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE"}, owned: true},
	{field: "cluster_id", requestType: "clusters", objectType: "cluster", levels: []string{"CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"}},
	{field: "cluster_policy_id", requestType: "cluster-policies", objectType: "cluster-policy", levels: []string{"CAN_USE"}},
	{field: "instance_pool_id", requestType: "instance-pools", objectType: "instance-pool", levels: []string{"CAN_ATTACH_TO", "CAN_MANAGE"}},
	{field: "serving_endpoint_id", requestType: "serving-endpoints", objectType: "serving-endpoint", levels: []string{"CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"}},
	{field: "experiment_id", requestType: "experiments", objectType: "mlflowExperiment", levels: []string{"CAN_READ", "CAN_EDIT", "CAN_MANAGE"}},
	{field: "notebook_id", requestType: "notebooks", objectType: "notebook", levels: workspaceObjectLevels},
	{field: "notebook_path", requestType: "notebooks", objectType: "notebook", levels: workspaceObjectLevels, byPath: true},
	{field: "directory_id", requestType: "directories", objectType: "directory", levels: workspaceObjectLevels},
	{field: "directory_path", requestType: "directories", objectType: "directory", levels: workspaceObjectLevels, byPath: true},
	{field: "workspace_file_id", requestType: "files", objectType: "file", levels: workspaceObjectLevels},
	{field: "workspace_file_path", requestType: "files", objectType: "file", levels: workspaceObjectLevels, byPath: true},
	{field: "repo_id", requestType: "repos", objectType: "repo", levels: workspaceObjectLevels},
	{field: "repo_path", requestType: "repos", objectType: "repo", levels: workspaceObjectLevels, byPath: true},
	{field: "sql_endpoint_id", requestType: "sql/warehouses", objectType: "warehouses", levels: []string{"CAN_USE", "CAN_MANAGE", "CAN_MONITOR", "CAN_VIEW", "IS_OWNER"}, owned: true},
}

// manageable: the type has CAN_MANAGE and no owner, so the applying user
// keeps CAN_MANAGE (else it would lock itself out), as the official
// provider does.
func (o permissionObject) manageable() bool {
	return !o.owned && slices.Contains(o.levels, "CAN_MANAGE")
}

type permissionsModel struct {
	ID            types.String    `tfsdk:"id"`
	ObjectType    types.String    `tfsdk:"object_type"`
	AccessControl []accessControl `tfsdk:"access_control"`
	// One of these names the object.
	JobID             types.String `tfsdk:"job_id"`
	ClusterID         types.String `tfsdk:"cluster_id"`
	ClusterPolicyID   types.String `tfsdk:"cluster_policy_id"`
	InstancePoolID    types.String `tfsdk:"instance_pool_id"`
	ServingEndpointID types.String `tfsdk:"serving_endpoint_id"`
	ExperimentID      types.String `tfsdk:"experiment_id"`
	NotebookID        types.String `tfsdk:"notebook_id"`
	NotebookPath      types.String `tfsdk:"notebook_path"`
	DirectoryID       types.String `tfsdk:"directory_id"`
	DirectoryPath     types.String `tfsdk:"directory_path"`
	WorkspaceFileID   types.String `tfsdk:"workspace_file_id"`
	WorkspaceFilePath types.String `tfsdk:"workspace_file_path"`
	RepoID            types.String `tfsdk:"repo_id"`
	RepoPath          types.String `tfsdk:"repo_path"`
	SQLEndpointID     types.String `tfsdk:"sql_endpoint_id"`
}

type accessControl struct {
	UserName             types.String `tfsdk:"user_name"`
	GroupName            types.String `tfsdk:"group_name"`
	ServicePrincipalName types.String `tfsdk:"service_principal_name"`
	PermissionLevel      types.String `tfsdk:"permission_level"`
}

// fields maps each identifying attribute to its place in the model.
func (m *permissionsModel) fields() map[string]*types.String {
	return map[string]*types.String{
		"job_id": &m.JobID, "cluster_id": &m.ClusterID, "cluster_policy_id": &m.ClusterPolicyID,
		"instance_pool_id": &m.InstancePoolID, "serving_endpoint_id": &m.ServingEndpointID, "experiment_id": &m.ExperimentID,
		"notebook_id": &m.NotebookID, "notebook_path": &m.NotebookPath, "directory_id": &m.DirectoryID,
		"directory_path": &m.DirectoryPath, "workspace_file_id": &m.WorkspaceFileID, "workspace_file_path": &m.WorkspaceFilePath,
		"repo_id": &m.RepoID, "repo_path": &m.RepoPath, "sql_endpoint_id": &m.SQLEndpointID,
	}
}

// target is the object the model names, and the value naming it (which
// may still be unknown while validating).
func (m *permissionsModel) target() (permissionObject, string, bool) {
	fields := m.fields()
	for _, o := range permissionObjects {
		if v := fields[o.field]; !v.IsNull() {
			return o, v.ValueString(), true
		}
	}
	return permissionObject{}, "", false
}

func (r *permissionsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permissions"
}

func (r *permissionsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The object's permissions path, e.g. `/jobs/123` or `/serving-endpoints/<id>`; the import id."},
		"object_type": schema.StringAttribute{Computed: true, MarkdownDescription: "Object type the API reports, e.g. `job`, `serving-endpoint`."},
	}
	for _, o := range permissionObjects {
		what := "Id"
		if o.byPath {
			what = "Workspace path"
		}
		attrs[o.field] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("%s of the %s whose permissions these are (levels: %s). Pointing at another object "+
				"resets the old one's permissions and sets the new one's.", what, strings.ReplaceAll(o.requestType, "-", " "), "`"+strings.Join(o.levels, "`, `")+"`"),
		}
	}
	principal := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The access control list of one workspace object — a job, cluster, cluster policy, instance pool, " +
			"serving endpoint, MLflow experiment, notebook, directory, workspace file, git folder or SQL warehouse. It is " +
			"authoritative: principals not listed lose their direct permissions. The `admins` group always manages " +
			"everything and cannot be listed; the applying user keeps `CAN_MANAGE` (or ownership) unless listed otherwise. " +
			"Same arguments and import id as `databricks_permissions`.",
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"access_control": schema.SetNestedBlock{
				MarkdownDescription: "One principal's permission. Exactly one of `user_name`, `group_name`, `service_principal_name`.",
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"user_name":              principal("User name (email)."),
					"group_name":             principal("Group display name; `users` is every workspace user."),
					"service_principal_name": principal("Application id of a service principal."),
					"permission_level": schema.StringAttribute{
						Required: true, MarkdownDescription: "Permission level; which ones exist depends on the object type.",
						Validators: []validator.String{stringvalidator.OneOf(enumValues(new(iam.PermissionLevel).Values())...)},
					},
				}},
			},
		},
	}
}

// ConfigValidators: exactly one attribute names the object.
func (r *permissionsResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	var names []path.Expression
	for _, o := range permissionObjects {
		names = append(names, path.MatchRoot(o.field))
	}
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(names...)}
}

func (r *permissionsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses at plan time what the API would refuse at apply:
// levels the object type does not have, the admins group, and more or
// fewer than one principal in an entry.
func (r *permissionsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m permissionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	o, _, known := m.target()
	for _, ac := range m.AccessControl {
		at := path.Root("access_control")
		n := 0
		for _, p := range []types.String{ac.UserName, ac.GroupName, ac.ServicePrincipalName} {
			if !p.IsNull() {
				n++
			}
		}
		if n != 1 {
			resp.Diagnostics.AddAttributeError(at, "Invalid access_control", "Each access_control block needs exactly one of user_name, group_name and service_principal_name.")
		}
		if ac.GroupName.ValueString() == "admins" {
			resp.Diagnostics.AddAttributeError(at, "Invalid access_control", "The admins group always manages every object; its permissions cannot be changed.")
		}
		level := ac.PermissionLevel.ValueString()
		if known && !ac.PermissionLevel.IsUnknown() && !slices.Contains(o.levels, level) {
			resp.Diagnostics.AddAttributeError(at, "Invalid permission_level",
				fmt.Sprintf("%s is not a permission level of %s; use one of %s.", level, o.requestType, strings.Join(o.levels, ", ")))
		}
	}
}

func (r *permissionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.set(ctx, req.Plan, nil, &resp.State, &resp.Diagnostics)
}

func (r *permissionsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var state permissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	r.set(ctx, req.Plan, &state, &resp.State, &resp.Diagnostics)
}

// set resolves the object, puts the ACL and reads it back. When the
// configuration now names another object, the old one's ACL is reset.
func (r *permissionsResource) set(ctx context.Context, plan tfsdk.Plan, prior *permissionsModel, state *tfsdk.State, diags *diag.Diagnostics) {
	m, w, ok := begin[permissionsModel](ctx, r.data, plan, diags)
	if !ok {
		return
	}
	o, name, _ := m.target()
	id, err := resolvePermissionObject(ctx, w, o, name)
	if err != nil {
		diags.AddError("Resolving permissions object failed", fmt.Sprintf("Finding %s %q: %v", o.field, name, err))
		return
	}
	me, err := w.CurrentUser.Me(ctx)
	if err != nil {
		diags.AddError("Reading current user failed", fmt.Sprintf("Setting permissions on %s needs the current user: %v", id, err))
		return
	}
	if prior != nil && prior.ID.ValueString() != id {
		if err := resetPermissions(ctx, w, prior.ID.ValueString(), me.UserName); err != nil && !isNotFound(err) {
			diags.AddError("Resetting permissions failed", fmt.Sprintf("Resetting permissions of %s: %v", prior.ID.ValueString(), err))
			return
		}
	}
	acl := aclRequest(m.AccessControl)
	if o.manageable() && !m.lists(me.UserName) {
		acl = append(acl, iam.AccessControlRequest{UserName: me.UserName, PermissionLevel: iam.PermissionLevelCanManage})
	}
	reqType, objID := splitPermissionsID(id)
	got, err := w.Permissions.Set(ctx, iam.SetObjectPermissions{RequestObjectType: reqType, RequestObjectId: objID, AccessControlList: acl})
	if err != nil {
		diags.AddError("Setting permissions failed", fmt.Sprintf("Setting permissions of %s: %v", id, err))
		return
	}
	m.ID = types.StringValue(id)
	m.fromAPI(got, me.UserName)
	diags.Append(state.Set(ctx, m)...)
}

// resolvePermissionObject turns the configured id or path into the
// object's permissions path.
func resolvePermissionObject(ctx context.Context, w *databricks.WorkspaceClient, o permissionObject, name string) (string, error) {
	if o.byPath {
		info, err := w.Workspace.GetStatusByPath(ctx, name)
		if err != nil {
			return "", err
		}
		name = strconv.FormatInt(info.ObjectId, 10)
	}
	return "/" + o.requestType + "/" + name, nil
}

// splitPermissionsID splits "/sql/warehouses/abc" into its
// request_object_type and id.
func splitPermissionsID(id string) (string, string) {
	i := strings.LastIndex(id, "/")
	return strings.Trim(id[:i], "/"), id[i+1:]
}

func objectForID(id string) (permissionObject, bool) {
	reqType, objID := splitPermissionsID(id)
	for _, o := range permissionObjects {
		if o.requestType == reqType && !o.byPath && objID != "" {
			return o, true
		}
	}
	return permissionObject{}, false
}

// resetPermissions leaves only the admins (implicit), the owner (kept by
// the API) and, where the type has no owner, the applying user.
func resetPermissions(ctx context.Context, w *databricks.WorkspaceClient, id, me string) error {
	o, _ := objectForID(id)
	var acl []iam.AccessControlRequest
	if o.manageable() {
		acl = []iam.AccessControlRequest{{UserName: me, PermissionLevel: iam.PermissionLevelCanManage}}
	}
	reqType, objID := splitPermissionsID(id)
	_, err := w.Permissions.Set(ctx, iam.SetObjectPermissions{RequestObjectType: reqType, RequestObjectId: objID, AccessControlList: acl})
	return err
}

func aclRequest(entries []accessControl) []iam.AccessControlRequest {
	out := make([]iam.AccessControlRequest, 0, len(entries))
	for _, e := range entries {
		out = append(out, iam.AccessControlRequest{
			UserName: e.UserName.ValueString(), GroupName: e.GroupName.ValueString(),
			ServicePrincipalName: e.ServicePrincipalName.ValueString(), PermissionLevel: iam.PermissionLevel(e.PermissionLevel.ValueString()),
		})
	}
	return out
}

// lists reports whether the configuration has an entry for the user.
func (m *permissionsModel) lists(user string) bool {
	return slices.ContainsFunc(m.AccessControl, func(e accessControl) bool {
		return strings.EqualFold(e.UserName.ValueString(), user) || strings.EqualFold(e.ServicePrincipalName.ValueString(), user)
	})
}

// fromAPI keeps the direct entries the configuration manages: not the
// admins group, nothing inherited, and the applying user only when listed.
func (m *permissionsModel) fromAPI(p *iam.ObjectPermissions, me string) {
	listsMe := m.lists(me)
	var out []accessControl
	for _, ac := range p.AccessControlList {
		if ac.GroupName == "admins" {
			continue
		}
		if !listsMe && (strings.EqualFold(ac.UserName, me) || strings.EqualFold(ac.ServicePrincipalName, me)) {
			continue
		}
		for _, perm := range ac.AllPermissions {
			if perm.Inherited {
				continue
			}
			out = append(out, accessControl{
				UserName: optionalString(types.StringNull(), ac.UserName), GroupName: optionalString(types.StringNull(), ac.GroupName),
				ServicePrincipalName: optionalString(types.StringNull(), ac.ServicePrincipalName),
				PermissionLevel:      types.StringValue(string(perm.PermissionLevel)),
			})
		}
	}
	m.AccessControl = out
	m.ObjectType = types.StringValue(p.ObjectType)
}

func (r *permissionsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[permissionsModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	reqType, objID := splitPermissionsID(id)
	got, err := refreshPermissions.read(ctx, r.data, id, func(ctx context.Context, _ string) (*iam.ObjectPermissions, error) {
		return w.Permissions.Get(ctx, iam.GetPermissionRequest{RequestObjectType: reqType, RequestObjectId: objID})
	})
	if readFailed(ctx, resp, err, "permissions", fmt.Sprintf("permissions of %s", id)) {
		return
	}
	me, err := w.CurrentUser.Me(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Reading current user failed", fmt.Sprintf("Reading permissions of %s needs the current user: %v", id, err))
		return
	}
	// After import nothing names the object yet: the id variant does.
	if _, _, named := state.target(); !named {
		o, _ := objectForID(id)
		*state.fields()[o.field] = types.StringValue(objID)
	}
	state.fromAPI(got, me.UserName)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *permissionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[permissionsModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	me, err := w.CurrentUser.Me(ctx)
	if err == nil {
		err = resetPermissions(ctx, w, state.ID.ValueString(), me.UserName)
	}
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Resetting permissions failed", fmt.Sprintf("Resetting permissions of %s: %v", state.ID.ValueString(), err))
	}
}

func (r *permissionsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, ok := objectForID(req.ID); !ok || !strings.HasPrefix(req.ID, "/") {
		var kinds []string
		for _, o := range permissionObjects {
			if !o.byPath {
				kinds = append(kinds, "/"+o.requestType+"/<id>")
			}
		}
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import permissions by the object's permissions path, one of %s; got %q.", strings.Join(kinds, ", "), req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
