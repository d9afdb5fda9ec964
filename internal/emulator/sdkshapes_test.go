package emulator_test

import (
	"reflect"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/ml"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/databricks/databricks-sdk-go/service/workspace"
)

// sdkResponseTypes maps each workspace route to the databricks-sdk-go
// (v0.118.0) type its typed client decodes the answer into: the variable
// service/<pkg>/impl.go passes to client.Do for that method and path.
// emptyBody marks calls the SDK sends with no response type (the API answers
// {}). Routes the SDK has no typed call for are in referenceResponseTypes
// (shapes_test.go).
var sdkResponseTypes = map[string]reflect.Type{
	"DELETE /api/2.0/online-tables/{name}":                                                            emptyBody, // catalog.Delete
	"DELETE /api/2.0/serving-endpoints/{name}":                                                        emptyBody, // serving.Delete
	"DELETE /api/2.1/unity-catalog/catalogs/{name}":                                                   emptyBody, // catalog.Delete
	"DELETE /api/2.1/unity-catalog/constraints/{full_name}":                                           emptyBody, // catalog.Delete
	"DELETE /api/2.1/unity-catalog/entity-tag-assignments/{entity_type}/{entity_name}/tags/{tag_key}": emptyBody, // catalog.Delete
	"DELETE /api/2.1/unity-catalog/models/{full_name}":                                                emptyBody, // catalog.Delete
	"DELETE /api/2.1/unity-catalog/models/{full_name}/aliases/{alias}":                                emptyBody, // catalog.DeleteAlias
	"DELETE /api/2.1/unity-catalog/models/{full_name}/versions/{version}":                             emptyBody, // catalog.Delete
	"DELETE /api/2.1/unity-catalog/schemas/{full_name}":                                               emptyBody, // catalog.Delete
	"DELETE /api/2.1/unity-catalog/tables/{full_name}":                                                emptyBody, // catalog.Delete
	"DELETE /api/2.1/unity-catalog/tables/{table_name}/monitor":                                       reflect.TypeFor[catalog.DeleteMonitorResponse](),
	"GET /api/2.0/clusters/get":                                                                       reflect.TypeFor[compute.ClusterDetails](),
	"GET /api/2.0/clusters/list":                                                                      reflect.TypeFor[compute.ListClustersResponse](),
	"GET /api/2.0/clusters/list-node-types":                                                           reflect.TypeFor[compute.ListNodeTypesResponse](),
	"GET /api/2.0/clusters/spark-versions":                                                            reflect.TypeFor[compute.GetSparkVersionsResponse](),
	"GET /api/2.0/libraries/all-cluster-statuses":                                                     reflect.TypeFor[compute.ListAllClusterLibraryStatusesResponse](),
	"GET /api/2.0/libraries/cluster-status":                                                           reflect.TypeFor[compute.ClusterLibraryStatuses](),
	"GET /api/2.0/mlflow/experiments/get":                                                             reflect.TypeFor[ml.GetExperimentResponse](),
	"GET /api/2.0/mlflow/experiments/get-by-name":                                                     reflect.TypeFor[ml.GetExperimentByNameResponse](),
	"GET /api/2.0/mlflow/experiments/search":                                                          reflect.TypeFor[ml.SearchExperimentsResponse](),
	"GET /api/2.0/mlflow/metrics/get-history":                                                         reflect.TypeFor[ml.GetMetricHistoryResponse](),
	"GET /api/2.0/mlflow/runs/get":                                                                    reflect.TypeFor[ml.GetRunResponse](),
	"GET /api/2.0/online-tables/{name}":                                                               reflect.TypeFor[catalog.OnlineTable](),
	"GET /api/2.0/preview/scim/v2/Me":                                                                 reflect.TypeFor[iam.User](),
	"GET /api/2.0/secrets/acls/get":                                                                   reflect.TypeFor[workspace.AclItem](),
	"GET /api/2.0/secrets/acls/list":                                                                  reflect.TypeFor[workspace.ListAclsResponse](),
	"GET /api/2.0/secrets/get":                                                                        reflect.TypeFor[workspace.GetSecretResponse](),
	"GET /api/2.0/secrets/list":                                                                       reflect.TypeFor[workspace.ListSecretsResponse](),
	"GET /api/2.0/secrets/scopes/list":                                                                reflect.TypeFor[workspace.ListScopesResponse](),
	"GET /api/2.0/serving-endpoints":                                                                  reflect.TypeFor[serving.ListEndpointsResponse](),
	"GET /api/2.0/serving-endpoints/{name}":                                                           reflect.TypeFor[serving.ServingEndpointDetailed](),
	"GET /api/2.0/serving-endpoints/{name}/metrics":                                                   reflect.TypeFor[serving.ExportMetricsResponse](),
	"GET /api/2.1/clusters/get":                                                                       reflect.TypeFor[compute.ClusterDetails](),
	"GET /api/2.1/clusters/list":                                                                      reflect.TypeFor[compute.ListClustersResponse](),
	"GET /api/2.1/clusters/list-node-types":                                                           reflect.TypeFor[compute.ListNodeTypesResponse](),
	"GET /api/2.1/clusters/spark-versions":                                                            reflect.TypeFor[compute.GetSparkVersionsResponse](),
	"GET /api/2.1/jobs/get":                                                                           reflect.TypeFor[jobs.Job](),
	"GET /api/2.1/jobs/list":                                                                          reflect.TypeFor[jobs.ListJobsResponse](),
	"GET /api/2.1/jobs/runs/get":                                                                      reflect.TypeFor[jobs.Run](),
	"GET /api/2.1/jobs/runs/list":                                                                     reflect.TypeFor[jobs.ListRunsResponse](),
	"GET /api/2.1/unity-catalog/bindings/{securable_type}/{securable_name}":                           reflect.TypeFor[catalog.GetWorkspaceBindingsResponse](),
	"GET /api/2.1/unity-catalog/catalogs":                                                             reflect.TypeFor[catalog.ListCatalogsResponse](),
	"GET /api/2.1/unity-catalog/catalogs/{name}":                                                      reflect.TypeFor[catalog.CatalogInfo](),
	"GET /api/2.1/unity-catalog/current-metastore-assignment":                                         reflect.TypeFor[catalog.MetastoreAssignment](),
	"GET /api/2.1/unity-catalog/entity-tag-assignments/{entity_type}/{entity_name}/tags":              reflect.TypeFor[catalog.ListEntityTagAssignmentsResponse](),
	"GET /api/2.1/unity-catalog/entity-tag-assignments/{entity_type}/{entity_name}/tags/{tag_key}":    reflect.TypeFor[catalog.EntityTagAssignment](),
	"GET /api/2.1/unity-catalog/metastore_summary":                                                    reflect.TypeFor[catalog.GetMetastoreSummaryResponse](),
	"GET /api/2.1/unity-catalog/models":                                                               reflect.TypeFor[catalog.ListRegisteredModelsResponse](),
	"GET /api/2.1/unity-catalog/models/{full_name}":                                                   reflect.TypeFor[catalog.RegisteredModelInfo](),
	"GET /api/2.1/unity-catalog/models/{full_name}/aliases/{alias}":                                   reflect.TypeFor[catalog.ModelVersionInfo](),
	"GET /api/2.1/unity-catalog/models/{full_name}/versions":                                          reflect.TypeFor[catalog.ListModelVersionsResponse](),
	"GET /api/2.1/unity-catalog/models/{full_name}/versions/{version}":                                reflect.TypeFor[catalog.ModelVersionInfo](),
	"GET /api/2.1/unity-catalog/permissions/{securable_type}/{full_name}":                             reflect.TypeFor[catalog.GetPermissionsResponse](),
	"GET /api/2.1/unity-catalog/schemas":                                                              reflect.TypeFor[catalog.ListSchemasResponse](),
	"GET /api/2.1/unity-catalog/schemas/{full_name}":                                                  reflect.TypeFor[catalog.SchemaInfo](),
	"GET /api/2.1/unity-catalog/tables":                                                               reflect.TypeFor[catalog.ListTablesResponse](),
	"GET /api/2.1/unity-catalog/tables/{full_name}":                                                   reflect.TypeFor[catalog.TableInfo](),
	"GET /api/2.1/unity-catalog/tables/{full_name}/exists":                                            reflect.TypeFor[catalog.TableExistsResponse](),
	"GET /api/2.1/unity-catalog/tables/{table_name}/monitor":                                          reflect.TypeFor[catalog.MonitorInfo](),
	"GET /api/2.1/unity-catalog/tables/{table_name}/monitor/refreshes":                                reflect.TypeFor[catalog.MonitorRefreshListResponse](),
	"GET /api/2.1/unity-catalog/tables/{table_name}/monitor/refreshes/{refresh_id}":                   reflect.TypeFor[catalog.MonitorRefreshInfo](),
	"GET /api/2.1/unity-catalog/workspace-bindings/catalogs/{name}":                                   reflect.TypeFor[catalog.GetCatalogWorkspaceBindingsResponse](),
	"GET /api/2.2/jobs/get":                                                                           reflect.TypeFor[jobs.Job](),
	"GET /api/2.2/jobs/list":                                                                          reflect.TypeFor[jobs.ListJobsResponse](),
	"GET /api/2.2/jobs/runs/get":                                                                      reflect.TypeFor[jobs.Run](),
	"GET /api/2.2/jobs/runs/list":                                                                     reflect.TypeFor[jobs.ListRunsResponse](),
	"PATCH /api/2.0/serving-endpoints/{name}/tags":                                                    reflect.TypeFor[serving.EndpointTags](),
	"PATCH /api/2.1/unity-catalog/bindings/{securable_type}/{securable_name}":                         reflect.TypeFor[catalog.UpdateWorkspaceBindingsResponse](),
	"PATCH /api/2.1/unity-catalog/catalogs/{name}":                                                    reflect.TypeFor[catalog.CatalogInfo](),
	"PATCH /api/2.1/unity-catalog/entity-tag-assignments/{entity_type}/{entity_name}/tags/{tag_key}":  reflect.TypeFor[catalog.EntityTagAssignment](),
	"PATCH /api/2.1/unity-catalog/models/{full_name}":                                                 reflect.TypeFor[catalog.RegisteredModelInfo](),
	"PATCH /api/2.1/unity-catalog/models/{full_name}/versions/{version}":                              reflect.TypeFor[catalog.ModelVersionInfo](),
	"PATCH /api/2.1/unity-catalog/permissions/{securable_type}/{full_name}":                           reflect.TypeFor[catalog.UpdatePermissionsResponse](),
	"PATCH /api/2.1/unity-catalog/schemas/{full_name}":                                                reflect.TypeFor[catalog.SchemaInfo](),
	"PATCH /api/2.1/unity-catalog/workspace-bindings/catalogs/{name}":                                 reflect.TypeFor[catalog.UpdateCatalogWorkspaceBindingsResponse](),
	"POST /api/2.0/clusters/create":                                                                   reflect.TypeFor[compute.CreateClusterResponse](),
	"POST /api/2.0/clusters/delete":                                                                   emptyBody, // compute.Delete
	"POST /api/2.0/clusters/edit":                                                                     emptyBody, // compute.Edit
	"POST /api/2.0/clusters/events":                                                                   reflect.TypeFor[compute.GetEventsResponse](),
	"POST /api/2.0/clusters/permanent-delete":                                                         emptyBody, // compute.PermanentDelete
	"POST /api/2.0/clusters/pin":                                                                      emptyBody, // compute.Pin
	"POST /api/2.0/clusters/resize":                                                                   emptyBody, // compute.Resize
	"POST /api/2.0/clusters/restart":                                                                  emptyBody, // compute.Restart
	"POST /api/2.0/clusters/start":                                                                    emptyBody, // compute.Start
	"POST /api/2.0/clusters/unpin":                                                                    emptyBody, // compute.Unpin
	"POST /api/2.0/libraries/install":                                                                 emptyBody, // compute.Install
	"POST /api/2.0/libraries/uninstall":                                                               emptyBody, // compute.Uninstall
	"POST /api/2.0/mlflow/experiments/create":                                                         reflect.TypeFor[ml.CreateExperimentResponse](),
	"POST /api/2.0/mlflow/experiments/search":                                                         reflect.TypeFor[ml.SearchExperimentsResponse](),
	"POST /api/2.0/mlflow/runs/create":                                                                reflect.TypeFor[ml.CreateRunResponse](),
	"POST /api/2.0/mlflow/runs/log-batch":                                                             emptyBody, // ml.LogBatch
	"POST /api/2.0/mlflow/runs/log-metric":                                                            emptyBody, // ml.LogMetric
	"POST /api/2.0/mlflow/runs/log-parameter":                                                         emptyBody, // ml.LogParam
	"POST /api/2.0/mlflow/runs/search":                                                                reflect.TypeFor[ml.SearchRunsResponse](),
	"POST /api/2.0/mlflow/runs/set-tag":                                                               emptyBody, // ml.SetTag
	"POST /api/2.0/mlflow/runs/update":                                                                reflect.TypeFor[ml.UpdateRunResponse](),
	"POST /api/2.0/online-tables":                                                                     reflect.TypeFor[catalog.OnlineTable](),
	"POST /api/2.0/secrets/acls/delete":                                                               emptyBody, // workspace.DeleteAcl
	"POST /api/2.0/secrets/acls/put":                                                                  emptyBody, // workspace.PutAcl
	"POST /api/2.0/secrets/delete":                                                                    emptyBody, // workspace.DeleteSecret
	"POST /api/2.0/secrets/put":                                                                       emptyBody, // workspace.PutSecret
	"POST /api/2.0/secrets/scopes/create":                                                             emptyBody, // workspace.CreateScope
	"POST /api/2.0/secrets/scopes/delete":                                                             emptyBody, // workspace.DeleteScope
	"POST /api/2.0/serving-endpoints":                                                                 reflect.TypeFor[serving.ServingEndpointDetailed](),
	"POST /api/2.1/clusters/create":                                                                   reflect.TypeFor[compute.CreateClusterResponse](),
	"POST /api/2.1/clusters/delete":                                                                   emptyBody, // compute.Delete
	"POST /api/2.1/clusters/edit":                                                                     emptyBody, // compute.Edit
	"POST /api/2.1/clusters/events":                                                                   reflect.TypeFor[compute.GetEventsResponse](),
	"POST /api/2.1/clusters/permanent-delete":                                                         emptyBody, // compute.PermanentDelete
	"POST /api/2.1/clusters/pin":                                                                      emptyBody, // compute.Pin
	"POST /api/2.1/clusters/resize":                                                                   emptyBody, // compute.Resize
	"POST /api/2.1/clusters/restart":                                                                  emptyBody, // compute.Restart
	"POST /api/2.1/clusters/start":                                                                    emptyBody, // compute.Start
	"POST /api/2.1/clusters/unpin":                                                                    emptyBody, // compute.Unpin
	"POST /api/2.1/jobs/create":                                                                       reflect.TypeFor[jobs.CreateResponse](),
	"POST /api/2.1/jobs/delete":                                                                       emptyBody, // jobs.Delete
	"POST /api/2.1/jobs/reset":                                                                        emptyBody, // jobs.Reset
	"POST /api/2.1/jobs/run-now":                                                                      reflect.TypeFor[jobs.RunNowResponse](),
	"POST /api/2.1/jobs/runs/cancel":                                                                  emptyBody, // jobs.CancelRun
	"POST /api/2.1/jobs/runs/cancel-all":                                                              emptyBody, // jobs.CancelAllRuns
	"POST /api/2.1/jobs/runs/delete":                                                                  emptyBody, // jobs.DeleteRun
	"POST /api/2.1/jobs/update":                                                                       emptyBody, // jobs.Update
	"POST /api/2.1/unity-catalog/catalogs":                                                            reflect.TypeFor[catalog.CatalogInfo](),
	"POST /api/2.1/unity-catalog/constraints":                                                         reflect.TypeFor[catalog.TableConstraint](),
	"POST /api/2.1/unity-catalog/entity-tag-assignments":                                              reflect.TypeFor[catalog.EntityTagAssignment](),
	"POST /api/2.1/unity-catalog/models":                                                              reflect.TypeFor[catalog.RegisteredModelInfo](),
	"POST /api/2.1/unity-catalog/schemas":                                                             reflect.TypeFor[catalog.SchemaInfo](),
	"POST /api/2.1/unity-catalog/tables":                                                              reflect.TypeFor[catalog.TableInfo](),
	"POST /api/2.1/unity-catalog/tables/{table_name}/monitor":                                         reflect.TypeFor[catalog.MonitorInfo](),
	"POST /api/2.1/unity-catalog/tables/{table_name}/monitor/refreshes":                               reflect.TypeFor[catalog.MonitorRefreshInfo](),
	"POST /api/2.1/unity-catalog/tables/{table_name}/monitor/refreshes/{refresh_id}/cancel":           emptyBody, // catalog.CancelRefresh
	"POST /api/2.2/jobs/create":                                                                       reflect.TypeFor[jobs.CreateResponse](),
	"POST /api/2.2/jobs/delete":                                                                       emptyBody, // jobs.Delete
	"POST /api/2.2/jobs/reset":                                                                        emptyBody, // jobs.Reset
	"POST /api/2.2/jobs/run-now":                                                                      reflect.TypeFor[jobs.RunNowResponse](),
	"POST /api/2.2/jobs/runs/cancel":                                                                  emptyBody, // jobs.CancelRun
	"POST /api/2.2/jobs/runs/cancel-all":                                                              emptyBody, // jobs.CancelAllRuns
	"POST /api/2.2/jobs/runs/delete":                                                                  emptyBody, // jobs.DeleteRun
	"POST /api/2.2/jobs/update":                                                                       emptyBody, // jobs.Update
	"PUT /api/2.0/serving-endpoints/{name}/ai-gateway":                                                reflect.TypeFor[serving.PutAiGatewayResponse](),
	"PUT /api/2.0/serving-endpoints/{name}/config":                                                    reflect.TypeFor[serving.ServingEndpointDetailed](),
	"PUT /api/2.0/serving-endpoints/{name}/rate-limits":                                               reflect.TypeFor[serving.PutResponse](),
	"PUT /api/2.1/unity-catalog/models/{full_name}/aliases/{alias}":                                   reflect.TypeFor[catalog.RegisteredModelAlias](),
	"PUT /api/2.1/unity-catalog/tables/{table_name}/monitor":                                          reflect.TypeFor[catalog.MonitorInfo](),
}
