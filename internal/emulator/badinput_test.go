package emulator_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/compute"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// The bad-input suite: every route the emulator serves, fed what clients
// get wrong — malformed JSON, wrong types, missing required fields, unknown
// enum values, illegal or over-long names, unknown ids — answers with the
// real API's status and error_code, never a 500 and never a panic.
//
// Each API family contributes one function returning its rows; a new family
// adds its function to badInputTable. TestBadInput_tableCoversEveryRoute
// fails when a route in routes.go has no row.

// badInput is one request and the answer the real API gives it.
type badInput struct {
	// route is the pattern exercised, exactly as GET /_emulator/routes lists it.
	route string
	name  string
	// path (with query) and body; the method is the route's.
	path, body string
	status     int
	// code and message (a substring) are checked on error answers.
	code, message string
	// resets marks a row that wipes the emulator's state; those run last.
	resets bool
}

// fixtures are objects the rows refer to, created through the SDK.
type fixtures struct {
	runningCluster string
}

func badInputTable(fx fixtures) []badInput {
	var rows []badInput
	rows = append(rows, identityBadInputs()...)
	for _, v := range []string{"2.0", "2.1"} {
		rows = append(rows, clusterBadInputs(v, fx)...)
	}
	rows = append(rows, operatorBadInputs()...)
	return rows
}

const (
	badParam  = "INVALID_PARAMETER_VALUE"
	malformed = "MALFORMED_REQUEST"
)

func identityBadInputs() []badInput {
	return []badInput{
		{route: "GET /.well-known/databricks-config", name: "junk query is ignored", path: "/.well-known/databricks-config?x=%00%ff", status: 200},
		{route: "GET /api/2.0/preview/scim/v2/Me", name: "junk query is ignored", path: "/api/2.0/preview/scim/v2/Me?attributes=%7B%7D&x=" + strings.Repeat("a", 4096), status: 200},
	}
}

// clusterBadInputs follows the Clusters API: an unknown cluster id is 400
// INVALID_PARAMETER_VALUE "Cluster <id> does not exist" on every endpoint
// (databricks-sdk-go apierr/error_overrides.go maps it to not-found).
func clusterBadInputs(v string, fx fixtures) []badInput {
	p := "/api/" + v + "/clusters/"
	route := func(method, name string) string { return method + " " + p + name }
	valid := `"spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2"`
	create, edit := route("POST", "create"), route("POST", "edit")
	idOf := func(id string) string { return `{"cluster_id":` + quote(id) + `}` }
	rows := []badInput{
		{route: create, name: "malformed JSON", path: p + "create", body: `{"spark_version":`, status: 400, code: malformed, message: "failed to parse given JSON"},
		{route: create, name: "not an object", path: p + "create", body: `["spark_version"]`, status: 400, code: malformed, message: "expected a map"},
		{route: create, name: "number as string", path: p + "create", body: `{` + valid + `,"num_workers":"two"}`, status: 400, code: badParam, message: "num_workers"},
		{route: create, name: "map as string", path: p + "create", body: `{` + valid + `,"custom_tags":"owner=me"}`, status: 400, code: badParam, message: "custom_tags"},
		{route: create, name: "bool as number", path: p + "create", body: `{` + valid + `,"enable_elastic_disk":1}`, status: 400, code: badParam, message: "enable_elastic_disk"},
		{route: create, name: "missing spark_version", path: p + "create", body: `{"node_type_id":"Standard_DS3_v2"}`, status: 400, code: badParam, message: "Missing required field: spark_version"},
		{route: create, name: "missing node_type_id", path: p + "create", body: `{"spark_version":"15.4.x-scala2.12"}`, status: 400, code: badParam, message: "Missing required field: node_type_id"},
		{route: create, name: "unknown spark version", path: p + "create", body: `{"spark_version":"99.9.x","node_type_id":"Standard_DS3_v2"}`, status: 400, code: badParam, message: "Invalid spark version 99.9.x"},
		{route: create, name: "unknown node type", path: p + "create", body: `{"spark_version":"15.4.x-scala2.12","node_type_id":"Standard_Z9"}`, status: 400, code: badParam, message: "Node type Standard_Z9 is not supported"},
		{route: create, name: "unknown data_security_mode", path: p + "create", body: `{` + valid + `,"data_security_mode":"OPEN"}`, status: 400, code: badParam, message: `Invalid data_security_mode "OPEN"`},
		{route: create, name: "unknown runtime_engine", path: p + "create", body: `{` + valid + `,"runtime_engine":"TURBO"}`, status: 400, code: badParam, message: `Invalid runtime_engine "TURBO"`},
		{route: create, name: "unknown availability", path: p + "create", body: `{` + valid + `,"azure_attributes":{"availability":"SPOT"}}`, status: 400, code: badParam, message: `Invalid azure_attributes.availability "SPOT"`},
		{route: create, name: "unknown kind", path: p + "create", body: `{` + valid + `,"kind":"SERVERLESS"}`, status: 400, code: badParam, message: `Invalid kind "SERVERLESS"`},
		{route: create, name: "over-long cluster_name", path: p + "create", body: `{` + valid + `,"cluster_name":"` + strings.Repeat("n", 101) + `"}`, status: 400, code: badParam, message: "at most 100 characters"},
		{route: create, name: "over-long idempotency_token", path: p + "create", body: `{` + valid + `,"idempotency_token":"` + strings.Repeat("t", 65) + `"}`, status: 400, code: badParam, message: "idempotency_token must be at most 64"},
		{route: create, name: "over-long tag key", path: p + "create", body: `{` + valid + `,"custom_tags":{"` + strings.Repeat("k", 128) + `":"v"}}`, status: 400, code: badParam, message: "keys must be 1-127"},
		{route: create, name: "empty tag key", path: p + "create", body: `{` + valid + `,"custom_tags":{"":"v"}}`, status: 400, code: badParam, message: "keys must be 1-127"},
		{route: create, name: "reserved tag key", path: p + "create", body: `{` + valid + `,"custom_tags":{"Vendor":"me"}}`, status: 400, code: badParam, message: `"Vendor" is reserved`},
		{route: create, name: "auto-termination out of range", path: p + "create", body: `{` + valid + `,"autotermination_minutes":5}`, status: 400, code: badParam, message: "between 10 and 10000"},
		{route: create, name: "negative workers", path: p + "create", body: `{` + valid + `,"num_workers":-1}`, status: 400, code: badParam, message: "num_workers must be non-negative"},
		{route: create, name: "fractional workers", path: p + "create", body: `{` + valid + `,"num_workers":1.5}`, status: 400, code: badParam, message: "num_workers"},
		{route: create, name: "inverted autoscale", path: p + "create", body: `{` + valid + `,"autoscale":{"min_workers":4,"max_workers":2}}`, status: 400, code: badParam, message: "Invalid autoscale"},
		{route: create, name: "size given twice", path: p + "create", body: `{` + valid + `,"num_workers":2,"autoscale":{"min_workers":1,"max_workers":2}}`, status: 400, code: badParam, message: "Only one of num_workers and autoscale"},
		{route: create, name: "single user without user", path: p + "create", body: `{` + valid + `,"data_security_mode":"SINGLE_USER"}`, status: 400, code: badParam, message: "single_user_name is required"},
		{route: create, name: "body over 10 MiB", path: p + "create", body: `{"cluster_name":"` + strings.Repeat("x", 10<<20) + `"}`, status: 413, code: badParam, message: "exceeds the maximum size"},

		{route: route("GET", "get"), name: "missing id", path: p + "get", status: 400, code: badParam, message: "Missing required field: cluster_id"},
		{route: route("GET", "get"), name: "unknown id", path: p + "get?cluster_id=0101-000000-nothere0", status: 400, code: badParam, message: "Cluster 0101-000000-nothere0 does not exist"},
		{route: route("GET", "get"), name: "id with illegal characters", path: p + "get?cluster_id=" + url.QueryEscape("../../etc/passwd\x00'\""), status: 400, code: badParam, message: "does not exist"},
		{route: route("GET", "get"), name: "over-long id", path: p + "get?cluster_id=" + strings.Repeat("9", 8192), status: 400, code: badParam, message: "does not exist"},

		{route: route("GET", "list"), name: "bad page token", path: p + "list?page_token=zzz!", status: 400, code: badParam, message: "Invalid page_token"},
		{route: route("GET", "list"), name: "negative page size", path: p + "list?page_size=-1", status: 400, code: badParam, message: "page_size must be non-negative"},
		{route: route("GET", "list"), name: "page size not a number", path: p + "list?page_size=ten", status: 400, code: badParam, message: "'page_size'"},
		{route: route("GET", "list"), name: "unknown state filter", path: p + "list?filter_by.cluster_states=ASLEEP", status: 400, code: badParam, message: `Invalid filter_by.cluster_states "ASLEEP"`},

		{route: edit, name: "malformed JSON", path: p + "edit", body: `{"cluster_id":"x",}`, status: 400, code: malformed, message: "failed to parse"},
		{route: edit, name: "missing id", path: p + "edit", body: `{` + valid + `}`, status: 400, code: badParam, message: "Missing required field: cluster_id"},
		{route: edit, name: "id of the wrong type", path: p + "edit", body: `{"cluster_id":42,` + valid + `}`, status: 400, code: badParam, message: "cluster_id"},
		{route: edit, name: "unknown id", path: p + "edit", body: `{"cluster_id":"nope",` + valid + `}`, status: 400, code: badParam, message: "Cluster nope does not exist"},
		{route: edit, name: "missing spark_version", path: p + "edit", body: `{"cluster_id":` + quote(fx.runningCluster) + `,"node_type_id":"Standard_DS3_v2"}`, status: 400, code: badParam, message: "Missing required field: spark_version"},
		{route: edit, name: "unknown enum", path: p + "edit", body: `{"cluster_id":` + quote(fx.runningCluster) + `,` + valid + `,"runtime_engine":"TURBO"}`, status: 400, code: badParam, message: "Invalid runtime_engine"},

		{route: route("POST", "resize"), name: "no size", path: p + "resize", body: idOf(fx.runningCluster), status: 400, code: badParam, message: "Exactly one of num_workers or autoscale"},
		{route: route("POST", "resize"), name: "negative size", path: p + "resize", body: `{"cluster_id":` + quote(fx.runningCluster) + `,"num_workers":-3}`, status: 400, code: badParam, message: "non-negative"},
		{route: route("POST", "resize"), name: "size of the wrong type", path: p + "resize", body: `{"cluster_id":` + quote(fx.runningCluster) + `,"num_workers":true}`, status: 400, code: badParam, message: "num_workers"},
		{route: route("POST", "resize"), name: "unknown id", path: p + "resize", body: `{"cluster_id":"nope","num_workers":1}`, status: 400, code: badParam, message: "Cluster nope does not exist"},

		{route: route("POST", "start"), name: "already running", path: p + "start", body: idOf(fx.runningCluster), status: 400, code: "INVALID_STATE", message: "unexpected state Running"},
		{route: route("POST", "start"), name: "missing id", path: p + "start", body: `{}`, status: 400, code: badParam, message: "Missing required field: cluster_id"},
		{route: route("POST", "restart"), name: "unknown id", path: p + "restart", body: idOf("nope"), status: 400, code: badParam, message: "Cluster nope does not exist"},
		{route: route("POST", "restart"), name: "not an object", path: p + "restart", body: `"nope"`, status: 400, code: malformed, message: "expected a map"},
		{route: route("POST", "delete"), name: "unknown id", path: p + "delete", body: idOf("nope"), status: 400, code: badParam, message: "Cluster nope does not exist"},
		{route: route("POST", "delete"), name: "id of the wrong type", path: p + "delete", body: `{"cluster_id":["a"]}`, status: 400, code: badParam, message: "cluster_id"},
		{route: route("POST", "permanent-delete"), name: "unknown id", path: p + "permanent-delete", body: idOf("nope"), status: 400, code: badParam, message: "Cluster nope does not exist"},
		{route: route("POST", "permanent-delete"), name: "malformed JSON", path: p + "permanent-delete", body: `{cluster_id:1}`, status: 400, code: malformed, message: "failed to parse"},

		{route: route("GET", "spark-versions"), name: "junk query is ignored", path: p + "spark-versions?x=%ff", status: 200},
		{route: route("GET", "list-node-types"), name: "junk query is ignored", path: p + "list-node-types?x=%ff", status: 200},
	}
	return rows
}

func operatorBadInputs() []badInput {
	const faults = "/_emulator/faults"
	return []badInput{
		{route: "GET /_emulator/health", name: "junk query is ignored", path: "/_emulator/health?x=1", status: 200},
		{route: "GET /_emulator/requests", name: "since not a number", path: "/_emulator/requests?since=yesterday", status: 400, code: badParam, message: "'since'"},
		{route: "GET /_emulator/requests", name: "negative since", path: "/_emulator/requests?since=-1", status: 400, code: badParam, message: "'since'"},
		{route: "DELETE /_emulator/requests", name: "body is ignored", path: "/_emulator/requests", body: `{{{`, status: 200},
		{route: "GET /_emulator/faults", name: "junk query is ignored", path: faults + "?x=1", status: 200},
		{route: "PUT " + faults, name: "malformed JSON", path: faults, body: `{"rules":[`, status: 400, code: malformed, message: "failed to parse"},
		{route: "PUT " + faults, name: "rules of the wrong type", path: faults, body: `{"rules":{}}`, status: 400, code: badParam, message: "rules"},
		{route: "PUT " + faults, name: "relative path prefix", path: faults, body: `{"rules":[{"path_prefix":"api/"}]}`, status: 400, code: badParam, message: "must start with '/'"},
		{route: "PUT " + faults, name: "rates over 1", path: faults, body: `{"rules":[{"path_prefix":"/","rate_429":0.6,"rate_503":0.6}]}`, status: 400, code: badParam, message: "sum to at most 1"},
		{route: "PUT " + faults, name: "success status", path: faults, body: `{"rules":[{"path_prefix":"/","status":200}]}`, status: 400, code: badParam, message: "HTTP error status"},
		{route: "PUT " + faults, name: "negative latency", path: faults, body: `{"rules":[{"path_prefix":"/","latency_ms":-5}]}`, status: 400, code: badParam, message: "latency_ms"},
		{route: "DELETE " + faults, name: "body is ignored", path: faults, body: `nope`, status: 200},
		{route: "GET /_emulator/routes", name: "junk query is ignored", path: "/_emulator/routes?x=1", status: 200},
		{route: "POST /_emulator/reset", name: "body is ignored", path: "/_emulator/reset", body: `[1,`, status: 200, resets: true},
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func startWithFixtures(t *testing.T) (*emulatortest.Emulator, fixtures) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	c, err := w.Clusters.CreateAndWait(context.Background(), compute.CreateCluster{
		ClusterName: "fixture", SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1,
	})
	if err != nil {
		t.Fatalf("creating the fixture cluster: %v", err)
	}
	return emu, fixtures{runningCluster: c.ClusterId}
}

func TestBadInput_answersLikeTheRealAPI(t *testing.T) {
	emu, fx := startWithFixtures(t)
	rows := badInputTable(fx)
	// Rows that wipe state run after the ones that need the fixtures.
	slices.SortStableFunc(rows, func(a, b badInput) int {
		switch {
		case a.resets == b.resets:
			return 0
		case a.resets:
			return 1
		default:
			return -1
		}
	})
	auth := "Bearer " + emu.Token
	for _, tc := range rows {
		t.Run(tc.route+"/"+tc.name, func(t *testing.T) {
			method, _, _ := strings.Cut(tc.route, " ")
			status, raw := rawRequest(t, method, emu.URL+tc.path, auth, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", status, tc.status, raw)
			}
			if tc.status < 400 {
				if !json.Valid([]byte(raw)) {
					t.Errorf("answer is not JSON: %.300s", raw)
				}
				return
			}
			var body apiErrorBody
			if err := json.Unmarshal([]byte(raw), &body); err != nil {
				t.Fatalf("error body is not the API's JSON shape: %.300s", raw)
			}
			if body.ErrorCode != tc.code || !strings.Contains(body.Message, tc.message) {
				t.Errorf("got %s %q, want %s containing %q", body.ErrorCode, body.Message, tc.code, tc.message)
			}
		})
	}
}

func TestBadInput_tableCoversEveryRoute(t *testing.T) {
	emu := emulatortest.Start(t)
	var out struct {
		Routes []string `json:"routes"`
	}
	if status := emu.Do(t, http.MethodGet, "/_emulator/routes", nil, &out); status != 200 || len(out.Routes) == 0 {
		t.Fatalf("GET /_emulator/routes: %d %v", status, out.Routes)
	}
	covered := map[string]bool{}
	for _, row := range badInputTable(fixtures{runningCluster: "x"}) {
		covered[row.route] = true
		if !slices.Contains(out.Routes, row.route) {
			t.Errorf("row %q names route %q, which the emulator does not serve", row.name, row.route)
		}
	}
	for _, r := range out.Routes {
		if !covered[r] {
			t.Errorf("route %q has no row in the bad-input table (badinput_test.go)", r)
		}
	}
}

// junkBodies are what a confused or hostile client sends.
var junkBodies = []string{
	``, `{`, `}`, `null`, `[]`, `"x"`, `0`, `{"a":}`, `{"cluster_id":{}}`, `{"cluster_id":null}`,
	`{"spark_version":["x"],"node_type_id":{"a":1},"num_workers":1e400}`, `{"num_workers":-9223372036854775809}`,
	`{"autoscale":"x"}`, `{"autoscale":{"min_workers":"1"}}`, `{"custom_tags":{"a":1}}`, `{"rules":[null]}`,
	`{"rules":[{"path_prefix":"/","rate_429":"NaN"}]}`, strings.Repeat(`[`, 10000), `{"a":"\ud800"}`, "\xff\xfe{}",
	`{"cluster_name":"` + strings.Repeat("é", 5000) + `"}`,
}

// TestBadInput_noRouteAnswers500 throws junk bodies and queries at every
// route the emulator lists: each answer is a 2xx JSON body or the API's
// error shape, never a 500 (which is also what a recovered panic gives).
func TestBadInput_noRouteAnswers500(t *testing.T) {
	emu := emulatortest.Start(t)
	var out struct {
		Routes []string `json:"routes"`
	}
	emu.Do(t, http.MethodGet, "/_emulator/routes", nil, &out)
	wildcard := regexp.MustCompile(`\{[^}]+\}`)
	auth := "Bearer " + emu.Token
	for _, route := range out.Routes {
		method, pattern, _ := strings.Cut(route, " ")
		path := wildcard.ReplaceAllString(pattern, "..%2F%00x")
		for _, query := range []string{"", "?cluster_id=%00&page_token=%ff&page_size=99999999999999999999&since=18446744073709551616"} {
			for _, body := range junkBodies {
				status, raw := rawRequest(t, method, emu.URL+path+query, auth, body)
				if status >= 500 || !json.Valid([]byte(raw)) {
					t.Errorf("%s%s with body %.40q: %d %.200s", route, query, body, status, raw)
				}
				if status >= 400 {
					var e apiErrorBody
					if json.Unmarshal([]byte(raw), &e) != nil || e.ErrorCode == "" || e.Message == "" {
						t.Errorf("%s with body %.40q: error without error_code/message: %.200s", route, body, raw)
					}
				}
			}
		}
	}
}
