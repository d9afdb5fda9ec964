package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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
		key:    func(t *thing) string { return t.ID },
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

// After the process writes anything to the workspace API, no read is
// answered from a list, even one fetched before the write.
func TestRefreshCache_aWriteEndsBatching(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer api.Close()
	d := newTestData()
	d.refresh.watch(d.cfg)
	client := &http.Client{Transport: d.cfg.HTTPTransport}
	send := func(method, path string) {
		req, _ := http.NewRequest(method, api.URL+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	f := newFakeKind([]thing{{ID: "cat.a", Value: "listed", Full: true}}, nil)
	send(http.MethodGet, "/api/2.1/unity-catalog/things")
	send(http.MethodPost, "/oauth2/token") // not the workspace API
	if got, _ := f.kind.read(context.Background(), d, "cat.a", f.get); got.Value != "listed" {
		t.Fatalf("before any write: %+v", got)
	}
	send(http.MethodPatch, "/api/2.1/unity-catalog/other-things/x")
	if got, _ := f.kind.read(context.Background(), d, "cat.a", f.get); got.Value != "from GET" {
		t.Errorf("after a write: %+v, want a GET", got)
	}
	if _, err := f.kind.read(context.Background(), d, "cat.gone", f.get); err != nil {
		t.Errorf("after a write, a missing object is asked for, not assumed gone: %v", err)
	}
}
