package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
)

// FuzzRequestDecoding sends arbitrary bodies and query strings to every
// route: whatever arrives, the emulator answers JSON — a 2xx body or the
// error shape of the route's family — and never a 500. `make test` runs the seed corpus
// (the junk bodies of the bad-input suite and valid requests); `make fuzz`
// explores further. Requests go straight to the handler, without a socket,
// so the fuzzer runs thousands of inputs a second.
func FuzzRequestDecoding(f *testing.F) {
	for i, body := range append(junkBodies,
		`{"spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","num_workers":1}`,
		`{"cluster_id":"x","num_workers":2}`,
		`{"rules":[{"path_prefix":"/api/","rate_429":0.5}]}`,
	) {
		f.Add(uint8(i), []byte(body), "page_size=2&page_token=MQ&cluster_id=x")
	}
	srv, err := emulator.NewServer(emulator.Options{DataDir: f.TempDir(), NoSync: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	routes := routeTable(f, srv)
	f.Fuzz(func(t *testing.T, route uint8, body []byte, query string) {
		rt := routes[int(route)%len(routes)]
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = strings.NewReplacer("{", "", "}", "").Replace(path)
		req := httptest.NewRequest(method, "/", bytes.NewReader(body))
		req.URL.Path, req.URL.RawQuery = path, query
		token := emulator.DefaultToken
		if rt.Family == "operator" {
			token = srv.OperatorToken()
		}
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		// A fuzzed PUT /_emulator/faults may install a rule; drop it so
		// the next input meets the handler, not an injected fault.
		clear := httptest.NewRequest(http.MethodDelete, "/_emulator/faults", nil)
		clear.Header.Set("Authorization", "Bearer "+srv.OperatorToken())
		srv.ServeHTTP(httptest.NewRecorder(), clear)

		if problem := checkAnswer(rt.Family, method, rec.Code, rec.Body.Bytes()); problem != "" {
			t.Fatalf("%s %s?%q with body %q: %s: %d %s", method, path, query, body, problem, rec.Code, rec.Body)
		}
	})
}

// routeTable asks the server for its route table.
func routeTable(tb testing.TB, srv *emulator.Server) []emulator.Route {
	req := httptest.NewRequest(http.MethodGet, "/_emulator/routes", nil)
	req.Header.Set("Authorization", "Bearer "+srv.OperatorToken())
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var out struct {
		Routes []emulator.Route `json:"routes"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Routes) == 0 {
		tb.Fatalf("GET /_emulator/routes: %d %s", rec.Code, rec.Body)
	}
	return out.Routes
}

// checkAnswer reports what is wrong with an answer of a route in family:
// a 5xx, a body that is not JSON, or an error outside the family's shape.
func checkAnswer(family, method string, status int, body []byte) string {
	if status >= 500 {
		return "a server error"
	}
	if method == http.MethodHead || len(bytes.TrimSpace(body)) == 0 && (status < 400 || family == "arm") {
		return ""
	}
	if !json.Valid(body) {
		return "a body that is not JSON"
	}
	if status < 400 {
		return ""
	}
	code, message := errorOf(family, body)
	ok := message != "" && (code != "" || family == "github")
	if !ok {
		return "an error outside the " + family + " error shape"
	}
	return ""
}

// errorOf extracts the code and message of an error answer in family's
// shape.
func errorOf(family string, body []byte) (code, message string) {
	var e struct {
		ErrorCode   string          `json:"error_code"`
		Message     string          `json:"message"`
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
		// SCIM's error shape (RFC 7644 §3.12), which the SDK reads as
		// error code SCIM_<status>.
		Detail string `json:"detail"`
		Status string `json:"status"`
	}
	_ = json.Unmarshal(body, &e)
	switch family {
	case "workspace", "operator":
		if e.ErrorCode == "" && e.Detail != "" {
			return "SCIM_" + e.Status, e.Detail
		}
		return e.ErrorCode, e.Message
	case "github":
		return "", e.Message
	case "entra":
		_ = json.Unmarshal(e.Error, &code)
		return code, e.Description
	case "arm":
		var inner struct{ Code, Message string }
		_ = json.Unmarshal(e.Error, &inner)
		return inner.Code, inner.Message
	}
	return "", ""
}
