package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/client"
	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

func TestRegisteredModels_lifecycleThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "seed")

	_, err := w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: "dev", SchemaName: "nope", Name: "churn"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Schema 'dev.nope' does not exist.")
	_, err = w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: "dev", SchemaName: "ml", Name: "bad name"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid registered model name 'bad name'")
	_, err = w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{SchemaName: "ml", Name: "x"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: catalog_name")

	m, err := w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: "dev", SchemaName: "ml", Name: "Churn", Comment: "churn model"})
	if err != nil {
		t.Fatal(err)
	}
	if m.FullName != "dev.ml.churn" || m.Name != "churn" || m.Comment != "churn model" || m.Owner != "brickops@example.com" || m.StorageLocation == "" {
		t.Errorf("created = %+v", m)
	}
	_, err = w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: "DEV", SchemaName: "ML", Name: "CHURN"})
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_ALREADY_EXISTS", "Routine or Model 'dev.ml.churn' already exists")

	up, err := w.RegisteredModels.Update(ctx, catalog.UpdateRegisteredModelRequest{FullName: "dev.ml.churn", Owner: "ml-team", Comment: "v2"})
	if err != nil || up.Owner != "ml-team" || up.Comment != "v2" {
		t.Fatalf("update = %+v, %v", up, err)
	}
	got, err := w.RegisteredModels.Get(ctx, catalog.GetRegisteredModelRequest{FullName: "dev.ml.churn"})
	if err != nil || got.Owner != "ml-team" {
		t.Fatalf("get = %+v, %v", got, err)
	}

	// Delete takes the versions with it.
	reg := registry(t, w)
	if _, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/models/churn"}); err != nil {
		t.Fatal(err)
	}
	if err := w.RegisteredModels.DeleteByFullName(ctx, "dev.ml.churn"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ModelVersions.GetByFullNameAndVersion(ctx, "dev.ml.churn", 1); !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("version survived model delete: %v", err)
	}
	_, err = w.RegisteredModels.GetByFullName(ctx, "dev.ml.churn")
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Routine or Model 'dev.ml.churn' does not exist.")
}

func TestRegisteredModels_listByCatalogAndSchemaPaginated(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	for i := range 3 {
		mustCreateModel(t, w, "dev", "ml", fmt.Sprintf("m%d", i))
	}
	mustCreateModel(t, w, "dev", "other", "x")
	mustCreateModel(t, w, "prod", "ml", "m0")

	inSchema, err := w.RegisteredModels.ListAll(ctx, catalog.ListRegisteredModelsRequest{CatalogName: "dev", SchemaName: "ml", MaxResults: 2})
	if err != nil || len(inSchema) != 3 || inSchema[0].FullName != "dev.ml.m0" {
		t.Fatalf("dev.ml models = %+v, %v", inSchema, err)
	}
	all, err := w.RegisteredModels.ListAll(ctx, catalog.ListRegisteredModelsRequest{MaxResults: 1})
	if err != nil || len(all) != 5 {
		t.Fatalf("all models = %d, %v", len(all), err)
	}
	var first catalog.ListRegisteredModelsResponse
	emu.Do(t, http.MethodGet, "/api/2.1/unity-catalog/models?catalog_name=dev&schema_name=ml&max_results=2", nil, &first)
	if len(first.RegisteredModels) != 2 || first.NextPageToken == "" {
		t.Errorf("first page = %+v", first)
	}
	_, err = w.RegisteredModels.ListAll(ctx, catalog.ListRegisteredModelsRequest{CatalogName: "dev"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "catalog_name and schema_name must be specified together")
}

func TestModelVersions_registrationThroughMLflowPaths(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(150*time.Millisecond))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "churn")
	reg := registry(t, w)

	created, err := reg.Create(ctx, ucregistry.CreateRequest{
		Name: "dev.ml.churn", Source: "dbfs:/artifacts/model", Description: "first",
		Tags: []ucregistry.Tag{{Key: "stage", Value: "candidate"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.Version != "1" || created.Status != ucregistry.StatusPendingRegistration || created.StorageLocation == "" {
		t.Errorf("created = %+v", created)
	}
	// Not finalized: stays pending, however long we wait.
	time.Sleep(200 * time.Millisecond)
	v, err := w.ModelVersions.GetByFullNameAndVersion(ctx, "dev.ml.churn", 1)
	if err != nil || v.Status != catalog.ModelVersionInfoStatusPendingRegistration {
		t.Fatalf("before finalize: %+v, %v", v, err)
	}
	fin, err := reg.Finalize(ctx, "dev.ml.churn", "1")
	if err != nil || fin.Status != ucregistry.StatusPendingRegistration {
		t.Fatalf("finalize answered %+v, %v", fin, err)
	}
	_, err = reg.Finalize(ctx, "dev.ml.churn", "1")
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_STATE", "cannot be finalized again")
	ready, err := reg.WaitReady(ctx, "dev.ml.churn", "1", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if ready.Description != "first" || ready.TagMap()["stage"] != "candidate" || ready.Source != "dbfs:/artifacts/model" {
		t.Errorf("ready = %+v", ready)
	}
	v, _ = w.ModelVersions.GetByFullNameAndVersion(ctx, "dev.ml.churn", 1)
	var uri struct {
		ArtifactURI string `json:"artifact_uri"`
	}
	if status := emu.Do(t, http.MethodGet, "/api/2.0/mlflow/unity-catalog/model-versions/get-download-uri?name=dev.ml.churn&version=1", nil, &uri); status != http.StatusOK || uri.ArtifactURI != v.StorageLocation {
		t.Errorf("download uri = %d %q, want %q", status, uri.ArtifactURI, v.StorageLocation)
	}
	if v.Status != catalog.ModelVersionInfoStatusReady || v.ModelName != "churn" || v.CatalogName != "dev" || v.SchemaName != "ml" || v.Comment != "first" || v.Id == "" {
		t.Errorf("UC view = %+v", v)
	}

	// Numbers are per model, 1, 2, 3…, never reused after a delete.
	for want := 2; want <= 3; want++ {
		mv, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/artifacts/model"})
		if err != nil || mv.VersionNumber() != want {
			t.Fatalf("version %d: %+v, %v", want, mv, err)
		}
	}
	if err := w.ModelVersions.DeleteByFullNameAndVersion(ctx, "dev.ml.churn", 3); err != nil {
		t.Fatal(err)
	}
	mv, err := reg.Create(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/x"})
	if err != nil || mv.Version != "4" {
		t.Fatalf("after deleting 3, next = %+v, %v", mv, err)
	}

	// Bad input.
	_, err = reg.Create(ctx, ucregistry.CreateRequest{Name: "dev.ml.nope", Source: "dbfs:/x"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Routine or Model 'dev.ml.nope' does not exist.")
	_, err = reg.Create(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: source")
	_, err = reg.Create(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/x", RunID: "0123"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Run '0123' not found.")
	_, err = reg.Get(ctx, "dev.ml.churn", "99")
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Model version 99 of Routine or Model 'dev.ml.churn' does not exist.")
}

func TestModelVersions_failedRegistration(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "churn")
	reg := registry(t, w)
	mv, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "runs:/deadbeef/model"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.WaitReady(ctx, mv.Name, mv.Version, 5*time.Second)
	if err == nil {
		t.Fatal("registration from a missing run became READY")
	}
	got, _ := reg.Get(ctx, mv.Name, mv.Version)
	if got.Status != ucregistry.StatusFailedRegistration || got.StatusMessage == "" {
		t.Errorf("status = %s %q", got.Status, got.StatusMessage)
	}
}

func TestModelVersions_getListUpdateDeleteThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "churn")
	reg := registry(t, w)
	for range 3 {
		if _, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/m"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := w.ModelVersions.ListAll(ctx, catalog.ListModelVersionsRequest{FullName: "dev.ml.churn", MaxResults: 2})
	if err != nil || len(all) != 3 || all[0].Version != 3 || all[2].Version != 1 {
		t.Fatalf("list = %+v, %v", all, err)
	}
	up, err := w.ModelVersions.Update(ctx, catalog.UpdateModelVersionRequest{FullName: "dev.ml.churn", Version: 2, Comment: "validated"})
	if err != nil || up.Comment != "validated" || up.Version != 2 {
		t.Fatalf("update = %+v, %v", up, err)
	}
	mv, _ := reg.Get(ctx, "dev.ml.churn", "2")
	if mv.Description != "validated" {
		t.Errorf("MLflow view description = %q", mv.Description)
	}
	_, err = w.ModelVersions.GetByFullNameAndVersion(ctx, "dev.ml.churn", 0)
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid model version '0'")
	_, err = w.ModelVersions.ListAll(ctx, catalog.ListModelVersionsRequest{FullName: "dev.ml.nope"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "'dev.ml.nope' does not exist")

	// Search through the MLflow path.
	found, err := reg.Search(ctx, "dev.ml.churn")
	if err != nil || len(found) != 3 || found[0].Version != "3" {
		t.Fatalf("search = %+v, %v", found, err)
	}
}

func TestModelVersions_tags(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "churn")
	reg := registry(t, w)
	if _, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/m"}); err != nil {
		t.Fatal(err)
	}
	if err := reg.SetTag(ctx, "dev.ml.churn", "1", "validated", "true"); err != nil {
		t.Fatal(err)
	}
	// The set-tag/delete-tag spellings work too, with a JSON body.
	var out map[string]any
	if status := emu.Do(t, http.MethodPost, "/api/2.0/mlflow/unity-catalog/model-versions/set-tag",
		map[string]string{"name": "dev.ml.churn", "version": "1", "key": "owner", "value": "ml"}, &out); status != http.StatusOK {
		t.Fatalf("set-tag status %d", status)
	}
	mv, _ := reg.Get(ctx, "dev.ml.churn", "1")
	if tags := mv.TagMap(); tags["validated"] != "true" || tags["owner"] != "ml" || len(tags) != 2 {
		t.Errorf("tags = %v", tags)
	}
	if status := emu.Do(t, http.MethodDelete, "/api/2.0/mlflow/unity-catalog/model-versions/delete-tag",
		map[string]string{"name": "dev.ml.churn", "version": "1", "key": "owner"}, &out); status != http.StatusOK {
		t.Fatalf("delete-tag status %d", status)
	}
	if err := reg.DeleteTag(ctx, "dev.ml.churn", "1", "validated"); err != nil {
		t.Fatal(err)
	}
	mv, _ = reg.Get(ctx, "dev.ml.churn", "1")
	if len(mv.Tags) != 0 {
		t.Errorf("tags after delete = %v", mv.Tags)
	}
	err := reg.DeleteTag(ctx, "dev.ml.churn", "1", "validated")
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "No tag with key 'validated'")
	err = reg.SetTag(ctx, "dev.ml.churn", "1", "", "x")
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing required field: key")
}

func TestModelVersions_copyIntoAnotherModel(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "churn")
	mustCreateModel(t, w, "staging", "ml", "churn")
	reg := registry(t, w)
	src, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/m"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.WaitReady(ctx, src.Name, src.Version, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "dev.ml.churn", Alias: "champion", VersionNum: 1}); err != nil {
		t.Fatal(err)
	}

	var copied struct {
		ModelVersion ucregistry.ModelVersion `json:"model_version"`
	}
	status := emu.Do(t, http.MethodPost, "/api/2.0/mlflow/unity-catalog/model-versions/copy",
		map[string]any{"src_model_uri": "models:/dev.ml.churn@champion", "name": "staging.ml.churn"}, &copied)
	if status != http.StatusOK || copied.ModelVersion.Version != "1" || copied.ModelVersion.Source != "models:/dev.ml.churn@champion" {
		t.Fatalf("copy: %d %+v", status, copied)
	}
	if _, err := reg.WaitReady(ctx, "staging.ml.churn", "1", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	// The MLflow client's way: create with a models:/ source, then finalize.
	mv, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "staging.ml.churn", Source: "models:/dev.ml.churn/1"})
	if err != nil || mv.Version != "2" {
		t.Fatalf("create from models:/ = %+v, %v", mv, err)
	}
	_, err = reg.Create(ctx, ucregistry.CreateRequest{Name: "staging.ml.churn", Source: "models:/dev.ml.churn/9"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Model version 9")
	// A pending version cannot be copied.
	pending, _ := reg.Create(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/m"})
	_, err = reg.Create(ctx, ucregistry.CreateRequest{Name: "staging.ml.churn", Source: "models:/dev.ml.churn/" + pending.Version})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_STATE", "only READY versions can be copied")
}

func TestModelAliases_setMoveGetDelete(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "prod", "ml", "churn")
	reg := registry(t, w)
	for range 2 {
		if _, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "prod.ml.churn", Source: "dbfs:/m"}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "prod.ml.churn", Alias: "Champion", VersionNum: 1})
	if err != nil || a.AliasName != "champion" || a.VersionNum != 1 {
		t.Fatalf("set alias = %+v, %v", a, err)
	}
	byAlias, err := w.ModelVersions.GetByAlias(ctx, catalog.GetByAliasRequest{FullName: "prod.ml.churn", Alias: "champion", IncludeAliases: true})
	if err != nil || byAlias.Version != 1 || len(byAlias.Aliases) != 1 || byAlias.Aliases[0].AliasName != "champion" {
		t.Fatalf("get by alias = %+v, %v", byAlias, err)
	}
	// Moving is one call; the alias is then only on version 2.
	if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "prod.ml.churn", Alias: "champion", VersionNum: 2}); err != nil {
		t.Fatal(err)
	}
	m, err := w.RegisteredModels.Get(ctx, catalog.GetRegisteredModelRequest{FullName: "prod.ml.churn", IncludeAliases: true})
	if err != nil || len(m.Aliases) != 1 || m.Aliases[0].VersionNum != 2 {
		t.Fatalf("model aliases = %+v, %v", m.Aliases, err)
	}
	if plain, _ := w.RegisteredModels.Get(ctx, catalog.GetRegisteredModelRequest{FullName: "prod.ml.churn"}); len(plain.Aliases) != 0 {
		t.Errorf("aliases without include_aliases: %+v", plain.Aliases)
	}
	v1, _ := w.ModelVersions.Get(ctx, catalog.GetModelVersionRequest{FullName: "prod.ml.churn", Version: 1, IncludeAliases: true})
	if len(v1.Aliases) != 0 {
		t.Errorf("version 1 still has aliases %+v", v1.Aliases)
	}
	mv, _ := reg.GetByAlias(ctx, "prod.ml.churn", "champion")
	if mv.Version != "2" || len(mv.Aliases) != 1 {
		t.Errorf("MLflow get by alias = %+v", mv)
	}

	// Errors.
	_, err = w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "prod.ml.churn", Alias: "champion", VersionNum: 7})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Model version 7")
	for _, bad := range []string{"latest", "v3"} {
		_, err = w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "prod.ml.churn", Alias: bad, VersionNum: 1})
		wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "reserved")
	}
	_, err = w.ModelVersions.GetByAlias(ctx, catalog.GetByAliasRequest{FullName: "prod.ml.churn", Alias: "challenger"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Alias 'challenger' does not exist")

	// Deleting the version drops its aliases.
	if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "prod.ml.churn", Alias: "challenger", VersionNum: 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.ModelVersions.DeleteByFullNameAndVersion(ctx, "prod.ml.churn", 2); err != nil {
		t.Fatal(err)
	}
	m, _ = w.RegisteredModels.Get(ctx, catalog.GetRegisteredModelRequest{FullName: "prod.ml.churn", IncludeAliases: true})
	if len(m.Aliases) != 1 || m.Aliases[0].AliasName != "challenger" {
		t.Errorf("aliases after deleting version 2 = %+v", m.Aliases)
	}
	if err := w.RegisteredModels.DeleteAlias(ctx, catalog.DeleteAliasRequest{FullName: "prod.ml.churn", Alias: "challenger"}); err != nil {
		t.Fatal(err)
	}
	err = w.RegisteredModels.DeleteAlias(ctx, catalog.DeleteAliasRequest{FullName: "prod.ml.churn", Alias: "challenger"})
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Alias 'challenger' does not exist")
}

// Moving an alias is atomic: readers racing with moves always find it, on
// one of the two versions.
func TestModelAliases_moveIsAtomicUnderConcurrency(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "prod", "ml", "churn")
	reg := registry(t, w)
	for range 2 {
		if _, err := reg.Register(ctx, ucregistry.CreateRequest{Name: "prod.ml.churn", Source: "dbfs:/m"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "prod.ml.churn", Alias: "champion", VersionNum: 1}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 100)
	go func() {
		defer close(done)
		for i := range 40 {
			if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "prod.ml.churn", Alias: "champion", VersionNum: 1 + i%2}); err != nil {
				errs <- err
				return
			}
		}
	}()
	reads := 0
	for {
		select {
		case <-done:
			close(errs)
			for err := range errs {
				t.Errorf("move: %v", err)
			}
			if reads == 0 {
				t.Error("no reads raced with the moves")
			}
			return
		default:
		}
		mv, err := w.ModelVersions.GetByAlias(ctx, catalog.GetByAliasRequest{FullName: "prod.ml.churn", Alias: "champion"})
		if err != nil || (mv.Version != 1 && mv.Version != 2) {
			t.Fatalf("read during moves: %+v, %v", mv, err)
		}
		reads++
	}
}

// The MLflow client's registered-model paths for Unity Catalog.
func TestRegisteredModels_mlflowPaths(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	mustCreateModel(t, w, "dev", "ml", "existing")
	api, err := client.New(w.Config)
	if err != nil {
		t.Fatal(err)
	}
	const base = "/api/2.0/mlflow/unity-catalog/registered-models/"
	type rmResponse struct {
		RegisteredModel struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			UserID      string `json:"user_id"`
			Aliases     []struct {
				Alias   string `json:"alias"`
				Version string `json:"version"`
			} `json:"aliases"`
		} `json:"registered_model"`
	}
	do := func(method, path string, req, out any) error {
		return api.Do(ctx, method, base+path, nil, nil, req, out)
	}

	var created rmResponse
	if err := do(http.MethodPost, "create", map[string]string{"name": "dev.ml.Churn", "description": "churn"}, &created); err != nil {
		t.Fatal(err)
	}
	if created.RegisteredModel.Name != "dev.ml.churn" || created.RegisteredModel.Description != "churn" || created.RegisteredModel.UserID != "brickops@example.com" {
		t.Errorf("created = %+v", created)
	}
	// mlflow.register_model creates the model and tolerates this error.
	err = do(http.MethodPost, "create", map[string]string{"name": "dev.ml.churn"}, nil)
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_ALREADY_EXISTS", "Routine or Model 'dev.ml.churn' already exists")
	err = do(http.MethodPost, "create", map[string]string{"name": "dev.ml.bad name"}, nil)
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Invalid registered model name")
	err = do(http.MethodPost, "create", map[string]string{"name": "churn"}, nil)
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "expected 3 dot-separated parts")

	if _, err := registry(t, w).Register(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/m"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "dev.ml.churn", Alias: "champion", VersionNum: 1}); err != nil {
		t.Fatal(err)
	}
	var got rmResponse
	if err := do(http.MethodGet, "get", map[string]string{"name": "dev.ml.churn"}, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.RegisteredModel.Aliases) != 1 || got.RegisteredModel.Aliases[0].Version != "1" {
		t.Errorf("get = %+v", got)
	}
	var updated rmResponse
	if err := do(http.MethodPatch, "update", map[string]string{"name": "dev.ml.churn", "description": "v2"}, &updated); err != nil || updated.RegisteredModel.Description != "v2" {
		t.Fatalf("update = %+v, %v", updated, err)
	}
	var search struct {
		RegisteredModels []struct {
			Name string `json:"name"`
		} `json:"registered_models"`
		NextPageToken string `json:"next_page_token"`
	}
	if err := do(http.MethodGet, "search", map[string]string{"max_results": "1"}, &search); err != nil || len(search.RegisteredModels) != 1 || search.NextPageToken == "" {
		t.Fatalf("search = %+v, %v", search, err)
	}
	if err := do(http.MethodDelete, "delete", map[string]string{"name": "dev.ml.churn"}, nil); err != nil {
		t.Fatal(err)
	}
	err = do(http.MethodGet, "get", map[string]string{"name": "dev.ml.churn"}, nil)
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Routine or Model 'dev.ml.churn' does not exist.")
}
