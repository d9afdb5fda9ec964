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

// currentUser is SCIM Me. Source: databricks-sdk-go service/iam model.go
// (User) and the SCIM 2.0 core schema.
func (s *Server) currentUser(r *http.Request) (any, error) {
	name := s.opts.UserName
	display, _, _ := strings.Cut(name, "@")
	return map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:workspace:2.0:User"},
		"id":          "7000000000000001",
		"userName":    name,
		"displayName": display,
		"active":      true,
		"emails":      []map[string]any{{"value": name, "type": "work", "primary": true}},
		"groups":      []map[string]any{{"display": "admins", "value": "7000000000000100", "type": "direct", "$ref": "Groups/7000000000000100"}},
		"entitlements": []map[string]any{
			{"value": "workspace-access"}, {"value": "databricks-sql-access"}, {"value": "allow-cluster-create"},
		},
	}, nil
}
