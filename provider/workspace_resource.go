package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/databricks/armdatabricks"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ resource.ResourceWithConfigure   = (*workspaceResource)(nil)
	_ resource.ResourceWithImportState = (*workspaceResource)(nil)
)

// defaultWorkspaceTimeout bounds creation and deletion; Azure takes a few
// minutes for either.
const defaultWorkspaceTimeout = 30 * time.Minute

// workspacePollFrequency is how often an ARM long-running operation is
// polled when the service sends no Retry-After.
const workspacePollFrequency = 5 * time.Second

func newWorkspaceResource() resource.Resource { return &workspaceResource{} }

// workspaceResource is an Azure Databricks workspace
// (Microsoft.Databricks/workspaces) managed through Azure Resource Manager.
type workspaceResource struct{ data *providerData }

type workspaceModel struct {
	ID                      types.String   `tfsdk:"id"`
	Name                    types.String   `tfsdk:"name"`
	ResourceGroupName       types.String   `tfsdk:"resource_group_name"`
	Location                types.String   `tfsdk:"location"`
	SKU                     types.String   `tfsdk:"sku"`
	ManagedResourceGroupID  types.String   `tfsdk:"managed_resource_group_id"`
	EnableNoPublicIP        types.Bool     `tfsdk:"enable_no_public_ip"`
	CustomVirtualNetworkID  types.String   `tfsdk:"custom_virtual_network_id"`
	CustomPublicSubnetName  types.String   `tfsdk:"custom_public_subnet_name"`
	CustomPrivateSubnetName types.String   `tfsdk:"custom_private_subnet_name"`
	PublicNetworkAccess     types.String   `tfsdk:"public_network_access"`
	RequiredNsgRules        types.String   `tfsdk:"required_nsg_rules"`
	Tags                    types.Map      `tfsdk:"tags"`
	WorkspaceURL            types.String   `tfsdk:"workspace_url"`
	WorkspaceID             types.String   `tfsdk:"workspace_id"`
	Timeouts                timeouts.Value `tfsdk:"timeouts"`
}

func (r *workspaceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspace"
}

func (r *workspaceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := stringplanmodifier.UseStateForUnknown()
	replace := stringplanmodifier.RequiresReplace()
	resp.Schema = schema.Schema{
		MarkdownDescription: "An Azure Databricks workspace, managed through Azure Resource Manager (`Microsoft.Databricks/workspaces`). " +
			"Its `workspace_url` can make the `host` of a second `brickops` provider block in the same configuration: " +
			"that provider connects at first use, after the workspace exists.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "ARM resource id: `/subscriptions/…/resourceGroups/…/providers/Microsoft.Databricks/workspaces/<name>`.",
				PlanModifiers: []planmodifier.String{keep},
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Workspace name (3–64 letters, digits, `-`, `_`).",
				PlanModifiers: []planmodifier.String{replace},
				Validators:    []validator.String{stringvalidator.LengthBetween(3, 64)},
			},
			"resource_group_name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Existing resource group the workspace is created in.",
				PlanModifiers: []planmodifier.String{replace},
			},
			"location": schema.StringAttribute{
				Required: true, MarkdownDescription: "Azure region, e.g. `westeurope` (`West Europe` is the same region).",
				PlanModifiers: []planmodifier.String{replace},
			},
			"sku": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "`standard`, `premium` or `trial`. Standard and premium switch in place; " +
					"Azure cannot turn an existing workspace into a trial one, so that change replaces it.",
				Validators:    []validator.String{stringvalidator.OneOf("standard", "premium", "trial")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(downgradeToTrial, "Changing to the trial sku replaces the workspace.", "Changing to the `trial` sku replaces the workspace.")},
			},
			"managed_resource_group_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Resource group Azure Databricks creates and manages for the workspace's resources " +
					"(`/subscriptions/<sub>/resourceGroups/<name>`); it must not exist yet. Default: `databricks-rg-<name>` in the workspace's subscription.",
				PlanModifiers: []planmodifier.String{keep, replace},
			},
			"enable_no_public_ip": schema.BoolAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Secure cluster connectivity: cluster nodes get no public IP (ARM parameter `enableNoPublicIp`).",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown(), boolplanmodifier.RequiresReplace()},
			},
			"custom_virtual_network_id": schema.StringAttribute{
				Optional: true, MarkdownDescription: "VNet injection: id of your virtual network (ARM parameter `customVirtualNetworkId`). Needs both subnet names.",
				PlanModifiers: []planmodifier.String{replace},
				Validators:    []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("custom_public_subnet_name"), path.MatchRoot("custom_private_subnet_name"))},
			},
			"custom_public_subnet_name": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Host (public) subnet in `custom_virtual_network_id`.",
				PlanModifiers: []planmodifier.String{replace},
				Validators:    []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("custom_virtual_network_id"))},
			},
			"custom_private_subnet_name": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Container (private) subnet in `custom_virtual_network_id`.",
				PlanModifiers: []planmodifier.String{replace},
				Validators:    []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("custom_virtual_network_id"))},
			},
			"public_network_access": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("Enabled"),
				MarkdownDescription: "`Enabled` (default) or `Disabled` (Private Link only; premium sku, `required_nsg_rules = \"NoAzureDatabricksRules\"`).",
				Validators:          []validator.String{stringvalidator.OneOf(enumValues(armdatabricks.PossiblePublicNetworkAccessValues())...)},
			},
			"required_nsg_rules": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("AllRules"),
				MarkdownDescription: "`AllRules` (default), `NoAzureDatabricksRules` or `NoAzureServiceRules` (VNet-injected workspaces only).",
				Validators:          []validator.String{stringvalidator.OneOf(enumValues(armdatabricks.PossibleRequiredNsgRulesValues())...)},
			},
			"tags": schema.MapAttribute{
				Optional: true, ElementType: types.StringType, MarkdownDescription: "Azure resource tags; changed in place.",
			},
			"workspace_url": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The workspace's host name as ARM reports it, without a scheme: `adb-<id>.<n>.azuredatabricks.net` " +
					"(the BrickOps emulator over TLS: `127.0.0.1:<port>`). A provider's `host` is `\"https://${brickops_workspace.<name>.workspace_url}\"`.",
				PlanModifiers: []planmodifier.String{keep},
			},
			"workspace_id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Numeric Databricks workspace id.",
				PlanModifiers: []planmodifier.String{keep},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// downgradeToTrial: Azure refuses to turn a standard or premium workspace
// into a trial one (the emulator answers InvalidSkuUpdate), so Terraform
// must replace it.
func downgradeToTrial(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && req.PlanValue.ValueString() == "trial" && req.StateValue.ValueString() != "trial"
}

func (r *workspaceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *workspaceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan workspaceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client, sub, diags := r.data.workspaces("")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultWorkspaceTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rg, name := plan.ResourceGroupName.ValueString(), plan.Name.ValueString()

	// ARM's PUT creates or updates: refuse to take over a workspace that
	// exists outside this state, as azurerm does.
	existing, err := client.Get(ctx, rg, name, nil)
	if err == nil {
		resp.Diagnostics.AddError("Workspace already exists",
			fmt.Sprintf("Workspace %q already exists in resource group %q (%s). To manage it with Terraform, import it: terraform import <address> %s",
				name, rg, *existing.ID, *existing.ID))
		return
	}
	if !isARMNotFound(err) {
		resp.Diagnostics.AddError("Creating workspace failed", fmt.Sprintf("Checking whether workspace %q exists in resource group %q: %v", name, rg, armMessage(err)))
		return
	}
	if plan.ManagedResourceGroupID.IsUnknown() || plan.ManagedResourceGroupID.IsNull() {
		plan.ManagedResourceGroupID = types.StringValue("/subscriptions/" + sub + "/resourceGroups/databricks-rg-" + name)
	}
	spec, diags := workspaceSpec(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	poller, err := client.BeginCreateOrUpdate(ctx, rg, name, spec, nil)
	if err != nil {
		resp.Diagnostics.AddError("Creating workspace failed", fmt.Sprintf("Creating workspace %q in resource group %q: %v", name, rg, armMessage(err)))
		return
	}
	// The workspace exists from here on: record it before waiting, so a
	// timeout leaves a tracked (tainted) workspace rather than an orphan.
	id := "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Databricks/workspaces/" + name
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	res, err := poller.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: workspacePollFrequency})
	if err != nil {
		resp.Diagnostics.AddError("Workspace did not finish provisioning", fmt.Sprintf("Workspace %q was accepted but did not reach Succeeded: %v", name, armMessage(err)))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, res.Workspace)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *workspaceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state workspaceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	id, diags := parseWorkspaceID(state.ID.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, _, diags := r.data.workspaces(id.SubscriptionID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	got, err := refreshWorkspaces.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, _ string) (*armdatabricks.Workspace, error) {
		got, err := client.Get(ctx, id.ResourceGroupName, id.Name, nil)
		return &got.Workspace, err
	})
	if isARMNotFound(err) {
		tflog.Warn(ctx, "workspace is gone; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading workspace failed", fmt.Sprintf("Reading workspace %s: %v", state.ID.ValueString(), armMessage(err)))
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, *got)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *workspaceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state workspaceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	id, diags := parseWorkspaceID(state.ID.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, _, diags := r.data.workspaces(id.SubscriptionID)
	resp.Diagnostics.Append(diags...)
	timeout, d := plan.Timeouts.Update(ctx, defaultWorkspaceTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	poll := &runtime.PollUntilDoneOptions{Frequency: workspacePollFrequency}
	var (
		result armdatabricks.Workspace
		err    error
	)
	if onlyTagsChanged(plan, state) {
		// PATCH carries tags only.
		tags, d := azureTags(ctx, plan.Tags)
		resp.Diagnostics.Append(d...)
		if resp.Diagnostics.HasError() {
			return
		}
		var poller *runtime.Poller[armdatabricks.WorkspacesClientUpdateResponse]
		if poller, err = whenIdle(ctx, func() (*runtime.Poller[armdatabricks.WorkspacesClientUpdateResponse], error) {
			return client.BeginUpdate(ctx, id.ResourceGroupName, id.Name, armdatabricks.WorkspaceUpdate{Tags: tags}, nil)
		}); err == nil {
			var res armdatabricks.WorkspacesClientUpdateResponse
			res, err = poller.PollUntilDone(ctx, poll)
			result = res.Workspace
		}
	} else {
		plan.ManagedResourceGroupID = state.ManagedResourceGroupID
		spec, d := workspaceSpec(ctx, plan)
		resp.Diagnostics.Append(d...)
		if resp.Diagnostics.HasError() {
			return
		}
		var poller *runtime.Poller[armdatabricks.WorkspacesClientCreateOrUpdateResponse]
		if poller, err = whenIdle(ctx, func() (*runtime.Poller[armdatabricks.WorkspacesClientCreateOrUpdateResponse], error) {
			return client.BeginCreateOrUpdate(ctx, id.ResourceGroupName, id.Name, spec, nil)
		}); err == nil {
			var res armdatabricks.WorkspacesClientCreateOrUpdateResponse
			res, err = poller.PollUntilDone(ctx, poll)
			result = res.Workspace
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Updating workspace failed", fmt.Sprintf("Updating workspace %s: %v", state.ID.ValueString(), armMessage(err)))
		return
	}
	plan.ID = state.ID
	resp.Diagnostics.Append(plan.fromAPI(ctx, result)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *workspaceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state workspaceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	id, diags := parseWorkspaceID(state.ID.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, _, diags := r.data.workspaces(id.SubscriptionID)
	resp.Diagnostics.Append(diags...)
	timeout, d := state.Timeouts.Delete(ctx, defaultWorkspaceTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	poller, err := whenIdle(ctx, func() (*runtime.Poller[armdatabricks.WorkspacesClientDeleteResponse], error) {
		return client.BeginDelete(ctx, id.ResourceGroupName, id.Name, nil)
	})
	if err == nil {
		_, err = poller.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: workspacePollFrequency})
	}
	if err != nil && !isARMNotFound(err) {
		resp.Diagnostics.AddError("Deleting workspace failed", fmt.Sprintf("Deleting workspace %s: %v", state.ID.ValueString(), armMessage(err)))
	}
}

// ImportState takes the workspace's ARM resource id.
func (r *workspaceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := parseWorkspaceID(req.ID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), id.Name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("resource_group_name"), id.ResourceGroupName)...)
}

// ---- helpers ----

// workspaceSpec converts the plan into ARM's CreateOrUpdate body.
func workspaceSpec(ctx context.Context, m workspaceModel) (armdatabricks.Workspace, diag.Diagnostics) {
	tags, diags := azureTags(ctx, m.Tags)
	params := &armdatabricks.WorkspaceCustomParameters{}
	if !m.EnableNoPublicIP.IsNull() && !m.EnableNoPublicIP.IsUnknown() {
		params.EnableNoPublicIP = &armdatabricks.WorkspaceCustomBooleanParameter{Value: m.EnableNoPublicIP.ValueBoolPointer()}
	}
	stringParam := func(v types.String) *armdatabricks.WorkspaceCustomStringParameter {
		if v.IsNull() || v.IsUnknown() {
			return nil
		}
		return &armdatabricks.WorkspaceCustomStringParameter{Value: v.ValueStringPointer()}
	}
	params.CustomVirtualNetworkID = stringParam(m.CustomVirtualNetworkID)
	params.CustomPublicSubnetName = stringParam(m.CustomPublicSubnetName)
	params.CustomPrivateSubnetName = stringParam(m.CustomPrivateSubnetName)
	pna := armdatabricks.PublicNetworkAccess(m.PublicNetworkAccess.ValueString())
	nsg := armdatabricks.RequiredNsgRules(m.RequiredNsgRules.ValueString())
	return armdatabricks.Workspace{
		Location: m.Location.ValueStringPointer(),
		SKU:      &armdatabricks.SKU{Name: m.SKU.ValueStringPointer()},
		Tags:     tags,
		Properties: &armdatabricks.WorkspaceProperties{
			ManagedResourceGroupID: m.ManagedResourceGroupID.ValueStringPointer(),
			Parameters:             params,
			PublicNetworkAccess:    &pna,
			RequiredNsgRules:       &nsg,
		},
	}, diags
}

func azureTags(ctx context.Context, m types.Map) (map[string]*string, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	var tags map[string]string
	diags := m.ElementsAs(ctx, &tags, false)
	out := make(map[string]*string, len(tags))
	for k, v := range tags {
		out[k] = &v
	}
	return out, diags
}

// fromAPI copies what ARM reports into the model. Values the user wrote in
// another spelling (a location's display name, a managed resource group
// id's casing) are kept as written.
func (m *workspaceModel) fromAPI(ctx context.Context, w armdatabricks.Workspace) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(deref(w.ID))
	m.Name = types.StringValue(deref(w.Name))
	if id, err := arm.ParseResourceID(deref(w.ID)); err == nil {
		m.ResourceGroupName = keepIfEqualFold(m.ResourceGroupName, id.ResourceGroupName)
	}
	if loc := deref(w.Location); normalizeLocation(m.Location.ValueString()) != loc {
		m.Location = types.StringValue(loc)
	}
	if w.SKU != nil {
		m.SKU = types.StringValue(strings.ToLower(deref(w.SKU.Name)))
	}
	tags := map[string]string{}
	for k, v := range w.Tags {
		tags[k] = deref(v)
	}
	m.Tags = stringMapFromAPI(ctx, m.Tags, tags, &diags)
	p := w.Properties
	if p == nil {
		return diags
	}
	m.ManagedResourceGroupID = keepIfEqualFold(m.ManagedResourceGroupID, deref(p.ManagedResourceGroupID))
	m.PublicNetworkAccess = types.StringValue(string(derefEnum(p.PublicNetworkAccess, armdatabricks.PublicNetworkAccessEnabled)))
	m.RequiredNsgRules = types.StringValue(string(derefEnum(p.RequiredNsgRules, armdatabricks.RequiredNsgRulesAllRules)))
	m.WorkspaceURL = types.StringValue(deref(p.WorkspaceURL))
	m.WorkspaceID = types.StringValue(deref(p.WorkspaceID))
	m.EnableNoPublicIP = types.BoolValue(false)
	m.CustomVirtualNetworkID, m.CustomPublicSubnetName, m.CustomPrivateSubnetName = types.StringNull(), types.StringNull(), types.StringNull()
	if params := p.Parameters; params != nil {
		if params.EnableNoPublicIP != nil {
			m.EnableNoPublicIP = types.BoolValue(deref(params.EnableNoPublicIP.Value))
		}
		m.CustomVirtualNetworkID = optionalStringParam(m.CustomVirtualNetworkID, params.CustomVirtualNetworkID)
		m.CustomPublicSubnetName = optionalStringParam(m.CustomPublicSubnetName, params.CustomPublicSubnetName)
		m.CustomPrivateSubnetName = optionalStringParam(m.CustomPrivateSubnetName, params.CustomPrivateSubnetName)
	}
	return diags
}

func optionalStringParam(prior types.String, p *armdatabricks.WorkspaceCustomStringParameter) types.String {
	if p == nil {
		return types.StringNull()
	}
	return keepIfEqualFold(prior, deref(p.Value))
}

// keepIfEqualFold keeps prior when it names the same thing as api in
// another casing (ARM ids and names are case-insensitive).
func keepIfEqualFold(prior types.String, api string) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && strings.EqualFold(prior.ValueString(), api) {
		return prior
	}
	if api == "" {
		return types.StringNull()
	}
	return types.StringValue(api)
}

// normalizeLocation turns a region's display name ("West Europe") into its
// name ("westeurope"), as ARM does.
func normalizeLocation(l string) string { return strings.ToLower(strings.ReplaceAll(l, " ", "")) }

func onlyTagsChanged(plan, state workspaceModel) bool {
	return plan.SKU.Equal(state.SKU) && plan.PublicNetworkAccess.Equal(state.PublicNetworkAccess) &&
		plan.RequiredNsgRules.Equal(state.RequiredNsgRules)
}

// parseWorkspaceID reads an ARM id of a Microsoft.Databricks/workspaces
// resource, with a message saying what one looks like.
func parseWorkspaceID(s string) (*arm.ResourceID, diag.Diagnostics) {
	id, err := arm.ParseResourceID(s)
	if err != nil || !strings.EqualFold(id.ResourceType.String(), "Microsoft.Databricks/workspaces") || id.ResourceGroupName == "" {
		return nil, diag.Diagnostics{diag.NewErrorDiagnostic("Invalid workspace id",
			fmt.Sprintf("%q is not the ARM id of an Azure Databricks workspace. Expected "+
				"/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.Databricks/workspaces/<name>.", s))}
	}
	return id, nil
}

// whenIdle starts an operation, waiting while ARM refuses it with 409
// because another operation on the workspace is still running — e.g. the
// provisioning of a workspace whose create timed out and is now being
// replaced or deleted.
func whenIdle[T any](ctx context.Context, begin func() (T, error)) (T, error) {
	return poll(ctx, func() (T, bool, error) {
		v, err := begin()
		var re *azcore.ResponseError
		if errors.As(err, &re) && re.StatusCode == http.StatusConflict && (re.ErrorCode == "AnotherOperationInProgress" || re.ErrorCode == "Conflict") {
			tflog.Info(ctx, "another operation on the workspace is running; waiting", map[string]any{"code": re.ErrorCode})
			return v, false, nil
		}
		return v, true, err
	})
}

// isARMNotFound reports a 404 from ARM (the workspace or its resource group
// is gone).
func isARMNotFound(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// armMessage shortens an ARM error to "Code (HTTP n): message" from ARM's
// error body ({"error":{"code","message"}}) — azcore's own text repeats the
// whole response — and leaves other errors (authentication failures, which
// say what to set) as they are.
func armMessage(err error) string {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return err.Error()
	}
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if re.RawResponse != nil {
		// azcore keeps the body it read, so it can be read again.
		if raw, perr := runtime.Payload(re.RawResponse); perr == nil {
			_ = json.Unmarshal(raw, &body)
		}
	}
	if body.Error.Message == "" {
		return re.Error()
	}
	return fmt.Sprintf("%s (HTTP %d): %s", re.ErrorCode, re.StatusCode, body.Error.Message)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func derefEnum[T ~string](p *T, def T) T {
	if p == nil || *p == "" {
		return def
	}
	return *p
}
