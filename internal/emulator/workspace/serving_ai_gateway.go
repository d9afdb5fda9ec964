package workspace

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// AI Gateway of a serving endpoint: PUT /api/2.0/serving-endpoints/{name}/ai-gateway
// and the ai_gateway field of create and get. Fields follow databricks-sdk-go
// service/serving/model.go (AiGatewayConfig, PutAiGatewayRequest,
// AiGatewayRateLimit, AiGatewayInferenceTableConfig,
// AiGatewayUsageTrackingConfig, FallbackConfig). Guardrails are kept as
// sent. Changing the gateway never redeploys the endpoint's config. An
// enabled inference table is created in Unity Catalog at once, with the AI
// Gateway payload schema.

var aiGatewayRateLimitKeys = []string{"endpoint", "user", "user_group", "service_principal"}

type aiGatewayRateLimit struct {
	Calls         int64  `json:"calls,omitempty"`
	Tokens        int64  `json:"tokens,omitempty"`
	Key           string `json:"key,omitempty"`
	Principal     string `json:"principal,omitempty"`
	RenewalPeriod string `json:"renewal_period"`
}

type aiGatewayInferenceTable struct {
	CatalogName     string `json:"catalog_name,omitempty"`
	SchemaName      string `json:"schema_name,omitempty"`
	TableNamePrefix string `json:"table_name_prefix,omitempty"`
	Enabled         bool   `json:"enabled,omitempty"`
}

type aiGatewayConfig struct {
	RateLimits           []aiGatewayRateLimit     `json:"rate_limits,omitempty"`
	InferenceTableConfig *aiGatewayInferenceTable `json:"inference_table_config,omitempty"`
	UsageTrackingConfig  *struct {
		Enabled bool `json:"enabled,omitempty"`
	} `json:"usage_tracking_config,omitempty"`
	FallbackConfig *struct {
		Enabled bool `json:"enabled"`
	} `json:"fallback_config,omitempty"`
	Guardrails json.RawMessage `json:"guardrails,omitempty"`
}

func (s *Service) putServingEndpointAIGateway(r *http.Request) (any, error) {
	var in aiGatewayConfig
	if err := core.DecodeBody(r, &in); err != nil {
		return nil, err
	}
	e, err := s.WithEndpoint(r.PathValue("name"), func(tx core.Tx, e *ServingEndpoint) error {
		return s.applyAIGateway(tx, e, in)
	})
	if err != nil {
		return nil, err
	}
	return e.AIGateway, nil
}

// applyAIGateway validates in and makes it e's gateway configuration.
func (s *Service) applyAIGateway(tx core.Tx, e *ServingEndpoint, in aiGatewayConfig) error {
	for i := range in.RateLimits {
		l := &in.RateLimits[i]
		if l.Key == "" {
			l.Key = "endpoint"
		}
		if !slices.Contains(aiGatewayRateLimitKeys, l.Key) {
			return core.InvalidParam("Invalid rate limit key '%s'. Valid values: %s.", l.Key, strings.Join(aiGatewayRateLimitKeys, ", "))
		}
		if l.RenewalPeriod != "minute" {
			return core.InvalidParam("Invalid rate limit renewal_period '%s'. Valid values: minute.", l.RenewalPeriod)
		}
		if (l.Calls <= 0) == (l.Tokens <= 0) {
			return core.InvalidParam("A rate limit sets exactly one of calls and tokens, as a positive number.")
		}
		if l.Key != "endpoint" && l.Principal == "" && l.Key != "user" {
			return core.InvalidParam("A rate limit with key '%s' needs a principal.", l.Key)
		}
	}
	if it := in.InferenceTableConfig; it != nil {
		var current *aiGatewayInferenceTable
		if e.AIGateway != nil {
			current = e.AIGateway.InferenceTableConfig
		}
		if current != nil && current.Enabled && it.Enabled &&
			(it.CatalogName != current.CatalogName || it.SchemaName != current.SchemaName || it.TableNamePrefix != current.TableNamePrefix) {
			return core.InvalidParam("The AI Gateway inference table of endpoint '%s' is enabled: disable it first to change its catalog_name, schema_name or table_name_prefix.", e.Name)
		}
		if it.Enabled {
			if it.CatalogName == "" || it.SchemaName == "" {
				return core.InvalidParam("inference_table_config needs catalog_name and schema_name to enable the inference table.")
			}
			if it.TableNamePrefix == "" {
				it.TableNamePrefix = e.Name
			}
			if err := s.putInferenceTables(tx, e.Name, inferenceTarget{it.CatalogName, it.SchemaName, it.TableNamePrefix, true}); err != nil {
				return err
			}
		}
	}
	e.AIGateway = &in
	return nil
}

// aiGatewayInferenceColumns is the schema of an AI Gateway inference table
// (Databricks docs, "AI Gateway-enabled inference tables").
func aiGatewayInferenceColumns() []columnInfo {
	return []columnInfo{
		col("request_date", "DATE"), col("databricks_request_id", "STRING"), col("client_request_id", "STRING"),
		col("request_time", "TIMESTAMP"), col("status_code", "INT"), col("sampling_fraction", "DOUBLE"),
		col("execution_duration_ms", "LONG"), col("request", "STRING"), col("response", "STRING"),
		col("served_entity_id", "STRING"), {Name: "logging_error_codes", TypeName: "ARRAY", TypeText: "array<string>", Nullable: ptr(true)}, col("requester", "STRING"),
	}
}
