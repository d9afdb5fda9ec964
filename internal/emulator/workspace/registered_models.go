package workspace

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Registered models: /api/2.1/unity-catalog/models and their aliases.
// Fields follow databricks-sdk-go service/catalog/model.go
// (RegisteredModelInfo, CreateRegisteredModelRequest,
// UpdateRegisteredModelRequest, RegisteredModelAlias,
// SetRegisteredModelAliasRequest, ListRegisteredModelsRequest).
//
// A model document also holds its aliases (alias → version) and the next
// version number, so that registering a version and moving an alias are
// single transactions on one document: an alias always points at exactly
// one existing version, and moving it is atomic.

// modelKind is how Unity Catalog names a registered model in messages:
// models are FUNCTION securables.
const modelKind = "Routine or Model"

// RegisteredModel is a stored Unity Catalog registered model.
type RegisteredModel struct {
	Name            string `json:"name"`
	CatalogName     string `json:"catalog_name"`
	SchemaName      string `json:"schema_name"`
	FullName        string `json:"full_name"`
	Comment         string `json:"comment,omitempty"`
	Owner           string `json:"owner"`
	MetastoreID     string `json:"metastore_id"`
	StorageLocation string `json:"storage_location"`
	auditFields
	// Aliases maps alias name → version number.
	Aliases map[string]int `json:"_aliases,omitempty"`
	// LastVersion is the highest version number ever assigned; numbers are
	// never reused, even after a delete.
	LastVersion int `json:"_last_version"`
}

// ModelAlias is RegisteredModelAlias.
type ModelAlias struct {
	AliasName  string `json:"alias_name"`
	VersionNum int    `json:"version_num"`
}

// registeredModelInfo is the API answer.
type registeredModelInfo struct {
	Name            string       `json:"name"`
	CatalogName     string       `json:"catalog_name"`
	SchemaName      string       `json:"schema_name"`
	FullName        string       `json:"full_name"`
	Comment         string       `json:"comment,omitempty"`
	Owner           string       `json:"owner"`
	MetastoreID     string       `json:"metastore_id"`
	StorageLocation string       `json:"storage_location"`
	BrowseOnly      bool         `json:"browse_only"`
	Aliases         []ModelAlias `json:"aliases,omitempty"`
	auditFields
}

func (m RegisteredModel) view(withAliases bool) registeredModelInfo {
	info := registeredModelInfo{
		Name: m.Name, CatalogName: m.CatalogName, SchemaName: m.SchemaName, FullName: m.FullName,
		Comment: m.Comment, Owner: m.Owner, MetastoreID: m.MetastoreID, StorageLocation: m.StorageLocation,
		auditFields: m.auditFields,
	}
	if withAliases {
		info.Aliases = m.AliasList(0)
	}
	return info
}

// AliasList returns the aliases sorted by name, only those on version if it
// is not zero.
func (m RegisteredModel) AliasList(version int) []ModelAlias {
	out := []ModelAlias{}
	for _, a := range slices.Sorted(maps.Keys(m.Aliases)) {
		if version == 0 || m.Aliases[a] == version {
			out = append(out, ModelAlias{AliasName: a, VersionNum: m.Aliases[a]})
		}
	}
	return out
}

// modelFullName parses the {full_name} path value of a model route.
func modelFullName(r *http.Request) (string, error) {
	parts, err := splitFullName("registered model", r.PathValue("full_name"), 3)
	if err != nil {
		return "", err
	}
	return UCKey(parts...), nil
}

func (s *Service) createRegisteredModel(r *http.Request) (any, error) {
	var req struct {
		CatalogName     string `json:"catalog_name"`
		SchemaName      string `json:"schema_name"`
		Name            string `json:"name"`
		Comment         string `json:"comment"`
		StorageLocation string `json:"storage_location"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	for field, v := range map[string]string{"catalog_name": req.CatalogName, "schema_name": req.SchemaName} {
		if err := core.RequireString(field, v); err != nil {
			return nil, err
		}
	}
	if err := validateName("registered model", "name", req.Name); err != nil {
		return nil, err
	}
	if err := validateComment("registered model", req.Comment); err != nil {
		return nil, err
	}
	m, err := s.insertRegisteredModel(req.CatalogName, req.SchemaName, req.Name, req.Comment, req.StorageLocation)
	if err != nil {
		return nil, err
	}
	return m.view(false), nil
}

// insertRegisteredModel creates a model in an existing schema; both the
// Unity Catalog and the MLflow create paths use it.
func (s *Service) insertRegisteredModel(catalogName, schemaName, name, comment, storageLocation string) (RegisteredModel, error) {
	var m RegisteredModel
	err := s.Store().Update(func(tx core.Tx) error {
		var sc SchemaInfo
		if err := loadDoc(tx, SchemasBucket, UCKey(catalogName, schemaName), "Schema", &sc); err != nil {
			return err
		}
		m = RegisteredModel{
			Name: strings.ToLower(name), CatalogName: sc.CatalogName, SchemaName: sc.Name,
			Comment: comment, Owner: s.Options().UserName, MetastoreID: metastoreID,
			StorageLocation: storageLocation, auditFields: s.stampCreated(),
		}
		m.FullName = UCKey(m.CatalogName, m.SchemaName, m.Name)
		if m.StorageLocation == "" {
			m.StorageLocation = sc.StorageLocation + "/models/" + newUUID()
		}
		if err := mustNotExist(tx, ModelsBucket, m.FullName, modelKind); err != nil {
			return err
		}
		return tx.Put(ModelsBucket, m.FullName, m)
	})
	return m, err
}

func (s *Service) getRegisteredModel(r *http.Request) (any, error) {
	full, err := modelFullName(r)
	if err != nil {
		return nil, err
	}
	withAliases, err := queryBool(r, "include_aliases")
	if err != nil {
		return nil, err
	}
	m, err := ucGet[RegisteredModel](s, ModelsBucket, full, modelKind)
	if err != nil {
		return nil, err
	}
	return m.view(withAliases), nil
}

func (s *Service) listRegisteredModels(r *http.Request) (any, error) {
	catalog, schema := r.URL.Query().Get("catalog_name"), r.URL.Query().Get("schema_name")
	if (catalog == "") != (schema == "") {
		return nil, core.InvalidParam("catalog_name and schema_name must be specified together.")
	}
	prefix, defaultSize, maxSize := "", 100, 1000
	if catalog != "" {
		// Page sizes per ListRegisteredModelsRequest.MaxResults.
		prefix, defaultSize, maxSize = UCKey(catalog, schema)+".", 10000, 10000
		if _, err := ucGet[SchemaInfo](s, SchemasBucket, UCKey(catalog, schema), "Schema"); err != nil {
			return nil, err
		}
	}
	all, err := UCList[RegisteredModel](s, ModelsBucket, prefix)
	if err != nil {
		return nil, err
	}
	items, next, err := core.PageMaxResults(r, all, defaultSize, maxSize, false)
	if err != nil {
		return nil, err
	}
	views := make([]registeredModelInfo, len(items))
	for i, m := range items {
		views[i] = m.view(false)
	}
	return map[string]any{"registered_models": views, "next_page_token": next}, nil
}

func (s *Service) updateRegisteredModel(r *http.Request) (any, error) {
	full, err := modelFullName(r)
	if err != nil {
		return nil, err
	}
	var req securableUpdate
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	m, err := ucUpdate(s, ModelsBucket, full, modelKind, func(_ core.Tx, m *RegisteredModel) error {
		var props map[string]string
		if err := req.apply("registered model", &m.Comment, &m.Owner, &props); err != nil {
			return err
		}
		s.stampUpdated(&m.auditFields)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m.view(false), nil
}

// deleteRegisteredModel deletes the model with all its versions and aliases
// ("Deletes a registered model and all its model versions", RegisteredModels
// API docs).
func (s *Service) deleteRegisteredModel(r *http.Request) (any, error) {
	full, err := modelFullName(r)
	if err != nil {
		return nil, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		var m RegisteredModel
		if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
			return err
		}
		if err := deleteUnder(tx, ModelVersionsBucket, full+"/"); err != nil {
			return err
		}
		if err := tx.Delete(grantsBucket, grantsKey("function", full)); err != nil {
			return err
		}
		return tx.Delete(ModelsBucket, full)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// reservedAlias matches the alias names MLflow keeps for itself: "latest"
// and version references like "v3" (mlflow/utils/validation.py,
// _validate_model_alias_name).
var reservedAlias = regexp.MustCompile(`^(latest|v\d+)$`)

func validateAlias(alias string) error {
	if err := validateName("alias", "alias", alias); err != nil {
		return err
	}
	if reservedAlias.MatchString(strings.ToLower(alias)) {
		return core.InvalidParam("Invalid alias name '%s': 'latest' and names of the form v<number> are reserved.", alias)
	}
	return nil
}

func (s *Service) setModelAlias(r *http.Request) (any, error) {
	full, err := modelFullName(r)
	if err != nil {
		return nil, err
	}
	var req struct {
		VersionNum int `json:"version_num"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	return s.setAlias(full, r.PathValue("alias"), req.VersionNum)
}

// setAlias points alias at version, moving it if it pointed elsewhere: one
// transaction on the model document, so readers see the old or the new
// version, never neither.
func (s *Service) setAlias(full, alias string, version int) (ModelAlias, error) {
	alias = strings.ToLower(alias)
	if err := validateAlias(alias); err != nil {
		return ModelAlias{}, err
	}
	if version <= 0 {
		return ModelAlias{}, core.InvalidParam("Missing required field: version_num")
	}
	_, err := ucUpdate(s, ModelsBucket, full, modelKind, func(tx core.Tx, m *RegisteredModel) error {
		var v modelVersion
		if err := loadVersion(tx, full, version, &v); err != nil {
			return err
		}
		if m.Aliases == nil {
			m.Aliases = map[string]int{}
		}
		m.Aliases[alias] = version
		return nil
	})
	if err != nil {
		return ModelAlias{}, err
	}
	return ModelAlias{AliasName: alias, VersionNum: version}, nil
}

func (s *Service) deleteModelAlias(r *http.Request) (any, error) {
	full, err := modelFullName(r)
	if err != nil {
		return nil, err
	}
	return s.deleteAlias(full, r.PathValue("alias"))
}

func (s *Service) deleteAlias(full, alias string) (any, error) {
	alias = strings.ToLower(alias)
	_, err := ucUpdate(s, ModelsBucket, full, modelKind, func(_ core.Tx, m *RegisteredModel) error {
		if _, ok := m.Aliases[alias]; !ok {
			return core.NotFound("Alias '%s' does not exist on %s '%s'.", alias, modelKind, full)
		}
		delete(m.Aliases, alias)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// getModelVersionByAlias answers ModelVersionInfo of the version alias
// points at.
func (s *Service) getModelVersionByAlias(r *http.Request) (any, error) {
	full, err := modelFullName(r)
	if err != nil {
		return nil, err
	}
	withAliases, err := queryBool(r, "include_aliases")
	if err != nil {
		return nil, err
	}
	alias := strings.ToLower(r.PathValue("alias"))
	m, v, err := s.versionByAlias(full, alias)
	if err != nil {
		return nil, err
	}
	return v.ucView(m, withAliases), nil
}

// versionByAlias loads the model and the version its alias points at.
func (s *Service) versionByAlias(full, alias string) (RegisteredModel, modelVersion, error) {
	var (
		m RegisteredModel
		v modelVersion
	)
	err := s.Store().View(func(tx core.Tx) error {
		if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
			return err
		}
		n, ok := m.Aliases[alias]
		if !ok {
			return core.NotFound("Alias '%s' does not exist on %s '%s'.", alias, modelKind, full)
		}
		return loadVersion(tx, full, n, &v)
	})
	v.settle(s.Now())
	return m, v, err
}

// --- MLflow API for Unity Catalog registered models ---
// /api/2.0/mlflow/unity-catalog/registered-models/{create,get,update,delete,search}:
// what the MLflow client calls (mlflow.register_model creates the model
// first). Shapes: RegisteredModel in databricks_uc_registry_messages.proto.

type mlflowRegisteredModel struct {
	Name                 string         `json:"name"`
	CreationTimestamp    int64          `json:"creation_timestamp"`
	LastUpdatedTimestamp int64          `json:"last_updated_timestamp"`
	UserID               string         `json:"user_id"`
	Description          string         `json:"description,omitempty"`
	Aliases              []mlflowAlias  `json:"aliases,omitempty"`
	Tags                 []mlflowKeyVal `json:"tags,omitempty"`
}

func (m RegisteredModel) mlflowView() mlflowRegisteredModel {
	out := mlflowRegisteredModel{
		Name: m.FullName, CreationTimestamp: m.CreatedAt, LastUpdatedTimestamp: m.UpdatedAt,
		UserID: m.CreatedBy, Description: m.Comment,
	}
	for _, a := range m.AliasList(0) {
		out.Aliases = append(out.Aliases, mlflowAlias{Alias: a.AliasName, Version: strconv.Itoa(a.VersionNum)})
	}
	return out
}

func (s *Service) mlflowCreateRegisteredModel(r *http.Request) (any, error) {
	var req struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	full, err := mlflowFullName(req.Name)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(full, ".")
	if err := validateName("registered model", "name", parts[2]); err != nil {
		return nil, err
	}
	m, err := s.insertRegisteredModel(parts[0], parts[1], parts[2], req.Description, "")
	if err != nil {
		return nil, err
	}
	return map[string]any{"registered_model": m.mlflowView()}, nil
}

func (s *Service) mlflowGetRegisteredModel(r *http.Request) (any, error) {
	full, err := mlflowFullName(r.URL.Query().Get("name"))
	if err != nil {
		return nil, err
	}
	m, err := ucGet[RegisteredModel](s, ModelsBucket, full, modelKind)
	if err != nil {
		return nil, err
	}
	return map[string]any{"registered_model": m.mlflowView()}, nil
}

func (s *Service) mlflowUpdateRegisteredModel(r *http.Request) (any, error) {
	var req struct {
		Name        string  `json:"name"`
		NewName     string  `json:"new_name"`
		Description *string `json:"description"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	full, err := mlflowFullName(req.Name)
	if err != nil {
		return nil, err
	}
	m, err := ucUpdate(s, ModelsBucket, full, modelKind, func(_ core.Tx, m *RegisteredModel) error {
		return securableUpdate{Comment: req.Description, NewName: req.NewName}.apply("registered model", &m.Comment, &m.Owner, new(map[string]string))
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"registered_model": m.mlflowView()}, nil
}

func (s *Service) mlflowDeleteRegisteredModel(r *http.Request) (any, error) {
	var req struct {
		Name string `json:"name"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	fillFromQuery(r, map[string]*string{"name": &req.Name})
	full, err := mlflowFullName(req.Name)
	if err != nil {
		return nil, err
	}
	r.SetPathValue("full_name", full)
	return s.deleteRegisteredModel(r)
}

// mlflowSearchRegisteredModels lists every model, 100 per page by default
// and at most 1000 (SearchRegisteredModelsRequest.max_results).
func (s *Service) mlflowSearchRegisteredModels(r *http.Request) (any, error) {
	all, err := UCList[RegisteredModel](s, ModelsBucket, "")
	if err != nil {
		return nil, err
	}
	items, next, err := core.PageMaxResults(r, all, 100, 1000, false)
	if err != nil {
		return nil, err
	}
	views := make([]mlflowRegisteredModel, len(items))
	for i, m := range items {
		views[i] = m.mlflowView()
	}
	return map[string]any{"registered_models": views, "next_page_token": next}, nil
}
