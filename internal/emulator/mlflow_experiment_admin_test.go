package emulator_test

import (
	"context"
	"errors"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/ml"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestMLflowExperiments_renameTagDeleteRestore(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	created, err := w.Experiments.CreateExperiment(ctx, ml.CreateExperiment{Name: "/Shared/churn"})
	if err != nil {
		t.Fatal(err)
	}
	id := created.ExperimentId
	if _, err := w.Experiments.CreateExperiment(ctx, ml.CreateExperiment{Name: "/Shared/other"}); err != nil {
		t.Fatal(err)
	}
	err = w.Experiments.UpdateExperiment(ctx, ml.UpdateExperiment{ExperimentId: id, NewName: "/Shared/other"})
	if !errors.Is(err, apierr.ErrResourceAlreadyExists) {
		t.Errorf("rename onto another experiment: %v", err)
	}
	if err := w.Experiments.UpdateExperiment(ctx, ml.UpdateExperiment{ExperimentId: id, NewName: "/Shared/churn-v2"}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"a", "b"} {
		if err := w.Experiments.SetExperimentTag(ctx, ml.SetExperimentTag{ExperimentId: id, Key: "team", Value: v}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := w.Experiments.GetExperiment(ctx, ml.GetExperimentRequest{ExperimentId: id})
	if err != nil || got.Experiment.Name != "/Shared/churn-v2" || len(got.Experiment.Tags) != 1 || got.Experiment.Tags[0].Value != "b" {
		t.Fatalf("after rename and tags: %+v, %v", got, err)
	}
	if err := w.Experiments.DeleteExperiment(ctx, ml.DeleteExperiment{ExperimentId: id}); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Experiments.GetExperiment(ctx, ml.GetExperimentRequest{ExperimentId: id}); got.Experiment.LifecycleStage != "deleted" {
		t.Errorf("after delete: %+v", got.Experiment)
	}
	if err := w.Experiments.DeleteExperiment(ctx, ml.DeleteExperiment{ExperimentId: id}); err == nil {
		t.Error("deleting twice succeeded")
	}
	if err := w.Experiments.RestoreExperiment(ctx, ml.RestoreExperiment{ExperimentId: id}); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Experiments.GetExperiment(ctx, ml.GetExperimentRequest{ExperimentId: id}); got.Experiment.LifecycleStage != "active" {
		t.Errorf("after restore: %+v", got.Experiment)
	}
}
