package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/databricks/databricks-sdk-go"
)

type thing struct {
	ID    string
	Value string
	Full  bool
}

// fakeKind lists things under a parent and counts its calls.
type fakeKind struct {
	kind        *listedKind[thing]
	lists, gets atomic.Int64
}

func newFakeKind(items []thing, listErr error) *fakeKind {
	f := &fakeKind{}
	f.kind = &listedKind[thing]{
		name:   "things",
		parent: ucParent,
		list: func(context.Context, *databricks.WorkspaceClient, string) ([]thing, error) {
			f.lists.Add(1)
			return append([]thing(nil), items...), listErr
		},
		key:    func(_ string, t *thing) string { return t.ID },
		fold:   true,
		usable: func(t *thing) bool { return t.Full },
	}
	return f
}

func (f *fakeKind) get(_ context.Context, id string) (*thing, error) {
	f.gets.Add(1)
	return &thing{ID: id, Value: "from GET", Full: true}, nil
}

// newTestData is provider data whose workspace client is already resolved
// (the fake lists do not use it).
func newTestData() *providerData {
	d := &providerData{cfg: &databricks.Config{}}
	d.once.Do(func() {})
	return d
}

func TestRefreshCache_oneListAnswersConcurrentReads(t *testing.T) {
	var items []thing
	for i := range 50 {
		items = append(items, thing{ID: fmt.Sprintf("cat.s%02d", i), Value: "listed", Full: true})
	}
	f := newFakeKind(items, nil)
	d := newTestData()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := f.kind.read(context.Background(), d, fmt.Sprintf("CAT.S%02d", i), f.get)
			if err != nil || got.Value != "listed" {
				t.Errorf("read %d: %+v %v", i, got, err)
			}
		}()
	}
	wg.Wait()
	if f.lists.Load() != 1 || f.gets.Load() != 0 {
		t.Errorf("%d lists and %d GETs, want 1 list and no GET", f.lists.Load(), f.gets.Load())
	}
	// Another parent is another list.
	if _, err := f.kind.read(context.Background(), d, "other.s00", f.get); !isNotFound(err) || f.lists.Load() != 2 {
		t.Errorf("read under another parent: %v after %d lists", err, f.lists.Load())
	}
}

func TestRefreshCache_missingIsGoneUnlessTheListMayOmitIt(t *testing.T) {
	f := newFakeKind([]thing{{ID: "cat.a", Full: true}}, nil)
	d := newTestData()
	_, err := f.kind.read(context.Background(), d, "cat.b", f.get)
	if !isNotFound(err) || f.gets.Load() != 0 {
		t.Errorf("missing from a complete list: %v, %d GETs; want not found without a GET", err, f.gets.Load())
	}
	f.kind.missingNeedsGet = true
	if got, err := f.kind.read(context.Background(), d, "cat.b", f.get); err != nil || got.Value != "from GET" {
		t.Errorf("missing from a partial list: %+v %v; want the GET's answer", got, err)
	}
}

func TestRefreshCache_readsWithAGetWhenTheListCannotAnswer(t *testing.T) {
	ctx := context.Background()
	t.Run("a listed object lacks a field", func(t *testing.T) {
		f := newFakeKind([]thing{{ID: "cat.a", Value: "listed", Full: false}}, nil)
		if got, err := f.kind.read(ctx, newTestData(), "cat.a", f.get); err != nil || got.Value != "from GET" {
			t.Errorf("%+v %v", got, err)
		}
	})
	t.Run("the list fails", func(t *testing.T) {
		f := newFakeKind(nil, errors.New("PERMISSION_DENIED"))
		d := newTestData()
		for range 3 {
			if got, err := f.kind.read(ctx, d, "cat.a", f.get); err != nil || got.Value != "from GET" {
				t.Errorf("%+v %v", got, err)
			}
		}
		if f.lists.Load() != 1 {
			t.Errorf("a failed list was tried %d times", f.lists.Load())
		}
	})
	t.Run("batching is turned off", func(t *testing.T) {
		t.Setenv(batchRefreshEnv, "false")
		f := newFakeKind([]thing{{ID: "cat.a", Value: "listed", Full: true}}, nil)
		if got, err := f.kind.read(ctx, newTestData(), "cat.a", f.get); err != nil || got.Value != "from GET" || f.lists.Load() != 0 {
			t.Errorf("%+v %v after %d lists", got, err, f.lists.Load())
		}
	})
	t.Run("a kind without a list", func(t *testing.T) {
		f := newFakeKind(nil, nil)
		f.kind.list = nil
		if got, err := f.kind.read(ctx, newTestData(), "cat.a", f.get); err != nil || got.Value != "from GET" {
			t.Errorf("%+v %v", got, err)
		}
	})
}

// watchedClient is an HTTP client through d's write watch to a server that
// answers every request 200.
func watchedClient(t *testing.T, d *providerData) func(method, path, body string) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	t.Cleanup(api.Close)
	d.refresh.watch(d.cfg)
	client := &http.Client{Transport: d.cfg.HTTPTransport}
	return func(method, path, body string) {
		t.Helper()
		req, err := http.NewRequest(method, api.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
}

// A write to one parent leaves the lists of other parents (and of other
// kinds) answering reads; a write to the same kind and parent makes every
// later read of that list a GET, even a list fetched before the write.
func TestRefreshCache_aWriteStalesOnlyItsKindAndParent(t *testing.T) {
	ctx := context.Background()
	d := newTestData()
	send := watchedClient(t, d)
	f := newFakeKind([]thing{
		{ID: "cat.s1.a", Value: "listed", Full: true},
		{ID: "cat.s2.a", Value: "listed", Full: true},
		{ID: "other.s1.a", Value: "listed", Full: true},
	}, nil)
	f.kind.name = refreshRegisteredModels.name
	read := func(id string) string {
		t.Helper()
		got, err := f.kind.read(ctx, d, id, f.get)
		if err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
		return got.Value
	}
	for _, id := range []string{"cat.s1.a", "cat.s2.a", "other.s1.a"} {
		if got := read(id); got != "listed" {
			t.Fatalf("before any write, %s: %q", id, got)
		}
	}
	lists := f.lists.Load()

	// Reads and writes outside the workspace API, and writes of other
	// kinds, change nothing here.
	send(http.MethodGet, "/api/2.1/unity-catalog/models/cat.s1.a", "")
	send(http.MethodPost, "/oidc/v1/token", "")
	send(http.MethodPatch, "/api/2.1/unity-catalog/tables/cat.s1.t", `{"owner":"x"}`)
	send(http.MethodPost, "/api/2.1/clusters/create", `{"cluster_name":"x"}`)
	send(http.MethodPost, "/api/2.0/mlflow/experiments/search", `{"max_results":100}`) // a read sent as POST
	if got := read("cat.s1.a"); got != "listed" {
		t.Errorf("after writes of other kinds: %q, want the list's answer", got)
	}

	// A write of a model in cat.s1: that list is stale, cat.s2's and
	// other.s1's are not.
	send(http.MethodPatch, "/api/2.1/unity-catalog/models/CAT.S1.b", `{"comment":"x"}`)
	if got := read("cat.s1.a"); got != "from GET" {
		t.Errorf("after a write to its parent: %q, want a GET", got)
	}
	if _, err := f.kind.read(ctx, d, "cat.s1.gone", f.get); err != nil {
		t.Errorf("after a write to its parent, a missing object is asked for, not assumed gone: %v", err)
	}
	for _, id := range []string{"cat.s2.a", "other.s1.a"} {
		if got := read(id); got != "listed" {
			t.Errorf("%s after a write to another parent: %q, want the list's answer", id, got)
		}
	}
	// A create names its parent in the body.
	send(http.MethodPost, "/api/2.1/unity-catalog/models", `{"catalog_name":"other","schema_name":"s1","name":"n"}`)
	if got := read("other.s1.a"); got != "from GET" {
		t.Errorf("after a create under its parent: %q, want a GET", got)
	}
	if got := read("cat.s2.a"); got != "listed" {
		t.Errorf("cat.s2.a after a create elsewhere: %q", got)
	}
	// Deleting a catalog removes what is under it.
	send(http.MethodDelete, "/api/2.1/unity-catalog/catalogs/cat?force=true", "")
	if got := read("cat.s2.a"); got != "from GET" {
		t.Errorf("after its catalog was deleted: %q, want a GET", got)
	}
	if n := f.lists.Load(); n != lists {
		t.Errorf("stale lists were fetched again: %d lists, want %d", n, lists)
	}
	// A write the cache cannot place ends batching for every kind.
	g := newFakeKind([]thing{{ID: "a", Value: "listed", Full: true}}, nil)
	g.kind.name, g.kind.parent = refreshMLflowExperiments.name, nil
	if got, _ := g.kind.read(ctx, d, "a", g.get); got.Value != "listed" {
		t.Fatalf("experiments before an unknown write: %+v", got)
	}
	send(http.MethodPost, "/api/2.0/some-new-api/create", `{}`)
	if got, _ := g.kind.read(ctx, d, "a", g.get); got.Value != "from GET" {
		t.Errorf("after a write the cache cannot place: %+v, want a GET", got)
	}
}

func TestStaleAfter_namesTheListsAWriteChanges(t *testing.T) {
	type want struct {
		stale, fresh []listKey
	}
	k := func(kind *string, parent string) listKey { return listKey{*kind, parent} }
	models, schemas, tables := &refreshRegisteredModels.name, &refreshSchemas.name, &refreshTables.name
	secrets, acls, scopes := &refreshSecrets.name, &refreshSecretACLs.name, &refreshSecretScopes.name
	objects, clusters, catalogs := &refreshWorkspaceObjects.name, &refreshClusters.name, &refreshCatalogs.name
	for _, c := range []struct {
		method, path, body string
		want
	}{
		{"POST", "/api/2.1/unity-catalog/schemas", `{"catalog_name":"c","name":"s"}`, want{
			stale: []listKey{k(schemas, "c"), k(models, "c.s")}, fresh: []listKey{k(schemas, "d"), k(models, "c.t"), k(catalogs, "")}}},
		{"PATCH", "/api/2.1/unity-catalog/schemas/c.s", `{"new_name":"t"}`, want{
			stale: []listKey{k(schemas, "c"), k(models, "c.s"), k(tables, "c.t")}, fresh: []listKey{k(models, "c.u")}}},
		{"PATCH", "/api/2.1/unity-catalog/catalogs/c", `{"comment":"x"}`, want{
			stale: []listKey{k(catalogs, ""), k(schemas, "c"), k(tables, "c.s")}, fresh: []listKey{k(schemas, "cc"), k(clusters, "")}}},
		{"DELETE", "/api/2.1/unity-catalog/tables/c.s.t", ``, want{
			stale: []listKey{k(tables, "c.s")}, fresh: []listKey{k(models, "c.s"), k(tables, "c.t")}}},
		{"POST", "/api/2.1/unity-catalog/volumes", `{"catalog_name":"c","schema_name":"s","name":"v","volume_type":"MANAGED"}`, want{
			stale: []listKey{k(&refreshVolumes.name, "c.s")}, fresh: []listKey{k(tables, "c.s"), k(&refreshVolumes.name, "c.t")}}},
		{"PATCH", "/api/2.0/preview/scim/v2/Groups/123", `{"Operations":[{"op":"add","path":"members"}]}`, want{
			stale: []listKey{k(&refreshGroups.name, ""), k(&refreshServicePrincipals.name, "")}, fresh: []listKey{k(clusters, "")}}},
		{"POST", "/api/2.0/secrets/put", `{"scope":"a","key":"k"}`, want{
			stale: []listKey{k(secrets, "a")}, fresh: []listKey{k(secrets, "b"), k(acls, "a"), k(scopes, "")}}},
		{"POST", "/api/2.0/secrets/scopes/delete", `{"scope":"a"}`, want{
			stale: []listKey{k(scopes, ""), k(secrets, "a"), k(acls, "a")}, fresh: []listKey{k(secrets, "b")}}},
		{"POST", "/api/2.0/workspace/mkdirs", `{"path":"/a/b/c"}`, want{
			stale: []listKey{k(objects, "/a/b"), k(objects, "/a"), k(objects, "/"), k(objects, "/a/b/c/d")}, fresh: []listKey{k(objects, "/a/x"), k(objects, "/a/bb")}}},
		{"POST", "/api/2.1/clusters/permanent-delete", `{"cluster_id":"x"}`, want{
			stale: []listKey{k(clusters, "")}, fresh: []listKey{k(catalogs, ""), k(objects, "/")}}},
	} {
		req, _ := http.NewRequest(c.method, "http://h"+c.path, strings.NewReader(c.body))
		got := staleAfter(req)
		if got == nil {
			t.Errorf("%s %s: cannot place it", c.method, c.path)
			continue
		}
		covered := func(key listKey) bool {
			return slices.ContainsFunc(got, func(s staleLists) bool { return s.covers(key) })
		}
		for _, key := range c.stale {
			if !covered(key) {
				t.Errorf("%s %s %s: %v should be stale", c.method, c.path, c.body, key)
			}
		}
		for _, key := range c.fresh {
			if covered(key) {
				t.Errorf("%s %s %s: %v should stay fresh", c.method, c.path, c.body, key)
			}
		}
	}
	// Without the body field that names the parent, nothing can be placed.
	req, _ := http.NewRequest("POST", "http://h/api/2.0/secrets/put", nil)
	if staleAfter(req) != nil {
		t.Error("a secret write without its scope was placed")
	}
}
