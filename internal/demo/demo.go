// Package demo runs the BrickOps lifecycle end to end against a local
// emulator — what `make demo` shows a new user — and narrates it. Every step
// goes through the same binaries and protocols a user's CI would: the
// brickops emulator as a separate process, terraform with the locally built
// provider (dev_overrides), and the Databricks SDK over HTTP.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
	"github.com/brickops/terraform-provider-brickops/internal/tfcli"
)

// Options configure a demo run.
type Options struct {
	// BinDir holds terraform-provider-brickops and brickops.
	BinDir string
	// StackDir is the Terraform configuration to apply (examples/mlops-stack).
	StackDir string
	// Terraform is the terraform binary; empty means the one on PATH.
	Terraform string
	// AsyncDelay is the emulator's transition time: long enough to show
	// real waiting, short enough to keep the demo brisk.
	AsyncDelay time.Duration
	// Keep leaves the work directory (state, logs, emulator data) in place.
	Keep bool
	Out  io.Writer
}

// result is one line of the final table.
type result struct {
	step    string
	outcome string
	took    time.Duration
}

type run struct {
	opts    Options
	work    string
	tfrc    string
	logFile *os.File
	emu     *emuproc.Process
	results []result
	n, of   int
}

// Run executes the demo and returns an error naming the step that failed.
func Run(ctx context.Context, opts Options) (err error) {
	if opts.Terraform == "" {
		if opts.Terraform, err = exec.LookPath("terraform"); err != nil {
			return fmt.Errorf("terraform is not on PATH: install Terraform >= 1.5 and retry")
		}
	}
	for _, b := range []string{"brickops", "terraform-provider-brickops"} {
		if _, err := os.Stat(filepath.Join(opts.BinDir, b)); err != nil {
			return fmt.Errorf("%s not found in %s: run `make build` first", b, opts.BinDir)
		}
	}
	binDir, err := filepath.Abs(opts.BinDir)
	if err != nil {
		return err
	}
	r := &run{opts: opts, of: 5}
	if r.work, err = os.MkdirTemp("", "brickops-demo-"); err != nil {
		return err
	}
	if r.logFile, err = os.Create(filepath.Join(r.work, "demo.log")); err != nil {
		return err
	}
	defer func() {
		r.logFile.Close()
		if err != nil {
			fmt.Fprintf(opts.Out, "\nThe demo failed. Full log: %s\n", r.logFile.Name())
			return
		}
		if !opts.Keep {
			os.RemoveAll(r.work)
		}
	}()

	start := time.Now()
	fmt.Fprintf(opts.Out, "BrickOps demo: the MLOps lifecycle against a local emulator (no cloud, no account)\n")
	fmt.Fprintf(opts.Out, "Work directory: %s\n\n", r.work)

	r.tfrc = filepath.Join(r.work, "terraform.rc")
	if err := tfcli.WriteDevOverrides(r.tfrc, binDir); err != nil {
		return err
	}
	stack := filepath.Join(r.work, "stack")
	if err := os.CopyFS(stack, os.DirFS(opts.StackDir)); err != nil {
		return fmt.Errorf("copying %s: %w", opts.StackDir, err)
	}

	if err := r.step("Start the emulator", func() (string, error) {
		emu, err := emuproc.Start(ctx, emuproc.Options{
			Bin: filepath.Join(binDir, "brickops"), DataDir: filepath.Join(r.work, "emulator"),
			AsyncDelay: opts.AsyncDelay, Stderr: r.logFile,
		})
		if err != nil {
			return "", err
		}
		r.emu = emu
		return "listening on " + emu.Host, nil
	}); err != nil {
		return err
	}
	defer func() {
		if r.emu != nil {
			if stopErr := r.emu.Stop(); stopErr != nil && err == nil {
				err = stopErr
			}
		}
	}()

	if err := r.step("terraform apply "+filepath.Base(opts.StackDir), func() (string, error) {
		out, err := r.terraform(ctx, stack, "apply", "-auto-approve", "-input=false", "-no-color")
		if err != nil {
			return "", err
		}
		summary := applySummary(out)
		id, err := r.terraform(ctx, stack, "output", "-raw", "training_cluster_id")
		if err != nil {
			return "", err
		}
		state, err := r.clusterState(ctx, strings.TrimSpace(id))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s; training cluster %s is %s", summary, strings.TrimSpace(id), state), nil
	}); err != nil {
		return err
	}

	if err := r.step("terraform plan right after apply", func() (string, error) {
		_, err := r.terraform(ctx, stack, "plan", "-detailed-exitcode", "-input=false", "-no-color")
		if err != nil {
			return "", fmt.Errorf("the plan after apply is not empty (or failed): %w", err)
		}
		return "no changes", nil
	}); err != nil {
		return err
	}

	if err := r.step("terraform destroy", func() (string, error) {
		out, err := r.terraform(ctx, stack, "destroy", "-auto-approve", "-input=false", "-no-color")
		if err != nil {
			return "", err
		}
		return destroySummary(out), nil
	}); err != nil {
		return err
	}

	if err := r.step("Stop the emulator", func() (string, error) {
		emu := r.emu
		r.emu = nil
		if err := emu.Stop(); err != nil {
			return "", err
		}
		return "stopped cleanly", nil
	}); err != nil {
		return err
	}

	fmt.Fprintf(opts.Out, "\nWhat happened:\n")
	tw := tabwriter.NewWriter(opts.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  STEP\tOUTCOME\tTIME\n")
	for _, res := range r.results {
		fmt.Fprintf(tw, "  %s\t%s\t%.1f s\n", res.step, res.outcome, res.took.Seconds())
	}
	tw.Flush()
	fmt.Fprintf(opts.Out, "\nDemo finished in %.1f s.\n", time.Since(start).Seconds())
	return nil
}

// step runs fn, printing a numbered line with its outcome and duration.
func (r *run) step(name string, fn func() (string, error)) error {
	r.n++
	fmt.Fprintf(r.opts.Out, "[%d/%d] %s ... ", r.n, r.of, name)
	fmt.Fprintf(r.logFile, "\n===== %s\n", name)
	t0 := time.Now()
	outcome, err := fn()
	took := time.Since(t0)
	if err != nil {
		fmt.Fprintf(r.opts.Out, "FAILED\n      %v\n", err)
		return fmt.Errorf("demo step %q: %w", name, err)
	}
	fmt.Fprintf(r.opts.Out, "%s (%.1f s)\n", outcome, took.Seconds())
	r.results = append(r.results, result{step: name, outcome: outcome, took: took})
	return nil
}

// terraform runs terraform in dir with the emulator's environment, logging
// its output; on failure the error carries the output's last lines.
func (r *run) terraform(ctx context.Context, dir string, args ...string) (string, error) {
	tf := tfcli.Terraform{Bin: r.opts.Terraform, Env: r.emu.Env(r.tfrc), Log: r.logFile}
	return tf.Run(ctx, dir, args...)
}

// clusterState asks the emulator, through the Databricks SDK, what state the
// cluster is in: the demo checks outcomes, it does not trust them.
func (r *run) clusterState(ctx context.Context, id string) (string, error) {
	w, err := client.Workspace(client.Isolated(r.emu.Host, r.emu.Token))
	if err != nil {
		return "", err
	}
	c, err := w.Clusters.GetByClusterId(ctx, id)
	if err != nil {
		return "", fmt.Errorf("reading cluster %s: %w", id, err)
	}
	return string(c.State), nil
}

var (
	applyRe   = regexp.MustCompile(`Resources: (\d+) added, (\d+) changed, (\d+) destroyed`)
	destroyRe = regexp.MustCompile(`Resources: (\d+) destroyed`)
)

func applySummary(out string) string {
	if m := applyRe.FindStringSubmatch(out); m != nil {
		return fmt.Sprintf("%s added, %s changed, %s destroyed", m[1], m[2], m[3])
	}
	return "applied"
}

func destroySummary(out string) string {
	if m := destroyRe.FindStringSubmatch(out); m != nil {
		return m[1] + " destroyed"
	}
	return "destroyed"
}
