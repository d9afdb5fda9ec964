// Package emulatortest starts an in-process emulator for tests, served over
// real HTTP on loopback so clients take the same path they take in production.
package emulatortest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
)

// Emulator is a running test emulator.
type Emulator struct {
	URL    string
	Token  string
	Server *emulator.Server
	http   *httptest.Server
}

// Option adjusts the emulator's options before it starts.
type Option func(*emulator.Options)

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
	o := emulator.Options{DataDir: t.TempDir(), NoSync: true, Tokens: []string{emulator.DefaultToken}}
	for _, opt := range opts {
		opt(&o)
	}
	srv, err := emulator.NewServer(o)
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	hs := httptest.NewServer(srv)
	e := &Emulator{URL: hs.URL, Token: o.Tokens[0], Server: srv, http: hs}
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Close()
	})
	return e
}

// Attach returns a handle on an emulator that runs elsewhere — a
// `brickops emulator` process — for the same helpers. Its Server is nil.
func Attach(url, token string) *Emulator {
	return &Emulator{URL: url, Token: token}
}

// WorkspaceClient is a databricks-sdk-go client for this emulator that
// ignores the developer's environment and config file.
func (e *Emulator) WorkspaceClient(t testing.TB) *databricks.WorkspaceClient {
	t.Helper()
	w, err := client.Workspace(client.Isolated(e.URL, e.Token))
	if err != nil {
		t.Fatalf("workspace client: %v", err)
	}
	return w
}

// Do sends an authenticated request with a JSON body (nil for none) and
// decodes a JSON answer into out (nil to discard). It returns the status.
func (e *Emulator) Do(t testing.TB, method, path string, body, out any) int {
	t.Helper()
	status, err := emuproc.Call(context.Background(), e.URL, e.Token, method, path, body, out)
	if err != nil {
		t.Fatal(err)
	}
	return status
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
