package workspace

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Model versions of Unity Catalog registered models, served on two APIs:
//
//   - /api/2.1/unity-catalog/models/{full_name}/versions[/{version}]: get,
//     list, update (comment), delete. Fields follow databricks-sdk-go
//     service/catalog/model.go (ModelVersionInfo, ModelVersionInfoStatus).
//   - /api/2.0/mlflow/unity-catalog/model-versions/*: how the MLflow client
//     registers versions for Unity Catalog (create, then finalize once the
//     artifacts are uploaded), reads them with their tags, searches them and
//     sets or deletes tags. Shapes follow mlflow/protos
//     databricks_uc_registry_messages.proto (ModelVersion,
//     CreateModelVersionRequest, FinalizeModelVersionRequest,
//     SetModelVersionTagRequest, ...): version is a string there, and the
//     name is the model's full name.
//
// Lifecycle: create → PENDING_REGISTRATION; finalize → READY (or
// FAILED_REGISTRATION when the source cannot be resolved) after
// Options.AsyncDelay, applied lazily on reads like cluster transitions.
// Version numbers are 1, 2, 3… per model and never reused.

// Model version statuses (catalog.ModelVersionInfoStatus, ModelVersionStatus).
const (
	statusPendingRegistration = "PENDING_REGISTRATION"
	statusReady               = "READY"
	statusFailedRegistration  = "FAILED_REGISTRATION"
)

type modelVersion struct {
	ModelFullName   string `json:"model_full_name"`
	ModelName       string `json:"model_name"`
	CatalogName     string `json:"catalog_name"`
	SchemaName      string `json:"schema_name"`
	Version         int    `json:"version"`
	ID              string `json:"id"`
	Comment         string `json:"comment,omitempty"`
	Source          string `json:"source"`
	RunID           string `json:"run_id,omitempty"`
	RunExperimentID string `json:"run_experiment_id,omitempty"`
	RunWorkspaceID  int64  `json:"run_workspace_id,omitempty"`
	Status          string `json:"status"`
	StatusMessage   string `json:"status_message,omitempty"`
	StorageLocation string `json:"storage_location"`
	Finalized       bool   `json:"finalized"`
	auditFields
	Tags map[string]string `json:"tags,omitempty"`
	// Next is the pending status transition, applied by the first read
	// after it is due.
	Next *transition `json:"_next,omitempty"`
}

func versionKey(full string, version int) string { return fmt.Sprintf("%s/%010d", full, version) }

func (v *modelVersion) settle(now time.Time) {
	if v.Next == nil || now.UnixMilli() < v.Next.At {
		return
	}
	v.Status, v.StatusMessage, v.Next = v.Next.State, v.Next.Message, nil
}

// loadVersion reads one version of the model full.
func loadVersion(tx core.Tx, full string, version int, v *modelVersion) error {
	found, err := tx.Get(ModelVersionsBucket, versionKey(full, version), v)
	if err != nil {
		return err
	}
	if !found {
		return core.NotFound("Model version %d of %s '%s' does not exist.", version, modelKind, full)
	}
	return nil
}

// modelVersionInfo is the Unity Catalog answer (catalog.ModelVersionInfo).
type modelVersionInfo struct {
	ModelName       string       `json:"model_name"`
	CatalogName     string       `json:"catalog_name"`
	SchemaName      string       `json:"schema_name"`
	Version         int          `json:"version"`
	ID              string       `json:"id"`
	Comment         string       `json:"comment,omitempty"`
	Source          string       `json:"source"`
	RunID           string       `json:"run_id,omitempty"`
	RunWorkspaceID  int64        `json:"run_workspace_id,omitempty"`
	Status          string       `json:"status"`
	StorageLocation string       `json:"storage_location"`
	MetastoreID     string       `json:"metastore_id"`
	Aliases         []ModelAlias `json:"aliases,omitempty"`
	auditFields
}

func (v modelVersion) ucView(m RegisteredModel, withAliases bool) modelVersionInfo {
	info := modelVersionInfo{
		ModelName: v.ModelName, CatalogName: v.CatalogName, SchemaName: v.SchemaName, Version: v.Version,
		ID: v.ID, Comment: v.Comment, Source: v.Source, RunID: v.RunID, RunWorkspaceID: v.RunWorkspaceID,
		Status: v.Status, StorageLocation: v.StorageLocation, MetastoreID: metastoreID, auditFields: v.auditFields,
	}
	if withAliases {
		info.Aliases = m.AliasList(v.Version)
	}
	return info
}

// mlflowModelVersion is the MLflow answer (ModelVersion in
// databricks_uc_registry_messages.proto).
type mlflowModelVersion struct {
	Name                 string         `json:"name"`
	Version              string         `json:"version"`
	CreationTimestamp    int64          `json:"creation_timestamp"`
	LastUpdatedTimestamp int64          `json:"last_updated_timestamp"`
	UserID               string         `json:"user_id"`
	Description          string         `json:"description,omitempty"`
	Source               string         `json:"source"`
	RunID                string         `json:"run_id,omitempty"`
	RunExperimentID      string         `json:"run_experiment_id,omitempty"`
	RunTrackingServerID  string         `json:"run_tracking_server_id,omitempty"`
	Status               string         `json:"status"`
	StatusMessage        string         `json:"status_message,omitempty"`
	StorageLocation      string         `json:"storage_location"`
	Aliases              []mlflowAlias  `json:"aliases,omitempty"`
	Tags                 []mlflowKeyVal `json:"tags,omitempty"`
}

type mlflowAlias struct {
	Alias   string `json:"alias"`
	Version string `json:"version"`
}

type mlflowKeyVal struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (v modelVersion) mlflowView(m RegisteredModel) mlflowModelVersion {
	out := mlflowModelVersion{
		Name: v.ModelFullName, Version: strconv.Itoa(v.Version), CreationTimestamp: v.CreatedAt,
		LastUpdatedTimestamp: v.UpdatedAt, UserID: v.CreatedBy, Description: v.Comment, Source: v.Source,
		RunID: v.RunID, RunExperimentID: v.RunExperimentID, Status: v.Status, StatusMessage: v.StatusMessage,
		StorageLocation: v.StorageLocation,
	}
	if v.RunWorkspaceID != 0 {
		out.RunTrackingServerID = strconv.FormatInt(v.RunWorkspaceID, 10)
	}
	for _, a := range m.AliasList(v.Version) {
		out.Aliases = append(out.Aliases, mlflowAlias{Alias: a.AliasName, Version: out.Version})
	}
	for _, k := range slices.Sorted(maps.Keys(v.Tags)) {
		out.Tags = append(out.Tags, mlflowKeyVal{Key: k, Value: v.Tags[k]})
	}
	return out
}

// parseVersion reads a version number given as a path or body string.
func parseVersion(raw string) (int, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		return 0, core.InvalidParam("Invalid model version '%s': a version is a positive integer.", raw)
	}
	return n, nil
}

// --- Unity Catalog API ---

// versionRoute reads {full_name} and {version} and loads that version with
// its model, settled.
func (s *Service) versionRoute(r *http.Request) (RegisteredModel, modelVersion, error) {
	var (
		m RegisteredModel
		v modelVersion
	)
	full, err := modelFullName(r)
	if err != nil {
		return m, v, err
	}
	n, err := parseVersion(r.PathValue("version"))
	if err != nil {
		return m, v, err
	}
	err = s.Store().View(func(tx core.Tx) error {
		if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
			return err
		}
		return loadVersion(tx, full, n, &v)
	})
	v.settle(s.Now())
	return m, v, err
}

func (s *Service) getModelVersion(r *http.Request) (any, error) {
	withAliases, err := queryBool(r, "include_aliases")
	if err != nil {
		return nil, err
	}
	m, v, err := s.versionRoute(r)
	if err != nil {
		return nil, err
	}
	return v.ucView(m, withAliases), nil
}

// listModelVersions lists newest first, without aliases or tags ("The
// elements in the response will not contain any aliases or tags",
// ModelVersions.List docs).
func (s *Service) listModelVersions(r *http.Request) (any, error) {
	full, err := modelFullName(r)
	if err != nil {
		return nil, err
	}
	m, all, err := s.ModelWithVersions(full)
	if err != nil {
		return nil, err
	}
	slices.Reverse(all)
	items, next, err := core.PageMaxResults(r, all, 100, 1000, false)
	if err != nil {
		return nil, err
	}
	views := make([]modelVersionInfo, len(items))
	for i, v := range items {
		views[i] = v.ucView(m, false)
	}
	return map[string]any{"model_versions": views, "next_page_token": next}, nil
}

// ModelWithVersions loads a model and its versions (oldest first), settled.
func (s *Service) ModelWithVersions(full string) (RegisteredModel, []modelVersion, error) {
	var (
		m   RegisteredModel
		all []modelVersion
	)
	err := s.Store().View(func(tx core.Tx) error {
		if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
			return err
		}
		var err error
		all, err = core.GetAll[modelVersion](tx, ModelVersionsBucket, full+"/")
		return err
	})
	now := s.Now()
	for i := range all {
		all[i].settle(now)
	}
	return m, all, err
}

func (s *Service) updateModelVersion(r *http.Request) (any, error) {
	var req struct {
		Comment *string `json:"comment"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	m, v, err := s.mutateVersion(r.PathValue("full_name"), r.PathValue("version"), func(_ core.Tx, _ *RegisteredModel, v *modelVersion) error {
		if req.Comment != nil {
			v.Comment = *req.Comment
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v.ucView(m, false), nil
}

// deleteModelVersion deletes the version and the aliases on it ("Any aliases
// assigned to the model version will also be deleted", ModelVersions.Delete
// docs).
func (s *Service) deleteModelVersion(r *http.Request) (any, error) {
	full, err := modelFullName(r)
	if err != nil {
		return nil, err
	}
	n, err := parseVersion(r.PathValue("version"))
	if err != nil {
		return nil, err
	}
	_, err = ucUpdate(s, ModelsBucket, full, modelKind, func(tx core.Tx, m *RegisteredModel) error {
		var v modelVersion
		if err := loadVersion(tx, full, n, &v); err != nil {
			return err
		}
		maps.DeleteFunc(m.Aliases, func(_ string, version int) bool { return version == n })
		return tx.Delete(ModelVersionsBucket, versionKey(full, n))
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// mutateVersion loads, settles, changes and stores one version (and its
// model) in one transaction.
func (s *Service) mutateVersion(name, version string, fn func(tx core.Tx, m *RegisteredModel, v *modelVersion) error) (RegisteredModel, modelVersion, error) {
	var (
		m RegisteredModel
		v modelVersion
	)
	if err := core.RequireString("name", name); err != nil {
		return m, v, err
	}
	parts, err := splitFullName("registered model", name, 3)
	if err != nil {
		return m, v, err
	}
	full := UCKey(parts...)
	n, err := parseVersion(version)
	if err != nil {
		return m, v, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
			return err
		}
		if err := loadVersion(tx, full, n, &v); err != nil {
			return err
		}
		v.settle(s.Now())
		if err := fn(tx, &m, &v); err != nil {
			return err
		}
		s.stampUpdated(&v.auditFields)
		if err := tx.Put(ModelsBucket, full, m); err != nil {
			return err
		}
		return tx.Put(ModelVersionsBucket, versionKey(full, n), v)
	})
	v.settle(s.Now())
	return m, v, err
}

// --- MLflow API for Unity Catalog ---

type createVersionRequest struct {
	Name                string         `json:"name"`
	Source              string         `json:"source"`
	RunID               string         `json:"run_id"`
	Description         string         `json:"description"`
	RunTrackingServerID string         `json:"run_tracking_server_id"`
	Tags                []mlflowKeyVal `json:"tags"`
}

func (s *Service) mlflowCreateModelVersion(r *http.Request) (any, error) {
	var req createVersionRequest
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	m, v, err := s.registerVersion(req, false)
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": v.mlflowView(m)}, nil
}

// mlflowCopyModelVersion registers a copy of an existing READY version in
// another (or the same) model and finalizes it: the server-side form of the
// MLflow client's copy_model_version(src_model_uri, dst_name), which creates
// a version whose source is models:/<name>/<version> (or models:/<name>@<alias>),
// copies the artifacts and finalizes.
func (s *Service) mlflowCopyModelVersion(r *http.Request) (any, error) {
	var req struct {
		SrcModelURI string         `json:"src_model_uri"`
		Name        string         `json:"name"`
		Description string         `json:"description"`
		Tags        []mlflowKeyVal `json:"tags"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("src_model_uri", req.SrcModelURI); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(req.SrcModelURI, "models:/") {
		return nil, core.InvalidParam("Invalid src_model_uri '%s': expected models:/<name>/<version> or models:/<name>@<alias>.", req.SrcModelURI)
	}
	m, v, err := s.registerVersion(createVersionRequest{Name: req.Name, Source: req.SrcModelURI, Description: req.Description, Tags: req.Tags}, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": v.mlflowView(m)}, nil
}

// registerVersion creates the next version of req.Name, finalized at once
// when finalize is set.
func (s *Service) registerVersion(req createVersionRequest, finalize bool) (RegisteredModel, modelVersion, error) {
	var (
		m RegisteredModel
		v modelVersion
	)
	if err := core.RequireString("name", req.Name); err != nil {
		return m, v, err
	}
	if err := core.RequireString("source", req.Source); err != nil {
		return m, v, err
	}
	parts, err := splitFullName("registered model", req.Name, 3)
	if err != nil {
		return m, v, err
	}
	full := UCKey(parts...)
	for _, t := range req.Tags {
		if err := validateTag(t.Key, t.Value); err != nil {
			return m, v, err
		}
	}
	err = s.Store().Update(func(tx core.Tx) error {
		if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
			return err
		}
		runID, experimentID, err := s.resolveSource(tx, req.Source, req.RunID)
		if err != nil {
			return err
		}
		m.LastVersion++
		v = modelVersion{
			ModelFullName: full, ModelName: m.Name, CatalogName: m.CatalogName, SchemaName: m.SchemaName,
			Version: m.LastVersion, ID: newUUID(), Comment: req.Description, Source: req.Source,
			RunID: runID, RunExperimentID: experimentID, Status: statusPendingRegistration,
			auditFields: s.stampCreated(),
		}
		v.StorageLocation = m.StorageLocation + "/versions/" + v.ID
		if runID != "" {
			v.RunWorkspaceID, _ = strconv.ParseInt(s.WorkspaceID(), 10, 64)
			if req.RunTrackingServerID != "" {
				v.RunWorkspaceID, _ = strconv.ParseInt(req.RunTrackingServerID, 10, 64)
			}
		}
		if len(req.Tags) > 0 {
			v.Tags = map[string]string{}
			for _, t := range req.Tags {
				v.Tags[t.Key] = t.Value
			}
		}
		if finalize {
			s.finalize(tx, &v)
		}
		if err := tx.Put(ModelsBucket, full, m); err != nil {
			return err
		}
		return tx.Put(ModelVersionsBucket, versionKey(full, v.Version), v)
	})
	v.settle(s.Now())
	return m, v, err
}

// resolveSource checks what a version is registered from and returns the run
// it comes from. A models:/ source must name an existing READY version (a
// copy inherits its run); a run_id must name a run of this workspace.
// Sources whose artifacts are only checked at finalize (runs:/) pass here.
func (s *Service) resolveSource(tx core.Tx, source, runID string) (string, string, error) {
	if rest, ok := strings.CutPrefix(source, "models:/"); ok {
		src, err := resolveModelURI(tx, rest)
		if err != nil {
			return "", "", err
		}
		src.settle(s.Now())
		if src.Status != statusReady {
			return "", "", core.InvalidState("Source model version %s/%d is %s; only READY versions can be copied.", src.ModelFullName, src.Version, src.Status)
		}
		if runID == "" {
			return src.RunID, src.RunExperimentID, nil
		}
	}
	if !strings.Contains(source, ":/") {
		return "", "", core.InvalidParam("Invalid source '%s': expected a URI such as runs:/<run_id>/model, dbfs:/..., abfss://... or models:/<name>/<version>.", source)
	}
	if runID == "" {
		return "", "", nil
	}
	var run MLflowRun
	if err := loadRun(tx, runID, &run); err != nil {
		return "", "", err
	}
	return runID, run.Info.ExperimentID, nil
}

// resolveModelURI reads "<full name>/<version>" or "<full name>@<alias>".
func resolveModelURI(tx core.Tx, ref string) (modelVersion, error) {
	var v modelVersion
	name, version, byVersion := strings.Cut(ref, "/")
	alias := ""
	if !byVersion {
		var ok bool
		name, alias, ok = strings.Cut(ref, "@")
		if !ok {
			return v, core.InvalidParam("Invalid model URI 'models:/%s': expected models:/<name>/<version> or models:/<name>@<alias>.", ref)
		}
	}
	parts, err := splitFullName("registered model", name, 3)
	if err != nil {
		return v, err
	}
	full := UCKey(parts...)
	var m RegisteredModel
	if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
		return v, err
	}
	n := 0
	if byVersion {
		if n, err = parseVersion(version); err != nil {
			return v, err
		}
	} else if n, byVersion = m.Aliases[strings.ToLower(alias)]; !byVersion {
		return v, core.NotFound("Alias '%s' does not exist on %s '%s'.", alias, modelKind, full)
	}
	return v, loadVersion(tx, full, n, &v)
}

// finalize schedules the end of registration: READY, unless the source is a
// run whose artifacts cannot be found, which fails the registration.
func (s *Service) finalize(tx core.Tx, v *modelVersion) {
	v.Finalized = true
	final, message := statusReady, ""
	if rest, ok := strings.CutPrefix(v.Source, "runs:/"); ok {
		runID, _, _ := strings.Cut(rest, "/")
		var run MLflowRun
		if found, err := tx.Get(RunsBucket, runID, &run); err != nil || !found {
			final, message = statusFailedRegistration, fmt.Sprintf("Failed to copy the model artifacts: run '%s' does not exist.", runID)
		}
	}
	v.Next = &transition{State: final, Message: message, At: s.Now().Add(s.Options().AsyncDelay).UnixMilli()}
}

func (s *Service) mlflowFinalizeModelVersion(r *http.Request) (any, error) {
	var req mlflowVersionRef
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	m, v, err := s.mutateVersion(req.Name, req.Version, func(tx core.Tx, _ *RegisteredModel, v *modelVersion) error {
		if v.Finalized || v.Status != statusPendingRegistration {
			return core.InvalidState("Model version %s/%d is not pending registration (status %s); it cannot be finalized again.", v.ModelFullName, v.Version, v.Status)
		}
		s.finalize(tx, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": v.mlflowView(m)}, nil
}

// mlflowVersionRef names one version in MLflow request bodies and queries.
type mlflowVersionRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

func (s *Service) mlflowGetModelVersion(r *http.Request) (any, error) {
	q := r.URL.Query()
	if err := core.RequireString("name", q.Get("name")); err != nil {
		return nil, err
	}
	parts, err := splitFullName("registered model", q.Get("name"), 3)
	if err != nil {
		return nil, err
	}
	n, err := parseVersion(q.Get("version"))
	if err != nil {
		return nil, err
	}
	var (
		m RegisteredModel
		v modelVersion
	)
	full := UCKey(parts...)
	err = s.Store().View(func(tx core.Tx) error {
		if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
			return err
		}
		return loadVersion(tx, full, n, &v)
	})
	if err != nil {
		return nil, err
	}
	v.settle(s.Now())
	return map[string]any{"model_version": v.mlflowView(m)}, nil
}

// mlflowGetModelVersionByAlias is GetModelVersionByAliasRequest
// (GET /mlflow/unity-catalog/registered-models/alias).
func (s *Service) mlflowGetModelVersionByAlias(r *http.Request) (any, error) {
	q := r.URL.Query()
	if err := core.RequireString("name", q.Get("name")); err != nil {
		return nil, err
	}
	if err := core.RequireString("alias", q.Get("alias")); err != nil {
		return nil, err
	}
	parts, err := splitFullName("registered model", q.Get("name"), 3)
	if err != nil {
		return nil, err
	}
	m, v, err := s.versionByAlias(UCKey(parts...), strings.ToLower(q.Get("alias")))
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": v.mlflowView(m)}, nil
}

// mlflowSearchModelVersions supports the filters Unity Catalog accepts:
// name='<full name>' or run_id='<id>' (SearchModelVersionsRequest.filter).
func (s *Service) mlflowSearchModelVersions(r *http.Request) (any, error) {
	filter := strings.TrimSpace(r.URL.Query().Get("filter"))
	field, value, ok := strings.Cut(filter, "=")
	field, value = strings.TrimSpace(field), strings.TrimSpace(value)
	if !ok || len(value) < 2 || value[0] != '\'' || value[len(value)-1] != '\'' || (field != "name" && field != "run_id") {
		return nil, core.InvalidParam("Unsupported filter '%s': Unity Catalog model version search requires a filter of the form name='<model full name>' or run_id='<run id>'.", filter)
	}
	value = value[1 : len(value)-1]
	var out []mlflowModelVersion
	err := s.Store().View(func(tx core.Tx) error {
		models, err := core.GetAll[RegisteredModel](tx, ModelsBucket, "")
		if err != nil {
			return err
		}
		for _, m := range models {
			if field == "name" && m.FullName != strings.ToLower(value) {
				continue
			}
			versions, err := core.GetAll[modelVersion](tx, ModelVersionsBucket, m.FullName+"/")
			if err != nil {
				return err
			}
			for _, v := range slices.Backward(versions) {
				if field == "run_id" && v.RunID != value {
					continue
				}
				v.settle(s.Now())
				out = append(out, v.mlflowView(m))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := core.PageMaxResults(r, out, 10000, 10000, false)
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_versions": items, "next_page_token": next}, nil
}

// Tag limits of the MLflow registry (mlflow/utils/validation.py:
// MAX_MODEL_REGISTRY_TAG_KEY_LENGTH, MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH).
const (
	maxTagKeyLength   = 250
	maxTagValueLength = 5000
)

func validateTag(key, value string) error {
	if key == "" {
		return core.InvalidParam("Missing required field: key")
	}
	if len(key) > maxTagKeyLength {
		return core.InvalidParam("Tag key '%s' had length %d, which exceeded length limit of %d", key, len(key), maxTagKeyLength)
	}
	if len(value) > maxTagValueLength {
		return core.InvalidParam("Tag value for key '%s' had length %d, which exceeded length limit of %d", key, len(value), maxTagValueLength)
	}
	return nil
}

func (s *Service) mlflowSetModelVersionTag(r *http.Request) (any, error) {
	var req struct {
		mlflowVersionRef
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := validateTag(req.Key, req.Value); err != nil {
		return nil, err
	}
	_, _, err := s.mutateVersion(req.Name, req.Version, func(_ core.Tx, _ *RegisteredModel, v *modelVersion) error {
		if v.Tags == nil {
			v.Tags = map[string]string{}
		}
		v.Tags[req.Key] = req.Value
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) mlflowDeleteModelVersionTag(r *http.Request) (any, error) {
	var req struct {
		mlflowVersionRef
		Key string `json:"key"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	fillFromQuery(r, map[string]*string{"name": &req.Name, "version": &req.Version, "key": &req.Key})
	if err := core.RequireString("key", req.Key); err != nil {
		return nil, err
	}
	_, _, err := s.mutateVersion(req.Name, req.Version, func(_ core.Tx, _ *RegisteredModel, v *modelVersion) error {
		if _, ok := v.Tags[req.Key]; !ok {
			return core.NotFound("No tag with key '%s' on model version %s/%d.", req.Key, v.ModelFullName, v.Version)
		}
		delete(v.Tags, req.Key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// mlflowFullName checks and lower-cases a model name given in an MLflow body.
func mlflowFullName(name string) (string, error) {
	if err := core.RequireString("name", name); err != nil {
		return "", err
	}
	parts, err := splitFullName("registered model", name, 3)
	if err != nil {
		return "", err
	}
	return UCKey(parts...), nil
}

func (s *Service) mlflowUpdateModelVersion(r *http.Request) (any, error) {
	var req struct {
		mlflowVersionRef
		Description *string `json:"description"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	m, v, err := s.mutateVersion(req.Name, req.Version, func(_ core.Tx, _ *RegisteredModel, v *modelVersion) error {
		if req.Description != nil {
			v.Comment = *req.Description
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"model_version": v.mlflowView(m)}, nil
}

func (s *Service) mlflowDeleteModelVersion(r *http.Request) (any, error) {
	var req mlflowVersionRef
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	fillFromQuery(r, map[string]*string{"name": &req.Name, "version": &req.Version})
	full, err := mlflowFullName(req.Name)
	if err != nil {
		return nil, err
	}
	r.SetPathValue("full_name", full)
	r.SetPathValue("version", req.Version)
	return s.deleteModelVersion(r)
}

func (s *Service) mlflowSetModelAlias(r *http.Request) (any, error) {
	var req struct {
		mlflowVersionRef
		Alias string `json:"alias"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	full, err := mlflowFullName(req.Name)
	if err != nil {
		return nil, err
	}
	n, err := parseVersion(req.Version)
	if err != nil {
		return nil, err
	}
	if _, err := s.setAlias(full, req.Alias, n); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) mlflowDeleteModelAlias(r *http.Request) (any, error) {
	var req struct {
		Name  string `json:"name"`
		Alias string `json:"alias"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	fillFromQuery(r, map[string]*string{"name": &req.Name, "alias": &req.Alias})
	full, err := mlflowFullName(req.Name)
	if err != nil {
		return nil, err
	}
	return s.deleteAlias(full, req.Alias)
}

// fillFromQuery fills fields a DELETE left out of its body from the query
// string: the MLflow client sends DELETE parameters as a JSON body, the
// Databricks SDK's API client as query parameters.
func fillFromQuery(r *http.Request, fields map[string]*string) {
	for name, field := range fields {
		if *field == "" {
			*field = r.URL.Query().Get(name)
		}
	}
}

// mlflowGetDownloadURI answers where a version's artifacts are
// (GetModelVersionDownloadUriResponse.artifact_uri): its storage location.
func (s *Service) mlflowGetDownloadURI(r *http.Request) (any, error) {
	q := r.URL.Query()
	full, err := mlflowFullName(q.Get("name"))
	if err != nil {
		return nil, err
	}
	n, err := parseVersion(q.Get("version"))
	if err != nil {
		return nil, err
	}
	var v modelVersion
	if err := s.Store().View(func(tx core.Tx) error { return loadVersion(tx, full, n, &v) }); err != nil {
		return nil, err
	}
	return map[string]string{"artifact_uri": v.StorageLocation}, nil
}
