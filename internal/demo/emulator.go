package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// emulatorProcess is `brickops emulator` running in the background on a
// free loopback port, as a user would run it in another terminal.
type emulatorProcess struct {
	cmd   *exec.Cmd
	Host  string
	Token string
	done  chan error
}

// startEmulator starts the emulator and waits for the export lines it
// prints once it listens.
func startEmulator(ctx context.Context, brickops, dataDir string, asyncDelay time.Duration, log io.Writer) (*emulatorProcess, error) {
	cmd := exec.CommandContext(ctx, brickops, "emulator", "--addr", "127.0.0.1:0", "--data-dir", dataDir,
		"--async-delay", asyncDelay.String())
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s emulator: %w", brickops, err)
	}
	p := &emulatorProcess{cmd: cmd, done: make(chan error, 1)}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
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
		p.stop()
		return nil, errors.New("the emulator did not start listening within 30 s")
	}
}

// stop sends SIGTERM and waits for a clean shutdown (SIGKILL after 10 s).
func (p *emulatorProcess) stop() error {
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
		return errors.New("the emulator did not stop within 10 s of SIGTERM; killed it")
	}
}

// env is what a user exports to reach the emulator, and nothing of the
// developer's own Databricks or Azure settings.
func (p *emulatorProcess) env(tfrc string) []string {
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
