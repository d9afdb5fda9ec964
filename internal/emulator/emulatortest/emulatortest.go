// Package emulatortest starts an in-process emulator for tests, served over
// real HTTP on loopback so clients take the same path they take in production.
package emulatortest

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
)

// Emulator is a running test emulator.
type Emulator struct {
	URL   string
	Token string
	// OperatorToken authenticates the operator API (/_emulator/…); Do
	// sends it there instead of Token.
	OperatorToken string
	Server        *emulator.Server
	http          *httptest.Server
}

// Option adjusts the emulator's options before it starts.
type Option func(*emulator.Options)

// WithClock replaces the emulator's clock (token lifetimes, async delays).
func WithClock(now func() time.Time) Option {
	return func(o *emulator.Options) { o.Now = now }
}

// WithServicePrincipals configures the applications the emulated Entra ID
// issues tokens to.
func WithServicePrincipals(sps ...emulator.ServicePrincipal) Option {
	return func(o *emulator.Options) { o.ServicePrincipals = append(o.ServicePrincipals, sps...) }
}

// WithManagedIdentities lets the managed-identity endpoints answer for
// these service principals (client ids; the first is system-assigned).
func WithManagedIdentities(clientIDs ...string) Option {
	return func(o *emulator.Options) { o.ManagedIdentities = append(o.ManagedIdentities, clientIDs...) }
}

// WithAsyncDelay sets how long asynchronous transitions take.
func WithAsyncDelay(d time.Duration) Option {
	return func(o *emulator.Options) { o.AsyncDelay = d }
}

// WithDataDir stores state in dir (to test persistence across restarts).
func WithDataDir(dir string) Option {
	return func(o *emulator.Options) { o.DataDir = dir }
}

// Start runs an emulator until the test ends. Async transitions complete by
// the next read unless an option says otherwise.
func Start(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	return start(t, httptest.NewServer, opts)
}

// StartTLS is Start over HTTPS, for the emulator and the workspaces it
// creates through ARM, with one self-signed certificate per test binary
// (which HTTPClient trusts, and CertificatePEM gives for SSL_CERT_FILE).
// Azure's credential libraries (MSAL) accept only an https authority, so
// tests that authenticate through azidentity use it.
func StartTLS(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	cert, err := testCertificate()
	if err != nil {
		t.Fatalf("emulator certificate: %v", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	opts = append(opts, func(o *emulator.Options) { o.WorkspaceTLS = cfg })
	return start(t, func(h http.Handler) *httptest.Server {
		hs := httptest.NewUnstartedServer(h)
		hs.TLS = cfg.Clone()
		hs.StartTLS()
		return hs
	}, opts)
}

var testCert struct {
	once sync.Once
	cert tls.Certificate
	err  error
}

// testCertificate is the certificate every TLS emulator of this process
// serves, so trusting it once (SSL_CERT_FILE is read once per process)
// covers them all.
func testCertificate() (tls.Certificate, error) {
	testCert.once.Do(func() { testCert.cert, testCert.err = emulator.SelfSignedCertificate() })
	return testCert.cert, testCert.err
}

// WorkspaceClientFor is an SDK client, with the emulator's token and
// trusting its certificate, for a workspace it hosts: workspaceURL as ARM
// reports it (host:port over TLS, an http:// URL otherwise).
func (e *Emulator) WorkspaceClientFor(t testing.TB, workspaceURL string) *databricks.WorkspaceClient {
	t.Helper()
	cfg := client.Isolated(WorkspaceHost(workspaceURL), e.Token)
	cfg.HTTPTransport = e.HTTPClient().Transport
	w, err := client.Workspace(cfg)
	if err != nil {
		t.Fatalf("workspace client for %s: %v", workspaceURL, err)
	}
	return w
}

// WorkspaceHost turns a workspaceUrl into a host URL the way clients do
// with Azure's: https:// in front of a bare host.
func WorkspaceHost(workspaceURL string) string {
	if strings.Contains(workspaceURL, "://") {
		return workspaceURL
	}
	return "https://" + workspaceURL
}

// CertificatePEM is the PEM of the emulator's TLS certificate (nil without
// TLS), for clients that can only be told to trust a CA file, such as the
// provider through SSL_CERT_FILE.
func (e *Emulator) CertificatePEM() []byte {
	c := e.http.Certificate()
	if c == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// HTTPClient is an HTTP client that trusts the emulator (its TLS
// certificate, when started with StartTLS).
func (e *Emulator) HTTPClient() *http.Client {
	if e.http == nil {
		return http.DefaultClient
	}
	return e.http.Client()
}

// Attach returns a handle on an emulator that runs elsewhere — a
// `brickops emulator` process on plain HTTP — for the same helpers. Its
// Server is nil and Close does nothing.
func Attach(url, token, operatorToken string) *Emulator {
	return &Emulator{URL: url, Token: token, OperatorToken: operatorToken}
}

// TestOperatorToken is the operator token of emulators started by Start.
const TestOperatorToken = "bo-operator-test"

// WithOperatorToken sets the operator API's token.
func WithOperatorToken(token string) Option {
	return func(o *emulator.Options) { o.OperatorToken = token }
}

func start(t testing.TB, serve func(http.Handler) *httptest.Server, opts []Option) *Emulator {
	t.Helper()
	o := emulator.Options{DataDir: t.TempDir(), NoSync: true, Tokens: []string{emulator.DefaultToken}, OperatorToken: TestOperatorToken}
	for _, opt := range opts {
		opt(&o)
	}
	srv, err := emulator.NewServer(o)
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	hs := serve(srv)
	e := &Emulator{URL: hs.URL, Token: o.Tokens[0], OperatorToken: srv.OperatorToken(), Server: srv, http: hs}
	t.Cleanup(e.Close)
	return e
}

// Close stops the emulator before the test ends (to restart it on the same
// data directory); calling it again is harmless.
func (e *Emulator) Close() {
	if e.http == nil {
		return
	}
	e.http.Close()
	_ = e.Server.Close()
}

// WorkspaceClient is a databricks-sdk-go client for this emulator that
// ignores the developer's environment and config file.
func (e *Emulator) WorkspaceClient(t testing.TB) *databricks.WorkspaceClient {
	t.Helper()
	return e.WorkspaceClientFor(t, e.URL)
}

// Do sends an authenticated request with a JSON body (nil for none) and
// decodes a JSON answer into out (nil to discard). It returns the status.
// Operator endpoints (/_emulator/…) get the operator token, the rest Token.
func (e *Emulator) Do(t testing.TB, method, path string, body, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("encoding body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokenFor(path))
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading answer of %s %s: %v", method, path, err)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("decoding answer of %s %s (%d): %v\n%s", method, path, resp.StatusCode, err, raw)
		}
	}
	return resp.StatusCode
}

// tokenFor is the credential a request to path needs.
func (e *Emulator) tokenFor(path string) string {
	if strings.HasPrefix(path, "/_emulator/") {
		return e.OperatorToken
	}
	return e.Token
}

// SetFaults installs fault-injection rules through the operator endpoint.
func (e *Emulator) SetFaults(t testing.TB, rules ...emulator.FaultRule) {
	t.Helper()
	if status := e.Do(t, http.MethodPut, "/_emulator/faults", emulator.FaultConfig{Rules: rules}, nil); status != http.StatusOK {
		t.Fatalf("setting faults: status %d", status)
	}
}

// ClearFaults removes every fault-injection rule.
func (e *Emulator) ClearFaults(t testing.TB) {
	t.Helper()
	if status := e.Do(t, http.MethodDelete, "/_emulator/faults", nil, nil); status != http.StatusOK {
		t.Fatalf("clearing faults: status %d", status)
	}
}

// Requests returns the request log entries whose path starts with prefix.
func (e *Emulator) Requests(t testing.TB, prefix string) []emulator.RequestLogEntry {
	t.Helper()
	var out struct {
		Requests []emulator.RequestLogEntry `json:"requests"`
	}
	if status := e.Do(t, http.MethodGet, fmt.Sprintf("/_emulator/requests?path_prefix=%s", prefix), nil, &out); status != http.StatusOK {
		t.Fatalf("reading request log: status %d", status)
	}
	return out.Requests
}

// GitHubAPIURL is the base URL of the emulated GitHub REST API, what a
// workflow's GITHUB_API_URL (or go-github's BaseURL) is set to.
func (e *Emulator) GitHubAPIURL() string { return e.URL + "/github/" }

// SeedGitHubRepo creates a repository with pull requests through the
// operator endpoint and returns the pull request numbers, in order.
func (e *Emulator) SeedGitHubRepo(t testing.TB, seed emulator.GitHubRepoSeed) []int {
	t.Helper()
	var out struct {
		Pulls []struct {
			Number int `json:"number"`
		} `json:"pulls"`
	}
	if status := e.Do(t, http.MethodPost, "/_emulator/github/repos", seed, &out); status != http.StatusOK {
		t.Fatalf("seeding GitHub repository %s/%s: status %d", seed.Owner, seed.Name, status)
	}
	numbers := make([]int, 0, len(out.Pulls))
	for _, p := range out.Pulls {
		numbers = append(numbers, p.Number)
	}
	return numbers
}
