package emulator

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/azure"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/github"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/workspace"
)

// NewServer opens the store in opts.DataDir and builds the emulator: the
// core, then every service's routes, then the console; workspaces created
// through ARM earlier are served again on their ports.
func NewServer(opts Options) (*Server, error) {
	s, err := core.New(opts)
	if err != nil {
		return nil, err
	}
	ws, gh := registerWorkspace(s)
	arm := azure.New(s, func(id string) (*core.Server, error) {
		child, err := s.Child(id)
		if err != nil {
			return nil, err
		}
		registerWorkspace(child)
		return child, nil
	})
	arm.Routes()
	c := &console{Service: ws, gh: gh, arm: arm, console: http.NewServeMux()}
	c.consoleRoutes()
	s.Mount(core.ConsolePrefix, c.serveConsole)
	if err := arm.RehostWorkspaces(); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// registerWorkspace registers what every workspace's server serves, the
// root's and each hosted one's: the workspace API and the GitHub API.
func registerWorkspace(s *core.Server) (*workspace.Service, *github.Service) {
	ws, gh := workspace.New(s), github.New(s)
	ws.Routes()
	gh.Routes()
	return ws, gh
}

// The emulator's API, defined by the core and the services, under the names
// its callers (cmd/brickops, emulatortest, tests) have always used.
type (
	// Server is the emulator: an http.Handler; Close releases its store.
	Server = core.Server
	// Options configure a Server.
	Options = core.Options
	// Store is the state store; Tx a transaction on it.
	Store = core.Store
	Tx    = core.Tx
	// Route is one entry of the route table (GET /_emulator/routes).
	Route = core.Route
	// APIError is the workspace API's error body.
	APIError = core.APIError
	// ShapedError is an error answered in its own API's shape.
	ShapedError = core.ShapedError
	// FaultRule and FaultConfig are injected faults (/_emulator/faults).
	FaultRule   = core.FaultRule
	FaultConfig = core.FaultConfig
	// RequestLogEntry is one entry of /_emulator/requests.
	RequestLogEntry = core.RequestLogEntry
	// Exchange is one recorded workspace API exchange (Options.Record).
	Exchange = core.Exchange
	// ServicePrincipal is an application the emulated Entra ID knows.
	ServicePrincipal = core.ServicePrincipal

	// ColumnDrift and DriftMetricsRow are quality monitor drift statistics.
	ColumnDrift     = workspace.ColumnDrift
	DriftMetricsRow = workspace.DriftMetricsRow

	// ARMError is Azure Resource Manager's error body.
	ARMError = azure.ARMError

	// GitHub's error body and the operator API's seeds.
	GitHubError      = github.GitHubError
	GitHubFieldError = github.GitHubFieldError
	GitHubRepoSeed   = github.GitHubRepoSeed
	GitHubPullSeed   = github.GitHubPullSeed
	GitHubReviewSeed = github.GitHubReviewSeed
	GitHubPush       = github.GitHubPush
)

const (
	// DefaultToken is the bearer token a local emulator accepts when none
	// is configured.
	DefaultToken = core.DefaultToken
	// DefaultRequestLogSize is the request log's default capacity.
	DefaultRequestLogSize = core.DefaultRequestLogSize
	// DefaultAsyncDelay is how long asynchronous transitions take in
	// `brickops emulator` unless --async-delay says otherwise.
	DefaultAsyncDelay = 2 * time.Second
	// EmulatorSubscriptionID is the subscription the emulator suggests.
	EmulatorSubscriptionID = core.EmulatorSubscriptionID
	// AzureDatabricksAppID is the Azure Databricks application id, the
	// audience of workspace API tokens.
	AzureDatabricksAppID = core.AzureDatabricksAppID
)

// ListenAndServe runs srv on addr until ctx is cancelled (core.ListenAndServe).
func ListenAndServe(ctx context.Context, srv *Server, addr string, out io.Writer) error {
	return core.ListenAndServe(ctx, srv, addr, out)
}

// OpenStore opens the state store in dataDir (core.OpenStore).
func OpenStore(dataDir string, noSync bool) (Store, error) { return core.OpenStore(dataDir, noSync) }

// ParseServicePrincipal reads the --service-principal flag form
// id:secret:tenant (core.ParseServicePrincipal).
func ParseServicePrincipal(s string) (ServicePrincipal, error) { return core.ParseServicePrincipal(s) }

// SelfSignedCertificate makes a certificate for the loopback names
// (core.SelfSignedCertificate).
func SelfSignedCertificate() (tls.Certificate, error) { return core.SelfSignedCertificate() }
