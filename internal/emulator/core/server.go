// Package core is the emulator's core: the Server (an http.Handler), its
// route table and route kinds, the store, authentication and the tokens
// the emulated Entra ID issues, the Databricks API error shape, JSON
// decoding, paging, fault injection, the request log, the recorder, TLS,
// the clock and the operator API (/_emulator/…). The services (packages
// workspace, azure, github) register their routes on a Server; package
// emulator assembles them.
package core

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/clock"
)

// DefaultToken is the bearer token a local emulator accepts when none is
// configured. It is not a secret: the emulator binds to loopback.
const DefaultToken = "dapi-brickops-emulator"

// Options configure a Server.
type Options struct {
	// DataDir holds the state database. Required.
	DataDir string
	// Tokens are the accepted bearer tokens; empty means DefaultToken.
	Tokens []string
	// OperatorToken is the only credential the operator API (/_emulator/…)
	// accepts: workspace, Entra ID and GitHub tokens are refused there, so a
	// client of the emulated APIs cannot reset state or inject faults.
	// Empty means a random one, generated at start (OperatorToken()).
	OperatorToken string
	// AsyncDelay is how long asynchronous transitions (cluster PENDING →
	// RUNNING, TERMINATING → TERMINATED, …) take. Zero makes every
	// transition complete by the next read, which keeps tests fast.
	AsyncDelay time.Duration
	// NoSync skips fsync on commit. Only for throwaway test state: with it
	// an acknowledged write may be lost on a crash.
	NoSync bool
	// UserName is the identity every accepted token belongs to.
	UserName string
	// Logger receives one line per request when LogRequests is set, and
	// operational messages always. Nil discards.
	Logger      *slog.Logger
	LogRequests bool
	// Now is the host's clock; nil means time.Now. Tests may freeze it.
	// The emulator clock (Server.Now) is this plus the offset an operator
	// advanced it by; token lifetimes follow this one.
	Now func() time.Time
	// RequestLogSize is how many recent requests /_emulator/requests keeps;
	// zero means DefaultRequestLogSize. Benchmarks raise it to count every
	// call of a large terraform apply.
	RequestLogSize int
	// ServicePrincipals are the applications the emulated Entra ID issues
	// tokens to (azure/entraid.go; tokens.go).
	ServicePrincipals []ServicePrincipal
	// ManagedIdentities are the client ids of the service principals the
	// managed-identity endpoints (IMDS, App Service) answer for; the first
	// is the system-assigned identity. Empty: those endpoints issue
	// nothing, as on a machine without an identity — otherwise anyone who
	// can reach them gets a token with no credential at all.
	ManagedIdentities []string
	// TLS serves the root listener (ListenAndServe) and the hosted
	// workspaces over HTTPS, with a self-signed certificate kept in DataDir
	// (tls.go).
	TLS bool
	// WorkspaceTLS, when set, serves hosted workspaces over HTTPS with this
	// configuration; TLS sets it from the data directory's certificate.
	// Their workspaceUrl is then host:port without a scheme, like Azure's
	// bare host names; without TLS it is a full http:// URL.
	WorkspaceTLS *tls.Config
	// Record, when set, receives every workspace API exchange (record.go).
	Record io.Writer
	// WorkspaceBindHost is the address workspaces created through ARM are
	// served on, each on its own port (azure/workspace_hosts.go). Empty means
	// 127.0.0.1.
	WorkspaceBindHost string
}

// DefaultRequestLogSize is the request log's default capacity.
const DefaultRequestLogSize = 1000

// Server is the emulator. It is an http.Handler; Close releases its store.
type Server struct {
	opts   Options
	store  Store
	mux    *http.ServeMux
	tokens [][]byte
	log    *slog.Logger
	reqLog *RequestLogRing
	faults *faultInjector
	// routeTable lists every registered route, for GET /_emulator/routes.
	routeTable []Route
	entra      *EntraID
	// unknown answers unmatched paths under a family's prefix (unknownUnder).
	unknown []prefixHandler
	// onReset and onClose run before the store is reset or closed: the
	// services that keep state outside it (hosted workspaces) drop it there.
	onReset, onClose []func()
	// rec writes exchanges when opts.Record is set.
	rec *recorder
	// tlsBundle is the CA bundle file to trust when opts.TLS is set.
	tlsBundle string
	// workspaceID is the numeric id of the workspace this server emulates.
	workspaceID string
	// mounted serves a path prefix apart from the APIs: neither logged nor
	// faulted (the console, on the root server only).
	mounted *prefixHandler
	// clock is the one emulator clock (clock.go), shared with hosted
	// workspaces; stopClock ends its ticking (the root's only).
	clock     *clock.Clock
	stopClock func()
	// tables holds the rows of Unity Catalog tables (tables.go).
	tables  tableData
	closeMu sync.Once
}

// New opens the store in opts.DataDir and registers the core's routes
// (the operator API); the services register theirs on it.
func New(opts Options) (*Server, error) {
	if opts.DataDir == "" {
		return nil, fmt.Errorf("emulator: a data directory is required")
	}
	if len(opts.Tokens) == 0 {
		opts.Tokens = []string{DefaultToken}
	}
	if opts.UserName == "" {
		opts.UserName = "brickops@example.com"
	}
	if err := resolveOperatorToken(&opts); err != nil {
		return nil, err
	}
	for _, id := range opts.ManagedIdentities {
		if !slices.ContainsFunc(opts.ServicePrincipals, func(sp ServicePrincipal) bool { return sp.ClientID == id }) {
			return nil, fmt.Errorf("emulator: managed identity %q is not one of the --service-principal applications", id)
		}
	}
	if opts.RequestLogSize <= 0 {
		opts.RequestLogSize = DefaultRequestLogSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.WorkspaceBindHost == "" {
		opts.WorkspaceBindHost = "127.0.0.1"
	}
	store, err := OpenStore(opts.DataDir, opts.NoSync)
	if err != nil {
		return nil, err
	}
	entra, err := newEntraID(opts.DataDir, opts.ServicePrincipals, opts.Now)
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	clk, err := newClock(store, opts.Now)
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	var bundle string
	if opts.TLS {
		cert, b, err := loadOrCreateTLS(opts.DataDir)
		if err != nil {
			_ = store.Close()
			return nil, err
		}
		bundle = b
		if opts.WorkspaceTLS == nil {
			opts.WorkspaceTLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		}
	}
	s := &Server{
		opts:   opts,
		store:  store,
		mux:    http.NewServeMux(),
		log:    opts.Logger,
		reqLog: newRequestLog(opts.RequestLogSize),
		faults: newFaultInjector(),
		entra:  entra,
		clock:  clk,

		tlsBundle: bundle,

		workspaceID: workspaceID,
	}
	for _, t := range opts.Tokens {
		s.tokens = append(s.tokens, []byte(t))
	}
	if opts.Record != nil {
		s.rec = &recorder{w: opts.Record}
	}
	s.routes()
	s.startClock()
	return s, nil
}

// Close stops the hosted workspaces and releases the store. The server must
// not serve requests afterwards.
func (s *Server) Close() error {
	var err error
	s.closeMu.Do(func() {
		if s.stopClock != nil {
			s.stopClock()
		}
		for _, f := range s.onClose {
			f()
		}
		err = errors.Join(s.closeTableData(), s.store.Close())
	})
	return err
}

// Store is the state store: the services keep their state in it, and test
// helpers in this module seed data through it the way a training job would;
// API clients never use it.
func (s *Server) Store() Store { return s.store }

// Now is the emulator clock: the host's time (Options.Now) plus what an
// operator advanced it by (clock.go). Every asynchronous transition and
// schedule reads it, so tests and the demo can advance it.
func (s *Server) Now() time.Time { return s.clock.Now() }

// ServeHTTP records the request, applies injected faults, recovers from
// handler panics (a panic is an emulator bug, reported as 500 in the API
// shape), then dispatches through the route table. A mounted handler (the
// console) is served apart: neither logged nor faulted.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.mounted != nil && strings.HasPrefix(r.URL.Path, s.mounted.prefix) {
		s.mounted.h(w, r)
		return
	}
	start := time.Now()
	var tee *teeWriter
	var reqBody []byte
	if s.rec != nil && recordable(r) {
		reqBody = capture(r)
		tee = &teeWriter{ResponseWriter: w}
		w = tee
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	var injected string
	if tee != nil {
		defer func() { s.rec.write(r, reqBody, rec.status, tee.buf.Bytes()) }()
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("handler panic", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			if !rec.wrote {
				WriteAPIError(rec, APIErr(http.StatusInternalServerError, CodeInternalError, "internal error: %v", p))
			}
		}
		elapsed := time.Since(start)
		s.reqLog.add(r, rec.status, elapsed, injected)
		if s.opts.LogRequests {
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", elapsed.Round(time.Microsecond))
		}
	}()
	if isWorkspacePath(r.URL.Path) {
		w.Header().Set(orgIDHeader, s.workspaceID)
	}
	if !strings.HasPrefix(r.URL.Path, operatorPrefix) {
		f := s.faults.decide(r)
		injected = f.describe()
		if f.delay > 0 {
			select {
			case <-time.After(f.delay):
			case <-r.Context().Done():
				return
			}
		}
		if f.answer != nil {
			if f.after {
				s.mux.ServeHTTP(discardWriter{header: http.Header{}}, r)
			}
			f.write(rec)
			return
		}
	}
	s.mux.ServeHTTP(rec, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.wrote {
		return
	}
	r.status, r.wrote = status, true
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// orgIDHeader is the response header carrying the workspace id on every
// workspace API answer (databricks-sdk-go workspace_functions.go reads it
// in CurrentWorkspaceID; the official provider resolves workspace_id so).
const orgIDHeader = "X-Databricks-Org-Id"

// isWorkspacePath reports whether path belongs to the workspace API, whose
// every answer (errors and injected faults included) names the workspace.
func isWorkspacePath(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/.well-known/databricks-config"
}

// workspaceID is the default workspace's numeric id, as Azure shows it in
// the workspace URL (adb-<id>.<n>.azuredatabricks.net). Workspaces created
// through ARM get their own, in Server.workspaceID (azure/workspace_hosts.go).
const workspaceID = "1234567890123456"

// Mount serves everything under prefix with h, apart from the APIs: neither
// logged, recorded nor faulted.
func (s *Server) Mount(prefix string, h http.HandlerFunc) {
	s.mounted = &prefixHandler{prefix, h}
}

// WhenReset runs f when the operator resets the emulator, before the store
// is emptied.
func (s *Server) WhenReset(f func()) { s.onReset = append(s.onReset, f) }

// WhenClosed runs f when the server closes, before the store does.
func (s *Server) WhenClosed(f func()) { s.onClose = append(s.onClose, f) }

// Options are the options the server was built with, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Logger receives the server's operational messages.
func (s *Server) Logger() *slog.Logger { return s.log }

// WorkspaceID is the numeric id of the workspace this server emulates.
func (s *Server) WorkspaceID() string { return s.workspaceID }

// RecentRequests is the request log (what /_emulator/requests answers).
func (s *Server) RecentRequests() *RequestLogRing { return s.reqLog }

// Faults are the fault rules in force (what /_emulator/faults answers).
func (s *Server) Faults() FaultConfig { return s.faults.Get() }
