package emulator_test

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// The strict-shape test: every workspace route in the route table answers a
// valid request with a body whose every field exists, with its JSON type, in
// the databricks-sdk-go type the typed client decodes that call into
// (sdkshapes_test.go). Unknown fields are refused at any depth, so no
// invented or misspelled field survives. The SDK's types decode through
// their own UnmarshalJSON, which ignores unknown fields, so the check walks
// the JSON against the type by reflection instead of relying on
// json.Decoder.DisallowUnknownFields.
//
// Where the SDK has no typed call — the MLflow Unity Catalog registry paths
// under /api/2.0/mlflow/unity-catalog/ and host discovery — the answer is
// checked against the fields of the public API reference, written out in
// referenceResponseTypes below: MLflow's databricks_uc_registry_messages.proto
// (ModelVersion, RegisteredModel and the response wrappers) and
// databricks-sdk-go v0.175.0 config/host_metadata.go (HostMetadata).

// emptyBody is the shape of an answer the SDK does not decode: {}.
var emptyBody = reflect.TypeFor[struct{}]()

// Reference shapes (see above). Types are what the JSON carries: the MLflow
// REST API sends int64 timestamps as numbers and versions as strings.
type (
	refKeyValue struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	refAlias struct {
		Alias   string `json:"alias"`
		Version string `json:"version"`
	}
	refModelParam struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	refModelMetric struct {
		Key           string  `json:"key"`
		Value         float64 `json:"value"`
		Timestamp     int64   `json:"timestamp"`
		Step          int64   `json:"step"`
		DatasetName   string  `json:"dataset_name"`
		DatasetDigest string  `json:"dataset_digest"`
		ModelID       string  `json:"model_id"`
		RunID         string  `json:"run_id"`
	}
	refDeploymentJobState struct {
		JobID           string `json:"job_id"`
		RunID           string `json:"run_id"`
		JobState        string `json:"job_state"`
		RunState        string `json:"run_state"`
		CurrentTaskName string `json:"current_task_name"`
	}
	refModelVersion struct {
		Name                 string                 `json:"name"`
		Version              string                 `json:"version"`
		CreationTimestamp    int64                  `json:"creation_timestamp"`
		LastUpdatedTimestamp int64                  `json:"last_updated_timestamp"`
		UserID               string                 `json:"user_id"`
		Description          string                 `json:"description"`
		Source               string                 `json:"source"`
		RunID                string                 `json:"run_id"`
		RunExperimentID      string                 `json:"run_experiment_id"`
		RunTrackingServerID  string                 `json:"run_tracking_server_id"`
		Status               string                 `json:"status"`
		StatusMessage        string                 `json:"status_message"`
		StorageLocation      string                 `json:"storage_location"`
		Aliases              []refAlias             `json:"aliases"`
		Tags                 []refKeyValue          `json:"tags"`
		ModelID              string                 `json:"model_id"`
		ModelParams          []refModelParam        `json:"model_params"`
		ModelMetrics         []refModelMetric       `json:"model_metrics"`
		DeploymentJobState   *refDeploymentJobState `json:"deployment_job_state"`
	}
	refRegisteredModel struct {
		Name                 string        `json:"name"`
		CreationTimestamp    int64         `json:"creation_timestamp"`
		LastUpdatedTimestamp int64         `json:"last_updated_timestamp"`
		UserID               string        `json:"user_id"`
		Description          string        `json:"description"`
		Aliases              []refAlias    `json:"aliases"`
		Tags                 []refKeyValue `json:"tags"`
		DeploymentJobID      string        `json:"deployment_job_id"`
		DeploymentJobState   string        `json:"deployment_job_state"`
	}
	refModelVersionResponse struct {
		ModelVersion refModelVersion `json:"model_version"`
	}
	refRegisteredModelResponse struct {
		RegisteredModel refRegisteredModel `json:"registered_model"`
	}
	refHostMetadata struct {
		OIDCEndpoint                        string   `json:"oidc_endpoint"`
		AccountID                           string   `json:"account_id"`
		WorkspaceID                         string   `json:"workspace_id"`
		Cloud                               string   `json:"cloud"`
		HostType                            string   `json:"host_type"`
		TokenFederationDefaultOIDCAudiences []string `json:"token_federation_default_oidc_audiences"`
	}
)

var referenceResponseTypes = map[string]reflect.Type{
	"GET /.well-known/databricks-config":                             reflect.TypeFor[refHostMetadata](),
	"POST /api/2.0/mlflow/unity-catalog/model-versions/create":       reflect.TypeFor[refModelVersionResponse](),
	"POST /api/2.0/mlflow/unity-catalog/model-versions/finalize":     reflect.TypeFor[refModelVersionResponse](),
	"POST /api/2.0/mlflow/unity-catalog/model-versions/copy":         reflect.TypeFor[refModelVersionResponse](),
	"GET /api/2.0/mlflow/unity-catalog/model-versions/get":           reflect.TypeFor[refModelVersionResponse](),
	"PATCH /api/2.0/mlflow/unity-catalog/model-versions/update":      reflect.TypeFor[refModelVersionResponse](),
	"GET /api/2.0/mlflow/unity-catalog/registered-models/alias":      reflect.TypeFor[refModelVersionResponse](),
	"POST /api/2.0/mlflow/unity-catalog/registered-models/create":    reflect.TypeFor[refRegisteredModelResponse](),
	"GET /api/2.0/mlflow/unity-catalog/registered-models/get":        reflect.TypeFor[refRegisteredModelResponse](),
	"PATCH /api/2.0/mlflow/unity-catalog/registered-models/update":   reflect.TypeFor[refRegisteredModelResponse](),
	"DELETE /api/2.0/mlflow/unity-catalog/model-versions/delete":     emptyBody,
	"DELETE /api/2.0/mlflow/unity-catalog/registered-models/delete":  emptyBody,
	"POST /api/2.0/mlflow/unity-catalog/registered-models/alias":     emptyBody,
	"DELETE /api/2.0/mlflow/unity-catalog/registered-models/alias":   emptyBody,
	"POST /api/2.0/mlflow/unity-catalog/model-versions/tags":         emptyBody,
	"DELETE /api/2.0/mlflow/unity-catalog/model-versions/tags":       emptyBody,
	"POST /api/2.0/mlflow/unity-catalog/model-versions/set-tag":      emptyBody,
	"POST /api/2.0/mlflow/unity-catalog/model-versions/delete-tag":   emptyBody,
	"DELETE /api/2.0/mlflow/unity-catalog/model-versions/delete-tag": emptyBody,
	"GET /api/2.0/mlflow/unity-catalog/model-versions/get-download-uri": reflect.TypeFor[struct {
		ArtifactURI string `json:"artifact_uri"`
	}](),
	"GET /api/2.0/mlflow/unity-catalog/model-versions/search": reflect.TypeFor[struct {
		ModelVersions []refModelVersion `json:"model_versions"`
		NextPageToken string            `json:"next_page_token"`
	}](),
	"GET /api/2.0/mlflow/unity-catalog/registered-models/search": reflect.TypeFor[struct {
		RegisteredModels []refRegisteredModel `json:"registered_models"`
		NextPageToken    string               `json:"next_page_token"`
	}](),
}

// shapeStep is one valid request. {var} in path and body is replaced by a
// value an earlier step saved: save maps var to a dotted path in the answer.
type shapeStep struct {
	route, path, body string
	save              map[string]string
	// pending runs the step before the emulator's clock moves on, while
	// what the previous step started is still in progress.
	pending bool
}

// shapeSteps exercises every workspace route with a valid request, in an
// order that creates what later steps use.
func shapeSteps() []shapeStep {
	const (
		spec   = `"spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2"`
		uc     = "/api/2.1/unity-catalog/"
		mv     = "/api/2.0/mlflow/unity-catalog/model-versions/"
		rm     = "/api/2.0/mlflow/unity-catalog/registered-models/"
		ml     = "/api/2.0/mlflow/"
		se     = "/api/2.0/serving-endpoints"
		mon    = uc + "tables/shapes.data.inference/monitor"
		tagged = uc + "entity-tag-assignments/catalogs/shapes/tags"
	)
	steps := []shapeStep{
		{route: "GET /.well-known/databricks-config", path: "/.well-known/databricks-config"},
		{route: "GET /api/2.0/preview/scim/v2/Me", path: "/api/2.0/preview/scim/v2/Me"},
	}
	for _, v := range []string{"2.0", "2.1"} {
		p := "/api/" + v + "/clusters/"
		r := func(m, name string) string { return m + " " + p + name }
		steps = append(steps,
			shapeStep{route: r("GET", "spark-versions"), path: p + "spark-versions"},
			shapeStep{route: r("GET", "list-node-types"), path: p + "list-node-types"},
			shapeStep{route: r("POST", "create"), path: p + "create", body: `{"cluster_name":"shapes",` + spec + `,"autoscale":{"min_workers":1,"max_workers":2},"custom_tags":{"a":"b"}}`, save: map[string]string{"cluster": "cluster_id"}},
			shapeStep{route: r("GET", "get"), path: p + "get?cluster_id={cluster}"},
			shapeStep{route: r("GET", "list"), path: p + "list?filter_by.is_pinned=false"},
			shapeStep{route: r("POST", "edit"), path: p + "edit", body: `{"cluster_id":"{cluster}","cluster_name":"shapes",` + spec + `,"num_workers":1}`},
			shapeStep{route: r("POST", "resize"), path: p + "resize", body: `{"cluster_id":"{cluster}","num_workers":2}`},
			shapeStep{route: r("POST", "restart"), path: p + "restart", body: `{"cluster_id":"{cluster}"}`},
			shapeStep{route: r("POST", "pin"), path: p + "pin", body: `{"cluster_id":"{cluster}"}`},
			shapeStep{route: r("POST", "unpin"), path: p + "unpin", body: `{"cluster_id":"{cluster}"}`},
			shapeStep{route: r("POST", "events"), path: p + "events", body: `{"cluster_id":"{cluster}","limit":2}`},
			shapeStep{route: r("POST", "delete"), path: p + "delete", body: `{"cluster_id":"{cluster}"}`},
			shapeStep{route: r("POST", "start"), path: p + "start", body: `{"cluster_id":"{cluster}"}`},
		)
	}
	lib := "/api/2.0/libraries/"
	steps = append(steps,
		shapeStep{route: "POST " + lib + "install", path: lib + "install", body: `{"cluster_id":"{cluster}","libraries":[{"pypi":{"package":"xgboost"}},{"maven":{"coordinates":"a:b:1"}}]}`},
		shapeStep{route: "GET " + lib + "cluster-status", path: lib + "cluster-status?cluster_id={cluster}"},
		shapeStep{route: "POST " + lib + "uninstall", path: lib + "uninstall", body: `{"cluster_id":"{cluster}","libraries":[{"pypi":{"package":"xgboost"}}]}`},
		shapeStep{route: "GET " + lib + "all-cluster-statuses", path: lib + "all-cluster-statuses"},

		shapeStep{route: "GET " + uc + "current-metastore-assignment", path: uc + "current-metastore-assignment"},
		shapeStep{route: "GET " + uc + "metastore_summary", path: uc + "metastore_summary"},
		shapeStep{route: "POST " + uc + "catalogs", path: uc + "catalogs", body: `{"name":"shapes","comment":"c","properties":{"k":"v"}}`},
		shapeStep{route: "GET " + uc + "catalogs", path: uc + "catalogs"},
		shapeStep{route: "GET " + uc + "catalogs/{name}", path: uc + "catalogs/shapes"},
		shapeStep{route: "PATCH " + uc + "catalogs/{name}", path: uc + "catalogs/shapes", body: `{"comment":"d"}`},
		shapeStep{route: "PATCH " + uc + "workspace-bindings/catalogs/{name}", path: uc + "workspace-bindings/catalogs/shapes", body: `{"assign_workspaces":[1234567890123456]}`},
		shapeStep{route: "GET " + uc + "workspace-bindings/catalogs/{name}", path: uc + "workspace-bindings/catalogs/shapes"},
		shapeStep{route: "PATCH " + uc + "bindings/{securable_type}/{securable_name}", path: uc + "bindings/catalog/shapes", body: `{"add":[{"workspace_id":42,"binding_type":"BINDING_TYPE_READ_ONLY"}]}`},
		shapeStep{route: "GET " + uc + "bindings/{securable_type}/{securable_name}", path: uc + "bindings/catalog/shapes"},
		shapeStep{route: "POST " + uc + "schemas", path: uc + "schemas", body: `{"name":"data","catalog_name":"shapes","comment":"c"}`},
		shapeStep{route: "GET " + uc + "schemas", path: uc + "schemas?catalog_name=shapes"},
		shapeStep{route: "GET " + uc + "schemas/{full_name}", path: uc + "schemas/shapes.data"},
		shapeStep{route: "PATCH " + uc + "schemas/{full_name}", path: uc + "schemas/shapes.data", body: `{"comment":"d"}`},
		shapeStep{route: "PATCH " + uc + "permissions/{securable_type}/{full_name}", path: uc + "permissions/schema/shapes.data", body: `{"changes":[{"principal":"ds","add":["USE_SCHEMA"]}]}`},
		shapeStep{route: "GET " + uc + "permissions/{securable_type}/{full_name}", path: uc + "permissions/schema/shapes.data"},
		shapeStep{route: "POST " + uc + "tables", path: uc + "tables", body: `{"catalog_name":"shapes","schema_name":"data","name":"inference","table_type":"MANAGED","data_source_format":"DELTA","columns":[{"name":"ts","type_name":"TIMESTAMP","type_text":"timestamp","position":0},{"name":"id","type_name":"LONG","type_text":"bigint","position":1,"nullable":false},{"name":"prediction","type_name":"DOUBLE","type_text":"double","position":2},{"name":"model_id","type_name":"STRING","type_text":"string","position":3}]}`},
		shapeStep{route: "GET " + uc + "tables", path: uc + "tables?catalog_name=shapes&schema_name=data"},
		shapeStep{route: "GET " + uc + "tables/{full_name}", path: uc + "tables/shapes.data.inference"},
		shapeStep{route: "GET " + uc + "tables/{full_name}/exists", path: uc + "tables/shapes.data.inference/exists"},
		shapeStep{route: "POST " + uc + "constraints", path: uc + "constraints", body: `{"full_name_arg":"shapes.data.inference","constraint":{"primary_key_constraint":{"name":"pk","child_columns":["id"]}}}`},

		shapeStep{route: "POST " + uc + "entity-tag-assignments", path: uc + "entity-tag-assignments", body: `{"entity_type":"catalogs","entity_name":"shapes","tag_key":"owner","tag_value":"ml"}`},
		shapeStep{route: "GET " + uc + "entity-tag-assignments/{entity_type}/{entity_name}/tags", path: tagged},
		shapeStep{route: "GET " + uc + "entity-tag-assignments/{entity_type}/{entity_name}/tags/{tag_key}", path: tagged + "/owner"},
		shapeStep{route: "PATCH " + uc + "entity-tag-assignments/{entity_type}/{entity_name}/tags/{tag_key}", path: tagged + "/owner?update_mask=tag_value", body: `{"entity_type":"catalogs","entity_name":"shapes","tag_key":"owner","tag_value":"ops"}`},
		shapeStep{route: "DELETE " + uc + "entity-tag-assignments/{entity_type}/{entity_name}/tags/{tag_key}", path: tagged + "/owner"},

		shapeStep{route: "POST " + uc + "models", path: uc + "models", body: `{"catalog_name":"shapes","schema_name":"data","name":"churn","comment":"c"}`},
		shapeStep{route: "GET " + uc + "models", path: uc + "models?catalog_name=shapes&schema_name=data"},
		shapeStep{route: "GET " + uc + "models/{full_name}", path: uc + "models/shapes.data.churn?include_aliases=true"},
		shapeStep{route: "PATCH " + uc + "models/{full_name}", path: uc + "models/shapes.data.churn", body: `{"comment":"d"}`},
		shapeStep{route: "POST " + ml + "experiments/create", path: ml + "experiments/create", body: `{"name":"/Shared/shapes"}`, save: map[string]string{"experiment": "experiment_id"}},
		shapeStep{route: "GET " + ml + "experiments/get", path: ml + "experiments/get?experiment_id={experiment}"},
		shapeStep{route: "GET " + ml + "experiments/get-by-name", path: ml + "experiments/get-by-name?experiment_name=/Shared/shapes"},
		shapeStep{route: "POST " + ml + "experiments/search", path: ml + "experiments/search", body: `{"filter":"name LIKE '/Shared/%'"}`},
		shapeStep{route: "GET " + ml + "experiments/search", path: ml + "experiments/search?max_results=10"},
		shapeStep{route: "POST " + ml + "runs/create", path: ml + "runs/create", body: `{"experiment_id":"{experiment}","run_name":"train"}`, save: map[string]string{"run": "run.info.run_id"}},
		shapeStep{route: "GET " + ml + "runs/get", path: ml + "runs/get?run_id={run}"},
		shapeStep{route: "POST " + ml + "runs/log-metric", path: ml + "runs/log-metric", body: `{"run_id":"{run}","key":"auc","value":0.9,"timestamp":1,"step":1}`},
		shapeStep{route: "POST " + ml + "runs/log-parameter", path: ml + "runs/log-parameter", body: `{"run_id":"{run}","key":"depth","value":"3"}`},
		shapeStep{route: "POST " + ml + "runs/set-tag", path: ml + "runs/set-tag", body: `{"run_id":"{run}","key":"team","value":"ml"}`},
		shapeStep{route: "POST " + ml + "runs/log-batch", path: ml + "runs/log-batch", body: `{"run_id":"{run}","metrics":[{"key":"loss","value":0.1,"timestamp":1,"step":1}]}`},
		shapeStep{route: "POST " + ml + "runs/update", path: ml + "runs/update", body: `{"run_id":"{run}","status":"FINISHED","end_time":2}`},
		shapeStep{route: "POST " + ml + "runs/search", path: ml + "runs/search", body: `{"experiment_ids":["{experiment}"]}`},
		shapeStep{route: "GET " + ml + "metrics/get-history", path: ml + "metrics/get-history?run_id={run}&metric_key=auc"},

		shapeStep{route: "POST " + rm + "create", path: rm + "create", body: `{"name":"shapes.data.fraud","description":"d"}`},
		shapeStep{route: "GET " + rm + "get", path: rm + "get?name=shapes.data.fraud"},
		shapeStep{route: "PATCH " + rm + "update", path: rm + "update", body: `{"name":"shapes.data.fraud","description":"e"}`},
		shapeStep{route: "GET " + rm + "search", path: rm + "search"},
		shapeStep{route: "POST " + mv + "create", path: mv + "create", body: `{"name":"shapes.data.churn","source":"dbfs:/models/churn","run_id":"{run}"}`},
		shapeStep{route: "POST " + mv + "finalize", path: mv + "finalize", body: `{"name":"shapes.data.churn","version":"1"}`},
		shapeStep{route: "GET " + mv + "get", path: mv + "get?name=shapes.data.churn&version=1"},
		shapeStep{route: "GET " + mv + "search", path: mv + "search?filter=" + urlQuery("name='shapes.data.churn'")},
		shapeStep{route: "GET " + mv + "get-download-uri", path: mv + "get-download-uri?name=shapes.data.churn&version=1"},
		shapeStep{route: "PATCH " + mv + "update", path: mv + "update", body: `{"name":"shapes.data.churn","version":"1","description":"d"}`},
		shapeStep{route: "POST " + mv + "tags", path: mv + "tags", body: `{"name":"shapes.data.churn","version":"1","key":"k","value":"v"}`},
		shapeStep{route: "DELETE " + mv + "tags", path: mv + "tags?name=shapes.data.churn&version=1&key=k"},
		shapeStep{route: "POST " + mv + "set-tag", path: mv + "set-tag", body: `{"name":"shapes.data.churn","version":"1","key":"k","value":"v"}`},
		shapeStep{route: "POST " + mv + "delete-tag", path: mv + "delete-tag", body: `{"name":"shapes.data.churn","version":"1","key":"k"}`},
		shapeStep{route: "POST " + mv + "set-tag", path: mv + "set-tag", body: `{"name":"shapes.data.churn","version":"1","key":"k","value":"v"}`},
		shapeStep{route: "DELETE " + mv + "delete-tag", path: mv + "delete-tag?name=shapes.data.churn&version=1&key=k"},
		shapeStep{route: "POST " + rm + "alias", path: rm + "alias", body: `{"name":"shapes.data.churn","alias":"champion","version":"1"}`},
		shapeStep{route: "GET " + rm + "alias", path: rm + "alias?name=shapes.data.churn&alias=champion"},
		shapeStep{route: "DELETE " + rm + "alias", path: rm + "alias?name=shapes.data.churn&alias=champion"},
		shapeStep{route: "POST " + mv + "copy", path: mv + "copy", body: `{"src_model_uri":"models:/shapes.data.churn/1","name":"shapes.data.fraud"}`},
		shapeStep{route: "DELETE " + mv + "delete", path: mv + "delete?name=shapes.data.fraud&version=1"},
		shapeStep{route: "DELETE " + rm + "delete", path: rm + "delete?name=shapes.data.fraud"},

		shapeStep{route: "PUT " + uc + "models/{full_name}/aliases/{alias}", path: uc + "models/shapes.data.churn/aliases/champion", body: `{"version_num":1}`},
		shapeStep{route: "GET " + uc + "models/{full_name}/aliases/{alias}", path: uc + "models/shapes.data.churn/aliases/champion"},
		shapeStep{route: "DELETE " + uc + "models/{full_name}/aliases/{alias}", path: uc + "models/shapes.data.churn/aliases/champion"},
		shapeStep{route: "GET " + uc + "models/{full_name}/versions", path: uc + "models/shapes.data.churn/versions"},
		shapeStep{route: "GET " + uc + "models/{full_name}/versions/{version}", path: uc + "models/shapes.data.churn/versions/1"},
		shapeStep{route: "PATCH " + uc + "models/{full_name}/versions/{version}", path: uc + "models/shapes.data.churn/versions/1", body: `{"comment":"e"}`},

		shapeStep{route: "POST " + se, path: se, body: `{"name":"shapes","config":{"served_entities":[{"name":"churn-1","entity_name":"shapes.data.churn","entity_version":"1","workload_size":"Small","scale_to_zero_enabled":true}]}}`},
		shapeStep{route: "GET " + se, path: se},
		shapeStep{route: "GET " + se + "/{name}", path: se + "/shapes"},
		shapeStep{route: "PUT " + se + "/{name}/config", path: se + "/shapes/config", body: `{"served_entities":[{"name":"churn-1","entity_name":"shapes.data.churn","entity_version":"1","workload_size":"Medium","scale_to_zero_enabled":false}]}`},
		shapeStep{route: "PATCH " + se + "/{name}/tags", path: se + "/shapes/tags", body: `{"add_tags":[{"key":"team","value":"ml"}]}`},
		shapeStep{route: "PUT " + se + "/{name}/rate-limits", path: se + "/shapes/rate-limits", body: `{"rate_limits":[{"calls":10,"renewal_period":"minute","key":"endpoint"}]}`},
		shapeStep{route: "PUT " + se + "/{name}/ai-gateway", path: se + "/shapes/ai-gateway", body: `{"usage_tracking_config":{"enabled":true}}`},
		shapeStep{route: "POST /serving-endpoints/{name}/invocations", path: "/serving-endpoints/shapes/invocations", body: `{"dataframe_records":[{"x":1,"y":"a"}]}`},
		shapeStep{route: "POST /serving-endpoints/{name}/served-models/{served_model}/invocations", path: "/serving-endpoints/shapes/served-models/churn-1/invocations", body: `{"inputs":{"x":[1,2]}}`},
		// Metrics are Prometheus text (serving.ExportMetricsResponse holds
		// the raw body), checked in textResponseRoutes.
		shapeStep{route: "GET " + se + "/{name}/metrics", path: se + "/shapes/metrics"},
		shapeStep{route: "DELETE " + se + "/{name}", path: se + "/shapes"},

		shapeStep{route: "POST /api/2.0/online-tables", path: "/api/2.0/online-tables", body: `{"name":"shapes.data.inference_online","spec":{"source_table_full_name":"shapes.data.inference","primary_key_columns":["id"],"run_triggered":{}}}`},
		shapeStep{route: "GET /api/2.0/online-tables/{name}", path: "/api/2.0/online-tables/shapes.data.inference_online"},
		shapeStep{route: "DELETE /api/2.0/online-tables/{name}", path: "/api/2.0/online-tables/shapes.data.inference_online"},

		shapeStep{route: "POST " + uc + "tables/{table_name}/monitor", path: mon, body: `{"assets_dir":"/Shared/shapes","output_schema_name":"shapes.data","inference_log":{"granularities":["1 day"],"timestamp_col":"ts","model_id_col":"model_id","prediction_col":"prediction","problem_type":"PROBLEM_TYPE_REGRESSION"}}`},
		shapeStep{route: "GET " + uc + "tables/{table_name}/monitor", path: mon},
		shapeStep{route: "PUT " + uc + "tables/{table_name}/monitor", path: mon, body: `{"output_schema_name":"shapes.data","inference_log":{"granularities":["1 day"],"timestamp_col":"ts","model_id_col":"model_id","prediction_col":"prediction","problem_type":"PROBLEM_TYPE_REGRESSION"}}`},
		shapeStep{route: "POST " + uc + "tables/{table_name}/monitor/refreshes", path: mon + "/refreshes", save: map[string]string{"refresh": "refresh_id"}},
		shapeStep{route: "POST " + uc + "tables/{table_name}/monitor/refreshes/{refresh_id}/cancel", path: mon + "/refreshes/{refresh}/cancel", pending: true},
		shapeStep{route: "GET " + uc + "tables/{table_name}/monitor/refreshes", path: mon + "/refreshes"},
		shapeStep{route: "GET " + uc + "tables/{table_name}/monitor/refreshes/{refresh_id}", path: mon + "/refreshes/{refresh}"},
		shapeStep{route: "DELETE " + uc + "tables/{table_name}/monitor", path: mon},
	)
	sec := "/api/2.0/secrets/"
	steps = append(steps,
		shapeStep{route: "POST " + sec + "scopes/create", path: sec + "scopes/create", body: `{"scope":"shapes"}`},
		shapeStep{route: "GET " + sec + "scopes/list", path: sec + "scopes/list"},
		shapeStep{route: "POST " + sec + "put", path: sec + "put", body: `{"scope":"shapes","key":"k","string_value":"v"}`},
		shapeStep{route: "GET " + sec + "list", path: sec + "list?scope=shapes"},
		shapeStep{route: "GET " + sec + "get", path: sec + "get?scope=shapes&key=k"},
		shapeStep{route: "POST " + sec + "acls/put", path: sec + "acls/put", body: `{"scope":"shapes","principal":"users","permission":"READ"}`},
		shapeStep{route: "GET " + sec + "acls/list", path: sec + "acls/list?scope=shapes"},
		shapeStep{route: "GET " + sec + "acls/get", path: sec + "acls/get?scope=shapes&principal=users"},
		shapeStep{route: "POST " + sec + "acls/delete", path: sec + "acls/delete", body: `{"scope":"shapes","principal":"users"}`},
		shapeStep{route: "POST " + sec + "delete", path: sec + "delete", body: `{"scope":"shapes","key":"k"}`},
		shapeStep{route: "POST " + sec + "scopes/delete", path: sec + "scopes/delete", body: `{"scope":"shapes"}`},
	)
	for _, v := range []string{"2.1", "2.2"} {
		p := "/api/" + v + "/jobs/"
		r := func(m, name string) string { return m + " " + p + name }
		task := `{"task_key":"train","notebook_task":{"notebook_path":"/Shared/train"},"new_cluster":{` + spec + `,"num_workers":1}}`
		steps = append(steps,
			shapeStep{route: r("POST", "create"), path: p + "create", body: `{"name":"shapes","tasks":[` + task + `],"schedule":{"quartz_cron_expression":"0 0 3 * * ?","timezone_id":"UTC"}}`, save: map[string]string{"job": "job_id"}},
			shapeStep{route: r("GET", "get"), path: p + "get?job_id={job}"},
			shapeStep{route: r("GET", "list"), path: p + "list?expand_tasks=true"},
			shapeStep{route: r("POST", "update"), path: p + "update", body: `{"job_id":{job},"new_settings":{"max_concurrent_runs":2}}`},
			shapeStep{route: r("POST", "reset"), path: p + "reset", body: `{"job_id":{job},"new_settings":{"name":"shapes","max_concurrent_runs":3,"tasks":[` + task + `]}}`},
			shapeStep{route: r("POST", "run-now"), path: p + "run-now", body: `{"job_id":{job}}`, save: map[string]string{"jobrun": "run_id"}},
			shapeStep{route: r("GET", "runs/get"), path: p + "runs/get?run_id={jobrun}"},
			shapeStep{route: r("GET", "runs/list"), path: p + "runs/list?job_id={job}"},
			shapeStep{route: r("POST", "runs/cancel"), path: p + "runs/cancel", body: `{"run_id":{jobrun}}`},
			shapeStep{route: r("POST", "runs/cancel-all"), path: p + "runs/cancel-all", body: `{"job_id":{job}}`},
			shapeStep{route: r("POST", "runs/delete"), path: p + "runs/delete", body: `{"run_id":{jobrun}}`},
			shapeStep{route: r("POST", "delete"), path: p + "delete", body: `{"job_id":{job}}`},
		)
	}
	steps = append(steps, stackShapeSteps()...)
	// Deletions last, children first.
	for _, v := range []string{"2.0", "2.1"} {
		steps = append(steps, shapeStep{route: "POST /api/" + v + "/clusters/permanent-delete", path: "/api/" + v + "/clusters/permanent-delete", body: `{"cluster_id":"{cluster}"}`})
		if v == "2.0" {
			// The 2.1 delete needs a cluster of its own.
			steps = append(steps, shapeStep{route: "POST /api/2.1/clusters/create", path: "/api/2.1/clusters/create", body: `{` + spec + `,"num_workers":0}`, save: map[string]string{"cluster": "cluster_id"}})
		}
	}
	return append(steps,
		shapeStep{route: "DELETE " + uc + "models/{full_name}/versions/{version}", path: uc + "models/shapes.data.churn/versions/1"},
		shapeStep{route: "DELETE " + uc + "models/{full_name}", path: uc + "models/shapes.data.churn"},
		shapeStep{route: "DELETE " + uc + "constraints/{full_name}", path: uc + "constraints/shapes.data.inference?constraint_name=pk&cascade=false"},
		shapeStep{route: "DELETE " + uc + "tables/{full_name}", path: uc + "tables/shapes.data.inference"},
		shapeStep{route: "DELETE " + uc + "schemas/{full_name}", path: uc + "schemas/shapes.data?force=true"},
		shapeStep{route: "DELETE " + uc + "catalogs/{name}", path: uc + "catalogs/shapes?force=true"},
	)
}

func urlQuery(s string) string {
	return strings.NewReplacer(" ", "%20", "'", "%27", "=", "%3D").Replace(s)
}

var stepVar = regexp.MustCompile(`\{(cluster|experiment|run|job|jobrun|refresh|warehouse|statement|policy|pool|exp|repo|user|group|sp)\}`)

// textResponseRoutes answer text, not JSON: the SDK hands the body over raw.
var textResponseRoutes = map[string]string{
	"GET /api/2.0/serving-endpoints/{name}/metrics": "# TYPE ",
}

func TestShapes_everyWorkspaceRouteAnswersInTheSDKType(t *testing.T) {
	// Asynchronous transitions take an hour of a clock that each step
	// moves on by two, so a step sees the previous one settled unless it
	// is marked pending.
	clock := emulatortest.NewClock()
	emu := emulatortest.Start(t, emulatortest.WithClock(clock.Now), emulatortest.WithAsyncDelay(time.Hour))
	vars := map[string]string{}
	exercised := map[string]bool{}
	for i, st := range shapeSteps() {
		if !st.pending {
			clock.Advance(2 * time.Hour)
		}
		expand := func(s string) string {
			return stepVar.ReplaceAllStringFunc(s, func(m string) string { return vars[m[1:len(m)-1]] })
		}
		method, _, _ := strings.Cut(st.route, " ")
		status, raw := rawRequest(t, method, emu.URL+expand(st.path), "Bearer "+emu.Token, expand(st.body))
		if status != 200 {
			t.Errorf("step %d %s %s: %d %.400s", i, method, expand(st.path), status, raw)
			continue
		}
		exercised[st.route] = true
		if prefix, ok := textResponseRoutes[st.route]; ok {
			if !strings.Contains(raw, prefix) {
				t.Errorf("%s: not Prometheus text: %.200s", st.route, raw)
			}
			continue
		}
		typ, ok := sdkResponseTypes[st.route]
		if !ok {
			typ, ok = referenceResponseTypes[st.route]
		}
		if !ok {
			t.Errorf("%s: no SDK or reference type to check the answer against", st.route)
			continue
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			t.Errorf("%s: answer is not JSON: %v", st.route, err)
			continue
		}
		for _, p := range shapeProblems(doc, typ, "") {
			t.Errorf("%s: %s (type %s)", st.route, p, typ)
		}
		for name, field := range st.save {
			v := doc
			for _, k := range strings.Split(field, ".") {
				m, _ := v.(map[string]any)
				v = m[k]
			}
			if v == nil {
				t.Fatalf("%s: answer has no %s to save: %.300s", st.route, field, raw)
			}
			vars[name] = fmt.Sprint(v)
		}
	}
	var missing []string
	for _, r := range routeTable(t, emu.Server) {
		if r.Family == "workspace" && !exercised[r.Pattern] {
			missing = append(missing, r.Pattern)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("workspace routes without a valid request in shapeSteps: %s", strings.Join(missing, "; "))
	}
}

// shapeProblems lists the fields of doc that typ does not have, or whose
// JSON type does not fit, at any depth.
func shapeProblems(doc any, typ reflect.Type, path string) []string {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if doc == nil {
		return nil
	}
	if typ == reflect.TypeFor[json.RawMessage]() || typ.Kind() == reflect.Interface {
		return nil
	}
	if typ.Kind() == reflect.Struct && len(jsonFields(typ)) == 0 && (reflect.PointerTo(typ).Implements(reflect.TypeFor[json.Unmarshaler]()) ||
		reflect.PointerTo(typ).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())) {
		// Opaque values (time.Time, the SDK's time and duration types)
		// are judged by their own decoder.
		raw, _ := json.Marshal(doc)
		if err := json.Unmarshal(raw, reflect.New(typ).Interface()); err != nil {
			return []string{fmt.Sprintf("%s: %s does not decode as %s: %v", cmpPath(path), raw, typ, err)}
		}
		return nil
	}
	bad := func(want string) []string {
		return []string{fmt.Sprintf("%s: %T where the type has %s", cmpPath(path), doc, want)}
	}
	switch typ.Kind() {
	case reflect.Struct:
		obj, ok := doc.(map[string]any)
		if !ok {
			return bad("an object")
		}
		fields := jsonFields(typ)
		var out []string
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			ft, ok := fields[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s: unknown field", cmpPath(path+"."+k)))
				continue
			}
			out = append(out, shapeProblems(obj[k], ft, path+"."+k)...)
		}
		return out
	case reflect.Map:
		obj, ok := doc.(map[string]any)
		if !ok {
			return bad("a map")
		}
		var out []string
		for k, v := range obj {
			out = append(out, shapeProblems(v, typ.Elem(), path+"."+k)...)
		}
		return out
	case reflect.Slice, reflect.Array:
		arr, ok := doc.([]any)
		if !ok {
			return bad("a list")
		}
		var out []string
		for i, v := range arr {
			out = append(out, shapeProblems(v, typ.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case reflect.String:
		if _, ok := doc.(string); !ok {
			return bad("a string")
		}
	case reflect.Bool:
		if _, ok := doc.(bool); !ok {
			return bad("a bool")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := doc.(json.Number)
		if !ok {
			return bad("an integer")
		}
		if _, err := n.Int64(); err != nil {
			return bad("an integer")
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := doc.(json.Number); !ok {
			return bad("a number")
		}
	}
	return nil
}

func cmpPath(p string) string {
	if p == "" {
		return "(body)"
	}
	return strings.TrimPrefix(p, ".")
}

// jsonFields maps a struct's JSON names to their types, embedded structs
// flattened, fields tagged "-" left out.
func jsonFields(typ reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range jsonFields(ft) {
				out[k] = v
			}
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
