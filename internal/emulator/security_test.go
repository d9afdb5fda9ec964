package emulator_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// TestAuth_twoAuthorizationHeadersAre401: whichever header comes first,
// every family refuses a request that carries two, in its own shape.
func TestAuth_twoAuthorizationHeadersAre401(t *testing.T) {
	emu := emulatortest.Start(t)
	for _, tc := range []struct{ family, method, path string }{
		{"workspace", "GET", "/api/2.1/clusters/list"},
		{"arm", "GET", "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg?api-version=2021-04-01"},
		{"github", "GET", "/github/user"},
		{"operator", "GET", "/_emulator/faults"},
	} {
		for _, order := range [][2]string{{emu.Token, "wrong"}, {"wrong", emu.Token}, {emu.OperatorToken, emu.OperatorToken}} {
			req, _ := http.NewRequest(tc.method, emu.URL+tc.path, nil)
			req.Header.Add("Authorization", "Bearer "+order[0])
			req.Header.Add("Authorization", "Bearer "+order[1])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(raw), "More than one Authorization header") {
				t.Errorf("%s %s with two Authorization headers: %d %s", tc.family, tc.path, resp.StatusCode, raw)
			}
			if problem := checkAnswer(tc.family, tc.method, resp.StatusCode, raw); problem != "" {
				t.Errorf("%s: %s", tc.family, problem)
			}
		}
	}
}

// TestBadInput_invalidUTF8BodyIs400: a body that is not UTF-8 is refused
// rather than stored with U+FFFD in place of the bytes the client sent.
func TestBadInput_invalidUTF8BodyIs400(t *testing.T) {
	emu := emulatortest.Start(t)
	auth := "Bearer " + emu.Token
	for _, tc := range []struct{ path, body, want string }{
		{"/api/2.1/unity-catalog/catalogs", "{\"name\":\"bad\xff\xfe\"}", "MALFORMED_REQUEST"},
		{"/api/2.1/clusters/create", "{\"cluster_name\":\"\xc3\x28\",\"spark_version\":\"15.4.x-scala2.12\",\"node_type_id\":\"Standard_DS3_v2\"}", "not valid UTF-8"},
		{"/github/repos/acme/mlops/issues/1/comments", "{\"body\":\"\xff\"}", "Problems parsing JSON"},
	} {
		status, raw := rawRequest(t, http.MethodPost, emu.URL+tc.path, auth, tc.body)
		if status != http.StatusBadRequest || !strings.Contains(raw, tc.want) {
			t.Errorf("POST %s with invalid UTF-8: %d %s", tc.path, status, raw)
		}
	}
	if status, raw := rawRequest(t, http.MethodGet, emu.URL+"/api/2.1/unity-catalog/catalogs/bad%EF%BF%BD%EF%BF%BD", auth, ""); status != http.StatusNotFound {
		t.Errorf("a catalog was stored from an invalid UTF-8 name: %d %s", status, raw)
	}
}
