package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// More conversions between API values and Terraform values, following the
// rule of values.go: an optional attribute the API leaves empty (zero)
// reads back as what the user wrote, so apply is never followed by a
// phantom diff, while a value set behind Terraform's back reads as drift.

// optionalInt64 is the API's value, or prior when the API reports zero and
// the prior value was null or zero.
func optionalInt64(prior types.Int64, api int64) types.Int64 {
	if api == 0 && (prior.IsNull() || prior.IsUnknown() || prior.ValueInt64() == 0) {
		if prior.IsUnknown() {
			return types.Int64Null()
		}
		return prior
	}
	return types.Int64Value(api)
}

// stringListFromAPI is the API's list, or prior when both are empty.
func stringListFromAPI(ctx context.Context, prior types.List, api []string, diags *diag.Diagnostics) types.List {
	if len(api) == 0 && (prior.IsNull() || prior.IsUnknown() || len(prior.Elements()) == 0) {
		if prior.IsUnknown() {
			return types.ListNull(types.StringType)
		}
		return prior
	}
	v, d := types.ListValueFrom(ctx, types.StringType, api)
	diags.Append(d...)
	return v
}

// stringsOf decodes a list or set of strings (nil when null).
func stringsOf(ctx context.Context, v interface {
	ElementsAs(context.Context, any, bool) diag.Diagnostics
}, diags *diag.Diagnostics) []string {
	var out []string
	diags.Append(v.ElementsAs(ctx, &out, false)...)
	return out
}

// stringMapOf decodes a map of strings (nil when null).
func stringMapOf(ctx context.Context, v types.Map, diags *diag.Diagnostics) map[string]string {
	var out map[string]string
	diags.Append(v.ElementsAs(ctx, &out, false)...)
	return out
}

// priorByKey indexes prior list elements by their key, so a read can match
// what the API returns (possibly reordered) with what the user wrote.
func priorByKey[T any](items []T, key func(T) string) map[string]T {
	out := make(map[string]T, len(items))
	for _, it := range items {
		out[key(it)] = it
	}
	return out
}

// orderLike orders api items like prior (by key); items prior does not
// know follow in the API's order. The API may sort lists (the Jobs API
// returns tasks sorted by task_key), which must not read as a change.
func orderLike[A, P any](api []A, apiKey func(A) string, prior []P, priorKey func(P) string) []A {
	pos := map[string]int{}
	for i, p := range prior {
		pos[priorKey(p)] = i
	}
	out := make([]A, 0, len(api))
	var rest []A
	placed := make([]*A, len(prior))
	for i := range api {
		if j, ok := pos[apiKey(api[i])]; ok && placed[j] == nil {
			placed[j] = &api[i]
			continue
		}
		rest = append(rest, api[i])
	}
	for _, p := range placed {
		if p != nil {
			out = append(out, *p)
		}
	}
	return append(out, rest...)
}
