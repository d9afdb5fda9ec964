package emulator_test

import (
	"maps"
	"reflect"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/databricks/databricks-sdk-go/service/sql"
	"github.com/databricks/databricks-sdk-go/service/workspace"
)

// Strict-shape entries (shapes_test.go) for the families a whole MLOps
// stack adds: the SDK type each route's typed call decodes into
// (databricks-sdk-go v0.118.0 service/*/impl.go), and a valid request for
// each route.
func init() {
	scim := "/api/2.0/preview/scim/v2/"
	maps.Copy(sdkResponseTypes, map[string]reflect.Type{
		"POST /api/2.0/sql/warehouses":                                            reflect.TypeFor[sql.CreateWarehouseResponse](),
		"GET /api/2.0/sql/warehouses":                                             reflect.TypeFor[sql.ListWarehousesResponse](),
		"GET /api/2.0/sql/warehouses/{id}":                                        reflect.TypeFor[sql.GetWarehouseResponse](),
		"GET /api/2.0/preview/sql/data_sources":                                   reflect.TypeFor[[]sql.DataSource](),
		"POST /api/2.0/sql/warehouses/{id}/edit":                                  emptyBody, // sql.Edit
		"POST /api/2.0/sql/warehouses/{id}/start":                                 emptyBody, // sql.Start
		"POST /api/2.0/sql/warehouses/{id}/stop":                                  emptyBody, // sql.Stop
		"DELETE /api/2.0/sql/warehouses/{id}":                                     emptyBody, // sql.Delete
		"POST /api/2.0/sql/statements":                                            reflect.TypeFor[sql.StatementResponse](),
		"GET /api/2.0/sql/statements/{statement_id}":                              reflect.TypeFor[sql.StatementResponse](),
		"GET /api/2.0/sql/statements/{statement_id}/result/chunks/{chunk_index}":  reflect.TypeFor[sql.ResultData](),
		"POST /api/2.0/sql/statements/{statement_id}/cancel":                      emptyBody, // sql.CancelExecution
		"POST /serving-endpoints/{name}/invocations":                              reflect.TypeFor[serving.QueryEndpointResponse](),
		"POST /serving-endpoints/{name}/served-models/{served_model}/invocations": reflect.TypeFor[serving.QueryEndpointResponse](),
		"GET /api/2.0/permissions/{object...}":                                    reflect.TypeFor[iam.ObjectPermissions](),
		"PUT /api/2.0/permissions/{object...}":                                    reflect.TypeFor[iam.ObjectPermissions](),
		"PATCH /api/2.0/permissions/{object...}":                                  reflect.TypeFor[iam.ObjectPermissions](),
		"POST /api/2.0/policies/clusters/create":                                  reflect.TypeFor[compute.CreatePolicyResponse](),
		"GET /api/2.0/policies/clusters/get":                                      reflect.TypeFor[compute.Policy](),
		"GET /api/2.0/policies/clusters/list":                                     reflect.TypeFor[compute.ListPoliciesResponse](),
		"POST /api/2.0/policies/clusters/edit":                                    emptyBody, // compute.Edit
		"POST /api/2.0/policies/clusters/delete":                                  emptyBody, // compute.Delete
		"POST /api/2.0/instance-pools/create":                                     reflect.TypeFor[compute.CreateInstancePoolResponse](),
		"GET /api/2.0/instance-pools/get":                                         reflect.TypeFor[compute.GetInstancePool](),
		"GET /api/2.0/instance-pools/list":                                        reflect.TypeFor[compute.ListInstancePools](),
		"POST /api/2.0/instance-pools/edit":                                       emptyBody, // compute.Edit
		"POST /api/2.0/instance-pools/delete":                                     emptyBody, // compute.Delete
		"POST /api/2.0/workspace/import":                                          emptyBody, // workspace.Import
		"GET /api/2.0/workspace/export":                                           reflect.TypeFor[workspace.ExportResponse](),
		"GET /api/2.0/workspace/get-status":                                       reflect.TypeFor[workspace.ObjectInfo](),
		"GET /api/2.0/workspace/list":                                             reflect.TypeFor[workspace.ListResponse](),
		"POST /api/2.0/workspace/mkdirs":                                          emptyBody, // workspace.Mkdirs
		"POST /api/2.0/workspace/delete":                                          emptyBody, // workspace.Delete
		"POST /api/2.0/repos":                                                     reflect.TypeFor[workspace.CreateRepoResponse](),
		"GET /api/2.0/repos":                                                      reflect.TypeFor[workspace.ListReposResponse](),
		"GET /api/2.0/repos/{id}":                                                 reflect.TypeFor[workspace.GetRepoResponse](),
		"PATCH /api/2.0/repos/{id}":                                               emptyBody, // workspace.Update
		"DELETE /api/2.0/repos/{id}":                                              emptyBody, // workspace.Delete
		"POST /api/2.1/unity-catalog/volumes":                                     reflect.TypeFor[catalog.VolumeInfo](),
		"GET /api/2.1/unity-catalog/volumes":                                      reflect.TypeFor[catalog.ListVolumesResponseContent](),
		"GET /api/2.1/unity-catalog/volumes/{name}":                               reflect.TypeFor[catalog.VolumeInfo](),
		"PATCH /api/2.1/unity-catalog/volumes/{name}":                             reflect.TypeFor[catalog.VolumeInfo](),
		"DELETE /api/2.1/unity-catalog/volumes/{name}":                            emptyBody, // catalog.Delete
		"GET " + scim + "Users":                                                   reflect.TypeFor[iam.ListUsersResponse](),
		"POST " + scim + "Users":                                                  reflect.TypeFor[iam.User](),
		"GET " + scim + "Users/{id}":                                              reflect.TypeFor[iam.User](),
		"PUT " + scim + "Users/{id}":                                              reflect.TypeFor[iam.User](), // iam.Update discards the resource the service answers
		"PATCH " + scim + "Users/{id}":                                            emptyBody,                   // iam.Patch
		"DELETE " + scim + "Users/{id}":                                           emptyBody,                   // iam.Delete
		"GET " + scim + "Groups":                                                  reflect.TypeFor[iam.ListGroupsResponse](),
		"POST " + scim + "Groups":                                                 reflect.TypeFor[iam.Group](),
		"GET " + scim + "Groups/{id}":                                             reflect.TypeFor[iam.Group](),
		"PUT " + scim + "Groups/{id}":                                             reflect.TypeFor[iam.Group](), // iam.Update discards the resource the service answers
		"PATCH " + scim + "Groups/{id}":                                           emptyBody,                    // iam.Patch
		"DELETE " + scim + "Groups/{id}":                                          emptyBody,                    // iam.Delete
		"GET " + scim + "ServicePrincipals":                                       reflect.TypeFor[iam.ListServicePrincipalResponse](),
		"POST " + scim + "ServicePrincipals":                                      reflect.TypeFor[iam.ServicePrincipal](),
		"GET " + scim + "ServicePrincipals/{id}":                                  reflect.TypeFor[iam.ServicePrincipal](),
		"PUT " + scim + "ServicePrincipals/{id}":                                  reflect.TypeFor[iam.ServicePrincipal](), // iam.Update discards the resource the service answers
		"PATCH " + scim + "ServicePrincipals/{id}":                                emptyBody,                               // iam.Patch
		"DELETE " + scim + "ServicePrincipals/{id}":                               emptyBody,                               // iam.Delete
		// MLflow experiment management (ml.UpdateExperiment, DeleteExperiment,
		// RestoreExperiment, SetExperimentTag): no response type.
		"POST /api/2.0/mlflow/experiments/update":             emptyBody,
		"POST /api/2.0/mlflow/experiments/delete":             emptyBody,
		"POST /api/2.0/mlflow/experiments/restore":            emptyBody,
		"POST /api/2.0/mlflow/experiments/set-experiment-tag": emptyBody,
	})
}

func stackShapeSteps() []shapeStep {
	wh, cp, ip, ml := "/api/2.0/sql/warehouses", "/api/2.0/policies/clusters/", "/api/2.0/instance-pools/", "/api/2.0/mlflow/experiments/"
	perm := "/api/2.0/permissions/sql/warehouses/{warehouse}"
	st := "/api/2.0/sql/statements"
	vol, scim := "/api/2.1/unity-catalog/volumes", "/api/2.0/preview/scim/v2/"
	return []shapeStep{
		{route: "POST " + wh, path: wh, body: `{"name":"shapes","cluster_size":"2X-Small","auto_stop_mins":0,"tags":{"custom_tags":[{"key":"k","value":"v"}]}}`, save: map[string]string{"warehouse": "id"}},
		{route: "GET " + wh + "/{id}", path: wh + "/{warehouse}"},
		{route: "GET /api/2.0/preview/sql/data_sources", path: "/api/2.0/preview/sql/data_sources"},
		{route: "GET " + wh, path: wh},
		{route: "POST " + wh + "/{id}/edit", path: wh + "/{warehouse}/edit", body: `{"name":"shapes","cluster_size":"Small","channel":{"name":"CHANNEL_NAME_PREVIEW"}}`},
		{route: "POST " + wh + "/{id}/stop", path: wh + "/{warehouse}/stop"},
		{route: "POST " + wh + "/{id}/start", path: wh + "/{warehouse}/start"},
		{route: "POST " + st, path: st, body: `{"warehouse_id":"{warehouse}","statement":"SELECT 1 AS one, :x AS x","parameters":[{"name":"x","value":"2","type":"INT"}],"wait_timeout":"5s"}`, save: map[string]string{"statement": "statement_id"}},
		{route: "GET " + st + "/{statement_id}", path: st + "/{statement}", pending: true},
		{route: "GET " + st + "/{statement_id}/result/chunks/{chunk_index}", path: st + "/{statement}/result/chunks/0", pending: true},
		{route: "POST " + st + "/{statement_id}/cancel", path: st + "/{statement}/cancel", pending: true},
		{route: "GET /api/2.0/permissions/{object...}", path: perm},
		{route: "PUT /api/2.0/permissions/{object...}", path: perm, body: `{"access_control_list":[{"group_name":"users","permission_level":"CAN_USE"}]}`},
		{route: "PATCH /api/2.0/permissions/{object...}", path: perm, body: `{"access_control_list":[{"service_principal_name":"sp","permission_level":"CAN_MONITOR"}]}`},
		{route: "DELETE " + wh + "/{id}", path: wh + "/{warehouse}"},

		{route: "POST " + cp + "create", path: cp + "create", body: `{"name":"shapes","definition":"{\"spark_version\":{\"type\":\"fixed\",\"value\":\"15.4.x-scala2.12\"}}","max_clusters_per_user":2}`, save: map[string]string{"policy": "policy_id"}},
		{route: "GET " + cp + "get", path: cp + "get?policy_id={policy}"},
		{route: "GET " + cp + "list", path: cp + "list"},
		{route: "POST " + cp + "edit", path: cp + "edit", body: `{"policy_id":"{policy}","name":"shapes","definition":"{}","description":"d"}`},
		{route: "POST " + cp + "delete", path: cp + "delete", body: `{"policy_id":"{policy}"}`},

		{route: "POST " + ip + "create", path: ip + "create", body: `{"instance_pool_name":"shapes","node_type_id":"Standard_DS3_v2","idle_instance_autotermination_minutes":10,"custom_tags":{"k":"v"},"azure_attributes":{"availability":"SPOT_AZURE","spot_bid_max_price":-1},"preloaded_spark_versions":["15.4.x-scala2.12"]}`, save: map[string]string{"pool": "instance_pool_id"}},
		{route: "GET " + ip + "get", path: ip + "get?instance_pool_id={pool}"},
		{route: "GET " + ip + "list", path: ip + "list"},
		{route: "POST " + ip + "edit", path: ip + "edit", body: `{"instance_pool_id":"{pool}","instance_pool_name":"shapes2","node_type_id":"Standard_DS3_v2","max_capacity":5}`},
		{route: "POST " + ip + "delete", path: ip + "delete", body: `{"instance_pool_id":"{pool}"}`},

		{route: "POST " + ml + "create", path: ml + "create", body: `{"name":"/Shared/shapes-admin"}`, save: map[string]string{"exp": "experiment_id"}},
		{route: "POST " + ml + "update", path: ml + "update", body: `{"experiment_id":"{exp}","new_name":"/Shared/shapes-admin-2"}`},
		{route: "POST " + ml + "set-experiment-tag", path: ml + "set-experiment-tag", body: `{"experiment_id":"{exp}","key":"k","value":"v"}`},
		{route: "POST " + ml + "delete", path: ml + "delete", body: `{"experiment_id":"{exp}"}`},
		{route: "POST " + ml + "restore", path: ml + "restore", body: `{"experiment_id":"{exp}"}`},

		{route: "POST /api/2.0/workspace/mkdirs", path: "/api/2.0/workspace/mkdirs", body: `{"path":"/Shared/shapes/src"}`},
		{route: "POST /api/2.0/workspace/import", path: "/api/2.0/workspace/import", body: `{"path":"/Shared/shapes/src/train.py","format":"SOURCE","language":"PYTHON","content":"cHJpbnQoMSk="}`},
		{route: "GET /api/2.0/workspace/get-status", path: "/api/2.0/workspace/get-status?path=/Shared/shapes/src/train"},
		{route: "GET /api/2.0/workspace/export", path: "/api/2.0/workspace/export?path=/Shared/shapes/src/train&format=SOURCE"},
		{route: "GET /api/2.0/workspace/list", path: "/api/2.0/workspace/list?path=/Shared/shapes/src"},
		{route: "POST /api/2.0/repos", path: "/api/2.0/repos", body: `{"url":"https://github.com/acme/shapes.git","provider":"gitHub","path":"/Shared/shapes/repo","sparse_checkout":{"patterns":["src"]}}`, save: map[string]string{"repo": "id"}},
		{route: "GET /api/2.0/repos/{id}", path: "/api/2.0/repos/{repo}"},
		{route: "GET /api/2.0/repos", path: "/api/2.0/repos?path_prefix=/Shared"},
		{route: "PATCH /api/2.0/repos/{id}", path: "/api/2.0/repos/{repo}", body: `{"tag":"v1"}`},
		{route: "DELETE /api/2.0/repos/{id}", path: "/api/2.0/repos/{repo}"},
		{route: "POST /api/2.0/workspace/delete", path: "/api/2.0/workspace/delete", body: `{"path":"/Shared/shapes","recursive":true}`},

		{route: "POST " + vol, path: vol, body: `{"catalog_name":"shapes","schema_name":"data","name":"raw","volume_type":"MANAGED","comment":"c"}`},
		{route: "POST " + vol, path: vol, body: `{"catalog_name":"shapes","schema_name":"data","name":"landing","volume_type":"EXTERNAL","storage_location":"abfss://landing@acme.dfs.core.windows.net/shapes"}`},
		{route: "GET " + vol, path: vol + "?catalog_name=shapes&schema_name=data&max_results=1"},
		{route: "GET " + vol + "/{name}", path: vol + "/shapes.data.raw"},
		{route: "PATCH " + vol + "/{name}", path: vol + "/shapes.data.raw", body: `{"comment":"d","owner":"data-team","new_name":"bronze"}`},
		{route: "DELETE " + vol + "/{name}", path: vol + "/shapes.data.bronze"},

		{route: "POST " + scim + "Users", path: scim + "Users", body: `{"userName":"ana@example.com","name":{"givenName":"Ana","familyName":"Silva"},"entitlements":[{"value":"allow-cluster-create"}]}`, save: map[string]string{"user": "id"}},
		{route: "GET " + scim + "Users", path: scim + "Users?filter=" + urlQuery(`userName eq "ana@example.com"`) + "&startIndex=1&count=5"},
		{route: "GET " + scim + "Users/{id}", path: scim + "Users/{user}"},
		{route: "PUT " + scim + "Users/{id}", path: scim + "Users/{user}", body: `{"userName":"ana@example.com","displayName":"Ana S","active":true}`},
		{route: "POST " + scim + "ServicePrincipals", path: scim + "ServicePrincipals", body: `{"applicationId":"0f9e8d7c-6b5a-4a3b-9c2d-1e0f9a8b7c6d","displayName":"deployer"}`, save: map[string]string{"sp": "id"}},
		{route: "GET " + scim + "ServicePrincipals", path: scim + "ServicePrincipals?filter=" + urlQuery(`applicationId eq "0f9e8d7c-6b5a-4a3b-9c2d-1e0f9a8b7c6d"`)},
		{route: "GET " + scim + "ServicePrincipals/{id}", path: scim + "ServicePrincipals/{sp}"},
		{route: "PUT " + scim + "ServicePrincipals/{id}", path: scim + "ServicePrincipals/{sp}", body: `{"applicationId":"0f9e8d7c-6b5a-4a3b-9c2d-1e0f9a8b7c6d","displayName":"deployer-2"}`},
		{route: "PATCH " + scim + "ServicePrincipals/{id}", path: scim + "ServicePrincipals/{sp}", body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`},
		{route: "POST " + scim + "Groups", path: scim + "Groups", body: `{"displayName":"data-team","members":[{"value":"{user}"}]}`, save: map[string]string{"group": "id"}},
		{route: "GET " + scim + "Groups", path: scim + "Groups?filter=" + urlQuery(`displayName eq "data-team"`) + "&attributes=id,displayName,members"},
		{route: "PATCH " + scim + "Groups/{id}", path: scim + "Groups/{group}", body: `{"Operations":[{"op":"add","path":"members","value":[{"value":"{sp}"}]}]}`},
		{route: "GET " + scim + "Groups/{id}", path: scim + "Groups/{group}"},
		{route: "PUT " + scim + "Groups/{id}", path: scim + "Groups/{group}", body: `{"displayName":"data-team","members":[{"value":"{sp}"}]}`},
		{route: "PATCH " + scim + "Users/{id}", path: scim + "Users/{user}", body: `{"Operations":[{"op":"add","path":"groups","value":[{"value":"{group}"}]}]}`},
		{route: "DELETE " + scim + "Groups/{id}", path: scim + "Groups/{group}"},
		{route: "DELETE " + scim + "ServicePrincipals/{id}", path: scim + "ServicePrincipals/{sp}"},
		{route: "DELETE " + scim + "Users/{id}", path: scim + "Users/{user}"},
	}
}
