package workspace

import (
	"net/http"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Schemas: /api/2.1/unity-catalog/schemas. Fields follow databricks-sdk-go
// service/catalog/model.go (SchemaInfo, CreateSchema, UpdateSchema,
// DeleteSchemaRequest, ListSchemasRequest).
//
// Deleting a schema that still holds tables, registered models or volumes is
// refused unless force=true, with the real message, which counts registered
// models as functions ("The schema has 0 tables(s), 1 functions(s), 0 volumes(s)").

// SchemaInfo is a stored schema (catalog.SchemaInfo).
type SchemaInfo struct {
	Name                         string            `json:"name"`
	CatalogName                  string            `json:"catalog_name"`
	FullName                     string            `json:"full_name"`
	Comment                      string            `json:"comment,omitempty"`
	Properties                   map[string]string `json:"properties,omitempty"`
	Owner                        string            `json:"owner"`
	CatalogType                  string            `json:"catalog_type"`
	SchemaID                     string            `json:"schema_id"`
	MetastoreID                  string            `json:"metastore_id"`
	StorageRoot                  string            `json:"storage_root,omitempty"`
	StorageLocation              string            `json:"storage_location"`
	EnablePredictiveOptimization string            `json:"enable_predictive_optimization"`
	BrowseOnly                   bool              `json:"browse_only"`
	auditFields
}

func (s *Service) newSchema(c CatalogInfo, name, storageRootOverride string) SchemaInfo {
	id := newUUID()
	return SchemaInfo{
		Name: name, CatalogName: c.Name, FullName: UCKey(c.Name, name), Owner: s.Options().UserName,
		CatalogType: c.CatalogType, SchemaID: id, MetastoreID: metastoreID, StorageRoot: storageRootOverride,
		StorageLocation: c.StorageLocation + "/__unitystorage/schemas/" + id, EnablePredictiveOptimization: "INHERIT",
		auditFields: s.stampCreated(),
	}
}

func (s *Service) createSchema(r *http.Request) (any, error) {
	var req struct {
		CatalogName string            `json:"catalog_name"`
		Name        string            `json:"name"`
		Comment     string            `json:"comment"`
		Properties  map[string]string `json:"properties"`
		StorageRoot string            `json:"storage_root"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("catalog_name", req.CatalogName); err != nil {
		return nil, err
	}
	if err := validateName("schema", "name", req.Name); err != nil {
		return nil, err
	}
	if err := validateComment("schema", req.Comment); err != nil {
		return nil, err
	}
	var sc SchemaInfo
	err := s.Store().Update(func(tx core.Tx) error {
		var c CatalogInfo
		if err := loadDoc(tx, CatalogsBucket, strings.ToLower(req.CatalogName), "Catalog", &c); err != nil {
			return err
		}
		sc = s.newSchema(c, strings.ToLower(req.Name), req.StorageRoot)
		sc.Comment, sc.Properties = req.Comment, req.Properties
		if err := mustNotExist(tx, SchemasBucket, sc.FullName, "Schema"); err != nil {
			return err
		}
		return tx.Put(SchemasBucket, sc.FullName, sc)
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

func (s *Service) getSchema(r *http.Request) (any, error) {
	parts, err := splitFullName("schema", r.PathValue("full_name"), 2)
	if err != nil {
		return nil, err
	}
	return ucGet[SchemaInfo](s, SchemasBucket, UCKey(parts...), "Schema")
}

func (s *Service) listSchemas(r *http.Request) (any, error) {
	catalog := strings.ToLower(r.URL.Query().Get("catalog_name"))
	if err := core.RequireString("catalog_name", catalog); err != nil {
		return nil, err
	}
	if _, err := ucGet[CatalogInfo](s, CatalogsBucket, catalog, "Catalog"); err != nil {
		return nil, err
	}
	all, err := UCList[SchemaInfo](s, SchemasBucket, catalog+".")
	if err != nil {
		return nil, err
	}
	items, next, err := core.PageMaxResults(r, all, 50, 1000, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{"schemas": items, "next_page_token": next}, nil
}

func (s *Service) updateSchema(r *http.Request) (any, error) {
	var req securableUpdate
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	parts, err := splitFullName("schema", r.PathValue("full_name"), 2)
	if err != nil {
		return nil, err
	}
	return ucUpdate(s, SchemasBucket, UCKey(parts...), "Schema", func(_ core.Tx, sc *SchemaInfo) error {
		if sc.Name == InformationSchema {
			return core.APIErr(http.StatusForbidden, core.CodePermissionDenied, "Schema '%s' is a system schema and cannot be modified.", sc.FullName)
		}
		if err := req.apply("schema", &sc.Comment, &sc.Owner, &sc.Properties); err != nil {
			return err
		}
		s.stampUpdated(&sc.auditFields)
		return nil
	})
}

func (s *Service) deleteSchema(r *http.Request) (any, error) {
	parts, err := splitFullName("schema", r.PathValue("full_name"), 2)
	if err != nil {
		return nil, err
	}
	force, err := queryBool(r, "force")
	if err != nil {
		return nil, err
	}
	full := UCKey(parts...)
	err = s.Store().Update(func(tx core.Tx) error {
		var sc SchemaInfo
		if err := loadDoc(tx, SchemasBucket, full, "Schema", &sc); err != nil {
			return err
		}
		if sc.Name == InformationSchema {
			return core.APIErr(http.StatusForbidden, core.CodePermissionDenied, "Schema '%s' is a system schema and cannot be deleted.", full)
		}
		tables, err := CountUnder(tx, TablesBucket, full+".")
		if err != nil {
			return err
		}
		models, err := CountUnder(tx, ModelsBucket, full+".")
		if err != nil {
			return err
		}
		volumes, err := CountUnder(tx, volumesBucket, full+".")
		if err != nil {
			return err
		}
		if tables+models+volumes > 0 && !force {
			return core.InvalidState("Schema '%s' is not empty. The schema has %d tables(s), %d functions(s), %d volumes(s)", full, tables, models, volumes)
		}
		for _, b := range []string{TablesBucket, ModelsBucket, ModelVersionsBucket, volumesBucket} {
			if err := deleteUnder(tx, b, full+"."); err != nil {
				return err
			}
		}
		if err := deleteGrantsUnder(tx, full); err != nil {
			return err
		}
		return tx.Delete(SchemasBucket, full)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
