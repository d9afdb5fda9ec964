package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// Catalogs: /api/2.1/unity-catalog/catalogs. Fields follow
// databricks-sdk-go service/catalog/model.go (CatalogInfo, CreateCatalog,
// UpdateCatalog, DeleteCatalogRequest, ListCatalogsRequest).
//
// A new catalog comes with the schemas "default" and "information_schema",
// as on a real metastore. Deleting a catalog that still holds schemas other
// than information_schema is refused unless force=true, which deletes
// everything inside it.

type catalogInfo struct {
	Name                         string            `json:"name"`
	FullName                     string            `json:"full_name"`
	Comment                      string            `json:"comment,omitempty"`
	Properties                   map[string]string `json:"properties,omitempty"`
	Owner                        string            `json:"owner"`
	CatalogType                  string            `json:"catalog_type"`
	IsolationMode                string            `json:"isolation_mode"`
	EnablePredictiveOptimization string            `json:"enable_predictive_optimization"`
	SecurableType                string            `json:"securable_type"`
	MetastoreID                  string            `json:"metastore_id"`
	StorageRoot                  string            `json:"storage_root,omitempty"`
	StorageLocation              string            `json:"storage_location"`
	BrowseOnly                   bool              `json:"browse_only"`
	auditFields
}

// informationSchema is the read-only schema every catalog has.
const informationSchema = "information_schema"

func (s *Server) createCatalog(r *http.Request) (any, error) {
	var req struct {
		Name        string            `json:"name"`
		Comment     string            `json:"comment"`
		Properties  map[string]string `json:"properties"`
		StorageRoot string            `json:"storage_root"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := validateName("catalog", "name", req.Name); err != nil {
		return nil, err
	}
	if err := validateComment("catalog", req.Comment); err != nil {
		return nil, err
	}
	name := strings.ToLower(req.Name)
	c := catalogInfo{
		Name: name, FullName: name, Comment: req.Comment, Properties: req.Properties,
		Owner: s.opts.UserName, CatalogType: "MANAGED_CATALOG", IsolationMode: "OPEN",
		EnablePredictiveOptimization: "INHERIT", SecurableType: "CATALOG", MetastoreID: metastoreID,
		StorageRoot: req.StorageRoot, StorageLocation: storageRoot + "/catalogs/" + newUUID(),
		auditFields: s.stampCreated(),
	}
	err := s.store.Update(func(tx Tx) error {
		if err := mustNotExist(tx, catalogsBucket, name, "Catalog"); err != nil {
			return err
		}
		if err := tx.Put(catalogsBucket, name, c); err != nil {
			return err
		}
		for _, sc := range []string{"default", informationSchema} {
			info := s.newSchema(c, sc, "")
			if sc == informationSchema {
				info.Owner = "System user"
				info.Comment = "Information schema (auto-created)"
			} else {
				info.Comment = "Default schema (auto-created)"
			}
			if err := tx.Put(schemasBucket, info.FullName, info); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Server) getCatalog(r *http.Request) (any, error) {
	return ucGet[catalogInfo](s, catalogsBucket, strings.ToLower(r.PathValue("name")), "Catalog")
}

func (s *Server) listCatalogs(r *http.Request) (any, error) {
	all, err := ucList[catalogInfo](s, catalogsBucket, "")
	if err != nil {
		return nil, err
	}
	items, next, err := pageMaxResults(r, all, 50, 1000, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{"catalogs": items, "next_page_token": next}, nil
}

// securableUpdate is what catalog and schema PATCH bodies share
// (UpdateCatalog, UpdateSchema). Pointers tell "absent" from "set to empty",
// which the SDK sends through ForceSendFields.
type securableUpdate struct {
	Comment    *string           `json:"comment"`
	Owner      *string           `json:"owner"`
	Properties map[string]string `json:"properties"`
	NewName    string            `json:"new_name"`
}

// apply changes comment, owner and properties. A properties map replaces the
// previous one.
func (u securableUpdate) apply(kind string, comment, owner *string, props *map[string]string) error {
	if u.NewName != "" {
		return apiErr(http.StatusNotImplemented, codeNotImplemented, "Renaming a %s is not supported by the emulator.", kind)
	}
	if u.Owner != nil && *u.Owner == "" {
		return invalidParam("Owner cannot be empty.")
	}
	if u.Comment != nil {
		if err := validateComment(kind, *u.Comment); err != nil {
			return err
		}
	}
	if u.Comment != nil {
		*comment = *u.Comment
	}
	if u.Owner != nil {
		*owner = *u.Owner
	}
	if u.Properties != nil {
		*props = u.Properties
	}
	return nil
}

func (s *Server) updateCatalog(r *http.Request) (any, error) {
	var req securableUpdate
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	name := strings.ToLower(r.PathValue("name"))
	return ucUpdate(s, catalogsBucket, name, "Catalog", func(_ Tx, c *catalogInfo) error {
		if err := req.apply("catalog", &c.Comment, &c.Owner, &c.Properties); err != nil {
			return err
		}
		s.stampUpdated(&c.auditFields)
		return nil
	})
}

func (s *Server) deleteCatalog(r *http.Request) (any, error) {
	name := strings.ToLower(r.PathValue("name"))
	force, err := queryBool(r, "force")
	if err != nil {
		return nil, err
	}
	err = s.store.Update(func(tx Tx) error {
		var c catalogInfo
		if err := loadDoc(tx, catalogsBucket, name, "Catalog", &c); err != nil {
			return err
		}
		schemas, err := getAll[schemaInfo](tx, schemasBucket, name+".")
		if err != nil {
			return err
		}
		schemas = slices.DeleteFunc(schemas, func(sc schemaInfo) bool { return sc.Name == informationSchema })
		if len(schemas) > 0 && !force {
			return invalidState("Catalog '%s' is not empty. The catalog has %d schemas(s) (excluding information_schema). Delete them first or use force=true.", name, len(schemas))
		}
		for _, b := range []string{schemasBucket, tablesBucket, modelsBucket, modelVersionsBucket, volumesBucket} {
			if err := deleteUnder(tx, b, name+"."); err != nil {
				return err
			}
		}
		if err := deleteGrantsUnder(tx, name); err != nil {
			return err
		}
		if err := tx.Delete(workspaceBindingsBucket, "catalog/"+name); err != nil {
			return err
		}
		return tx.Delete(catalogsBucket, name)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
