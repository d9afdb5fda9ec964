package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/compute"

	"github.com/brickops/terraform-provider-brickops/internal/client"
)

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func TestWorkspace_unreachableHostFailsNamingTheHostAndTheSetting(t *testing.T) {
	for name, host := range map[string]string{"refused": closedPort(t), "unknown host": "http://brickops-no-such-host.invalid"} {
		t.Run(name, func(t *testing.T) {
			cfg := client.Isolated(host, "x")
			cfg.RetryTimeoutSeconds = 2
			w, err := client.Workspace(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.Clusters.ListNodeTypes(context.Background())
			var unreachable *client.UnreachableError
			if !errors.As(err, &unreachable) {
				t.Fatalf("want an UnreachableError, got %v", err)
			}
			for _, want := range []string{"cannot reach " + host, "retry_timeout_seconds", "DATABRICKS_HOST"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q: %v", want, err)
				}
			}
		})
	}
}

// TestWorkspace_progressLinePerRetryPastTheFirst: three 503s then an
// answer print two lines (attempts 3 and 4), none for the first retry.
func TestWorkspace_progressLinePerRetryPastTheFirst(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 3 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}`))
			return
		}
		_, _ = w.Write([]byte(`{"node_types":[]}`))
	}))
	defer srv.Close()
	var out strings.Builder
	w, err := client.Workspace(client.Isolated(srv.URL, "x"), client.Progress(&out))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Clusters.ListNodeTypes(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "retrying GET /api/2.1/clusters/list-node-types (attempt 3, next in 2s): 503 TEMPORARILY_UNAVAILABLE\n" +
		"retrying GET /api/2.1/clusters/list-node-types (attempt 4, next in 3s): 503 TEMPORARILY_UNAVAILABLE\n"
	if out.String() != want {
		t.Errorf("progress:\n%s\nwant:\n%s", out.String(), want)
	}
}

// TestWithoutBlindRetry_returnsUnansweredInsteadOfRetrying: a create whose
// answer is a 503 is sent once and reported as possibly processed.
func TestWithoutBlindRetry_returnsUnansweredInsteadOfRetrying(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error_code":"TEMPORARILY_UNAVAILABLE","message":"lost"}`))
	}))
	defer srv.Close()
	w, err := client.Workspace(client.Isolated(srv.URL, "x"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Clusters.Create(client.WithoutBlindRetry(context.Background()), compute.CreateCluster{ClusterName: "c", SparkVersion: "x"})
	var lost *client.UnansweredError
	if !errors.As(err, &lost) || lost.Status != 503 || lost.RetryAfter.Seconds() != 1 || calls.Load() != 1 {
		t.Errorf("got %v after %d calls", err, calls.Load())
	}
}
