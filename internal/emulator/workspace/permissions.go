package workspace

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Permissions: /api/2.0/permissions/{request_object_type}/{id}, the access
// control lists of workspace objects. Fields follow databricks-sdk-go
// service/iam/model.go (ObjectPermissions, AccessControlResponse,
// Permission, AccessControlRequest, SetObjectPermissions,
// GetPermissionLevelsResponse); paths follow service/iam/impl.go
// (permissionsImpl). The object types, the object_type each reports and
// their permission levels are those of the real service.
//
// Every object carries the admins group's CAN_MANAGE, inherited from the
// type's root ("/jobs/"), and its creator's direct permission (IS_OWNER
// where the type has owners, else CAN_MANAGE) until a PUT replaces the
// direct entries. A PUT without an IS_OWNER keeps the current owner: an
// object never loses its owner through this API.

const permissionsBucket = "permissions"

// permissionType describes one request_object_type.
type permissionType struct {
	// objectType is what the API reports in object_type.
	objectType string
	// kind names the object in messages ("Job 42 does not exist.").
	kind   string
	levels []string
	// owned types have an IS_OWNER (jobs, SQL warehouses).
	owned bool
	// exists looks the object up in its family's bucket.
	exists func(tx core.Tx, id string) (bool, error)
}

// permissionTypes are the request_object_type values served, keyed as they
// appear in the path.
var permissionTypes = map[string]permissionType{
	"jobs": {objectType: "job", kind: "Job", owned: true,
		levels: []string{"CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE"},
		exists: func(tx core.Tx, id string) (bool, error) {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				return false, nil
			}
			return docExists(tx, JobsBucket, jobKey(n))
		}},
	"clusters": {objectType: "cluster", kind: "Cluster",
		levels: []string{"CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"},
		exists: bucketHas(ClustersBucket)},
	"serving-endpoints": {objectType: "serving-endpoint", kind: "Serving endpoint",
		levels: []string{"CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"},
		exists: func(tx core.Tx, id string) (bool, error) {
			all, err := core.GetAll[ServingEndpoint](tx, ServingBucket, "")
			return slices.ContainsFunc(all, func(e ServingEndpoint) bool { return e.ID == id }), err
		}},
	"cluster-policies": {objectType: "cluster-policy", kind: "Cluster policy", levels: []string{"CAN_USE"},
		exists: bucketHas(ClusterPoliciesBucket)},
	"instance-pools": {objectType: "instance-pool", kind: "Instance pool", levels: []string{"CAN_ATTACH_TO", "CAN_MANAGE"},
		exists: bucketHas(InstancePoolsBucket)},
	"notebooks":      {objectType: "notebook", kind: "Notebook", levels: workspaceObjectLevels, exists: workspaceObjectExists(objNotebook)},
	"directories":    {objectType: "directory", kind: "Directory", levels: workspaceObjectLevels, exists: workspaceObjectExists(objDirectory)},
	"files":          {objectType: "file", kind: "File", levels: workspaceObjectLevels, exists: workspaceObjectExists(objFile)},
	"repos":          {objectType: "repo", kind: "Repo", levels: workspaceObjectLevels, exists: workspaceObjectExists(objRepo)},
	"sql/warehouses": warehousePermissions,
	// The SDK's Warehouses.GetPermissions says warehouses/<id>.
	"warehouses": warehousePermissions,
	"experiments": {objectType: "mlflowExperiment", kind: "Experiment",
		levels: []string{"CAN_READ", "CAN_EDIT", "CAN_MANAGE"},
		exists: func(tx core.Tx, id string) (bool, error) {
			if _, err := strconv.ParseInt(id, 10, 64); err != nil {
				return false, nil
			}
			return docExists(tx, ExperimentsBucket, experimentKey(id))
		}},
}

var workspaceObjectLevels = []string{"CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"}

var warehousePermissions = permissionType{objectType: "warehouses", kind: "SQL warehouse", owned: true,
	levels: []string{"CAN_USE", "CAN_MANAGE", "CAN_MONITOR", "CAN_VIEW", "IS_OWNER"},
	exists: bucketHas(WarehousesBucket)}

func bucketHas(bucket string) func(core.Tx, string) (bool, error) {
	return func(tx core.Tx, id string) (bool, error) { return docExists(tx, bucket, id) }
}

func docExists(tx core.Tx, bucket, key string) (bool, error) {
	var probe map[string]any
	return tx.Get(bucket, key, &probe)
}

// aclEntry is one principal's direct permission, as stored.
type aclEntry struct {
	UserName             string `json:"user_name,omitempty"`
	GroupName            string `json:"group_name,omitempty"`
	ServicePrincipalName string `json:"service_principal_name,omitempty"`
	PermissionLevel      string `json:"permission_level"`
}

func (e aclEntry) principal() string {
	return e.UserName + "\x00" + e.GroupName + "\x00" + e.ServicePrincipalName
}

type permissionGrant struct {
	PermissionLevel     string   `json:"permission_level"`
	Inherited           bool     `json:"inherited"`
	InheritedFromObject []string `json:"inherited_from_object,omitempty"`
}

type accessControlResponse struct {
	UserName             string            `json:"user_name,omitempty"`
	GroupName            string            `json:"group_name,omitempty"`
	ServicePrincipalName string            `json:"service_principal_name,omitempty"`
	DisplayName          string            `json:"display_name,omitempty"`
	AllPermissions       []permissionGrant `json:"all_permissions"`
}

// permissionTarget parses {object...}: the type is every segment but the
// last ("sql/warehouses/<id>" has a two-segment type), levels reports a
// trailing /permissionLevels.
func permissionTarget(r *http.Request) (typ string, pt permissionType, id string, levels bool, err error) {
	rest := strings.Trim(r.PathValue("object"), "/")
	if trimmed, ok := strings.CutSuffix(rest, "/permissionLevels"); ok {
		rest, levels = trimmed, true
	}
	i := strings.LastIndex(rest, "/")
	if i <= 0 || i == len(rest)-1 {
		return "", pt, "", false, core.InvalidParam("Invalid permissions path %q: expected /api/2.0/permissions/<object type>/<object id>.", r.URL.Path)
	}
	typ, id = rest[:i], rest[i+1:]
	pt, ok := permissionTypes[typ]
	if !ok {
		return "", pt, "", false, core.InvalidParam("Invalid request_object_type %q.", typ)
	}
	return typ, pt, id, levels, nil
}

// loadACL checks the object exists and returns its direct entries.
func (s *Service) loadACL(tx core.Tx, typ string, pt permissionType, id string) ([]aclEntry, error) {
	found, err := pt.exists(tx, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, core.NotFound("%s %s does not exist.", pt.kind, id)
	}
	var acl []aclEntry
	stored, err := tx.Get(permissionsBucket, typ+"/"+id, &acl)
	if err != nil || stored {
		return acl, err
	}
	level := "CAN_MANAGE"
	if pt.owned {
		level = "IS_OWNER"
	}
	return []aclEntry{{UserName: s.Options().UserName, PermissionLevel: level}}, nil
}

// objectPermissions is the answer of every route but permissionLevels.
func objectPermissions(typ string, pt permissionType, id string, acl []aclEntry) map[string]any {
	byPrincipal := map[string]*accessControlResponse{}
	var order []string
	add := func(e aclEntry, g permissionGrant) {
		k := e.principal()
		if byPrincipal[k] == nil {
			display := e.GroupName
			if e.UserName != "" {
				display, _, _ = strings.Cut(e.UserName, "@")
			}
			byPrincipal[k] = &accessControlResponse{UserName: e.UserName, GroupName: e.GroupName,
				ServicePrincipalName: e.ServicePrincipalName, DisplayName: display}
			order = append(order, k)
		}
		byPrincipal[k].AllPermissions = append(byPrincipal[k].AllPermissions, g)
	}
	for _, e := range acl {
		add(e, permissionGrant{PermissionLevel: e.PermissionLevel})
	}
	add(aclEntry{GroupName: "admins"}, permissionGrant{PermissionLevel: "CAN_MANAGE", Inherited: true, InheritedFromObject: []string{"/" + typ + "/"}})
	sort.Strings(order)
	list := make([]accessControlResponse, 0, len(order))
	for _, k := range order {
		list = append(list, *byPrincipal[k])
	}
	return map[string]any{"object_id": "/" + typ + "/" + id, "object_type": pt.objectType, "access_control_list": list}
}

func (s *Service) getPermissions(r *http.Request) (any, error) {
	typ, pt, id, levels, err := permissionTarget(r)
	if err != nil {
		return nil, err
	}
	var acl []aclEntry
	if err := s.Store().View(func(tx core.Tx) error {
		acl, err = s.loadACL(tx, typ, pt, id)
		return err
	}); err != nil {
		return nil, err
	}
	if levels {
		out := make([]map[string]string, len(pt.levels))
		for i, l := range pt.levels {
			out[i] = map[string]string{"permission_level": l, "description": "Can " + strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(l, "CAN_"), "_", " "))}
		}
		return map[string]any{"permission_levels": out}, nil
	}
	return objectPermissions(typ, pt, id, acl), nil
}

// setPermissions serves PUT (replace the direct entries) and PATCH (add or
// change the given principals' entries).
func (s *Service) setPermissions(r *http.Request) (any, error) {
	typ, pt, id, levels, err := permissionTarget(r)
	if err != nil {
		return nil, err
	}
	if levels {
		return nil, core.APIErr(http.StatusMethodNotAllowed, core.CodeInvalidParameterValue, "%s is not supported on permissionLevels.", r.Method)
	}
	var req struct {
		AccessControlList []aclEntry `json:"access_control_list"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	for _, e := range req.AccessControlList {
		if err := validateACLEntry(typ, pt, e); err != nil {
			return nil, err
		}
	}
	var acl []aclEntry
	err = s.Store().Update(func(tx core.Tx) error {
		current, err := s.loadACL(tx, typ, pt, id)
		if err != nil {
			return err
		}
		acl = mergeACL(current, req.AccessControlList, r.Method == http.MethodPut)
		if owners := countLevel(acl, "IS_OWNER"); owners > 1 {
			return core.InvalidParam("The %s must have exactly one owner; the request names %d.", strings.ToLower(pt.kind), owners)
		}
		return tx.Put(permissionsBucket, typ+"/"+id, acl)
	})
	if err != nil {
		return nil, err
	}
	return objectPermissions(typ, pt, id, acl), nil
}

func validateACLEntry(typ string, pt permissionType, e aclEntry) error {
	n := 0
	for _, p := range []string{e.UserName, e.GroupName, e.ServicePrincipalName} {
		if p != "" {
			n++
		}
	}
	if n != 1 {
		return core.InvalidParam("Exactly one of user_name, group_name and service_principal_name must be set in each access control entry.")
	}
	if err := core.RequireString("permission_level", e.PermissionLevel); err != nil {
		return err
	}
	if !slices.Contains(pt.levels, e.PermissionLevel) {
		return core.InvalidParam("Permission level %s is not supported for %s; valid levels: %s.", e.PermissionLevel, typ, strings.Join(pt.levels, ", "))
	}
	if e.GroupName == "admins" {
		return core.InvalidParam("The admins group's permissions on %s cannot be changed.", typ)
	}
	return nil
}

// mergeACL applies a request's entries: PUT replaces the direct entries
// (keeping the owner unless the request names one), PATCH sets the named
// principals' levels.
func mergeACL(current, req []aclEntry, replace bool) []aclEntry {
	var out []aclEntry
	if replace {
		if countLevel(req, "IS_OWNER") == 0 {
			for _, e := range current {
				if e.PermissionLevel == "IS_OWNER" {
					out = append(out, e)
				}
			}
		}
		return append(out, req...)
	}
	named := map[string]bool{}
	for _, e := range req {
		named[e.principal()] = true
	}
	for _, e := range current {
		if !named[e.principal()] {
			out = append(out, e)
		}
	}
	return append(out, req...)
}

func countLevel(acl []aclEntry, level string) int {
	n := 0
	for _, e := range acl {
		if e.PermissionLevel == level {
			n++
		}
	}
	return n
}
