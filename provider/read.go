package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// isNotFound reports whether err says the object does not exist.
func isNotFound(err error) bool { return errors.Is(err, apierr.ErrResourceDoesNotExist) }

// readFailed handles the error of a resource's Read call. An object that
// no longer exists is removed from state, so that Terraform plans to create
// it again (drift repair); any other error becomes a diagnostic naming what
// was read. It reports whether Read must stop.
func readFailed(ctx context.Context, resp *resource.ReadResponse, err error, kind, what string) bool {
	switch {
	case err == nil:
		return false
	case isNotFound(err):
		tflog.Warn(ctx, kind+" is gone; removing it from state", map[string]any{"object": what})
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.AddError("Reading "+kind+" failed", fmt.Sprintf("Reading %s: %v", what, err))
	}
	return true
}

// errNotFound wraps the SDK's not-found sentinel for objects the API has no
// get for, found (or not) in a list: Read then removes them from state.
var errNotFound = apierr.ErrResourceDoesNotExist
