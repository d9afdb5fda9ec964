package emulator_test

import "strings"

// Bad-input rows for the families a whole MLOps stack adds: secrets,
// permissions, SQL warehouses, cluster policies, instance pools, workspace
// objects, repos, SCIM and volumes (see badinput_test.go).
func stackBadInputs() []badInput {
	var rows []badInput
	rows = append(rows, secretsBadInputs()...)
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
