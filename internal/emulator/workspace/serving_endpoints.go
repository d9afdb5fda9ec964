package workspace

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Model serving endpoints: /api/2.0/serving-endpoints. Paths, fields and
// enums follow databricks-sdk-go service/serving (impl.go;
// CreateServingEndpoint, EndpointCoreConfigInput, ServedEntityInput,
// ServingEndpointDetailed, EndpointState, EndpointPendingConfig,
// TrafficConfig, AutoCaptureConfigInput/Output, PatchServingEndpointTags,
// PutRequest/RateLimit).
//
// Lifecycle. Create and PUT .../config record the requested config as
// pending_config with state.config_update IN_PROGRESS; after
// Options.AsyncDelay the deployment resolves, applied by the first request
// that touches the endpoint:
//   - every served entity names a Unity Catalog model version that exists
//     and is READY: the pending config becomes the active config
//     (config_version + 1), state {READY, NOT_UPDATING}, and with
//     auto_capture_config enabled the inference table
//     <catalog>.<schema>.<prefix>_payload is created in Unity Catalog;
//   - otherwise: state.config_update UPDATE_FAILED, the failing entities of
//     pending_config are DEPLOYMENT_FAILED with a deployment_state_message
//     saying why, and the endpoint keeps serving its previous config (ready
//     stays NOT_READY for an endpoint that never had one).
// A config update while one is IN_PROGRESS is refused (409
// RESOURCE_CONFLICT). Tags and rate limits change without a deployment.

const ServingBucket = "serving_endpoints"

// Endpoint states (serving.EndpointStateReady, EndpointStateConfigUpdate,
// ServedModelStateDeployment).
const (
	endpointReady        = "READY"
	endpointNotReady     = "NOT_READY"
	configInProgress     = "IN_PROGRESS"
	configNotUpdating    = "NOT_UPDATING"
	configUpdateFailed   = "UPDATE_FAILED"
	deploymentCreating   = "DEPLOYMENT_CREATING"
	deploymentReady      = "DEPLOYMENT_READY"
	deploymentFailed     = "DEPLOYMENT_FAILED"
	deploymentAborted    = "DEPLOYMENT_ABORTED"
	InferenceTableSuffix = "_payload"
)

var (
	workloadSizes = []string{"Small", "Medium", "Large"}
	// serving.ServingModelWorkloadType.
	workloadTypes = []string{"CPU", "GPU_SMALL", "GPU_MEDIUM", "GPU_LARGE", "MULTIGPU_MEDIUM"}
	// Endpoint and served entity names: alphanumerics, dashes, underscores.
	servingNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

type servedEntityState struct {
	Deployment             string `json:"deployment"`
	DeploymentStateMessage string `json:"deployment_state_message,omitempty"`
}

type servedEntity struct {
	Name                      string             `json:"name"`
	EntityName                string             `json:"entity_name"`
	EntityVersion             string             `json:"entity_version,omitempty"`
	WorkloadSize              string             `json:"workload_size,omitempty"`
	WorkloadType              string             `json:"workload_type,omitempty"`
	ScaleToZeroEnabled        bool               `json:"scale_to_zero_enabled"`
	MinProvisionedConcurrency int                `json:"min_provisioned_concurrency,omitempty"`
	MaxProvisionedConcurrency int                `json:"max_provisioned_concurrency,omitempty"`
	EnvironmentVars           map[string]string  `json:"environment_vars,omitempty"`
	Creator                   string             `json:"creator,omitempty"`
	CreationTimestamp         int64              `json:"creation_timestamp,omitempty"`
	State                     *servedEntityState `json:"state,omitempty"`
}

type trafficRoute struct {
	ServedEntityName  string `json:"served_entity_name,omitempty"`
	ServedModelName   string `json:"served_model_name,omitempty"`
	TrafficPercentage int    `json:"traffic_percentage"`
}

type trafficConfig struct {
	Routes []trafficRoute `json:"routes"`
}

type payloadTable struct {
	Name          string `json:"name"`
	Status        string `json:"status,omitempty"`
	StatusMessage string `json:"status_message,omitempty"`
}

type autoCaptureConfig struct {
	CatalogName     string `json:"catalog_name,omitempty"`
	SchemaName      string `json:"schema_name,omitempty"`
	TableNamePrefix string `json:"table_name_prefix,omitempty"`
	Enabled         bool   `json:"enabled"`
	State           *struct {
		PayloadTable *payloadTable `json:"payload_table,omitempty"`
	} `json:"state,omitempty"`
}

// EndpointConfig is an active or pending config.
type EndpointConfig struct {
	ConfigVersion     int                `json:"config_version"`
	ServedEntities    []servedEntity     `json:"served_entities"`
	TrafficConfig     *trafficConfig     `json:"traffic_config,omitempty"`
	AutoCaptureConfig *autoCaptureConfig `json:"auto_capture_config,omitempty"`
	StartTime         int64              `json:"start_time,omitempty"`
}

type endpointTag struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

type rateLimit struct {
	Calls         int64  `json:"calls"`
	Key           string `json:"key,omitempty"`
	RenewalPeriod string `json:"renewal_period"`
}

type endpointState struct {
	Ready        string `json:"ready"`
	ConfigUpdate string `json:"config_update"`
}

// ServingEndpoint is the stored document and, without ResolveAt, the
// detailed answer (serving.ServingEndpointDetailed).
type ServingEndpoint struct {
	ID                   string           `json:"id"`
	Name                 string           `json:"name"`
	Creator              string           `json:"creator"`
	CreationTimestamp    int64            `json:"creation_timestamp"`
	LastUpdatedTimestamp int64            `json:"last_updated_timestamp"`
	Description          string           `json:"description,omitempty"`
	Tags                 []endpointTag    `json:"tags,omitempty"`
	Config               *EndpointConfig  `json:"config,omitempty"`
	PendingConfig        *EndpointConfig  `json:"pending_config,omitempty"`
	State                endpointState    `json:"state"`
	RouteOptimized       bool             `json:"route_optimized,omitempty"`
	RateLimits           []rateLimit      `json:"rate_limits,omitempty"`
	AIGateway            *aiGatewayConfig `json:"ai_gateway,omitempty"`
	PermissionLevel      string           `json:"permission_level"`
	// ResolveAt is when the pending deployment resolves, ServingSince when
	// the active config went live (unix ms). Not part of the answer.
	ResolveAt    int64 `json:"_resolve_at,omitempty"`
	ServingSince int64 `json:"_serving_since,omitempty"`
}

func (e ServingEndpoint) view() ServingEndpoint {
	e.ResolveAt, e.ServingSince = 0, 0
	return e
}

// configInput is what create and PUT .../config accept
// (serving.EndpointCoreConfigInput).
type configInput struct {
	ServedEntities    []servedEntity     `json:"served_entities"`
	ServedModels      []servedEntity     `json:"served_models"`
	TrafficConfig     *trafficConfig     `json:"traffic_config"`
	AutoCaptureConfig *autoCaptureConfig `json:"auto_capture_config"`
}

func (s *Service) createServingEndpoint(r *http.Request) (any, error) {
	var req struct {
		Name           string           `json:"name"`
		Description    string           `json:"description"`
		Config         *configInput     `json:"config"`
		Tags           []endpointTag    `json:"tags"`
		RateLimits     []rateLimit      `json:"rate_limits"`
		RouteOptimized bool             `json:"route_optimized"`
		AIGateway      *aiGatewayConfig `json:"ai_gateway"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("name", req.Name); err != nil {
		return nil, err
	}
	if !servingNameRE.MatchString(req.Name) || len(req.Name) > 63 {
		return nil, core.InvalidParam("Invalid endpoint name '%s': an endpoint name must be at most 63 characters and consist of alphanumeric characters, dashes and underscores.", req.Name)
	}
	if req.Config == nil {
		return nil, core.InvalidParam("Missing required field: config")
	}
	if err := validateEndpointTags(req.Tags); err != nil {
		return nil, err
	}
	if err := validateRateLimits(req.RateLimits); err != nil {
		return nil, err
	}
	now := s.Now()
	e := ServingEndpoint{
		ID: strings.ReplaceAll(newUUID(), "-", ""), Name: req.Name, Creator: s.Options().UserName,
		CreationTimestamp: now.UnixMilli(), LastUpdatedTimestamp: now.UnixMilli(), Description: req.Description,
		Tags: req.Tags, RateLimits: req.RateLimits, RouteOptimized: req.RouteOptimized, PermissionLevel: "CAN_MANAGE",
		State: endpointState{Ready: endpointNotReady},
	}
	err := s.Store().Update(func(tx core.Tx) error {
		var probe map[string]any
		found, err := tx.Get(ServingBucket, req.Name, &probe)
		if err != nil {
			return err
		}
		if found {
			return core.AlreadyExists("Endpoint with name '%s' already exists.", req.Name)
		}
		if err := s.startDeployment(tx, &e, *req.Config); err != nil {
			return err
		}
		if req.AIGateway != nil {
			if err := s.applyAIGateway(tx, &e, *req.AIGateway); err != nil {
				return err
			}
		}
		return tx.Put(ServingBucket, e.Name, e)
	})
	if err != nil {
		return nil, err
	}
	return e.view(), nil
}

// startDeployment validates in and makes it e's pending config.
func (s *Service) startDeployment(tx core.Tx, e *ServingEndpoint, in configInput) error {
	if e.State.ConfigUpdate == configInProgress {
		return core.APIErr(http.StatusConflict, core.CodeResourceConflict,
			"Endpoint '%s' is currently updating (config_update is IN_PROGRESS). Wait for the update to finish before updating the config again.", e.Name)
	}
	entities := in.ServedEntities
	if len(entities) == 0 {
		entities = in.ServedModels
	}
	now := s.Now().UnixMilli()
	if err := validateServedEntities(entities); err != nil {
		return err
	}
	traffic, err := validateTraffic(entities, in.TrafficConfig)
	if err != nil {
		return err
	}
	capture, err := s.validateAutoCapture(tx, e, in.AutoCaptureConfig)
	if err != nil {
		return err
	}
	if err := servedVersionsExist(tx, entities); err != nil {
		return err
	}
	version := 1
	if e.Config != nil {
		version = e.Config.ConfigVersion + 1
	}
	if e.PendingConfig != nil && e.PendingConfig.ConfigVersion >= version {
		version = e.PendingConfig.ConfigVersion + 1
	}
	pending := &EndpointConfig{ConfigVersion: version, TrafficConfig: traffic, AutoCaptureConfig: capture, StartTime: now}
	for _, se := range entities {
		se.Creator, se.CreationTimestamp = s.Options().UserName, now
		se.State = &servedEntityState{Deployment: deploymentCreating, DeploymentStateMessage: "Creating the served entity's container image and provisioning compute."}
		pending.ServedEntities = append(pending.ServedEntities, se)
	}
	e.PendingConfig = pending
	e.State.ConfigUpdate = configInProgress
	e.LastUpdatedTimestamp = now
	e.ResolveAt = s.Now().Add(s.Options().AsyncDelay).UnixMilli()
	return nil
}

func validateServedEntities(entities []servedEntity) error {
	if len(entities) == 0 {
		return core.InvalidParam("Missing required field: config.served_entities (at least one served entity is required).")
	}
	if len(entities) > 15 {
		return core.InvalidParam("An endpoint can serve at most 15 entities, got %d.", len(entities))
	}
	seen := map[string]bool{}
	for i := range entities {
		se := &entities[i]
		if err := core.RequireString(fmt.Sprintf("served_entities[%d].entity_name", i), se.EntityName); err != nil {
			return err
		}
		if _, err := splitFullName("model", se.EntityName, 3); err != nil {
			return core.InvalidParam("Invalid entity_name '%s': a Unity Catalog model is named <catalog>.<schema>.<model>.", se.EntityName)
		}
		if err := core.RequireString(fmt.Sprintf("served_entities[%d].entity_version", i), se.EntityVersion); err != nil {
			return err
		}
		if se.Name == "" {
			parts := strings.Split(se.EntityName, ".")
			se.Name = parts[len(parts)-1] + "-" + se.EntityVersion
		}
		if !servingNameRE.MatchString(se.Name) || len(se.Name) > 63 {
			return core.InvalidParam("Invalid served entity name '%s': it must be at most 63 characters and consist of alphanumeric characters, dashes and underscores.", se.Name)
		}
		if seen[se.Name] {
			return core.InvalidParam("Served entity names must be unique within an endpoint; '%s' is used more than once.", se.Name)
		}
		seen[se.Name] = true
		concurrency := se.MinProvisionedConcurrency != 0 || se.MaxProvisionedConcurrency != 0
		switch {
		case se.WorkloadSize == "" && !concurrency:
			return core.InvalidParam("Served entity '%s': one of workload_size or min/max_provisioned_concurrency must be specified.", se.Name)
		case se.WorkloadSize != "" && concurrency:
			return core.InvalidParam("Served entity '%s': workload_size cannot be used with min/max_provisioned_concurrency.", se.Name)
		case se.WorkloadSize != "" && !slices.Contains(workloadSizes, se.WorkloadSize):
			return core.InvalidParam("Invalid workload_size '%s' for served entity '%s'. Valid values: %s.", se.WorkloadSize, se.Name, strings.Join(workloadSizes, ", "))
		case concurrency && (se.MinProvisionedConcurrency < 0 || se.MaxProvisionedConcurrency < se.MinProvisionedConcurrency || se.MaxProvisionedConcurrency%4 != 0 || se.MinProvisionedConcurrency%4 != 0):
			return core.InvalidParam("Served entity '%s': provisioned concurrency must be multiples of 4 with min <= max.", se.Name)
		}
		if se.WorkloadType == "" {
			se.WorkloadType = "CPU"
		}
		if !slices.Contains(workloadTypes, se.WorkloadType) {
			return core.InvalidParam("Invalid workload_type '%s' for served entity '%s'. Valid values: %s.", se.WorkloadType, se.Name, strings.Join(workloadTypes, ", "))
		}
	}
	return nil
}

// validateTraffic checks routes against the served entities; one entity
// without a traffic config gets all the traffic.
func validateTraffic(entities []servedEntity, tc *trafficConfig) (*trafficConfig, error) {
	if tc == nil || len(tc.Routes) == 0 {
		if len(entities) == 1 {
			return &trafficConfig{Routes: []trafficRoute{{ServedEntityName: entities[0].Name, TrafficPercentage: 100}}}, nil
		}
		return nil, core.InvalidParam("traffic_config must be specified when an endpoint serves more than one entity.")
	}
	total := 0
	routed := map[string]bool{}
	for i, rt := range tc.Routes {
		name := rt.ServedEntityName
		if name == "" {
			name = rt.ServedModelName
			tc.Routes[i].ServedEntityName = name
		}
		if !slices.ContainsFunc(entities, func(se servedEntity) bool { return se.Name == name }) {
			return nil, core.InvalidParam("Traffic route references served entity '%s', which is not served by this config.", name)
		}
		if routed[name] {
			return nil, core.InvalidParam("Served entity '%s' has more than one traffic route.", name)
		}
		routed[name] = true
		if rt.TrafficPercentage < 0 || rt.TrafficPercentage > 100 {
			return nil, core.InvalidParam("Traffic percentage for '%s' must be between 0 and 100, got %d.", name, rt.TrafficPercentage)
		}
		total += rt.TrafficPercentage
	}
	if total != 100 {
		return nil, core.InvalidParam("The traffic percentages of the routes must sum to 100, got %d.", total)
	}
	return tc, nil
}

// validateAutoCapture checks the inference table settings: the schema must
// exist, and an enabled table keeps its catalog, schema and prefix. An
// update that leaves auto_capture_config out keeps the current one.
func (s *Service) validateAutoCapture(tx core.Tx, e *ServingEndpoint, in *autoCaptureConfig) (*autoCaptureConfig, error) {
	var current *autoCaptureConfig
	if e.Config != nil {
		current = e.Config.AutoCaptureConfig
	}
	if in == nil {
		return current, nil
	}
	out := *in
	out.State = nil
	if current != nil && current.Enabled {
		if out.CatalogName == "" && out.SchemaName == "" && out.TableNamePrefix == "" {
			out.CatalogName, out.SchemaName, out.TableNamePrefix = current.CatalogName, current.SchemaName, current.TableNamePrefix
		}
		if out.CatalogName != current.CatalogName || out.SchemaName != current.SchemaName || out.TableNamePrefix != current.TableNamePrefix {
			return nil, core.InvalidParam("The inference table of endpoint '%s' is enabled: its catalog_name, schema_name and table_name_prefix cannot change (disable it first).", e.Name)
		}
	}
	if !out.Enabled {
		return &out, nil
	}
	if out.CatalogName == "" || out.SchemaName == "" {
		return nil, core.InvalidParam("auto_capture_config needs catalog_name and schema_name to enable the inference table.")
	}
	if out.TableNamePrefix == "" {
		out.TableNamePrefix = e.Name
	}
	if err := validateName("table", "auto_capture_config.table_name_prefix", out.TableNamePrefix); err != nil {
		return nil, err
	}
	var sc SchemaInfo
	if err := loadDoc(tx, SchemasBucket, UCKey(out.CatalogName, out.SchemaName), "Schema", &sc); err != nil {
		return nil, err
	}
	return &out, nil
}

// resolveDeployment applies a due deployment to e in tx; it reports
// whether e changed.
func (s *Service) resolveDeployment(tx core.Tx, e *ServingEndpoint) (bool, error) {
	if e.State.ConfigUpdate != configInProgress || s.Now().UnixMilli() < e.ResolveAt {
		return false, nil
	}
	p := e.PendingConfig
	due := e.ResolveAt
	failed := false
	for i := range p.ServedEntities {
		se := &p.ServedEntities[i]
		if msg := servedVersionProblem(tx, se.EntityName, se.EntityVersion, s.Now()); msg != "" {
			se.State = &servedEntityState{Deployment: deploymentFailed, DeploymentStateMessage: fmt.Sprintf("Served entity '%s' failed to deploy: %s", se.Name, msg)}
			failed = true
		}
	}
	e.ResolveAt = 0
	if failed {
		for i := range p.ServedEntities {
			if se := &p.ServedEntities[i]; se.State.Deployment == deploymentCreating {
				se.State = &servedEntityState{Deployment: deploymentAborted, DeploymentStateMessage: "Deployment aborted because another served entity of this config failed."}
			}
		}
		e.State.ConfigUpdate = configUpdateFailed
		if e.Config != nil {
			e.State.Ready = endpointReady
		}
		return true, nil
	}
	for i := range p.ServedEntities {
		p.ServedEntities[i].State = &servedEntityState{Deployment: deploymentReady, DeploymentStateMessage: "Served entity is ready to receive traffic."}
	}
	if ac := p.AutoCaptureConfig; ac != nil && ac.Enabled {
		table := ac.TableNamePrefix + InferenceTableSuffix
		if err := s.putInferenceTables(tx, e.Name, inferenceTarget{ac.CatalogName, ac.SchemaName, ac.TableNamePrefix, false}); err != nil {
			return false, err
		}
		ac.State = &struct {
			PayloadTable *payloadTable `json:"payload_table,omitempty"`
		}{PayloadTable: &payloadTable{Name: table, Status: "ACTIVE"}}
	}
	p.StartTime = 0
	e.Config, e.PendingConfig, e.ServingSince = p, nil, due
	e.State = endpointState{Ready: endpointReady, ConfigUpdate: configNotUpdating}
	return true, nil
}

// servedVersionProblem says why a Unity Catalog model version cannot be
// served, or "" when it can.
// servedVersionsExist refuses, at create or config update, a served
// entity whose model or version does not exist (400 for a version that is
// no version number, 404 for one that is not there), instead of a
// deployment that fails later. A version that exists but is not READY yet
// may still become so; that is checked when the deployment resolves.
func servedVersionsExist(tx core.Tx, entities []servedEntity) error {
	for i, se := range entities {
		parts, err := splitFullName("model", se.EntityName, 3)
		if err != nil {
			return err
		}
		n, err := parseVersion(se.EntityVersion)
		if err != nil {
			return core.InvalidParam("Invalid served_entities[%d].entity_version '%s': a model version is a positive integer.", i, se.EntityVersion)
		}
		full := UCKey(parts...)
		var m RegisteredModel
		if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
			return err
		}
		var v modelVersion
		if err := loadVersion(tx, full, n, &v); err != nil {
			return err
		}
	}
	return nil
}

func servedVersionProblem(tx core.Tx, entity, version string, now time.Time) string {
	parts, err := splitFullName("model", entity, 3)
	if err != nil {
		return err.(*core.APIError).Message
	}
	full := UCKey(parts...)
	var m RegisteredModel
	if err := loadDoc(tx, ModelsBucket, full, modelKind, &m); err != nil {
		return err.(*core.APIError).Message
	}
	n, err := parseVersion(version)
	if err != nil {
		return err.(*core.APIError).Message
	}
	var v modelVersion
	if err := loadVersion(tx, full, n, &v); err != nil {
		return err.(*core.APIError).Message
	}
	v.settle(now)
	if v.Status != statusReady {
		return fmt.Sprintf("Model version %d of '%s' is %s, not READY.", n, full, v.Status)
	}
	return ""
}

// inferenceTableColumns is the schema of an auto-capture payload table
// (Databricks docs, "Inference tables for monitoring and debugging models").
func inferenceTableColumns() []columnInfo {
	return []columnInfo{
		col("databricks_request_id", "STRING"), col("client_request_id", "STRING"), col("date", "DATE"),
		col("timestamp_ms", "LONG"), col("status_code", "INT"), col("execution_time_ms", "LONG"),
		col("sampling_fraction", "DOUBLE"), col("request", "STRING"), col("response", "STRING"),
		{Name: "request_metadata", TypeName: "MAP", TypeText: "map<string,string>", Nullable: ptr(true)},
	}
}

func ptr[T any](v T) *T { return &v }

// WithEndpoint loads name in a write transaction, resolves a due
// deployment, applies fn (nil to only read) and stores the result.
func (s *Service) WithEndpoint(name string, fn func(tx core.Tx, e *ServingEndpoint) error) (ServingEndpoint, error) {
	var e ServingEndpoint
	err := s.Store().Update(func(tx core.Tx) error {
		found, err := tx.Get(ServingBucket, name, &e)
		if err != nil {
			return err
		}
		if !found {
			return core.NotFound("Endpoint with name '%s' does not exist.", name)
		}
		changed, err := s.resolveDeployment(tx, &e)
		if err != nil {
			return err
		}
		if fn != nil {
			// A failed request rolls back; a due resolution is simply
			// applied again by the next request.
			if err := fn(tx, &e); err != nil {
				return err
			}
			changed = true
		}
		if !changed {
			return nil
		}
		return tx.Put(ServingBucket, name, e)
	})
	return e, err
}

func (s *Service) getServingEndpoint(r *http.Request) (any, error) {
	e, err := s.WithEndpoint(r.PathValue("name"), nil)
	if err != nil {
		return nil, err
	}
	return e.view(), nil
}

// listServingEndpoints answers summaries (serving.ServingEndpoint).
func (s *Service) listServingEndpoints(r *http.Request) (any, error) {
	names, err := core.KeysOf(s.Store(), ServingBucket, "")
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(names))
	for _, n := range names {
		e, err := s.WithEndpoint(n, nil)
		if err != nil {
			return nil, err
		}
		summary := map[string]any{
			"id": e.ID, "name": e.Name, "creator": e.Creator, "creation_timestamp": e.CreationTimestamp,
			"last_updated_timestamp": e.LastUpdatedTimestamp, "state": e.State, "tags": e.Tags, "description": e.Description,
		}
		if e.Config != nil {
			var specs []map[string]string
			for _, se := range e.Config.ServedEntities {
				specs = append(specs, map[string]string{"name": se.Name, "entity_name": se.EntityName, "entity_version": se.EntityVersion})
			}
			summary["config"] = map[string]any{"served_entities": specs}
		}
		out = append(out, summary)
	}
	return map[string]any{"endpoints": out}, nil
}

func (s *Service) deleteServingEndpoint(r *http.Request) (any, error) {
	name := r.PathValue("name")
	err := s.Store().Update(func(tx core.Tx) error {
		var probe map[string]any
		found, err := tx.Get(ServingBucket, name, &probe)
		if err != nil {
			return err
		}
		if !found {
			return core.NotFound("Endpoint with name '%s' does not exist.", name)
		}
		return tx.Delete(ServingBucket, name)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// updateServingEndpointConfig is PUT .../config: a new deployment.
func (s *Service) updateServingEndpointConfig(r *http.Request) (any, error) {
	var in configInput
	if err := core.DecodeBody(r, &in); err != nil {
		return nil, err
	}
	e, err := s.WithEndpoint(r.PathValue("name"), func(tx core.Tx, e *ServingEndpoint) error {
		return s.startDeployment(tx, e, in)
	})
	if err != nil {
		return nil, err
	}
	return e.view(), nil
}

// patchServingEndpointTags adds and deletes tags; the config is untouched.
func (s *Service) patchServingEndpointTags(r *http.Request) (any, error) {
	var req struct {
		AddTags    []endpointTag `json:"add_tags"`
		DeleteTags []string      `json:"delete_tags"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := validateEndpointTags(req.AddTags); err != nil {
		return nil, err
	}
	e, err := s.WithEndpoint(r.PathValue("name"), func(_ core.Tx, e *ServingEndpoint) error {
		tags := slices.DeleteFunc(e.Tags, func(t endpointTag) bool {
			return slices.Contains(req.DeleteTags, t.Key) || slices.ContainsFunc(req.AddTags, func(a endpointTag) bool { return a.Key == t.Key })
		})
		e.Tags = append(tags, req.AddTags...)
		if len(e.Tags) > 20 {
			return core.InvalidParam("An endpoint can have at most 20 tags, got %d.", len(e.Tags))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	tags := e.Tags
	if tags == nil {
		tags = []endpointTag{}
	}
	return map[string]any{"tags": tags}, nil
}

func validateEndpointTags(tags []endpointTag) error {
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 255 || len(t.Value) > 255 {
			return core.InvalidParam("Invalid tag '%s': keys must be 1-255 and values at most 255 characters.", t.Key)
		}
	}
	return nil
}

// putServingEndpointRateLimits is PUT .../rate-limits (serving.PutRequest).
func (s *Service) putServingEndpointRateLimits(r *http.Request) (any, error) {
	var req struct {
		RateLimits []rateLimit `json:"rate_limits"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := validateRateLimits(req.RateLimits); err != nil {
		return nil, err
	}
	_, err := s.WithEndpoint(r.PathValue("name"), func(_ core.Tx, e *ServingEndpoint) error {
		e.RateLimits = req.RateLimits
		return nil
	})
	if err != nil {
		return nil, err
	}
	limits := req.RateLimits
	if limits == nil {
		limits = []rateLimit{}
	}
	return map[string]any{"rate_limits": limits}, nil
}

func validateRateLimits(limits []rateLimit) error {
	for i := range limits {
		l := &limits[i]
		if l.Key == "" {
			l.Key = "endpoint"
		}
		if l.Key != "user" && l.Key != "endpoint" {
			return core.InvalidParam("Invalid rate limit key '%s'. Valid values: user, endpoint.", l.Key)
		}
		if l.RenewalPeriod != "minute" {
			return core.InvalidParam("Invalid rate limit renewal_period '%s'. Valid values: minute.", l.RenewalPeriod)
		}
		if l.Calls <= 0 {
			return core.InvalidParam("Rate limit calls must be positive, got %d.", l.Calls)
		}
	}
	return nil
}

// servingEndpointMetrics answers GET .../metrics in the Prometheus text
// exposition format, as the real endpoint does. Values are synthetic but
// consistent: each served entity receives its traffic share of one request
// per second since the config was activated, with a latency distribution
// that is stable for a given entity.
func (s *Service) servingEndpointMetrics(w http.ResponseWriter, r *http.Request) {
	if err := s.CheckWorkspaceAuth(r); err != nil {
		core.WriteAPIError(w, err)
		return
	}
	e, err := s.WithEndpoint(r.PathValue("name"), nil)
	if err != nil {
		core.WriteAPIError(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, renderEndpointMetrics(e, s.Now()))
}

// entityTraffic is what one served entity of the active config has
// received by some instant, in the synthetic traffic model the metrics
// export and the console share.
type entityTraffic struct {
	Entity                   servedEntity
	share                    float64
	Requests, Err4xx, Err5xx float64
	// Expected is the model's exact request count, before rounding down
	// to whole requests; rates over short windows use it.
	Expected float64
}

// EndpointTraffic is every served entity's traffic at instant at: its
// traffic share of one request per second since the config went live, 0.5 %
// of it 4xx and 0.1 % 5xx (endpointErrorShare).
func EndpointTraffic(e ServingEndpoint, at time.Time) []entityTraffic {
	if e.Config == nil {
		return nil
	}
	elapsed := math.Max(0, float64(at.UnixMilli()-e.ServingSince)/1000)
	var out []entityTraffic
	for _, se := range e.Config.ServedEntities {
		share := 0.0
		if e.Config.TrafficConfig != nil {
			for _, rt := range e.Config.TrafficConfig.Routes {
				if rt.ServedEntityName == se.Name {
					share = float64(rt.TrafficPercentage) / 100
				}
			}
		}
		n := math.Floor(elapsed * share)
		out = append(out, entityTraffic{Entity: se, share: share, Requests: n, Err4xx: math.Floor(n / 200), Err5xx: math.Floor(n / 1000), Expected: elapsed * share})
	}
	return out
}

// EndpointErrorShare is the share of requests the traffic model fails.
const EndpointErrorShare = 1.0/200 + 1.0/1000

func renderEndpointMetrics(e ServingEndpoint, now time.Time) string {
	var b strings.Builder
	all := EndpointTraffic(e, now)
	labels := func(s entityTraffic) string {
		return fmt.Sprintf(`endpoint_name=%q,served_entity_name=%q`, e.Name, s.Entity.Name)
	}
	metric := func(name, kind, help string, value func(entityTraffic) float64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
		for _, s := range all {
			fmt.Fprintf(&b, "%s{%s} %g\n", name, labels(s), value(s))
		}
	}
	metric("request_count_total", "counter", "Number of requests processed.", func(s entityTraffic) float64 { return s.Requests })
	metric("request_4xx_count_total", "counter", "Number of requests that failed with a 4xx status.", func(s entityTraffic) float64 { return s.Err4xx })
	metric("request_5xx_count_total", "counter", "Number of requests that failed with a 5xx status.", func(s entityTraffic) float64 { return s.Err5xx })
	metric("provisioned_concurrent_requests_total", "gauge", "Provisioned concurrency.", func(s entityTraffic) float64 {
		if s.Entity.ScaleToZeroEnabled && s.share == 0 {
			return 0
		}
		return map[string]float64{"Small": 4, "Medium": 16, "Large": 64}[s.Entity.WorkloadSize]
	})
	metric("cpu_usage_percentage", "gauge", "Average CPU utilization across replicas during the last minute.", func(s entityTraffic) float64 { return 5 + 60*s.share })
	metric("mem_usage_percentage", "gauge", "Average memory utilization across replicas during the last minute.", func(s entityTraffic) float64 { return 20 + 30*s.share })
	// Latency: a histogram whose median grows with the workload's load.
	bounds := []float64{10, 25, 50, 100, 250, 500, 1000}
	fmt.Fprint(&b, "# HELP request_latency_ms Request latency in milliseconds.\n# TYPE request_latency_ms histogram\n")
	for _, s := range all {
		n := s.Requests
		median := 40 + 20*s.share
		for _, le := range bounds {
			frac := 1 / (1 + math.Pow(median/le, 3))
			fmt.Fprintf(&b, "request_latency_ms_bucket{%s,le=\"%g\"} %g\n", labels(s), le, math.Floor(n*frac))
		}
		fmt.Fprintf(&b, "request_latency_ms_bucket{%s,le=\"+Inf\"} %g\n", labels(s), n)
		fmt.Fprintf(&b, "request_latency_ms_sum{%s} %g\n", labels(s), math.Round(n*median*1.1))
		fmt.Fprintf(&b, "request_latency_ms_count{%s} %g\n", labels(s), n)
	}
	return b.String()
}
