package core

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Exchange is one workspace API request and its answer, as Options.Record
// writes them (one JSON object a line): what a client sent, never its
// headers (so no credential), and what the emulator answered. The official
// clients' traffic is kept in this form as test data (testdata/official/)
// and replayed by the tests.
type Exchange struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Query  string          `json:"query,omitempty"`
	Body   json.RawMessage `json:"body,omitempty"`
	Status int             `json:"status"`
	// Response is the answer's JSON body (absent when it was not JSON).
	Response json.RawMessage `json:"response,omitempty"`
}

// recorder writes Exchanges to Options.Record.
type recorder struct {
	mu sync.Mutex
	w  io.Writer
}

// recordable: workspace API traffic only; operator calls are the test
// harness talking, not the client under test.
func recordable(r *http.Request) bool {
	return isWorkspacePath(r.URL.Path) && !strings.HasPrefix(r.URL.Path, operatorPrefix)
}

// capture reads r's body for the record and puts it back for the handler.
func capture(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	return raw
}

func (rec *recorder) write(r *http.Request, reqBody []byte, status int, respBody []byte) {
	e := Exchange{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status}
	if json.Valid(reqBody) {
		e.Body = bytes.TrimSpace(reqBody)
	}
	if json.Valid(respBody) {
		e.Response = bytes.TrimSpace(respBody)
	}
	line, err := json.Marshal(e)
	if err != nil {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	_, _ = rec.w.Write(append(line, '\n'))
}

// teeWriter keeps a copy of the answer's body for the record.
type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (t *teeWriter) Write(b []byte) (int, error) {
	t.buf.Write(b)
	return t.ResponseWriter.Write(b)
}
