package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// TestOperatorAPI_takesOnlyTheOperatorToken: the operator API refuses the
// workspace token (which GitHub accepts too), an Entra ID token and a
// doubled header; only the operator token resets state or sets faults.
func TestOperatorAPI_takesOnlyTheOperatorToken(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.WithServicePrincipals(testSP))
	resp, err := http.PostForm(emu.URL+"/"+testSP.TenantID+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {testSP.ClientID}, "client_secret": {testSP.Secret},
		"scope": {emulator.AzureDatabricksAppID + "/.default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("entra token: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()

	for _, path := range []string{"/_emulator/reset", "/_emulator/faults", "/_emulator/requests"} {
		for name, auth := range map[string]string{
			"workspace/GitHub token": "Bearer " + emu.Token,
			"Entra ID token":         "Bearer " + tok.AccessToken,
		} {
			status, body := rawRequest(t, http.MethodPut, emu.URL+path, auth, `{"rules":[{"path_prefix":"/api/","status":500}]}`)
			if status != http.StatusForbidden || !strings.Contains(body, "accepts only the --operator-token credential") {
				t.Errorf("%s with a %s: %d %s", path, name, status, body)
			}
		}
		status, body := rawRequest(t, http.MethodPut, emu.URL+path, "", `{}`)
		if status != http.StatusUnauthorized || !strings.Contains(body, "--operator-token") {
			t.Errorf("%s without a token: %d %s", path, status, body)
		}
	}
	if status := emu.Do(t, http.MethodPut, "/_emulator/faults", emulator.FaultConfig{}, nil); status != http.StatusOK {
		t.Errorf("operator token on /_emulator/faults: %d", status)
	}
}

// TestOperatorToken_generatedWhenNotGivenAndNeverAWorkspaceToken.
func TestOperatorToken_generatedWhenNotGivenAndNeverAWorkspaceToken(t *testing.T) {
	a, err := emulator.NewServer(emulator.Options{DataDir: t.TempDir(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := emulator.NewServer(emulator.Options{DataDir: t.TempDir(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !strings.HasPrefix(a.OperatorToken(), "bo-operator-") || a.OperatorToken() == b.OperatorToken() {
		t.Errorf("generated operator tokens %q and %q", a.OperatorToken(), b.OperatorToken())
	}
	_, err = emulator.NewServer(emulator.Options{DataDir: t.TempDir(), NoSync: true, Tokens: []string{"same"}, OperatorToken: "same"})
	if err == nil || !strings.Contains(err.Error(), "must differ") {
		t.Errorf("operator token equal to a workspace token: %v", err)
	}
}
