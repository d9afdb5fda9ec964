package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/databricks/armdatabricks"
	"github.com/databricks/databricks-sdk-go/apierr"
	dbclient "github.com/databricks/databricks-sdk-go/client"
	"github.com/databricks/databricks-sdk-go/service/compute"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

const (
	testSub    = "00000000-0000-0000-0000-0000000000aa"
	testTenant = "11111111-1111-1111-1111-111111111111"
)

var testSP = emulator.ServicePrincipal{ClientID: "22222222-2222-2222-2222-222222222222", Secret: "s3cret:with~colon", TenantID: testTenant}

// azureCloud points azcore at the emulator: its Entra ID and its ARM.
func azureCloud(e *emulatortest.Emulator) cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: e.URL + "/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: e.URL, Audience: "https://management.core.windows.net/"},
		},
	}
}

func clientOptions(e *emulatortest.Emulator) azcore.ClientOptions {
	return azcore.ClientOptions{Cloud: azureCloud(e), Transport: e.HTTPClient()}
}

func secretCredential(t *testing.T, e *emulatortest.Emulator, sp emulator.ServicePrincipal) *azidentity.ClientSecretCredential {
	t.Helper()
	cred, err := azidentity.NewClientSecretCredential(sp.TenantID, sp.ClientID, sp.Secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions: clientOptions(e), DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatalf("credential: %v", err)
	}
	return cred
}

func workspacesClient(t *testing.T, e *emulatortest.Emulator, cred azcore.TokenCredential) *armdatabricks.WorkspacesClient {
	t.Helper()
	c, err := armdatabricks.NewWorkspacesClient(testSub, cred, &arm.ClientOptions{ClientOptions: clientOptions(e)})
	if err != nil {
		t.Fatalf("workspaces client: %v", err)
	}
	return c
}

func createResourceGroup(t *testing.T, e *emulatortest.Emulator, name string) {
	t.Helper()
	var out map[string]any
	if status := e.Do(t, http.MethodPut, "/subscriptions/"+testSub+"/resourcegroups/"+name+"?api-version=2021-04-01",
		map[string]any{"location": "West Europe"}, &out); status != http.StatusCreated {
		t.Fatalf("creating resource group: status %d %v", status, out)
	}
	if out["location"] != "westeurope" {
		t.Errorf("resource group location = %v, want westeurope (normalized)", out["location"])
	}
}

func workspaceSpec(sku string, tags map[string]*string) armdatabricks.Workspace {
	return armdatabricks.Workspace{
		Location: ptr("westeurope"),
		SKU:      &armdatabricks.SKU{Name: ptr(sku)},
		Tags:     tags,
		Properties: &armdatabricks.WorkspaceProperties{
			ManagedResourceGroupID: ptr("/subscriptions/" + testSub + "/resourceGroups/rg-ml-managed"),
			Parameters: &armdatabricks.WorkspaceCustomParameters{
				EnableNoPublicIP: &armdatabricks.WorkspaceCustomBooleanParameter{Value: ptr(true)},
			},
		},
	}
}

var fastPoll = &runtime.PollUntilDoneOptions{Frequency: 20 * time.Millisecond}

func ptr[T any](v T) *T { return &v }

func responseError(t *testing.T, err error) *azcore.ResponseError {
	t.Helper()
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("want an ARM error, got %v", err)
	}
	return re
}

func TestARM_workspaceLifecycleThroughAzureSDK(t *testing.T) {
	emu := emulatortest.StartTLS(t, emulatortest.WithServicePrincipals(testSP), emulatortest.WithAsyncDelay(50*time.Millisecond))
	ctx := context.Background()
	createResourceGroup(t, emu, "rg-ml")
	ws := workspacesClient(t, emu, secretCredential(t, emu, testSP))

	poller, err := ws.BeginCreateOrUpdate(ctx, "rg-ml", "dbw-dev", workspaceSpec("premium", map[string]*string{"env": ptr("dev")}), nil)
	if err != nil {
		t.Fatalf("begin create: %v", err)
	}
	if poller.Done() {
		t.Fatalf("a new workspace's creation should be a running operation")
	}
	created, err := poller.PollUntilDone(ctx, fastPoll)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	p := created.Properties
	if *p.ProvisioningState != armdatabricks.ProvisioningStateSucceeded || *created.SKU.Name != "premium" || *created.Tags["env"] != "dev" ||
		*p.PublicNetworkAccess != armdatabricks.PublicNetworkAccessEnabled || *p.RequiredNsgRules != armdatabricks.RequiredNsgRulesAllRules ||
		!*p.Parameters.EnableNoPublicIP.Value || *p.Parameters.EnableNoPublicIP.Type != armdatabricks.CustomParameterTypeBool {
		t.Errorf("created workspace does not match its spec: %+v / %+v", created.Workspace, *p)
	}
	wantID := "/subscriptions/" + testSub + "/resourceGroups/rg-ml/providers/Microsoft.Databricks/workspaces/dbw-dev"
	if *created.ID != wantID || *created.Type != "Microsoft.Databricks/workspaces" || len(*p.WorkspaceID) != 16 ||
		!regexp.MustCompile(`^127\.0\.0\.1:\d+$`).MatchString(*p.WorkspaceURL) || *created.SystemData.CreatedBy != testSP.ClientID {
		t.Errorf("computed fields: id=%s type=%s workspaceId=%s url=%s createdBy=%s", *created.ID, *created.Type, *p.WorkspaceID, *p.WorkspaceURL, *created.SystemData.CreatedBy)
	}

	// The workspace URL serves a workspace API with its own state, over
	// HTTPS like the emulator itself; like Azure's, it has no scheme.
	wsClient := emu.WorkspaceClientFor(t, *p.WorkspaceURL)
	cluster, err := wsClient.Clusters.Create(ctx, compute.CreateCluster{ClusterName: "in-dev", SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1})
	if err != nil {
		t.Fatalf("creating a cluster in the new workspace: %v", err)
	}
	if _, err := emu.WorkspaceClient(t).Clusters.GetByClusterId(ctx, cluster.ClusterId); !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("the default workspace sees a cluster of workspace dbw-dev: %v", err)
	}
	var meta struct {
		WorkspaceID string `json:"workspace_id"`
	}
	dc, err := dbclient.New(wsClient.Config)
	if err != nil {
		t.Fatal(err)
	}
	if err := dc.Do(ctx, http.MethodGet, "/.well-known/databricks-config", nil, nil, nil, &meta); err != nil || meta.WorkspaceID != *p.WorkspaceID {
		t.Errorf("host metadata workspace_id = %q (%v), want %q", meta.WorkspaceID, err, *p.WorkspaceID)
	}
	// The SDK (and the official provider) read the id from X-Databricks-Org-Id.
	if id, err := wsClient.CurrentWorkspaceID(ctx); err != nil || strconv.FormatInt(id, 10) != *p.WorkspaceID {
		t.Errorf("CurrentWorkspaceID = %d (%v), want the ARM workspaceId %s", id, err, *p.WorkspaceID)
	}

	// Tags update in place through PATCH, as an LRO.
	up, err := ws.BeginUpdate(ctx, "rg-ml", "dbw-dev", armdatabricks.WorkspaceUpdate{Tags: map[string]*string{"env": ptr("dev"), "team": ptr("ml")}}, nil)
	if err != nil {
		t.Fatalf("begin update: %v", err)
	}
	updated, err := up.PollUntilDone(ctx, fastPoll)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if *updated.Tags["team"] != "ml" || *updated.Properties.ProvisioningState != armdatabricks.ProvisioningStateSucceeded || *updated.Properties.WorkspaceURL != *p.WorkspaceURL {
		t.Errorf("after tag update: tags=%v state=%s", updated.Tags, *updated.Properties.ProvisioningState)
	}

	// Standard ↔ premium is an in-place update; premium → trial is refused.
	std := workspaceSpec("standard", nil)
	sp, err := ws.BeginCreateOrUpdate(ctx, "rg-ml", "dbw-dev", std, nil)
	if err != nil {
		t.Fatalf("sku change: %v", err)
	}
	if res, err := sp.PollUntilDone(ctx, fastPoll); err != nil || *res.SKU.Name != "standard" {
		t.Fatalf("sku change result: %v", err)
	}
	_, err = ws.BeginCreateOrUpdate(ctx, "rg-ml", "dbw-dev", workspaceSpec("trial", nil), nil)
	if re := responseError(t, err); re.StatusCode != 400 || re.ErrorCode != "InvalidSkuUpdate" {
		t.Errorf("downgrade to trial: %d %s", re.StatusCode, re.ErrorCode)
	}
	changedNet := workspaceSpec("standard", nil)
	changedNet.Properties.Parameters.EnableNoPublicIP.Value = ptr(false)
	_, err = ws.BeginCreateOrUpdate(ctx, "rg-ml", "dbw-dev", changedNet, nil)
	if re := responseError(t, err); re.ErrorCode != "InvalidParameter" || !strings.Contains(re.Error(), "enableNoPublicIp") {
		t.Errorf("changing a network parameter: %s %v", re.ErrorCode, re)
	}

	list := ws.NewListByResourceGroupPager("rg-ml", nil)
	page, err := list.NextPage(ctx)
	if err != nil || len(page.Value) != 1 || *page.Value[0].Name != "dbw-dev" {
		t.Errorf("list by resource group: %v %d", err, len(page.Value))
	}
	subPage, err := ws.NewListBySubscriptionPager(nil).NextPage(ctx)
	if err != nil || len(subPage.Value) != 1 || *subPage.Value[0].ID != wantID {
		t.Errorf("list by subscription: %v %d", err, len(subPage.Value))
	}
	// The managed resource group exists, managed by the workspace; resource
	// group existence is checked with HEAD (ResourceGroups.CheckExistence).
	var managed map[string]any
	if status := emu.Do(t, http.MethodGet, "/subscriptions/"+testSub+"/resourceGroups/rg-ml-managed?api-version=2021-04-01", nil, &managed); status != 200 || managed["managedBy"] != wantID {
		t.Errorf("managed resource group: %d %v", status, managed)
	}
	for rg, want := range map[string]int{"rg-ml": 204, "rg-nope": 404} {
		if status := emu.Do(t, http.MethodHead, "/subscriptions/"+testSub+"/resourcegroups/"+rg+"?api-version=2021-04-01", nil, nil); status != want {
			t.Errorf("HEAD %s: %d, want %d", rg, status, want)
		}
	}

	del, err := ws.BeginDelete(ctx, "rg-ml", "dbw-dev", nil)
	if err != nil {
		t.Fatalf("begin delete: %v", err)
	}
	mid, err := ws.Get(ctx, "rg-ml", "dbw-dev", nil)
	if err != nil || *mid.Properties.ProvisioningState != armdatabricks.ProvisioningStateDeleting {
		t.Errorf("during delete: %v %v", err, mid.Properties)
	}
	if _, err := del.PollUntilDone(ctx, fastPoll); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if status := emu.Do(t, http.MethodHead, "/subscriptions/"+testSub+"/resourcegroups/rg-ml-managed?api-version=2021-04-01", nil, nil); status != 404 {
		t.Errorf("the managed resource group outlived its workspace: HEAD %d", status)
	}
	_, err = ws.Get(ctx, "rg-ml", "dbw-dev", nil)
	if re := responseError(t, err); re.StatusCode != 404 || re.ErrorCode != "ResourceNotFound" {
		t.Errorf("get after delete: %d %s", re.StatusCode, re.ErrorCode)
	}
	if resp, err := emu.HTTPClient().Get(emulatortest.WorkspaceHost(*p.WorkspaceURL) + "/api/2.0/preview/scim/v2/Me"); err == nil {
		resp.Body.Close()
		t.Errorf("a deleted workspace's URL still answers: %d", resp.StatusCode)
	}
	// Deleting again is a no-op (204), not an error.
	again, err := ws.BeginDelete(ctx, "rg-ml", "dbw-dev", nil)
	if err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := again.PollUntilDone(ctx, fastPoll); err != nil {
		t.Errorf("second delete: %v", err)
	}
}

func TestARM_errorShapes(t *testing.T) {
	emu := emulatortest.StartTLS(t, emulatortest.WithServicePrincipals(testSP))
	ctx := context.Background()
	ws := workspacesClient(t, emu, secretCredential(t, emu, testSP))

	_, err := ws.BeginCreateOrUpdate(ctx, "rg-missing", "dbw", workspaceSpec("premium", nil), nil)
	if re := responseError(t, err); re.StatusCode != 404 || re.ErrorCode != "ResourceGroupNotFound" || !strings.Contains(re.Error(), "Resource group 'rg-missing' could not be found.") {
		t.Errorf("missing resource group: %d %s %v", re.StatusCode, re.ErrorCode, re)
	}
	createResourceGroup(t, emu, "rg")

	cases := map[string]struct {
		mutate func(*armdatabricks.Workspace)
		code   string
		msg    string
	}{
		"unknown location": {func(w *armdatabricks.Workspace) { w.Location = ptr("moon") }, "LocationNotAvailableForResourceType", "The provided location 'moon' is not available"},
		"managed group is the workspace group": {func(w *armdatabricks.Workspace) {
			w.Properties.ManagedResourceGroupID = ptr("/subscriptions/" + testSub + "/resourceGroups/rg")
		}, "InvalidManagedResourceGroupId", "cannot be the resource group of the workspace"},
		"subnets without a vnet": {func(w *armdatabricks.Workspace) {
			w.Properties.Parameters.CustomPublicSubnetName = &armdatabricks.WorkspaceCustomStringParameter{Value: ptr("public")}
		}, "InvalidParameter", "customVirtualNetworkId, customPublicSubnetName and customPrivateSubnetName together"},
		"private link on standard": {func(w *armdatabricks.Workspace) {
			w.SKU.Name = ptr("standard")
			w.Properties.PublicNetworkAccess = ptr(armdatabricks.PublicNetworkAccessDisabled)
		}, "InvalidParameter", "requires the 'premium' sku"},
		"bad sku": {func(w *armdatabricks.Workspace) { w.SKU.Name = ptr("gold") }, "InvalidSku", "'gold' is not valid"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := workspaceSpec("premium", nil)
			tc.mutate(&spec)
			_, err := ws.BeginCreateOrUpdate(ctx, "rg", "dbw", spec, nil)
			re := responseError(t, err)
			if re.StatusCode != 400 || re.ErrorCode != tc.code || !strings.Contains(re.Error(), tc.msg) {
				t.Errorf("got %d %s: %v", re.StatusCode, re.ErrorCode, re)
			}
		})
	}

	// VNet injection with private link is accepted.
	spec := workspaceSpec("premium", nil)
	vnet := "/subscriptions/" + testSub + "/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ml"
	spec.Properties.Parameters.CustomVirtualNetworkID = &armdatabricks.WorkspaceCustomStringParameter{Value: ptr(vnet)}
	spec.Properties.Parameters.CustomPublicSubnetName = &armdatabricks.WorkspaceCustomStringParameter{Value: ptr("public")}
	spec.Properties.Parameters.CustomPrivateSubnetName = &armdatabricks.WorkspaceCustomStringParameter{Value: ptr("private")}
	spec.Properties.PublicNetworkAccess = ptr(armdatabricks.PublicNetworkAccessDisabled)
	spec.Properties.RequiredNsgRules = ptr(armdatabricks.RequiredNsgRulesNoAzureDatabricksRules)
	poller, err := ws.BeginCreateOrUpdate(ctx, "rg", "dbw-private", spec, nil)
	if err != nil {
		t.Fatalf("vnet-injected workspace: %v", err)
	}
	got, err := poller.PollUntilDone(ctx, fastPoll)
	if err != nil || *got.Properties.Parameters.CustomVirtualNetworkID.Value != vnet || *got.Properties.RequiredNsgRules != armdatabricks.RequiredNsgRulesNoAzureDatabricksRules {
		t.Errorf("vnet-injected workspace: %v", err)
	}
	// Its managed resource group now exists and cannot be reused.
	other := workspaceSpec("premium", nil)
	_, err = ws.BeginCreateOrUpdate(ctx, "rg", "dbw-other", other, nil)
	if re := responseError(t, err); re.StatusCode != 409 || re.ErrorCode != "ManagedResourceGroupExists" {
		t.Errorf("reusing a managed resource group: %d %s", re.StatusCode, re.ErrorCode)
	}

	// Raw calls: api-version is required and checked; the error shape is ARM's.
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	path := "/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/dbw-private"
	if status := emu.Do(t, http.MethodGet, path, nil, &body); status != 400 || body.Error.Code != "MissingApiVersionParameter" {
		t.Errorf("no api-version: %d %+v", status, body)
	}
	if status := emu.Do(t, http.MethodGet, path+"?api-version=2099-01-01", nil, &body); status != 400 || body.Error.Code != "NoRegisteredProviderFound" || !strings.Contains(body.Error.Message, "2023-02-01") {
		t.Errorf("unknown api-version: %d %+v", status, body)
	}
	if status := emu.Do(t, http.MethodGet, "/subscriptions/"+testSub+"/resourcegroups/rg?api-version=2099-01-01", nil, &body); status != 400 || body.Error.Code != "InvalidApiVersionParameter" {
		t.Errorf("unknown resource group api-version: %d %+v", status, body)
	}
	// The SDK's host resolution reads the workspace with api-version
	// 2018-04-01 (databricks-sdk-go config/azure.go azureEnsureWorkspaceUrl).
	var w struct {
		Properties struct{ WorkspaceURL string } `json:"properties"`
	}
	if status := emu.Do(t, http.MethodGet, path+"?api-version=2018-04-01", nil, &w); status != 200 || w.Properties.WorkspaceURL == "" {
		t.Errorf("2018-04-01 read: %d %+v", status, w)
	}
	if status := emu.Do(t, http.MethodPost, "/subscriptions/"+testSub+"/providers/Microsoft.Compute/virtualMachines?api-version=2023-01-01", nil, &body); status != 501 || body.Error.Code != "NotImplemented" {
		t.Errorf("unknown ARM route: %d %+v", status, body)
	}
}

func TestARM_authentication(t *testing.T) {
	emu := emulatortest.StartTLS(t, emulatortest.WithServicePrincipals(testSP))
	ctx := context.Background()
	createResourceGroup(t, emu, "rg")

	// No credentials, and a token for the wrong audience (Azure Databricks).
	path := emu.URL + "/subscriptions/" + testSub + "/resourceGroups/rg?api-version=2021-04-01"
	req, _ := http.NewRequest(http.MethodGet, path, nil)
	resp, err := emu.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no credentials: %d", resp.StatusCode)
	}
	cred := secretCredential(t, emu, testSP)
	dbTok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{emulator.AzureDatabricksAppID + "/.default"}})
	if err != nil {
		t.Fatalf("databricks token: %v", err)
	}
	_, err = workspacesClient(t, emu, staticCred(dbTok.Token)).Get(ctx, "rg", "x", nil)
	if re := responseError(t, err); re.StatusCode != 401 || re.ErrorCode != "InvalidAuthenticationTokenAudience" {
		t.Errorf("databricks token on ARM: %d %s", re.StatusCode, re.ErrorCode)
	}

	// A wrong secret fails at Entra ID with AADSTS7000215.
	bad := testSP
	bad.Secret = "wrong"
	_, err = workspacesClient(t, emu, secretCredential(t, emu, bad)).Get(ctx, "rg", "x", nil)
	var authErr *azidentity.AuthenticationFailedError
	if !errors.As(err, &authErr) || !strings.Contains(err.Error(), "AADSTS7000215: Invalid client secret provided") {
		t.Errorf("wrong secret: %v", err)
	}
	// An unknown tenant fails tenant discovery.
	other := testSP
	other.TenantID = "99999999-9999-9999-9999-999999999999"
	_, err = secretCredential(t, emu, other).GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com//.default"}})
	if err == nil || !strings.Contains(err.Error(), "AADSTS90002") {
		t.Errorf("unknown tenant: %v", err)
	}
	// An unknown resource is refused.
	_, err = cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://vault.azure.net/.default"}})
	if err == nil || !strings.Contains(err.Error(), "AADSTS500011") {
		t.Errorf("unknown resource: %v", err)
	}
}

// staticCred is a credential that always presents one token.
type staticCred string

func (s staticCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(s), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestARM_hostedWorkspacesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	emu := emulatortest.Start(t, emulatortest.WithDataDir(dir))
	ctx := context.Background()
	_, host := hostedWorkspace(t, emu)
	w, err := client.Workspace(client.Isolated(host, emu.Token))
	if err != nil {
		t.Fatal(err)
	}
	created, err := w.Clusters.Create(ctx, compute.CreateCluster{ClusterName: "kept", SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1})
	if err != nil {
		t.Fatal(err)
	}
	emu.Close()

	emu = emulatortest.Start(t, emulatortest.WithDataDir(dir))
	var out struct {
		Properties struct {
			WorkspaceURL string `json:"workspaceUrl"`
		} `json:"properties"`
	}
	path := "/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/dbw?api-version=2023-02-01"
	if status := emu.Do(t, http.MethodGet, path, nil, &out); status != 200 || out.Properties.WorkspaceURL != host {
		t.Fatalf("after restart: %d, url %q, want %q (same port)", status, out.Properties.WorkspaceURL, host)
	}
	w, err = client.Workspace(client.Isolated(host, emu.Token))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := w.Clusters.GetByClusterId(ctx, created.ClusterId); err != nil || got.ClusterName != "kept" {
		t.Errorf("cluster of the hosted workspace after restart: %v", err)
	}
}
