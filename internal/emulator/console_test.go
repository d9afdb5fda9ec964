package emulator_test

//lint:file-ignore SA1019 The estate has a quality monitor, created through the Unity Catalog quality monitors API the emulator serves (see quality_monitors_test.go).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/serving"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

const testOperatorToken = emulatortest.TestOperatorToken

// consoleGet fetches path with the given Authorization header (and
// cookie), without following redirects.
func consoleGet(t *testing.T, base, path, auth string, cookie *http.Cookie) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return doNoRedirect(t, req)
}

func doNoRedirect(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func consoleLogin(t *testing.T, base, token, next string) (*http.Response, string) {
	t.Helper()
	form := url.Values{"token": {token}, "next": {next}}
	req, err := http.NewRequest(http.MethodPost, base+"/_console/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return doNoRedirect(t, req)
}

func TestConsole_takesTheOperatorTokenOnly(t *testing.T) {
	emu := emulatortest.Start(t)

	resp, _ := consoleGet(t, emu.URL, "/_console/models", "", nil)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/_console/login?next=%2F_console%2Fmodels" {
		t.Errorf("anonymous page: %d to %q, want 302 to the login form", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, auth := range []string{"", "Bearer " + emu.Token, "Bearer wrong"} {
		resp, body := consoleGet(t, emu.URL, "/_console/api/overview", auth, nil)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "operator token") {
			t.Errorf("JSON twin with %q: %d %s, want 401 naming the operator token", auth, resp.StatusCode, body)
		}
	}
	if resp, _ := consoleGet(t, emu.URL, "/_console/api/overview", "Bearer "+testOperatorToken, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("bearer operator token: %d", resp.StatusCode)
	}

	// The login form refuses a workspace token and says which token it wants.
	resp, body := consoleLogin(t, emu.URL, emu.Token, "/_console/jobs")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "That is not the operator token") || len(resp.Cookies()) != 0 {
		t.Errorf("login with a workspace token: %d, cookies %v\n%s", resp.StatusCode, resp.Cookies(), body)
	}
	resp, _ = consoleLogin(t, emu.URL, testOperatorToken, "/_console/jobs")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/_console/jobs" || len(resp.Cookies()) != 1 {
		t.Fatalf("login: %d to %q, cookies %v", resp.StatusCode, resp.Header.Get("Location"), resp.Cookies())
	}
	cookie := resp.Cookies()[0]
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || strings.Contains(cookie.Value, testOperatorToken) {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, not the token itself", cookie)
	}
	if resp, body := consoleGet(t, emu.URL, "/_console/jobs", "", cookie); resp.StatusCode != http.StatusOK || !strings.Contains(body, "<h1>Jobs</h1>") {
		t.Errorf("page with the session cookie: %d", resp.StatusCode)
	}
	forged := &http.Cookie{Name: cookie.Name, Value: strings.Repeat("0", len(cookie.Value))}
	if resp, _ := consoleGet(t, emu.URL, "/_console/api/jobs", "", forged); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged cookie: %d, want 401", resp.StatusCode)
	}
	// A login never sends anyone off the console.
	if resp, _ := consoleLogin(t, emu.URL, testOperatorToken, "//evil.example/_console/"); resp.Header.Get("Location") != "/_console/overview" {
		t.Errorf("login with an outside next: redirected to %q", resp.Header.Get("Location"))
	}
	// Console requests are not part of the request log.
	for _, e := range emu.Requests(t, "") {
		if strings.HasPrefix(e.Path, "/_console/") {
			t.Errorf("the request log holds console request %s %s", e.Method, e.Path)
		}
	}

}

// consoleJSON reads a JSON twin with the operator token.
func consoleJSON(t *testing.T, base, path string, out any) {
	t.Helper()
	resp, body := consoleGet(t, base, "/_console/api/"+path, "Bearer "+testOperatorToken, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_console/api/%s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal([]byte(body), out); err != nil {
		t.Fatalf("decoding /_console/api/%s: %v\n%s", path, err, body)
	}
}

func consoleHTML(t *testing.T, base, path string) string {
	t.Helper()
	resp, body := consoleGet(t, base, "/_console/"+path, "Bearer "+testOperatorToken, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_console/%s: %d %s", path, resp.StatusCode, body)
	}
	return body
}

func wantContains(t *testing.T, what, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			t.Errorf("%s lacks %q", what, s)
		}
	}
}

// TestConsole_pagesShowTheState reads every page and its JSON twin over
// the estate seedConsoleEstate builds.
// seedConsoleEstate builds a small estate through the real clients: a
// trained version and its copy, a canary split, a monitor with drift, a job
// run, a reviewed promotion pull request with the gate's comment, a fault.
func seedConsoleEstate(t *testing.T, emu *emulatortest.Emulator) {
	t.Helper()
	w := emu.WorkspaceClient(t)
	ctx := context.Background()

	mustCreatePredictionsTable(t, w) // dev.ml.churn and a table to monitor
	// Models: two trained versions in dev, version 1 copied to staging.
	var runs []string
	for _, auc := range []float64{0.84, 0.88} {
		res, err := seed.Run(ctx, w, seed.Spec{Model: "dev.ml.churn", Metrics: map[string]float64{"val_auc": auc}, Tags: map[string]string{"validation_status": "passed"}})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, res.RunID)
	}
	mustCreateModel(t, w, "staging", "ml", "churn")
	if _, err := registry(t, w).Register(ctx, ucregistry.CreateRequest{Name: "staging.ml.churn", Source: "dbfs:/brickops/models/churn", RunID: runs[0],
		Tags: []ucregistry.Tag{{Key: "brickops.lineage.source_model", Value: "dev.ml.churn"}, {Key: "brickops.lineage.source_version", Value: "1"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: "dev.ml.churn", Alias: "champion", VersionNum: 2}); err != nil {
		t.Fatal(err)
	}

	// Serving: a canary, 90 % to version 1 and 10 % to version 2.
	if _, err := w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{Name: "churn", Config: &serving.EndpointCoreConfigInput{
		ServedEntities: []serving.ServedEntityInput{churnEntity("1", "churn-1"), churnEntity("2", "churn-2")},
		TrafficConfig:  &serving.TrafficConfig{Routes: []serving.Route{{ServedEntityName: "churn-1", TrafficPercentage: 90}, {ServedEntityName: "churn-2", TrafficPercentage: 10}}},
	}}); err != nil {
		t.Fatal(err)
	}

	// Monitoring: drift on one column, one refresh.
	if _, err := w.QualityMonitors.Create(ctx, inferenceMonitor()); err != nil {
		t.Fatal(err)
	}
	emu.SetMonitorDrift(t, "dev.ml.predictions", map[string]emulator.ColumnDrift{"region": {JSDistance: 0.41, PopulationStabilityIndex: 0.3}})
	if _, err := w.QualityMonitors.RunRefresh(ctx, catalog.RunRefreshRequest{TableName: "dev.ml.predictions"}); err != nil {
		t.Fatal(err)
	}

	// Jobs: a scheduled job and one run.
	job, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "retrain-churn",
		Schedule: &jobs.CronSchedule{QuartzCronExpression: "0 0 3 ? * MON", TimezoneId: "UTC", PauseStatus: jobs.PauseStatusUnpaused},
		Tasks:    []jobs.Task{{TaskKey: "train", NotebookTask: &jobs.NotebookTask{NotebookPath: "/Shared/train"}, ExistingClusterId: ""}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Jobs.RunNow(ctx, jobs.RunNow{JobId: job.JobId}); err != nil {
		t.Fatal(err)
	}

	// Promotions: a pull request moving the staging pin, approved on an
	// older head by alice and on the head by bob, with the gate's comment.
	oldPins, newPins := `{"models":{"churn":{"version":1}}}`, `{"models":{"churn":{"version":2,"traffic":{"2":100}}}}`
	emu.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"})
	push := func(branch, content string) {
		if status := emu.Do(t, http.MethodPost, "/_emulator/github/repos/acme/mlops/commits", emulator.GitHubPush{Branch: branch, Message: "pins", Files: map[string]*string{"environments/staging/models.auto.tfvars.json": &content}}, nil); status != http.StatusOK {
			t.Fatalf("push to %s: %d", branch, status)
		}
	}
	push("main", oldPins)
	push("promote/churn-staging-2", newPins)
	var pr struct{ Number int }
	if status := emu.Do(t, http.MethodPost, "/github/repos/acme/mlops/pulls", map[string]string{"title": "Promote churn v2 to staging", "head": "promote/churn-staging-2", "base": "main"}, &pr); status != http.StatusCreated {
		t.Fatalf("pull request: %d", status)
	}
	review := func(user string) {
		if status := emu.Do(t, http.MethodPost, fmt.Sprintf("/_emulator/github/repos/acme/mlops/pulls/%d/reviews", pr.Number), emulator.GitHubReviewSeed{User: user, State: "APPROVED"}, nil); status != http.StatusOK {
			t.Fatalf("review by %s: %d", user, status)
		}
	}
	review("alice")
	push("promote/churn-staging-2", newPins+"\n")
	review("bob")
	var head struct {
		Head struct{ SHA string } `json:"head"`
	}
	emu.Do(t, http.MethodGet, fmt.Sprintf("/github/repos/acme/mlops/pulls/%d", pr.Number), nil, &head)
	gate := fmt.Sprintf("<!-- brickops:gate-staging -->\n## BrickOps gate: staging — ❌ may not be applied yet\n\nChecked at head `%s`.\n\n| Gate | Result | Why |\n|---|---|---|\n| `1 approval(s) from @acme/ml-reviewers` | ❌ fail | alice approved an older commit \\| none on the head |\n| churn v2: `status READY` | ✅ pass | READY |\n", head.Head.SHA[:7])
	if status := emu.Do(t, http.MethodPost, fmt.Sprintf("/github/repos/acme/mlops/issues/%d/comments", pr.Number), map[string]string{"body": gate}, nil); status != http.StatusCreated {
		t.Fatalf("gate comment: %d", status)
	}

	// Faults: one read of the endpoint answered 503.
	emu.SetFaults(t, emulator.FaultRule{PathPrefix: "/api/2.0/serving-endpoints/churn", Method: "GET", Status: 503})
	if status, _ := rawRequest(t, http.MethodGet, emu.URL+"/api/2.0/serving-endpoints/churn", "Bearer "+emu.Token, ""); status != http.StatusServiceUnavailable {
		t.Fatalf("faulted read: %d", status)
	}
	emu.ClearFaults(t)

}

func TestConsole_pagesShowTheState(t *testing.T) {
	emu := emulatortest.Start(t)
	seedConsoleEstate(t, emu)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()

	t.Run("overview", func(t *testing.T) {
		var v struct {
			Counts []struct {
				Kind  string
				Count int
			}
			RecentRequests []emulator.RequestLogEntry `json:"recent_requests"`
		}
		consoleJSON(t, emu.URL, "overview", &v)
		counts := map[string]int{}
		for _, c := range v.Counts {
			counts[c.Kind] = c.Count
		}
		if counts["model versions"] != 3 || counts["serving endpoints"] != 1 || counts["quality monitors"] != 1 || counts["jobs"] != 1 || counts["pull requests"] != 1 {
			t.Errorf("counts = %v", counts)
		}
		if len(v.RecentRequests) != 10 {
			t.Errorf("%d recent requests, want the last 10", len(v.RecentRequests))
		}
		wantContains(t, "overview page", consoleHTML(t, emu.URL, "overview"), "default workspace", "model versions", "Recent requests", `aria-current="page"`)
	})

	t.Run("models", func(t *testing.T) {
		var v struct {
			Catalogs []struct {
				Name    string
				Schemas []struct {
					FullName string `json:"full_name"`
					Models   []struct {
						FullName string `json:"full_name"`
						Versions []struct {
							Version int
							Status  string
							Aliases []string
							Lineage map[string]string
							Metrics []struct {
								Key   string
								Value float64
							}
						}
					}
				}
			}
		}
		consoleJSON(t, emu.URL, "models", &v)
		got := map[string]string{}
		for _, c := range v.Catalogs {
			for _, s := range c.Schemas {
				for _, m := range s.Models {
					for _, mv := range m.Versions {
						desc := fmt.Sprintf("%s aliases=%v lineage=%v", mv.Status, mv.Aliases, mv.Lineage)
						for _, met := range mv.Metrics {
							desc += fmt.Sprintf(" %s=%g", met.Key, met.Value)
						}
						got[fmt.Sprintf("%s v%d", m.FullName, mv.Version)] = desc
					}
				}
			}
		}
		want := map[string]string{
			"dev.ml.churn v1":     "READY aliases=[] lineage=map[] val_auc=0.84",
			"dev.ml.churn v2":     "READY aliases=[champion] lineage=map[] val_auc=0.88",
			"staging.ml.churn v1": "READY aliases=[] lineage=map[source_model:dev.ml.churn source_version:1] val_auc=0.84",
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %q, want %q", k, got[k], w)
			}
		}
		wantContains(t, "models page", consoleHTML(t, emu.URL, "models"), "staging.ml.churn", "copy of <code>dev.ml.churn</code> v1", `<span class="alias">champion</span>`)
	})

	t.Run("serving", func(t *testing.T) {
		var v struct {
			Endpoints []struct {
				Name, Ready    string
				ConfigUpdate   string `json:"config_update"`
				Traffic        []emulator.TrafficShare
				InferenceTable string `json:"inference_table"`
				Charts         []emulator.Chart
			}
		}
		consoleJSON(t, emu.URL, "serving", &v)
		if len(v.Endpoints) != 1 {
			t.Fatalf("endpoints = %+v", v.Endpoints)
		}
		e := v.Endpoints[0]
		if e.Ready != "READY" || e.ConfigUpdate != "NOT_UPDATING" || fmt.Sprint(e.Traffic) != "[{churn-1 90} {churn-2 10}]" {
			t.Errorf("endpoint = %+v", e)
		}
		if len(e.Charts) != 2 || e.Charts[0].Title != "Request rate" || len(e.Charts[0].Series) != 2 {
			t.Errorf("charts = %+v", e.Charts)
		}
		wantContains(t, "serving page", consoleHTML(t, emu.URL, "serving"), `<svg class="bar"`, "Traffic split: churn-1 90%, churn-2 10%", "Request rate")
	})

	t.Run("monitoring", func(t *testing.T) {
		var v struct {
			Monitors []struct {
				Table     string `json:"table_name"`
				Refreshes []struct{ State string }
				Latest    []struct {
					Column   string `json:"column_name"`
					Drifting []string
				} `json:"latest_drift"`
				Charts []emulator.Chart
			}
		}
		consoleJSON(t, emu.URL, "monitoring", &v)
		if len(v.Monitors) != 1 || len(v.Monitors[0].Refreshes) != 1 || v.Monitors[0].Refreshes[0].State != "SUCCESS" {
			t.Fatalf("monitors = %+v", v.Monitors)
		}
		drifting := map[string][]string{}
		for _, c := range v.Monitors[0].Latest {
			drifting[c.Column] = c.Drifting
		}
		if fmt.Sprint(drifting["region"]) != "[js_distance population_stability_index]" || len(drifting["prediction"]) != 0 {
			t.Errorf("drifting columns = %v", drifting)
		}
		// The table holds no rows: only the overridden column has drift.
		if c := v.Monitors[0].Charts; len(c) != 2 || c[0].Threshold == nil || *c[0].Threshold != 0.2 || len(c[0].Series) != 1 {
			t.Errorf("charts = %+v", c)
		}
		wantContains(t, "monitoring page", consoleHTML(t, emu.URL, "monitoring"), "drifting (js_distance, population_stability_index)", "threshold 0.2", "Refresh history")
	})

	t.Run("jobs", func(t *testing.T) {
		var v struct {
			Jobs []struct {
				Name     string
				Schedule struct {
					Cron string `json:"quartz_cron_expression"`
				}
				Runs []struct {
					State  string `json:"life_cycle_state"`
					Result string `json:"result_state"`
				}
			}
		}
		consoleJSON(t, emu.URL, "jobs", &v)
		if len(v.Jobs) != 1 || v.Jobs[0].Name != "retrain-churn" || v.Jobs[0].Schedule.Cron != "0 0 3 ? * MON" || len(v.Jobs[0].Runs) != 1 {
			t.Fatalf("jobs = %+v", v.Jobs)
		}
		wantContains(t, "jobs page", consoleHTML(t, emu.URL, "jobs"), "retrain-churn", "0 0 3 ? * MON")
	})

	t.Run("promotions", func(t *testing.T) {
		var v struct {
			Repos []struct {
				Pins []struct {
					Env    string
					Models map[string]string
				}
				Pulls []struct {
					State      string
					PinChanges []struct{ Env, Model, Before, After string } `json:"pin_changes"`
					Reviews    []struct {
						User    string
						Current bool
					}
					Gates []struct {
						Env    string
						Passed bool
						Stale  bool
						Rows   []struct{ Gate, Result, Why string } `json:"gates"`
					}
				} `json:"pull_requests"`
			} `json:"repositories"`
		}
		consoleJSON(t, emu.URL, "promotions", &v)
		if len(v.Repos) != 1 || len(v.Repos[0].Pulls) != 1 {
			t.Fatalf("repos = %+v", v.Repos)
		}
		if fmt.Sprint(v.Repos[0].Pins) != `[{staging map[churn:{"version":1}]}]` {
			t.Errorf("merged pins = %v", v.Repos[0].Pins)
		}
		p := v.Repos[0].Pulls[0]
		if p.State != "open" || fmt.Sprint(p.PinChanges) != `[{staging churn {"version":1} {"traffic":{"2":100},"version":2}}]` {
			t.Errorf("pull = %+v", p)
		}
		if fmt.Sprint(p.Reviews) != "[{alice false} {bob true}]" {
			t.Errorf("reviews = %+v (alice approved an older head)", p.Reviews)
		}
		if len(p.Gates) != 1 || p.Gates[0].Env != "staging" || p.Gates[0].Passed || p.Gates[0].Stale || len(p.Gates[0].Rows) != 2 ||
			p.Gates[0].Rows[0].Why != "alice approved an older commit | none on the head" {
			t.Errorf("gates = %+v", p.Gates)
		}
		wantContains(t, "promotions page", consoleHTML(t, emu.URL, "promotions"), "#1 Promote churn v2 to staging", "may not be applied yet", "alice APPROVED (on <code>")
	})

	t.Run("requests", func(t *testing.T) {
		var v struct {
			Total    int
			Requests []emulator.RequestLogEntry
		}
		consoleJSON(t, emu.URL, "requests?status=5xx&faults=1", &v)
		if v.Total < 1 || v.Requests[0].Fault != "answered 503" || v.Requests[0].Path != "/api/2.0/serving-endpoints/churn" {
			t.Errorf("faulted requests = %+v", v)
		}
		consoleJSON(t, emu.URL, "requests?method=post&path=jobs", &v)
		if v.Total != 2 { // jobs/create and jobs/run-now
			t.Errorf("POST …jobs… requests: %d, want 2", v.Total)
		}
		resp, body := consoleGet(t, emu.URL, "/_console/api/requests?status=abc", "Bearer "+testOperatorToken, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "give a status such as 404 or a class such as 5xx") {
			t.Errorf("bad status filter: %d %s", resp.StatusCode, body)
		}
		wantContains(t, "requests page", consoleHTML(t, emu.URL, "requests?faults=1"), `<span class="pill bad">answered 503</span>`, `name="faults" value="1" checked`)
	})

	t.Run("live updates", func(t *testing.T) {
		var before, after struct{ Version string }
		consoleJSON(t, emu.URL, "version", &before)
		if _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "prod"}); err != nil {
			t.Fatal(err)
		}
		consoleJSON(t, emu.URL, "version", &after)
		if before.Version == after.Version {
			t.Errorf("the state version did not move after a write: %s", after.Version)
		}
		req, _ := http.NewRequest(http.MethodGet, emu.URL+"/_console/models", nil)
		req.Header.Set("Authorization", "Bearer "+testOperatorToken)
		req.Header.Set("X-Console-Partial", "1")
		resp, body := doNoRedirect(t, req)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, `id="cat-prod"`) {
			t.Errorf("partial page: %d, want the live region with the new catalog\n%s", resp.StatusCode, body)
		}
	})

	t.Run("unknown page", func(t *testing.T) {
		resp, body := consoleGet(t, emu.URL, "/_console/nope", "Bearer "+testOperatorToken, nil)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "There is no console page at /_console/nope") {
			t.Errorf("unknown page: %d", resp.StatusCode)
		}
		if resp, _ := consoleGet(t, emu.URL, "/_console/nope", "", nil); resp.StatusCode != http.StatusFound {
			t.Errorf("unknown page without credentials: %d, want the redirect to the login form", resp.StatusCode)
		}
		resp, _ = consoleGet(t, emu.URL, "/_console/models?ws=123", "Bearer "+testOperatorToken, nil)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown workspace: %d, want 400", resp.StatusCode)
		}
	})
}

// TestConsole_showsWorkspacesCreatedThroughARM: the overview lists a
// workspace ARM created with its host, and ?ws= shows that workspace's own
// state, not the default one's.
func TestConsole_showsWorkspacesCreatedThroughARM(t *testing.T) {
	emu := emulatortest.Start(t)
	_, host := hostedWorkspace(t, emu)
	w, err := client.Workspace(client.Isolated(host, emu.Token))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Catalogs.Create(context.Background(), catalog.CreateCatalog{Name: "hosted_only"}); err != nil {
		t.Fatal(err)
	}
	var overview struct {
		Workspaces []struct {
			Name        string
			WorkspaceID string `json:"workspace_id"`
			URL         string `json:"workspace_url"`
		}
	}
	consoleJSON(t, emu.URL, "overview", &overview)
	if len(overview.Workspaces) != 1 || overview.Workspaces[0].Name != "dbw" || emulatortest.WorkspaceHost(overview.Workspaces[0].URL) != host {
		t.Fatalf("workspaces = %+v, want dbw at %s", overview.Workspaces, host)
	}
	id := overview.Workspaces[0].WorkspaceID
	var hosted, root struct {
		Catalogs []struct{ Name string }
	}
	consoleJSON(t, emu.URL, "models?ws="+id, &hosted)
	consoleJSON(t, emu.URL, "models", &root)
	if fmt.Sprint(hosted.Catalogs) != "[{hosted_only}]" || len(root.Catalogs) != 0 {
		t.Errorf("catalogs of dbw = %v, of the default workspace = %v", hosted.Catalogs, root.Catalogs)
	}
	wantContains(t, "models page of dbw", consoleHTML(t, emu.URL, "models?ws="+id), `<option value="`+id+`" selected>dbw (`+id+`)</option>`, "hosted_only")
}
