// Package emuproc runs `brickops emulator` as a separate process on a free
// loopback port, the way a user runs it in another terminal. The demo, the
// benchmarks and the reliability suite use it: they exercise the built
// binary, its flags and its on-disk state, not an in-process server.
package emuproc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Options configure an emulator process.
type Options struct {
	// Bin is the brickops binary.
	Bin string
	// DataDir holds the emulator's state; restarting on the same DataDir
	// finds it again.
	DataDir string
	// AsyncDelay is the emulator's transition time (--async-delay).
	AsyncDelay time.Duration
	// Token, when set, is the accepted bearer token (--token).
	Token string
	// OperatorToken, when set, is the operator API's token
	// (--operator-token); otherwise the emulator generates one.
	OperatorToken string
	// Args are further flags (e.g. --log-requests, --request-log-size).
	Args []string
	// Stderr receives the emulator's log; nil discards it.
	Stderr io.Writer
}

// Process is a running emulator.
type Process struct {
	cmd   *exec.Cmd
	Host  string
	Token string
	// OperatorToken authenticates the operator API (/_emulator/…), as the
	// emulator printed it (or Options.OperatorToken).
	OperatorToken string
	done          chan error
}

// Start starts the emulator and waits for the export lines it prints once
// it listens.
func Start(ctx context.Context, o Options) (*Process, error) {
	args := []string{"emulator", "--addr", "127.0.0.1:0", "--data-dir", o.DataDir, "--async-delay", o.AsyncDelay.String()}
	if o.Token != "" {
		args = append(args, "--token", o.Token)
	}
	if o.OperatorToken != "" {
		args = append(args, "--operator-token", o.OperatorToken)
	}
	cmd := exec.CommandContext(ctx, o.Bin, append(args, o.Args...)...)
	cmd.Stderr = o.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s emulator: %w", o.Bin, err)
	}
	p := &Process{cmd: cmd, done: make(chan error, 1)}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "export BRICKOPS_EMULATOR_OPERATOR_TOKEN="); ok {
				p.OperatorToken = v
			}
			if v, ok := strings.CutPrefix(line, "export DATABRICKS_HOST="); ok {
				p.Host = v
			}
			if v, ok := strings.CutPrefix(line, "export DATABRICKS_TOKEN="); ok {
				p.Token = v
				close(ready)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { p.done <- cmd.Wait() }()
	select {
	case <-ready:
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("the emulator exited before it was ready: %v", err)
	case <-time.After(30 * time.Second):
		_ = p.Kill()
		return nil, errors.New("the emulator did not start listening within 30 s")
	}
}

// Pid is the emulator's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop sends SIGTERM and waits for a clean shutdown (SIGKILL after 10 s).
func (p *Process) Stop() error {
	if p.cmd.Process == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("the emulator exited with %v", err)
		}
		return nil
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		return errors.New("the emulator did not stop within 10 s of SIGTERM; killed it")
	}
}

// Kill ends the emulator with SIGKILL — no shutdown, no flush — and waits
// for it to be gone. Crash-safety tests use it.
func (p *Process) Kill() error {
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("killing the emulator: %w", err)
	}
	<-p.done
	return nil
}

// Env is what a user exports to reach the emulator — and nothing of the
// developer's own Databricks, Azure or Terraform CLI settings. tfrc is the
// Terraform CLI config to use (see tfcli.WriteDevOverrides).
func (p *Process) Env(tfrc string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "DATABRICKS_") || strings.HasPrefix(k, "ARM_") || k == "TF_CLI_CONFIG_FILE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"DATABRICKS_HOST="+p.Host, "DATABRICKS_TOKEN="+p.Token, "DATABRICKS_AUTH_TYPE=pat",
		"DATABRICKS_CONFIG_FILE="+os.DevNull, "DATABRICKS_CLOUD=azure",
		"TF_CLI_CONFIG_FILE="+tfrc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
	)
}

// Call is the package's Call against this emulator, with the operator
// token for operator endpoints (/_emulator/…) and the workspace token for
// the rest.
func (p *Process) Call(ctx context.Context, method, path string, body, out any) (int, error) {
	token := p.Token
	if strings.HasPrefix(path, "/_emulator/") {
		token = p.OperatorToken
	}
	return Call(ctx, p.Host, token, method, path, body, out)
}

// Call sends an authenticated request to an emulator at host — typically
// an operator endpoint under /_emulator/ — with a JSON body (nil for
// none), decodes a JSON answer into out (nil to discard) and returns the
// status.
func Call(ctx context.Context, host, token, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("encoding the body of %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, host+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("reading the answer of %s %s: %w", method, path, err)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decoding the answer of %s %s (%d): %w\n%s", method, path, resp.StatusCode, err, raw)
		}
	}
	return resp.StatusCode, nil
}
