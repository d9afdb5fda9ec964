package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxBodyBytes bounds a request body; the real API refuses far smaller
// payloads for most endpoints, so this only stops a runaway client.
const MaxBodyBytes = 10 << 20

// DecodeBody reads a JSON object request body into v, answering like the
// real API: a body that is not JSON or not an object is MALFORMED_REQUEST,
// a field of the wrong type is INVALID_PARAMETER_VALUE naming the field.
// An empty body decodes as {} (the SDK sends none for some POSTs).
func DecodeBody(r *http.Request, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return APIErr(http.StatusBadRequest, CodeMalformedRequest, "Could not read the request body: %v", err)
	}
	if len(raw) > MaxBodyBytes {
		return APIErr(http.StatusRequestEntityTooLarge, CodeInvalidParameterValue, "Request body exceeds the maximum size of %d bytes.", MaxBodyBytes)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	if raw[0] != '{' {
		return APIErr(http.StatusBadRequest, CodeMalformedRequest, "Invalid JSON given in the body of the request - expected a map")
	}
	// encoding/json turns invalid UTF-8 into U+FFFD silently; the real API
	// refuses such a body rather than store a mangled name.
	if !utf8.Valid(raw) {
		return APIErr(http.StatusBadRequest, CodeMalformedRequest, "Invalid JSON given in the body of the request - the body is not valid UTF-8")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return InvalidParam("Invalid value for field '%s': expected %s but got %s", typeErr.Field, JSONTypeName(typeErr.Type.Kind().String()), typeErr.Value)
		}
		return APIErr(http.StatusBadRequest, CodeMalformedRequest, "Invalid JSON given in the body of the request - failed to parse given JSON")
	}
	return nil
}

// JSONTypeName names a Go kind the way JSON (and the real API's messages) do.
func JSONTypeName(goKind string) string {
	switch goKind {
	case "int", "int32", "int64", "uint", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "bool":
		return "a boolean"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	default:
		return "an object"
	}
}

// QueryInt reads an optional integer query parameter.
func QueryInt(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, InvalidParam("Invalid value for parameter '%s': %q is not an integer", name, v)
	}
	return n, nil
}

// RequireString rejects a missing or empty required field the way the real
// API does.
func RequireString(field, value string) error {
	if value == "" {
		return InvalidParam("Missing required field: %s", field)
	}
	return nil
}

// OneOf rejects a value outside an enum the way the real API does, listing
// the valid values; an empty (unset) value passes.
func OneOf(field, value string, valid []string) error {
	if value == "" || slices.Contains(valid, value) {
		return nil
	}
	return InvalidParam("Invalid %s %q. Valid values: %s.", field, value, strings.Join(valid, ", "))
}
