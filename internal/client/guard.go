package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DefaultUnreachableTimeout bounds how long a client keeps retrying a host
// that refuses connections or cannot be reached when retry_timeout_seconds
// is not set: the SDK's own bound is five minutes, which reads as a hang.
const DefaultUnreachableTimeout = 30 * time.Second

// guard wraps the SDK's HTTP transport. It fails fast on a host that
// cannot be reached, reports retries as they happen, and lets a caller
// take a lost answer to a non-idempotent create back into its own hands
// (WithoutBlindRetry) instead of the SDK retrying it into a duplicate.
type guard struct {
	base     http.RoundTripper
	budget   time.Duration
	progress func(string)

	mu       sync.Mutex
	down     map[string]*outage // by host
	attempts map[string]int     // retriable failures in a row, by method and URL
}

type outage struct {
	since    time.Time
	failures int
}

func newGuard(base http.RoundTripper, budget time.Duration, progress func(string)) *guard {
	if base == nil {
		base = http.DefaultTransport
	}
	return &guard{base: base, budget: budget, progress: progress, down: map[string]*outage{}, attempts: map[string]int{}}
}

type noBlindRetryKey struct{}

// WithoutBlindRetry marks ctx so that a request sent with it is not retried
// by the SDK when its answer may have been lost (429, 503, 504, or a
// connection that failed after it was made): the call returns an
// *UnansweredError and the caller looks for the object it may have made
// before trying again. Creates without an idempotency key use it.
func WithoutBlindRetry(ctx context.Context) context.Context {
	return context.WithValue(ctx, noBlindRetryKey{}, true)
}

// UnansweredError is a write whose outcome is unknown: it may or may not
// have been processed. Its message deliberately avoids the phrases the SDK
// retries on.
type UnansweredError struct {
	Method, Path string
	// Status is the HTTP status answered, 0 when the connection failed.
	Status     int
	RetryAfter time.Duration
	cause      error
}

func (e *UnansweredError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("no answer to %s %s (it may have been processed): %v", e.Method, e.Path, e.cause)
	}
	return fmt.Sprintf("%s %s answered HTTP %d: it may have been processed", e.Method, e.Path, e.Status)
}

// UnreachableError is a host that refused or could not be reached for the
// whole retry budget.
type UnreachableError struct {
	Host   string
	Cause  string
	Waited time.Duration
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach %s: %s (retried for %s). Check the workspace URL (host / DATABRICKS_HOST) and that the service is up, "+
		"or set retry_timeout_seconds (DATABRICKS_RETRY_TIMEOUT_SECONDS) to wait longer", e.Host, e.Cause, e.Waited.Round(time.Second))
}

// retriableStatus is what the SDK retries (apierr.IsRetriable and
// httpclient.DefaultErrorRetriable).
func retriableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	noBlindRetry, _ := req.Context().Value(noBlindRetryKey{}).(bool)
	key := req.Method + " " + req.URL.String()
	resp, err := g.base.RoundTrip(req)
	if err != nil {
		if cause, ok := dialFailure(err); ok {
			return nil, g.unreachable(req, key, cause, err)
		}
		if noBlindRetry {
			return nil, &UnansweredError{Method: req.Method, Path: req.URL.Path, cause: err}
		}
		return nil, err
	}
	g.reachable(req.URL.Host)
	if !retriableStatus(resp.StatusCode) {
		g.forget(key)
		return resp, nil
	}
	retryAfter := parseRetryAfter(resp.Header.Get("Retry-After"))
	if noBlindRetry {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return nil, &UnansweredError{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, RetryAfter: retryAfter}
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	g.failed(req, key, fmt.Sprintf("%d %s", resp.StatusCode, errorCode(resp.StatusCode, body)))
	return resp, nil
}

// failed counts one retriable failure of key and, from the second retry on,
// reports it: the SDK will try again after its backoff (attempt seconds,
// at most 10).
func (g *guard) failed(req *http.Request, key, what string) {
	g.mu.Lock()
	g.attempts[key]++
	n := g.attempts[key]
	g.mu.Unlock()
	if n >= 2 && g.progress != nil {
		g.progress(fmt.Sprintf("retrying %s %s (attempt %d, next in %ds): %s", req.Method, req.URL.Path, n+1, min(n, 10), what))
	}
}

func (g *guard) forget(key string) {
	g.mu.Lock()
	delete(g.attempts, key)
	g.mu.Unlock()
}

func (g *guard) reachable(host string) {
	g.mu.Lock()
	delete(g.down, host)
	g.mu.Unlock()
}

// unreachable records a failed connection to req's host. It gives up —
// with an error the SDK does not retry — once the next attempt would end
// past the budget, counted from the first failure; a name that does not
// resolve fails at once.
func (g *guard) unreachable(req *http.Request, key, cause string, err error) error {
	host := req.URL.Scheme + "://" + req.URL.Host
	g.mu.Lock()
	o := g.down[req.URL.Host]
	if o == nil {
		o = &outage{since: time.Now()}
		g.down[req.URL.Host] = o
	}
	o.failures++
	waited, nextWait := time.Since(o.since), time.Duration(min(o.failures, 10))*time.Second
	g.mu.Unlock()
	var dns *net.DNSError
	if errors.As(err, &dns) || waited+nextWait > g.budget {
		return &UnreachableError{Host: host, Cause: cause, Waited: waited}
	}
	g.failed(req, key, cause)
	return err
}

// dialFailure reports whether err is a failure to connect (nothing was
// sent), described in words that are not among the SDK's retry triggers.
func dialFailure(err error) (string, bool) {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "the host name does not resolve", true
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		return "", false
	}
	var timeout interface{ Timeout() bool }
	if errors.As(err, &timeout) && timeout.Timeout() {
		return "connecting timed out", true
	}
	return "the connection was refused", true
}

func parseRetryAfter(v string) time.Duration {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	return 0
}

// errorCode is the error_code of a Databricks error body, or the status text.
func errorCode(status int, body []byte) string {
	var e struct {
		ErrorCode string `json:"error_code"`
	}
	if json.Unmarshal(body, &e) == nil && e.ErrorCode != "" {
		return e.ErrorCode
	}
	return http.StatusText(status)
}
