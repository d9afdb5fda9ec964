package provider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/databricks/databricks-sdk-go"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/provider"
)

// Acceptance tests run Terraform against one in-process emulator per test
// binary, reached over loopback HTTP through the provider's real SDK client.
// TestMain points the provider at it through the same environment variables
// a user would set; the provider itself runs in-process (reattach), so
// nothing is installed or downloaded.
var testEmulator struct {
	URL           string
	Token         string
	OperatorToken string
}

// protoV6ProviderFactories serves the provider to Terraform in-process.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"brickops": providerserver.NewProtocol6WithError(provider.New("test")()),
}

func TestMain(m *testing.M) {
	os.Exit(runWithEmulator(m))
}

func runWithEmulator(m *testing.M) int {
	dir, err := os.MkdirTemp("", "brickops-acc-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := emulator.NewServer(emulator.Options{DataDir: dir, NoSync: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	hs := httptest.NewServer(srv)
	defer func() {
		hs.Close()
		_ = srv.Close()
	}()
	testEmulator.URL, testEmulator.Token, testEmulator.OperatorToken = hs.URL, emulator.DefaultToken, srv.OperatorToken()
	// Only the emulator's credentials count: clear whatever the developer's
	// shell carries for real workspaces.
	for _, k := range []string{"DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET",
		"DATABRICKS_AZURE_RESOURCE_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_TENANT_ID", "ARM_USE_MSI", "ARM_USE_OIDC",
		"ARM_SUBSCRIPTION_ID", "ARM_ENVIRONMENT", "AZURE_AUTHORITY_HOST", "ARM_RESOURCE_MANAGER_ENDPOINT",
		"ARM_OIDC_TOKEN", "ARM_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"} {
		os.Unsetenv(k)
	}
	for k, v := range map[string]string{
		"DATABRICKS_HOST": hs.URL, "DATABRICKS_TOKEN": emulator.DefaultToken, "DATABRICKS_AUTH_TYPE": "pat",
		"DATABRICKS_CONFIG_FILE": os.DevNull, "DATABRICKS_CLOUD": "azure",
	} {
		os.Setenv(k, v)
	}
	return m.Run()
}

// testWorkspace is an SDK client for the test emulator, for changing things
// behind Terraform's back and for checking what Terraform did.
func testWorkspace(t *testing.T) *databricks.WorkspaceClient {
	t.Helper()
	w, err := client.Workspace(client.Isolated(testEmulator.URL, testEmulator.Token))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// requestLog reads the emulator's request log for paths under prefix.
func requestLog(t *testing.T, prefix string) []emulator.RequestLogEntry {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, testEmulator.URL+"/_emulator/requests?path_prefix="+prefix, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testEmulator.OperatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Requests []emulator.RequestLogEntry `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Requests
}

// expectAction is the plan check of a step that must plan action on addr.
func expectAction(addr string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, action)}}
}
