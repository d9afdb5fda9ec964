package core

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// RequestLogEntry is one served request, as /_emulator/requests reports it.
// It never holds headers, so credentials cannot leak through it.
type RequestLogEntry struct {
	Seq        uint64    `json:"seq"`
	Time       time.Time `json:"time"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Query      string    `json:"query,omitempty"`
	UserAgent  string    `json:"user_agent,omitempty"`
	Status     int       `json:"status"`
	DurationMs float64   `json:"duration_ms"`
	// Fault says what fault injection did to the request, if anything.
	Fault string `json:"fault,omitempty"`
}

// RequestLogRing is a bounded ring of recent requests, kept in memory only: it
// is a debugging and measuring aid, not state.
type RequestLogRing struct {
	mu      sync.Mutex
	entries []RequestLogEntry
	next    int
	full    bool
	seq     uint64
}

func newRequestLog(size int) *RequestLogRing {
	return &RequestLogRing{entries: make([]RequestLogEntry, size)}
}

func (l *RequestLogRing) add(r *http.Request, status int, d time.Duration, fault string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	l.entries[l.next] = RequestLogEntry{
		Seq: l.seq, Time: time.Now().UTC(), Method: r.Method, Path: r.URL.Path,
		Query: redactQuery(r.URL.RawQuery), UserAgent: r.UserAgent(), Status: status, DurationMs: float64(d.Microseconds()) / 1000, Fault: fault,
	}
	l.next = (l.next + 1) % len(l.entries)
	if l.next == 0 {
		l.full = true
	}
}

// sensitiveParams are query parameters that carry credentials: OAuth
// tokens, codes and secrets, SAS signatures, API keys. Compared lower-case.
var sensitiveParams = map[string]bool{
	"token": true, "access_token": true, "refresh_token": true, "id_token": true, "client_secret": true,
	"code": true, "sig": true, "signature": true, "password": true, "secret": true, "api_key": true,
	"apikey": true, "key": true, "client_assertion": true, "assertion": true, "x-amz-signature": true,
}

// redactQuery replaces the values of sensitive parameters with REDACTED,
// keeping the rest of the query as sent. A query that does not parse is
// dropped whole: it might hide a credential.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var out []string
	for _, part := range strings.Split(raw, "&") {
		k, _, hasValue := strings.Cut(part, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			return "REDACTED"
		}
		if hasValue && sensitiveParams[strings.ToLower(name)] {
			part = k + "=REDACTED"
		}
		out = append(out, part)
	}
	return strings.Join(out, "&")
}

// Since returns the entries after seq whose path starts with prefix, oldest first.
func (l *RequestLogRing) Since(seq uint64, prefix string) []RequestLogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []RequestLogEntry{}
	start, n := 0, l.next
	if l.full {
		start, n = l.next, len(l.entries)
	}
	for i := 0; i < n; i++ {
		e := l.entries[(start+i)%len(l.entries)]
		if e.Seq > seq && strings.HasPrefix(e.Path, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// LastSeq is the sequence number of the latest request; it only grows.
func (l *RequestLogRing) LastSeq() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}

func (l *RequestLogRing) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next, l.full = 0, false
}

// RequestLog returns the requests the server remembers, oldest first.
func (s *Server) RequestLog() []RequestLogEntry { return s.reqLog.Since(0, "") }
