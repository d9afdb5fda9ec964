package emulator_test

import "strings"

// Bad-input rows for the jobs, serving, monitoring, online table and tag
// families (see badinput_test.go).

// jobsBadInputs follows the Jobs API: an unknown job or run is 400
// INVALID_PARAMETER_VALUE "Job <id> does not exist." / "Run <id> does not
// exist." (the SDK maps both to not-found).
func jobsBadInputs(v string) []badInput {
	p := "/api/" + v + "/jobs/"
	route := func(method, name string) string { return method + " " + p + name }
	task := `{"task_key":"t","notebook_task":{"notebook_path":"/Shared/x"}}`
	return []badInput{
		{route: route("POST", "create"), name: "malformed JSON", path: p + "create", body: `{"name":`, status: 400, code: malformed, message: "failed to parse given JSON"},
		{route: route("POST", "create"), name: "tasks as string", path: p + "create", body: `{"tasks":"t"}`, status: 400, code: badParam, message: "tasks"},
		{route: route("POST", "create"), name: "task without key", path: p + "create", body: `{"tasks":[{"notebook_task":{"notebook_path":"/x"}}]}`, status: 400, code: badParam, message: "Missing required field: tasks.task_key"},
		{route: route("POST", "create"), name: "bad cron", path: p + "create", body: `{"tasks":[` + task + `],"schedule":{"quartz_cron_expression":"* * *","timezone_id":"UTC"}}`, status: 400, code: badParam, message: "Invalid quartz_cron_expression"},
		{route: route("POST", "create"), name: "unknown time zone", path: p + "create", body: `{"tasks":[` + task + `],"schedule":{"quartz_cron_expression":"0 0 3 * * ?","timezone_id":"Mars/Base"}}`, status: 400, code: badParam, message: "unknown time zone id"},
		{route: route("POST", "create"), name: "over-long name", path: p + "create", body: `{"name":"` + strings.Repeat("n", 4097) + `"}`, status: 400, code: badParam, message: "at most 4096 bytes"},
		{route: route("GET", "get"), name: "missing id", path: p + "get", status: 400, code: badParam, message: "Missing required field: job_id"},
		{route: route("GET", "get"), name: "id not a number", path: p + "get?job_id=abc", status: 400, code: badParam, message: "Invalid job_id 'abc'"},
		{route: route("GET", "get"), name: "unknown id", path: p + "get?job_id=42", status: 400, code: badParam, message: "Job 42 does not exist."},
		{route: route("GET", "list"), name: "limit out of range", path: p + "list?limit=101", status: 400, code: badParam, message: "limit must be between 1 and 100"},
		{route: route("GET", "list"), name: "bad page token", path: p + "list?page_token=zzz!", status: 400, code: badParam, message: "Invalid page_token"},
		{route: route("POST", "reset"), name: "missing new_settings", path: p + "reset", body: `{"job_id":42}`, status: 400, code: badParam, message: "Missing required field: new_settings"},
		{route: route("POST", "reset"), name: "unknown job", path: p + "reset", body: `{"job_id":42,"new_settings":{"name":"x"}}`, status: 400, code: badParam, message: "Job 42 does not exist."},
		{route: route("POST", "update"), name: "missing id", path: p + "update", body: `{}`, status: 400, code: badParam, message: "Missing required field: job_id"},
		{route: route("POST", "update"), name: "unknown job", path: p + "update", body: `{"job_id":42,"new_settings":{"name":"x"}}`, status: 400, code: badParam, message: "Job 42 does not exist."},
		{route: route("POST", "delete"), name: "id as string", path: p + "delete", body: `{"job_id":"42"}`, status: 400, code: badParam, message: "job_id"},
		{route: route("POST", "delete"), name: "unknown job", path: p + "delete", body: `{"job_id":42}`, status: 400, code: badParam, message: "Job 42 does not exist."},
		{route: route("POST", "run-now"), name: "unknown job", path: p + "run-now", body: `{"job_id":42}`, status: 400, code: badParam, message: "Job 42 does not exist."},
		{route: route("POST", "run-now"), name: "over-long idempotency token", path: p + "run-now", body: `{"job_id":42,"idempotency_token":"` + strings.Repeat("t", 65) + `"}`, status: 400, code: badParam, message: "at most 64 characters"},
		{route: route("GET", "runs/get"), name: "missing id", path: p + "runs/get", status: 400, code: badParam, message: "Missing required field: run_id"},
		{route: route("GET", "runs/get"), name: "unknown run", path: p + "runs/get?run_id=7", status: 400, code: badParam, message: "Run 7 does not exist."},
		{route: route("GET", "runs/list"), name: "both filters", path: p + "runs/list?active_only=true&completed_only=true", status: 400, code: badParam, message: "cannot both be true"},
		{route: route("GET", "runs/list"), name: "limit out of range", path: p + "runs/list?limit=26", status: 400, code: badParam, message: "limit must be between 1 and 25"},
		{route: route("POST", "runs/cancel"), name: "missing id", path: p + "runs/cancel", body: `{}`, status: 400, code: badParam, message: "Missing required field: run_id"},
		{route: route("POST", "runs/cancel"), name: "unknown run", path: p + "runs/cancel", body: `{"run_id":7}`, status: 400, code: badParam, message: "Run 7 does not exist."},
		{route: route("POST", "runs/cancel-all"), name: "no scope", path: p + "runs/cancel-all", body: `{}`, status: 400, code: badParam, message: "Either job_id or all_queued_runs must be set."},
		{route: route("POST", "runs/cancel-all"), name: "unknown job", path: p + "runs/cancel-all", body: `{"job_id":42}`, status: 400, code: badParam, message: "Job 42 does not exist."},
		{route: route("POST", "runs/delete"), name: "unknown run", path: p + "runs/delete", body: `{"run_id":7}`, status: 400, code: badParam, message: "Run 7 does not exist."},
	}
}

func servingBadInputs() []badInput {
	p := "/api/2.0/serving-endpoints"
	entity := `{"entity_name":"dev.ml.churn","entity_version":"1","workload_size":"Small"}`
	missing := "Endpoint with name 'nope' does not exist."
	return []badInput{
		{route: "POST " + p, name: "malformed JSON", path: p, body: `{"name":`, status: 400, code: malformed, message: "failed to parse given JSON"},
		{route: "POST " + p, name: "illegal name", path: p, body: `{"name":"churn v1","config":{"served_entities":[` + entity + `]}}`, status: 400, code: badParam, message: "Invalid endpoint name 'churn v1'"},
		{route: "POST " + p, name: "over-long name", path: p, body: `{"name":"` + strings.Repeat("e", 64) + `","config":{"served_entities":[` + entity + `]}}`, status: 400, code: badParam, message: "at most 63 characters"},
		{route: "POST " + p, name: "missing config", path: p, body: `{"name":"churn"}`, status: 400, code: badParam, message: "Missing required field: config"},
		{route: "POST " + p, name: "unknown workload type", path: p, body: `{"name":"churn","config":{"served_entities":[{"entity_name":"dev.ml.churn","entity_version":"1","workload_size":"Small","workload_type":"TPU"}]}}`, status: 400, code: badParam, message: "Invalid workload_type 'TPU'"},
		{route: "POST " + p, name: "traffic over 100", path: p, body: `{"name":"churn","config":{"served_entities":[` + entity + `],"traffic_config":{"routes":[{"served_entity_name":"churn-1","traffic_percentage":101}]}}}`, status: 400, code: badParam, message: "between 0 and 100"},
		{route: "GET " + p, name: "junk query is ignored", path: p + "?x=%00", status: 200},
		{route: "GET " + p + "/{name}", name: "unknown endpoint", path: p + "/nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "DELETE " + p + "/{name}", name: "unknown endpoint", path: p + "/nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "PUT " + p + "/{name}/config", name: "unknown endpoint", path: p + "/nope/config", body: `{"served_entities":[` + entity + `]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "PUT " + p + "/{name}/config", name: "entities as object", path: p + "/nope/config", body: `{"served_entities":{}}`, status: 400, code: badParam, message: "served_entities"},
		{route: "PATCH " + p + "/{name}/tags", name: "over-long key", path: p + "/nope/tags", body: `{"add_tags":[{"key":"` + strings.Repeat("k", 256) + `"}]}`, status: 400, code: badParam, message: "keys must be 1-255"},
		{route: "PATCH " + p + "/{name}/tags", name: "unknown endpoint", path: p + "/nope/tags", body: `{"delete_tags":["a"]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "PUT " + p + "/{name}/rate-limits", name: "unknown renewal period", path: p + "/nope/rate-limits", body: `{"rate_limits":[{"calls":1,"renewal_period":"hour"}]}`, status: 400, code: badParam, message: "Invalid rate limit renewal_period 'hour'"},
		{route: "PUT " + p + "/{name}/ai-gateway", name: "unknown endpoint", path: p + "/nope/ai-gateway", body: `{}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "GET " + p + "/{name}/metrics", name: "unknown endpoint", path: p + "/nope/metrics", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
	}
}

func monitorBadInputs() []badInput {
	p := "/api/2.1/unity-catalog/tables/"
	m := "{table_name}/monitor"
	missing := "Monitor for table 'dev.ml.nope' does not exist."
	return []badInput{
		{route: "POST " + p + m, name: "two-part table name", path: p + "ml.nope/monitor", body: `{}`, status: 400, code: badParam, message: "expected 3 dot-separated parts"},
		{route: "POST " + p + m, name: "missing assets_dir", path: p + "dev.ml.nope/monitor", body: `{"output_schema_name":"dev.ml","snapshot":{}}`, status: 400, code: badParam, message: "Missing required field: assets_dir"},
		{route: "POST " + p + m, name: "unknown table", path: p + "dev.ml.nope/monitor", body: `{"assets_dir":"/x","output_schema_name":"dev.ml","snapshot":{}}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Table 'dev.ml.nope' does not exist."},
		{route: "GET " + p + m, name: "unknown monitor", path: p + "dev.ml.nope/monitor", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "PUT " + p + m, name: "unknown monitor", path: p + "dev.ml.nope/monitor", body: `{"output_schema_name":"dev.ml","snapshot":{}}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "DELETE " + p + m, name: "unknown monitor", path: p + "dev.ml.nope/monitor", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "POST " + p + m + "/refreshes", name: "unknown monitor", path: p + "dev.ml.nope/monitor/refreshes", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "GET " + p + m + "/refreshes", name: "unknown monitor", path: p + "dev.ml.nope/monitor/refreshes", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "GET " + p + m + "/refreshes/{refresh_id}", name: "id not a number", path: p + "dev.ml.nope/monitor/refreshes/abc", status: 400, code: badParam, message: "Invalid refresh_id 'abc'"},
		{route: "POST " + p + m + "/refreshes/{refresh_id}/cancel", name: "unknown monitor", path: p + "dev.ml.nope/monitor/refreshes/1/cancel", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "PUT /_emulator/monitors/{table_name}/drift", name: "unknown monitor", path: "/_emulator/monitors/dev.ml.nope/drift", body: `{"columns":{}}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
		{route: "PUT /_emulator/monitors/{table_name}/drift", name: "drift as string", path: "/_emulator/monitors/dev.ml.nope/drift", body: `{"columns":{"a":{"js_distance":"high"}}}`, status: 400, code: badParam, message: "js_distance"},
		{route: "GET /_emulator/monitors/{table_name}/refreshes/{refresh_id}/drift", name: "unknown monitor", path: "/_emulator/monitors/dev.ml.nope/refreshes/1/drift", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: missing},
	}
}

func onlineTableAndTagBadInputs() []badInput {
	ot := "/api/2.0/online-tables"
	et := "/api/2.1/unity-catalog/entity-tag-assignments"
	tag := et + "/{entity_type}/{entity_name}/tags/{tag_key}"
	return []badInput{
		{route: "POST " + ot, name: "malformed JSON", path: ot, body: `{"name":`, status: 400, code: malformed, message: "failed to parse given JSON"},
		{route: "POST " + ot, name: "missing primary key", path: ot, body: `{"name":"dev.ml.o","spec":{"source_table_full_name":"dev.ml.t","run_triggered":{}}}`, status: 400, code: badParam, message: "Missing required field: spec.primary_key_columns"},
		{route: "POST " + ot, name: "server-set pipeline id", path: ot, body: `{"name":"dev.ml.o","spec":{"source_table_full_name":"dev.ml.t","primary_key_columns":["id"],"run_triggered":{},"pipeline_id":"p"}}`, status: 400, code: badParam, message: "pipeline_id is generated by the server"},
		{route: "POST " + ot, name: "unknown source", path: ot, body: `{"name":"dev.ml.o","spec":{"source_table_full_name":"dev.ml.t","primary_key_columns":["id"],"run_triggered":{}}}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Table 'dev.ml.t' does not exist."},
		{route: "GET " + ot + "/{name}", name: "unknown table", path: ot + "/dev.ml.o", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Online table 'dev.ml.o' does not exist."},
		{route: "GET " + ot + "/{name}", name: "one-part name", path: ot + "/o", status: 400, code: badParam, message: "expected 3 dot-separated parts"},
		{route: "DELETE " + ot + "/{name}", name: "unknown table", path: ot + "/dev.ml.o", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Online table 'dev.ml.o' does not exist."},
		{route: "POST " + et, name: "missing key", path: et, body: `{"entity_type":"tables","entity_name":"dev.ml.t"}`, status: 400, code: badParam, message: "Missing required field: tag_assignment.tag_key"},
		{route: "POST " + et, name: "unknown entity type", path: et, body: `{"entity_type":"volumes","entity_name":"dev.ml.v","tag_key":"k"}`, status: 400, code: badParam, message: "Invalid entity_type 'volumes'"},
		{route: "POST " + et, name: "unknown table", path: et, body: `{"entity_type":"tables","entity_name":"dev.ml.t","tag_key":"k"}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Table 'dev.ml.t' does not exist."},
		{route: "GET " + et + "/{entity_type}/{entity_name}/tags", name: "unknown schema", path: et + "/schemas/dev.nope/tags", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Schema 'dev.nope' does not exist."},
		{route: "GET " + tag, name: "unknown catalog", path: et + "/catalogs/nope/tags/k", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Catalog 'nope' does not exist."},
		{route: "PATCH " + tag, name: "unknown table", path: et + "/tables/dev.ml.t/tags/k", body: `{"tag_value":"v"}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Table 'dev.ml.t' does not exist."},
		{route: "DELETE " + tag, name: "two-part table name", path: et + "/tables/ml.t/tags/k", status: 400, code: badParam, message: "expected 3 dot-separated parts"},
	}
}
