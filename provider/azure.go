package provider

import (
	"fmt"
	"os"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/databricks/armdatabricks"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/brickops/terraform-provider-brickops/internal/azure"
)

// The Azure side of the provider: the attributes only Azure Resource
// Manager needs (the ones the Databricks SDK shares are in provider.go),
// and the lazily built ARM clients brickops_workspace uses. Credential and
// client construction live in internal/azure.

// azureModel holds the Azure-only provider attributes.
type azureModel struct {
	AzureUseOIDC                 types.Bool   `tfsdk:"azure_use_oidc"`
	AzureSubscriptionID          types.String `tfsdk:"azure_subscription_id"`
	AzureAuthorityHost           types.String `tfsdk:"azure_authority_host"`
	AzureResourceManagerEndpoint types.String `tfsdk:"azure_resource_manager_endpoint"`
}

func azureAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"azure_use_oidc": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Authenticate to Azure with a federated OIDC token (GitHub Actions with `id-token: write`, " +
				"or `ARM_OIDC_TOKEN`). Needs `azure_tenant_id` and `azure_client_id`. Env: `ARM_USE_OIDC`.",
		},
		"azure_subscription_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Subscription `brickops_workspace` resources are managed in. Env: `ARM_SUBSCRIPTION_ID`.",
		},
		"azure_authority_host": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Entra ID authority (https URL) of a `custom` `azure_environment`, e.g. the BrickOps emulator's URL. " +
				"Env: `AZURE_AUTHORITY_HOST`.",
		},
		"azure_resource_manager_endpoint": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Azure Resource Manager endpoint (https URL) of a `custom` `azure_environment`. " +
				"Env: `ARM_RESOURCE_MANAGER_ENDPOINT`.",
		},
	}
}

// azureConfig maps the provider block onto internal/azure's configuration;
// attributes left unset come from the ARM_* environment.
func azureConfig(m providerModel) azure.Config {
	c := azure.Config{
		TenantID:                m.AzureTenantID.ValueString(),
		ClientID:                m.AzureClientID.ValueString(),
		ClientSecret:            m.AzureClientSecret.ValueString(),
		SubscriptionID:          m.AzureSubscriptionID.ValueString(),
		UseMSI:                  m.AzureUseMSI.ValueBool(),
		UseOIDC:                 m.AzureUseOIDC.ValueBool(),
		Environment:             m.AzureEnvironment.ValueString(),
		AuthorityHost:           m.AzureAuthorityHost.ValueString(),
		ResourceManagerEndpoint: m.AzureResourceManagerEndpoint.ValueString(),
	}
	c.FromEnv(os.Getenv)
	return c
}

// azureData is the Azure part of providerData.
type azureData struct {
	azure     azure.Config
	azureOnce sync.Once
	arm       *azure.Clients
	armErr    error
}

// configureAzure records the Azure configuration and gives the Databricks
// SDK the same environment: with a custom one (the emulator), the SDK's
// Azure auth types get their tokens from the same Entra ID.
func (d *providerData) configureAzure(m providerModel, diags *diag.Diagnostics) {
	d.azure = azureConfig(m)
	env, err := d.azure.DatabricksEnvironment()
	if err != nil {
		diags.AddAttributeError(path.Root("azure_environment"), "Invalid Azure environment", err.Error())
		return
	}
	if env != nil {
		d.cfg.DatabricksEnvironment = env
		// The SDK knows only the national clouds by name.
		d.cfg.AzureEnvironment = ""
	}
	if d.azure.UseOIDC && d.cfg.ActionsIDTokenRequestURL == "" {
		d.cfg.ActionsIDTokenRequestURL, d.cfg.ActionsIDTokenRequestToken = d.azure.OIDCRequestURL, d.azure.OIDCRequestToken
	}
}

// workspaces returns the ARM workspaces client for subscription (empty:
// the configured one) and the subscription it is for, building the
// credential at first use.
func (d *providerData) workspaces(subscription string) (*armdatabricks.WorkspacesClient, string, diag.Diagnostics) {
	d.azureOnce.Do(func() { d.arm, d.armErr = azure.NewClients(d.azure) })
	if d.armErr != nil {
		return nil, "", diag.Diagnostics{diag.NewErrorDiagnostic("Cannot authenticate to Azure", d.armErr.Error())}
	}
	if subscription == "" {
		sub, err := d.arm.DefaultSubscription()
		if err != nil {
			return nil, "", diag.Diagnostics{diag.NewErrorDiagnostic("No Azure subscription", err.Error())}
		}
		subscription = sub
	}
	c, err := d.arm.Workspaces(subscription)
	if err != nil {
		return nil, "", diag.Diagnostics{diag.NewErrorDiagnostic("Cannot reach Azure Resource Manager", fmt.Sprint(err))}
	}
	return c, subscription, nil
}
