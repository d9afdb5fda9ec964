package workspace

import (
	"net/http"
	"slices"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Catalogs: /api/2.1/unity-catalog/catalogs. Fields follow
// databricks-sdk-go service/catalog/model.go (CatalogInfo, CreateCatalog,
// UpdateCatalog, DeleteCatalogRequest, ListCatalogsRequest).
//
// A new catalog comes with the schemas "default" and "information_schema",
// as on a real metastore. Deleting a catalog that still holds schemas other
// than information_schema is refused unless force=true, which deletes
// everything inside it.

// CatalogInfo is a stored catalog (catalog.CatalogInfo).
type CatalogInfo struct {
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

// InformationSchema is the read-only schema every catalog has.
const InformationSchema = "information_schema"

func (s *Service) createCatalog(r *http.Request) (any, error) {
	var req struct {
		Name        string            `json:"name"`
		Comment     string            `json:"comment"`
		Properties  map[string]string `json:"properties"`
		StorageRoot string            `json:"storage_root"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := validateName("catalog", "name", req.Name); err != nil {
		return nil, err
	}
	if err := validateComment("catalog", req.Comment); err != nil {
		return nil, err
	}
	name := strings.ToLower(req.Name)
	c := CatalogInfo{
		Name: name, FullName: name, Comment: req.Comment, Properties: req.Properties,
		Owner: s.Options().UserName, CatalogType: "MANAGED_CATALOG", IsolationMode: "OPEN",
		EnablePredictiveOptimization: "INHERIT", SecurableType: "CATALOG", MetastoreID: metastoreID,
		StorageRoot: req.StorageRoot, StorageLocation: storageRoot + "/catalogs/" + newUUID(),
		auditFields: s.stampCreated(),
	}
	err := s.Store().Update(func(tx core.Tx) error {
		if err := mustNotExist(tx, CatalogsBucket, name, "Catalog"); err != nil {
			return err
		}
		if err := tx.Put(CatalogsBucket, name, c); err != nil {
			return err
		}
		for _, sc := range []string{"default", InformationSchema} {
			info := s.newSchema(c, sc, "")
			if sc == InformationSchema {
				info.Owner = "System user"
				info.Comment = "Information schema (auto-created)"
			} else {
				info.Comment = "Default schema (auto-created)"
			}
			if err := tx.Put(SchemasBucket, info.FullName, info); err != nil {
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

func (s *Service) getCatalog(r *http.Request) (any, error) {
	return ucGet[CatalogInfo](s, CatalogsBucket, strings.ToLower(r.PathValue("name")), "Catalog")
}

func (s *Service) listCatalogs(r *http.Request) (any, error) {
	all, err := UCList[CatalogInfo](s, CatalogsBucket, "")
	if err != nil {
		return nil, err
	}
	items, next, err := core.PageMaxResults(r, all, 50, 1000, true)
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
		return core.APIErr(http.StatusNotImplemented, core.CodeNotImplemented, "Renaming a %s is not supported by the emulator.", kind)
	}
	if u.Owner != nil && *u.Owner == "" {
		return core.InvalidParam("Owner cannot be empty.")
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

func (s *Service) updateCatalog(r *http.Request) (any, error) {
	var req securableUpdate
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	name := strings.ToLower(r.PathValue("name"))
	return ucUpdate(s, CatalogsBucket, name, "Catalog", func(_ core.Tx, c *CatalogInfo) error {
		if err := req.apply("catalog", &c.Comment, &c.Owner, &c.Properties); err != nil {
			return err
		}
		s.stampUpdated(&c.auditFields)
		return nil
	})
}

func (s *Service) deleteCatalog(r *http.Request) (any, error) {
	name := strings.ToLower(r.PathValue("name"))
	force, err := queryBool(r, "force")
	if err != nil {
		return nil, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		var c CatalogInfo
		if err := loadDoc(tx, CatalogsBucket, name, "Catalog", &c); err != nil {
			return err
		}
		schemas, err := core.GetAll[SchemaInfo](tx, SchemasBucket, name+".")
		if err != nil {
			return err
		}
		schemas = slices.DeleteFunc(schemas, func(sc SchemaInfo) bool { return sc.Name == InformationSchema })
		if len(schemas) > 0 && !force {
			return core.InvalidState("Catalog '%s' is not empty. The catalog has %d schemas(s) (excluding information_schema). Delete them first or use force=true.", name, len(schemas))
		}
		for _, b := range []string{SchemasBucket, TablesBucket, ModelsBucket, ModelVersionsBucket, volumesBucket} {
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
		return tx.Delete(CatalogsBucket, name)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
