package emulator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/serving"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// registerVersions registers n versions of cat.ml.churn through the MLflow
// registry paths (create + finalize), without waiting for READY.
func registerVersions(t *testing.T, w *databricks.WorkspaceClient, n int) {
	t.Helper()
	mustCreateModel(t, w, "dev", "ml", "churn")
	reg := registry(t, w)
	for i := 0; i < n; i++ {
		if _, err := reg.Register(context.Background(), ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/brickops/models/churn"}); err != nil {
			t.Fatalf("registering a version: %v", err)
		}
	}
}

func churnEntity(version, name string) serving.ServedEntityInput {
	return serving.ServedEntityInput{Name: name, EntityName: "dev.ml.churn", EntityVersion: version, WorkloadSize: "Small", ScaleToZeroEnabled: true}
}

func TestServingEndpoints_lifecycleThroughSDK(t *testing.T) {
	clock := emulatortest.NewClock()
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(time.Minute), emulatortest.WithClock(clock.Now))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	registerVersions(t, w, 2)
	clock.Advance(time.Minute) // both versions READY

	wait, err := w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{
		Name: "churn",
		Config: &serving.EndpointCoreConfigInput{
			ServedEntities:    []serving.ServedEntityInput{churnEntity("1", "")},
			AutoCaptureConfig: &serving.AutoCaptureConfigInput{CatalogName: "dev", SchemaName: "ml", TableNamePrefix: "churn", Enabled: true},
		},
		Tags: []serving.EndpointTag{{Key: "team", Value: "ml"}},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	created := wait.Response
	if created.State.Ready != serving.EndpointStateReadyNotReady || created.State.ConfigUpdate != serving.EndpointStateConfigUpdateInProgress ||
		created.Config != nil || created.PendingConfig == nil || created.PendingConfig.ServedEntities[0].Name != "churn-1" ||
		created.PendingConfig.ServedEntities[0].State.Deployment != serving.ServedModelStateDeploymentDeploymentCreating {
		t.Fatalf("right after create: state=%+v config=%+v pending=%+v", created.State, created.Config, created.PendingConfig)
	}
	// A second update while the first is IN_PROGRESS is refused.
	_, err = w.ServingEndpoints.UpdateConfig(ctx, serving.EndpointCoreConfigInput{Name: "churn", ServedEntities: []serving.ServedEntityInput{churnEntity("2", "")}})
	wantAPIError(t, err, http.StatusConflict, "RESOURCE_CONFLICT", "currently updating")

	clock.Advance(time.Minute)
	got, err := w.ServingEndpoints.GetByName(ctx, "churn")
	if err != nil {
		t.Fatal(err)
	}
	if got.State.Ready != serving.EndpointStateReadyReady || got.State.ConfigUpdate != serving.EndpointStateConfigUpdateNotUpdating ||
		got.PendingConfig != nil || got.Config.ConfigVersion != 1 || got.Config.TrafficConfig.Routes[0].TrafficPercentage != 100 ||
		got.Config.ServedEntities[0].State.Deployment != serving.ServedModelStateDeploymentDeploymentReady ||
		got.Config.ServedEntities[0].WorkloadType != serving.ServingModelWorkloadTypeCpu ||
		got.Config.AutoCaptureConfig.State.PayloadTable.Name != "churn_payload" {
		t.Fatalf("after deployment: state=%+v config=%+v", got.State, got.Config)
	}
	// The inference table exists in Unity Catalog.
	table, err := w.Tables.GetByFullName(ctx, "dev.ml.churn_payload")
	if err != nil {
		t.Fatalf("inference table: %v", err)
	}
	if table.TableType != catalog.TableTypeManaged || len(table.Columns) != 10 || table.Columns[3].Name != "timestamp_ms" {
		t.Errorf("inference table: %+v", table)
	}

	// Canary: version 2 gets 10% of the traffic.
	wait, err = w.ServingEndpoints.UpdateConfig(ctx, serving.EndpointCoreConfigInput{
		Name:           "churn",
		ServedEntities: []serving.ServedEntityInput{churnEntity("1", "champion"), churnEntity("2", "challenger")},
		TrafficConfig:  &serving.TrafficConfig{Routes: []serving.Route{{ServedEntityName: "champion", TrafficPercentage: 90}, {ServedEntityName: "challenger", TrafficPercentage: 10}}},
	})
	if err != nil {
		t.Fatalf("update config: %v", err)
	}
	updating := wait.Response
	if updating.State.Ready != serving.EndpointStateReadyReady || updating.State.ConfigUpdate != serving.EndpointStateConfigUpdateInProgress ||
		updating.Config.ConfigVersion != 1 || updating.PendingConfig.ConfigVersion != 2 || updating.PendingConfig.StartTime == 0 {
		t.Fatalf("while updating: state=%+v config v%d pending=%+v", updating.State, updating.Config.ConfigVersion, updating.PendingConfig)
	}
	clock.Advance(time.Minute)
	got, _ = w.ServingEndpoints.GetByName(ctx, "churn")
	if got.Config.ConfigVersion != 2 || len(got.Config.ServedEntities) != 2 || got.Config.TrafficConfig.Routes[1].TrafficPercentage != 10 ||
		!got.Config.AutoCaptureConfig.Enabled {
		t.Fatalf("after the canary update: %+v", got.Config)
	}

	// Tags change without a deployment.
	tags, err := w.ServingEndpoints.Patch(ctx, serving.PatchServingEndpointTags{Name: "churn", AddTags: []serving.EndpointTag{{Key: "stage", Value: "canary"}}, DeleteTags: []string{"team"}})
	if err != nil || len(tags.Tags) != 1 || tags.Tags[0].Key != "stage" {
		t.Fatalf("patch tags = %+v, %v", tags, err)
	}
	got, _ = w.ServingEndpoints.GetByName(ctx, "churn")
	if got.State.ConfigUpdate != serving.EndpointStateConfigUpdateNotUpdating || got.Config.ConfigVersion != 2 || len(got.Tags) != 1 {
		t.Errorf("tags redeployed or not stored: %+v %+v", got.State, got.Tags)
	}
	//lint:ignore SA1019 rate-limits is the endpoint under test; AI gateway is its successor.
	limits, err := w.ServingEndpoints.Put(ctx, serving.PutRequest{Name: "churn", RateLimits: []serving.RateLimit{{Calls: 100, RenewalPeriod: serving.RateLimitRenewalPeriodMinute}}})
	if err != nil || limits.RateLimits[0].Key != serving.RateLimitKeyEndpoint {
		t.Errorf("rate limits = %+v, %v", limits, err)
	}

	// Metrics: Prometheus text with per-entity counters split by traffic.
	clock.Advance(100 * time.Second)
	m, err := w.ServingEndpoints.ExportMetricsByName(ctx, "churn")
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	raw, _ := io.ReadAll(m.Contents)
	text := string(raw)
	for _, want := range []string{
		"# TYPE request_count_total counter",
		`request_count_total{endpoint_name="churn",served_entity_name="champion"} 90`,
		`request_count_total{endpoint_name="churn",served_entity_name="challenger"} 10`,
		"# TYPE request_latency_ms histogram",
		`request_latency_ms_bucket{endpoint_name="churn",served_entity_name="champion",le="+Inf"} 90`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}

	all, err := w.ServingEndpoints.ListAll(ctx)
	if err != nil || len(all) != 1 || all[0].Name != "churn" || len(all[0].Config.ServedEntities) != 2 {
		t.Errorf("list = %+v, %v", all, err)
	}
	if err := w.ServingEndpoints.DeleteByName(ctx, "churn"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = w.ServingEndpoints.GetByName(ctx, "churn")
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Fatalf("get after delete = %v", err)
	}
	wantAPIError(t, err, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Endpoint with name 'churn' does not exist.")
}

// A served version that does not exist is refused at create (404, or 400
// for something that is no version number), leaving no endpoint behind.
// One that exists but is not READY fails the deployment later, with the
// reason, and the endpoint keeps serving what it served.
func TestServingEndpoints_failedUpdates(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	registerVersions(t, w, 1)

	for version, want := range map[string]string{
		"7":  "Model version 7 of Routine or Model 'dev.ml.churn' does not exist.",
		"-1": "Invalid served_entities[0].entity_version '-1'",
	} {
		_, err := w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{Name: "churn", Config: &serving.EndpointCoreConfigInput{
			ServedEntities: []serving.ServedEntityInput{churnEntity(version, "")},
		}})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("create serving version %s = %v, want %q", version, err, want)
		}
		if _, err := w.ServingEndpoints.GetByName(ctx, "churn"); !errors.Is(err, apierr.ErrResourceDoesNotExist) {
			t.Fatalf("a refused create left an endpoint: %v", err)
		}
	}
	ok, err := waitFor[serving.ServingEndpointDetailed](w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{Name: "churn", Config: &serving.EndpointCoreConfigInput{
		ServedEntities: []serving.ServedEntityInput{churnEntity("1", "")},
	}}))
	if err != nil || ok.State.Ready != serving.EndpointStateReadyReady || ok.Config.ServedEntities[0].EntityVersion != "1" {
		t.Fatalf("create with version 1 = %+v, %v", ok, err)
	}
	var got *serving.ServingEndpointDetailed

	// A version still PENDING_REGISTRATION cannot be served either.
	reg := registry(t, w)
	pending, err := reg.Create(ctx, ucregistry.CreateRequest{Name: "dev.ml.churn", Source: "dbfs:/brickops/models/churn-2"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = waitFor[serving.ServingEndpointDetailed](w.ServingEndpoints.UpdateConfig(ctx, serving.EndpointCoreConfigInput{Name: "churn", ServedEntities: []serving.ServedEntityInput{churnEntity(pending.Version, "")}}))
	if err == nil {
		t.Fatal("serving a PENDING_REGISTRATION version must fail")
	}
	got, _ = w.ServingEndpoints.GetByName(ctx, "churn")
	if got.State.Ready != serving.EndpointStateReadyReady || got.Config.ServedEntities[0].EntityVersion != "1" ||
		!strings.Contains(got.PendingConfig.ServedEntities[0].State.DeploymentStateMessage, "is PENDING_REGISTRATION, not READY") {
		t.Fatalf("endpoint after a failed update: state=%+v config=%+v pending=%+v", got.State, got.Config, got.PendingConfig)
	}
}

func TestServingEndpoints_validation(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	registerVersions(t, w, 1)
	if _, err := waitFor[serving.ServingEndpointDetailed](w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{Name: "taken", Config: &serving.EndpointCoreConfigInput{ServedEntities: []serving.ServedEntityInput{churnEntity("1", "")}}})); err != nil {
		t.Fatal(err)
	}
	two := []serving.ServedEntityInput{churnEntity("1", "a"), churnEntity("1", "b")}
	cases := map[string]struct {
		req    serving.CreateServingEndpoint
		status int
		code   string
		want   string
	}{
		"bad name":     {serving.CreateServingEndpoint{Name: "churn.v1", Config: &serving.EndpointCoreConfigInput{ServedEntities: two[:1]}}, 400, "INVALID_PARAMETER_VALUE", "Invalid endpoint name 'churn.v1'"},
		"taken":        {serving.CreateServingEndpoint{Name: "taken", Config: &serving.EndpointCoreConfigInput{ServedEntities: two[:1]}}, 409, "RESOURCE_ALREADY_EXISTS", "Endpoint with name 'taken' already exists."},
		"no config":    {serving.CreateServingEndpoint{Name: "x"}, 400, "INVALID_PARAMETER_VALUE", "Missing required field: config"},
		"no entities":  {serving.CreateServingEndpoint{Name: "x", Config: &serving.EndpointCoreConfigInput{}}, 400, "INVALID_PARAMETER_VALUE", "at least one served entity"},
		"workload":     {serving.CreateServingEndpoint{Name: "x", Config: &serving.EndpointCoreConfigInput{ServedEntities: []serving.ServedEntityInput{{EntityName: "dev.ml.churn", EntityVersion: "1", WorkloadSize: "Huge"}}}}, 400, "INVALID_PARAMETER_VALUE", "Invalid workload_size 'Huge'"},
		"entity name":  {serving.CreateServingEndpoint{Name: "x", Config: &serving.EndpointCoreConfigInput{ServedEntities: []serving.ServedEntityInput{{EntityName: "churn", EntityVersion: "1", WorkloadSize: "Small"}}}}, 400, "INVALID_PARAMETER_VALUE", "Invalid entity_name 'churn'"},
		"no traffic":   {serving.CreateServingEndpoint{Name: "x", Config: &serving.EndpointCoreConfigInput{ServedEntities: two}}, 400, "INVALID_PARAMETER_VALUE", "traffic_config must be specified"},
		"sum":          {serving.CreateServingEndpoint{Name: "x", Config: &serving.EndpointCoreConfigInput{ServedEntities: two, TrafficConfig: &serving.TrafficConfig{Routes: []serving.Route{{ServedEntityName: "a", TrafficPercentage: 90}, {ServedEntityName: "b", TrafficPercentage: 20}}}}}, 400, "INVALID_PARAMETER_VALUE", "must sum to 100, got 110"},
		"route target": {serving.CreateServingEndpoint{Name: "x", Config: &serving.EndpointCoreConfigInput{ServedEntities: two, TrafficConfig: &serving.TrafficConfig{Routes: []serving.Route{{ServedEntityName: "a", TrafficPercentage: 50}, {ServedEntityName: "c", TrafficPercentage: 50}}}}}, 400, "INVALID_PARAMETER_VALUE", "served entity 'c', which is not served"},
		"duplicate":    {serving.CreateServingEndpoint{Name: "x", Config: &serving.EndpointCoreConfigInput{ServedEntities: []serving.ServedEntityInput{churnEntity("1", "a"), churnEntity("1", "a")}}}, 400, "INVALID_PARAMETER_VALUE", "'a' is used more than once"},
		"capture schema": {serving.CreateServingEndpoint{Name: "x", Config: &serving.EndpointCoreConfigInput{ServedEntities: two[:1],
			AutoCaptureConfig: &serving.AutoCaptureConfigInput{CatalogName: "dev", SchemaName: "nope", Enabled: true}}}, 404, "RESOURCE_DOES_NOT_EXIST", "Schema 'dev.nope' does not exist."},
		"rate limit": {serving.CreateServingEndpoint{Name: "x", Config: &serving.EndpointCoreConfigInput{ServedEntities: two[:1]}, RateLimits: []serving.RateLimit{{Calls: 1, RenewalPeriod: "hour"}}}, 400, "INVALID_PARAMETER_VALUE", "Invalid rate limit renewal_period 'hour'"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := w.ServingEndpoints.Create(ctx, tc.req)
			wantAPIError(t, err, tc.status, tc.code, tc.want)
		})
	}
	// The inference table's location cannot move while it is enabled.
	if _, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "dev", Name: "other"}); err != nil {
		t.Fatal(err)
	}
	if _, err := waitFor[serving.ServingEndpointDetailed](w.ServingEndpoints.UpdateConfig(ctx, serving.EndpointCoreConfigInput{Name: "taken", ServedEntities: two[:1],
		AutoCaptureConfig: &serving.AutoCaptureConfigInput{CatalogName: "dev", SchemaName: "ml", Enabled: true}})); err != nil {
		t.Fatal(err)
	}
	_, err := w.ServingEndpoints.UpdateConfig(ctx, serving.EndpointCoreConfigInput{Name: "taken", ServedEntities: two[:1],
		AutoCaptureConfig: &serving.AutoCaptureConfigInput{CatalogName: "dev", SchemaName: "other", Enabled: true}})
	wantAPIError(t, err, 400, "INVALID_PARAMETER_VALUE", "cannot change")
	_, err = w.ServingEndpoints.UpdateConfig(ctx, serving.EndpointCoreConfigInput{Name: "nope", ServedEntities: two[:1]})
	wantAPIError(t, err, 404, "RESOURCE_DOES_NOT_EXIST", "Endpoint with name 'nope' does not exist.")
}

// The AI Gateway changes without a deployment; its inference table appears
// in Unity Catalog when enabled.
func TestServingEndpoints_aiGateway(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	registerVersions(t, w, 1)
	if _, err := waitFor[serving.ServingEndpointDetailed](w.ServingEndpoints.Create(ctx, serving.CreateServingEndpoint{Name: "churn",
		Config:    &serving.EndpointCoreConfigInput{ServedEntities: []serving.ServedEntityInput{churnEntity("1", "")}},
		AiGateway: &serving.AiGatewayConfig{UsageTrackingConfig: &serving.AiGatewayUsageTrackingConfig{Enabled: true}},
	})); err != nil {
		t.Fatal(err)
	}
	got, err := w.ServingEndpoints.PutAiGateway(ctx, serving.PutAiGatewayRequest{
		Name:                 "churn",
		RateLimits:           []serving.AiGatewayRateLimit{{Calls: 100, RenewalPeriod: serving.AiGatewayRateLimitRenewalPeriodMinute}, {Tokens: 5000, Key: serving.AiGatewayRateLimitKeyUserGroup, Principal: "data-scientists", RenewalPeriod: serving.AiGatewayRateLimitRenewalPeriodMinute}},
		InferenceTableConfig: &serving.AiGatewayInferenceTableConfig{CatalogName: "dev", SchemaName: "ml", Enabled: true},
		Guardrails:           &serving.AiGatewayGuardrails{Input: &serving.AiGatewayGuardrailParameters{InvalidKeywords: []string{"password"}}},
		FallbackConfig:       &serving.FallbackConfig{Enabled: true},
	})
	if err != nil {
		t.Fatalf("put ai gateway: %v", err)
	}
	if got.RateLimits[0].Key != serving.AiGatewayRateLimitKeyEndpoint || got.InferenceTableConfig.TableNamePrefix != "churn" || !got.FallbackConfig.Enabled ||
		got.Guardrails.Input.InvalidKeywords[0] != "password" || got.UsageTrackingConfig != nil {
		t.Errorf("gateway = %+v", got)
	}
	e, _ := w.ServingEndpoints.GetByName(ctx, "churn")
	if e.AiGateway == nil || len(e.AiGateway.RateLimits) != 2 || e.Config.ConfigVersion != 1 || e.State.ConfigUpdate != serving.EndpointStateConfigUpdateNotUpdating {
		t.Errorf("endpoint after the gateway change: %+v %+v", e.AiGateway, e.State)
	}
	table, err := w.Tables.GetByFullName(ctx, "dev.ml.churn_payload")
	if err != nil || table.Columns[3].Name != "request_time" || table.Columns[9].Name != "served_entity_id" {
		t.Errorf("gateway inference table = %+v, %v", table, err)
	}
	_, err = w.ServingEndpoints.PutAiGateway(ctx, serving.PutAiGatewayRequest{Name: "churn",
		InferenceTableConfig: &serving.AiGatewayInferenceTableConfig{CatalogName: "dev", SchemaName: "ml", TableNamePrefix: "other", Enabled: true}})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "disable it first")
	_, err = w.ServingEndpoints.PutAiGateway(ctx, serving.PutAiGatewayRequest{Name: "churn", RateLimits: []serving.AiGatewayRateLimit{{Calls: 1, Key: serving.AiGatewayRateLimitKeyServicePrincipal, RenewalPeriod: "minute"}}})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "needs a principal")
	_, err = w.ServingEndpoints.PutAiGateway(ctx, serving.PutAiGatewayRequest{Name: "churn", RateLimits: []serving.AiGatewayRateLimit{{Calls: 1, Tokens: 1, RenewalPeriod: "minute"}}})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "exactly one of calls and tokens")
}
