package provider_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/ml"
	"github.com/databricks/databricks-sdk-go/service/sql"
	"github.com/databricks/databricks-sdk-go/service/workspace"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/provider"
)

// workspaceKindsConfig has refreshCases instances of every workspace-level
// resource type: secret scopes, secrets and ACLs (in scope s[0]), SQL
// warehouses with permissions on each, MLflow experiments, cluster
// policies, instance pools, directories, notebooks and workspace files
// (under one base directory) and git folders.
func workspaceKindsConfig(name string) string {
	return fmt.Sprintf(`
locals {
  cases = ["same", "changed", "deleted", "recreated"]
}

resource "brickops_secret_scope" "s" {
  count = 4
  name  = "%[1]s-${local.cases[count.index]}"
}

resource "brickops_secret" "k" {
  count        = 4
  scope        = brickops_secret_scope.s[0].name
  key          = "k-${local.cases[count.index]}"
  string_value = "v1"
}

resource "brickops_secret_acl" "a" {
  count      = 4
  scope      = brickops_secret_scope.s[0].name
  principal  = "group-${local.cases[count.index]}"
  permission = "READ"
}

resource "brickops_sql_warehouse" "w" {
  count        = 4
  name         = "%[1]s-${local.cases[count.index]}"
  cluster_size = "2X-Small"
}

resource "brickops_permissions" "p" {
  count           = 4
  sql_endpoint_id = brickops_sql_warehouse.w[count.index].id
  access_control {
    group_name       = "ml-engineers"
    permission_level = "CAN_USE"
  }
}

resource "brickops_mlflow_experiment" "e" {
  count = 4
  name  = "/Shared/%[1]s-${local.cases[count.index]}"
}

resource "brickops_cluster_policy" "cp" {
  count      = 4
  name       = "%[1]s-${local.cases[count.index]}"
  definition = jsonencode({ spark_version = { type = "fixed", value = "15.4.x-scala2.12" } })
}

resource "brickops_instance_pool" "ip" {
  count                                 = 4
  instance_pool_name                    = "%[1]s-${local.cases[count.index]}"
  node_type_id                          = "Standard_DS3_v2"
  idle_instance_autotermination_minutes = 15
}

resource "brickops_directory" "base" {
  path = "/Shared/%[1]s"
}

resource "brickops_directory" "d" {
  count = 4
  path  = "${brickops_directory.base.path}/d-${local.cases[count.index]}"
}

resource "brickops_notebook" "n" {
  count          = 4
  path           = "${brickops_directory.base.path}/n-${local.cases[count.index]}"
  language       = "PYTHON"
  content_base64 = base64encode("print(1)")
}

resource "brickops_workspace_file" "f" {
  count          = 4
  path           = "${brickops_directory.base.path}/f-${local.cases[count.index]}.txt"
  content_base64 = base64encode("v1")
}

resource "brickops_git_folder" "g" {
  count = 4
  url   = "https://github.com/acme/%[1]s-${local.cases[count.index]}.git"
}
`, name)
}

// TestAccRefreshCache_workspaceKindsFindTheSameDrift is the drift test of
// TestAccRefreshCache_findsTheSameDriftAsPerObjectGets for the workspace
// kinds: batched refresh and per-object GETs must agree on changed,
// deleted and recreated secret scopes, secrets, secret ACLs, SQL
// warehouses, permissions, MLflow experiments, cluster policies, instance
// pools, directories, notebooks, workspace files and git folders, and the
// batched plan must not read the listed ones one by one. Permissions have
// no list: they are read with a GET in both plans.
func TestAccRefreshCache_workspaceKindsFindTheSameDrift(t *testing.T) {
	name := uniqueName("rk")
	base := "/Shared/" + name
	w := testWorkspace(t)
	ctx := context.Background()
	ids := map[string]string{}
	id := func(kind, key string) string { return ids[fmt.Sprintf("%s.%d", kind, caseIndex(key))] }
	num := func(kind, key string) int64 {
		n, _ := strconv.ParseInt(id(kind, key), 10, 64)
		return n
	}
	named := func(key string) string { return name + "-" + key }
	content := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

	drift := func() {
		must := func(what string, err error) {
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		// Secret scopes cannot change; secrets and ACLs in s[0] can.
		must("scope deleted", w.Secrets.DeleteScope(ctx, workspace.DeleteScope{Scope: named("deleted")}))
		must("scope recreated (delete)", w.Secrets.DeleteScope(ctx, workspace.DeleteScope{Scope: named("recreated")}))
		must("scope recreated", w.Secrets.CreateScope(ctx, workspace.CreateScope{Scope: named("recreated")}))
		scope := named("same")
		must("secret changed", w.Secrets.PutSecret(ctx, workspace.PutSecret{Scope: scope, Key: "k-changed", StringValue: "v2"}))
		must("secret deleted", w.Secrets.DeleteSecret(ctx, workspace.DeleteSecret{Scope: scope, Key: "k-deleted"}))
		must("secret recreated (delete)", w.Secrets.DeleteSecret(ctx, workspace.DeleteSecret{Scope: scope, Key: "k-recreated"}))
		must("secret recreated", w.Secrets.PutSecret(ctx, workspace.PutSecret{Scope: scope, Key: "k-recreated", StringValue: "v1"}))
		must("ACL changed", w.Secrets.PutAcl(ctx, workspace.PutAcl{Scope: scope, Principal: "group-changed", Permission: workspace.AclPermissionManage}))
		must("ACL deleted", w.Secrets.DeleteAcl(ctx, workspace.DeleteAcl{Scope: scope, Principal: "group-deleted"}))
		must("ACL recreated (delete)", w.Secrets.DeleteAcl(ctx, workspace.DeleteAcl{Scope: scope, Principal: "group-recreated"}))
		must("ACL recreated", w.Secrets.PutAcl(ctx, workspace.PutAcl{Scope: scope, Principal: "group-recreated", Permission: workspace.AclPermissionWrite}))

		// Id-keyed kinds: a recreated object has a new id, the old one is gone.
		wh := func(key string) string { return id("brickops_sql_warehouse.w", key) }
		must("warehouse changed", errOnly(w.Warehouses.Edit(ctx, sql.EditWarehouseRequest{Id: wh("changed"), Name: named("changed"), ClusterSize: "Small"})))
		// A deleted warehouse keeps its ACL readable: the deleted case of
		// permissions is an ACL emptied behind Terraform's back.
		must("permissions deleted", errOnly(w.Permissions.Set(ctx, iam.SetObjectPermissions{RequestObjectType: "sql/warehouses", RequestObjectId: wh("deleted")})))
		must("warehouse deleted", w.Warehouses.DeleteById(ctx, wh("deleted")))
		must("warehouse recreated (delete)", w.Warehouses.DeleteById(ctx, wh("recreated")))
		must("warehouse recreated", errOnly(w.Warehouses.Create(ctx, sql.CreateWarehouseRequest{Name: named("recreated"), ClusterSize: "2X-Small"})))
		must("permissions changed", errOnly(w.Permissions.Update(ctx, iam.UpdateObjectPermissions{RequestObjectType: "sql/warehouses", RequestObjectId: wh("changed"),
			AccessControlList: []iam.AccessControlRequest{{GroupName: "data-scientists", PermissionLevel: iam.PermissionLevelCanManage}}})))

		exp := func(key string) string { return id("brickops_mlflow_experiment.e", key) }
		must("experiment changed", w.Experiments.UpdateExperiment(ctx, ml.UpdateExperiment{ExperimentId: exp("changed"), NewName: base + "-renamed"}))
		must("experiment deleted", w.Experiments.DeleteExperiment(ctx, ml.DeleteExperiment{ExperimentId: exp("deleted")}))
		must("experiment recreated (delete)", w.Experiments.DeleteExperiment(ctx, ml.DeleteExperiment{ExperimentId: exp("recreated")}))
		must("experiment recreated", errOnly(w.Experiments.CreateExperiment(ctx, ml.CreateExperiment{Name: base + "-again"})))
		policy := func(key string) string { return id("brickops_cluster_policy.cp", key) }
		must("policy changed", w.ClusterPolicies.Edit(ctx, compute.EditPolicy{PolicyId: policy("changed"), Name: named("changed"), Definition: `{"autotermination_minutes":{"type":"unlimited"}}`}))
		must("policy deleted", w.ClusterPolicies.DeleteByPolicyId(ctx, policy("deleted")))
		must("policy recreated (delete)", w.ClusterPolicies.DeleteByPolicyId(ctx, policy("recreated")))
		must("policy recreated", errOnly(w.ClusterPolicies.Create(ctx, compute.CreatePolicy{Name: named("recreated"), Definition: `{}`})))
		pool := func(key string) string { return id("brickops_instance_pool.ip", key) }
		must("pool changed", w.InstancePools.Edit(ctx, compute.EditInstancePool{InstancePoolId: pool("changed"), InstancePoolName: named("changed"), NodeTypeId: "Standard_DS3_v2", IdleInstanceAutoterminationMinutes: 30}))
		must("pool deleted", w.InstancePools.DeleteByInstancePoolId(ctx, pool("deleted")))
		must("pool recreated (delete)", w.InstancePools.DeleteByInstancePoolId(ctx, pool("recreated")))
		must("pool recreated", errOnly(w.InstancePools.Create(ctx, compute.CreateInstancePool{InstancePoolName: named("recreated"), NodeTypeId: "Standard_DS3_v2"})))
		repo := func(key string) int64 { return num("brickops_git_folder.g", key) }
		must("git folder changed", w.Repos.Update(ctx, workspace.UpdateRepoRequest{RepoId: repo("changed"), Branch: "hotfix"}))
		must("git folder deleted", w.Repos.DeleteByRepoId(ctx, repo("deleted")))
		must("git folder recreated (delete)", w.Repos.DeleteByRepoId(ctx, repo("recreated")))
		must("git folder recreated", errOnly(w.Repos.Create(ctx, workspace.CreateRepoRequest{Url: "https://github.com/acme/" + named("recreated") + ".git", Provider: "gitHub"})))

		// Path-keyed workspace objects: recreated is the same path anew.
		del := func(p string) error { return w.Workspace.Delete(ctx, workspace.Delete{Path: p, Recursive: true}) }
		put := func(p string, lang workspace.Language, body string) error {
			format := workspace.ImportFormatSource
			if lang == "" {
				format = workspace.ImportFormatAuto
			}
			return w.Workspace.Import(ctx, workspace.Import{Path: p, Format: format, Language: lang, Content: content(body), Overwrite: true})
		}
		must("directory deleted", del(base+"/d-deleted"))
		must("directory recreated (delete)", del(base+"/d-recreated"))
		must("directory recreated", w.Workspace.MkdirsByPath(ctx, base+"/d-recreated"))
		must("notebook changed", put(base+"/n-changed", workspace.LanguagePython, "print(2)"))
		must("notebook deleted", del(base+"/n-deleted"))
		must("notebook recreated (delete)", del(base+"/n-recreated"))
		must("notebook recreated", put(base+"/n-recreated", workspace.LanguagePython, "print(1)"))
		must("file changed", put(base+"/f-changed.txt", "", "v2"))
		must("file deleted", del(base+"/f-deleted.txt"))
		must("file recreated (delete)", del(base+"/f-recreated.txt"))
		must("file recreated", put(base+"/f-recreated.txt", "", "v1"))
	}

	_, batched := planDriftBothWays(t, workspaceKindsConfig(name), ids, drift, func(mark uint64) {
		// Every id and path of this test; reads naming one must be lists,
		// except git folders missing from the list (repos lists /Repos
		// only, so a miss is asked for) and permissions, which have no list.
		var mine []string
		for addr, v := range ids {
			if !strings.HasPrefix(addr, "brickops_permissions.") {
				mine = append(mine, v)
			}
		}
		mine = append(mine, named("same"))
		allowed := []string{"/repos/" + id("brickops_git_folder.g", "deleted"), "/repos/" + id("brickops_git_folder.g", "recreated")}
		checkListedNotRead(t, mark, mine, allowed, "/secrets/acls/get", "/sql/warehouses/", "/mlflow/experiments/get",
			"/policies/clusters/get", "/instance-pools/get", "/workspace/get-status", "/repos/")
	})
	checkDriftFound(t, batched, []string{
		`brickops_secret_scope.s[2] delete`, // s[3] is the same name anew: nothing to see

		`brickops_secret.k[1] update`, `brickops_secret.k[2] delete`, `brickops_secret.k[3] update`,
		`brickops_secret_acl.a[1] update`, `brickops_secret_acl.a[2] delete`, `brickops_secret_acl.a[3] update`,
		`brickops_sql_warehouse.w[1] update`, `brickops_sql_warehouse.w[2] delete`, `brickops_sql_warehouse.w[3] delete`,
		`brickops_permissions.p[1] update`, `brickops_permissions.p[2] update`,
		`brickops_mlflow_experiment.e[1] update`, `brickops_mlflow_experiment.e[2] delete`, `brickops_mlflow_experiment.e[3] delete`,
		`brickops_cluster_policy.cp[1] update`, `brickops_cluster_policy.cp[2] delete`, `brickops_cluster_policy.cp[3] delete`,
		`brickops_instance_pool.ip[1] update`, `brickops_instance_pool.ip[2] delete`, `brickops_instance_pool.ip[3] delete`,
		`brickops_directory.d[2] delete`, `brickops_directory.d[3] update`,
		`brickops_notebook.n[1] update`, `brickops_notebook.n[2] delete`, `brickops_notebook.n[3] update`,
		`brickops_workspace_file.f[1] update`, `brickops_workspace_file.f[2] delete`, `brickops_workspace_file.f[3] update`,
		`brickops_git_folder.g[1] update`, `brickops_git_folder.g[2] delete`, `brickops_git_folder.g[3] delete`,
	}, "brickops_directory.base ")
}

// checkListedNotRead fails if a GET after mark under one of perObject
// paths names one of ids (in its query or as its last path segment),
// unless its path is in allowed: those objects' reads must have been
// answered from lists. Other tests run in parallel; their requests name
// other ids.
func checkListedNotRead(t *testing.T, mark uint64, ids, allowed []string, perObject ...string) {
	t.Helper()
	for _, e := range requestLog(t, "/api/") {
		path := apiPrefix.ReplaceAllString(e.Path, "/")
		if e.Seq <= mark || e.Method != "GET" || !slices.ContainsFunc(perObject, func(p string) bool { return strings.HasPrefix(path, p) }) {
			continue
		}
		if namesOneOf(e, ids) && !slices.ContainsFunc(allowed, func(a string) bool { return strings.HasSuffix(e.Path, a) }) {
			t.Errorf("batched refresh read one object at a time: %s %s?%s", e.Method, e.Path, e.Query)
		}
	}
}

// apiPrefix is the /api/<version>/ a logged path starts with.
var apiPrefix = regexp.MustCompile(`^/api/[0-9.]+/`)

// namesOneOf reports whether a logged request names one of ids: as a
// query value or its path's last segment.
func namesOneOf(e emulator.RequestLogEntry, ids []string) bool {
	q, _ := url.ParseQuery(e.Query)
	for _, vs := range q {
		if slices.ContainsFunc(vs, func(v string) bool { return slices.Contains(ids, v) }) {
			return true
		}
	}
	return slices.ContainsFunc(ids, func(id string) bool { return strings.HasSuffix(e.Path, "/"+id) })
}

// Every resource type the provider has is in one of the drift tests: a new
// resource must declare its refresh kind (refresh_cache.go) and join one.
func TestRefreshCache_everyResourceTypeIsInADriftTest(t *testing.T) {
	configs := strings.Join([]string{
		refreshStackConfig("c"), workspaceKindsConfig("w"), servingKindsConfig("s"),
		identityKindsConfig("i", []string{"a", "b", "c", "d"}), workspacesDriftConfig("z"),
	}, "\n")
	ctx := context.Background()
	for _, newResource := range provider.New("test")().Resources(ctx) {
		var md fwresource.MetadataResponse
		newResource().Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "brickops"}, &md)
		if !strings.Contains(configs, fmt.Sprintf("resource %q ", md.TypeName)) {
			t.Errorf("%s is in no batched-refresh drift test", md.TypeName)
		}
	}
}
