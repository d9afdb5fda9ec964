package workspace

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/ucprivileges"
)

// Grants: /api/2.1/unity-catalog/permissions/{securable_type}/{full_name}.
// Shapes follow databricks-sdk-go service/catalog/model.go
// (GetPermissionsResponse, PrivilegeAssignment, UpdatePermissions,
// PermissionsChange, Privilege). Registered models are FUNCTION securables
// ("The securable type for models is FUNCTION", RegisteredModels API docs).
//
// Each securable keeps one document: principal → privileges. PATCH applies
// every change in order and answers the resulting assignments.

// grantable lists, per securable type, where its objects live and how deep
// its name is; ucprivileges knows which privileges apply to it.
var grantable = map[string]struct {
	bucket string
	kind   string
	parts  int
}{
	"catalog":  {CatalogsBucket, "Catalog", 1},
	"schema":   {SchemasBucket, "Schema", 2},
	"table":    {TablesBucket, "Table", 3},
	"function": {ModelsBucket, "Routine or Model", 3},
}

// grantsDoc is the stored document of one securable.
type grantsDoc map[string][]string

type privilegeAssignment struct {
	Principal  string   `json:"principal"`
	Privileges []string `json:"privileges"`
}

// grantsKey is "<full name>#<type>", so that deleting a catalog or schema
// can drop the grants of everything under it by prefix.
func grantsKey(securableType, full string) string { return full + "#" + securableType }

// deleteGrantsUnder drops the grants on full and on every securable inside it.
func deleteGrantsUnder(tx core.Tx, full string) error {
	if err := deleteUnder(tx, grantsBucket, full+"#"); err != nil {
		return err
	}
	return deleteUnder(tx, grantsBucket, full+".")
}

// resolveSecurable checks the securable type and that the object exists,
// returning its normalised type and store key.
func resolveSecurable(tx core.Tx, r *http.Request) (string, string, error) {
	typ := strings.ToLower(r.PathValue("securable_type"))
	g, ok := grantable[typ]
	if !ok {
		if slices.Contains([]string{"metastore", "volume", "external_location", "storage_credential", "connection", "share", "recipient", "provider", "credential", "clean_room"}, typ) {
			return "", "", core.APIErr(http.StatusNotImplemented, core.CodeNotImplemented, "The emulator does not implement grants on %s securables.", strings.ToUpper(typ))
		}
		return "", "", core.InvalidParam("Invalid securable type '%s'.", r.PathValue("securable_type"))
	}
	parts, err := splitFullName(typ, r.PathValue("full_name"), g.parts)
	if err != nil {
		return "", "", err
	}
	full := UCKey(parts...)
	var probe map[string]any
	if err := loadDoc(tx, g.bucket, full, g.kind, &probe); err != nil {
		return "", "", err
	}
	return typ, full, nil
}

func (d grantsDoc) assignments(principal string) []privilegeAssignment {
	out := []privilegeAssignment{}
	for _, p := range slices.Sorted(maps.Keys(d)) {
		if principal != "" && p != principal {
			continue
		}
		out = append(out, privilegeAssignment{Principal: p, Privileges: d[p]})
	}
	return out
}

func (s *Service) getGrants(r *http.Request) (any, error) {
	var doc grantsDoc
	err := s.Store().View(func(tx core.Tx) error {
		typ, full, err := resolveSecurable(tx, r)
		if err != nil {
			return err
		}
		_, err = tx.Get(grantsBucket, grantsKey(typ, full), &doc)
		return err
	})
	if err != nil {
		return nil, err
	}
	items, next, err := core.PageMaxResults(r, doc.assignments(r.URL.Query().Get("principal")), 100, 1000, true)
	if err != nil {
		return nil, err
	}
	return map[string]any{"privilege_assignments": items, "next_page_token": next}, nil
}

func (s *Service) updateGrants(r *http.Request) (any, error) {
	var req struct {
		Changes []struct {
			Principal string   `json:"principal"`
			Add       []string `json:"add"`
			Remove    []string `json:"remove"`
		} `json:"changes"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	var doc grantsDoc
	err := s.Store().Update(func(tx core.Tx) error {
		typ, full, err := resolveSecurable(tx, r)
		if err != nil {
			return err
		}
		key := grantsKey(typ, full)
		if _, err := tx.Get(grantsBucket, key, &doc); err != nil {
			return err
		}
		if doc == nil {
			doc = grantsDoc{}
		}
		for _, ch := range req.Changes {
			if ch.Principal == "" {
				return core.InvalidParam("Missing required field: principal")
			}
			for _, p := range slices.Concat(ch.Add, ch.Remove) {
				if err := checkPrivilege(typ, full, p); err != nil {
					return err
				}
			}
			privs := slices.DeleteFunc(slices.Clone(doc[ch.Principal]), func(p string) bool { return slices.Contains(ch.Remove, p) })
			for _, p := range ch.Add {
				if !slices.Contains(privs, p) {
					privs = append(privs, p)
				}
			}
			slices.Sort(privs)
			if len(privs) == 0 {
				delete(doc, ch.Principal)
			} else {
				doc[ch.Principal] = privs
			}
		}
		if len(doc) == 0 {
			return tx.Delete(grantsBucket, key)
		}
		return tx.Put(grantsBucket, key, doc)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"privilege_assignments": doc.assignments("")}, nil
}

// checkPrivilege refuses a privilege that is not in the enum, or that does
// not apply to the securable type, with the service's wording.
func checkPrivilege(typ, full, p string) error {
	if !ucprivileges.Known(p) {
		return core.InvalidParam("Invalid privilege '%s'. Valid privileges for %s: %s.", p, strings.ToUpper(typ), strings.Join(ucprivileges.BySecurable[typ], ", "))
	}
	if !ucprivileges.Applicable(typ, p) {
		return core.InvalidParam("Privilege %s is not applicable to this entity [%s:%s]. If this seems unexpected, please check the privilege version used by the metastore.", p, full, strings.ToUpper(typ))
	}
	return nil
}
