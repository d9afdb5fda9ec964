package workspace

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// The metastore this workspace is assigned to, and workspace bindings of
// securables. Paths and shapes from databricks-sdk-go
// service/catalog/impl.go and model.go (MetastoreAssignment,
// GetMetastoreSummaryResponse, WorkspaceBinding,
// GetCatalogWorkspaceBindingsResponse, UpdateWorkspaceBindingsParameters).
// The official Terraform provider reads the assignment before it changes or
// deletes a catalog, and binds isolated securables to the current workspace.

const workspaceBindingsBucket = "uc_workspace_bindings"

// metastoreName and metastoreRegion describe the one metastore every
// emulated workspace is assigned to.
const (
	metastoreName   = "brickops-emulator"
	metastoreRegion = "westeurope"
)

// metastoreCreatedAt is when the metastore was created (fixed: it predates
// every workspace the emulator serves).
const metastoreCreatedAt = 1700000000000

// currentMetastoreAssignment is GET current-metastore-assignment.
func (s *Service) currentMetastoreAssignment(r *http.Request) (any, error) {
	id, err := s.workspaceIDNumber()
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"metastore_id":         metastoreID,
		"workspace_id":         id,
		"default_catalog_name": "hive_metastore",
	}, nil
}

// metastoreSummary is GET metastore_summary.
func (s *Service) metastoreSummary(r *http.Request) (any, error) {
	return map[string]any{
		"metastore_id":            metastoreID,
		"name":                    metastoreName,
		"cloud":                   "azure",
		"region":                  metastoreRegion,
		"global_metastore_id":     "azure:" + metastoreRegion + ":" + metastoreID,
		"storage_root":            storageRoot,
		"owner":                   s.Options().UserName,
		"privilege_model_version": "1.0",
		"delta_sharing_scope":     "INTERNAL",
		"external_access_enabled": false,
		"created_at":              metastoreCreatedAt,
		"created_by":              s.Options().UserName,
		"updated_at":              metastoreCreatedAt,
		"updated_by":              s.Options().UserName,
	}, nil
}

func (s *Service) workspaceIDNumber() (int64, error) {
	id, err := strconv.ParseInt(s.WorkspaceID(), 10, 64)
	if err != nil {
		return 0, core.APIErr(http.StatusInternalServerError, core.CodeInternalError, "workspace id %q is not a number", s.WorkspaceID())
	}
	return id, nil
}

// workspaceBinding is catalog.WorkspaceBinding.
type workspaceBinding struct {
	WorkspaceID int64  `json:"workspace_id"`
	BindingType string `json:"binding_type,omitempty"`
}

var bindingTypes = []string{"BINDING_TYPE_READ_ONLY", "BINDING_TYPE_READ_WRITE"}

// bindableSecurables maps the securable types of the bindings API to the
// emulator's buckets; the others (external locations, credentials) are not
// emulated, so none of them exists.
var bindableSecurables = map[string]string{
	"catalog": CatalogsBucket, "catalogs": CatalogsBucket,
	"external_location": "", "external_locations": "",
	"storage_credential": "", "storage_credentials": "",
	"credential": "", "credentials": "",
}

// bindingsKey checks that the securable exists and returns its key.
func bindingsKey(tx core.Tx, typ, name string) (string, error) {
	bucket, ok := bindableSecurables[strings.ToLower(typ)]
	if !ok {
		return "", core.InvalidParam("Invalid securable type %q: expected catalog, external_location, storage_credential or credential.", typ)
	}
	name = strings.ToLower(name)
	kind := strings.ReplaceAll(strings.TrimSuffix(strings.ToLower(typ), "s"), "_", " ")
	kind = strings.ToUpper(kind[:1]) + kind[1:]
	if bucket == "" {
		return "", core.NotFound("%s '%s' does not exist.", kind, name)
	}
	var probe map[string]any
	found, err := tx.Get(bucket, name, &probe)
	if err != nil {
		return "", err
	}
	if !found {
		return "", core.NotFound("%s '%s' does not exist.", kind, name)
	}
	return "catalog/" + name, nil
}

func loadBindings(tx core.Tx, key string) ([]workspaceBinding, error) {
	var b []workspaceBinding
	_, err := tx.Get(workspaceBindingsBucket, key, &b)
	return b, err
}

// getBindings is GET bindings/{securable_type}/{securable_name}.
func (s *Service) getBindings(r *http.Request) (any, error) {
	var all []workspaceBinding
	err := s.Store().View(func(tx core.Tx) error {
		key, err := bindingsKey(tx, r.PathValue("securable_type"), r.PathValue("securable_name"))
		if err != nil {
			return err
		}
		all, err = loadBindings(tx, key)
		return err
	})
	if err != nil {
		return nil, err
	}
	items, next, err := core.PageMaxResults(r, all, 1000, 1000, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{"bindings": items, "next_page_token": next}, nil
}

// updateBindings is PATCH bindings/{securable_type}/{securable_name}: add,
// then remove, by workspace id.
func (s *Service) updateBindings(r *http.Request) (any, error) {
	var req struct {
		Add    []workspaceBinding `json:"add"`
		Remove []workspaceBinding `json:"remove"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	for _, b := range slices.Concat(req.Add, req.Remove) {
		if b.WorkspaceID <= 0 {
			return nil, core.InvalidParam("Missing required field: workspace_id")
		}
		if err := core.OneOf("binding_type", b.BindingType, bindingTypes); err != nil {
			return nil, err
		}
	}
	var remove []int64
	for _, b := range req.Remove {
		remove = append(remove, b.WorkspaceID)
	}
	for i := range req.Add {
		if req.Add[i].BindingType == "" {
			req.Add[i].BindingType = "BINDING_TYPE_READ_WRITE"
		}
	}
	out, err := s.changeBindings(r.PathValue("securable_type"), r.PathValue("securable_name"), req.Add, remove)
	if err != nil {
		return nil, err
	}
	return map[string]any{"bindings": out}, nil
}

// getCatalogBindings is GET workspace-bindings/catalogs/{name}, the older
// form that lists workspace ids only.
func (s *Service) getCatalogBindings(r *http.Request) (any, error) {
	var all []workspaceBinding
	err := s.Store().View(func(tx core.Tx) error {
		key, err := bindingsKey(tx, "catalog", r.PathValue("name"))
		if err != nil {
			return err
		}
		all, err = loadBindings(tx, key)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"workspaces": workspaceIDs(all)}, nil
}

// updateCatalogBindings is PATCH workspace-bindings/catalogs/{name}.
func (s *Service) updateCatalogBindings(r *http.Request) (any, error) {
	var req struct {
		AssignWorkspaces   []int64 `json:"assign_workspaces"`
		UnassignWorkspaces []int64 `json:"unassign_workspaces"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	var add []workspaceBinding
	for _, id := range req.AssignWorkspaces {
		add = append(add, workspaceBinding{WorkspaceID: id, BindingType: "BINDING_TYPE_READ_WRITE"})
	}
	for _, id := range slices.Concat(req.AssignWorkspaces, req.UnassignWorkspaces) {
		if id <= 0 {
			return nil, core.InvalidParam("Invalid workspace id %d.", id)
		}
	}
	out, err := s.changeBindings("catalog", r.PathValue("name"), add, req.UnassignWorkspaces)
	if err != nil {
		return nil, err
	}
	return map[string]any{"workspaces": workspaceIDs(out)}, nil
}

// changeBindings applies add then remove to a securable's bindings in one
// transaction and returns the result, sorted by workspace id.
func (s *Service) changeBindings(typ, name string, add []workspaceBinding, remove []int64) ([]workspaceBinding, error) {
	var out []workspaceBinding
	err := s.Store().Update(func(tx core.Tx) error {
		key, err := bindingsKey(tx, typ, name)
		if err != nil {
			return err
		}
		cur, err := loadBindings(tx, key)
		if err != nil {
			return err
		}
		for _, b := range add {
			cur = slices.DeleteFunc(cur, func(c workspaceBinding) bool { return c.WorkspaceID == b.WorkspaceID })
			cur = append(cur, b)
		}
		cur = slices.DeleteFunc(cur, func(c workspaceBinding) bool { return slices.Contains(remove, c.WorkspaceID) })
		slices.SortFunc(cur, func(a, b workspaceBinding) int { return cmp.Compare(a.WorkspaceID, b.WorkspaceID) })
		out = cur
		return tx.Put(workspaceBindingsBucket, key, cur)
	})
	return out, err
}

func workspaceIDs(bs []workspaceBinding) []int64 {
	ids := make([]int64, 0, len(bs))
	for _, b := range bs {
		ids = append(ids, b.WorkspaceID)
	}
	return ids
}
