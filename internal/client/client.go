// Package client builds the Databricks SDK clients BrickOps uses, so the
// provider and the toolkit resolve hosts, credentials and the user agent the
// same way.
package client

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/common/environment"
	"github.com/databricks/databricks-sdk-go/config"
	"github.com/databricks/databricks-sdk-go/useragent"

	"github.com/brickops/terraform-provider-brickops/internal/version"
)

var registerProduct sync.Once

// Option adjusts a client built by Workspace.
type Option func(*options)

type options struct{ progress func(string) }

// Progress makes the client print one line to w for each retry past the
// first (`retrying GET /api/2.1/… (attempt 3, next in 2s): 503
// TEMPORARILY_UNAVAILABLE`), as the CLI does on stderr.
func Progress(w io.Writer) Option {
	var mu sync.Mutex
	return func(o *options) {
		o.progress = func(line string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(w, line)
		}
	}
}

// Workspace returns a workspace client for cfg. Fields left empty fall back
// to the SDK's unified auth (DATABRICKS_* environment variables, Azure
// credentials, ~/.databrickscfg profiles). Requests carry the user agent
// brickops/<version>. Its transport fails fast on an unreachable host
// (after retry_timeout_seconds, DefaultUnreachableTimeout when unset) and
// supports WithoutBlindRetry.
func Workspace(cfg *databricks.Config, opts ...Option) (*databricks.WorkspaceClient, error) {
	registerProduct.Do(func() { useragent.WithProduct("brickops", version.Version) })
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if err := timeoutsFromEnv(cfg); err != nil {
		return nil, err
	}
	if _, wrapped := cfg.HTTPTransport.(*guard); !wrapped {
		withAuthHint(cfg)
		budget := DefaultUnreachableTimeout
		if cfg.RetryTimeoutSeconds > 0 {
			budget = time.Duration(cfg.RetryTimeoutSeconds) * time.Second
		}
		cfg.HTTPTransport = newGuard(cfg.HTTPTransport, budget, o.progress)
	}
	w, err := databricks.NewWorkspaceClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("configuring the Databricks client: %w", err)
	}
	return w, nil
}

// timeoutsFromEnv fills the timeouts the SDK reads only from the provider
// block or a profile from DATABRICKS_HTTP_TIMEOUT_SECONDS and
// DATABRICKS_RETRY_TIMEOUT_SECONDS (DATABRICKS_RATE_LIMIT the SDK reads
// itself). Explicit settings win.
func timeoutsFromEnv(cfg *databricks.Config) error {
	for _, f := range []struct {
		env string
		dst *int
	}{{"DATABRICKS_HTTP_TIMEOUT_SECONDS", &cfg.HTTPTimeoutSeconds}, {"DATABRICKS_RETRY_TIMEOUT_SECONDS", &cfg.RetryTimeoutSeconds}} {
		v := os.Getenv(f.env)
		if v == "" || *f.dst != 0 {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("%s=%q: want a positive number of seconds", f.env, v)
		}
		*f.dst = n
	}
	return nil
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
		// Tests and tools talking to a local emulator want failures fast: an
		// unreachable host or a throttled request gives up after 30 s.
		RetryTimeoutSeconds: 30,
	}
}

// noLoader stands in for the SDK's default loaders (environment, config
// file) so that only the explicitly set attributes count.
type noLoader struct{}

func (noLoader) Name() string                   { return "explicit" }
func (noLoader) Configure(*config.Config) error { return nil }
