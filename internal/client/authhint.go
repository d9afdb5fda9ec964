package client

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/config"
)

// authHint completes a workspace's "Invalid access token." with what the
// user needs to fix it: which host refused and where the credentials came
// from (DATABRICKS_TOKEN, a profile, the provider's token argument). The
// API's own error_code and status are kept, so the SDK maps the error as
// before; only the message grows.
type authHint struct {
	base http.RoundTripper
	// cfg is the client's configuration; the SDK resolves it in place, so
	// by the time a request fails it knows where each value came from.
	cfg *config.Config
}

// withAuthHint wraps cfg's transport (or one like the SDK's default).
func withAuthHint(cfg *databricks.Config) {
	base := cfg.HTTPTransport
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		if cfg.InsecureSkipVerify {
			// The SDK honours this only for its own default transport.
			t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for it
		}
		base = t
	}
	if _, done := base.(authHint); done {
		return
	}
	cfg.HTTPTransport = authHint{base: base, cfg: (*config.Config)(cfg)}
}

func (a authHint) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := a.base.RoundTrip(r)
	if err != nil || (resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden) {
		return resp, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the %d answer of %s: %w", resp.StatusCode, r.URL.Host, err)
	}
	var body map[string]any
	if json.Unmarshal(raw, &body) == nil {
		if msg, ok := body["message"].(string); ok && isCredentialProblem(resp.StatusCode, msg) {
			body["message"] = msg + " " + a.explain(r)
			if out, err := json.Marshal(body); err == nil {
				raw = out
			}
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	resp.ContentLength = int64(len(raw))
	resp.Header.Set("Content-Length", strconv.Itoa(len(raw)))
	return resp, nil
}

// isCredentialProblem tells a refused credential from a refused action
// (a 403 on a grant, say, is about permissions and keeps its message).
func isCredentialProblem(status int, msg string) bool {
	if status == http.StatusUnauthorized {
		return true
	}
	m := strings.ToLower(msg)
	return strings.Contains(m, "invalid access token") || strings.Contains(m, "token is expired")
}

func (a authHint) explain(r *http.Request) string {
	host := r.URL.Scheme + "://" + r.URL.Host
	details := a.cfg.GetAuthDetails()
	what := "the credentials"
	switch details.AuthType {
	case "pat", "":
		what = "the token"
	default:
		what = "the " + details.AuthType + " credentials"
	}
	from := "not set"
	for _, name := range []string{"token", "azure_client_id", "client_id", "profile"} {
		if attr, ok := details.Configuration[name]; ok {
			from = describeSource(name, attr.Source)
			break
		}
	}
	return fmt.Sprintf("(%s refused %s from %s: check that it belongs to this workspace and has not expired)", host, what, from)
}

func describeSource(attr string, s config.Source) string {
	switch s.Type {
	case config.SourceEnv:
		return "the " + s.Name + " environment variable"
	case config.SourceFile:
		if s.Name != "" {
			return "the Databricks config file (" + s.Name + ")"
		}
		return "the Databricks config file"
	default:
		return "the " + attr + " set in configuration (the provider's " + attr + " argument, or a --" + strings.ReplaceAll(attr, "_", "-") + " flag)"
	}
}
