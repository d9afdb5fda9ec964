package emulator_test

import "strings"

// Bad-input rows for the families a whole MLOps stack adds: secrets,
// permissions, SQL warehouses, cluster policies, instance pools, workspace
// objects, repos, SCIM and volumes (see badinput_test.go).
func stackBadInputs() []badInput {
	var rows []badInput
	rows = append(rows, secretsBadInputs()...)
	rows = append(rows, permissionsBadInputs()...)
	rows = append(rows, warehouseBadInputs()...)
	return rows
}

// secretsBadInputs follows the Secrets API: an unknown scope is 404
// RESOURCE_DOES_NOT_EXIST "Scope <name> does not exist!".
func secretsBadInputs() []badInput {
	p := "/api/2.0/secrets/"
	route := func(method, name string) string { return method + " " + p + name }
	return []badInput{
		{route: route("POST", "scopes/create"), name: "malformed JSON", path: p + "scopes/create", body: `{"scope":`, status: 400, code: malformed, message: "failed to parse"},
		{route: route("POST", "scopes/create"), name: "missing scope", path: p + "scopes/create", body: `{}`, status: 400, code: badParam, message: "Missing required field: scope"},
		{route: route("POST", "scopes/create"), name: "illegal name", path: p + "scopes/create", body: `{"scope":"a b"}`, status: 400, code: badParam, message: "Scope name must consist of alphanumeric characters"},
		{route: route("POST", "scopes/create"), name: "over-long name", path: p + "scopes/create", body: `{"scope":"` + strings.Repeat("s", 129) + `"}`, status: 400, code: badParam, message: "may not exceed 128 characters"},
		{route: route("POST", "scopes/create"), name: "unknown backend", path: p + "scopes/create", body: `{"scope":"s","scope_backend_type":"VAULT"}`, status: 400, code: badParam, message: `Invalid scope_backend_type "VAULT"`},
		{route: route("POST", "scopes/create"), name: "principal other than users", path: p + "scopes/create", body: `{"scope":"s","initial_manage_principal":"admins"}`, status: 400, code: badParam, message: "the only supported principal is 'users'"},
		{route: route("POST", "scopes/create"), name: "key vault without metadata", path: p + "scopes/create", body: `{"scope":"s","scope_backend_type":"AZURE_KEYVAULT"}`, status: 400, code: badParam, message: "backend_azure_keyvault with resource_id and dns_name is required"},
		{route: route("POST", "scopes/create"), name: "key vault with a PAT", path: p + "scopes/create", body: `{"scope":"s","scope_backend_type":"AZURE_KEYVAULT","backend_azure_keyvault":{"resource_id":"/subscriptions/x","dns_name":"https://kv.vault.azure.net/"}}`, status: 400, code: badParam, message: "must have userAADToken defined"},
		{route: route("GET", "scopes/list"), name: "junk query is ignored", path: p + "scopes/list?x=%ff", status: 200},
		{route: route("POST", "scopes/delete"), name: "unknown scope", path: p + "scopes/delete", body: `{"scope":"nope"}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Scope nope does not exist!"},
		{route: route("POST", "scopes/delete"), name: "scope of the wrong type", path: p + "scopes/delete", body: `{"scope":1}`, status: 400, code: badParam, message: "scope"},
		{route: route("POST", "put"), name: "missing key", path: p + "put", body: `{"scope":"nope","string_value":"x"}`, status: 400, code: badParam, message: "Missing required field: key"},
		{route: route("POST", "put"), name: "illegal key", path: p + "put", body: `{"scope":"nope","key":"a/b","string_value":"x"}`, status: 400, code: badParam, message: `Invalid key "a/b"`},
		{route: route("POST", "put"), name: "no value", path: p + "put", body: `{"scope":"nope","key":"k"}`, status: 400, code: badParam, message: "Either string_value or bytes_value must be specified."},
		{route: route("POST", "put"), name: "both values", path: p + "put", body: `{"scope":"nope","key":"k","string_value":"x","bytes_value":"eA=="}`, status: 400, code: badParam, message: "Only one of string_value and bytes_value"},
		{route: route("POST", "put"), name: "bytes not base64", path: p + "put", body: `{"scope":"nope","key":"k","bytes_value":"!!"}`, status: 400, code: badParam, message: "bytes_value must be base64-encoded"},
		{route: route("POST", "put"), name: "value over 128 KiB", path: p + "put", body: `{"scope":"nope","key":"k","string_value":"` + strings.Repeat("v", 128<<10+1) + `"}`, status: 400, code: badParam, message: "exceeds the maximum size"},
		{route: route("POST", "put"), name: "unknown scope", path: p + "put", body: `{"scope":"nope","key":"k","string_value":"x"}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Scope nope does not exist!"},
		{route: route("GET", "get"), name: "missing key", path: p + "get?scope=nope", status: 400, code: badParam, message: "Missing required field: key"},
		{route: route("GET", "get"), name: "unknown scope", path: p + "get?scope=nope&key=k", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Scope nope does not exist!"},
		{route: route("GET", "list"), name: "missing scope", path: p + "list", status: 400, code: badParam, message: "Missing required field: scope"},
		{route: route("GET", "list"), name: "unknown scope", path: p + "list?scope=nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Scope nope does not exist!"},
		{route: route("POST", "delete"), name: "missing key", path: p + "delete", body: `{"scope":"nope"}`, status: 400, code: badParam, message: "Missing required field: key"},
		{route: route("POST", "delete"), name: "unknown scope", path: p + "delete", body: `{"scope":"nope","key":"k"}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Scope nope does not exist!"},
		{route: route("POST", "acls/put"), name: "missing principal", path: p + "acls/put", body: `{"scope":"nope","permission":"READ"}`, status: 400, code: badParam, message: "Missing required field: principal"},
		{route: route("POST", "acls/put"), name: "unknown permission", path: p + "acls/put", body: `{"scope":"nope","principal":"users","permission":"OWN"}`, status: 400, code: badParam, message: `Invalid permission "OWN"`},
		{route: route("POST", "acls/put"), name: "unknown scope", path: p + "acls/put", body: `{"scope":"nope","principal":"users","permission":"READ"}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Scope nope does not exist!"},
		{route: route("GET", "acls/get"), name: "missing principal", path: p + "acls/get?scope=nope", status: 400, code: badParam, message: "Missing required field: principal"},
		{route: route("GET", "acls/get"), name: "unknown scope", path: p + "acls/get?scope=nope&principal=users", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Scope nope does not exist!"},
		{route: route("GET", "acls/list"), name: "unknown scope", path: p + "acls/list?scope=nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Scope nope does not exist!"},
		{route: route("POST", "acls/delete"), name: "missing principal", path: p + "acls/delete", body: `{"scope":"nope"}`, status: 400, code: badParam, message: "Missing required field: principal"},
		{route: route("POST", "acls/delete"), name: "unknown scope", path: p + "acls/delete", body: `{"scope":"nope","principal":"users"}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Scope nope does not exist!"},
	}
}

// permissionsBadInputs follows the Permissions API: an unknown object is
// 404 RESOURCE_DOES_NOT_EXIST, a level the type does not have is 400.
func permissionsBadInputs() []badInput {
	p := "/api/2.0/permissions/"
	get, put, patch := "GET "+p+"{object...}", "PUT "+p+"{object...}", "PATCH "+p+"{object...}"
	return []badInput{
		{route: get, name: "unknown object type", path: p + "widgets/1", status: 400, code: badParam, message: `Invalid request_object_type "widgets"`},
		{route: get, name: "no object id", path: p + "jobs", status: 400, code: badParam, message: "expected /api/2.0/permissions/<object type>/<object id>"},
		{route: get, name: "unknown job", path: p + "jobs/42", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Job 42 does not exist."},
		{route: get, name: "job id not a number", path: p + "jobs/abc", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Job abc does not exist."},
		{route: get, name: "unknown cluster levels", path: p + "clusters/nope/permissionLevels", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Cluster nope does not exist."},
		{route: put, name: "malformed JSON", path: p + "jobs/42", body: `{"access_control_list":`, status: 400, code: malformed, message: "failed to parse"},
		{route: put, name: "list as object", path: p + "jobs/42", body: `{"access_control_list":{}}`, status: 400, code: badParam, message: "access_control_list"},
		{route: put, name: "no principal", path: p + "jobs/42", body: `{"access_control_list":[{"permission_level":"CAN_VIEW"}]}`, status: 400, code: badParam, message: "Exactly one of user_name, group_name and service_principal_name"},
		{route: put, name: "two principals", path: p + "jobs/42", body: `{"access_control_list":[{"user_name":"a","group_name":"b","permission_level":"CAN_VIEW"}]}`, status: 400, code: badParam, message: "Exactly one of user_name"},
		{route: put, name: "missing level", path: p + "jobs/42", body: `{"access_control_list":[{"group_name":"users"}]}`, status: 400, code: badParam, message: "Missing required field: permission_level"},
		{route: put, name: "level of another type", path: p + "jobs/42", body: `{"access_control_list":[{"group_name":"users","permission_level":"CAN_QUERY"}]}`, status: 400, code: badParam, message: "Permission level CAN_QUERY is not supported for jobs"},
		{route: put, name: "admins", path: p + "clusters/x", body: `{"access_control_list":[{"group_name":"admins","permission_level":"CAN_RESTART"}]}`, status: 400, code: badParam, message: "admins group's permissions"},
		{route: put, name: "unknown job", path: p + "jobs/42", body: `{"access_control_list":[{"group_name":"users","permission_level":"CAN_VIEW"}]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Job 42 does not exist."},
		{route: put, name: "on permission levels", path: p + "jobs/42/permissionLevels", body: `{}`, status: 405, code: badParam, message: "not supported on permissionLevels"},
		{route: patch, name: "unknown serving endpoint", path: p + "serving-endpoints/abc", body: `{"access_control_list":[{"group_name":"users","permission_level":"CAN_QUERY"}]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Serving endpoint abc does not exist."},
		{route: patch, name: "unknown experiment", path: p + "experiments/7", body: `{"access_control_list":[]}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Experiment 7 does not exist."},
	}
}

// warehouseBadInputs follows the SQL Warehouses API: an unknown id is 404
// RESOURCE_DOES_NOT_EXIST.
func warehouseBadInputs() []badInput {
	p := "/api/2.0/sql/warehouses"
	valid := `"name":"wh","cluster_size":"2X-Small"`
	create, edit := "POST "+p, "POST "+p+"/{id}/edit"
	return []badInput{
		{route: create, name: "malformed JSON", path: p, body: `{"name":`, status: 400, code: malformed, message: "failed to parse"},
		{route: create, name: "missing name", path: p, body: `{"cluster_size":"Small"}`, status: 400, code: badParam, message: "Missing required field: name"},
		{route: create, name: "missing size", path: p, body: `{"name":"wh"}`, status: 400, code: badParam, message: "Missing required field: cluster_size"},
		{route: create, name: "unknown size", path: p, body: `{"name":"wh","cluster_size":"Huge"}`, status: 400, code: badParam, message: `Invalid cluster_size "Huge"`},
		{route: create, name: "over-long name", path: p, body: `{"name":"` + strings.Repeat("n", 101) + `","cluster_size":"Small"}`, status: 400, code: badParam, message: "at most 100 characters"},
		{route: create, name: "unknown type", path: p, body: `{` + valid + `,"warehouse_type":"SERVERLESS"}`, status: 400, code: badParam, message: `Invalid warehouse_type "SERVERLESS"`},
		{route: create, name: "unknown spot policy", path: p, body: `{` + valid + `,"spot_instance_policy":"CHEAP"}`, status: 400, code: badParam, message: `Invalid spot_instance_policy "CHEAP"`},
		{route: create, name: "unknown channel", path: p, body: `{` + valid + `,"channel":{"name":"BETA"}}`, status: 400, code: badParam, message: `Invalid channel.name "BETA"`},
		{route: create, name: "serverless classic", path: p, body: `{` + valid + `,"enable_serverless_compute":true,"warehouse_type":"CLASSIC"}`, status: 400, code: badParam, message: "Serverless compute requires warehouse_type PRO"},
		{route: create, name: "auto stop too short", path: p, body: `{` + valid + `,"auto_stop_mins":5}`, status: 400, code: badParam, message: "auto_stop_mins must be 0 or at least 10"},
		{route: create, name: "min above max", path: p, body: `{` + valid + `,"min_num_clusters":3,"max_num_clusters":2}`, status: 400, code: badParam, message: "min_num_clusters (3) must be less than or equal to max_num_clusters (2)"},
		{route: create, name: "too many clusters", path: p, body: `{` + valid + `,"max_num_clusters":41}`, status: 400, code: badParam, message: "max_num_clusters must be at most 40"},
		{route: create, name: "size as number", path: p, body: `{"name":"wh","cluster_size":2}`, status: 400, code: badParam, message: "cluster_size"},
		{route: "GET " + p, name: "junk query is ignored", path: p + "?x=%ff", status: 200},
		{route: "GET " + p + "/{id}", name: "unknown id", path: p + "/nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Unable to find SQL warehouse nope."},
		{route: edit, name: "missing name", path: p + "/nope/edit", body: `{"cluster_size":"Small"}`, status: 400, code: badParam, message: "Missing required field: name"},
		{route: edit, name: "unknown id", path: p + "/nope/edit", body: `{` + valid + `}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Unable to find SQL warehouse nope."},
		{route: "POST " + p + "/{id}/start", name: "unknown id", path: p + "/nope/start", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Unable to find SQL warehouse nope."},
		{route: "POST " + p + "/{id}/stop", name: "unknown id", path: p + "/nope/stop", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Unable to find SQL warehouse nope."},
		{route: "DELETE " + p + "/{id}", name: "unknown id", path: p + "/nope", status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Unable to find SQL warehouse nope."},
	}
}
