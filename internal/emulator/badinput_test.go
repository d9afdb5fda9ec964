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
	// code and message (a substring) are checked on error answers, in the
	// family's shape: error_code, ARM's error.code, Entra ID's error;
	// GitHub errors carry only a message.
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
	rows = append(rows, libraryBadInputs(fx)...)
	rows = append(rows, unityCatalogBadInputs()...)
	rows = append(rows, mlflowBadInputs()...)
	for _, v := range []string{"2.1", "2.2"} {
		rows = append(rows, jobsBadInputs(v)...)
	}
	rows = append(rows, servingBadInputs()...)
	rows = append(rows, tableDataBadInputs()...)
	rows = append(rows, monitorBadInputs()...)
	rows = append(rows, onlineTableAndTagBadInputs()...)
	rows = append(rows, githubBadInputs()...)
	rows = append(rows, armBadInputs()...)
	rows = append(rows, entraBadInputs()...)
	rows = append(rows, operatorBadInputs()...)
	rows = append(rows, operatorExtraBadInputs()...)
	rows = append(rows, clockBadInputs()...)
	rows = append(rows, stackBadInputs()...)
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
		{route: create, name: "empty cluster_name", path: p + "create", body: `{` + valid + `,"cluster_name":""}`, status: 400, code: badParam, message: "cluster_name"},
		{route: create, name: "blank cluster_name", path: p + "create", body: `{` + valid + `,"cluster_name":"   "}`, status: 400, code: badParam, message: "cluster_name"},
		{route: create, name: "NUL in cluster_name", path: p + "create", body: `{` + valid + `,"cluster_name":"a\u0000b"}`, status: 400, code: badParam, message: "control characters"},
		{route: create, name: "tab cluster_name", path: p + "create", body: `{` + valid + `,"cluster_name":"\t"}`, status: 400, code: badParam, message: "cluster_name"},
		{route: edit, name: "empty cluster_name", path: p + "edit", body: `{"cluster_id":"x",` + valid + `,"cluster_name":""}`, status: 400, code: badParam, message: "cluster_name"},
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

		{route: route("GET", "list"), name: "unknown source filter", path: p + "list?filter_by.cluster_sources=ROBOT", status: 400, code: badParam, message: `Invalid filter_by.cluster_sources "ROBOT"`},
		{route: route("GET", "list"), name: "is_pinned not a bool", path: p + "list?filter_by.is_pinned=maybe", status: 400, code: badParam, message: "filter_by.is_pinned"},
		{route: route("POST", "pin"), name: "unknown id", path: p + "pin", body: idOf("nope"), status: 400, code: badParam, message: "Cluster nope does not exist"},
		{route: route("POST", "pin"), name: "missing id", path: p + "pin", body: `{}`, status: 400, code: badParam, message: "Missing required field: cluster_id"},
		{route: route("POST", "unpin"), name: "unknown id", path: p + "unpin", body: idOf("nope"), status: 400, code: badParam, message: "Cluster nope does not exist"},
		{route: route("POST", "unpin"), name: "malformed JSON", path: p + "unpin", body: `{cluster_id:1}`, status: 400, code: malformed, message: "failed to parse"},
		{route: route("POST", "events"), name: "unknown id", path: p + "events", body: idOf("nope"), status: 400, code: badParam, message: "Cluster nope does not exist"},
		{route: route("POST", "events"), name: "missing id", path: p + "events", body: `{}`, status: 400, code: badParam, message: "Missing required field: cluster_id"},
		{route: route("POST", "events"), name: "unknown order", path: p + "events", body: `{"cluster_id":` + quote(fx.runningCluster) + `,"order":"SIDEWAYS"}`, status: 400, code: badParam, message: `Invalid order "SIDEWAYS"`},
		{route: route("POST", "events"), name: "unknown event type", path: p + "events", body: `{"cluster_id":` + quote(fx.runningCluster) + `,"event_types":["EXPLODED"]}`, status: 400, code: badParam, message: `Invalid event_types "EXPLODED"`},
		{route: route("POST", "events"), name: "limit too large", path: p + "events", body: `{"cluster_id":` + quote(fx.runningCluster) + `,"limit":501}`, status: 400, code: badParam, message: "limit must be between 0 and 500"},
		{route: route("POST", "events"), name: "bad page token", path: p + "events", body: `{"cluster_id":` + quote(fx.runningCluster) + `,"page_token":"zzz!"}`, status: 400, code: badParam, message: "Invalid page_token"},
	}
	return rows
}

// libraryBadInputs: the Libraries API refuses a library that is not
// exactly one kind, and an unknown cluster as the Clusters API does.
func libraryBadInputs(fx fixtures) []badInput {
	const p = "/api/2.0/libraries/"
	on := func(libs string) string {
		return `{"cluster_id":` + quote(fx.runningCluster) + `,"libraries":` + libs + `}`
	}
	var rows []badInput
	for _, op := range []string{"install", "uninstall"} {
		route := "POST " + p + op
		rows = append(rows,
			badInput{route: route, name: "malformed JSON", path: p + op, body: `{"cluster_id":`, status: 400, code: malformed, message: "failed to parse"},
			badInput{route: route, name: "missing cluster id", path: p + op, body: `{"libraries":[{"jar":"dbfs:/a.jar"}]}`, status: 400, code: badParam, message: "Missing required field: cluster_id"},
			badInput{route: route, name: "unknown cluster", path: p + op, body: `{"cluster_id":"nope","libraries":[{"jar":"dbfs:/a.jar"}]}`, status: 400, code: badParam, message: "Cluster nope does not exist"},
			badInput{route: route, name: "no libraries", path: p + op, body: on(`[]`), status: 400, code: badParam, message: "Missing required field: libraries"},
			badInput{route: route, name: "two kinds in one library", path: p + op, body: on(`[{"jar":"dbfs:/a.jar","whl":"dbfs:/a.whl"}]`), status: 400, code: badParam, message: "exactly one of"},
			badInput{route: route, name: "pypi without package", path: p + op, body: on(`[{"pypi":{}}]`), status: 400, code: badParam, message: "pypi.package"},
			badInput{route: route, name: "maven coordinates", path: p + op, body: on(`[{"maven":{"coordinates":"junit"}}]`), status: 400, code: badParam, message: "Invalid maven coordinates"},
		)
	}
	return append(rows,
		badInput{route: "GET " + p + "cluster-status", name: "missing cluster id", path: p + "cluster-status", status: 400, code: badParam, message: "Missing required field: cluster_id"},
		badInput{route: "GET " + p + "cluster-status", name: "unknown cluster", path: p + "cluster-status?cluster_id=nope", status: 400, code: badParam, message: "Cluster nope does not exist"},
		badInput{route: "GET " + p + "all-cluster-statuses", name: "junk query is ignored", path: p + "all-cluster-statuses?x=%ff", status: 200},
	)
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
		{route: "PUT " + faults, name: "lost answers over 1", path: faults, body: `{"rules":[{"path_prefix":"/","rate_503":0.5,"rate_lost_answer":0.6}]}`, status: 400, code: badParam, message: "rate_lost_answer"},
		{route: "PUT " + faults, name: "negative times", path: faults, body: `{"rules":[{"path_prefix":"/","times":-1}]}`, status: 400, code: badParam, message: "times"},
		{route: "PUT " + faults, name: "success status", path: faults, body: `{"rules":[{"path_prefix":"/","status":200}]}`, status: 400, code: badParam, message: "HTTP error status"},
		{route: "PUT " + faults, name: "negative latency", path: faults, body: `{"rules":[{"path_prefix":"/","latency_ms":-5}]}`, status: 400, code: badParam, message: "latency_ms"},
		{route: "DELETE " + faults, name: "body is ignored", path: faults, body: `nope`, status: 200},
		{route: "GET /_emulator/routes", name: "junk query is ignored", path: "/_emulator/routes?x=1", status: 200},
		{route: "POST /_emulator/reset", name: "body is ignored", path: "/_emulator/reset", body: `[1,`, status: 200, resets: true},
	}
}

// unityCatalogBadInputs: unknown names are 404 RESOURCE_DOES_NOT_EXIST, names
// with the wrong number of dot-separated parts 400 (databricks-sdk-go
// service/catalog; unity_catalog.go).
func unityCatalogBadInputs() []badInput {
	const wb, b = "/api/2.1/unity-catalog/workspace-bindings/catalogs/", "/api/2.1/unity-catalog/bindings/"
	long := strings.Repeat("x", 65537)
	return []badInput{
		{route: "POST /api/2.1/unity-catalog/catalogs", name: "name over 255", path: "/api/2.1/unity-catalog/catalogs", body: `{"name":"` + strings.Repeat("c", 256) + `"}`, status: 400, code: badParam, message: "at most 255 characters"},
		{route: "POST /api/2.1/unity-catalog/catalogs", name: "comment over the limit", path: "/api/2.1/unity-catalog/catalogs", body: `{"name":"c","comment":"` + long + `"}`, status: 400, code: badParam, message: "a comment must be at most 65536 characters"},
		{route: "POST /api/2.1/unity-catalog/schemas", name: "comment over the limit", path: "/api/2.1/unity-catalog/schemas", body: `{"catalog_name":"c","name":"s","comment":"` + long + `"}`, status: 400, code: badParam, message: "a comment must be at most"},
		{route: "POST /api/2.1/unity-catalog/models", name: "comment over the limit", path: "/api/2.1/unity-catalog/models", body: `{"catalog_name":"c","schema_name":"s","name":"m","comment":"` + long + `"}`, status: 400, code: badParam, message: "a comment must be at most"},
		{route: "GET /api/2.1/unity-catalog/current-metastore-assignment", name: "junk query is ignored", path: "/api/2.1/unity-catalog/current-metastore-assignment?x=%ff", status: 200},
		{route: "GET /api/2.1/unity-catalog/metastore_summary", name: "junk query is ignored", path: "/api/2.1/unity-catalog/metastore_summary?x=%ff", status: 200},
		{route: "GET " + wb + "{name}", name: "unknown catalog", path: wb + "nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Catalog 'nope' does not exist."},
		{route: "PATCH " + wb + "{name}", name: "malformed JSON", path: wb + "nope", body: `{"assign_workspaces":`, status: 400, code: malformed, message: "failed to parse"},
		{route: "PATCH " + wb + "{name}", name: "ids of the wrong type", path: wb + "nope", body: `{"assign_workspaces":["one"]}`, status: 400, code: badParam, message: "assign_workspaces"},
		{route: "PATCH " + wb + "{name}", name: "negative id", path: wb + "nope", body: `{"assign_workspaces":[-1]}`, status: 400, code: badParam, message: "Invalid workspace id -1"},
		{route: "PATCH " + wb + "{name}", name: "unknown catalog", path: wb + "nope", body: `{"assign_workspaces":[1]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Catalog 'nope' does not exist."},
		{route: "GET " + b + "{securable_type}/{securable_name}", name: "unknown securable type", path: b + "table/x", status: 400, code: badParam, message: `Invalid securable type "table"`},
		{route: "GET " + b + "{securable_type}/{securable_name}", name: "unknown external location", path: b + "external_location/x", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "External location 'x' does not exist."},
		{route: "GET " + b + "{securable_type}/{securable_name}", name: "negative max_results", path: b + "catalog/nope?max_results=-1", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Catalog 'nope' does not exist."},
		{route: "PATCH " + b + "{securable_type}/{securable_name}", name: "unknown binding type", path: b + "catalog/nope", body: `{"add":[{"workspace_id":1,"binding_type":"WRITE_ONLY"}]}`, status: 400, code: badParam, message: `Invalid binding_type "WRITE_ONLY"`},
		{route: "PATCH " + b + "{securable_type}/{securable_name}", name: "missing workspace id", path: b + "catalog/nope", body: `{"remove":[{}]}`, status: 400, code: badParam, message: "Missing required field: workspace_id"},
		{route: "PATCH " + b + "{securable_type}/{securable_name}", name: "unknown catalog", path: b + "catalog/nope", body: `{"add":[{"workspace_id":1}]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Catalog 'nope' does not exist."},
		{route: "POST /api/2.1/unity-catalog/catalogs", name: "malformed JSON", path: "/api/2.1/unity-catalog/catalogs", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.1/unity-catalog/catalogs", name: "nothing matches", path: "/api/2.1/unity-catalog/catalogs", status: 200},
		{route: "GET /api/2.1/unity-catalog/catalogs/{name}", name: "unknown id", path: "/api/2.1/unity-catalog/catalogs/nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Catalog 'nope' does not exist."},
		{route: "PATCH /api/2.1/unity-catalog/catalogs/{name}", name: "malformed JSON", path: "/api/2.1/unity-catalog/catalogs/nope", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.1/unity-catalog/catalogs/{name}", name: "unknown id", path: "/api/2.1/unity-catalog/catalogs/nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Catalog 'nope' does not exist."},
		{route: "POST /api/2.1/unity-catalog/schemas", name: "malformed JSON", path: "/api/2.1/unity-catalog/schemas", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.1/unity-catalog/schemas", name: "missing required field", path: "/api/2.1/unity-catalog/schemas", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: catalog_name"},
		{route: "GET /api/2.1/unity-catalog/schemas/{full_name}", name: "invalid input", path: "/api/2.1/unity-catalog/schemas/main.nope.nope", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid schema full name 'main.nope.nope': expected 2 dot-se"},
		{route: "PATCH /api/2.1/unity-catalog/schemas/{full_name}", name: "malformed JSON", path: "/api/2.1/unity-catalog/schemas/main.nope.nope", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.1/unity-catalog/schemas/{full_name}", name: "invalid input", path: "/api/2.1/unity-catalog/schemas/main.nope.nope", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid schema full name 'main.nope.nope': expected 2 dot-se"},
		{route: "GET /api/2.1/unity-catalog/permissions/{securable_type}/{full_name}", name: "invalid input", path: "/api/2.1/unity-catalog/permissions/catalog/main.nope.nope", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid catalog full name 'main.nope.nope': expected 1 dot-s"},
		{route: "PATCH /api/2.1/unity-catalog/permissions/{securable_type}/{full_name}", name: "malformed JSON", path: "/api/2.1/unity-catalog/permissions/catalog/main.nope.nope", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /api/2.1/unity-catalog/tables", name: "malformed JSON", path: "/api/2.1/unity-catalog/tables", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.1/unity-catalog/tables", name: "missing required field", path: "/api/2.1/unity-catalog/tables", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: catalog_name"},
		{route: "GET /api/2.1/unity-catalog/tables/{full_name}", name: "unknown id", path: "/api/2.1/unity-catalog/tables/main.nope.nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Table 'main.nope.nope' does not exist."},
		{route: "GET /api/2.1/unity-catalog/tables/{full_name}/exists", name: "nothing matches", path: "/api/2.1/unity-catalog/tables/main.nope.nope/exists", status: 200},
		{route: "DELETE /api/2.1/unity-catalog/tables/{full_name}", name: "unknown id", path: "/api/2.1/unity-catalog/tables/main.nope.nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Table 'main.nope.nope' does not exist."},
		{route: "POST /api/2.1/unity-catalog/constraints", name: "malformed JSON", path: "/api/2.1/unity-catalog/constraints", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.1/unity-catalog/constraints/{full_name}", name: "missing required field", path: "/api/2.1/unity-catalog/constraints/main.nope.nope", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: constraint_name"},
		{route: "POST /api/2.1/unity-catalog/models", name: "malformed JSON", path: "/api/2.1/unity-catalog/models", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.1/unity-catalog/models", name: "nothing matches", path: "/api/2.1/unity-catalog/models", status: 200},
		{route: "GET /api/2.1/unity-catalog/models/{full_name}", name: "unknown id", path: "/api/2.1/unity-catalog/models/main.nope.nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Routine or Model 'main.nope.nope' does not exist."},
		{route: "PATCH /api/2.1/unity-catalog/models/{full_name}", name: "malformed JSON", path: "/api/2.1/unity-catalog/models/main.nope.nope", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.1/unity-catalog/models/{full_name}", name: "unknown id", path: "/api/2.1/unity-catalog/models/main.nope.nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Routine or Model 'main.nope.nope' does not exist."},
		{route: "PUT /api/2.1/unity-catalog/models/{full_name}/aliases/{alias}", name: "malformed JSON", path: "/api/2.1/unity-catalog/models/main.nope.nope/aliases/nope", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.1/unity-catalog/models/{full_name}/aliases/{alias}", name: "unknown id", path: "/api/2.1/unity-catalog/models/main.nope.nope/aliases/nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Routine or Model 'main.nope.nope' does not exist."},
		{route: "GET /api/2.1/unity-catalog/models/{full_name}/aliases/{alias}", name: "unknown id", path: "/api/2.1/unity-catalog/models/main.nope.nope/aliases/nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Routine or Model 'main.nope.nope' does not exist."},
		{route: "GET /api/2.1/unity-catalog/models/{full_name}/versions", name: "unknown id", path: "/api/2.1/unity-catalog/models/main.nope.nope/versions", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Routine or Model 'main.nope.nope' does not exist."},
		{route: "GET /api/2.1/unity-catalog/models/{full_name}/versions/{version}", name: "unknown id", path: "/api/2.1/unity-catalog/models/main.nope.nope/versions/999", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Routine or Model 'main.nope.nope' does not exist."},
		{route: "PATCH /api/2.1/unity-catalog/models/{full_name}/versions/{version}", name: "malformed JSON", path: "/api/2.1/unity-catalog/models/main.nope.nope/versions/999", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.1/unity-catalog/models/{full_name}/versions/{version}", name: "unknown id", path: "/api/2.1/unity-catalog/models/main.nope.nope/versions/999", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Routine or Model 'main.nope.nope' does not exist."},
	}
}

// mlflowBadInputs: the MLflow and UC model-version endpoints answer missing
// query fields 400 INVALID_PARAMETER_VALUE.
func mlflowBadInputs() []badInput {
	return []badInput{
		{route: "POST /api/2.0/mlflow/unity-catalog/model-versions/create", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/model-versions/create", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /api/2.0/mlflow/unity-catalog/model-versions/finalize", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/model-versions/finalize", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /api/2.0/mlflow/unity-catalog/model-versions/copy", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/model-versions/copy", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.0/mlflow/unity-catalog/model-versions/get", name: "missing required field", path: "/api/2.0/mlflow/unity-catalog/model-versions/get", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: name"},
		{route: "GET /api/2.0/mlflow/unity-catalog/model-versions/search", name: "invalid input", path: "/api/2.0/mlflow/unity-catalog/model-versions/search", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Unsupported filter '': Unity Catalog model version search re"},
		{route: "PATCH /api/2.0/mlflow/unity-catalog/model-versions/update", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/model-versions/update", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.0/mlflow/unity-catalog/model-versions/delete", name: "missing required field", path: "/api/2.0/mlflow/unity-catalog/model-versions/delete", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: name"},
		{route: "POST /api/2.0/mlflow/unity-catalog/model-versions/tags", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/model-versions/tags", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.0/mlflow/unity-catalog/model-versions/tags", name: "missing required field", path: "/api/2.0/mlflow/unity-catalog/model-versions/tags", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: key"},
		{route: "POST /api/2.0/mlflow/unity-catalog/model-versions/set-tag", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/model-versions/set-tag", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.0/mlflow/unity-catalog/model-versions/delete-tag", name: "missing required field", path: "/api/2.0/mlflow/unity-catalog/model-versions/delete-tag", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: key"},
		{route: "POST /api/2.0/mlflow/unity-catalog/model-versions/delete-tag", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/model-versions/delete-tag", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.0/mlflow/unity-catalog/registered-models/alias", name: "missing required field", path: "/api/2.0/mlflow/unity-catalog/registered-models/alias", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: name"},
		{route: "POST /api/2.0/mlflow/unity-catalog/registered-models/alias", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/registered-models/alias", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.0/mlflow/unity-catalog/registered-models/alias", name: "missing required field", path: "/api/2.0/mlflow/unity-catalog/registered-models/alias", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: name"},
		{route: "POST /api/2.0/mlflow/unity-catalog/registered-models/create", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/registered-models/create", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.0/mlflow/unity-catalog/registered-models/get", name: "missing required field", path: "/api/2.0/mlflow/unity-catalog/registered-models/get", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: name"},
		{route: "PATCH /api/2.0/mlflow/unity-catalog/registered-models/update", name: "malformed JSON", path: "/api/2.0/mlflow/unity-catalog/registered-models/update", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "DELETE /api/2.0/mlflow/unity-catalog/registered-models/delete", name: "missing required field", path: "/api/2.0/mlflow/unity-catalog/registered-models/delete", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: name"},
		{route: "GET /api/2.0/mlflow/unity-catalog/registered-models/search", name: "bad page token", path: "/api/2.0/mlflow/unity-catalog/registered-models/search?page_token=zzz!", status: 400, code: "INVALID_PARAMETER_VALUE", message: "page_token"},
		{route: "GET /api/2.0/mlflow/unity-catalog/model-versions/get-download-uri", name: "missing required field", path: "/api/2.0/mlflow/unity-catalog/model-versions/get-download-uri", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: name"},
		{route: "POST /api/2.0/mlflow/experiments/create", name: "malformed JSON", path: "/api/2.0/mlflow/experiments/create", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.0/mlflow/experiments/get", name: "missing required field", path: "/api/2.0/mlflow/experiments/get", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: experiment_id"},
		{route: "GET /api/2.0/mlflow/experiments/get-by-name", name: "missing required field", path: "/api/2.0/mlflow/experiments/get-by-name", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: experiment_name"},
		{route: "POST /api/2.0/mlflow/experiments/search", name: "malformed JSON", path: "/api/2.0/mlflow/experiments/search", body: `{"filter":`, status: 400, code: malformed, message: "failed to parse"},
		{route: "POST /api/2.0/mlflow/experiments/search", name: "unknown view type", path: "/api/2.0/mlflow/experiments/search", body: `{"view_type":"SOME"}`, status: 400, code: badParam, message: `Invalid view_type "SOME"`},
		{route: "POST /api/2.0/mlflow/experiments/search", name: "unparseable filter", path: "/api/2.0/mlflow/experiments/search", body: `{"filter":"name ~ 'x'"}`, status: 400, code: badParam, message: "could not parse clause"},
		{route: "POST /api/2.0/mlflow/experiments/search", name: "filter on a metric", path: "/api/2.0/mlflow/experiments/search", body: `{"filter":"metrics.rmse < 1"}`, status: 400, code: badParam, message: "experiments can be searched by tags"},
		{route: "POST /api/2.0/mlflow/experiments/search", name: "unknown order_by", path: "/api/2.0/mlflow/experiments/search", body: `{"order_by":["owner DESC"]}`, status: 400, code: badParam, message: "experiments order by"},
		{route: "POST /api/2.0/mlflow/experiments/search", name: "negative max_results", path: "/api/2.0/mlflow/experiments/search", body: `{"max_results":-1}`, status: 400, code: badParam, message: "max_results must be greater than or equal to 0"},
		{route: "GET /api/2.0/mlflow/experiments/search", name: "max_results not a number", path: "/api/2.0/mlflow/experiments/search?max_results=ten", status: 400, code: badParam, message: "max_results"},
		{route: "GET /api/2.0/mlflow/experiments/search", name: "bad page token", path: "/api/2.0/mlflow/experiments/search?page_token=zzz!", status: 400, code: badParam, message: "Invalid page_token"},
		{route: "POST /api/2.0/mlflow/runs/create", name: "malformed JSON", path: "/api/2.0/mlflow/runs/create", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.0/mlflow/runs/get", name: "missing required field", path: "/api/2.0/mlflow/runs/get", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: run_id"},
		{route: "POST /api/2.0/mlflow/runs/update", name: "malformed JSON", path: "/api/2.0/mlflow/runs/update", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /api/2.0/mlflow/runs/search", name: "malformed JSON", path: "/api/2.0/mlflow/runs/search", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /api/2.0/mlflow/runs/log-metric", name: "malformed JSON", path: "/api/2.0/mlflow/runs/log-metric", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /api/2.0/mlflow/runs/log-parameter", name: "malformed JSON", path: "/api/2.0/mlflow/runs/log-parameter", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /api/2.0/mlflow/runs/set-tag", name: "malformed JSON", path: "/api/2.0/mlflow/runs/set-tag", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /api/2.0/mlflow/runs/log-batch", name: "malformed JSON", path: "/api/2.0/mlflow/runs/log-batch", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "GET /api/2.0/mlflow/metrics/get-history", name: "missing required field", path: "/api/2.0/mlflow/metrics/get-history", status: 400, code: "INVALID_PARAMETER_VALUE", message: "Missing required field: run_id"},
	}
}

// githubBadInputs: GitHub answers {"message", "documentation_url"}; unknown
// repositories, pulls and comments are 404 "Not Found".
func githubBadInputs() []badInput {
	return []badInput{
		{route: "GET /github/repos/{owner}/{repo}", name: "unknown id", path: "/github/repos/nope/nope", status: 404, code: "", message: "Not Found"},
		{route: "GET /github/repos/{owner}/{repo}/pulls/{number}", name: "unknown id", path: "/github/repos/nope/nope/pulls/999", status: 404, code: "", message: "Not Found"},
		{route: "GET /github/repos/{owner}/{repo}/issues/{a}/{b}", name: "unknown id", path: "/github/repos/nope/nope/issues/999/comments", status: 404, code: "", message: "Not Found"},
		{route: "POST /github/repos/{owner}/{repo}/issues/{number}/comments", name: "malformed JSON", path: "/github/repos/nope/nope/issues/999/comments", body: "{\"name\":", status: 400, code: "", message: "Problems parsing JSON"},
		{route: "GET /github/repos/{owner}/{repo}/issues", name: "unknown repository", path: "/github/repos/nope/nope/issues", status: 404, message: "Not Found"},
		{route: "POST /github/repos/{owner}/{repo}/issues", name: "malformed JSON", path: "/github/repos/nope/nope/issues", body: "{\"title\":", status: 400, message: "Problems parsing JSON"},
		{route: "PATCH /github/repos/{owner}/{repo}/issues/{number}", name: "malformed JSON", path: "/github/repos/nope/nope/issues/7", body: "{\"state\":", status: 400, message: "Problems parsing JSON"},
		{route: "PATCH /github/repos/{owner}/{repo}/issues/comments/{comment_id}", name: "malformed JSON", path: "/github/repos/nope/nope/issues/comments/999", body: "{\"name\":", status: 400, code: "", message: "Problems parsing JSON"},
		{route: "DELETE /github/repos/{owner}/{repo}/issues/comments/{comment_id}", name: "unknown id", path: "/github/repos/nope/nope/issues/comments/999", status: 404, code: "", message: "Not Found"},
		{route: "GET /github/repos/{owner}/{repo}/git/ref/{ref...}", name: "unknown repository", path: "/github/repos/nope/nope/git/ref/heads/nope", status: 404, message: "Not Found"},
		{route: "POST /github/repos/{owner}/{repo}/git/refs", name: "malformed JSON", path: "/github/repos/nope/nope/git/refs", body: "{\"name\":", status: 400, message: "Problems parsing JSON"},
		{route: "DELETE /github/repos/{owner}/{repo}/git/refs/{ref...}", name: "unknown repository", path: "/github/repos/nope/nope/git/refs/heads/nope", status: 404, message: "Not Found"},
		{route: "GET /github/repos/{owner}/{repo}/contents/{path...}", name: "unknown repository", path: "/github/repos/nope/nope/contents/nope.txt", status: 404, message: "Not Found"},
		{route: "PUT /github/repos/{owner}/{repo}/contents/{path...}", name: "malformed JSON", path: "/github/repos/nope/nope/contents/nope.txt", body: "{\"name\":", status: 400, message: "Problems parsing JSON"},
		{route: "GET /github/repos/{owner}/{repo}/commits", name: "unknown repository", path: "/github/repos/nope/nope/commits", status: 404, message: "Not Found"},
		{route: "GET /github/repos/{owner}/{repo}/pulls", name: "unknown repository", path: "/github/repos/nope/nope/pulls", status: 404, message: "Not Found"},
		{route: "POST /github/repos/{owner}/{repo}/pulls", name: "malformed JSON", path: "/github/repos/nope/nope/pulls", body: "{\"name\":", status: 400, message: "Problems parsing JSON"},
		{route: "PUT /github/repos/{owner}/{repo}/pulls/{number}/merge", name: "unknown pull request", path: "/github/repos/nope/nope/pulls/999/merge", body: "{\"name\":", status: 404, message: "Not Found"},
		{route: "GET /github/repos/{owner}/{repo}/pulls/{number}/reviews", name: "unknown pull request", path: "/github/repos/nope/nope/pulls/999/reviews", status: 404, message: "Not Found"},
		{route: "GET /github/orgs/{org}/teams/{team_slug}/members", name: "unknown repository", path: "/github/orgs/nope/teams/nope/members", status: 404, message: "Not Found"},
	}
}

// armBadInputs: ARM answers {"error":{"code","message"}}; an unsupported
// api-version is 400 InvalidApiVersionParameter, a missing resource group 404.
func armBadInputs() []badInput {
	return []badInput{
		{route: "PUT /subscriptions/{sub}/resourceGroups/{rg}", name: "malformed JSON", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nope?api-version=2024-05-01", body: "{\"name\":", status: 400, code: "InvalidApiVersionParameter", message: "The api-version '2024-05-01' is invalid"},
		{route: "GET /subscriptions/{sub}/resourceGroups/{rg}", name: "unsupported api-version", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nope?api-version=2024-05-01", status: 400, code: "InvalidApiVersionParameter", message: "The api-version '2024-05-01' is invalid"},
		{route: "HEAD /subscriptions/{sub}/resourceGroups/{rg}", name: "unsupported api-version (HEAD has no body)", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nope?api-version=2024-05-01", status: 400},
		{route: "GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Databricks/workspaces", name: "unknown id", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nope/providers/Microsoft.Databricks/workspaces?api-version=2024-05-01", status: 404, code: "ResourceGroupNotFound", message: "Resource group 'nope' could not be found."},
		{route: "PUT /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Databricks/workspaces/{name}", name: "malformed JSON", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nope/providers/Microsoft.Databricks/workspaces/nope?api-version=2024-05-01", body: "{\"name\":", status: 400, code: "InvalidRequestContent", message: "The request content was invalid and could not be deserialize"},
		{route: "GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Databricks/workspaces/{name}", name: "unknown id", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nope/providers/Microsoft.Databricks/workspaces/nope?api-version=2024-05-01", status: 404, code: "ResourceGroupNotFound", message: "Resource group 'nope' could not be found."},
		{route: "PATCH /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Databricks/workspaces/{name}", name: "malformed JSON", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nope/providers/Microsoft.Databricks/workspaces/nope?api-version=2024-05-01", body: "{\"name\":", status: 400, code: "InvalidRequestContent", message: "The request content was invalid and could not be deserialize"},
		{route: "DELETE /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Databricks/workspaces/{name}", name: "unknown id", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nope/providers/Microsoft.Databricks/workspaces/nope?api-version=2024-05-01", status: 404, code: "ResourceGroupNotFound", message: "Resource group 'nope' could not be found."},
		{route: "PUT /subscriptions/{sub}/resourcegroups/{rg}", name: "malformed JSON", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/nope?api-version=2024-05-01", body: "{\"name\":", status: 400, code: "InvalidApiVersionParameter", message: "The api-version '2024-05-01' is invalid"},
		{route: "GET /subscriptions/{sub}/resourcegroups/{rg}", name: "unsupported api-version", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/nope?api-version=2024-05-01", status: 400, code: "InvalidApiVersionParameter", message: "The api-version '2024-05-01' is invalid"},
		{route: "HEAD /subscriptions/{sub}/resourcegroups/{rg}", name: "unsupported api-version (HEAD has no body)", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/nope?api-version=2024-05-01", status: 400},
		{route: "GET /subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Databricks/workspaces", name: "unknown id", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/nope/providers/Microsoft.Databricks/workspaces?api-version=2024-05-01", status: 404, code: "ResourceGroupNotFound", message: "Resource group 'nope' could not be found."},
		{route: "PUT /subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Databricks/workspaces/{name}", name: "malformed JSON", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/nope/providers/Microsoft.Databricks/workspaces/nope?api-version=2024-05-01", body: "{\"name\":", status: 400, code: "InvalidRequestContent", message: "The request content was invalid and could not be deserialize"},
		{route: "GET /subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Databricks/workspaces/{name}", name: "unknown id", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/nope/providers/Microsoft.Databricks/workspaces/nope?api-version=2024-05-01", status: 404, code: "ResourceGroupNotFound", message: "Resource group 'nope' could not be found."},
		{route: "PATCH /subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Databricks/workspaces/{name}", name: "malformed JSON", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/nope/providers/Microsoft.Databricks/workspaces/nope?api-version=2024-05-01", body: "{\"name\":", status: 400, code: "InvalidRequestContent", message: "The request content was invalid and could not be deserialize"},
		{route: "DELETE /subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Databricks/workspaces/{name}", name: "unknown id", path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/nope/providers/Microsoft.Databricks/workspaces/nope?api-version=2024-05-01", status: 404, code: "ResourceGroupNotFound", message: "Resource group 'nope' could not be found."},
		{route: "GET /subscriptions/{sub}/providers/Microsoft.Databricks/workspaces", name: "nothing matches", path: "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Databricks/workspaces?api-version=2024-05-01", status: 200},
		{route: "GET /subscriptions/{sub}/providers/Microsoft.Databricks/locations/{loc}/operationStatuses/{op}", name: "unknown id", path: "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Databricks/locations/westeurope/operationStatuses/nope?api-version=2024-05-01", status: 404, code: "OperationNotFound", message: "The operation 'nope' could not be found."},
		{route: "GET /subscriptions/{sub}/providers/Microsoft.Databricks/locations/{loc}/operationResults/{op}", name: "unknown id", path: "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Databricks/locations/westeurope/operationResults/nope?api-version=2024-05-01", status: 404, code: "OperationNotFound", message: "The operation 'nope' could not be found."},
	}
}

// entraBadInputs: Entra ID answers OAuth errors {"error","error_description"}.
func entraBadInputs() []badInput {
	return []badInput{
		{route: "POST /{tenant}/oauth2/v2.0/token", name: "JSON instead of a form", path: "/nope/oauth2/v2.0/token", body: "{\"name\":", status: 400, code: "unsupported_grant_type", message: "AADSTS70003: The app requested an unsupported grant type"},
		{route: "POST /{tenant}/oauth2/token", name: "JSON instead of a form", path: "/nope/oauth2/token", body: "{\"name\":", status: 400, code: "unsupported_grant_type", message: "AADSTS70003: The app requested an unsupported grant type"},
		{route: "GET /{tenant}/v2.0/.well-known/openid-configuration", name: "unknown tenant", path: "/nope/v2.0/.well-known/openid-configuration", status: 400, code: "invalid_tenant", message: "AADSTS90002: Tenant 'nope' not found"},
		{route: "GET /metadata/identity/oauth2/token", name: "invalid input", path: "/metadata/identity/oauth2/token", status: 400, code: "invalid_request", message: "Required metadata header not specified"},
		{route: "GET /msi/token", name: "no identity header", path: "/msi/token?api-version=2019-08-01&resource=https://management.azure.com/", status: 401, code: "invalid_request", message: "The X-IDENTITY-HEADER is missing"},
	}
}

// operatorExtraBadInputs covers the operator endpoints other families add.
func operatorExtraBadInputs() []badInput {
	return []badInput{
		{route: "GET /_emulator/github-actions/idtoken", name: "junk query is ignored", path: "/_emulator/github-actions/idtoken?x=%ff", status: 200},
		{route: "POST /_emulator/github/repos", name: "malformed JSON", path: "/_emulator/github/repos", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /_emulator/github/repos/{owner}/{repo}/pulls", name: "malformed JSON", path: "/_emulator/github/repos/nope/nope/pulls", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /_emulator/github/repos/{owner}/{repo}/commits", name: "malformed JSON", path: "/_emulator/github/repos/nope/nope/commits", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "POST /_emulator/github/repos/{owner}/{repo}/pulls/{number}/reviews", name: "malformed JSON", path: "/_emulator/github/repos/nope/nope/pulls/999/reviews", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
		{route: "PUT /_emulator/github/orgs/{org}/teams/{team_slug}", name: "malformed JSON", path: "/_emulator/github/orgs/nope/teams/nope", body: "{\"name\":", status: 400, code: "MALFORMED_REQUEST", message: "Invalid JSON given in the body of the request - failed to pa"},
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func startWithFixtures(t *testing.T) (*emulatortest.Emulator, fixtures) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	wait, err := w.Clusters.Create(context.Background(), compute.CreateCluster{
		ClusterName: "fixture", SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1,
	})
	var c *compute.ClusterDetails
	if err == nil {
		c, err = wait.Get()
	}
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
	families := map[string]string{}
	for _, r := range routeTable(t, emu.Server) {
		families[r.Pattern] = r.Family
	}
	for _, tc := range rows {
		t.Run(tc.route+"/"+tc.name, func(t *testing.T) {
			method, _, _ := strings.Cut(tc.route, " ")
			status, raw := rawRequest(t, method, emu.URL+tc.path, authFor(emu, families[tc.route]), tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", status, tc.status, raw)
			}
			family := families[tc.route]
			if problem := checkAnswer(family, method, status, []byte(raw)); problem != "" {
				t.Fatalf("%s: %.300s", problem, raw)
			}
			if tc.status < 400 || method == http.MethodHead {
				return
			}
			code, message := errorOf(family, []byte(raw))
			if code != tc.code || !strings.Contains(message, tc.message) {
				t.Errorf("got %q %q, want %q containing %q", code, message, tc.code, tc.message)
			}
		})
	}
}

// authFor is the Authorization header a route of family takes: the
// operator token on the operator API, the workspace token elsewhere.
func authFor(emu *emulatortest.Emulator, family string) string {
	if family == "operator" {
		return "Bearer " + emu.OperatorToken
	}
	return "Bearer " + emu.Token
}

func TestBadInput_tableCoversEveryRoute(t *testing.T) {
	emu := emulatortest.Start(t)
	served := map[string]bool{}
	for _, r := range routeTable(t, emu.Server) {
		served[r.Pattern] = true
	}
	covered := map[string]bool{}
	for _, row := range badInputTable(fixtures{runningCluster: "x"}) {
		covered[row.route] = true
		if !served[row.route] {
			t.Errorf("row %q names route %q, which the emulator does not serve", row.name, row.route)
		}
	}
	for r := range served {
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
// route the emulator lists: each answer is a 2xx body or the error shape
// of the route's family, never a 500 (which is also what a recovered panic
// gives).
func TestBadInput_noRouteAnswers500(t *testing.T) {
	emu := emulatortest.Start(t)
	wildcard := regexp.MustCompile(`\{[^}]+\}`)
	for _, route := range routeTable(t, emu.Server) {
		auth := authFor(emu, route.Family)
		method, pattern, _ := strings.Cut(route.Pattern, " ")
		path := wildcard.ReplaceAllString(pattern, "..%2F%00x")
		for _, query := range []string{"", "?cluster_id=%00&page_token=%ff&page_size=99999999999999999999&since=18446744073709551616&api-version=2024-05-01"} {
			for _, body := range junkBodies {
				status, raw := rawRequest(t, method, emu.URL+path+query, auth, body)
				if problem := checkAnswer(route.Family, method, status, []byte(raw)); problem != "" {
					t.Errorf("%s%s with body %.40q: %s: %d %.200s", route.Pattern, query, body, problem, status, raw)
				}
			}
		}
	}
}
