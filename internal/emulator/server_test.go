package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/compute"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

type apiErrorBody struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
}

func rawRequest(t *testing.T, method, url, auth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// TestAuth_everyPathRefusesMissingOrWrongTokens walks every route the
// emulator lists (and an unknown one): no credentials is 401, anything but
// an accepted bearer token is 401 or 403, each in the family's error shape,
// and the presented token is never echoed. Entra ID's token endpoints are
// the exception by design: they authenticate the client credentials in the
// request (entraid_test.go covers those).
func TestAuth_everyPathRefusesMissingOrWrongTokens(t *testing.T) {
	emu := emulatortest.Start(t)
	routes := routeTable(t, emu.Server)
	routes = append(routes, emulator.Route{Family: "workspace", Pattern: "GET /api/9.9/unknown"})
	wildcard := strings.NewReplacer("{", "", "}", "")
	checked := 0
	for _, route := range routes {
		if route.Family == "entra" {
			continue
		}
		if route.Open {
			// Served without credentials in production too.
			method, path, _ := strings.Cut(route.Pattern, " ")
			if status, body := rawRequest(t, method, emu.URL+path, "", ""); status != http.StatusOK {
				t.Errorf("open route %s without a token: %d %s", route.Pattern, status, body)
			}
			continue
		}
		checked++
		method, path, _ := strings.Cut(route.Pattern, " ")
		path = wildcard.Replace(path)
		status, body := rawRequest(t, method, emu.URL+path, "", "{}")
		if status != http.StatusUnauthorized || checkAnswer(route.Family, method, status, []byte(body)) != "" {
			t.Errorf("%s without a token: %d %s", route.Pattern, status, body)
		}
		for _, auth := range []string{"Bearer wrong-token-x", "Basic " + emu.Token, "Bearer " + emu.Token + "x", emu.Token} {
			status, body = rawRequest(t, method, emu.URL+path, auth, "{}")
			if (status != http.StatusForbidden && status != http.StatusUnauthorized) || checkAnswer(route.Family, method, status, []byte(body)) != "" {
				t.Errorf("%s with Authorization %q: %d %s", route.Pattern, auth, status, body)
			}
			if route.Family == "workspace" && !strings.Contains(body, `"message":"Invalid access token."`) {
				t.Errorf("%s with Authorization %q: %s", route.Pattern, auth, body)
			}
			if strings.Contains(body, "wrong-token-x") || strings.Contains(body, emu.Token) {
				t.Errorf("%s echoes the presented token: %s", route.Pattern, body)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d routes checked", checked)
	}
}

func TestErrors_matchTheRealAPI(t *testing.T) {
	emu := emulatortest.Start(t)
	auth := "Bearer " + emu.Token
	cases := []struct {
		name, method, path, body string
		status                   int
		code, message            string
	}{
		{"malformed JSON", "POST", "/api/2.1/clusters/create", `{"spark_version":`, 400, "MALFORMED_REQUEST", "Invalid JSON"},
		{"not an object", "POST", "/api/2.1/clusters/create", `[1,2]`, 400, "MALFORMED_REQUEST", "expected a map"},
		{"wrong type", "POST", "/api/2.1/clusters/create", `{"spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","num_workers":"two"}`, 400, "INVALID_PARAMETER_VALUE", "num_workers"},
		{"missing field", "POST", "/api/2.1/clusters/create", `{"node_type_id":"Standard_DS3_v2"}`, 400, "INVALID_PARAMETER_VALUE", "Missing required field: spark_version"},
		{"unknown enum", "POST", "/api/2.1/clusters/create", `{"spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","runtime_engine":"TURBO"}`, 400, "INVALID_PARAMETER_VALUE", `Invalid runtime_engine "TURBO"`},
		{"unknown cluster", "GET", "/api/2.1/clusters/get?cluster_id=nope", ``, 400, "INVALID_PARAMETER_VALUE", "Cluster nope does not exist"},
		{"missing id", "GET", "/api/2.1/clusters/get", ``, 400, "INVALID_PARAMETER_VALUE", "Missing required field: cluster_id"},
		{"unknown route", "GET", "/api/2.0/no-such-api", ``, 501, "NOT_IMPLEMENTED", "does not implement GET /api/2.0/no-such-api"},
		{"wrong method", "DELETE", "/api/2.1/clusters/create", ``, 501, "NOT_IMPLEMENTED", "DELETE /api/2.1/clusters/create"},
		{"bad page token", "GET", "/api/2.1/clusters/list?page_token=zzz!", ``, 400, "INVALID_PARAMETER_VALUE", "page_token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := rawRequest(t, tc.method, emu.URL+tc.path, auth, tc.body)
			var body apiErrorBody
			if err := json.Unmarshal([]byte(raw), &body); err != nil {
				t.Fatalf("error body is not JSON: %s", raw)
			}
			if status != tc.status || body.ErrorCode != tc.code || !strings.Contains(body.Message, tc.message) {
				t.Errorf("got %d %s, want %d %s containing %q", status, raw, tc.status, tc.code, tc.message)
			}
		})
	}
}

func TestOperator_resetRequestsAndHealth(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	if _, err := w.Clusters.Create(ctx, compute.CreateCluster{SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2"}); err != nil {
		t.Fatal(err)
	}
	var health map[string]string
	if status := emu.Do(t, "GET", "/_emulator/health", nil, &health); status != 200 || health["status"] != "ok" {
		t.Errorf("health: %d %v", status, health)
	}
	reqs := emu.Requests(t, "/api/2.1/clusters/create")
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Status != 200 {
		t.Errorf("request log for create: %+v", reqs)
	}
	if status := emu.Do(t, "POST", "/_emulator/reset", nil, nil); status != 200 {
		t.Fatalf("reset: %d", status)
	}
	all, err := w.Clusters.ListAll(ctx, compute.ListClustersRequest{})
	if err != nil || len(all) != 0 {
		t.Errorf("after reset: %d clusters, %v", len(all), err)
	}
}

func TestFaults_retriedBySDKAndPermanentOnesSurface(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()

	// Every other request rate-limited: the SDK honours Retry-After and gets through.
	emu.SetFaults(t, emulator.FaultRule{PathPrefix: "/api/2.1/clusters/list-node-types", Rate429: 0.5, RetryAfterSeconds: 1})
	if _, err := w.Clusters.ListNodeTypes(ctx); err != nil {
		t.Fatalf("list-node-types under 50%% 429s: %v", err)
	}

	// A permanent 500 reaches the caller in the API's error shape.
	emu.SetFaults(t, emulator.FaultRule{PathPrefix: "/api/2.1/clusters/spark-versions", Status: 500})
	_, err := w.Clusters.SparkVersions(ctx)
	var apiErr *apierr.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || !strings.Contains(apiErr.Message, "Injected fault") {
		t.Errorf("permanent fault: %v", err)
	}

	// 429 carries Retry-After; faults apply only under their prefix.
	emu.SetFaults(t, emulator.FaultRule{PathPrefix: "/api/2.0/preview/scim", Rate429: 1, RetryAfterSeconds: 7})
	req, _ := http.NewRequest("GET", emu.URL+"/api/2.0/preview/scim/v2/Me", nil)
	req.Header.Set("Authorization", "Bearer "+emu.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("429 fault: status %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if _, err := w.Clusters.ListNodeTypes(ctx); err != nil {
		t.Errorf("a path outside the fault prefix failed: %v", err)
	}

	// Bad fault rules are refused.
	var body apiErrorBody
	if status := emu.Do(t, "PUT", "/_emulator/faults", emulator.FaultConfig{Rules: []emulator.FaultRule{{PathPrefix: "api", Rate429: 2}}}, &body); status != 400 || body.ErrorCode != "INVALID_PARAMETER_VALUE" {
		t.Errorf("bad fault rule: %d %+v", status, body)
	}
}

// TestFaults_lostAnswerProcessesTheWriteThenAnswers503: with
// rate_lost_answer 1 a create happens but its caller gets 503 with
// Retry-After; reads under the same rule are untouched.
func TestFaults_lostAnswerProcessesTheWriteThenAnswers503(t *testing.T) {
	emu := emulatortest.Start(t)
	emu.SetFaults(t, emulator.FaultRule{PathPrefix: "/api/2.1/unity-catalog/catalogs", RateLostAnswer: 1})
	auth := "Bearer " + emu.Token
	status, body := rawRequest(t, http.MethodPost, emu.URL+"/api/2.1/unity-catalog/catalogs", auth, `{"name":"lost"}`)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "TEMPORARILY_UNAVAILABLE") || !strings.Contains(body, "answer was lost") {
		t.Fatalf("lost answer: %d %s", status, body)
	}
	status, body = rawRequest(t, http.MethodGet, emu.URL+"/api/2.1/unity-catalog/catalogs/lost", auth, "")
	if status != http.StatusOK {
		t.Errorf("the write behind a lost answer did not happen: %d %s", status, body)
	}
	var faults emulator.FaultConfig
	emu.Do(t, http.MethodGet, "/_emulator/faults", nil, &faults)
	if len(faults.Rules) != 1 || faults.Rules[0].RateLostAnswer != 1 {
		t.Errorf("GET /_emulator/faults: %+v", faults)
	}
}

func TestStore_survivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var id string
	func() {
		srv, err := emulator.NewServer(emulator.Options{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		emu := serve(t, srv)
		created, err := emu.Clusters.Create(ctx, compute.CreateCluster{ClusterName: "persisted", SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 2})
		if err != nil {
			t.Fatal(err)
		}
		id = created.ClusterId
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	srv, err := emulator.NewServer(emulator.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	defer srv.Close()
	w := serve(t, srv)
	got, err := w.Clusters.GetByClusterId(ctx, id)
	if err != nil || got.ClusterName != "persisted" || got.NumWorkers != 2 {
		t.Errorf("after restart: %+v %v", got, err)
	}
}

func TestStore_secondEmulatorOnSameDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	srv, err := emulator.NewServer(emulator.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, err = emulator.NewServer(emulator.Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "another emulator holds this data dir") {
		t.Errorf("second open: %v", err)
	}
}

func TestClusters_concurrentWritesAreSafe(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	created, err := w.Clusters.Create(ctx, compute.CreateCluster{SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Clusters.WaitGetClusterRunning(ctx, created.ClusterId, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ids := make(chan string, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := w.Clusters.Create(ctx, compute.CreateCluster{SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2"})
			if err != nil {
				t.Error(err)
				return
			}
			ids <- c.ClusterId
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	all, err := w.Clusters.ListAll(ctx, compute.ListClustersRequest{})
	if err != nil || len(all) != 33 || len(seen) != 32 {
		t.Errorf("32 concurrent creates: %d distinct ids, %d listed, %v", len(seen), len(all), err)
	}
}

func TestClusters_idempotencyTokenReturnsTheSameCluster(t *testing.T) {
	emu := emulatortest.Start(t)
	body := map[string]any{"spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "idempotency_token": "tok-1"}
	var first, second struct {
		ClusterID string `json:"cluster_id"`
	}
	emu.Do(t, "POST", "/api/2.1/clusters/create", body, &first)
	emu.Do(t, "POST", "/api/2.1/clusters/create", body, &second)
	if first.ClusterID == "" || first.ClusterID != second.ClusterID {
		t.Errorf("same token gave %q then %q", first.ClusterID, second.ClusterID)
	}
	emu.Do(t, "POST", "/api/2.1/clusters/delete", map[string]string{"cluster_id": first.ClusterID}, nil)
	var third struct {
		ClusterID string `json:"cluster_id"`
	}
	emu.Do(t, "POST", "/api/2.1/clusters/create", body, &third)
	if third.ClusterID == first.ClusterID {
		t.Errorf("a terminated cluster's token still deduplicated")
	}
}

// serve exposes srv over loopback HTTP and returns an SDK client for it.
func serve(t *testing.T, srv *emulator.Server) *databricks.WorkspaceClient {
	t.Helper()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	w, err := client.Workspace(client.Isolated(hs.URL, emulator.DefaultToken))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestIdentity_orgIDHeaderOnEveryWorkspaceAnswer: production names the
// workspace in X-Databricks-Org-Id on every answer, errors included, and
// serves host discovery without credentials (databricks-sdk-go
// config/host_metadata.go fetches it before authenticating).
func TestIdentity_orgIDHeaderOnEveryWorkspaceAnswer(t *testing.T) {
	emu := emulatortest.Start(t)
	for _, tc := range []struct{ method, path, auth string }{
		{"GET", "/.well-known/databricks-config", ""},
		{"GET", "/api/2.0/preview/scim/v2/Me", "Bearer " + emu.Token},
		{"GET", "/api/2.1/clusters/get?cluster_id=nope", "Bearer " + emu.Token},
		{"GET", "/api/2.0/no-such-api", "Bearer " + emu.Token},
		{"GET", "/api/2.1/clusters/list", ""},
	} {
		req, _ := http.NewRequest(tc.method, emu.URL+tc.path, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Databricks-Org-Id"); got != "1234567890123456" {
			t.Errorf("%s %s: X-Databricks-Org-Id = %q", tc.method, tc.path, got)
		}
	}
	id, err := emu.WorkspaceClient(t).CurrentWorkspaceID(context.Background())
	if err != nil || id != 1234567890123456 {
		t.Errorf("CurrentWorkspaceID = %d, %v", id, err)
	}
}
