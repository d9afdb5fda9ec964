package core

import (
	"encoding/base64"
	"net/http"
	"strconv"
)

// Page slices items for list endpoints that take page_size/page_token and
// answer next_page_token. Tokens are opaque to clients (base64 of an offset,
// like the real services' opaque cursors); a token this emulator did not
// issue is INVALID_PARAMETER_VALUE.
func Page[T any](r *http.Request, items []T, defaultSize, maxSize int) ([]T, string, error) {
	size, err := QueryInt(r, "page_size", 0)
	if err != nil {
		return nil, "", err
	}
	if size < 0 {
		return nil, "", InvalidParam("page_size must be non-negative, got %d", size)
	}
	if size == 0 || size > maxSize {
		size = defaultSize
		if size == 0 {
			size = len(items)
		}
	}
	return PageAt(r, items, size)
}

// PageMaxResults is page for the Unity Catalog and MLflow lists, which size
// pages with max_results: absent is unsized (unpagedAll) or the server
// default, 0 is the server default, above maxSize is capped, negative is
// refused. Source: databricks-sdk-go service/catalog/model.go
// (ListCatalogsRequest.MaxResults, ListRegisteredModelsRequest.MaxResults).
func PageMaxResults[T any](r *http.Request, items []T, defaultSize, maxSize int, unpagedAll bool) ([]T, string, error) {
	raw := r.URL.Query().Get("max_results")
	size, err := QueryInt(r, "max_results", 0)
	if err != nil {
		return nil, "", err
	}
	switch {
	case size < 0:
		return nil, "", InvalidParam("max_results must be greater than or equal to 0, got %d", size)
	case raw == "" && unpagedAll:
		size = max(len(items), 1)
	case size == 0:
		size = defaultSize
	case size > maxSize:
		size = maxSize
	}
	return PageAt(r, items, size)
}

// PageAt returns the size items after the offset page_token encodes.
func PageAt[T any](r *http.Request, items []T, size int) ([]T, string, error) {
	offset, err := DecodePageToken(r.URL.Query().Get("page_token"))
	if err != nil {
		return nil, "", err
	}
	if offset >= len(items) {
		return []T{}, "", nil
	}
	end := min(offset+size, len(items))
	next := ""
	if end < len(items) {
		next = PageToken(end)
	}
	return items[offset:end], next, nil
}

// DecodePageToken is the offset a page token this emulator issued encodes
// ("" is the first page).
func DecodePageToken(tok string) (int, error) {
	if tok == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	offset := 0
	if err == nil {
		offset, err = strconv.Atoi(string(raw))
	}
	if err != nil || offset < 0 {
		return 0, InvalidParam("Invalid page_token: %q", tok)
	}
	return offset, nil
}

// PageToken is the opaque token of the page starting at offset.
func PageToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset)))
}

// PageBody is pageMaxResults for searches that take max_results and
// page_token in a POST body (MLflow runs/search, experiments/search).
func PageBody[T any](r *http.Request, items []T, maxResults int, token string, defaultSize, maxSize int) ([]T, string, error) {
	q := r.URL.Query()
	q.Set("max_results", strconv.Itoa(maxResults))
	q.Set("page_token", token)
	r.URL.RawQuery = q.Encode()
	return PageMaxResults(r, items, defaultSize, maxSize, false)
}
