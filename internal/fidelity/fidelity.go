// Package fidelity runs the official Databricks clients — the Terraform
// provider databricks/databricks and the `databricks` CLI — against a fresh
// emulator per flow, the strongest judge of whether the emulator answers
// like Azure Databricks. Neither client is a Go module the build can fetch,
// so `make fidelity` takes their binaries' paths and skips when they are
// absent. Every flow's traffic can be recorded (emulator.Exchange lines) as
// the test data the emulator's replay test keeps in CI.
package fidelity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/databricks/databricks-sdk-go"
	dbclient "github.com/databricks/databricks-sdk-go/client"
	"github.com/databricks/databricks-sdk-go/config"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/tfcli"
)

// Config says which clients to run and where to keep what they sent.
type Config struct {
	// Provider is the official provider binary (terraform-provider-databricks);
	// Terraform is the terraform binary. Empty Provider skips the provider flows.
	Provider, Terraform string
	// CLI is the `databricks` binary; empty skips the CLI flows.
	CLI string
	// RecordDir, when set, receives <client>/<flow>.jsonl per flow.
	RecordDir string
	// Only, when set, runs only the flows whose name contains it.
	Only string
	// Log receives the clients' output.
	Log io.Writer
}

// Result is one flow's outcome.
type Result struct {
	Client string `json:"client"`
	Flow   string `json:"flow"`
	OK     bool   `json:"ok"`
	// Problem is what went wrong, with the client's last output lines.
	Problem string `json:"problem,omitempty"`
	// Version is the client's version as its User-Agent gave it.
	Version  string `json:"version,omitempty"`
	Requests int    `json:"requests"`
}

// Run runs every selected flow and returns their results; an error means
// the harness itself could not run.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	var out []Result
	if cfg.Provider != "" {
		for _, f := range tfFlows {
			if cfg.Only != "" && !strings.Contains(f.name, cfg.Only) {
				continue
			}
			r, err := runFlow(ctx, cfg, "terraform-provider", f.name, f.setup, func(e *env) error { return e.terraform(ctx, f.hcl) })
			if err != nil {
				return out, err
			}
			out = append(out, r)
		}
	}
	if cfg.CLI != "" {
		for _, f := range cliFlows {
			if cfg.Only != "" && !strings.Contains(f.name, cfg.Only) {
				continue
			}
			r, err := runFlow(ctx, cfg, "cli", f.name, f.setup, func(e *env) error { return e.cli(ctx, f.steps) })
			if err != nil {
				return out, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// env is one flow's world: a fresh emulator and a scratch directory.
type env struct {
	cfg   Config
	host  string
	token string
	dir   string
	w     *databricks.WorkspaceClient
}

// Setup prepares flow's preconditions on the emulator w points at; the
// replay test calls it before replaying the flow's recording.
func Setup(ctx context.Context, w *databricks.WorkspaceClient, flow string) error {
	e := &env{w: w}
	for _, f := range tfFlows {
		if f.name == flow && f.setup != nil {
			return f.setup(e)
		}
	}
	for _, f := range cliFlows {
		if f.name == flow && f.setup != nil {
			return f.setup(e)
		}
	}
	return nil
}

// gatedWriter records only once opened: setup traffic is not the client's.
type gatedWriter struct {
	mu   sync.Mutex
	open bool
	buf  bytes.Buffer
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open {
		g.buf.Write(p)
	}
	return len(p), nil
}

func (g *gatedWriter) start() {
	g.mu.Lock()
	g.open = true
	g.mu.Unlock()
}

func runFlow(ctx context.Context, cfg Config, client, name string, setup func(*env) error, body func(*env) error) (Result, error) {
	res := Result{Client: client, Flow: name}
	dir, err := os.MkdirTemp("", "fidelity-"+name+"-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	rec := &gatedWriter{}
	srv, err := emulator.NewServer(emulator.Options{DataDir: filepath.Join(dir, "emulator"), NoSync: true, Record: rec, RequestLogSize: 20000})
	if err != nil {
		return res, err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()

	e := &env{cfg: cfg, host: "http://" + ln.Addr().String(), token: emulator.DefaultToken, dir: dir}
	e.w, err = databricks.NewWorkspaceClient(&databricks.Config{
		Host: e.host, Token: e.token, Credentials: config.PatCredentials{}, ConfigFile: "/dev/null",
	})
	if err != nil {
		return res, err
	}
	if setup != nil {
		if err := setup(e); err != nil {
			return res, fmt.Errorf("setting up flow %s: %w", name, err)
		}
	}
	rec.start()
	fmt.Fprintf(cfg.Log, "== %s %s\n", client, name)
	if err := body(e); err != nil {
		res.Problem = err.Error()
	} else {
		res.OK = true
	}
	res.Version = clientVersion(srv, client)
	res.Requests = bytes.Count(rec.buf.Bytes(), []byte("\n"))
	if cfg.RecordDir != "" {
		path := filepath.Join(cfg.RecordDir, client, name+".jsonl")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return res, err
		}
		if err := os.WriteFile(path, rec.buf.Bytes(), 0o644); err != nil {
			return res, err
		}
	}
	return res, nil
}

var userAgentVersion = map[string]*regexp.Regexp{
	"terraform-provider": regexp.MustCompile(`databricks-tf-provider/(\S+)`),
	"cli":                regexp.MustCompile(`\bcli/(\S+)`),
}

// clientVersion is the client's version from the User-Agent it sent.
func clientVersion(srv *emulator.Server, client string) string {
	for _, e := range srv.RequestLog() {
		if m := userAgentVersion[client].FindStringSubmatch(e.UserAgent); m != nil {
			return m[1]
		}
	}
	return ""
}

// clientEnv is the environment both clients run in: only loopback, no
// user configuration, PAT auth.
func (e *env) clientEnv() []string {
	home := filepath.Join(e.dir, "home")
	_ = os.MkdirAll(home, 0o755)
	env := []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TMPDIR=" + e.dir,
		"DATABRICKS_HOST=" + e.host, "DATABRICKS_TOKEN=" + e.token, "DATABRICKS_AUTH_TYPE=pat",
		"DATABRICKS_CONFIG_FILE=", "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"DATABRICKS_CLI_DISABLE_TELEMETRY=1", "NO_PROXY=127.0.0.1", "HTTPS_PROXY=", "HTTP_PROXY=",
	}
	return env
}

// terraform applies hcl, plans (expecting no changes) and destroys.
func (e *env) terraform(ctx context.Context, hcl string) error {
	if e.cfg.Terraform == "" {
		return errors.New("no terraform binary")
	}
	dir := filepath.Join(e.dir, "tf")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rc := filepath.Join(e.dir, "tfrc")
	if err := tfcli.WriteDevOverride(rc, "databricks/databricks", filepath.Dir(e.cfg.Provider)); err != nil {
		return err
	}
	main := fmt.Sprintf(`terraform {
  required_providers {
    databricks = { source = "databricks/databricks" }
  }
}

provider "databricks" {
  host      = %q
  token     = %q
  auth_type = "pat"
}
`, e.host, e.token) + hcl
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o644); err != nil {
		return err
	}
	tf := tfcli.Terraform{Bin: e.cfg.Terraform, Env: append(e.clientEnv(), "TF_CLI_CONFIG_FILE="+rc), Log: e.cfg.Log}
	if _, err := tf.Run(ctx, dir, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		_, _ = tf.Run(ctx, dir, "destroy", "-auto-approve", "-input=false", "-no-color")
		return err
	}
	out, err := tf.Run(ctx, dir, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err != nil {
		_, _ = tf.Run(ctx, dir, "destroy", "-auto-approve", "-input=false", "-no-color")
		return fmt.Errorf("plan after apply is not empty:\n%s", tfcli.Tail(out, 40))
	}
	if _, err := tf.Run(ctx, dir, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}
	return nil
}

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

// cli runs steps in order; each must exit 0 without a warning or error on
// stderr.
func (e *env) cli(ctx context.Context, steps []cliStep) error {
	saved := map[string]string{}
	for _, st := range steps {
		args := make([]string, 0, len(st.args)+2)
		for _, a := range st.args {
			args = append(args, placeholder.ReplaceAllStringFunc(a, func(m string) string {
				if v, ok := saved[m[1:len(m)-1]]; ok {
					return v
				}
				return m
			}))
		}
		args = append(args, "--output", "json")
		cmd := exec.CommandContext(ctx, e.cfg.CLI, args...)
		cmd.Env = e.clientEnv()
		cmd.Dir = e.dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout = io.MultiWriter(&stdout, e.cfg.Log)
		cmd.Stderr = io.MultiWriter(&stderr, e.cfg.Log)
		err := cmd.Run()
		line := "databricks " + strings.Join(args, " ")
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", line, err, tfcli.Tail(stderr.String()+stdout.String(), 15))
		}
		if s := stderr.String(); strings.Contains(s, "Warn") || strings.Contains(s, "Error") {
			return fmt.Errorf("%s: exit 0 but stderr says:\n%s", line, tfcli.Tail(s, 15))
		}
		if len(st.save) > 0 {
			var doc map[string]any
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
				return fmt.Errorf("%s: output is not a JSON object: %v", line, err)
			}
			for name, field := range st.save {
				v, ok := doc[field]
				if !ok {
					return fmt.Errorf("%s: output has no %s", line, field)
				}
				saved[name] = strings.TrimSuffix(strings.TrimSuffix(fmt.Sprint(v), ".0"), "e+00")
				if f, ok := v.(float64); ok {
					saved[name] = fmt.Sprintf("%.0f", f)
				}
			}
		}
	}
	return nil
}

// seedServedModel registers fidelity_serving.models.churn version 1 the
// way a training job does.
func seedServedModel(e *env) error {
	_, err := seed.Run(context.Background(), e.w, seed.Spec{
		Model: "fidelity_serving.models.churn", Metrics: map[string]float64{"auc": 0.91},
	})
	return err
}

// seedTables creates fidelity_tables.data.{inference,features}: an
// inference log for a monitor and a feature table with a primary key for
// an online table.
func seedTables(e *env) error {
	ctx := context.Background()
	if _, err := e.w.Catalogs.GetByName(ctx, "fidelity_tables"); err != nil {
		if err := e.do(ctx, "POST", "/api/2.1/unity-catalog/catalogs", map[string]any{"name": "fidelity_tables"}); err != nil {
			return err
		}
		if err := e.do(ctx, "POST", "/api/2.1/unity-catalog/schemas", map[string]any{"name": "data", "catalog_name": "fidelity_tables"}); err != nil {
			return err
		}
	}
	col := func(name, typ string, pos int, nullable bool) map[string]any {
		return map[string]any{"name": name, "type_name": strings.ToUpper(typ), "type_text": typ, "type_json": fmt.Sprintf(`{"name":%q,"type":%q,"nullable":%t,"metadata":{}}`, name, typ, nullable), "position": pos, "nullable": nullable}
	}
	tables := map[string][]map[string]any{
		"inference": {col("ts", "timestamp", 0, true), col("model_id", "string", 1, true), col("prediction", "double", 2, true), col("label", "double", 3, true)},
		"features":  {col("id", "long", 0, false), col("tenure", "double", 1, true)},
	}
	for _, name := range []string{"inference", "features"} {
		if _, err := e.w.Tables.GetByFullName(ctx, "fidelity_tables.data."+name); err == nil {
			continue
		}
		if err := e.do(ctx, "POST", "/api/2.1/unity-catalog/tables", map[string]any{
			"catalog_name": "fidelity_tables", "schema_name": "data", "name": name, "table_type": "MANAGED",
			"data_source_format": "DELTA", "columns": tables[name],
		}); err != nil {
			return err
		}
	}
	return e.do(ctx, "POST", "/api/2.1/unity-catalog/constraints", map[string]any{
		"full_name_arg": "fidelity_tables.data.features",
		"constraint":    map[string]any{"primary_key_constraint": map[string]any{"name": "features_pk", "child_columns": []string{"id"}}},
	})
}

// do calls the emulator's API with the SDK's client.
func (e *env) do(ctx context.Context, method, path string, body any) error {
	c, err := clientOf(e.w)
	if err != nil {
		return err
	}
	if err := c.Do(ctx, method, path, nil, nil, body, nil); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}

func clientOf(w *databricks.WorkspaceClient) (*dbclient.DatabricksClient, error) {
	c, err := dbclient.New(w.Config)
	if err != nil {
		return nil, fmt.Errorf("building an API client: %w", err)
	}
	return c, nil
}
