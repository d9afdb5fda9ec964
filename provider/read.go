package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// isNotFound reports whether err says the object does not exist.
func isNotFound(err error) bool { return errors.Is(err, apierr.ErrResourceDoesNotExist) }

// doesNotExist is the message the Clusters and Jobs APIs answer, with 400
// INVALID_PARAMETER_VALUE, for an id they do not know.
var doesNotExist = regexp.MustCompile(`^(Cluster|Job) .* does not exist`)

// isGone reports whether a delete's err says the object no longer exists.
// The SDK turns the API's 400 "Cluster <id> does not exist" / "Job <id>
// does not exist." into ErrResourceDoesNotExist only for clusters/get and
// jobs/get (apierr/error_overrides.go); permanent-delete and jobs/delete
// answer the same, and must count as gone too: otherwise a delete retried
// after its answer was lost (a 503 from a gateway), or a destroy without
// refresh of an object deleted behind Terraform's back, fails although
// the object is gone.
//
// Instance pools, SQL warehouses and MLflow experiments stay readable in a
// deleted state, and a second delete answers 400 INVALID_STATE
// (alreadyDeleted): gone as well.
func isGone(err error) bool {
	if isNotFound(err) {
		return true
	}
	var apiErr *apierr.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.ErrorCode == "INVALID_PARAMETER_VALUE" && doesNotExist.MatchString(apiErr.Message) ||
		apiErr.ErrorCode == "INVALID_STATE" && alreadyDeleted.MatchString(apiErr.Message)
}

// alreadyDeleted is what deleting a deleted instance pool, SQL warehouse
// or MLflow experiment answers.
var alreadyDeleted = regexp.MustCompile(`^((Instance pool|SQL warehouse) .* is deleted|Cannot delete an experiment in the deleted lifecycle stage)`)

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
