package reliability

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
)

func randomToken(t *testing.T, prefix string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// TestSecurity_tokensNeverLeak runs the whole Terraform cycle — with debug
// logging, a plan file, an API error and a wrong token — against an
// emulator logging every request, then greps everything a user might
// paste into an issue or a CI log for the tokens: the emulator's log and
// request log, error bodies, Terraform's output and debug log, the plan
// (JSON) and the state.
func TestSecurity_tokensNeverLeak(t *testing.T) {
	secret := randomToken(t, "dapi-secret-")
	wrong := randomToken(t, "dapi-wrong-")
	s := newStack(t, stackOptions{resources: 1, token: secret, emuArgs: []string{"--log-requests"}})

	seen := map[string]string{}
	record := func(what, out string, err error) {
		seen[what] = out
		if err != nil {
			seen[what+" (error)"] = err.Error()
		}
	}
	out, err := s.terraformEnv([]string{"TF_LOG=DEBUG"}, "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		t.Fatal(err)
	}
	record("terraform apply with TF_LOG=DEBUG", out, nil)
	out, err = s.terraform("plan", "-out=tfplan", "-input=false", "-no-color")
	record("terraform plan", out, err)
	out, err = s.terraform("show", "-json", "tfplan")
	record("terraform show -json tfplan", out, err)
	out, err = s.terraform("show", "-json")
	record("terraform show -json (state)", out, err)
	seen["terraform.tfstate"] = readFile(t, filepath.Join(s.dir, "terraform.tfstate"))

	// An API error reaches the user without credentials in it. Both the
	// batched read (clusters/list) and the per-object fallback fail.
	s.emu.SetFaults(t, emulator.FaultRule{PathPrefix: "/api/2.1/clusters/", Status: 500})
	out, err = s.terraform("plan", "-input=false", "-no-color")
	if err == nil || !strings.Contains(out, "Injected fault") {
		t.Errorf("plan under a permanent 500 should fail with the API's message: %v\n%s", err, out)
	}
	record("terraform plan failing on a 500", out, err)
	s.emu.ClearFaults(t)

	// A wrong token is refused, and neither token is echoed.
	out, err = s.terraformEnv([]string{"DATABRICKS_TOKEN=" + wrong}, "plan", "-input=false", "-no-color")
	if err == nil || !strings.Contains(out, "Invalid access token") {
		t.Errorf("plan with a wrong token should fail with \"Invalid access token\": %v\n%s", err, out)
	}
	record("terraform plan with a wrong token", out, err)
	req, _ := http.NewRequest(http.MethodGet, s.proc.Host+"/api/2.1/clusters/list", nil)
	req.Header.Set("Authorization", "Bearer "+wrong)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong token: status %d %s", resp.StatusCode, body)
	}
	record("403 error body", string(body)+resp.Header.Get("WWW-Authenticate"), nil)

	var requestLog []byte
	s.emu.Do(t, http.MethodGet, "/_emulator/requests", nil, &jsonRaw{&requestLog})
	record("GET /_emulator/requests", string(requestLog), nil)
	record("emulator log (--log-requests)", s.stderr.String(), nil)

	if !strings.Contains(seen["emulator log (--log-requests)"], "path=/api/2.1/clusters/create") {
		t.Errorf("the emulator log lacks the requests it should list:\n%s", s.stderr.String())
	}
	for _, what := range slices.Sorted(maps.Keys(seen)) {
		text := seen[what]
		t.Logf("checked %s: %d bytes", what, len(text))
		for _, tok := range []string{secret, wrong} {
			if strings.Contains(text, tok) {
				i := strings.Index(text, tok)
				t.Errorf("%s contains a token: …%s…", what, text[max(0, i-120):min(len(text), i+len(tok)+40)])
			}
		}
	}
}

// jsonRaw keeps an answer's raw bytes.
type jsonRaw struct{ b *[]byte }

func (j *jsonRaw) UnmarshalJSON(b []byte) error {
	*j.b = append([]byte(nil), b...)
	return nil
}
