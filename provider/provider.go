// Package provider is the BrickOps Terraform provider. provider.go holds the
// provider schema and configuration; every resource and data source has its
// own file with its acceptance test beside it.
package provider

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/databricks/databricks-sdk-go"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/brickops/terraform-provider-brickops/internal/client"
)

// Address is the provider's registry source address.
const Address = "registry.terraform.io/brickops/brickops"

// New returns the provider factory providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &brickopsProvider{version: version} }
}

type brickopsProvider struct {
	version string
	// perObjectRefresh turns batched refresh off (tests compare both in one
	// process; users set BRICKOPS_BATCH_REFRESH=false).
	perObjectRefresh bool
}

// providerModel is the provider block. Every attribute is optional: unset
// ones fall back to the Databricks SDK's unified auth (DATABRICKS_* and
// ARM_* environment variables, Azure CLI, ~/.databrickscfg).
type providerModel struct {
	Host                     types.String `tfsdk:"host"`
	Token                    types.String `tfsdk:"token"`
	AuthType                 types.String `tfsdk:"auth_type"`
	Profile                  types.String `tfsdk:"profile"`
	AzureTenantID            types.String `tfsdk:"azure_tenant_id"`
	AzureClientID            types.String `tfsdk:"azure_client_id"`
	AzureClientSecret        types.String `tfsdk:"azure_client_secret"`
	AzureUseMSI              types.Bool   `tfsdk:"azure_use_msi"`
	AzureWorkspaceResourceID types.String `tfsdk:"azure_workspace_resource_id"`
	AzureEnvironment         types.String `tfsdk:"azure_environment"`
	HTTPTimeoutSeconds       types.Int64  `tfsdk:"http_timeout_seconds"`
	RetryTimeoutSeconds      types.Int64  `tfsdk:"retry_timeout_seconds"`
	RateLimit                types.Int64  `tfsdk:"rate_limit"`
	azureModel
}

func (p *brickopsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "brickops"
	resp.Version = p.version
}

func (p *brickopsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manage an Azure Databricks MLOps estate — workspaces, clusters, Unity Catalog models, " +
			"serving and monitoring — as code. Authentication follows the Databricks SDK's unified auth: " +
			"every attribute may instead come from its environment variable.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Workspace URL, e.g. `https://adb-1234567890123456.7.azuredatabricks.net`. " +
					"Env: `DATABRICKS_HOST`. May reference a `brickops_workspace` created in the same configuration: " +
					"the client is built lazily, at first use.",
			},
			"token": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Personal access token. Env: `DATABRICKS_TOKEN`.",
			},
			"auth_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Force one SDK auth type (`pat`, `azure-client-secret`, `azure-msi`, `azure-cli`, `github-oidc-azure`, …). Env: `DATABRICKS_AUTH_TYPE`.",
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Profile in `~/.databrickscfg`. Env: `DATABRICKS_CONFIG_PROFILE`.",
			},
			"azure_tenant_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Entra ID tenant of the service principal. Env: `ARM_TENANT_ID`.",
			},
			"azure_client_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Application (client) id of the service principal or managed identity. Env: `ARM_CLIENT_ID`.",
			},
			"azure_client_secret": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Client secret of the service principal. Env: `ARM_CLIENT_SECRET`.",
			},
			"azure_use_msi": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Authenticate with the managed identity of the machine. Env: `ARM_USE_MSI`.",
			},
			"azure_workspace_resource_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "ARM id of the workspace (`/subscriptions/…/providers/Microsoft.Databricks/workspaces/…`); lets the SDK find the host. Env: `DATABRICKS_AZURE_RESOURCE_ID`.",
			},
			"azure_environment": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Azure cloud: `public` (default), `usgovernment`, `china`, or `custom` (with `azure_authority_host` and `azure_resource_manager_endpoint`, e.g. the BrickOps emulator). Env: `ARM_ENVIRONMENT`.",
			},
			"http_timeout_seconds": schema.Int64Attribute{
				Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
				MarkdownDescription: "How long one HTTP request may go without progress before it is abandoned (default 60). Env: `DATABRICKS_HTTP_TIMEOUT_SECONDS`.",
			},
			"retry_timeout_seconds": schema.Int64Attribute{
				Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
				MarkdownDescription: "How long to keep retrying a request the API throttles (429) or cannot serve (503) (default 300), " +
					"and how long to keep trying a host that refuses connections or cannot be reached (default 30). Env: `DATABRICKS_RETRY_TIMEOUT_SECONDS`.",
			},
			"rate_limit": schema.Int64Attribute{
				Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
				MarkdownDescription: "Maximum requests per second to the workspace (default 15). Env: `DATABRICKS_RATE_LIMIT`.",
			},
		},
	}
	for name, a := range azureAttributes() {
		resp.Schema.Attributes[name] = a
	}
}

// Configure records the configuration; the SDK client is built at first use
// (see providerData.workspace). That lets `host` reference a workspace that
// the same apply creates: during plan it is unknown and nothing needs it.
func (p *brickopsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{cfg: sdkConfig(m)}
	data.refresh.off = p.perObjectRefresh
	data.configureAzure(m, &resp.Diagnostics)
	resp.ResourceData = data
	resp.DataSourceData = data
}

// sdkConfig maps the provider block onto the SDK config; unknown and null
// values stay empty so the SDK's environment loaders fill them.
func sdkConfig(m providerModel) *databricks.Config {
	cfg := &databricks.Config{
		Host:              m.Host.ValueString(),
		Token:             m.Token.ValueString(),
		AuthType:          m.AuthType.ValueString(),
		Profile:           m.Profile.ValueString(),
		AzureTenantID:     m.AzureTenantID.ValueString(),
		AzureClientID:     m.AzureClientID.ValueString(),
		AzureClientSecret: m.AzureClientSecret.ValueString(),
		AzureUseMSI:       m.AzureUseMSI.ValueBool(),
		AzureResourceID:   m.AzureWorkspaceResourceID.ValueString(),
		AzureEnvironment:  m.AzureEnvironment.ValueString(),
		// The official provider's names; the SDK and client.Workspace read
		// their environment variables when unset.
		HTTPTimeoutSeconds:  int(m.HTTPTimeoutSeconds.ValueInt64()),
		RetryTimeoutSeconds: int(m.RetryTimeoutSeconds.ValueInt64()),
		RateLimitPerSecond:  int(m.RateLimit.ValueInt64()),
	}
	if cfg.AzureEnvironment == "" {
		cfg.AzureEnvironment = os.Getenv("ARM_ENVIRONMENT")
	}
	return cfg
}

func (p *brickopsProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newClusterResource,
		newCatalogResource,
		newSchemaResource,
		newGrantsResource,
		newRegisteredModelResource,
		newModelVersionResource,
		newModelAliasResource,
		newWorkspaceResource,
		newJobResource,
		newServingEndpointResource,
		newQualityMonitorResource,
		newFeatureTableResource,
		newOnlineTableResource,
		newSecretScopeResource,
		newSecretResource,
		newSecretACLResource,
		newPermissionsResource,
		newSQLWarehouseResource,
		newMLflowExperimentResource,
		newClusterPolicyResource,
		newInstancePoolResource,
		newNotebookResource,
		newWorkspaceFileResource,
		newDirectoryResource,
		newGitFolderResource,
		newServicePrincipalResource,
		newGroupResource,
		newGroupMemberResource,
		newVolumeResource,
	}
}

func (p *brickopsProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newSparkVersionDataSource,
		newNodeTypeDataSource,
		newRegisteredModelDataSource,
		newModelVersionDataSource,
		newModelVersionsDataSource,
		newCurrentUserDataSource,
		newSQLWarehouseDataSource,
		newServicePrincipalDataSource,
		newGroupDataSource,
		newCatalogDataSource,
		newSchemaDataSource,
		newServingEndpointDataSource,
		newJobDataSource,
		newClusterDataSource,
	}
}

// providerData is what resources and data sources receive: the
// configuration and, once first asked for, the workspace client.
type providerData struct {
	cfg  *databricks.Config
	once sync.Once
	w    *databricks.WorkspaceClient
	err  error
	// refresh answers reads from list calls (refresh_cache.go).
	refresh refreshCache
	// me is the calling principal, cached by principal (adopt.go).
	meMu sync.Mutex
	me   string
	azureData
}

// workspace builds the workspace client once and returns it, or a
// diagnostic telling the user what to set.
func (d *providerData) workspace() (*databricks.WorkspaceClient, diag.Diagnostics) {
	d.once.Do(func() {
		d.refresh.watch(d.cfg)
		d.w, d.err = client.Workspace(d.cfg)
	})
	if d.err != nil {
		return nil, diag.Diagnostics{diag.NewErrorDiagnostic("Cannot reach Databricks",
			fmt.Sprintf("%v\n\nSet `host` and credentials in the brickops provider block, or DATABRICKS_HOST and "+
				"DATABRICKS_TOKEN (or the Azure ARM_* variables) in the environment.", d.err))}
	}
	return d.w, nil
}

// providerDataFrom extracts providerData in a resource's or data source's
// Configure; nil data means the provider is not configured yet (early
// validation), which is not an error.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; please report this bug", data))
		return nil
	}
	return pd
}
