package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/databricks/databricks-sdk-go/service/compute"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

// syncBuffer is written by the command's goroutine and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runCLI runs brickops with args in-process and returns its output and error.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&out)
	err := execute(context.Background(), root)
	return out.String(), err
}

func TestEmulatorCmd_servesUntilCancelledAndKeepsState(t *testing.T) {
	t.Run("fsync", func(t *testing.T) { servesUntilCancelledAndKeepsState(t) })
	// Without fsync, a clean restart still finds everything: only a crash
	// of the machine could lose what the page cache held.
	t.Run("no-fsync", func(t *testing.T) { servesUntilCancelledAndKeepsState(t, "--no-fsync") })
}

func servesUntilCancelledAndKeepsState(t *testing.T, extra ...string) {
	dataDir := t.TempDir()
	exports := regexp.MustCompile(`export DATABRICKS_HOST=(\S+)\nexport DATABRICKS_TOKEN=(\S+)\n`)
	start := func() (host, token string, stop func() error) {
		args := append([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--async-delay", "0s", "--token", "t0ken-for-test"}, extra...)
		m, stop := startEmulatorCmd(t, exports, args...)
		return m[1], m[2], stop
	}

	host, token, stop := start()
	if token != "t0ken-for-test" || !strings.HasPrefix(host, "http://127.0.0.1:") {
		t.Fatalf("exports: host %q token %q", host, token)
	}
	w, err := client.Workspace(client.Isolated(host, token))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	created, err := w.Clusters.Create(ctx, compute.CreateCluster{ClusterName: "cli", SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2"})
	if err != nil {
		t.Fatalf("create through the CLI-started emulator: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("clean shutdown: %v", err)
	}

	// Restarted on the same data dir, the cluster is still there.
	host, token, stop = start()
	defer stop()
	w, _ = client.Workspace(client.Isolated(host, token))
	got, err := w.Clusters.GetByClusterId(ctx, created.ClusterId)
	if err != nil || got.ClusterName != "cli" {
		t.Errorf("after restart: %+v %v", got, err)
	}
}

// startEmulatorCmd runs `brickops emulator args…` until the test stops it,
// and returns the submatches of want in its output once printed.
func startEmulatorCmd(t *testing.T, want *regexp.Regexp, args ...string) ([]string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	root := newRootCmd()
	root.SetArgs(append([]string{"emulator"}, args...))
	root.SetOut(out)
	root.SetErr(out)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := want.FindStringSubmatch(out.String()); m != nil {
			return m, func() error { cancel(); return <-done }
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	t.Fatalf("emulator did not print its exports:\n%s", out.String())
	return nil, nil
}

func TestEmulatorCmd_describesItself(t *testing.T) {
	out, err := runCLI(t, "emulator", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--addr", "127.0.0.1:8470", "--data-dir", ".brickops/emulator", "--token", "--log-requests", "--fault-503-rate", "export lines"} {
		if !strings.Contains(out, want) {
			t.Errorf("emulator --help lacks %q", want)
		}
	}
	out, err = runCLI(t, "--help")
	if err != nil || !strings.Contains(out, "emulator") || !strings.Contains(out, "demo") {
		t.Errorf("brickops --help: %v\n%s", err, out)
	}
}

func TestEmulatorCmd_badFlagsFailClearly(t *testing.T) {
	_, err := runCLI(t, "emulator", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--fault-429-rate", "3")
	if err == nil || !strings.Contains(err.Error(), "rate_429, rate_503 and rate_lost_answer must be between 0 and 1") {
		t.Errorf("bad fault rate: %v", err)
	}
	_, err = runCLI(t, "emulator", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--service-principal", "only-an-id")
	if err == nil || !strings.Contains(err.Error(), `service principal "only-an-id": want client-id:secret:tenant-id`) {
		t.Errorf("bad service principal: %v", err)
	}
	_, err = runCLI(t, "emulator", "--addr", "not-an-address", "--data-dir", t.TempDir())
	if err == nil || exitcode.Of(err) != exitcode.BadInput || !strings.Contains(err.Error(), `--addr "not-an-address": address not-an-address: missing port in address`) {
		t.Errorf("bad address: %v", err)
	}
}

// TestEmulatorCmd_bindsLoopbackByDefaultAndWarnsOtherwise: the default
// address is loopback; an address reachable from elsewhere is served (the
// user asked for it) but with a warning on stderr.
func TestEmulatorCmd_bindsLoopbackByDefaultAndWarnsOtherwise(t *testing.T) {
	if f := newEmulatorCmd().Flags().Lookup("addr"); f == nil || f.DefValue != "127.0.0.1:8470" {
		t.Fatalf("--addr default: %+v", f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	root := newRootCmd()
	root.SetArgs([]string{"emulator", "--addr", "0.0.0.0:0", "--data-dir", t.TempDir()})
	root.SetOut(stdout)
	root.SetErr(stderr)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stdout.String(), "export DATABRICKS_HOST=") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("emulator on 0.0.0.0: %v", err)
	}
	if !strings.Contains(stderr.String(), "non-loopback address") {
		t.Errorf("no warning for a non-loopback bind; stderr:\n%s", stderr.String())
	}
	if strings.Contains(stderr.String(), emulator.DefaultToken) {
		t.Errorf("the warning shows the token:\n%s", stderr.String())
	}
}

func TestEmulatorCmd_tlsAndServicePrincipals(t *testing.T) {
	const (
		tenant = "55555555-5555-5555-5555-555555555555"
		app    = "66666666-6666-6666-6666-666666666666"
	)
	exports := regexp.MustCompile(`export DATABRICKS_HOST=(https://\S+)\n(?s:.*)export SSL_CERT_FILE=(\S+)\n` +
		`export ARM_ENVIRONMENT=custom\nexport AZURE_AUTHORITY_HOST=(\S+)\nexport ARM_RESOURCE_MANAGER_ENDPOINT=(\S+)\n` +
		`export ARM_TENANT_ID=(\S+)\nexport ARM_CLIENT_ID=(\S+)\nexport ARM_CLIENT_SECRET=(\S+)\nexport ARM_SUBSCRIPTION_ID=(\S+)\n`)
	m, stop := startEmulatorCmd(t, exports, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--async-delay", "0s",
		"--tls", "--service-principal", app+":pa:ss:"+tenant)
	defer stop()
	host, bundle, authority, armEndpoint := m[1], m[2], m[3], m[4]
	if authority != host || armEndpoint != host || m[5] != tenant || m[6] != app || m[7] != "pa:ss" {
		t.Fatalf("exports: %q", m[1:])
	}
	// The printed bundle is what a client trusts; azidentity and
	// armdatabricks then work against the standalone emulator.
	pemBytes, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("no certificate in %s", bundle)
	}
	httpClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest(http.MethodPut, host+"/subscriptions/"+m[8]+"/resourcegroups/rg?api-version=2021-04-01", strings.NewReader(`{"location":"westeurope"}`))
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("resource group over https: %d", resp.StatusCode)
	}
	tok, err := azidentity.NewClientSecretCredential(m[5], m[6], m[7], &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            azcore.ClientOptions{Transport: httpClient, Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: authority + "/"}},
		DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tok.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com//.default"}}); err != nil {
		t.Errorf("token from the standalone emulator: %v", err)
	}
}

// TestEmulatorCmd_operatorToken: --operator-token is printed once and is
// what /_emulator/ takes; without it a fresh one is generated and printed.
func TestEmulatorCmd_operatorToken(t *testing.T) {
	exports := regexp.MustCompile(`export BRICKOPS_EMULATOR_OPERATOR_TOKEN=(\S+)\nexport DATABRICKS_HOST=(\S+)\nexport DATABRICKS_TOKEN=(\S+)\n`)
	m, stop := startEmulatorCmd(t, exports, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--operator-token", "op-for-test")
	defer func() { _ = stop() }()
	if m[1] != "op-for-test" {
		t.Errorf("printed operator token %q", m[1])
	}
	for token, want := range map[string]int{m[1]: http.StatusOK, m[3]: http.StatusForbidden} {
		req, _ := http.NewRequest(http.MethodGet, m[2]+"/_emulator/health", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("/_emulator/health with %q: %d, want %d", token, resp.StatusCode, want)
		}
	}
	generated, stop2 := startEmulatorCmd(t, exports, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())
	defer func() { _ = stop2() }()
	if !strings.HasPrefix(generated[1], "bo-operator-") {
		t.Errorf("generated operator token %q", generated[1])
	}
}
