package provider

// Which cached lists a write may have changed.
//
// The refresh cache (refresh_cache.go) answers reads from lists keyed by
// (kind, parent) and must never answer one after this process wrote to
// that kind and parent. Every write the SDK sends passes the cache's
// transport, which asks staleAfter what it touched: the kinds and parents
// named by its path and body, widened where the API cascades (deleting a
// catalog with force removes its schemas, models and tables; deleting a
// scope, its secrets and ACLs; a workspace delete, a directory's tree).
// A write it cannot place (an API with no listed kind here, a body it
// cannot read) answers nil: no list answers reads any more.

import (
	"encoding/json"
	"io"
	"net/http"
	pathpkg "path"
	"regexp"
	"strings"
)

// staleLists names the lists a write may have changed: one kind ("" for
// every kind) under the parents parent accepts (nil for every parent).
type staleLists struct {
	kind   string
	parent func(parent string) bool
}

func (s staleLists) covers(k listKey) bool {
	return (s.kind == "" || s.kind == k.kind) && (s.parent == nil || s.parent(k.parent))
}

// apiVersion is the /api/<version>/ prefix of a workspace API path.
var apiVersion = regexp.MustCompile(`^/api/[0-9.]+/`)

// staleAfter returns the lists req (a write) may change, nil when it
// cannot tell.
func staleAfter(req *http.Request) []staleLists {
	loc := apiVersion.FindStringIndex(req.URL.Path)
	if loc == nil {
		return nil
	}
	rest := req.URL.Path[loc[1]:]
	// Searches are reads sent as POST (MLflow experiments/search, runs/search).
	if strings.HasSuffix(rest, "/search") {
		return []staleLists{}
	}
	body := requestFields(req)
	str := func(field string) string { s, _ := body[field].(string); return s }
	every := func(kinds ...string) []staleLists {
		out := make([]staleLists, len(kinds))
		for i, k := range kinds {
			out[i] = staleLists{kind: k}
		}
		return out
	}
	// under is the part of rest after prefix: "" for the collection itself.
	under := func(prefix string) (string, bool) {
		if rest == prefix {
			return "", true
		}
		after, ok := strings.CutPrefix(rest, prefix+"/")
		return after, ok
	}
	// ucName is the full name a UC write names in its path, or the one its
	// create body builds from the parent fields and name.
	ucName := func(after string, parents ...string) string {
		if after != "" {
			name, _, _ := strings.Cut(after, "/")
			return name
		}
		parts := make([]string, 0, len(parents)+1)
		for _, f := range append(parents, "name") {
			if str(f) == "" {
				return ""
			}
			parts = append(parts, str(f))
		}
		return strings.Join(parts, ".")
	}
	// renamed adds the tree under a UC object's new name (PATCH new_name).
	renamed := func(out []staleLists, parent string) []staleLists {
		if nn := str("new_name"); nn != "" {
			if parent != "" {
				nn = parent + "." + nn
			}
			out = append(out, staleLists{parent: ucTree(nn)})
		}
		return out
	}

	if after, ok := under("unity-catalog/catalogs"); ok {
		name := ucName(after)
		if name == "" {
			return nil
		}
		return renamed([]staleLists{{kind: refreshCatalogs.name}, {parent: ucTree(name)}}, "")
	}
	if after, ok := under("unity-catalog/schemas"); ok {
		full := ucName(after, "catalog_name")
		if full == "" {
			return nil
		}
		return renamed([]staleLists{{kind: refreshSchemas.name, parent: ucIs(ucParent(full))}, {parent: ucTree(full)}}, ucParent(full))
	}
	if after, ok := under("unity-catalog/models"); ok {
		// Versions and aliases change the model's own listing (its aliases).
		full := ucName(after, "catalog_name", "schema_name")
		if full == "" {
			return nil
		}
		return append(every(refreshModelVersions.name, refreshModelAliases.name),
			staleLists{kind: refreshRegisteredModels.name, parent: ucIs(ucParent(full))})
	}
	for prefix, kind := range map[string]string{"unity-catalog/tables": refreshTables.name, "unity-catalog/volumes": refreshVolumes.name} {
		// Not tables/{name}/monitor: a monitor creates tables of its own.
		if after, ok := under(prefix); ok && !strings.Contains(after, "/") {
			full := ucName(after, "catalog_name", "schema_name")
			if full == "" {
				return nil
			}
			return []staleLists{{kind: kind, parent: ucIs(ucParent(full))}}
		}
	}
	if _, ok := under("unity-catalog/permissions"); ok {
		return every(refreshGrants.name)
	}
	if after, ok := under("secrets"); ok {
		scope := str("scope")
		if scope == "" {
			return nil
		}
		secrets := staleLists{kind: refreshSecrets.name, parent: is(scope)}
		acls := staleLists{kind: refreshSecretACLs.name, parent: is(scope)}
		switch {
		case strings.HasPrefix(after, "scopes/"):
			return []staleLists{{kind: refreshSecretScopes.name}, secrets, acls}
		case strings.HasPrefix(after, "acls/"):
			return []staleLists{acls}
		default:
			return []staleLists{secrets}
		}
	}
	if after, ok := under("workspace"); ok && after != "" {
		p := str("path")
		if p == "" {
			return nil
		}
		// A delete may remove git folders and experiments in the tree.
		return []staleLists{{kind: refreshWorkspaceObjects.name, parent: pathAround(p)}, {kind: refreshGitFolders.name}, {kind: refreshMLflowExperiments.name}}
	}
	for prefix, kinds := range map[string][]string{
		"clusters":       {refreshClusters.name},
		"jobs":           {refreshJobs.name},
		"sql/warehouses": {refreshSQLWarehouses.name},
		// An experiment is a workspace object in its directory too.
		"mlflow/experiments": {refreshMLflowExperiments.name, refreshWorkspaceObjects.name},
		"policies/clusters":  {refreshClusterPolicies.name},
		"instance-pools":     {refreshInstancePools.name},
		"permissions":        {refreshPermissions.name},
		// Unity Catalog model versions are created through MLflow paths.
		"mlflow/unity-catalog": {refreshRegisteredModels.name, refreshModelVersions.name, refreshModelAliases.name},
		// An online table and an endpoint's inference tables are UC tables.
		"online-tables":     {refreshOnlineTables.name, refreshTables.name},
		"serving-endpoints": {refreshServingEndpoints.name, refreshTables.name},
		// SCIM: a principal's groups and a group's members are two views of
		// one membership.
		"preview/scim/v2/ServicePrincipals": {refreshServicePrincipals.name, refreshGroups.name},
		"preview/scim/v2/Groups":            {refreshGroups.name, refreshServicePrincipals.name},
		"preview/scim/v2/Users":             {refreshGroups.name},
		// A git folder is a workspace directory too.
		"repos": {refreshGitFolders.name, refreshWorkspaceObjects.name},
	} {
		if _, ok := under(prefix); ok {
			return every(kinds...)
		}
	}
	return nil
}

// requestFields is the top level of a JSON request body, read from a copy
// (GetBody) so the request itself is untouched; nil when there is none.
func requestFields(req *http.Request) map[string]any {
	if req.GetBody == nil {
		return nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil
	}
	defer body.Close()
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil
	}
	var fields map[string]any
	if json.Unmarshal(raw, &fields) != nil {
		return nil
	}
	return fields
}

// is accepts exactly name.
func is(name string) func(string) bool {
	return func(p string) bool { return p == name }
}

// ucIs accepts the Unity Catalog name full (names are case-insensitive).
func ucIs(full string) func(string) bool {
	return func(p string) bool { return strings.EqualFold(p, full) }
}

// ucTree accepts the Unity Catalog name full and every name under it.
func ucTree(full string) func(string) bool {
	prefix := strings.ToLower(full) + "."
	return func(p string) bool {
		return strings.EqualFold(p, full) || strings.HasPrefix(strings.ToLower(p), prefix)
	}
}

// pathAround accepts the directories a write at p may change: its
// ancestors (mkdirs creates them, a delete empties its own directory), p
// itself and every directory under it (a recursive delete).
func pathAround(p string) func(string) bool {
	p = pathpkg.Clean(p)
	return func(dir string) bool {
		dir = pathpkg.Clean(dir)
		return dir == p || dir == "/" || strings.HasPrefix(p, dir+"/") || strings.HasPrefix(dir, p+"/")
	}
}
