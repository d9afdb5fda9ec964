package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// TestRequestLog_redactsSensitiveQueryParameters: a token, code, secret or
// signature in a query string never reaches /_emulator/requests; other
// parameters stay readable.
func TestRequestLog_redactsSensitiveQueryParameters(t *testing.T) {
	emu := emulatortest.Start(t)
	const secret = "s3cr3t-value-42"
	for _, q := range []string{"token=", "access_token=", "client_secret=", "code=", "sig=", "Token=", "refresh%5Ftoken="} {
		rawRequest(t, http.MethodGet, emu.URL+"/api/2.1/clusters/list?page_size=5&"+q+secret, "Bearer "+emu.Token, "")
	}
	rawRequest(t, http.MethodGet, emu.URL+"/api/2.1/clusters/list?%zz="+secret, "Bearer "+emu.Token, "")
	entries := emu.Requests(t, "/api/2.1/clusters/list")
	if len(entries) != 8 {
		t.Fatalf("%d entries", len(entries))
	}
	for _, e := range entries {
		if strings.Contains(e.Query, secret) {
			t.Errorf("the request log keeps a secret: %q", e.Query)
		}
	}
	if entries[0].Query != "page_size=5&token=REDACTED" {
		t.Errorf("redacted query = %q", entries[0].Query)
	}
}
