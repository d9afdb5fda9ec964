package emulator_test

// tableDataBadInputs are the bad-input rows of the SQL statements API,
// serving invocations and the operator's traffic and labels.
func tableDataBadInputs() []badInput {
	st := "/api/2.0/sql/statements"
	missingStatement := "Statement 01ef0000-0000-0000-0000-000000000000 does not exist"
	id := "/01ef0000-0000-0000-0000-000000000000"
	inv := "/serving-endpoints/{name}/invocations"
	direct := "/serving-endpoints/{name}/served-models/{served_model}/invocations"
	traffic := "/_emulator/serving-endpoints/{name}/traffic"
	labels := "/_emulator/serving-endpoints/{name}/labels"
	return []badInput{
		{route: "POST " + st, name: "malformed JSON", path: st, body: `{"statement":`, status: 400, code: malformed, message: "failed to parse given JSON"},
		{route: "POST " + st, name: "missing statement", path: st, body: `{"warehouse_id":"w"}`, status: 400, code: badParam, message: "Missing required field: statement"},
		{route: "POST " + st, name: "missing warehouse", path: st, body: `{"statement":"SELECT 1"}`, status: 400, code: badParam, message: "Missing required field: warehouse_id"},
		{route: "POST " + st, name: "unknown warehouse", path: st, body: `{"statement":"SELECT 1","warehouse_id":"nope"}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Unable to find SQL warehouse nope."},
		{route: "POST " + st, name: "wait_timeout out of range", path: st, body: `{"statement":"SELECT 1","warehouse_id":"w","wait_timeout":"51s"}`, status: 400, code: badParam, message: "between 5 seconds and 50 seconds"},
		{route: "POST " + st, name: "wait_timeout without unit", path: st, body: `{"statement":"SELECT 1","warehouse_id":"w","wait_timeout":"10"}`, status: 400, code: badParam, message: "got '10'"},
		{route: "POST " + st, name: "unknown on_wait_timeout", path: st, body: `{"statement":"SELECT 1","warehouse_id":"w","on_wait_timeout":"WAIT"}`, status: 400, code: badParam, message: "Invalid on_wait_timeout \"WAIT\""},
		{route: "POST " + st, name: "unknown format", path: st, body: `{"statement":"SELECT 1","warehouse_id":"w","format":"XML"}`, status: 400, code: badParam, message: "Invalid format \"XML\""},
		{route: "POST " + st, name: "CSV inline", path: st, body: `{"statement":"SELECT 1","warehouse_id":"w","format":"CSV"}`, status: 400, code: badParam, message: "supported only with EXTERNAL_LINKS"},
		{route: "POST " + st, name: "external links", path: st, body: `{"statement":"SELECT 1","warehouse_id":"w","disposition":"EXTERNAL_LINKS"}`, status: 400, code: badParam, message: "INLINE only"},
		{route: "POST " + st, name: "negative row_limit", path: st, body: `{"statement":"SELECT 1","warehouse_id":"w","row_limit":-1}`, status: 400, code: badParam, message: "row_limit must be a positive number"},
		{route: "POST " + st, name: "row_limit as string", path: st, body: `{"statement":"SELECT 1","warehouse_id":"w","row_limit":"10"}`, status: 400, code: badParam, message: "row_limit"},
		{route: "POST " + st, name: "unnamed parameter", path: st, body: `{"statement":"SELECT :x","warehouse_id":"w","parameters":[{"value":"1"}]}`, status: 400, code: badParam, message: "parameters[0].name"},
		{route: "POST " + st, name: "repeated parameter", path: st, body: `{"statement":"SELECT :x","warehouse_id":"w","parameters":[{"name":"x"},{"name":"x"}]}`, status: 400, code: badParam, message: "more than once"},
		{route: "GET " + st + "/{statement_id}", name: "unknown statement", path: st + id, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missingStatement},
		{route: "POST " + st + "/{statement_id}/cancel", name: "unknown statement", path: st + id + "/cancel", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missingStatement},
		{route: "GET " + st + "/{statement_id}/result/chunks/{chunk_index}", name: "unknown statement", path: st + id + "/result/chunks/0", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missingStatement},
		{route: "POST " + inv, name: "unknown endpoint", path: "/serving-endpoints/nope/invocations", body: `{"inputs":[1]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Endpoint with name 'nope' does not exist."},
		{route: "POST " + direct, name: "unknown endpoint", path: "/serving-endpoints/nope/served-models/m/invocations", body: `{"inputs":[1]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Endpoint with name 'nope' does not exist."},
		{route: "POST " + traffic, name: "no requests", path: "/_emulator/serving-endpoints/nope/traffic", body: `{}`, status: 400, code: badParam, message: "requests must be between 1 and 10000"},
		{route: "POST " + traffic, name: "too many requests", path: "/_emulator/serving-endpoints/nope/traffic", body: `{"requests":10001}`, status: 400, code: badParam, message: "got 10001"},
		{route: "POST " + traffic, name: "label_fraction over 1", path: "/_emulator/serving-endpoints/nope/traffic", body: `{"requests":1,"label_fraction":2}`, status: 400, code: badParam, message: "label_fraction must be between 0 and 1"},
		{route: "POST " + traffic, name: "reserved feature", path: "/_emulator/serving-endpoints/nope/traffic", body: `{"requests":1,"features":["label"]}`, status: 400, code: badParam, message: "reserved column"},
		{route: "POST " + traffic, name: "unknown endpoint", path: "/_emulator/serving-endpoints/nope/traffic", body: `{"requests":1}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "'nope' does not exist"},
		{route: "POST " + labels, name: "no labels", path: "/_emulator/serving-endpoints/nope/labels", body: `{}`, status: 400, code: badParam, message: "Missing required field: labels"},
		{route: "POST " + labels, name: "no request id", path: "/_emulator/serving-endpoints/nope/labels", body: `{"labels":[{"label":1}]}`, status: 400, code: badParam, message: "labels[0] needs databricks_request_id or client_request_id"},
		{route: "POST " + labels, name: "fractional label", path: "/_emulator/serving-endpoints/nope/labels", body: `{"labels":[{"client_request_id":"c","label":0.5}]}`, status: 400, code: badParam, message: "whole number"},
		{route: "POST " + labels, name: "unknown endpoint", path: "/_emulator/serving-endpoints/nope/labels", body: `{"labels":[{"client_request_id":"c","label":1}]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "'nope' does not exist"},
	}
}
