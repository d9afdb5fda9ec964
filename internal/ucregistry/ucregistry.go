// Package ucregistry is a typed client for the MLflow model registry paths
// of Unity Catalog (/api/2.0/mlflow/unity-catalog/...): registering a model
// version (create, then finalize), reading it with its tags, copying it and
// tagging it. databricks-sdk-go has no typed service for these paths, so
// they go through the SDK's API client, with its auth, retries and error
// mapping. Shapes follow mlflow/protos databricks_uc_registry_messages.proto.
package ucregistry

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/client"
)

const base = "/api/2.0/mlflow/unity-catalog/"

// Model version statuses (ModelVersionStatus).
const (
	StatusPendingRegistration = "PENDING_REGISTRATION"
	StatusReady               = "READY"
	StatusFailedRegistration  = "FAILED_REGISTRATION"
)

// Tag is a model version tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Alias is an alias on a model version.
type Alias struct {
	Alias   string `json:"alias"`
	Version string `json:"version"`
}

// ModelVersion is a Unity Catalog model version as the MLflow API shows it.
// Name is the model's three-level name; Version is a decimal string.
type ModelVersion struct {
	Name                 string  `json:"name"`
	Version              string  `json:"version"`
	CreationTimestamp    int64   `json:"creation_timestamp"`
	LastUpdatedTimestamp int64   `json:"last_updated_timestamp"`
	UserID               string  `json:"user_id"`
	Description          string  `json:"description,omitempty"`
	Source               string  `json:"source"`
	RunID                string  `json:"run_id,omitempty"`
	RunExperimentID      string  `json:"run_experiment_id,omitempty"`
	RunTrackingServerID  string  `json:"run_tracking_server_id,omitempty"`
	Status               string  `json:"status"`
	StatusMessage        string  `json:"status_message,omitempty"`
	StorageLocation      string  `json:"storage_location"`
	Aliases              []Alias `json:"aliases,omitempty"`
	Tags                 []Tag   `json:"tags,omitempty"`
}

// VersionNumber is Version as an integer.
func (v *ModelVersion) VersionNumber() int {
	n, _ := strconv.Atoi(v.Version)
	return n
}

// TagMap returns the tags as a map.
func (v *ModelVersion) TagMap() map[string]string {
	m := make(map[string]string, len(v.Tags))
	for _, t := range v.Tags {
		m[t.Key] = t.Value
	}
	return m
}

// Client calls the registry paths.
type Client struct{ api *client.DatabricksClient }

// New builds a client sharing w's configuration.
func New(w *databricks.WorkspaceClient) (*Client, error) {
	api, err := client.New(w.Config)
	if err != nil {
		return nil, fmt.Errorf("building the MLflow registry client: %w", err)
	}
	return &Client{api: api}, nil
}

type versionResponse struct {
	ModelVersion *ModelVersion `json:"model_version"`
}

func (c *Client) call(ctx context.Context, method, path string, request any) (*ModelVersion, error) {
	var resp versionResponse
	headers := map[string]string{"Accept": "application/json", "Content-Type": "application/json"}
	if err := c.api.Do(ctx, method, base+path, headers, nil, request, &resp); err != nil {
		return nil, err
	}
	return resp.ModelVersion, nil
}

// CreateRequest registers a new version of Name from Source.
type CreateRequest struct {
	Name        string `json:"name"`
	Source      string `json:"source"`
	RunID       string `json:"run_id,omitempty"`
	Description string `json:"description,omitempty"`
	Tags        []Tag  `json:"tags,omitempty"`
}

// Create registers a version; it stays PENDING_REGISTRATION until finalized.
func (c *Client) Create(ctx context.Context, req CreateRequest) (*ModelVersion, error) {
	return c.call(ctx, http.MethodPost, "model-versions/create", req)
}

// Finalize ends the registration; the version then becomes READY (or
// FAILED_REGISTRATION) asynchronously. A version that is no longer pending
// registration was finalized already — typically by this very call, whose
// first answer was lost and which the SDK retried — so that is success.
func (c *Client) Finalize(ctx context.Context, name, version string) (*ModelVersion, error) {
	mv, err := c.call(ctx, http.MethodPost, "model-versions/finalize", map[string]string{"name": name, "version": version})
	if err == nil {
		return mv, nil
	}
	if got, getErr := c.Get(ctx, name, version); getErr == nil && got.Status != StatusPendingRegistration {
		return got, nil
	}
	return nil, err
}

// Get reads a version with its tags and aliases.
func (c *Client) Get(ctx context.Context, name, version string) (*ModelVersion, error) {
	return c.call(ctx, http.MethodGet, "model-versions/get", map[string]string{"name": name, "version": version})
}

// GetByAlias reads the version alias points at.
func (c *Client) GetByAlias(ctx context.Context, name, alias string) (*ModelVersion, error) {
	return c.call(ctx, http.MethodGet, "registered-models/alias", map[string]string{"name": name, "alias": alias})
}

// Search lists the versions of one model (filter name='<full name>'),
// newest first.
func (c *Client) Search(ctx context.Context, name string) ([]ModelVersion, error) {
	var out []ModelVersion
	token := ""
	for {
		var resp struct {
			ModelVersions []ModelVersion `json:"model_versions"`
			NextPageToken string         `json:"next_page_token"`
		}
		q := map[string]string{"filter": fmt.Sprintf("name='%s'", strings.ReplaceAll(name, "'", ""))}
		if token != "" {
			q["page_token"] = token
		}
		if err := c.api.Do(ctx, http.MethodGet, base+"model-versions/search", map[string]string{"Accept": "application/json"}, nil, q, &resp); err != nil {
			return nil, err
		}
		out = append(out, resp.ModelVersions...)
		if resp.NextPageToken == "" {
			return out, nil
		}
		token = resp.NextPageToken
	}
}

// SetTag sets one tag on a version.
func (c *Client) SetTag(ctx context.Context, name, version, key, value string) error {
	_, err := c.call(ctx, http.MethodPost, "model-versions/tags", map[string]string{"name": name, "version": version, "key": key, "value": value})
	return err
}

// DeleteTag removes one tag from a version.
func (c *Client) DeleteTag(ctx context.Context, name, version, key string) error {
	_, err := c.call(ctx, http.MethodDelete, "model-versions/tags", map[string]string{"name": name, "version": version, "key": key})
	return err
}

// Register creates a version and finalizes it, as the MLflow client does
// once the artifacts are uploaded.
func (c *Client) Register(ctx context.Context, req CreateRequest) (*ModelVersion, error) {
	mv, err := c.Create(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("creating a version of %s: %w", req.Name, err)
	}
	if _, err := c.Finalize(ctx, mv.Name, mv.Version); err != nil {
		return nil, fmt.Errorf("finalizing version %s of %s: %w", mv.Version, mv.Name, err)
	}
	return mv, nil
}

// WaitReady polls until the version leaves PENDING_REGISTRATION. A
// FAILED_REGISTRATION is an error carrying the status message.
func (c *Client) WaitReady(ctx context.Context, name, version string, timeout time.Duration) (*ModelVersion, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	delay := 50 * time.Millisecond
	for {
		mv, err := c.Get(ctx, name, version)
		if err != nil {
			return nil, err
		}
		switch mv.Status {
		case StatusReady:
			return mv, nil
		case StatusFailedRegistration:
			return mv, fmt.Errorf("version %s of %s failed registration: %s", version, name, mv.StatusMessage)
		}
		select {
		case <-ctx.Done():
			return mv, fmt.Errorf("version %s of %s still %s after %s", version, name, mv.Status, timeout)
		case <-time.After(delay):
		}
		delay = min(delay*2, 2*time.Second)
	}
}
