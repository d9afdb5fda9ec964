// Package workspace is the emulated Azure Databricks workspace REST API:
// one file per API family (clusters.go, jobs.go, registered_models.go,
// serving_endpoints.go, scim.go, secrets.go, …) holding that family's
// handlers, validation and state machine; routes.go lists every route in
// order, which is the family's table of contents.
package workspace

import "github.com/brickops/terraform-provider-brickops/internal/emulator/core"

// Service serves the workspace API on a core server (the root's default
// workspace, or a workspace hosted for ARM). Its state lives in the
// server's store, so a Service is only a view and is cheap to build.
type Service struct{ *core.Server }

// New is the workspace service of srv; Routes registers it.
func New(srv *core.Server) *Service { return &Service{Server: srv} }
