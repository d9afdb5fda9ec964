package workspace

import (
	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Routes registers the workspace API, family by family: this is its
// table of contents. Paths follow the real REST API (databricks-sdk-go
// service/*/impl.go lists the ones its typed clients call); everything lives
// under /api/ except host discovery.
func (s *Service) Routes() {
	ws := s.WorkspaceRoute

	// Schedules fire from the emulator clock (jobs_runtime.go,
	// monitor_runtime.go).
	s.OnTick(s.fireSchedules)

	// Host discovery, asked by recent SDKs before anything else and, as in
	// production, without credentials.
	s.PublicRoute("GET /.well-known/databricks-config", s.wellKnownConfig)

	// Identity: the SDK and providers ask who the caller is.
	ws("GET /api/2.0/preview/scim/v2/Me", scimHandler(s.currentUser))
	// Workspace SCIM v2: users, groups, service principals (scim.go).
	s.scimRoutes()

	// Clusters (clusters.go). The SDK calls 2.1; older clients and the
	// official provider still call 2.0, so both versions are served.
	for _, v := range []string{"2.0", "2.1"} {
		p := "/api/" + v + "/clusters/"
		ws("POST "+p+"create", s.createCluster)
		ws("GET "+p+"get", s.getCluster)
		ws("GET "+p+"list", s.listClusters)
		ws("POST "+p+"edit", s.editCluster)
		ws("POST "+p+"resize", s.resizeCluster)
		ws("POST "+p+"start", s.startCluster)
		ws("POST "+p+"restart", s.restartCluster)
		ws("POST "+p+"delete", s.deleteCluster)
		ws("POST "+p+"permanent-delete", s.permanentDeleteCluster)
		ws("GET "+p+"spark-versions", s.sparkVersions)
		ws("GET "+p+"list-node-types", s.listNodeTypes)
		ws("POST "+p+"pin", s.pinCluster)
		ws("POST "+p+"unpin", s.unpinCluster)
		ws("POST "+p+"events", s.clusterEvents)
	}

	// Libraries on clusters (libraries.go). Paths from databricks-sdk-go
	// service/compute/impl.go (librariesImpl).
	lib := "/api/2.0/libraries/"
	ws("GET "+lib+"all-cluster-statuses", s.allClusterLibraryStatuses)
	ws("GET "+lib+"cluster-status", s.clusterLibraryStatus)
	ws("POST "+lib+"install", s.installLibraries)
	ws("POST "+lib+"uninstall", s.uninstallLibraries)

	// Unity Catalog (catalogs.go, schemas.go, grants.go, tables.go,
	// registered_models.go, model_versions.go). Paths from
	// databricks-sdk-go service/catalog/impl.go.
	uc := "/api/2.1/unity-catalog/"
	ws("POST "+uc+"catalogs", s.createCatalog)
	ws("GET "+uc+"catalogs", s.listCatalogs)
	ws("GET "+uc+"catalogs/{name}", s.getCatalog)
	ws("PATCH "+uc+"catalogs/{name}", s.updateCatalog)
	ws("DELETE "+uc+"catalogs/{name}", s.deleteCatalog)
	ws("POST "+uc+"schemas", s.createSchema)
	ws("GET "+uc+"schemas", s.listSchemas)
	ws("GET "+uc+"schemas/{full_name}", s.getSchema)
	ws("PATCH "+uc+"schemas/{full_name}", s.updateSchema)
	ws("DELETE "+uc+"schemas/{full_name}", s.deleteSchema)
	// Volumes (volumes.go).
	ws("POST "+uc+"volumes", s.createVolume)
	ws("GET "+uc+"volumes", s.listVolumes)
	ws("GET "+uc+"volumes/{name}", s.getVolume)
	ws("PATCH "+uc+"volumes/{name}", s.updateVolume)
	ws("DELETE "+uc+"volumes/{name}", s.deleteVolume)
	// The workspace's metastore and workspace bindings (metastores.go).
	ws("GET "+uc+"current-metastore-assignment", s.currentMetastoreAssignment)
	ws("GET "+uc+"metastore_summary", s.metastoreSummary)
	ws("GET "+uc+"workspace-bindings/catalogs/{name}", s.getCatalogBindings)
	ws("PATCH "+uc+"workspace-bindings/catalogs/{name}", s.updateCatalogBindings)
	ws("GET "+uc+"bindings/{securable_type}/{securable_name}", s.getBindings)
	ws("PATCH "+uc+"bindings/{securable_type}/{securable_name}", s.updateBindings)
	ws("GET "+uc+"permissions/{securable_type}/{full_name}", s.getGrants)
	ws("PATCH "+uc+"permissions/{securable_type}/{full_name}", s.updateGrants)
	ws("POST "+uc+"tables", s.createTable)
	ws("GET "+uc+"tables", s.listTables)
	ws("GET "+uc+"tables/{full_name}", s.getTable)
	ws("GET "+uc+"tables/{full_name}/exists", s.tableExists)
	ws("DELETE "+uc+"tables/{full_name}", s.deleteTable)
	ws("POST "+uc+"constraints", s.createTableConstraint)
	ws("DELETE "+uc+"constraints/{full_name}", s.deleteTableConstraint)
	ws("POST "+uc+"models", s.createRegisteredModel)
	ws("GET "+uc+"models", s.listRegisteredModels)
	ws("GET "+uc+"models/{full_name}", s.getRegisteredModel)
	ws("PATCH "+uc+"models/{full_name}", s.updateRegisteredModel)
	ws("DELETE "+uc+"models/{full_name}", s.deleteRegisteredModel)
	ws("PUT "+uc+"models/{full_name}/aliases/{alias}", s.setModelAlias)
	ws("DELETE "+uc+"models/{full_name}/aliases/{alias}", s.deleteModelAlias)
	ws("GET "+uc+"models/{full_name}/aliases/{alias}", s.getModelVersionByAlias)
	ws("GET "+uc+"models/{full_name}/versions", s.listModelVersions)
	ws("GET "+uc+"models/{full_name}/versions/{version}", s.getModelVersion)
	ws("PATCH "+uc+"models/{full_name}/versions/{version}", s.updateModelVersion)
	ws("DELETE "+uc+"models/{full_name}/versions/{version}", s.deleteModelVersion)

	// MLflow model registry for Unity Catalog (model_versions.go): how the
	// MLflow client registers versions. Paths from mlflow/protos
	// databricks_uc_registry_service.proto, under /api/2.0. Tags are set
	// with POST and deleted with DELETE on model-versions/tags; set-tag and
	// delete-tag are served too, named like the workspace registry's paths.
	mv := "/api/2.0/mlflow/unity-catalog/model-versions/"
	ws("POST "+mv+"create", s.mlflowCreateModelVersion)
	ws("POST "+mv+"finalize", s.mlflowFinalizeModelVersion)
	ws("POST "+mv+"copy", s.mlflowCopyModelVersion)
	ws("GET "+mv+"get", s.mlflowGetModelVersion)
	ws("GET "+mv+"search", s.mlflowSearchModelVersions)
	ws("GET "+mv+"get-download-uri", s.mlflowGetDownloadURI)
	ws("PATCH "+mv+"update", s.mlflowUpdateModelVersion)
	ws("DELETE "+mv+"delete", s.mlflowDeleteModelVersion)
	ws("POST "+mv+"tags", s.mlflowSetModelVersionTag)
	ws("DELETE "+mv+"tags", s.mlflowDeleteModelVersionTag)
	ws("POST "+mv+"set-tag", s.mlflowSetModelVersionTag)
	ws("DELETE "+mv+"delete-tag", s.mlflowDeleteModelVersionTag)
	ws("POST "+mv+"delete-tag", s.mlflowDeleteModelVersionTag)
	rm := "/api/2.0/mlflow/unity-catalog/registered-models/"
	ws("POST "+rm+"create", s.mlflowCreateRegisteredModel)
	ws("GET "+rm+"get", s.mlflowGetRegisteredModel)
	ws("PATCH "+rm+"update", s.mlflowUpdateRegisteredModel)
	ws("DELETE "+rm+"delete", s.mlflowDeleteRegisteredModel)
	ws("GET "+rm+"search", s.mlflowSearchRegisteredModels)
	ws("GET "+rm+"alias", s.mlflowGetModelVersionByAlias)
	ws("POST "+rm+"alias", s.mlflowSetModelAlias)
	ws("DELETE "+rm+"alias", s.mlflowDeleteModelAlias)

	// MLflow tracking (mlflow.go). Paths from databricks-sdk-go
	// service/ml/impl.go.
	ml := "/api/2.0/mlflow/"
	ws("POST "+ml+"experiments/create", s.createExperiment)
	ws("GET "+ml+"experiments/get", s.getExperiment)
	ws("GET "+ml+"experiments/get-by-name", s.getExperimentByName)
	// Experiment management (mlflow_experiment_admin.go).
	ws("POST "+ml+"experiments/update", s.updateExperiment)
	ws("POST "+ml+"experiments/delete", s.deleteExperiment)
	ws("POST "+ml+"experiments/restore", s.restoreExperiment)
	ws("POST "+ml+"experiments/set-experiment-tag", s.setExperimentTag)
	ws("POST "+ml+"experiments/search", s.searchExperiments)
	ws("GET "+ml+"experiments/search", s.searchExperiments)
	ws("POST "+ml+"runs/create", s.createRun)
	ws("GET "+ml+"runs/get", s.getRun)
	ws("POST "+ml+"runs/update", s.updateRun)
	ws("POST "+ml+"runs/search", s.searchRuns)
	ws("POST "+ml+"runs/log-metric", s.logMetric)
	ws("POST "+ml+"runs/log-parameter", s.logParam)
	ws("POST "+ml+"runs/set-tag", s.setRunTag)
	ws("POST "+ml+"runs/log-batch", s.logBatch)
	ws("GET "+ml+"metrics/get-history", s.getMetricHistory)
	// Jobs (jobs.go). The SDK calls 2.2; 2.1 is served for older clients.
	// Paths from databricks-sdk-go service/jobs/impl.go.
	for _, v := range []string{"2.1", "2.2"} {
		p := "/api/" + v + "/jobs/"
		ws("POST "+p+"create", s.createJob)
		ws("GET "+p+"get", s.getJob)
		ws("GET "+p+"list", s.listJobs)
		ws("POST "+p+"reset", s.resetJob)
		ws("POST "+p+"update", s.updateJob)
		ws("POST "+p+"delete", s.deleteJob)
		ws("POST "+p+"run-now", s.runNow)
		ws("GET "+p+"runs/get", s.getJobRun)
		ws("GET "+p+"runs/list", s.listJobRuns)
		ws("POST "+p+"runs/cancel", s.cancelJobRun)
		ws("POST "+p+"runs/cancel-all", s.cancelAllJobRuns)
		ws("POST "+p+"runs/delete", s.deleteJobRun)
	}

	// Model serving (serving_endpoints.go). Paths from databricks-sdk-go
	// service/serving/impl.go. Metrics answer Prometheus text, not JSON.
	se := "/api/2.0/serving-endpoints"
	ws("POST "+se, s.createServingEndpoint)
	ws("GET "+se, s.listServingEndpoints)
	ws("GET "+se+"/{name}", s.getServingEndpoint)
	ws("DELETE "+se+"/{name}", s.deleteServingEndpoint)
	ws("PUT "+se+"/{name}/config", s.updateServingEndpointConfig)
	ws("PATCH "+se+"/{name}/tags", s.patchServingEndpointTags)
	ws("PUT "+se+"/{name}/rate-limits", s.putServingEndpointRateLimits)
	ws("PUT "+se+"/{name}/ai-gateway", s.putServingEndpointAIGateway)
	s.Handle(core.FamilyWorkspace, "GET "+se+"/{name}/metrics", s.servingEndpointMetrics)
	// Querying an endpoint (serving_invocations.go): the scoring server's
	// bodies and the served-model-name header, so raw handlers. Path from
	// databricks-sdk-go service/serving/impl.go (servingEndpointsImpl.Query).
	s.Handle(core.FamilyWorkspace, "POST /serving-endpoints/{name}/invocations", s.invokeEndpoint)
	s.Handle(core.FamilyWorkspace, "POST /serving-endpoints/{name}/served-models/{served_model}/invocations", s.invokeServedModel)

	// Governed tags on securables (entity_tags.go).
	et := uc + "entity-tag-assignments"
	ws("POST "+et, s.createEntityTagAssignment)
	ws("GET "+et+"/{entity_type}/{entity_name}/tags", s.listEntityTagAssignments)
	ws("GET "+et+"/{entity_type}/{entity_name}/tags/{tag_key}", s.getEntityTagAssignment)
	ws("PATCH "+et+"/{entity_type}/{entity_name}/tags/{tag_key}", s.updateEntityTagAssignment)
	ws("DELETE "+et+"/{entity_type}/{entity_name}/tags/{tag_key}", s.deleteEntityTagAssignment)

	// Online tables (online_tables.go). Paths from databricks-sdk-go
	// service/catalog/impl.go (onlineTablesImpl).
	ws("POST /api/2.0/online-tables", s.createOnlineTable)
	ws("GET /api/2.0/online-tables/{name}", s.getOnlineTable)
	ws("DELETE /api/2.0/online-tables/{name}", s.deleteOnlineTable)

	// Quality monitors (quality_monitors.go). Paths from databricks-sdk-go
	// service/catalog/impl.go (qualityMonitorsImpl).
	qm := uc + "tables/{table_name}/monitor"
	ws("POST "+qm, s.createQualityMonitor)
	ws("GET "+qm, s.getQualityMonitor)
	ws("PUT "+qm, s.updateQualityMonitor)
	ws("DELETE "+qm, s.deleteQualityMonitor)
	ws("POST "+qm+"/refreshes", s.runMonitorRefresh)
	ws("GET "+qm+"/refreshes", s.listMonitorRefreshes)
	ws("GET "+qm+"/refreshes/{refresh_id}", s.getMonitorRefresh)
	ws("POST "+qm+"/refreshes/{refresh_id}/cancel", s.cancelMonitorRefresh)

	// Secrets (secrets.go). Paths from databricks-sdk-go
	// service/workspace/impl.go (secretsImpl).
	sec := "/api/2.0/secrets/"
	ws("POST "+sec+"scopes/create", s.createSecretScope)
	ws("GET "+sec+"scopes/list", s.listSecretScopes)
	ws("POST "+sec+"scopes/delete", s.deleteSecretScope)
	ws("POST "+sec+"put", s.putSecret)
	ws("GET "+sec+"get", s.getSecret)
	ws("GET "+sec+"list", s.listSecrets)
	ws("POST "+sec+"delete", s.deleteSecret)
	ws("POST "+sec+"acls/put", s.putSecretACL)
	ws("GET "+sec+"acls/get", s.getSecretACL)
	ws("GET "+sec+"acls/list", s.listSecretACLs)
	ws("POST "+sec+"acls/delete", s.deleteSecretACL)

	// Permissions (permissions.go). Paths from databricks-sdk-go
	// service/iam/impl.go (permissionsImpl); the object type may span two
	// segments (sql/warehouses), so the rest of the path is parsed there.
	perm := "/api/2.0/permissions/{object...}"
	ws("GET "+perm, s.getPermissions)
	ws("PUT "+perm, s.setPermissions)
	ws("PATCH "+perm, s.setPermissions)

	// SQL warehouses (sql_warehouses.go). Paths from databricks-sdk-go
	// service/sql/impl.go (warehousesImpl).
	wh := "/api/2.0/sql/warehouses"
	ws("POST "+wh, s.createWarehouse)
	ws("GET "+wh, s.listWarehouses)
	ws("GET "+wh+"/{id}", s.getWarehouse)
	ws("POST "+wh+"/{id}/edit", s.editWarehouse)
	ws("POST "+wh+"/{id}/start", s.startWarehouse)
	ws("POST "+wh+"/{id}/stop", s.stopWarehouse)
	ws("DELETE "+wh+"/{id}", s.deleteWarehouse)
	// Their legacy data sources (sql_data_sources.go).
	ws("GET /api/2.0/preview/sql/data_sources", s.listDataSources)
	// SQL Statement Execution over the table data (sql_statements.go).
	// Paths from databricks-sdk-go service/sql/impl.go
	// (statementExecutionImpl).
	st := "/api/2.0/sql/statements"
	ws("POST "+st, s.executeStatement)
	ws("GET "+st+"/{statement_id}", s.getStatement)
	ws("POST "+st+"/{statement_id}/cancel", s.cancelStatement)
	ws("GET "+st+"/{statement_id}/result/chunks/{chunk_index}", s.getStatementResultChunk)
	s.tableDataLifecycle()

	// Cluster policies (cluster_policies.go) and instance pools
	// (instance_pools.go). Paths from databricks-sdk-go
	// service/compute/impl.go.
	cp := "/api/2.0/policies/clusters/"
	ws("POST "+cp+"create", s.createClusterPolicy)
	ws("GET "+cp+"get", s.getClusterPolicy)
	ws("GET "+cp+"list", s.listClusterPolicies)
	ws("POST "+cp+"edit", s.editClusterPolicy)
	ws("POST "+cp+"delete", s.deleteClusterPolicy)
	ip := "/api/2.0/instance-pools/"
	ws("POST "+ip+"create", s.createInstancePool)
	ws("GET "+ip+"get", s.getInstancePool)
	ws("GET "+ip+"list", s.listInstancePools)
	ws("POST "+ip+"edit", s.editInstancePool)
	ws("POST "+ip+"delete", s.deleteInstancePool)

	// The workspace tree (workspace_objects.go) and git folders (repos.go).
	// Paths from databricks-sdk-go service/workspace/impl.go.
	wsp := "/api/2.0/workspace/"
	ws("POST "+wsp+"import", s.importObject)
	ws("GET "+wsp+"export", s.exportObject)
	ws("GET "+wsp+"get-status", s.getObjectStatus)
	ws("GET "+wsp+"list", s.listObjects)
	ws("POST "+wsp+"mkdirs", s.mkdirs)
	ws("POST "+wsp+"delete", s.deleteObject)
	ws("POST /api/2.0/repos", s.createGitFolder)
	ws("GET /api/2.0/repos", s.listGitFolders)
	ws("GET /api/2.0/repos/{id}", s.getGitFolder)
	ws("PATCH /api/2.0/repos/{id}", s.updateGitFolder)
	ws("DELETE /api/2.0/repos/{id}", s.deleteGitFolder)

	op := s.OperatorRoute
	// Drift statistics of monitor refreshes (quality_monitors.go).
	op("PUT /_emulator/monitors/{table_name}/drift", s.setMonitorDrift)
	op("GET /_emulator/monitors/{table_name}/refreshes/{refresh_id}/drift", s.getRefreshDrift)
	// Generated serving traffic and ground-truth labels (serving_traffic.go).
	op("POST /_emulator/serving-endpoints/{name}/traffic", s.generateTraffic)
	op("POST /_emulator/serving-endpoints/{name}/labels", s.postLabels)

}
