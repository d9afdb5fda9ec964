package workspace

import (
	"net/http"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// wellKnownConfig answers host discovery the way an Azure workspace does,
// without credentials: the SDK asks before it authenticates and takes the
// workspace id from here. Source: databricks-sdk-go v0.175.0
// config/host_metadata.go (HostMetadata; host_type "workspace", cloud
// normalised case-insensitively).
func (s *Service) wellKnownConfig(r *http.Request) (any, error) {
	return map[string]any{
		"oidc_endpoint": core.RequestBase(r) + "/oidc",
		"account_id":    accountID,
		"workspace_id":  s.WorkspaceID(),
		"cloud":         "Azure",
		"host_type":     "workspace",
	}, nil
}

// accountID is the Databricks account every emulated workspace belongs to.
const accountID = "6a3c1d2e-0b4f-4e7a-9c85-2d1f0e3b4a57"
