package core

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Databricks error codes used by the emulator. The names and the HTTP status
// each one travels with are those of the real REST API, which is what lets
// databricks-sdk-go map them to its apierr sentinels (ErrResourceDoesNotExist,
// ErrAlreadyExists, ...). Source: databricks-sdk-go apierr/error_mapping.go.
const (
	CodeInvalidParameterValue = "INVALID_PARAMETER_VALUE"
	CodeMalformedRequest      = "MALFORMED_REQUEST"
	codeInvalidState          = "INVALID_STATE"
	CodeResourceDoesNotExist  = "RESOURCE_DOES_NOT_EXIST"
	CodeResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS"
	CodeResourceConflict      = "RESOURCE_CONFLICT"
	codeUnauthenticated       = "UNAUTHENTICATED"
	CodePermissionDenied      = "PERMISSION_DENIED"
	CodeNotImplemented        = "NOT_IMPLEMENTED"
	CodeRequestLimitExceeded  = "REQUEST_LIMIT_EXCEEDED"
	codeTemporarilyUnavail    = "TEMPORARILY_UNAVAILABLE"
	CodeInternalError         = "INTERNAL_ERROR"
)

// APIError is an error a handler returns to answer with the Databricks error
// body {"error_code": "...", "message": "..."}.
type APIError struct {
	Status  int    `json:"-"`
	Code    string `json:"error_code"`
	Message string `json:"message"`
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// APIErr is an error in the Databricks shape: status, error_code and message.
func APIErr(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidParam is the most common rejection: 400 INVALID_PARAMETER_VALUE.
func InvalidParam(format string, args ...any) *APIError {
	return APIErr(http.StatusBadRequest, CodeInvalidParameterValue, format, args...)
}

// NotFound is 404 RESOURCE_DOES_NOT_EXIST.
func NotFound(format string, args ...any) *APIError {
	return APIErr(http.StatusNotFound, CodeResourceDoesNotExist, format, args...)
}

// AlreadyExists is 409 RESOURCE_ALREADY_EXISTS.
func AlreadyExists(format string, args ...any) *APIError {
	return APIErr(http.StatusConflict, CodeResourceAlreadyExists, format, args...)
}

// InvalidState is 400 INVALID_STATE.
func InvalidState(format string, args ...any) *APIError {
	return APIErr(http.StatusBadRequest, codeInvalidState, format, args...)
}

// WriteJSON answers with a JSON body. Encoding errors are ignored: the status
// line is already sent and there is nobody left to tell.
func WriteJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if body == nil {
		body = struct{}{}
	}
	_ = json.NewEncoder(w).Encode(body)
}

// ShapedError is an error that is its own JSON body, in another API's shape
// (SCIM's), answered with its status instead of the Databricks shape.
type ShapedError interface {
	error
	HTTPStatus() int
}

// WriteAPIError answers with the Databricks error shape (a ShapedError's own
// shape for one). Any error that is
// not an *APIError is an emulator bug and becomes 500 INTERNAL_ERROR, never a
// panic or a bare text body.
func WriteAPIError(w http.ResponseWriter, err error) {
	if se, ok := err.(ShapedError); ok {
		WriteJSON(w, se.HTTPStatus(), se)
		return
	}
	apiError, ok := err.(*APIError)
	if !ok {
		apiError = APIErr(http.StatusInternalServerError, CodeInternalError, "%v", err)
	}
	WriteJSON(w, apiError.Status, apiError)
}
