package provider

import (
	"context"

	"github.com/databricks/databricks-sdk-go"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// modelSource is what a request carries a model in: tfsdk.Plan, State or
// Config.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// begin is how a resource operation starts: the model from the request's
// plan or state, and the workspace client. ok is false when either failed
// (the diagnostics say why).
func begin[T any](ctx context.Context, d *providerData, src modelSource, diags *diag.Diagnostics) (T, *databricks.WorkspaceClient, bool) {
	var m T
	diags.Append(src.Get(ctx, &m)...)
	w, wd := d.workspace()
	diags.Append(wd...)
	return m, w, !diags.HasError()
}
