package emulator

import (
	"net/http"
	"strings"
)

// wellKnownConfig answers host discovery the way an Azure workspace does,
// without credentials: the SDK asks before it authenticates and takes the
// workspace id from here. Source: databricks-sdk-go v0.175.0
// config/host_metadata.go (HostMetadata; host_type "workspace", cloud
// normalised case-insensitively).
func (s *Server) wellKnownConfig(r *http.Request) (any, error) {
	return map[string]any{
		"oidc_endpoint": requestBase(r) + "/oidc",
		"account_id":    accountID,
		"workspace_id":  s.workspaceID,
		"cloud":         "Azure",
		"host_type":     "workspace",
	}, nil
}

// accountID is the Databricks account every emulated workspace belongs to.
const accountID = "6a3c1d2e-0b4f-4e7a-9c85-2d1f0e3b4a57"

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
// through ARM get their own, in Server.workspaceID (workspace_hosts.go).
const workspaceID = "1234567890123456"
