// Package github is the emulated GitHub REST API, served under
// core.GitHubBase (/github/) with GitHub's auth and error shape, plus the
// operator endpoints that seed repositories, pulls, commits, reviews and
// teams (/_emulator/github/…).
package github

import "github.com/brickops/terraform-provider-brickops/internal/emulator/core"

// Service serves the GitHub API on a core server. Its state lives in the
// server's store, so a Service is only a view and is cheap to build.
type Service struct{ *core.Server }

// New is the GitHub service of srv; Routes registers it.
func New(srv *core.Server) *Service { return &Service{Server: srv} }
