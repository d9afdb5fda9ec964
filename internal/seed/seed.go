// Package seed does over HTTP what a training job does: it logs an MLflow
// run with parameters and metrics, then registers the trained model as a
// Unity Catalog model version and waits until it is READY. Tests, the demo
// and `brickops emulator seed` use it against the emulator; it works the
// same against a real workspace.
package seed

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/ml"

	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// Spec describes one training run and the version it registers.
type Spec struct {
	// Model is the registered model's three-level name. Its catalog,
	// schema and model are created when missing.
	Model string
	// Experiment is the MLflow experiment path; default
	// /Shared/brickops/<model>.
	Experiment string
	RunName    string
	Params     map[string]string
	// Metrics are the final values; each is logged as a short training
	// history (three steps converging to it), as a training loop would.
	Metrics map[string]float64
	// Tags are set on the registered version.
	Tags map[string]string
	// Description of the version.
	Description string
	// Timeout bounds the wait for READY; default one minute.
	Timeout time.Duration
	// NoRegister stops after logging the run: a model version can then be
	// registered from it by Terraform (brickops_model_version with
	// source = "runs:/<run id>/model"), as in the provider's examples.
	NoRegister bool
	// NoWait registers the version without waiting for READY: for a caller
	// that runs inside the emulator (a job's training task), where the
	// version becomes READY as the emulator's clock moves on.
	NoWait bool
}

// Result is what the run produced.
type Result struct {
	ExperimentID string
	RunID        string
	Version      *ucregistry.ModelVersion
}

// Run logs the run and, unless spec.NoRegister, registers the version
// (Result.Version is nil when it does not).
func Run(ctx context.Context, w *databricks.WorkspaceClient, spec Spec) (*Result, error) {
	parts := strings.Split(spec.Model, ".")
	if len(parts) != 3 || slices.Contains(parts, "") {
		return nil, fmt.Errorf("model %q: want <catalog>.<schema>.<model>", spec.Model)
	}
	if spec.Experiment == "" {
		spec.Experiment = "/Shared/brickops/" + spec.Model
	}
	if spec.Timeout == 0 {
		spec.Timeout = time.Minute
	}
	reg, err := ucregistry.New(w)
	if err != nil {
		return nil, err
	}
	expID, runID, err := LogRun(ctx, w, spec)
	if err != nil {
		return nil, err
	}
	if spec.NoRegister {
		return &Result{ExperimentID: expID, RunID: runID}, nil
	}
	if err := ensureModel(ctx, w, parts[0], parts[1], parts[2]); err != nil {
		return nil, err
	}
	var tags []ucregistry.Tag
	for _, k := range slices.Sorted(maps.Keys(spec.Tags)) {
		tags = append(tags, ucregistry.Tag{Key: k, Value: spec.Tags[k]})
	}
	mv, err := reg.Register(ctx, ucregistry.CreateRequest{
		Name: spec.Model, Source: "runs:/" + runID + "/model", RunID: runID, Description: spec.Description, Tags: tags,
	})
	if err != nil {
		return nil, err
	}
	if spec.NoWait {
		return &Result{ExperimentID: expID, RunID: runID, Version: mv}, nil
	}
	ready, err := reg.WaitReady(ctx, mv.Name, mv.Version, spec.Timeout)
	if err != nil {
		return nil, err
	}
	return &Result{ExperimentID: expID, RunID: runID, Version: ready}, nil
}

// LogRun logs spec's run (experiment, params, metric history, FINISHED)
// without registering anything, and returns the experiment and run ids.
func LogRun(ctx context.Context, w *databricks.WorkspaceClient, spec Spec) (string, string, error) {
	if spec.Experiment == "" {
		spec.Experiment = "/Shared/brickops/" + spec.Model
	}
	expID, err := ensureExperiment(ctx, w, spec.Experiment)
	if err != nil {
		return "", "", err
	}
	runID, err := logRun(ctx, w, expID, spec)
	return expID, runID, err
}

func ensureExperiment(ctx context.Context, w *databricks.WorkspaceClient, name string) (string, error) {
	got, err := w.Experiments.GetByName(ctx, ml.GetByNameRequest{ExperimentName: name})
	if err == nil {
		return got.Experiment.ExperimentId, nil
	}
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		return "", fmt.Errorf("looking up experiment %q: %w", name, err)
	}
	created, err := w.Experiments.CreateExperiment(ctx, ml.CreateExperiment{Name: name})
	if err != nil {
		return "", fmt.Errorf("creating experiment %q: %w", name, err)
	}
	return created.ExperimentId, nil
}

func logRun(ctx context.Context, w *databricks.WorkspaceClient, expID string, spec Spec) (string, error) {
	run, err := w.Experiments.CreateRun(ctx, ml.CreateRun{ExperimentId: expID, RunName: spec.RunName})
	if err != nil {
		return "", fmt.Errorf("creating a run in experiment %s: %w", expID, err)
	}
	id := run.Run.Info.RunId
	batch := ml.LogBatch{RunId: id}
	now := time.Now().UnixMilli()
	for _, k := range slices.Sorted(maps.Keys(spec.Metrics)) {
		final := spec.Metrics[k]
		for step, f := range []float64{0.9, 0.97, 1} {
			batch.Metrics = append(batch.Metrics, ml.Metric{Key: k, Value: final * f, Step: int64(step), Timestamp: now + int64(step), ForceSendFields: []string{"Value", "Step"}})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(spec.Params)) {
		batch.Params = append(batch.Params, ml.Param{Key: k, Value: spec.Params[k], ForceSendFields: []string{"Value"}})
	}
	if err := w.Experiments.LogBatch(ctx, batch); err != nil {
		return "", fmt.Errorf("logging metrics and params to run %s: %w", id, err)
	}
	if _, err := w.Experiments.UpdateRun(ctx, ml.UpdateRun{RunId: id, Status: ml.UpdateRunStatusFinished, EndTime: time.Now().UnixMilli()}); err != nil {
		return "", fmt.Errorf("finishing run %s: %w", id, err)
	}
	return id, nil
}

// ensureModel creates the catalog, schema and model that do not exist yet.
func ensureModel(ctx context.Context, w *databricks.WorkspaceClient, cat, schema, model string) error {
	if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: cat}); err != nil && !errors.Is(err, apierr.ErrResourceAlreadyExists) {
		return fmt.Errorf("creating catalog %q: %w", cat, err)
	}
	if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: cat, Name: schema}); err != nil && !errors.Is(err, apierr.ErrResourceAlreadyExists) {
		return fmt.Errorf("creating schema %q: %w", cat+"."+schema, err)
	}
	_, err := w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: cat, SchemaName: schema, Name: model})
	if err != nil && !errors.Is(err, apierr.ErrResourceAlreadyExists) {
		return fmt.Errorf("creating registered model %q: %w", cat+"."+schema+"."+model, err)
	}
	return nil
}
