package core

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultRule injects failures into requests whose path starts with
// PathPrefix (and, if set, whose method is Method). Rates are fractions of
// matching requests, drawn independently per request.
type FaultRule struct {
	PathPrefix string `json:"path_prefix"`
	Method     string `json:"method,omitempty"`
	// LatencyMs delays every matching request.
	LatencyMs int `json:"latency_ms,omitempty"`
	// Rate429 answers 429 REQUEST_LIMIT_EXCEEDED with Retry-After.
	Rate429 float64 `json:"rate_429,omitempty"`
	// Rate503 answers 503 TEMPORARILY_UNAVAILABLE with Retry-After.
	Rate503 float64 `json:"rate_503,omitempty"`
	// Status, when set, answers every matching request with that status
	// (e.g. 500): a permanent fault, for testing how failures surface.
	Status int `json:"status,omitempty"`
	// RetryAfterSeconds is the Retry-After value sent with 429 and 503; default 1.
	RetryAfterSeconds int `json:"retry_after_seconds,omitempty"`
	// AfterHandler injects the fault after the request was processed: the
	// write happens, its answer is lost — what a gateway timeout or a
	// dropped connection does to a client. Retried creates then show
	// whether clients are idempotent (e.g. clusters' idempotency_token).
	AfterHandler bool `json:"after_handler,omitempty"`
	// RateLostAnswer is the fraction of matching writes (any method but
	// GET and HEAD) that are processed and whose answer is then lost: the
	// client gets 503 TEMPORARILY_UNAVAILABLE with Retry-After although the
	// write happened, as after a gateway timeout. The SDK retries a 503, so
	// a create without an idempotency key meets its own object (or makes a
	// duplicate). Drawn after Rate429 and Rate503, which fail before the
	// handler runs.
	RateLostAnswer float64 `json:"rate_lost_answer,omitempty"`
	// Times, when set, retires the rule after it has matched that many
	// requests (later ones fall through to the next rule): "lose the
	// answer to the first create" is rate_lost_answer 1 with times 1.
	Times int `json:"times,omitempty"`
}

// FaultConfig is the body of PUT /_emulator/faults.
type FaultConfig struct {
	Rules []FaultRule `json:"rules"`
}

func (c FaultConfig) validate() error {
	for i, r := range c.Rules {
		if !strings.HasPrefix(r.PathPrefix, "/") {
			return InvalidParam("rules[%d].path_prefix must start with '/'", i)
		}
		if r.Rate429 < 0 || r.Rate503 < 0 || r.RateLostAnswer < 0 || r.Rate429+r.Rate503+r.RateLostAnswer > 1 {
			return InvalidParam("rules[%d]: rate_429, rate_503 and rate_lost_answer must be between 0 and 1 and sum to at most 1", i)
		}
		if r.Status != 0 && (r.Status < 400 || r.Status > 599) {
			return InvalidParam("rules[%d].status must be an HTTP error status (400-599)", i)
		}
		if r.Times < 0 {
			return InvalidParam("rules[%d].times must not be negative", i)
		}
		if r.LatencyMs < 0 || r.LatencyMs > 60000 {
			return InvalidParam("rules[%d].latency_ms must be between 0 and 60000", i)
		}
	}
	return nil
}

type faultInjector struct {
	mu    sync.Mutex
	rules []FaultRule
	// matched counts the requests each rule has matched, for Times.
	matched []int
}

func newFaultInjector() *faultInjector { return &faultInjector{} }

func (f *faultInjector) set(c FaultConfig) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append([]FaultRule(nil), c.Rules...)
	f.matched = make([]int, len(f.rules))
}

// Get is the fault rules in force.
func (f *faultInjector) Get() FaultConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return FaultConfig{Rules: append([]FaultRule{}, f.rules...)}
}

// fault is what the injector decided for one request: a delay, and an
// answer that replaces the real one (nil for none), given before the
// handler runs or, with after, once it has run.
type fault struct {
	delay      time.Duration
	answer     *APIError
	retryAfter int
	after      bool
}

// decide draws the fault for r from the first matching rule.
func (f *faultInjector) decide(r *http.Request) fault {
	f.mu.Lock()
	var rule *FaultRule
	for i, fr := range f.rules {
		if strings.HasPrefix(r.URL.Path, fr.PathPrefix) && (fr.Method == "" || strings.EqualFold(fr.Method, r.Method)) &&
			(fr.Times == 0 || f.matched[i] < fr.Times) {
			f.matched[i]++
			rule = &fr
			break
		}
	}
	f.mu.Unlock()
	if rule == nil {
		return fault{}
	}
	out := fault{delay: time.Duration(rule.LatencyMs) * time.Millisecond, after: rule.AfterHandler}
	if rule.Status != 0 {
		out.answer = APIErr(rule.Status, statusCode(rule.Status), "Injected fault: %s answers %d.", rule.PathPrefix, rule.Status)
		return out
	}
	out.retryAfter = rule.RetryAfterSeconds
	if out.retryAfter <= 0 {
		out.retryAfter = 1
	}
	switch x := rand.Float64(); {
	case x < rule.Rate429:
		out.answer = APIErr(http.StatusTooManyRequests, CodeRequestLimitExceeded, "Injected fault: too many requests, retry after %d s.", out.retryAfter)
	case x < rule.Rate429+rule.Rate503:
		out.answer = APIErr(http.StatusServiceUnavailable, codeTemporarilyUnavail, "Injected fault: service temporarily unavailable, retry after %d s.", out.retryAfter)
	case x < rule.Rate429+rule.Rate503+rule.RateLostAnswer && isWrite(r.Method):
		out.answer = APIErr(http.StatusServiceUnavailable, codeTemporarilyUnavail, "Injected fault: the answer was lost (the request was processed), retry after %d s.", out.retryAfter)
		out.after = true
	}
	return out
}

// describe says what was injected, for the request log ("" for nothing).
func (f fault) describe() string {
	var parts []string
	if f.delay > 0 {
		parts = append(parts, fmt.Sprintf("latency +%d ms", f.delay.Milliseconds()))
	}
	if f.answer != nil {
		what := fmt.Sprintf("answered %d", f.answer.Status)
		if f.after {
			what += " after the handler ran (answer lost)"
		}
		parts = append(parts, what)
	}
	return strings.Join(parts, ", ")
}

// isWrite reports whether a request of method may change state.
func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}

// write sends the injected answer.
func (f fault) write(w http.ResponseWriter) {
	if f.answer.Status == http.StatusTooManyRequests || f.answer.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
	}
	WriteAPIError(w, f.answer)
}

// discardWriter swallows the real answer of a request whose fault comes
// after the handler.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

// statusCode picks the error_code the real API pairs with an HTTP status.
func statusCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return CodeInvalidParameterValue
	case http.StatusUnauthorized:
		return codeUnauthenticated
	case http.StatusForbidden:
		return CodePermissionDenied
	case http.StatusNotFound:
		return CodeResourceDoesNotExist
	case http.StatusConflict:
		return CodeResourceConflict
	case http.StatusTooManyRequests:
		return CodeRequestLimitExceeded
	case http.StatusServiceUnavailable:
		return codeTemporarilyUnavail
	case http.StatusNotImplemented:
		return CodeNotImplemented
	default:
		return CodeInternalError
	}
}
