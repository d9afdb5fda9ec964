// Package azure is the emulated Azure control plane: Azure Resource Manager
// (resource groups and Microsoft.Databricks/workspaces, with their
// long-running operations, arm.go), Entra ID (token endpoints v1 and v2.0,
// IMDS, the App Service identity endpoint and a GitHub Actions OIDC
// stand-in, entraid.go), and the hosting of the workspaces created through
// ARM, each on its own port (workspace_hosts.go). Served by the root server
// only.
package azure

import "github.com/brickops/terraform-provider-brickops/internal/emulator/core"

// Service serves ARM and Entra ID on the root server and hosts the
// workspaces created through ARM.
type Service struct {
	*core.Server
	entra  entra
	hosted *WorkspaceHosts
}

// entra is the Entra ID protocol (client authentication, scopes, its error
// shape) over the core's token issuer.
type entra struct{ *core.EntraID }

// New is the Azure service of the root server srv. newChild builds the
// server of a workspace created through ARM (a child core with the
// workspace routes); the assembly provides it, since only it knows every
// service. Routes registers the service; Rehost serves the workspaces ARM
// already knows.
func New(srv *core.Server, newChild func(id string) (*core.Server, error)) *Service {
	s := &Service{Server: srv, entra: entra{srv.Entra()}}
	s.hosted = newWorkspaceHosts(s, newChild)
	srv.WhenReset(s.hosted.closeAll)
	srv.WhenClosed(s.hosted.closeAll)
	return s
}

// Hosted are the workspaces created through ARM, served on their own ports.
func (s *Service) Hosted() *WorkspaceHosts { return s.hosted }

// Routes registers ARM and Entra ID.
func (s *Service) Routes() {
	s.armRoutes()
	s.entraRoutes()
}
