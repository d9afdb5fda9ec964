package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Conversions between API values and Terraform values. The rule they share:
// an optional attribute the API leaves empty reads back as what the user
// wrote (null or empty), so an apply is never followed by a phantom diff,
// while a value set behind Terraform's back reads as drift.

// optionalString is the API's value, or prior when the API has none and the
// prior value was null (the attribute was not configured).
func optionalString(prior types.String, api string) types.String {
	if api == "" && (prior.IsNull() || prior.ValueString() == "") {
		return prior
	}
	return types.StringValue(api)
}

// stringMapFromAPI is the API's map, or prior when both are empty.
func stringMapFromAPI(ctx context.Context, prior types.Map, api map[string]string, diags *diag.Diagnostics) types.Map {
	if len(api) == 0 && (prior.IsNull() || len(prior.Elements()) == 0) {
		if prior.IsUnknown() {
			return types.MapNull(types.StringType)
		}
		return prior
	}
	v, d := types.MapValueFrom(ctx, types.StringType, api)
	diags.Append(d...)
	return v
}

// enumValues turns an SDK enum's Values() into strings for validators.
func enumValues[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
