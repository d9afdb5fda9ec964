// Package client builds the Databricks SDK clients BrickOps uses, so the
// provider and the toolkit resolve hosts, credentials and the user agent the
// same way.
package client

import (
	"fmt"
	"sync"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/common/environment"
	"github.com/databricks/databricks-sdk-go/config"
	"github.com/databricks/databricks-sdk-go/useragent"

	"github.com/brickops/terraform-provider-brickops/internal/version"
)

var registerProduct sync.Once

// Workspace returns a workspace client for cfg. Fields left empty fall back
// to the SDK's unified auth (DATABRICKS_* environment variables, Azure
// credentials, ~/.databrickscfg profiles). Requests carry the user agent
// brickops/<version>.
func Workspace(cfg *databricks.Config) (*databricks.WorkspaceClient, error) {
	registerProduct.Do(func() { useragent.WithProduct("brickops", version.Version) })
	withAuthHint(cfg)
	w, err := databricks.NewWorkspaceClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("configuring the Databricks client: %w", err)
	}
	return w, nil
}

// Isolated returns a config for host and a personal access token that reads
// neither the environment nor ~/.databrickscfg — what tests and emulator
// tooling want, so a developer's own credentials never leak in. The cloud is
// Azure: a loopback host would otherwise look like AWS to the SDK.
func Isolated(host, token string) *databricks.Config {
	return &databricks.Config{
		Host:     host,
		Token:    token,
		AuthType: "pat",
		Cloud:    environment.CloudAzure,
		Loaders:  []config.Loader{noLoader{}},
		// Tests and tools talking to a local emulator want failures fast.
		RetryTimeoutSeconds: 60,
	}
}

// noLoader stands in for the SDK's default loaders (environment, config
// file) so that only the explicitly set attributes count.
type noLoader struct{}

func (noLoader) Name() string                   { return "explicit" }
func (noLoader) Configure(*config.Config) error { return nil }
