package provider

import (
	"reflect"

	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The AI Gateway block of brickops_serving_endpoint: rate limits, usage
// tracking, an AI Gateway inference table and traffic fallback, set with
// PUT .../ai-gateway — like tags, without redeploying the served models.

type aiGatewayModel struct {
	UsageTrackingConfig  *enabledModel          `tfsdk:"usage_tracking_config"`
	RateLimits           []aiRateLimitModel     `tfsdk:"rate_limits"`
	InferenceTableConfig *aiInferenceTableModel `tfsdk:"inference_table_config"`
	FallbackConfig       *enabledModel          `tfsdk:"fallback_config"`
}

type enabledModel struct {
	Enabled types.Bool `tfsdk:"enabled"`
}

type aiRateLimitModel struct {
	Calls         types.Int64  `tfsdk:"calls"`
	Tokens        types.Int64  `tfsdk:"tokens"`
	Key           types.String `tfsdk:"key"`
	Principal     types.String `tfsdk:"principal"`
	RenewalPeriod types.String `tfsdk:"renewal_period"`
}

type aiInferenceTableModel struct {
	CatalogName     types.String `tfsdk:"catalog_name"`
	SchemaName      types.String `tfsdk:"schema_name"`
	TableNamePrefix types.String `tfsdk:"table_name_prefix"`
	Enabled         types.Bool   `tfsdk:"enabled"`
}

func aiGatewayAttribute() schema.SingleNestedAttribute {
	enabled := func(desc string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			Optional: true, MarkdownDescription: desc,
			Attributes: map[string]schema.Attribute{"enabled": schema.BoolAttribute{Required: true, MarkdownDescription: "Whether it is on."}},
		}
	}
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "AI Gateway: rate limits, usage tracking, an AI Gateway inference table and fallback between served " +
			"entities. Changes in place without redeploying the served models.",
		Attributes: map[string]schema.Attribute{
			"usage_tracking_config": enabled("Record usage in system tables."),
			"fallback_config":       enabled("On a served entity's error, retry the request on the other served entities."),
			"rate_limits": schema.ListNestedAttribute{
				Optional: true, MarkdownDescription: "Limits per minute, for the endpoint or per user, group or service principal.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"calls": schema.Int64Attribute{
						Optional: true, MarkdownDescription: "Requests allowed per renewal period; exactly one of `calls` and `tokens`.",
						Validators: []validator.Int64{int64validator.AtLeast(1), int64validator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("tokens"))},
					},
					"tokens": schema.Int64Attribute{
						Optional: true, MarkdownDescription: "Tokens allowed per renewal period.",
						Validators: []validator.Int64{int64validator.AtLeast(1)},
					},
					"key": schema.StringAttribute{
						Optional: true, Computed: true, Default: stringdefault.StaticString("endpoint"),
						MarkdownDescription: "`endpoint` (default), `user`, `user_group` or `service_principal`.",
						Validators:          []validator.String{stringvalidator.OneOf("endpoint", "user", "user_group", "service_principal")},
					},
					"principal": schema.StringAttribute{Optional: true, MarkdownDescription: "The user, group or service principal a keyed limit applies to."},
					"renewal_period": schema.StringAttribute{
						Optional: true, Computed: true, Default: stringdefault.StaticString("minute"),
						MarkdownDescription: "`minute` (the only period the API supports).",
						Validators:          []validator.String{stringvalidator.OneOf("minute")},
					},
				}},
			},
			"inference_table_config": schema.SingleNestedAttribute{
				Optional: true, MarkdownDescription: "Log requests and responses to `<catalog>.<schema>.<table_name_prefix>_payload`.",
				Attributes: map[string]schema.Attribute{
					"catalog_name":      schema.StringAttribute{Required: true, MarkdownDescription: "Catalog of the table."},
					"schema_name":       schema.StringAttribute{Required: true, MarkdownDescription: "Schema of the table."},
					"table_name_prefix": schema.StringAttribute{Required: true, MarkdownDescription: "Prefix of the table name."},
					"enabled": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(true),
						MarkdownDescription: "Whether requests are logged. Default true.",
					},
				},
			},
		},
	}
}

// request is the PUT .../ai-gateway body; a nil gateway clears it.
func (g *aiGatewayModel) request(name string) serving.PutAiGatewayRequest {
	req := serving.PutAiGatewayRequest{Name: name}
	if g == nil {
		return req
	}
	c := g.config()
	req.UsageTrackingConfig, req.RateLimits, req.InferenceTableConfig, req.FallbackConfig = c.UsageTrackingConfig, c.RateLimits, c.InferenceTableConfig, c.FallbackConfig
	return req
}

func (g *aiGatewayModel) config() *serving.AiGatewayConfig {
	if g == nil {
		return nil
	}
	c := &serving.AiGatewayConfig{}
	if u := g.UsageTrackingConfig; u != nil {
		c.UsageTrackingConfig = &serving.AiGatewayUsageTrackingConfig{Enabled: u.Enabled.ValueBool(), ForceSendFields: []string{"Enabled"}}
	}
	if f := g.FallbackConfig; f != nil {
		c.FallbackConfig = &serving.FallbackConfig{Enabled: f.Enabled.ValueBool()}
	}
	for _, l := range g.RateLimits {
		c.RateLimits = append(c.RateLimits, serving.AiGatewayRateLimit{
			Calls: l.Calls.ValueInt64(), Tokens: l.Tokens.ValueInt64(), Key: serving.AiGatewayRateLimitKey(l.Key.ValueString()),
			Principal: l.Principal.ValueString(), RenewalPeriod: serving.AiGatewayRateLimitRenewalPeriod(l.RenewalPeriod.ValueString()),
		})
	}
	if it := g.InferenceTableConfig; it != nil {
		c.InferenceTableConfig = &serving.AiGatewayInferenceTableConfig{
			CatalogName: it.CatalogName.ValueString(), SchemaName: it.SchemaName.ValueString(),
			TableNamePrefix: it.TableNamePrefix.ValueString(), Enabled: it.Enabled.ValueBool(), ForceSendFields: []string{"Enabled"},
		}
	}
	return c
}

// aiGatewayChanged reports whether a PUT .../ai-gateway is needed.
func aiGatewayChanged(plan, state *aiGatewayModel) bool {
	return !reflect.DeepEqual(plan.config(), state.config())
}

// aiGatewayFromAPI reads the gateway; a gateway with nothing set reads as
// unset when the configuration has none.
func aiGatewayFromAPI(prior *aiGatewayModel, g *serving.AiGatewayConfig) *aiGatewayModel {
	if g == nil {
		return nil
	}
	empty := len(g.RateLimits) == 0 && g.InferenceTableConfig == nil && g.FallbackConfig == nil &&
		(g.UsageTrackingConfig == nil || !g.UsageTrackingConfig.Enabled)
	if empty && prior == nil {
		return nil
	}
	if prior == nil {
		prior = &aiGatewayModel{}
	}
	out := &aiGatewayModel{}
	if u := g.UsageTrackingConfig; u != nil && (u.Enabled || prior.UsageTrackingConfig != nil) {
		out.UsageTrackingConfig = &enabledModel{Enabled: types.BoolValue(u.Enabled)}
	}
	if f := g.FallbackConfig; f != nil {
		out.FallbackConfig = &enabledModel{Enabled: types.BoolValue(f.Enabled)}
	}
	for i, l := range g.RateLimits {
		p := aiRateLimitModel{Calls: types.Int64Null(), Tokens: types.Int64Null(), Principal: types.StringNull()}
		if i < len(prior.RateLimits) {
			p = prior.RateLimits[i]
		}
		out.RateLimits = append(out.RateLimits, aiRateLimitModel{
			Calls: optionalInt64(p.Calls, l.Calls), Tokens: optionalInt64(p.Tokens, l.Tokens), Key: types.StringValue(string(l.Key)),
			Principal: optionalString(p.Principal, l.Principal), RenewalPeriod: types.StringValue(string(l.RenewalPeriod)),
		})
	}
	if it := g.InferenceTableConfig; it != nil {
		out.InferenceTableConfig = &aiInferenceTableModel{
			CatalogName: types.StringValue(it.CatalogName), SchemaName: types.StringValue(it.SchemaName),
			TableNamePrefix: types.StringValue(it.TableNamePrefix), Enabled: types.BoolValue(it.Enabled),
		}
	}
	return out
}
