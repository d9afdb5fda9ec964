package provider

// Batched refresh.
//
// `terraform plan` reads every managed object. One GET per object is what
// makes refresh slow against a real workspace: the Databricks SDK allows
// each client 15 requests per second by default, so 1,000 objects cost
// more than a minute. When many objects of one kind share a parent, one
// list call (a few pages) answers all of their reads instead.
//
// The rules, all enforced here and nowhere else:
//   - The cache lives in one provider configuration (one providerData, i.e.
//     one Terraform graph walk in one process) and is keyed by
//     (kind, parent): clusters and jobs have no parent, schemas are listed
//     per catalog, registered models, tables and volumes per schema, secrets and
//     secret ACLs per scope, notebooks, files and directories per
//     directory.
//   - A (kind, parent) list is fetched, every page of it, on the first read
//     that needs it; concurrent reads wait for that one fill.
//   - It serves reads only, and never a read of a (kind, parent) after
//     this process sent a write that may have changed that list: the
//     transport asks staleAfter (refresh_stale.go) which lists each write
//     touches, cascades included (force-deleting a catalog stales its
//     schemas, models and tables); a write it cannot place stales every
//     list. Terraform refreshes in walks that write nothing, so this costs
//     nothing where it matters.
//   - A listed object that lacks a field its resource needs (kind.usable)
//     is read with a GET; a list that fails is ignored and reads fall back
//     to GETs.
//   - An object missing from a complete list is gone, exactly as a 404
//     would say (the error wraps apierr.ErrResourceDoesNotExist, so
//     readFailed removes it from state). Kinds whose list may leave live
//     objects out (clusters/list omits clusters terminated more than 30
//     days ago) set missingNeedsGet and read misses with a GET.
//   - BRICKOPS_BATCH_REFRESH=false turns batching off: every read is a GET.
//
// Hooking a resource in: its Read replaces the one GET call with
// `refreshX.read(ctx, r.data, id, <GET by id>)`, where refreshX is a listedKind declared below. A kind without a list
// API (or whose list is a summary) is declared with list == nil: its reads
// go through the same hook and stay GETs, so the day a list exists only
// the declaration changes. New resources declare their kind here.

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	pathpkg "path"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/databricks/armdatabricks"
	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/ml"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/databricks/databricks-sdk-go/service/sql"
	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// batchRefreshEnv turns batched refresh off when set to false (or 0, off).
const batchRefreshEnv = "BRICKOPS_BATCH_REFRESH"

// The kinds a resource's Read is hooked through. Their names are what
// staleAfter (refresh_stale.go) marks stale after a write.
var (
	refreshClusters = &listedKind[compute.ClusterDetails]{
		name: "clusters",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]compute.ClusterDetails, error) {
			return w.Clusters.ListAll(ctx, compute.ListClustersRequest{PageSize: 100})
		},
		key: func(_ string, c *compute.ClusterDetails) string { return c.ClusterId },
		// clusters/list leaves out clusters terminated more than 30 days ago
		// that are not pinned; clusters/get still finds them.
		missingNeedsGet: true,
	}
	refreshCatalogs = &listedKind[catalog.CatalogInfo]{
		name: "catalogs",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]catalog.CatalogInfo, error) {
			return w.Catalogs.ListAll(ctx, catalog.ListCatalogsRequest{})
		},
		key:  func(_ string, c *catalog.CatalogInfo) string { return c.Name },
		fold: true,
	}
	refreshSchemas = &listedKind[catalog.SchemaInfo]{
		name:   "schemas",
		parent: ucParent,
		list: func(ctx context.Context, w *databricks.WorkspaceClient, parent string) ([]catalog.SchemaInfo, error) {
			return w.Schemas.ListAll(ctx, catalog.ListSchemasRequest{CatalogName: parent})
		},
		key:  func(_ string, s *catalog.SchemaInfo) string { return s.FullName },
		fold: true,
	}
	refreshRegisteredModels = &listedKind[catalog.RegisteredModelInfo]{
		name:   "registered models",
		parent: ucParent,
		list: func(ctx context.Context, w *databricks.WorkspaceClient, parent string) ([]catalog.RegisteredModelInfo, error) {
			cat, schema, _ := strings.Cut(parent, ".")
			return w.RegisteredModels.ListAll(ctx, catalog.ListRegisteredModelsRequest{CatalogName: cat, SchemaName: schema})
		},
		key:  func(_ string, m *catalog.RegisteredModelInfo) string { return m.FullName },
		fold: true,
	}
	refreshTables = &listedKind[catalog.TableInfo]{
		name:   "tables",
		parent: ucParent,
		list: func(ctx context.Context, w *databricks.WorkspaceClient, parent string) ([]catalog.TableInfo, error) {
			cat, schema, _ := strings.Cut(parent, ".")
			return w.Tables.ListAll(ctx, catalog.ListTablesRequest{CatalogName: cat, SchemaName: schema})
		},
		key:  func(_ string, t *catalog.TableInfo) string { return t.FullName },
		fold: true,
	}
	refreshVolumes = &listedKind[catalog.VolumeInfo]{
		name:   "volumes",
		parent: ucParent,
		list: func(ctx context.Context, w *databricks.WorkspaceClient, parent string) ([]catalog.VolumeInfo, error) {
			cat, schema, _ := strings.Cut(parent, ".")
			return w.Volumes.ListAll(ctx, catalog.ListVolumesRequest{CatalogName: cat, SchemaName: schema})
		},
		key:  func(_ string, v *catalog.VolumeInfo) string { return v.FullName },
		fold: true,
	}
	refreshJobs = &listedKind[jobs.Job]{
		name: "jobs",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]jobs.Job, error) {
			listed, err := w.Jobs.ListAll(ctx, jobs.ListJobsRequest{ExpandTasks: true, Limit: 100})
			out := make([]jobs.Job, len(listed))
			for i, b := range listed {
				out[i] = jobs.Job{
					JobId: b.JobId, CreatedTime: b.CreatedTime, CreatorUserName: b.CreatorUserName, Settings: b.Settings,
					EffectiveBudgetPolicyId: b.EffectiveBudgetPolicyId, EffectiveUsagePolicyId: b.EffectiveUsagePolicyId,
					HasMore: b.HasMore, TriggerState: b.TriggerState,
				}
			}
			return out, err
		},
		key: func(_ string, j *jobs.Job) string { return strconv.FormatInt(j.JobId, 10) },
		// jobs/list shows the first 100 tasks and job clusters of a job;
		// has_more says there are more, which only jobs/get pages through.
		usable: func(j *jobs.Job) bool { return !j.HasMore && j.Settings != nil },
	}
	// secrets/scopes/list is the only read of a scope: the GET is a list too.
	refreshSecretScopes = &listedKind[workspace.SecretScope]{
		name: "secret scopes",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]workspace.SecretScope, error) {
			return w.Secrets.ListScopesAll(ctx)
		},
		key: func(_ string, s *workspace.SecretScope) string { return s.Name },
	}
	// Secrets and ACLs are listed per scope; their ids are <scope>|||<key>.
	refreshSecrets = &listedKind[workspace.SecretMetadata]{
		name:   "secrets",
		parent: pairFirst,
		list: func(ctx context.Context, w *databricks.WorkspaceClient, scope string) ([]workspace.SecretMetadata, error) {
			return w.Secrets.ListSecretsAll(ctx, workspace.ListSecretsRequest{Scope: scope})
		},
		key: func(scope string, s *workspace.SecretMetadata) string { return scope + pairSeparator + s.Key },
	}
	refreshSecretACLs = &listedKind[workspace.AclItem]{
		name:   "secret ACLs",
		parent: pairFirst,
		list: func(ctx context.Context, w *databricks.WorkspaceClient, scope string) ([]workspace.AclItem, error) {
			return w.Secrets.ListAclsAll(ctx, workspace.ListAclsRequest{Scope: scope})
		},
		key: func(scope string, a *workspace.AclItem) string { return scope + pairSeparator + a.Principal },
	}
	// sql/warehouses lists what warehouses/{id} answers, field for field.
	refreshSQLWarehouses = &listedKind[sql.GetWarehouseResponse]{
		name: "SQL warehouses",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]sql.GetWarehouseResponse, error) {
			return listAs[sql.EndpointInfo, sql.GetWarehouseResponse](w.Warehouses.ListAll(ctx, sql.ListWarehousesRequest{}))
		},
		key: func(_ string, g *sql.GetWarehouseResponse) string { return g.Id },
	}
	// experiments/search (active ones, the default view) carries tags. A
	// deleted experiment is missing from it, which Read calls gone too.
	refreshMLflowExperiments = &listedKind[ml.Experiment]{
		name: "MLflow experiments",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]ml.Experiment, error) {
			return w.Experiments.SearchExperimentsAll(ctx, ml.SearchExperiments{MaxResults: 1000})
		},
		key: func(_ string, e *ml.Experiment) string { return e.ExperimentId },
	}
	refreshClusterPolicies = &listedKind[compute.Policy]{
		name: "cluster policies",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]compute.Policy, error) {
			return w.ClusterPolicies.ListAll(ctx, compute.ListClusterPoliciesRequest{})
		},
		key: func(_ string, p *compute.Policy) string { return p.PolicyId },
	}
	refreshInstancePools = &listedKind[compute.GetInstancePool]{
		name: "instance pools",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]compute.GetInstancePool, error) {
			return listAs[compute.InstancePoolAndStats, compute.GetInstancePool](w.InstancePools.ListAll(ctx))
		},
		key: func(_ string, p *compute.GetInstancePool) string { return p.InstancePoolId },
	}
	// Notebooks, files and directories are listed per directory.
	refreshWorkspaceObjects = &listedKind[workspace.ObjectInfo]{
		name:   "workspace objects",
		parent: pathpkg.Dir,
		list: func(ctx context.Context, w *databricks.WorkspaceClient, dir string) ([]workspace.ObjectInfo, error) {
			return w.Workspace.ListAll(ctx, workspace.ListWorkspaceRequest{Path: dir})
		},
		key: func(_ string, o *workspace.ObjectInfo) string { return o.Path },
	}
	refreshGitFolders = &listedKind[workspace.GetRepoResponse]{
		name: "git folders",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]workspace.GetRepoResponse, error) {
			return listAs[workspace.RepoInfo, workspace.GetRepoResponse](w.Repos.ListAll(ctx, workspace.ListReposRequest{}))
		},
		key: func(_ string, g *workspace.GetRepoResponse) string { return strconv.FormatInt(g.Id, 10) },
		// repos without a path_prefix lists the git folders under /Repos
		// only; one elsewhere (a user's home) is read with a GET.
		missingNeedsGet: true,
	}
	refreshServicePrincipals = &listedKind[iam.ServicePrincipal]{
		name: "service principals",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]iam.ServicePrincipal, error) {
			return w.ServicePrincipalsV2.ListAll(ctx, iam.ListServicePrincipalsRequest{Attributes: spAttributes})
		},
		key: func(_ string, sp *iam.ServicePrincipal) string { return sp.Id },
	}
	// Groups are listed with their members: brickops_group_member reads
	// its group from the same list.
	refreshGroups = &listedKind[iam.Group]{
		name: "groups",
		list: func(ctx context.Context, w *databricks.WorkspaceClient, _ string) ([]iam.Group, error) {
			return w.GroupsV2.ListAll(ctx, iam.ListGroupsRequest{Attributes: groupAttributes})
		},
		key: func(_ string, g *iam.Group) string { return g.Id },
	}

	// Kinds read one GET per object, and why. Their reads go through the
	// same hook, so the day a list can answer them only this changes.

	// serving-endpoints lists summaries: no traffic config, workload sizes
	// or pending config.
	refreshServingEndpoints = &listedKind[serving.ServingEndpointDetailed]{name: "serving endpoints"}
	// No list API answers these.
	refreshOnlineTables    = &listedKind[catalog.OnlineTable]{name: "online tables"}
	refreshQualityMonitors = &listedKind[catalog.MonitorInfo]{name: "quality monitors"}
	// Version lists carry neither tags nor aliases in Unity Catalog.
	refreshModelVersions = &listedKind[ucregistry.ModelVersion]{name: "model versions"}
	refreshModelAliases  = &listedKind[catalog.ModelVersionInfo]{name: "model aliases"}
	// Grants and permissions are read per securable or object: no call
	// lists them across objects.
	refreshGrants      = &listedKind[map[string][]string]{name: "grants"}
	refreshPermissions = &listedKind[iam.ObjectPermissions]{name: "permissions"}
	// brickops_workspace reads Azure Resource Manager, which the Databricks
	// SDK's rate limit does not throttle.
	refreshWorkspaces = &listedKind[armdatabricks.Workspace]{name: "workspaces"}
)

// listAs converts a list's items into the type a GET answers where the two
// share their JSON fields (warehouses, instance pools, repos).
func listAs[From, To any](items []From, err error) ([]To, error) {
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	var out []To
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("converting a list of %T: %w", items, err)
	}
	return out, nil
}

// pairFirst is the parent of a <first>|||<second> id: its first part.
func pairFirst(id string) string {
	first, _, _ := strings.Cut(id, pairSeparator)
	return first
}

// ucParent is the parent a Unity Catalog full name is listed under: the
// catalog of a schema, the catalog.schema of a model or table.
func ucParent(full string) string {
	i := strings.LastIndex(full, ".")
	if i < 0 {
		return ""
	}
	return strings.ToLower(full[:i])
}

// listedKind is one kind of object whose reads a list can answer.
type listedKind[T any] struct {
	name string
	// parent names the list that holds id; nil means one list for all.
	parent func(id string) string
	// list returns every object under parent, all pages; nil means the
	// kind has no list that can answer reads.
	list func(ctx context.Context, w *databricks.WorkspaceClient, parent string) ([]T, error)
	// key is the id a listed object under parent is read by.
	key func(parent string, item *T) string
	// fold compares ids case-insensitively (Unity Catalog names).
	fold bool
	// usable reports whether a listed object carries every field Read
	// needs; nil means it always does.
	usable func(*T) bool
	// missingNeedsGet: the list may omit live objects, so a miss is read
	// with a GET instead of meaning "gone".
	missingNeedsGet bool
}

// read answers one resource's Read: from the (kind, parent) list when the
// cache may serve it, else with get.
func (k *listedKind[T]) read(ctx context.Context, d *providerData, id string, getByID func(context.Context, string) (*T, error)) (*T, error) {
	get := func() (*T, error) { return getByID(ctx, id) }
	if k.list == nil || d == nil {
		return get()
	}
	parent := ""
	if k.parent != nil {
		parent = k.parent(id)
	}
	key := listKey{k.name, parent}
	if !d.refresh.serving(key) {
		return get()
	}
	fill := d.refresh.fill(key, func() (any, error) {
		w, diags := d.workspace()
		if diags.HasError() {
			return nil, fmt.Errorf("no workspace client")
		}
		items, err := k.list(ctx, w, parent)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*T, len(items))
		for i := range items {
			byID[k.norm(k.key(parent, &items[i]))] = &items[i]
		}
		tflog.Debug(ctx, "batched refresh: listed", map[string]any{"kind": k.name, "parent": parent, "objects": len(items)})
		return byID, nil
	})
	if fill.err != nil {
		tflog.Debug(ctx, "batched refresh: list failed, reading with a GET", map[string]any{"kind": k.name, "parent": parent, "error": fill.err.Error()})
		return get()
	}
	// A write of this kind and parent may have been sent since the fill:
	// the list may be stale.
	if !d.refresh.serving(key) {
		return get()
	}
	obj, ok := fill.items.(map[string]*T)[k.norm(id)]
	switch {
	case !ok && k.missingNeedsGet:
		return get()
	case !ok:
		return nil, fmt.Errorf("%s %q is not in the list of %q: %w", k.name, id, parent, apierr.ErrResourceDoesNotExist)
	case k.usable != nil && !k.usable(obj):
		return get()
	}
	// Each Read gets its own copy: fromAPI code may keep or alter it.
	cp := *obj
	return &cp, nil
}

func (k *listedKind[T]) norm(id string) string {
	if k.fold {
		return strings.ToLower(id)
	}
	return id
}

// listKey names one list: a kind and the parent it is listed under.
type listKey struct{ kind, parent string }

// listFill is one list's contents (a map from id to object) once fetched.
type listFill struct {
	done  chan struct{}
	items any
	err   error
}

// refreshCache is the per-configuration cache; its zero value is ready.
type refreshCache struct {
	mu    sync.Mutex
	lists map[listKey]*listFill
	// stale holds what the writes sent so far may have changed (appended
	// by the transport, see refresh_stale.go); everything is set by a
	// write it cannot place.
	stale      []staleLists
	everything atomic.Bool
	envOnce    sync.Once
	// off: every read is a GET (BRICKOPS_BATCH_REFRESH=false, or set by
	// Configure).
	off bool
}

// serving reports whether the cache may answer reads of key now: batching
// is on and this process has sent no write that may have changed key's list.
func (c *refreshCache) serving(key listKey) bool {
	c.envOnce.Do(func() {
		switch strings.ToLower(os.Getenv(batchRefreshEnv)) {
		case "false", "0", "off", "no":
			c.off = true
		}
	})
	if c.off || c.everything.Load() {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.stale {
		if s.covers(key) {
			return false
		}
	}
	return true
}

// wrote records what one write may have changed; nil means it cannot say,
// so no list answers reads any more.
func (c *refreshCache) wrote(stale []staleLists) {
	if stale == nil {
		c.everything.Store(true)
		return
	}
	c.mu.Lock()
	c.stale = append(c.stale, stale...)
	c.mu.Unlock()
}

// fill returns the list for key, fetching it with fetch on first use;
// concurrent callers wait for that one fetch.
func (c *refreshCache) fill(key listKey, fetch func() (any, error)) *listFill {
	c.mu.Lock()
	if c.lists == nil {
		c.lists = map[listKey]*listFill{}
	}
	f, ok := c.lists[key]
	if !ok {
		f = &listFill{done: make(chan struct{})}
		c.lists[key] = f
	}
	c.mu.Unlock()
	if !ok {
		f.items, f.err = fetch()
		close(f.done)
	}
	<-f.done
	return f
}

// watch makes cfg's HTTP transport tell the cache about writes, so that no
// read after a write of its kind and parent is answered from a list.
func (c *refreshCache) watch(cfg *databricks.Config) {
	cfg.HTTPTransport = &writeWatch{next: cfg.HTTPTransport, cfg: cfg, cache: c}
}

// writeWatch passes requests on, noting writes. Without a transport of the
// user's it builds the SDK's default one (which the SDK does not export)
// at first use, once the configuration is resolved.
type writeWatch struct {
	next  http.RoundTripper
	cfg   *databricks.Config
	once  sync.Once
	cache *refreshCache
}

func (t *writeWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead && strings.HasPrefix(req.URL.Path, "/api/") {
		t.cache.wrote(staleAfter(req))
	}
	t.once.Do(func() {
		if t.next == nil {
			t.next = sdkDefaultTransport(t.cfg.InsecureSkipVerify)
		}
	})
	return t.next.RoundTrip(req)
}

// sdkDefaultTransport is databricks-sdk-go's default transport
// (httpclient.makeDefaultTransport, v0.118.0).
func sdkDefaultTransport(insecure bool) http.RoundTripper {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   runtime.GOMAXPROCS(0) + 1,
		IdleConnTimeout:       180 * time.Second,
		TLSHandshakeTimeout:   30 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
	if insecure {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for it (insecure_skip_verify)
	}
	return t
}
