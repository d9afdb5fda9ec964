package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/serving"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
)

// Work in flight survives a restart: a serving deployment and a job run
// started before it complete after the emulator comes back on the same
// data directory.
func TestServingFamilies_surviveRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	opts := emulator.Options{DataDir: dir, AsyncDelay: 200 * time.Millisecond}
	var jobID, runID int64
	func() {
		srv, err := emulator.NewServer(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		w := serve(t, srv)
		registerVersions(t, w, 1)
		// The version becomes READY before the deployment resolves.
		time.Sleep(250 * time.Millisecond)
		if _, err := w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{Name: "churn", Config: &serving.EndpointCoreConfigInput{
			ServedEntities: []serving.ServedEntityInput{churnEntity("1", "")}}}); err != nil {
			t.Fatal(err)
		}
		j, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "retrain", Tasks: []jobs.Task{{TaskKey: "t", NotebookTask: &jobs.NotebookTask{NotebookPath: "/Shared/train"}}}})
		if err != nil {
			t.Fatal(err)
		}
		run, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: j.JobId})
		if err != nil {
			t.Fatal(err)
		}
		jobID, runID = j.JobId, run.RunId
	}()
	srv, err := emulator.NewServer(opts)
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	defer srv.Close()
	w := serve(t, srv)
	e, err := w.ServingEndpoints.WaitGetServingEndpointNotUpdating(ctx, "churn", 5*time.Second, nil)
	if err != nil || e.State.Ready != serving.EndpointStateReadyReady || e.Config.ConfigVersion != 1 {
		t.Fatalf("endpoint after restart = %+v, %v", e, err)
	}
	run, err := w.Jobs.WaitGetRunJobTerminatedOrSkipped(ctx, runID, 5*time.Second, nil)
	if err != nil || run.State.ResultState != jobs.RunResultStateSuccess || run.JobId != jobID {
		t.Fatalf("run after restart = %+v, %v", run, err)
	}
}
