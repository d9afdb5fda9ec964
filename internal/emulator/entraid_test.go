package emulator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/common/environment"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// githubAssertion fetches a GitHub Actions ID token from the emulator, the
// way a workflow asks ACTIONS_ID_TOKEN_REQUEST_URL.
func githubAssertion(t *testing.T, e *emulatortest.Emulator, audience string) string {
	t.Helper()
	var out struct {
		Value string `json:"value"`
	}
	if status := e.Do(t, http.MethodGet, "/_emulator/github-actions/idtoken?api-version=2.0&audience="+url.QueryEscape(audience), nil, &out); status != 200 || out.Value == "" {
		t.Fatalf("id token: status %d", status)
	}
	return out.Value
}

func TestEntraID_federatedAssertionThroughAzidentity(t *testing.T) {
	emu := emulatortest.StartTLS(t, emulatortest.WithServicePrincipals(testSP))
	ctx := context.Background()
	createResourceGroup(t, emu, "rg")

	assertionFor := func(audience string) *azidentity.ClientAssertionCredential {
		cred, err := azidentity.NewClientAssertionCredential(testTenant, testSP.ClientID,
			func(context.Context) (string, error) { return githubAssertion(t, emu, audience), nil },
			&azidentity.ClientAssertionCredentialOptions{ClientOptions: clientOptions(emu), DisableInstanceDiscovery: true})
		if err != nil {
			t.Fatal(err)
		}
		return cred
	}
	ws := workspacesClient(t, emu, assertionFor("api://AzureADTokenExchange"))
	pager := ws.NewListByResourceGroupPager("rg", nil)
	if page, err := pager.NextPage(ctx); err != nil || len(page.Value) != 0 {
		t.Fatalf("listing with a federated credential: %v", err)
	}
	_, err := workspacesClient(t, emu, assertionFor("https://github.com/brickops")).NewListByResourceGroupPager("rg", nil).NextPage(ctx)
	var authErr *azidentity.AuthenticationFailedError
	if !errors.As(err, &authErr) || !strings.Contains(err.Error(), "AADSTS700212") || !strings.Contains(err.Error(), "https://github.com/brickops") {
		t.Errorf("assertion for the wrong audience: %v", err)
	}
}

// hostedWorkspace creates a workspace through ARM (with a static token)
// and returns its ARM id and its host (https:// and its workspaceUrl).
func hostedWorkspace(t *testing.T, e *emulatortest.Emulator) (id, host string) {
	t.Helper()
	createResourceGroup(t, e, "rg")
	id = "/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/dbw"
	var out struct {
		Properties struct {
			WorkspaceURL string `json:"workspaceUrl"`
		} `json:"properties"`
	}
	status := e.Do(t, http.MethodPut, id+"?api-version=2024-05-01", map[string]any{
		"location": "westeurope", "sku": map[string]any{"name": "premium"},
		"properties": map[string]any{"managedResourceGroupId": "/subscriptions/" + testSub + "/resourceGroups/rg-managed"},
	}, &out)
	if status != http.StatusCreated || out.Properties.WorkspaceURL == "" {
		t.Fatalf("creating workspace: %d %+v", status, out)
	}
	return id, emulatortest.WorkspaceHost(out.Properties.WorkspaceURL)
}

// emulatorEnvironment is the Databricks SDK's view of the emulator as an
// Azure cloud: Entra ID and ARM at the emulator, the production Azure
// Databricks application id, the public cloud's management resource.
func emulatorEnvironment(e *emulatortest.Emulator) *environment.DatabricksEnvironment {
	azure := environment.AzurePublicCloud
	azure.ActiveDirectoryEndpoint = e.URL + "/"
	azure.ResourceManagerEndpoint = e.URL + "/"
	return &environment.DatabricksEnvironment{
		Cloud: environment.CloudAzure, DnsZone: ".azuredatabricks.net",
		AzureApplicationID: emulator.AzureDatabricksAppID, AzureEnvironment: &azure,
	}
}

// sdkConfig is an SDK config for an Azure auth type that reads neither the
// environment nor ~/.databrickscfg.
func sdkConfig(e *emulatortest.Emulator, host, authType string) *databricks.Config {
	cfg := client.Isolated(host, "")
	cfg.AuthType = authType
	cfg.DatabricksEnvironment = emulatorEnvironment(e)
	cfg.HTTPTransport = e.HTTPClient().Transport
	cfg.RetryTimeoutSeconds = 5
	return cfg
}

func TestEntraID_databricksSDKAzureAuth(t *testing.T) {
	emu := emulatortest.StartTLS(t, emulatortest.WithServicePrincipals(testSP))
	ctx := context.Background()
	resourceID, host := hostedWorkspace(t, emu)

	secret := sdkConfig(emu, host, "azure-client-secret")
	secret.AzureTenantID, secret.AzureClientID, secret.AzureClientSecret = testTenant, testSP.ClientID, testSP.Secret
	secret.AzureResourceID = resourceID
	w, err := client.Workspace(secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.CurrentUser.Me(ctx); err != nil {
		t.Errorf("azure-client-secret: %v", err)
	}
	// Two tokens (Databricks and management), each on the first try: the
	// SDK's oauth2 library sends the secret as HTTP Basic auth first.
	tokenRequests := emu.Requests(t, "/"+testTenant+"/oauth2/token")
	if len(tokenRequests) != 2 || tokenRequests[0].Status != 200 || tokenRequests[1].Status != 200 {
		t.Errorf("token requests: %+v", tokenRequests)
	}

	// Without a host, the SDK finds the workspace through ARM from its
	// resource id (GET …?api-version=2018-04-01 with a token for the ARM
	// endpoint), as Terraform users of azure_workspace_resource_id do.
	byID := sdkConfig(emu, "", "azure-client-secret")
	byID.AzureTenantID, byID.AzureClientID, byID.AzureClientSecret = testTenant, testSP.ClientID, testSP.Secret
	byID.AzureResourceID = resourceID
	if w, err := client.Workspace(byID); err != nil {
		t.Errorf("host from the resource id: %v", err)
	} else if _, err := w.CurrentUser.Me(ctx); err != nil || w.Config.Host != host {
		t.Errorf("host from the resource id: %q (want %q): %v", w.Config.Host, host, err)
	}

	oidc := sdkConfig(emu, host, "github-oidc-azure")
	oidc.AzureTenantID, oidc.AzureClientID = testTenant, testSP.ClientID
	oidc.ActionsIDTokenRequestURL = emu.URL + "/_emulator/github-actions/idtoken?api-version=2.0"
	oidc.ActionsIDTokenRequestToken = emu.OperatorToken
	if w, err := client.Workspace(oidc); err != nil {
		t.Errorf("github-oidc-azure config: %v", err)
	} else if _, err := w.CurrentUser.Me(ctx); err != nil {
		t.Errorf("github-oidc-azure: %v", err)
	}

	bad := sdkConfig(emu, host, "azure-client-secret")
	bad.AzureTenantID, bad.AzureClientID, bad.AzureClientSecret = testTenant, testSP.ClientID, "wrong"
	w, err = client.Workspace(bad)
	if err == nil {
		_, err = w.CurrentUser.Me(ctx)
	}
	if err == nil || !strings.Contains(err.Error(), "AADSTS7000215: Invalid client secret provided") {
		t.Errorf("wrong secret through the SDK: %v", err)
	}
}

// bearerClient is an SDK client presenting token to host, trusting the
// emulator's certificate.
func bearerClient(t *testing.T, e *emulatortest.Emulator, host, token string) *databricks.WorkspaceClient {
	t.Helper()
	cfg := client.Isolated(host, token)
	cfg.HTTPTransport = e.HTTPClient().Transport
	w, err := client.Workspace(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// imdsTransport sends the SDK's and MSAL's requests for the fixed instance
// metadata address (169.254.169.254) to the emulator, as a VM's
// link-local route would.
type imdsTransport struct {
	emulator *url.URL
	next     http.RoundTripper
}

func (t imdsTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "169.254.169.254" {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = t.emulator.Scheme, t.emulator.Host, t.emulator.Host
	}
	return t.next.RoundTrip(r)
}

func TestEntraID_managedIdentity(t *testing.T) {
	emu := emulatortest.StartTLS(t, emulatortest.WithServicePrincipals(testSP), emulatortest.WithManagedIdentities(testSP.ClientID))
	ctx := context.Background()
	resourceID, host := hostedWorkspace(t, emu)
	u, _ := url.Parse(emu.URL)
	transport := imdsTransport{emulator: u, next: emu.HTTPClient().Transport}

	opts := clientOptions(emu)
	opts.Transport = &http.Client{Transport: transport}
	cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	ws := workspacesClient(t, emu, cred)
	got, err := ws.Get(ctx, "rg", "dbw", nil)
	if err != nil || emulatortest.WorkspaceHost(*got.Properties.WorkspaceURL) != host {
		t.Fatalf("ARM with a managed identity: %v", err)
	}

	msi := sdkConfig(emu, host, "azure-msi")
	msi.AzureUseMSI, msi.AzureResourceID = true, resourceID
	msi.HTTPTransport = transport
	w, err := client.Workspace(msi)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.CurrentUser.Me(ctx); err != nil {
		t.Errorf("azure-msi through the SDK: %v", err)
	}

	// App Service style: IDENTITY_ENDPOINT and IDENTITY_HEADER point
	// azidentity at the emulator, no transport tricks needed. A user-assigned
	// identity is picked by client id.
	t.Setenv("IDENTITY_ENDPOINT", emu.URL+"/msi/token")
	t.Setenv("IDENTITY_HEADER", emu.Token)
	appSvc, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
		ClientOptions: clientOptions(emu), ID: azidentity.ClientID(testSP.ClientID)})
	if err != nil {
		t.Fatal(err)
	}
	got, err = workspacesClient(t, emu, appSvc).Get(ctx, "rg", "dbw", nil)
	if err != nil || emulatortest.WorkspaceHost(*got.Properties.WorkspaceURL) != host {
		t.Errorf("ARM with an App Service managed identity: %v", err)
	}
	t.Setenv("IDENTITY_HEADER", "not-the-secret")
	badHeader, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: clientOptions(emu)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := badHeader.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com//.default"}}); err == nil || !strings.Contains(err.Error(), "X-IDENTITY-HEADER") {
		t.Errorf("wrong identity header: %v", err)
	}

	var body map[string]string
	req, _ := http.NewRequest(http.MethodGet, emu.URL+"/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/", nil)
	resp, err := emu.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("IMDS without the Metadata header: %d %v", resp.StatusCode, body)
	}
}

func TestEntraID_workspaceChecksAudience(t *testing.T) {
	emu := emulatortest.StartTLS(t, emulatortest.WithServicePrincipals(testSP))
	ctx := context.Background()
	_, host := hostedWorkspace(t, emu)
	cred := secretCredential(t, emu, testSP)
	armTok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}})
	if err != nil {
		t.Fatal(err)
	}
	dbTok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{emulator.AzureDatabricksAppID + "/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	// A Databricks-audience token works on the workspace, an ARM one does not.
	if _, err := bearerClient(t, emu, host, dbTok.Token).CurrentUser.Me(ctx); err != nil {
		t.Errorf("databricks token on the workspace: %v", err)
	}
	_, err = bearerClient(t, emu, host, armTok.Token).CurrentUser.Me(ctx)
	if !errors.Is(err, apierr.ErrPermissionDenied) || !strings.Contains(err.Error(), "is not the Azure Databricks application") {
		t.Errorf("ARM token on the workspace: %v", err)
	}
	// The ARM token rides along as the SP management token; a bogus one is refused.
	for tok, wantOK := range map[string]bool{armTok.Token: true, dbTok.Token: false, "garbage": false} {
		req, _ := http.NewRequest(http.MethodGet, host+"/api/2.0/preview/scim/v2/Me", nil)
		req.Header.Set("Authorization", "Bearer "+dbTok.Token)
		req.Header.Set("X-Databricks-Azure-SP-Management-Token", tok)
		resp, err := emu.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if (resp.StatusCode == 200) != wantOK {
			t.Errorf("management token %.10s…: status %d", tok, resp.StatusCode)
		}
	}
}

func TestEntraID_expiredTokensAreRefused(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	emu := emulatortest.StartTLS(t, emulatortest.WithServicePrincipals(testSP), emulatortest.WithClock(clock))
	ctx := context.Background()
	_, host := hostedWorkspace(t, emu)
	cred := secretCredential(t, emu, testSP)
	armTok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com//.default"}})
	if err != nil {
		t.Fatal(err)
	}
	dbTok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{emulator.AzureDatabricksAppID + "/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	if time.Until(armTok.ExpiresOn) < 50*time.Minute {
		t.Errorf("token lifetime: expires %v", armTok.ExpiresOn)
	}
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()

	_, err = workspacesClient(t, emu, staticCred(armTok.Token)).Get(ctx, "rg", "dbw", nil)
	if re := responseError(t, err); re.StatusCode != 401 || re.ErrorCode != "ExpiredAuthenticationToken" {
		t.Errorf("expired ARM token: %d %s", re.StatusCode, re.ErrorCode)
	}
	_, err = bearerClient(t, emu, host, dbTok.Token).CurrentUser.Me(ctx)
	if !errors.Is(err, apierr.ErrUnauthenticated) || !strings.Contains(err.Error(), "Token is expired") {
		t.Errorf("expired workspace token: %v", err)
	}
}

// TestEntraID_managedIdentityOnlyWithTheFlag: with service principals but
// no --managed-identity, the IMDS and App Service endpoints issue nothing
// (a token with no credential at all would be anyone's for the asking);
// with it, they answer for that identity only.
func TestEntraID_managedIdentityOnlyWithTheFlag(t *testing.T) {
	imds := "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/"
	ask := func(emu *emulatortest.Emulator, path string, header map[string]string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, emu.URL+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	other := emulator.ServicePrincipal{ClientID: "33333333-3333-3333-3333-333333333333", Secret: "x", TenantID: testTenant}
	without := emulatortest.Start(t, emulatortest.WithServicePrincipals(testSP))
	for path, header := range map[string]map[string]string{
		imds: {"Metadata": "true"},
		"/msi/token?api-version=2019-08-01&resource=https://management.azure.com/": {"X-IDENTITY-HEADER": without.Token},
	} {
		if status, body := ask(without, path, header); status != 400 || !strings.Contains(body, "Identity not found") || strings.Contains(body, "access_token") {
			t.Errorf("%s without --managed-identity: %d %s", path, status, body)
		}
	}
	with := emulatortest.Start(t, emulatortest.WithServicePrincipals(testSP, other), emulatortest.WithManagedIdentities(testSP.ClientID))
	if status, body := ask(with, imds, map[string]string{"Metadata": "true"}); status != 200 || !strings.Contains(body, "access_token") {
		t.Errorf("IMDS with --managed-identity: %d %s", status, body)
	}
	if status, body := ask(with, imds+"&client_id="+other.ClientID, map[string]string{"Metadata": "true"}); status != 400 {
		t.Errorf("IMDS for a service principal that is not a managed identity: %d %s", status, body)
	}
	if _, err := emulator.NewServer(emulator.Options{DataDir: t.TempDir(), ManagedIdentities: []string{"nobody"}}); err == nil || !strings.Contains(err.Error(), "not one of the --service-principal") {
		t.Errorf("unknown managed identity: %v", err)
	}
}
