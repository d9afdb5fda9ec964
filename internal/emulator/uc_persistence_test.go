package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// Unity Catalog state, pending registrations included, survives a restart:
// a version finalized before the restart is READY after it, with its tags
// and alias, and version numbering continues where it stopped.
func TestUnityCatalog_survivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	opts := emulator.Options{DataDir: dir, AsyncDelay: 200 * time.Millisecond}
	func() {
		srv, err := emulator.NewServer(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		w := serve(t, srv)
		mustCreateModel(t, w, "prod", "ml", "churn")
		mv, err := registry(t, w).Register(ctx, ucregistry.CreateRequest{Name: "prod.ml.churn", Source: "dbfs:/m", Tags: []ucregistry.Tag{{Key: "k", Value: "v"}}})
		if err != nil || mv.Status != ucregistry.StatusPendingRegistration {
			t.Fatalf("register = %+v, %v", mv, err)
		}
		if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "prod.ml.churn", Alias: "champion", VersionNum: 1}); err != nil {
			t.Fatal(err)
		}
	}()
	srv, err := emulator.NewServer(opts)
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	defer srv.Close()
	reg := registry(t, serve(t, srv))
	ready, err := reg.WaitReady(ctx, "prod.ml.churn", "1", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if ready.TagMap()["k"] != "v" || len(ready.Aliases) != 1 || ready.Aliases[0].Alias != "champion" {
		t.Errorf("after restart: %+v", ready)
	}
	next, err := reg.Create(ctx, ucregistry.CreateRequest{Name: "prod.ml.churn", Source: "dbfs:/m"})
	if err != nil || next.Version != "2" {
		t.Fatalf("next version after restart = %+v, %v", next, err)
	}
}
