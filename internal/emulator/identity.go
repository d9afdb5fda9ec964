package emulator

import (
	"net/http"
	"strings"
)

// wellKnownConfig answers host discovery the way an Azure workspace does.
// Source: databricks-sdk-go config/host_metadata.go (hostMetadata).
func (s *Server) wellKnownConfig(r *http.Request) (any, error) {
	return map[string]any{
		"oidc_endpoint": "http://" + r.Host + "/oidc",
		"workspace_id":  s.workspaceID,
		"cloud":         "azure",
	}, nil
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
