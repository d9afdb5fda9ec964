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
	rows = append(rows, experimentAdminBadInputs()...)
	rows = append(rows, policyAndPoolBadInputs()...)
	rows = append(rows, workspaceTreeBadInputs()...)
	rows = append(rows, volumeBadInputs()...)
	rows = append(rows, scimBadInputs()...)
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
		{route: "GET /api/2.0/preview/sql/data_sources", name: "junk query is ignored", path: "/api/2.0/preview/sql/data_sources?x=%ff", status: 200},
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

// experimentAdminBadInputs: an unknown experiment is 404
// RESOURCE_DOES_NOT_EXIST "Node ID <id> does not exist.".
func experimentAdminBadInputs() []badInput {
	p := "/api/2.0/mlflow/experiments/"
	var rows []badInput
	for _, op := range []string{"update", "delete", "restore", "set-experiment-tag"} {
		route := "POST " + p + op
		rows = append(rows,
			badInput{route: route, name: "malformed JSON", path: p + op, body: `{"experiment_id":`, status: 400, code: malformed, message: "failed to parse"},
			badInput{route: route, name: "missing id", path: p + op, body: `{}`, status: 400, code: badParam, message: "Missing required field: experiment_id"},
			badInput{route: route, name: "unknown id", path: p + op, body: `{"experiment_id":"42","new_name":"/x","key":"k"}`, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Node ID 42 does not exist."},
		)
	}
	return rows
}

// policyAndPoolBadInputs: unknown policies and pools are 404
// RESOURCE_DOES_NOT_EXIST; definitions must be JSON objects of typed rules.
func policyAndPoolBadInputs() []badInput {
	cp, ip := "/api/2.0/policies/clusters/", "/api/2.0/instance-pools/"
	notFound := "RESOURCE_DOES_NOT_EXIST"
	pool := `"instance_pool_name":"p","node_type_id":"Standard_DS3_v2"`
	return []badInput{
		{route: "POST " + cp + "create", name: "malformed JSON", path: cp + "create", body: `{"name":`, status: 400, code: malformed, message: "failed to parse"},
		{route: "POST " + cp + "create", name: "missing name", path: cp + "create", body: `{"definition":"{}"}`, status: 400, code: badParam, message: "Missing required field: name"},
		{route: "POST " + cp + "create", name: "no definition", path: cp + "create", body: `{"name":"p"}`, status: 400, code: badParam, message: "Either definition or policy_family_id must be specified."},
		{route: "POST " + cp + "create", name: "definition not JSON", path: cp + "create", body: `{"name":"p","definition":"{nope"}`, status: 400, code: badParam, message: "Invalid policy definition: it must be a JSON object"},
		{route: "POST " + cp + "create", name: "unknown rule type", path: cp + "create", body: `{"name":"p","definition":"{\"spark_version\":{\"type\":\"pinned\"}}"}`, status: 400, code: badParam, message: `rule for "spark_version" has type "pinned"`},
		{route: "POST " + cp + "create", name: "negative max clusters", path: cp + "create", body: `{"name":"p","definition":"{}","max_clusters_per_user":-1}`, status: 400, code: badParam, message: "max_clusters_per_user must be positive"},
		{route: "GET " + cp + "get", name: "missing id", path: cp + "get", status: 400, code: badParam, message: "Missing required field: policy_id"},
		{route: "GET " + cp + "get", name: "unknown id", path: cp + "get?policy_id=NOPE", status: 404, code: notFound, message: "Can't find a cluster policy with id: NOPE."},
		{route: "GET " + cp + "list", name: "junk query is ignored", path: cp + "list?x=%ff", status: 200},
		{route: "POST " + cp + "edit", name: "missing id", path: cp + "edit", body: `{"name":"p","definition":"{}"}`, status: 400, code: badParam, message: "Missing required field: policy_id"},
		{route: "POST " + cp + "edit", name: "unknown id", path: cp + "edit", body: `{"policy_id":"NOPE","name":"p","definition":"{}"}`, status: 404, code: notFound, message: "Can't find a cluster policy with id: NOPE."},
		{route: "POST " + cp + "delete", name: "unknown id", path: cp + "delete", body: `{"policy_id":"NOPE"}`, status: 404, code: notFound, message: "Can't find a cluster policy with id: NOPE."},
		{route: "POST " + cp + "delete", name: "missing id", path: cp + "delete", body: `{}`, status: 400, code: badParam, message: "Missing required field: policy_id"},

		{route: "POST " + ip + "create", name: "malformed JSON", path: ip + "create", body: `{"instance_pool_name":`, status: 400, code: malformed, message: "failed to parse"},
		{route: "POST " + ip + "create", name: "missing name", path: ip + "create", body: `{"node_type_id":"Standard_DS3_v2"}`, status: 400, code: badParam, message: "Missing required field: instance_pool_name"},
		{route: "POST " + ip + "create", name: "unknown node type", path: ip + "create", body: `{"instance_pool_name":"p","node_type_id":"Standard_Z9"}`, status: 400, code: badParam, message: "Node type Standard_Z9 is not supported"},
		{route: "POST " + ip + "create", name: "capacity below idle", path: ip + "create", body: `{` + pool + `,"min_idle_instances":3,"max_capacity":2}`, status: 400, code: badParam, message: "max_capacity (2) must be at least min_idle_instances (3)"},
		{route: "POST " + ip + "create", name: "idle minutes out of range", path: ip + "create", body: `{` + pool + `,"idle_instance_autotermination_minutes":10001}`, status: 400, code: badParam, message: "between 0 and 10000"},
		{route: "POST " + ip + "create", name: "unknown availability", path: ip + "create", body: `{` + pool + `,"azure_attributes":{"availability":"SPOT"}}`, status: 400, code: badParam, message: `Invalid azure_attributes.availability "SPOT"`},
		{route: "POST " + ip + "create", name: "unknown spark version", path: ip + "create", body: `{` + pool + `,"preloaded_spark_versions":["9.9.x"]}`, status: 400, code: badParam, message: "Invalid spark version 9.9.x"},
		{route: "POST " + ip + "create", name: "reserved tag", path: ip + "create", body: `{` + pool + `,"custom_tags":{"Vendor":"me"}}`, status: 400, code: badParam, message: `"Vendor" is reserved`},
		{route: "GET " + ip + "get", name: "missing id", path: ip + "get", status: 400, code: badParam, message: "Missing required field: instance_pool_id"},
		{route: "GET " + ip + "get", name: "unknown id", path: ip + "get?instance_pool_id=nope", status: 404, code: notFound, message: "Can't find an instance pool with id: nope."},
		{route: "GET " + ip + "list", name: "junk query is ignored", path: ip + "list?x=%ff", status: 200},
		{route: "POST " + ip + "edit", name: "unknown id", path: ip + "edit", body: `{"instance_pool_id":"nope",` + pool + `}`, status: 404, code: notFound, message: "Can't find an instance pool with id: nope."},
		{route: "POST " + ip + "edit", name: "missing id", path: ip + "edit", body: `{` + pool + `}`, status: 400, code: badParam, message: "Missing required field: instance_pool_id"},
		{route: "POST " + ip + "delete", name: "unknown id", path: ip + "delete", body: `{"instance_pool_id":"nope"}`, status: 404, code: notFound, message: "Can't find an instance pool with id: nope."},
		{route: "POST " + ip + "delete", name: "missing id", path: ip + "delete", body: `{}`, status: 400, code: badParam, message: "Missing required field: instance_pool_id"},
	}
}

// workspaceTreeBadInputs: a missing path is 404 RESOURCE_DOES_NOT_EXIST
// "Path (<p>) doesn't exist."; unknown repos likewise.
func workspaceTreeBadInputs() []badInput {
	p, rp := "/api/2.0/workspace/", "/api/2.0/repos"
	notFound := "RESOURCE_DOES_NOT_EXIST"
	imp := "POST " + p + "import"
	return []badInput{
		{route: imp, name: "malformed JSON", path: p + "import", body: `{"path":`, status: 400, code: malformed, message: "failed to parse"},
		{route: imp, name: "missing path", path: p + "import", body: `{"content":""}`, status: 400, code: badParam, message: "Missing required field: path"},
		{route: imp, name: "relative path", path: p + "import", body: `{"path":"x/y","language":"PYTHON"}`, status: 400, code: badParam, message: "Path (x/y) must be absolute."},
		{route: imp, name: "unknown format", path: p + "import", body: `{"path":"/Shared/x","format":"ZIP"}`, status: 400, code: badParam, message: `Invalid format "ZIP"`},
		{route: imp, name: "unknown language", path: p + "import", body: `{"path":"/Shared/x","language":"JAVA"}`, status: 400, code: badParam, message: `Invalid language "JAVA"`},
		{route: imp, name: "content not base64", path: p + "import", body: `{"path":"/Shared/x","language":"PYTHON","content":"!!"}`, status: 400, code: badParam, message: "content must be base64-encoded"},
		{route: imp, name: "notebook without language", path: p + "import", body: `{"path":"/Shared/x","format":"SOURCE","content":""}`, status: 400, code: badParam, message: "The language must be specified"},
		{route: imp, name: "missing parent", path: p + "import", body: `{"path":"/Shared/nope/x","format":"RAW","content":""}`, status: 404, code: notFound, message: "The parent folder (/Shared/nope) does not exist."},
		{route: imp, name: "over a folder", path: p + "import", body: `{"path":"/Shared","format":"RAW","content":"","overwrite":true}`, status: 400, code: "RESOURCE_ALREADY_EXISTS", message: "Path (/Shared) already exists."},
		{route: imp, name: "archive format", path: p + "import", body: `{"path":"/Shared/x","format":"DBC","content":""}`, status: 400, code: badParam, message: "does not import DBC archives"},
		{route: "GET " + p + "export", name: "missing path", path: p + "export", status: 400, code: badParam, message: "Missing required field: path"},
		{route: "GET " + p + "export", name: "unknown path", path: p + "export?path=/Shared/nope", status: 404, code: notFound, message: "Path (/Shared/nope) doesn't exist."},
		{route: "GET " + p + "export", name: "a folder", path: p + "export?path=/Shared", status: 400, code: badParam, message: "directories export only as DBC archives"},
		{route: "GET " + p + "export", name: "unknown format", path: p + "export?path=/Shared&format=PDF", status: 400, code: badParam, message: `Invalid format "PDF"`},
		{route: "GET " + p + "get-status", name: "unknown path", path: p + "get-status?path=/Shared/nope", status: 404, code: notFound, message: "Path (/Shared/nope) doesn't exist."},
		{route: "GET " + p + "get-status", name: "NUL in path", path: p + "get-status?path=/Shared/%00", status: 400, code: badParam, message: "is invalid"},
		{route: "GET " + p + "list", name: "unknown path", path: p + "list?path=/Shared/nope", status: 404, code: notFound, message: "Path (/Shared/nope) doesn't exist."},
		{route: "POST " + p + "mkdirs", name: "relative path", path: p + "mkdirs", body: `{"path":"Shared/x"}`, status: 400, code: badParam, message: "must be absolute"},
		{route: "POST " + p + "mkdirs", name: "path as number", path: p + "mkdirs", body: `{"path":1}`, status: 400, code: badParam, message: "path"},
		{route: "POST " + p + "delete", name: "unknown path", path: p + "delete", body: `{"path":"/Shared/nope"}`, status: 404, code: notFound, message: "Path (/Shared/nope) doesn't exist."},
		{route: "POST " + p + "delete", name: "system folder", path: p + "delete", body: `{"path":"/Shared","recursive":true}`, status: 403, code: "PERMISSION_DENIED", message: "is a system folder"},

		{route: "POST " + rp, name: "malformed JSON", path: rp, body: `{"url":`, status: 400, code: malformed, message: "failed to parse"},
		{route: "POST " + rp, name: "missing url", path: rp, body: `{"provider":"gitHub"}`, status: 400, code: badParam, message: "Missing required field: url"},
		{route: "POST " + rp, name: "ssh url", path: rp, body: `{"url":"git@github.com:a/b.git","provider":"gitHub"}`, status: 400, code: badParam, message: "only HTTPS git urls"},
		{route: "POST " + rp, name: "missing provider", path: rp, body: `{"url":"https://github.com/a/b.git"}`, status: 400, code: badParam, message: "Missing required field: provider"},
		{route: "POST " + rp, name: "unknown provider", path: rp, body: `{"url":"https://github.com/a/b.git","provider":"svn"}`, status: 400, code: badParam, message: `Invalid git provider "svn"`},
		{route: "POST " + rp, name: "missing parent", path: rp, body: `{"url":"https://github.com/a/b.git","provider":"gitHub","path":"/Shared/nope/b"}`, status: 404, code: notFound, message: "The parent folder (/Shared/nope) does not exist."},
		{route: "GET " + rp, name: "bad page token", path: rp + "?page_token=zzz!", status: 400, code: badParam, message: "Invalid page_token"},
		{route: "GET " + rp + "/{id}", name: "unknown id", path: rp + "/42", status: 404, code: notFound, message: "Repo 42 does not exist."},
		{route: "PATCH " + rp + "/{id}", name: "branch and tag", path: rp + "/42", body: `{"branch":"main","tag":"v1"}`, status: 400, code: badParam, message: "Only one of branch and tag"},
		{route: "PATCH " + rp + "/{id}", name: "unknown id", path: rp + "/42", body: `{"branch":"main"}`, status: 404, code: notFound, message: "Repo 42 does not exist."},
		{route: "DELETE " + rp + "/{id}", name: "unknown id", path: rp + "/42", status: 404, code: notFound, message: "Repo 42 does not exist."},
	}
}

// volumeBadInputs follows the Volumes API: names follow Unity Catalog's
// rules, an unknown schema or volume is 404 RESOURCE_DOES_NOT_EXIST.
func volumeBadInputs() []badInput {
	p := "/api/2.1/unity-catalog/volumes"
	create, one := "POST "+p, p+"/{name}"
	notFound := "RESOURCE_DOES_NOT_EXIST"
	valid := `"catalog_name":"nope","schema_name":"nope"`
	return []badInput{
		{route: create, name: "malformed JSON", path: p, body: `{"name":`, status: 400, code: malformed, message: "failed to parse"},
		{route: create, name: "missing catalog", path: p, body: `{"schema_name":"s","name":"v","volume_type":"MANAGED"}`, status: 400, code: badParam, message: "Missing required field: catalog_name"},
		{route: create, name: "missing schema", path: p, body: `{"catalog_name":"c","name":"v","volume_type":"MANAGED"}`, status: 400, code: badParam, message: "Missing required field: schema_name"},
		{route: create, name: "illegal name", path: p, body: `{` + valid + `,"name":"a b","volume_type":"MANAGED"}`, status: 400, code: badParam, message: "Invalid volume name 'a b'"},
		{route: create, name: "missing type", path: p, body: `{` + valid + `,"name":"v"}`, status: 400, code: badParam, message: "Missing required field: volume_type"},
		{route: create, name: "unknown type", path: p, body: `{` + valid + `,"name":"v","volume_type":"TEMP"}`, status: 400, code: badParam, message: `Invalid volume_type "TEMP"`},
		{route: create, name: "external without location", path: p, body: `{` + valid + `,"name":"v","volume_type":"EXTERNAL"}`, status: 400, code: badParam, message: "Missing required field: storage_location"},
		{route: create, name: "external location not a URL", path: p, body: `{` + valid + `,"name":"v","volume_type":"EXTERNAL","storage_location":"here"}`, status: 400, code: badParam, message: "Invalid storage_location 'here'"},
		{route: create, name: "managed with location", path: p, body: `{` + valid + `,"name":"v","volume_type":"MANAGED","storage_location":"abfss://c@a.dfs.core.windows.net/x"}`, status: 400, code: badParam, message: "Managed volumes cannot have a storage_location"},
		{route: create, name: "unknown schema", path: p, body: `{` + valid + `,"name":"v","volume_type":"MANAGED"}`, status: 404, code: notFound, message: "Schema 'nope.nope' does not exist."},
		{route: "GET " + p, name: "missing schema", path: p + "?catalog_name=nope", status: 400, code: badParam, message: "Missing required field: schema_name"},
		{route: "GET " + p, name: "unknown schema", path: p + "?catalog_name=nope&schema_name=nope", status: 404, code: notFound, message: "Schema 'nope.nope' does not exist."},
		{route: "GET " + one, name: "two-part name", path: p + "/a.b", status: 400, code: badParam, message: "Invalid volume full name 'a.b'"},
		{route: "GET " + one, name: "unknown volume", path: p + "/a.b.c", status: 404, code: notFound, message: "Volume 'a.b.c' does not exist."},
		{route: "PATCH " + one, name: "malformed JSON", path: p + "/a.b.c", body: `{"comment":`, status: 400, code: malformed, message: "failed to parse"},
		{route: "PATCH " + one, name: "illegal new name", path: p + "/a.b.c", body: `{"new_name":"x/y"}`, status: 400, code: badParam, message: "Invalid volume name 'x/y'"},
		{route: "PATCH " + one, name: "unknown volume", path: p + "/a.b.c", body: `{"comment":"c"}`, status: 404, code: notFound, message: "Volume 'a.b.c' does not exist."},
		{route: "DELETE " + one, name: "unknown volume", path: p + "/a.b.c", status: 404, code: notFound, message: "Volume 'a.b.c' does not exist."},
	}
}

// scimBadInputs follows workspace SCIM v2: errors in SCIM's shape (detail,
// status), which the SDK reads as error code SCIM_<status>.
func scimBadInputs() []badInput {
	p := "/api/2.0/preview/scim/v2/"
	var rows []badInput
	for _, k := range []struct{ resource, label, create string }{
		{"Users", "User", `{"userName":"x@example.com"}`},
		{"Groups", "Group", `{"displayName":"g"}`},
		{"ServicePrincipals", "Service principal", `{"displayName":"sp"}`},
	} {
		list, one := "GET "+p+k.resource, p+k.resource+"/{id}"
		rows = append(rows,
			badInput{route: list, name: "unsupported filter", path: p + k.resource + "?filter=" + urlQuery(`name pr`), status: 400, code: "SCIM_400", message: "Invalid filter 'name pr'"},
			badInput{route: list, name: "count not a number", path: p + k.resource + "?count=many", status: 400, code: "SCIM_400", message: "count"},
			badInput{route: "POST " + p + k.resource, name: "malformed JSON", path: p + k.resource, body: `{"displayName":`, status: 400, code: "SCIM_400", message: "failed to parse"},
			badInput{route: "POST " + p + k.resource, name: "unknown entitlement", path: p + k.resource, body: k.create[:len(k.create)-1] + `,"entitlements":[{"value":"root"}]}`, status: 400, code: "SCIM_400", message: "Invalid entitlement 'root'"},
			badInput{route: "GET " + one, name: "unknown id", path: p + k.resource + "/42", status: 404, code: "SCIM_404", message: k.label + " 42 not found."},
			badInput{route: "PUT " + one, name: "unknown id", path: p + k.resource + "/42", body: k.create, status: 404, code: "SCIM_404", message: k.label + " 42 not found."},
			badInput{route: "PATCH " + one, name: "no operations", path: p + k.resource + "/42", body: `{}`, status: 400, code: "SCIM_400", message: "Missing required field: Operations"},
			badInput{route: "PATCH " + one, name: "unknown id", path: p + k.resource + "/42", body: `{"Operations":[{"op":"add","path":"roles","value":[]}]}`, status: 404, code: "SCIM_404", message: k.label + " 42 not found."},
			badInput{route: "PATCH " + one, name: "unknown op", path: p + k.resource + "/42", body: `{"Operations":[{"op":"move","path":"roles","value":[]}]}`, status: 400, code: "SCIM_400", message: "Invalid op 'move'"},
			badInput{route: "DELETE " + one, name: "unknown id", path: p + k.resource + "/42", status: 404, code: "SCIM_404", message: k.label + " 42 not found."},
		)
	}
	return append(rows,
		badInput{route: "POST " + p + "Users", name: "missing userName", path: p + "Users", body: `{"displayName":"x"}`, status: 400, code: "SCIM_400", message: "Missing required field: userName"},
		badInput{route: "POST " + p + "Users", name: "taken userName", path: p + "Users", body: `{"userName":"BRICKOPS@example.com"}`, status: 409, code: "SCIM_409", message: "User with userName BRICKOPS@example.com already exists."},
		badInput{route: "POST " + p + "Groups", name: "taken name", path: p + "Groups", body: `{"displayName":"admins"}`, status: 409, code: "SCIM_409", message: "Group with displayName admins already exists."},
		badInput{route: "POST " + p + "Groups", name: "unknown member", path: p + "Groups", body: `{"displayName":"g","members":[{"value":"42"}]}`, status: 404, code: "SCIM_404", message: "Member 42 not found."},
		badInput{route: "POST " + p + "ServicePrincipals", name: "application id not a UUID", path: p + "ServicePrincipals", body: `{"applicationId":"deployer"}`, status: 400, code: "SCIM_400", message: "Invalid applicationId 'deployer'"},
		badInput{route: "PATCH " + p + "Groups/{id}", name: "unknown path", path: p + "Groups/7000000000000100", body: `{"Operations":[{"op":"replace","path":"colour","value":"red"}]}`, status: 400, code: "SCIM_400", message: "Invalid path 'colour'"},
	)
}
