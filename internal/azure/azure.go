// Package azure builds Azure credentials (azidentity) and Azure Resource
// Manager clients (armdatabricks) from BrickOps' Azure settings, which follow
// the azurerm provider's conventions (ARM_* environment variables). The
// provider uses it for brickops_workspace; the Databricks side of Azure auth
// stays with the Databricks SDK, which gets the matching environment from
// DatabricksEnvironment.
package azure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/databricks/armdatabricks"
	"github.com/databricks/databricks-sdk-go/common/environment"
)

// Environments names the Azure clouds azure_environment accepts.
var Environments = []string{"public", "usgovernment", "china", "custom"}

// DatabricksAppID is the Azure Databricks first-party application: the
// audience of Entra ID tokens for the workspace API. Source:
// databricks-sdk-go common/environment/environments.go.
const DatabricksAppID = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"

// managementAudience is the audience Azure Resource Manager accepts in every
// cloud's configuration azcore ships (cloud.AzurePublic et al. use
// https://management.core.windows.net/ for the public cloud); a custom
// environment such as the BrickOps emulator uses it too.
const managementAudience = "https://management.core.windows.net/"

// Config is the Azure side of the provider configuration.
type Config struct {
	TenantID       string
	ClientID       string
	ClientSecret   string
	SubscriptionID string
	UseMSI         bool
	UseOIDC        bool
	// OIDCToken is a federated token to present directly (ARM_OIDC_TOKEN);
	// otherwise one is requested from OIDCRequestURL with OIDCRequestToken
	// (GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN).
	OIDCToken        string
	OIDCRequestURL   string
	OIDCRequestToken string
	// Environment is one of Environments; empty means public.
	Environment string
	// AuthorityHost and ResourceManagerEndpoint define a custom environment
	// (Environment "custom"), e.g. the BrickOps emulator. Both must be https
	// URLs: MSAL refuses any other authority.
	AuthorityHost           string
	ResourceManagerEndpoint string
}

// FromEnv fills the fields left empty from the azurerm environment
// variables (and GitHub Actions' ID-token variables).
func (c *Config) FromEnv(getenv func(string) string) {
	fill := func(dst *string, keys ...string) {
		for _, k := range keys {
			if *dst == "" {
				*dst = getenv(k)
			}
		}
	}
	fill(&c.TenantID, "ARM_TENANT_ID")
	fill(&c.ClientID, "ARM_CLIENT_ID")
	fill(&c.ClientSecret, "ARM_CLIENT_SECRET")
	fill(&c.SubscriptionID, "ARM_SUBSCRIPTION_ID")
	fill(&c.OIDCToken, "ARM_OIDC_TOKEN")
	fill(&c.OIDCRequestURL, "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL")
	fill(&c.OIDCRequestToken, "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	fill(&c.Environment, "ARM_ENVIRONMENT")
	fill(&c.AuthorityHost, "AZURE_AUTHORITY_HOST")
	fill(&c.ResourceManagerEndpoint, "ARM_RESOURCE_MANAGER_ENDPOINT")
	if !c.UseMSI {
		c.UseMSI = isTrue(getenv("ARM_USE_MSI"))
	}
	if !c.UseOIDC {
		c.UseOIDC = isTrue(getenv("ARM_USE_OIDC"))
	}
}

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// IsCustom reports whether the configuration names a custom environment.
func (c Config) IsCustom() bool { return strings.EqualFold(c.Environment, "custom") }

// Cloud is azcore's configuration of the selected environment.
func (c Config) Cloud() (cloud.Configuration, error) {
	switch strings.ToLower(c.Environment) {
	case "", "public":
		return cloud.AzurePublic, nil
	case "usgovernment":
		return cloud.AzureGovernment, nil
	case "china":
		return cloud.AzureChina, nil
	case "custom":
		authority, err := httpsURL("azure_authority_host (AZURE_AUTHORITY_HOST)", c.AuthorityHost)
		if err != nil {
			return cloud.Configuration{}, err
		}
		armEndpoint, err := httpsURL("azure_resource_manager_endpoint (ARM_RESOURCE_MANAGER_ENDPOINT)", c.ResourceManagerEndpoint)
		if err != nil {
			return cloud.Configuration{}, err
		}
		return cloud.Configuration{
			ActiveDirectoryAuthorityHost: authority + "/",
			Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Endpoint: armEndpoint, Audience: managementAudience},
			},
		}, nil
	}
	return cloud.Configuration{}, fmt.Errorf("azure_environment %q is not one of %s", c.Environment, strings.Join(Environments, ", "))
}

func httpsURL(what, v string) (string, error) {
	if v == "" {
		return "", fmt.Errorf(`azure_environment "custom" needs %s`, what)
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("%s must be an https URL (Azure's identity library accepts no other authority), got %q", what, v)
	}
	return strings.TrimSuffix(v, "/"), nil
}

// DatabricksEnvironment is the Databricks SDK's environment for a custom
// Azure environment — Entra ID and ARM at the configured endpoints, the
// production Azure Databricks application — or nil for the national clouds,
// which the SDK derives from the workspace host itself.
func (c Config) DatabricksEnvironment() (*environment.DatabricksEnvironment, error) {
	if !c.IsCustom() {
		return nil, nil
	}
	cl, err := c.Cloud()
	if err != nil {
		return nil, err
	}
	azure := environment.AzurePublicCloud
	azure.Name = "CUSTOM"
	azure.ActiveDirectoryEndpoint = cl.ActiveDirectoryAuthorityHost
	azure.ResourceManagerEndpoint = cl.Services[cloud.ResourceManager].Endpoint + "/"
	azure.ServiceManagementEndpoint = managementAudience
	return &environment.DatabricksEnvironment{
		Cloud: environment.CloudAzure, DnsZone: ".azuredatabricks.net",
		AzureApplicationID: DatabricksAppID, AzureEnvironment: &azure,
	}, nil
}

// Credential builds the credential the configuration selects: a client
// secret, else a federated OIDC token (azure_use_oidc), else the managed
// identity (azure_use_msi). Its errors say which method was tried, for which
// identity, and what to set.
func (c Config) Credential() (azcore.TokenCredential, error) {
	cl, err := c.Cloud()
	if err != nil {
		return nil, err
	}
	opts := azcore.ClientOptions{Cloud: cl}
	// Instance discovery asks login.microsoftonline.com about the authority;
	// a custom authority is not known there.
	disableDiscovery := c.IsCustom()
	switch {
	case c.ClientSecret != "":
		if err := c.needIdentity("a client secret (azure_client_secret / ARM_CLIENT_SECRET)"); err != nil {
			return nil, err
		}
		cred, err := azidentity.NewClientSecretCredential(c.TenantID, c.ClientID, c.ClientSecret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: disableDiscovery})
		return c.described(cred, err, "a client secret", "azure_client_secret (ARM_CLIENT_SECRET) must be a current secret value (not its id) of that application, registered in that tenant (azure_tenant_id / ARM_TENANT_ID)")
	case c.UseOIDC:
		if err := c.needIdentity("OIDC (azure_use_oidc / ARM_USE_OIDC)"); err != nil {
			return nil, err
		}
		if c.OIDCToken == "" && (c.OIDCRequestURL == "" || c.OIDCRequestToken == "") {
			return nil, errors.New("azure_use_oidc is set but there is no token to present: set ARM_OIDC_TOKEN, or run in GitHub Actions with `permissions: id-token: write` " +
				"(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN), or set ARM_OIDC_REQUEST_URL and ARM_OIDC_REQUEST_TOKEN")
		}
		cred, err := azidentity.NewClientAssertionCredential(c.TenantID, c.ClientID, c.assertion,
			&azidentity.ClientAssertionCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: disableDiscovery})
		return c.described(cred, err, "a federated OIDC token", "the application needs a federated credential whose issuer, subject and audience (api://AzureADTokenExchange) match the token presented")
	case c.UseMSI:
		mopts := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts}
		if c.ClientID != "" {
			mopts.ID = azidentity.ClientID(c.ClientID)
		}
		cred, err := azidentity.NewManagedIdentityCredential(mopts)
		return c.described(cred, err, "the managed identity", "run on an Azure resource with a managed identity assigned; for a user-assigned identity set azure_client_id (ARM_CLIENT_ID)")
	}
	return nil, errors.New("no Azure credentials configured: set azure_tenant_id, azure_client_id and azure_client_secret " +
		"(ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET), or azure_use_oidc (ARM_USE_OIDC) with azure_tenant_id and azure_client_id in GitHub Actions, " +
		"or azure_use_msi (ARM_USE_MSI) on an Azure resource with a managed identity")
}

func (c Config) needIdentity(method string) error {
	var missing []string
	if c.TenantID == "" {
		missing = append(missing, "azure_tenant_id (ARM_TENANT_ID)")
	}
	if c.ClientID == "" {
		missing = append(missing, "azure_client_id (ARM_CLIENT_ID)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("authenticating with %s also needs %s", method, strings.Join(missing, " and "))
	}
	return nil
}

// described wraps cred so that its failures name the method and identity.
func (c Config) described(cred azcore.TokenCredential, err error, method, hint string) (azcore.TokenCredential, error) {
	who := fmt.Sprintf("application %s in tenant %s", c.ClientID, c.TenantID)
	if c.UseMSI && c.ClientSecret == "" && !c.UseOIDC {
		who = "system-assigned identity"
		if c.ClientID != "" {
			who = "user-assigned identity " + c.ClientID
		}
	}
	desc := fmt.Sprintf("%s for %s", method, who)
	if err != nil {
		return nil, fmt.Errorf("setting up Azure authentication with %s: %w", desc, err)
	}
	return describedCredential{inner: cred, desc: desc, hint: hint}, nil
}

type describedCredential struct {
	inner      azcore.TokenCredential
	desc, hint string
}

func (d describedCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, err := d.inner.GetToken(ctx, opts)
	if err != nil {
		return tok, fmt.Errorf("authenticating to Azure with %s failed: %w\nWhat to check: %s", d.desc, err, d.hint)
	}
	return tok, nil
}

// assertion returns the federated token: ARM_OIDC_TOKEN, or one requested
// from the GitHub Actions ID-token endpoint for Entra ID's token-exchange
// audience (the protocol databricks-sdk-go config/experimental/auth/oidc
// github.go and azurerm implement).
func (c Config) assertion(ctx context.Context) (string, error) {
	if c.OIDCToken != "" {
		return c.OIDCToken, nil
	}
	sep := "?"
	if strings.Contains(c.OIDCRequestURL, "?") {
		sep = "&"
	}
	u := c.OIDCRequestURL + sep + "audience=" + url.QueryEscape("api://AzureADTokenExchange")
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("requesting an OIDC token: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.OIDCRequestToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting an OIDC token from %s: %w", c.OIDCRequestURL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("reading the OIDC token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("requesting an OIDC token from %s: %s: %s", c.OIDCRequestURL, resp.Status, strings.TrimSpace(string(raw)))
	}
	var out struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Value == "" {
		return "", fmt.Errorf("the OIDC token endpoint %s answered without a token", c.OIDCRequestURL)
	}
	return out.Value, nil
}

// Clients are the Resource Manager clients for one credential.
type Clients struct {
	cred  azcore.TokenCredential
	cloud cloud.Configuration
	sub   string
}

// NewClients builds the credential and remembers the environment.
func NewClients(c Config) (*Clients, error) {
	cred, err := c.Credential()
	if err != nil {
		return nil, err
	}
	cl, err := c.Cloud()
	if err != nil {
		return nil, err
	}
	return &Clients{cred: cred, cloud: cl, sub: c.SubscriptionID}, nil
}

// DefaultSubscription is the configured subscription, or an error saying
// what to set.
func (c *Clients) DefaultSubscription() (string, error) {
	if c.sub == "" {
		return "", errors.New("no Azure subscription configured: set azure_subscription_id in the provider block or ARM_SUBSCRIPTION_ID")
	}
	return c.sub, nil
}

// Workspaces is the Microsoft.Databricks/workspaces client for subscription.
func (c *Clients) Workspaces(subscription string) (*armdatabricks.WorkspacesClient, error) {
	w, err := armdatabricks.NewWorkspacesClient(subscription, c.cred, &arm.ClientOptions{
		ClientOptions: azcore.ClientOptions{Cloud: c.cloud, Telemetry: policy.TelemetryOptions{ApplicationID: "brickops"}},
	})
	if err != nil {
		return nil, fmt.Errorf("building the Azure Databricks workspaces client: %w", err)
	}
	return w, nil
}
