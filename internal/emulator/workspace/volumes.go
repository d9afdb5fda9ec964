package workspace

import (
	"net/http"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Volumes: /api/2.1/unity-catalog/volumes. Fields follow databricks-sdk-go
// v0.118.0 service/catalog/model.go (VolumeInfo, CreateVolumeRequestContent,
// UpdateVolumeRequestContent, ListVolumesRequest,
// ListVolumesResponseContent). A volume lives in a schema; a MANAGED volume
// is stored under its schema's storage, an EXTERNAL one at the
// storage_location the caller names.

const volumesBucket = "uc_volumes"

type volumeInfo struct {
	Name            string `json:"name"`
	CatalogName     string `json:"catalog_name"`
	SchemaName      string `json:"schema_name"`
	FullName        string `json:"full_name"`
	Comment         string `json:"comment,omitempty"`
	Owner           string `json:"owner"`
	VolumeType      string `json:"volume_type"`
	VolumeID        string `json:"volume_id"`
	MetastoreID     string `json:"metastore_id"`
	StorageLocation string `json:"storage_location"`
	auditFields
}

func (s *Service) createVolume(r *http.Request) (any, error) {
	var req struct {
		CatalogName     string `json:"catalog_name"`
		SchemaName      string `json:"schema_name"`
		Name            string `json:"name"`
		Comment         string `json:"comment"`
		StorageLocation string `json:"storage_location"`
		VolumeType      string `json:"volume_type"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("catalog_name", req.CatalogName); err != nil {
		return nil, err
	}
	if err := core.RequireString("schema_name", req.SchemaName); err != nil {
		return nil, err
	}
	if err := validateName("volume", "name", req.Name); err != nil {
		return nil, err
	}
	if err := validateComment("volume", req.Comment); err != nil {
		return nil, err
	}
	switch req.VolumeType {
	case "MANAGED":
		if req.StorageLocation != "" {
			return nil, core.InvalidParam("Managed volumes cannot have a storage_location; it is assigned from the schema's storage.")
		}
	case "EXTERNAL":
		if err := core.RequireString("storage_location", req.StorageLocation); err != nil {
			return nil, err
		}
		if !strings.Contains(req.StorageLocation, "://") {
			return nil, core.InvalidParam("Invalid storage_location '%s': expected a URL such as abfss://container@account.dfs.core.windows.net/path.", req.StorageLocation)
		}
	case "":
		return nil, core.InvalidParam("Missing required field: volume_type")
	default:
		return nil, core.InvalidParam("Invalid volume_type %q: expected MANAGED or EXTERNAL.", req.VolumeType)
	}
	var v volumeInfo
	err := s.Store().Update(func(tx core.Tx) error {
		var sc SchemaInfo
		if err := loadDoc(tx, SchemasBucket, UCKey(req.CatalogName, req.SchemaName), "Schema", &sc); err != nil {
			return err
		}
		id := newUUID()
		v = volumeInfo{
			Name: strings.ToLower(req.Name), CatalogName: sc.CatalogName, SchemaName: sc.Name,
			FullName: UCKey(sc.FullName, req.Name), Comment: req.Comment, Owner: s.Options().UserName,
			VolumeType: req.VolumeType, VolumeID: id, MetastoreID: metastoreID,
			StorageLocation: req.StorageLocation, auditFields: s.stampCreated(),
		}
		if v.VolumeType == "MANAGED" {
			v.StorageLocation = sc.StorageLocation + "/volumes/" + id
		}
		if err := mustNotExist(tx, volumesBucket, v.FullName, "Volume"); err != nil {
			return err
		}
		return tx.Put(volumesBucket, v.FullName, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// volumeKey is the store key of the volume the path's full name names.
func volumeKey(r *http.Request) (string, error) {
	parts, err := splitFullName("volume", r.PathValue("name"), 3)
	if err != nil {
		return "", err
	}
	return UCKey(parts...), nil
}

func (s *Service) getVolume(r *http.Request) (any, error) {
	key, err := volumeKey(r)
	if err != nil {
		return nil, err
	}
	return ucGet[volumeInfo](s, volumesBucket, key, "Volume")
}

func (s *Service) listVolumes(r *http.Request) (any, error) {
	q := r.URL.Query()
	catalog, schema := strings.ToLower(q.Get("catalog_name")), strings.ToLower(q.Get("schema_name"))
	if err := core.RequireString("catalog_name", catalog); err != nil {
		return nil, err
	}
	if err := core.RequireString("schema_name", schema); err != nil {
		return nil, err
	}
	if _, err := ucGet[SchemaInfo](s, SchemasBucket, UCKey(catalog, schema), "Schema"); err != nil {
		return nil, err
	}
	all, err := UCList[volumeInfo](s, volumesBucket, UCKey(catalog, schema)+".")
	if err != nil {
		return nil, err
	}
	items, next, err := core.PageMaxResults(r, all, 1000, 10000, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{"volumes": items, "next_page_token": next}, nil
}

// updateVolume changes comment and owner and renames within the schema
// (new_name), which moves the document to its new key.
func (s *Service) updateVolume(r *http.Request) (any, error) {
	var req securableUpdate
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	key, err := volumeKey(r)
	if err != nil {
		return nil, err
	}
	newName := req.NewName
	req.NewName = ""
	if newName != "" {
		if err := validateName("volume", "new_name", newName); err != nil {
			return nil, err
		}
	}
	var v volumeInfo
	err = s.Store().Update(func(tx core.Tx) error {
		if err := loadDoc(tx, volumesBucket, key, "Volume", &v); err != nil {
			return err
		}
		var props map[string]string
		if err := req.apply("volume", &v.Comment, &v.Owner, &props); err != nil {
			return err
		}
		if newName != "" && strings.ToLower(newName) != v.Name {
			v.Name = strings.ToLower(newName)
			v.FullName = UCKey(v.CatalogName, v.SchemaName, v.Name)
			if err := mustNotExist(tx, volumesBucket, v.FullName, "Volume"); err != nil {
				return err
			}
			if err := tx.Delete(volumesBucket, key); err != nil {
				return err
			}
		}
		s.stampUpdated(&v.auditFields)
		return tx.Put(volumesBucket, v.FullName, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Service) deleteVolume(r *http.Request) (any, error) {
	key, err := volumeKey(r)
	if err != nil {
		return nil, err
	}
	err = s.Store().Update(func(tx core.Tx) error {
		var v volumeInfo
		if err := loadDoc(tx, volumesBucket, key, "Volume", &v); err != nil {
			return err
		}
		return tx.Delete(volumesBucket, key)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
