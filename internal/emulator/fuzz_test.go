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
// API's error shape — and never a 500. `make test` runs the seed corpus
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
	routes := routePatterns(f, srv)
	f.Fuzz(func(t *testing.T, route uint8, body []byte, query string) {
		method, path, _ := strings.Cut(routes[int(route)%len(routes)], " ")
		path = strings.NewReplacer("{", "", "}", "").Replace(path)
		req := httptest.NewRequest(method, "/", bytes.NewReader(body))
		req.URL.Path, req.URL.RawQuery = path, query
		req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		// A fuzzed PUT /_emulator/faults may install a rule; drop it so
		// the next input meets the handler, not an injected fault.
		clear := httptest.NewRequest(http.MethodDelete, "/_emulator/faults", nil)
		clear.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
		srv.ServeHTTP(httptest.NewRecorder(), clear)

		if rec.Code >= 500 {
			t.Fatalf("%s %s?%q with body %q: %d %s", method, path, query, body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s: answer is not JSON: %q", method, path, rec.Body)
		}
		if rec.Code >= 400 {
			var e apiErrorBody
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.ErrorCode == "" {
				t.Fatalf("%s %s: %d without error_code: %s", method, path, rec.Code, rec.Body)
			}
		}
	})
}

// routePatterns asks the server for its route table.
func routePatterns(tb testing.TB, srv http.Handler) []string {
	req := httptest.NewRequest(http.MethodGet, "/_emulator/routes", nil)
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var out struct {
		Routes []string `json:"routes"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Routes) == 0 {
		tb.Fatalf("GET /_emulator/routes: %d %s", rec.Code, rec.Body)
	}
	return out.Routes
}
