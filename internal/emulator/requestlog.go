package emulator

import (
	"net/http"
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
}

// requestLog is a bounded ring of recent requests, kept in memory only: it
// is a debugging and measuring aid, not state.
type requestLog struct {
	mu      sync.Mutex
	entries []RequestLogEntry
	next    int
	full    bool
	seq     uint64
}

func newRequestLog(size int) *requestLog {
	return &requestLog{entries: make([]RequestLogEntry, size)}
}

func (l *requestLog) add(r *http.Request, status int, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	l.entries[l.next] = RequestLogEntry{
		Seq: l.seq, Time: time.Now().UTC(), Method: r.Method, Path: r.URL.Path,
		Query: r.URL.RawQuery, UserAgent: r.UserAgent(), Status: status, DurationMs: float64(d.Microseconds()) / 1000,
	}
	l.next = (l.next + 1) % len(l.entries)
	if l.next == 0 {
		l.full = true
	}
}

// since returns the entries after seq whose path starts with prefix, oldest first.
func (l *requestLog) since(seq uint64, prefix string) []RequestLogEntry {
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

func (l *requestLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next, l.full = 0, false
}

// RequestLog returns the requests the server remembers, oldest first.
func (s *Server) RequestLog() []RequestLogEntry { return s.reqLog.since(0, "") }
