package azure

import (
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
)

func TestConfig_cloud(t *testing.T) {
	for env, want := range map[string]string{
		"":             cloud.AzurePublic.ActiveDirectoryAuthorityHost,
		"public":       cloud.AzurePublic.ActiveDirectoryAuthorityHost,
		"USGOVERNMENT": cloud.AzureGovernment.ActiveDirectoryAuthorityHost,
		"china":        cloud.AzureChina.ActiveDirectoryAuthorityHost,
	} {
		got, err := Config{Environment: env}.Cloud()
		if err != nil || got.ActiveDirectoryAuthorityHost != want {
			t.Errorf("environment %q: %v %q", env, err, got.ActiveDirectoryAuthorityHost)
		}
	}
	custom := Config{Environment: "custom", AuthorityHost: "https://127.0.0.1:8470", ResourceManagerEndpoint: "https://127.0.0.1:8470/"}
	got, err := custom.Cloud()
	if err != nil {
		t.Fatal(err)
	}
	arm := got.Services[cloud.ResourceManager]
	if got.ActiveDirectoryAuthorityHost != "https://127.0.0.1:8470/" || arm.Endpoint != "https://127.0.0.1:8470" || arm.Audience != "https://management.core.windows.net/" {
		t.Errorf("custom cloud: %+v", got)
	}

	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Environment: "mars"}, `azure_environment "mars" is not one of public, usgovernment, china, custom`},
		{Config{Environment: "custom", ResourceManagerEndpoint: "https://x"}, `azure_environment "custom" needs azure_authority_host (AZURE_AUTHORITY_HOST)`},
		{Config{Environment: "custom", AuthorityHost: "http://127.0.0.1:8470", ResourceManagerEndpoint: "https://x"}, "azure_authority_host (AZURE_AUTHORITY_HOST) must be an https URL"},
		{Config{Environment: "custom", AuthorityHost: "https://x"}, `needs azure_resource_manager_endpoint (ARM_RESOURCE_MANAGER_ENDPOINT)`},
	} {
		if _, err := tc.cfg.Cloud(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestConfig_fromEnv(t *testing.T) {
	env := map[string]string{
		"ARM_TENANT_ID": "tenant", "ARM_CLIENT_ID": "from-env", "ARM_CLIENT_SECRET": "secret", "ARM_SUBSCRIPTION_ID": "sub",
		"ARM_USE_OIDC": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": "https://gh/token?x=1", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "req",
		"ARM_ENVIRONMENT": "custom", "AZURE_AUTHORITY_HOST": "https://login", "ARM_RESOURCE_MANAGER_ENDPOINT": "https://arm",
	}
	c := Config{ClientID: "explicit"}
	c.FromEnv(func(k string) string { return env[k] })
	want := Config{TenantID: "tenant", ClientID: "explicit", ClientSecret: "secret", SubscriptionID: "sub", UseOIDC: true,
		OIDCRequestURL: "https://gh/token?x=1", OIDCRequestToken: "req", Environment: "custom",
		AuthorityHost: "https://login", ResourceManagerEndpoint: "https://arm"}
	if c != want {
		t.Errorf("FromEnv:\n got %+v\nwant %+v", c, want)
	}
	// azurerm's own OIDC variables take precedence over GitHub's.
	env["ARM_OIDC_REQUEST_URL"] = "https://arm-oidc"
	c = Config{}
	c.FromEnv(func(k string) string { return env[k] })
	if c.OIDCRequestURL != "https://arm-oidc" {
		t.Errorf("ARM_OIDC_REQUEST_URL not preferred: %q", c.OIDCRequestURL)
	}
}

func TestConfig_credentialSaysWhatToSet(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no Azure credentials configured: set azure_tenant_id, azure_client_id and azure_client_secret (ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET)"},
		{Config{ClientID: "app", ClientSecret: "s"}, "authenticating with a client secret (azure_client_secret / ARM_CLIENT_SECRET) also needs azure_tenant_id (ARM_TENANT_ID)"},
		{Config{UseOIDC: true}, "also needs azure_tenant_id (ARM_TENANT_ID) and azure_client_id (ARM_CLIENT_ID)"},
		{Config{UseOIDC: true, TenantID: "t", ClientID: "c"}, "azure_use_oidc is set but there is no token to present"},
		{Config{ClientSecret: "s", TenantID: "t", ClientID: "c", Environment: "custom"}, `azure_environment "custom" needs`},
	} {
		if _, err := tc.cfg.Credential(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestConfig_databricksEnvironment(t *testing.T) {
	if env, err := (Config{Environment: "china"}).DatabricksEnvironment(); env != nil || err != nil {
		t.Errorf("a national cloud is the SDK's to derive: %+v %v", env, err)
	}
	env, err := Config{Environment: "custom", AuthorityHost: "https://emu:1", ResourceManagerEndpoint: "https://emu:1"}.DatabricksEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	if env.AzureApplicationID != DatabricksAppID || env.AzureActiveDirectoryEndpoint() != "https://emu:1/" ||
		env.AzureResourceManagerEndpoint() != "https://emu:1/" || env.AzureServiceManagementEndpoint() != "https://management.core.windows.net/" {
		t.Errorf("custom Databricks environment: %+v %+v", env, env.AzureEnvironment)
	}
}
