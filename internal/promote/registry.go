package promote

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/ml"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// LineageSourceVersion is the tag brickops_model_version writes on a copy
// naming the version it was copied from (provider/model_version_resource.go).
const LineageSourceVersion = "brickops.lineage.source_version"

// Registry reads model versions, with the metrics of the runs that
// produced them, from one workspace.
type Registry interface {
	// Version reads one version of a model.
	Version(ctx context.Context, fullName string, version int) (Candidate, error)
	// Alias reads the version an alias points at; nil when it is not set.
	Alias(ctx context.Context, fullName, alias string) (*Candidate, error)
	// LatestReady is the newest READY version of a model.
	LatestReady(ctx context.Context, fullName string) (Candidate, error)
	// Traffic is a serving endpoint's live split, served entity name →
	// percentage; nil when the endpoint does not exist.
	Traffic(ctx context.Context, endpoint string) (map[string]int, error)
}

// WorkspaceRegistry is a Registry over the Databricks SDK: the MLflow
// registry paths of Unity Catalog for versions and tags, MLflow tracking
// for run metrics.
type WorkspaceRegistry struct {
	w   *databricks.WorkspaceClient
	reg *ucregistry.Client
}

// NewWorkspaceRegistry reads from w.
func NewWorkspaceRegistry(w *databricks.WorkspaceClient) (*WorkspaceRegistry, error) {
	reg, err := ucregistry.New(w)
	if err != nil {
		return nil, err
	}
	return &WorkspaceRegistry{w: w, reg: reg}, nil
}

func (r *WorkspaceRegistry) Version(ctx context.Context, fullName string, version int) (Candidate, error) {
	mv, err := r.reg.Get(ctx, fullName, strconv.Itoa(version))
	if errors.Is(err, apierr.ErrResourceDoesNotExist) || errors.Is(err, apierr.ErrNotFound) {
		return Candidate{}, exitcode.Invalidf("model version %s/%d does not exist%s", fullName, version, r.latestHint(ctx, fullName))
	}
	if err != nil {
		return Candidate{}, fmt.Errorf("reading model version %s/%d: %w", fullName, version, err)
	}
	return r.candidate(ctx, mv)
}

func (r *WorkspaceRegistry) Alias(ctx context.Context, fullName, alias string) (*Candidate, error) {
	mv, err := r.reg.GetByAlias(ctx, fullName, alias)
	if errors.Is(err, apierr.ErrResourceDoesNotExist) || errors.Is(err, apierr.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading alias %s@%s: %w", fullName, alias, err)
	}
	c, err := r.candidate(ctx, mv)
	return &c, err
}

func (r *WorkspaceRegistry) LatestReady(ctx context.Context, fullName string) (Candidate, error) {
	versions, err := r.reg.Search(ctx, fullName)
	if err != nil {
		return Candidate{}, fmt.Errorf("listing versions of %s: %w", fullName, err)
	}
	slices.SortFunc(versions, func(a, b ucregistry.ModelVersion) int { return b.VersionNumber() - a.VersionNumber() })
	for i := range versions {
		if versions[i].Status == ucregistry.StatusReady {
			return r.candidate(ctx, &versions[i])
		}
	}
	return Candidate{}, fmt.Errorf("model %s has no READY version", fullName)
}

func (r *WorkspaceRegistry) Traffic(ctx context.Context, endpoint string) (map[string]int, error) {
	e, err := r.w.ServingEndpoints.GetByName(ctx, endpoint)
	if errors.Is(err, apierr.ErrResourceDoesNotExist) || errors.Is(err, apierr.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading serving endpoint %s: %w", endpoint, err)
	}
	out := map[string]int{}
	if e.Config != nil && e.Config.TrafficConfig != nil {
		for _, rt := range e.Config.TrafficConfig.Routes {
			out[rt.ServedEntityName] += rt.TrafficPercentage
		}
	}
	return out, nil
}

// latestHint tells the user which versions exist when they named a wrong one.
func (r *WorkspaceRegistry) latestHint(ctx context.Context, fullName string) string {
	versions, err := r.reg.Search(ctx, fullName)
	if err != nil || len(versions) == 0 {
		return " (the model has no versions, or does not exist)"
	}
	latest := 0
	for _, v := range versions {
		latest = max(latest, v.VersionNumber())
	}
	return fmt.Sprintf(" (latest is %d)", latest)
}

func (r *WorkspaceRegistry) candidate(ctx context.Context, mv *ucregistry.ModelVersion) (Candidate, error) {
	c := Candidate{FullName: mv.Name, Version: mv.VersionNumber(), Status: mv.Status, Tags: mv.TagMap(), RunID: mv.RunID, Source: mv.Source}
	if mv.RunID == "" {
		return c, nil
	}
	run, err := r.w.Experiments.GetRun(ctx, ml.GetRunRequest{RunId: mv.RunID})
	if err != nil {
		return c, fmt.Errorf("reading MLflow run %s of %s/%d: %w", mv.RunID, mv.Name, c.Version, err)
	}
	c.Metrics = map[string]float64{}
	if run.Run != nil && run.Run.Data != nil {
		for _, m := range run.Run.Data.Metrics {
			c.Metrics[m.Key] = m.Value
		}
		for _, t := range run.Run.Data.Tags {
			if c.RunTags == nil {
				c.RunTags = map[string]string{}
			}
			c.RunTags[t.Key] = t.Value
		}
		for _, p := range run.Run.Data.Params {
			if c.Params == nil {
				c.Params = map[string]string{}
			}
			c.Params[p.Key] = p.Value
		}
	}
	return c, nil
}

// championOf turns the alias target into a Champion.
func championOf(c *Candidate) *Champion {
	if c == nil {
		return nil
	}
	src, _ := strconv.Atoi(c.Tags[LineageSourceVersion])
	return &Champion{FullName: c.FullName, Version: c.Version, SourceVersion: src, Metrics: c.Metrics}
}
