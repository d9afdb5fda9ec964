package emulator

import (
	"net/http"
	"strings"
)

// Schemas: /api/2.1/unity-catalog/schemas. Fields follow databricks-sdk-go
// service/catalog/model.go (SchemaInfo, CreateSchema, UpdateSchema,
// DeleteSchemaRequest, ListSchemasRequest).
//
// Deleting a schema that still holds tables, registered models or volumes is
// refused unless force=true, with the real message, which counts registered
// models as functions ("The schema has 0 tables(s), 1 functions(s), 0 volumes(s)").

type schemaInfo struct {
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

func (s *Server) newSchema(c catalogInfo, name, storageRootOverride string) schemaInfo {
	id := newUUID()
	return schemaInfo{
		Name: name, CatalogName: c.Name, FullName: ucKey(c.Name, name), Owner: s.opts.UserName,
		CatalogType: c.CatalogType, SchemaID: id, MetastoreID: metastoreID, StorageRoot: storageRootOverride,
		StorageLocation: c.StorageLocation + "/__unitystorage/schemas/" + id, EnablePredictiveOptimization: "INHERIT",
		auditFields: s.stampCreated(),
	}
}

func (s *Server) createSchema(r *http.Request) (any, error) {
	var req struct {
		CatalogName string            `json:"catalog_name"`
		Name        string            `json:"name"`
		Comment     string            `json:"comment"`
		Properties  map[string]string `json:"properties"`
		StorageRoot string            `json:"storage_root"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("catalog_name", req.CatalogName); err != nil {
		return nil, err
	}
	if err := validateName("schema", "name", req.Name); err != nil {
		return nil, err
	}
	if err := validateComment("schema", req.Comment); err != nil {
		return nil, err
	}
	var sc schemaInfo
	err := s.store.Update(func(tx Tx) error {
		var c catalogInfo
		if err := loadDoc(tx, catalogsBucket, strings.ToLower(req.CatalogName), "Catalog", &c); err != nil {
			return err
		}
		sc = s.newSchema(c, strings.ToLower(req.Name), req.StorageRoot)
		sc.Comment, sc.Properties = req.Comment, req.Properties
		if err := mustNotExist(tx, schemasBucket, sc.FullName, "Schema"); err != nil {
			return err
		}
		return tx.Put(schemasBucket, sc.FullName, sc)
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

func (s *Server) getSchema(r *http.Request) (any, error) {
	parts, err := splitFullName("schema", r.PathValue("full_name"), 2)
	if err != nil {
		return nil, err
	}
	return ucGet[schemaInfo](s, schemasBucket, ucKey(parts...), "Schema")
}

func (s *Server) listSchemas(r *http.Request) (any, error) {
	catalog := strings.ToLower(r.URL.Query().Get("catalog_name"))
	if err := requireString("catalog_name", catalog); err != nil {
		return nil, err
	}
	if _, err := ucGet[catalogInfo](s, catalogsBucket, catalog, "Catalog"); err != nil {
		return nil, err
	}
	all, err := ucList[schemaInfo](s, schemasBucket, catalog+".")
	if err != nil {
		return nil, err
	}
	items, next, err := pageMaxResults(r, all, 50, 1000, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{"schemas": items, "next_page_token": next}, nil
}

func (s *Server) updateSchema(r *http.Request) (any, error) {
	var req securableUpdate
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	parts, err := splitFullName("schema", r.PathValue("full_name"), 2)
	if err != nil {
		return nil, err
	}
	return ucUpdate(s, schemasBucket, ucKey(parts...), "Schema", func(_ Tx, sc *schemaInfo) error {
		if sc.Name == informationSchema {
			return apiErr(http.StatusForbidden, codePermissionDenied, "Schema '%s' is a system schema and cannot be modified.", sc.FullName)
		}
		if err := req.apply("schema", &sc.Comment, &sc.Owner, &sc.Properties); err != nil {
			return err
		}
		s.stampUpdated(&sc.auditFields)
		return nil
	})
}

func (s *Server) deleteSchema(r *http.Request) (any, error) {
	parts, err := splitFullName("schema", r.PathValue("full_name"), 2)
	if err != nil {
		return nil, err
	}
	force, err := queryBool(r, "force")
	if err != nil {
		return nil, err
	}
	full := ucKey(parts...)
	err = s.store.Update(func(tx Tx) error {
		var sc schemaInfo
		if err := loadDoc(tx, schemasBucket, full, "Schema", &sc); err != nil {
			return err
		}
		if sc.Name == informationSchema {
			return apiErr(http.StatusForbidden, codePermissionDenied, "Schema '%s' is a system schema and cannot be deleted.", full)
		}
		tables, err := countUnder(tx, tablesBucket, full+".")
		if err != nil {
			return err
		}
		models, err := countUnder(tx, modelsBucket, full+".")
		if err != nil {
			return err
		}
		volumes, err := countUnder(tx, volumesBucket, full+".")
		if err != nil {
			return err
		}
		if tables+models+volumes > 0 && !force {
			return invalidState("Schema '%s' is not empty. The schema has %d tables(s), %d functions(s), %d volumes(s)", full, tables, models, volumes)
		}
		for _, b := range []string{tablesBucket, modelsBucket, modelVersionsBucket, volumesBucket} {
			if err := deleteUnder(tx, b, full+"."); err != nil {
				return err
			}
		}
		if err := deleteGrantsUnder(tx, full); err != nil {
			return err
		}
		return tx.Delete(schemasBucket, full)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
