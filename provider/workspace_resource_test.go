package provider_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/databricks/armdatabricks"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// Azure acceptance tests run against their own emulator over HTTPS (Azure's
// identity library accepts only an https authority): its Entra ID issues
// the provider's tokens through real azidentity and Databricks SDK code,
// its ARM serves brickops_workspace, and the workspaces it creates are
// served on their own loopback ports.

const (
	accSub    = "00000000-0000-0000-0000-00000000acc0"
	accTenant = "33333333-3333-3333-3333-333333333333"
	accRG     = "rg-acc"
	wsAddr    = "brickops_workspace.test"
)

var accSP = emulator.ServicePrincipal{ClientID: "44444444-4444-4444-4444-444444444444", Secret: "acc-secret", TenantID: accTenant}

var trustOnce sync.Once

// azureEmulator starts an HTTPS emulator that knows accSP and has resource
// group rg-acc, and makes this process trust its certificate.
//
// The provider builds its own HTTP clients, so the certificate is trusted
// the way a user trusts a private CA on Linux: SSL_CERT_FILE, read by Go
// when it first loads the system roots. httptest serves every TLS server
// with the same certificate, so setting it once covers all emulators.
func azureEmulator(t *testing.T, opts ...emulatortest.Option) *emulatortest.Emulator {
	t.Helper()
	emu := emulatortest.StartTLS(t, append(opts, emulatortest.WithServicePrincipals(accSP))...)
	trustOnce.Do(func() {
		f := filepath.Join(os.TempDir(), fmt.Sprintf("brickops-emulator-ca-%d.pem", os.Getpid()))
		if err := os.WriteFile(f, emu.CertificatePEM(), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Setenv("SSL_CERT_FILE", f)
	})
	if status := emu.Do(t, http.MethodPut, "/subscriptions/"+accSub+"/resourcegroups/"+accRG+"?api-version=2021-04-01",
		map[string]any{"location": "westeurope"}, nil); status != http.StatusCreated {
		t.Fatalf("creating resource group: %d", status)
	}
	return emu
}

// azureProvider is a provider block pointing at the emulator as a custom
// Azure environment; extra adds attributes (alias, host, …).
func azureProvider(emu *emulatortest.Emulator, secret, extra string) string {
	return fmt.Sprintf(`
provider "brickops" {
  azure_environment               = "custom"
  azure_authority_host            = %q
  azure_resource_manager_endpoint = %q
  azure_tenant_id                 = %q
  azure_client_id                 = %q
  azure_client_secret             = %q
  azure_subscription_id           = %q
%s
}
`, emu.URL, emu.URL, accTenant, accSP.ClientID, secret, accSub, extra)
}

func workspaceConfig(name, body string) string {
	return fmt.Sprintf(`
resource "brickops_workspace" "test" {
  name                = %q
  resource_group_name = %q
  location            = "westeurope"
%s
}
`, name, accRG, body)
}

// armWorkspaces is an ARM client for checking and changing workspaces
// behind Terraform's back (with the emulator's static token).
func armWorkspaces(t *testing.T, emu *emulatortest.Emulator) *armdatabricks.WorkspacesClient {
	t.Helper()
	opts := azcore.ClientOptions{Transport: emu.HTTPClient(), Cloud: cloud.Configuration{
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{cloud.ResourceManager: {Endpoint: emu.URL, Audience: "https://management.core.windows.net/"}},
	}}
	c, err := armdatabricks.NewWorkspacesClient(accSub, staticCredential(emu.Token), &arm.ClientOptions{ClientOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type staticCredential string

func (s staticCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(s)}, nil
}

func checkWorkspaceGone(t *testing.T, emu *emulatortest.Emulator, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := armWorkspaces(t, emu).Get(context.Background(), accRG, name, nil)
		var re *azcore.ResponseError
		if !errors.As(err, &re) || re.StatusCode != 404 {
			return fmt.Errorf("workspace %s still exists after destroy (%v)", name, err)
		}
		return nil
	}
}

func TestAccWorkspace_lifecycle(t *testing.T) {
	emu := azureEmulator(t)
	name := acctest.RandomWithPrefix("dbw")
	p := azureProvider(emu, accSP.Secret, "")
	sameWorkspace := statecheck.CompareValue(compare.ValuesSame())
	newWorkspace := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkWorkspaceGone(t, emu, name),
		Steps: []resource.TestStep{
			{
				Config: p + workspaceConfig(name, `
  sku  = "premium"
  tags = { env = "dev" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					sameWorkspace.AddStateValue(wsAddr, tfjsonpath.New("workspace_id")),
					newWorkspace.AddStateValue(wsAddr, tfjsonpath.New("workspace_id")),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("id"), knownvalue.StringExact(
						"/subscriptions/"+accSub+"/resourceGroups/"+accRG+"/providers/Microsoft.Databricks/workspaces/"+name)),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("managed_resource_group_id"), knownvalue.StringExact(
						"/subscriptions/"+accSub+"/resourceGroups/databricks-rg-"+name)),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("workspace_url"), knownvalue.StringRegexp(regexp.MustCompile(`^127\.0\.0\.1:\d+$`))),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("workspace_id"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{16}$`))),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("enable_no_public_ip"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("public_network_access"), knownvalue.StringExact("Enabled")),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("required_nsg_rules"), knownvalue.StringExact("AllRules")),
				},
				Check: func(*terraform.State) error {
					got, err := armWorkspaces(t, emu).Get(context.Background(), accRG, name, nil)
					if err != nil {
						return err
					}
					if *got.SKU.Name != "premium" || *got.Tags["env"] != "dev" || *got.Properties.ProvisioningState != armdatabricks.ProvisioningStateSucceeded {
						return fmt.Errorf("ARM has sku %s tags %v state %s", *got.SKU.Name, got.Tags, *got.Properties.ProvisioningState)
					}
					return nil
				},
			},
			{
				// Tags and premium → standard change in place.
				Config: p + workspaceConfig(name, `
  sku  = "standard"
  tags = { env = "dev", team = "ml" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(wsAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameWorkspace.AddStateValue(wsAddr, tfjsonpath.New("workspace_id")),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("sku"), knownvalue.StringExact("standard")),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("tags").AtMapKey("team"), knownvalue.StringExact("ml")),
				},
			},
			{
				// Tags changed behind Terraform's back are put back.
				PreConfig: func() {
					up, err := armWorkspaces(t, emu).BeginUpdate(context.Background(), accRG, name,
						armdatabricks.WorkspaceUpdate{Tags: map[string]*string{"env": ptr("hacked")}}, nil)
					if err == nil {
						_, err = up.PollUntilDone(context.Background(), nil)
					}
					if err != nil {
						t.Fatalf("changing tags behind Terraform's back: %v", err)
					}
				},
				Config: p + workspaceConfig(name, `
  sku  = "standard"
  tags = { env = "dev", team = "ml" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(wsAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					got, err := armWorkspaces(t, emu).Get(context.Background(), accRG, name, nil)
					if err != nil {
						return err
					}
					if *got.Tags["env"] != "dev" || *got.Tags["team"] != "ml" {
						return fmt.Errorf("tags after repair: %v", got.Tags)
					}
					return nil
				},
			},
			{
				ResourceName:            wsAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Azure cannot turn a workspace into a trial one: replaced.
				Config: p + workspaceConfig(name, `
  sku  = "trial"
  tags = { env = "dev", team = "ml" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(wsAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newWorkspace.AddStateValue(wsAddr, tfjsonpath.New("workspace_id")),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("sku"), knownvalue.StringExact("trial")),
				},
			},
		},
	})
}

func TestAccWorkspace_networkAndErrors(t *testing.T) {
	emu := azureEmulator(t)
	name := acctest.RandomWithPrefix("dbw")
	p := azureProvider(emu, accSP.Secret, "")
	vnet := "/subscriptions/" + accSub + "/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ml"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkWorkspaceGone(t, emu, name),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "brickops" {
  azure_environment               = "custom"
  azure_authority_host            = %q
  azure_resource_manager_endpoint = %q
  azure_tenant_id                 = %q
  azure_client_id                 = %q
  azure_client_secret             = %q
}`, emu.URL, emu.URL, accTenant, accSP.ClientID, accSP.Secret) + workspaceConfig(name, `  sku = "premium"`),
				ExpectError: regexp.MustCompile(`set azure_subscription_id in the provider\s+block or ARM_SUBSCRIPTION_ID`),
			},
			{
				Config:      `provider "brickops" { azure_environment = "mars" }` + workspaceConfig(name, `  sku = "premium"`),
				ExpectError: regexp.MustCompile(`azure_environment "mars" is not one of public, usgovernment, china,\s+custom`),
			},
			{
				Config: fmt.Sprintf(`
provider "brickops" {
  azure_environment               = "custom"
  azure_authority_host            = "http://127.0.0.1:1"
  azure_resource_manager_endpoint = %q
}`, emu.URL) + workspaceConfig(name, `  sku = "premium"`),
				ExpectError: regexp.MustCompile(`azure_authority_host \(AZURE_AUTHORITY_HOST\) must be an https URL`),
			},
			{
				Config:      azureProvider(emu, "wrong-secret", "") + workspaceConfig(name, `  sku = "premium"`),
				ExpectError: regexp.MustCompile(`(?s)authenticating to Azure with a client secret for application\s+` + accSP.ClientID + `\s+in tenant\s+` + accTenant + `\s+failed.*AADSTS7000215.*azure_client_secret\s+\(ARM_CLIENT_SECRET\)`),
			},
			{
				Config: p + `
resource "brickops_workspace" "test" {
  name                = "` + name + `"
  resource_group_name = "rg-missing"
  location            = "westeurope"
  sku                 = "premium"
}`,
				ExpectError: regexp.MustCompile(`ResourceGroupNotFound \(HTTP 404\): Resource group 'rg-missing' could not be\s+found`),
			},
			{
				Config:      p + workspaceConfig(name, "  sku = \"standard\"\n  public_network_access = \"Disabled\"\n  required_nsg_rules = \"NoAzureDatabricksRules\"\n  custom_virtual_network_id = \""+vnet+"\"\n  custom_public_subnet_name = \"public\"\n  custom_private_subnet_name = \"private\""),
				ExpectError: regexp.MustCompile(`InvalidParameter \(HTTP 400\): publicNetworkAccess 'Disabled' \(Private Link\)\s+requires the 'premium' sku`),
			},
			{
				Config:      p + workspaceConfig(name, "  sku = \"premium\"\n  custom_public_subnet_name = \"public\""),
				ExpectError: regexp.MustCompile(`Attribute "custom_virtual_network_id" must be specified when\s+"custom_public_subnet_name" is specified`),
			},
			{
				// VNet injection with Private Link.
				Config: p + workspaceConfig(name, "  sku = \"premium\"\n  enable_no_public_ip = true\n  public_network_access = \"Disabled\"\n  required_nsg_rules = \"NoAzureDatabricksRules\"\n  custom_virtual_network_id = \""+vnet+"\"\n  custom_public_subnet_name = \"public\"\n  custom_private_subnet_name = \"private\""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("custom_virtual_network_id"), knownvalue.StringExact(vnet)),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("enable_no_public_ip"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("public_network_access"), knownvalue.StringExact("Disabled")),
				},
			},
			{
				// Network parameters cannot change in place.
				Config: p + workspaceConfig(name, "  sku = \"premium\"\n  enable_no_public_ip = false\n  public_network_access = \"Disabled\"\n  required_nsg_rules = \"NoAzureDatabricksRules\"\n  custom_virtual_network_id = \""+vnet+"\"\n  custom_public_subnet_name = \"public\"\n  custom_private_subnet_name = \"private\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(wsAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			{
				ResourceName:  wsAddr,
				ImportState:   true,
				ImportStateId: "/subscriptions/" + accSub + "/resourceGroups/" + accRG + "/providers/Microsoft.Storage/storageAccounts/" + name,
				ExpectError:   regexp.MustCompile(`is not the ARM id of an Azure Databricks workspace`),
			},
		},
	})
}

// A create that outlives its timeout leaves the workspace in state
// (tainted); the next apply replaces it, waiting for the provisioning still
// running before it deletes.
func TestAccWorkspace_createTimeout(t *testing.T) {
	emu := azureEmulator(t, emulatortest.WithAsyncDelay(2*time.Second))
	name := acctest.RandomWithPrefix("dbw")
	p := azureProvider(emu, accSP.Secret, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkWorkspaceGone(t, emu, name),
		Steps: []resource.TestStep{
			{
				Config:      p + workspaceConfig(name, "  sku = \"premium\"\n  timeouts = { create = \"500ms\" }"),
				ExpectError: regexp.MustCompile(`Workspace "` + name + `" was accepted but did not reach Succeeded`),
			},
			{
				Config: p + workspaceConfig(name, `  sku = "premium"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(wsAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("sku"), knownvalue.StringExact("premium")),
				},
			},
		},
	})
}

func TestAccWorkspace_existingIsNotAdopted(t *testing.T) {
	emu := azureEmulator(t)
	name := acctest.RandomWithPrefix("dbw")
	poller, err := armWorkspaces(t, emu).BeginCreateOrUpdate(context.Background(), accRG, name, armdatabricks.Workspace{
		Location: ptr("westeurope"), SKU: &armdatabricks.SKU{Name: ptr("premium")},
		Properties: &armdatabricks.WorkspaceProperties{ManagedResourceGroupID: ptr("/subscriptions/" + accSub + "/resourceGroups/managed-" + name)},
	}, nil)
	if err == nil {
		_, err = poller.PollUntilDone(context.Background(), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      azureProvider(emu, accSP.Secret, "") + workspaceConfig(name, `  sku = "premium"`),
			ExpectError: regexp.MustCompile(`already exists in resource group "rg-acc"(?s).*terraform import`),
		}},
	})
}

func TestAccWorkspace_oidc(t *testing.T) {
	emu := azureEmulator(t)
	name := acctest.RandomWithPrefix("dbw")
	// What GitHub Actions provides to a job with `id-token: write`.
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", emu.URL+"/_emulator/github-actions/idtoken?api-version=2.0")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", emu.OperatorToken)
	oidcProvider := func(extra string) string {
		return fmt.Sprintf(`
provider "brickops" {
  azure_environment               = "custom"
  azure_authority_host            = %q
  azure_resource_manager_endpoint = %q
  azure_tenant_id                 = %q
  azure_client_id                 = %q
  azure_use_oidc                  = true
  azure_subscription_id           = %q
%s
}
`, emu.URL, emu.URL, accTenant, accSP.ClientID, accSub, extra)
	}
	// The workspace provider uses the SDK's github-oidc-azure auth.
	config := oidcProvider("") + oidcProvider(`
  alias     = "ws"
  host      = "https://${brickops_workspace.test.workspace_url}"
  auth_type = "github-oidc-azure"`) + workspaceConfig(name, `  sku = "premium"`) + `
resource "brickops_cluster" "train" {
  provider      = brickops.ws
  cluster_name  = "train"
  spark_version = "15.4.x-cpu-ml-scala2.12"
  node_type_id  = "Standard_DS3_v2"
  num_workers   = 1
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkWorkspaceGone(t, emu, name),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("sku"), knownvalue.StringExact("premium")),
				statecheck.ExpectKnownValue("brickops_cluster.train", tfjsonpath.New("state"), knownvalue.StringExact("RUNNING")),
			},
			Check: func(*terraform.State) error {
				got, err := armWorkspaces(t, emu).Get(context.Background(), accRG, name, nil)
				if err != nil {
					return err
				}
				if *got.SystemData.CreatedBy != accSP.ClientID || *got.SystemData.CreatedByType != "Application" {
					return fmt.Errorf("workspace created by %s (%s), want the federated application", *got.SystemData.CreatedBy, *got.SystemData.CreatedByType)
				}
				// ARM tokens came from azidentity (v2.0 endpoint), workspace
				// tokens from the SDK (v1), both for GitHub ID tokens.
				for _, p := range []string{"/" + accTenant + "/oauth2/v2.0/token", "/" + accTenant + "/oauth2/token", "/_emulator/github-actions/idtoken"} {
					if len(emu.Requests(t, p)) == 0 {
						return fmt.Errorf("no request to %s", p)
					}
				}
				return nil
			},
		}},
	})
}

// A managed identity on an App Service-like host: IDENTITY_ENDPOINT and
// IDENTITY_HEADER lead azidentity to the emulator's identity endpoint.
func TestAccWorkspace_managedIdentity(t *testing.T) {
	emu := azureEmulator(t, emulatortest.WithManagedIdentities(accSP.ClientID))
	name := acctest.RandomWithPrefix("dbw")
	t.Setenv("IDENTITY_ENDPOINT", emu.URL+"/msi/token")
	t.Setenv("IDENTITY_HEADER", emu.Token)
	config := func(identity string) string {
		return fmt.Sprintf(`
provider "brickops" {
  azure_environment               = "custom"
  azure_authority_host            = %q
  azure_resource_manager_endpoint = %q
  azure_use_msi                   = true
  azure_client_id                 = %q
  azure_subscription_id           = %q
}
`, emu.URL, emu.URL, identity, accSub) + workspaceConfig(name, `  sku = "standard"`)
	}
	const unassigned = "77777777-7777-7777-7777-777777777777"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkWorkspaceGone(t, emu, name),
		Steps: []resource.TestStep{{
			Config:      config(unassigned),
			ExpectError: regexp.MustCompile(`(?s)authenticating to Azure with the managed identity for user-assigned\s+identity\s+` + unassigned + `\s+failed.*Identity not found.*azure_client_id\s+\(ARM_CLIENT_ID\)`),
		}, {
			Config: config(accSP.ClientID),
			Check: func(*terraform.State) error {
				got, err := armWorkspaces(t, emu).Get(context.Background(), accRG, name, nil)
				if err != nil {
					return err
				}
				if *got.SystemData.CreatedBy != accSP.ClientID {
					return fmt.Errorf("workspace created by %s, want the managed identity %s", *got.SystemData.CreatedBy, accSP.ClientID)
				}
				if len(emu.Requests(t, "/msi/token")) == 0 {
					return fmt.Errorf("the provider did not use the managed identity endpoint")
				}
				return nil
			},
		}},
	})
}

// The pattern users struggle with: one configuration creates a workspace
// and configures it, the second provider's host coming from the first
// resource. The workspace provider authenticates with the same service
// principal through the Databricks SDK's azure-client-secret auth.
func TestAccWorkspace_sameRunCluster(t *testing.T) {
	emu := azureEmulator(t)
	name := acctest.RandomWithPrefix("dbw")
	wsProvider := func(secret string) string {
		return azureProvider(emu, secret, `
  alias                       = "ws"
  host                        = "https://${brickops_workspace.test.workspace_url}"
  azure_workspace_resource_id = brickops_workspace.test.id
  auth_type                   = "azure-client-secret"`)
	}
	resources := `
resource "brickops_workspace" "test" {
  name                = "` + name + `"
  resource_group_name = "` + accRG + `"
  location            = "West Europe"
  sku                 = "premium"
}

resource "brickops_cluster" "train" {
  provider      = brickops.ws
  cluster_name  = "train"
  spark_version = "15.4.x-cpu-ml-scala2.12"
  node_type_id  = "Standard_DS3_v2"
  num_workers   = 1
}
`
	armProvider := azureProvider(emu, accSP.Secret, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkWorkspaceGone(t, emu, name),
		Steps: []resource.TestStep{{
			// The workspace is created; the workspace provider's wrong
			// secret fails at Entra ID with the SDK's message naming the
			// application and the AADSTS error. The next step repairs it.
			Config:      armProvider + wsProvider("wrong") + resources,
			ExpectError: regexp.MustCompile(`(?s)Creating cluster "train".*/` + accTenant + `/oauth2/token.*AADSTS7000215: Invalid client secret provided.*'` + accSP.ClientID + `'`),
		}, {
			Config: armProvider + wsProvider(accSP.Secret) + resources,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(wsAddr, tfjsonpath.New("location"), knownvalue.StringExact("West Europe")),
				statecheck.ExpectKnownValue("brickops_cluster.train", tfjsonpath.New("state"), knownvalue.StringExact("RUNNING")),
			},
			Check: func(s *terraform.State) error {
				url := "https://" + s.RootModule().Resources[wsAddr].Primary.Attributes["workspace_url"]
				id := s.RootModule().Resources["brickops_cluster.train"].Primary.ID
				w, err := client.Workspace(client.Isolated(url, emu.Token))
				if err != nil {
					return err
				}
				c, err := w.Clusters.GetByClusterId(context.Background(), id)
				if err != nil {
					return fmt.Errorf("the cluster is not in the new workspace %s: %w", url, err)
				}
				if c.ClusterName != "train" || c.State != compute.StateRunning {
					return fmt.Errorf("cluster in the new workspace: %s %s", c.ClusterName, c.State)
				}
				if _, err := testWorkspace(t).Clusters.GetByClusterId(context.Background(), id); err == nil {
					return fmt.Errorf("the cluster landed in the default workspace too")
				}
				// The workspace provider got its tokens from Entra ID's v1
				// endpoint, as the SDK's azure-client-secret auth does.
				if len(emu.Requests(t, "/"+accTenant+"/oauth2/token")) == 0 {
					return fmt.Errorf("the workspace provider did not authenticate through Entra ID")
				}
				return nil
			},
		}},
	})
}

func ptr[T any](v T) *T { return &v }

// TestAccRefreshCache_workspacesFindTheSameDrift: workspaces are read
// from Azure Resource Manager, one GET each (the Databricks SDK's rate
// limit does not throttle ARM); through the cache's hook they must find
// the same drift with batched refresh on and off.
func TestAccRefreshCache_workspacesFindTheSameDrift(t *testing.T) {
	emu := azureEmulator(t)
	name := acctest.RandomWithPrefix("dbw")
	ws := func(key string) string { return name + "-" + key }
	config := azureProvider(emu, accSP.Secret, "") + workspacesDriftConfig(name)
	arm := armWorkspaces(t, emu)
	ctx := context.Background()
	drift := func() {
		must := func(what string, err error) {
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		up, err := arm.BeginUpdate(ctx, accRG, ws("changed"), armdatabricks.WorkspaceUpdate{Tags: map[string]*string{"env": ptr("hacked")}}, nil)
		if err == nil {
			_, err = up.PollUntilDone(ctx, nil)
		}
		must("workspace changed", err)
		for _, key := range []string{"deleted", "recreated"} {
			del, err := arm.BeginDelete(ctx, accRG, ws(key), nil)
			if err == nil {
				_, err = del.PollUntilDone(ctx, nil)
			}
			must("workspace "+key+" (delete)", err)
		}
		// Anew under the same name, as the standard tier: a new workspace id.
		poller, err := arm.BeginCreateOrUpdate(ctx, accRG, ws("recreated"), armdatabricks.Workspace{
			Location: ptr("westeurope"), SKU: &armdatabricks.SKU{Name: ptr("standard")},
			Properties: &armdatabricks.WorkspaceProperties{ManagedResourceGroupID: ptr("/subscriptions/" + accSub + "/resourceGroups/again-" + name)},
		}, nil)
		if err == nil {
			_, err = poller.PollUntilDone(ctx, nil)
		}
		must("workspace recreated", err)
	}
	_, batched := planDriftBothWays(t, config, map[string]string{}, drift, nil)
	checkDriftFound(t, batched, []string{
		`brickops_workspace.w[1] update`, `brickops_workspace.w[2] delete`, `brickops_workspace.w[3] update`,
	})
}

// workspacesDriftConfig has refreshCases workspaces named <name>-<case>.
func workspacesDriftConfig(name string) string {
	return fmt.Sprintf(`
locals {
  cases = ["same", "changed", "deleted", "recreated"]
}
resource "brickops_workspace" "w" {
  count               = 4
  name                = "%s-${local.cases[count.index]}"
  resource_group_name = %q
  location            = "westeurope"
  sku                 = "premium"
  tags                = { env = "dev" }
}
`, name, accRG)
}
