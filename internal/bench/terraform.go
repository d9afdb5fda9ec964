package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
	"github.com/brickops/terraform-provider-brickops/internal/stackgen"
	"github.com/brickops/terraform-provider-brickops/internal/tfcli"
)

// scaleSizes are the generated configurations' sizes.
var scaleSizes = []int{100, 1000}

// scaleRateLimit lifts the Databricks SDK's client-side throttle (15
// requests/s by default, DATABRICKS_RATE_LIMIT) for the scale runs, so
// they measure the provider, Terraform and the emulator rather than a
// deliberate sleep. Against a real workspace keep the default: the calls
// per resource reported here divided by 15 is then the floor in seconds
// per resource.
const scaleRateLimit = 1000

// providerScale applies, plans (refresh, no changes) and destroys
// generated configurations against an emulator with async delays at zero,
// and counts the API calls of each phase in the emulator's request log.
func providerScale(ctx context.Context, env *Env, report func(Result)) error {
	for _, n := range scaleSizes {
		if err := scaleRun(ctx, env, n, report); err != nil {
			return fmt.Errorf("%d resources: %w", n, err)
		}
	}
	return nil
}

func scaleRun(ctx context.Context, env *Env, n int, report func(Result)) error {
	work := filepath.Join(env.WorkDir, fmt.Sprintf("scale-%d", n))
	proc, err := emuproc.Start(ctx, emuproc.Options{
		Bin: filepath.Join(env.BinDir, "brickops"), DataDir: filepath.Join(work, "emulator"), Stderr: env.Log,
		// Room for every call of the largest phase.
		Args: []string{"--request-log-size", fmt.Sprint(20 * n)},
	})
	if err != nil {
		return err
	}
	defer proc.Stop()
	tf, err := terraformFor(env, work, proc)
	if err != nil {
		return err
	}
	tf.Env = append(tf.Env, fmt.Sprintf("DATABRICKS_RATE_LIMIT=%d", scaleRateLimit))
	dir := filepath.Join(work, "stack")
	if err := stackgen.Write(dir, n, stackgen.Kinds); err != nil {
		return err
	}
	for _, phase := range []struct {
		name string
		args []string
	}{
		{"apply", []string{"apply", "-auto-approve", "-input=false", "-no-color"}},
		// -detailed-exitcode: exit 2 (changes) fails the run; the plan after apply must be empty.
		{"plan", []string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}},
		{"destroy", []string{"destroy", "-auto-approve", "-input=false", "-no-color"}},
	} {
		if _, err := proc.Call(ctx, "DELETE", "/_emulator/requests", nil, nil); err != nil {
			return err
		}
		t0 := time.Now()
		if _, err := tf.Run(ctx, dir, phase.args...); err != nil {
			return err
		}
		took := time.Since(t0)
		var log struct {
			Requests []struct{} `json:"requests"`
		}
		if _, err := proc.Call(ctx, "GET", "/_emulator/requests?path_prefix=/api/", nil, &log); err != nil {
			return err
		}
		name := fmt.Sprintf("provider_scale_n%d_%s", n, phase.name)
		report(Result{name, round(seconds(took)), "s"})
		report(Result{name + "_calls_per_resource", round(float64(len(log.Requests)) / float64(n)), "calls"})
	}
	return nil
}

// terraformFor writes a dev_overrides CLI config in work and returns a
// terraform runner pointed at proc.
func terraformFor(env *Env, work string, proc *emuproc.Process) (tfcli.Terraform, error) {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return tfcli.Terraform{}, err
	}
	tfrc := filepath.Join(work, "terraform.rc")
	if err := tfcli.WriteDevOverrides(tfrc, env.BinDir); err != nil {
		return tfcli.Terraform{}, err
	}
	var env2 []string
	if proc != nil {
		env2 = proc.Env(tfrc)
	} else {
		env2 = append(os.Environ(), "TF_CLI_CONFIG_FILE="+tfrc, "CHECKPOINT_DISABLE=1")
	}
	return tfcli.Terraform{Bin: env.Terraform, Env: env2, Log: env.Log}, nil
}

// startupRuns is how many times the schema is asked for; the median counts.
const startupRuns = 5

// providerStartup times `terraform providers schema -json` with the local
// provider: Terraform starts the provider, asks for its schema and stops
// it, which is the fixed cost every terraform command pays.
func providerStartup(ctx context.Context, env *Env, report func(Result)) error {
	work := filepath.Join(env.WorkDir, "startup")
	tf, err := terraformFor(env, work, nil)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(stackgen.Config(0, stackgen.Kinds)), 0o644); err != nil {
		return err
	}
	tf.Log = nil // the schema is large and says nothing about speed
	var runs []time.Duration
	for range startupRuns {
		t0 := time.Now()
		if _, err := tf.Run(ctx, work, "providers", "schema", "-json"); err != nil {
			return err
		}
		runs = append(runs, time.Since(t0))
	}
	report(Result{"provider_schema_median", round(seconds(percentile(runs, 50))), "s"})
	return nil
}
