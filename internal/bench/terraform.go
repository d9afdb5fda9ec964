package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
	"github.com/brickops/terraform-provider-brickops/internal/stackgen"
	"github.com/brickops/terraform-provider-brickops/internal/tfcli"
)

// scaleSizes are the generated configurations' sizes.
var scaleSizes = []int{300, 1000}

// scaleKinds is the workload: clusters, schemas and registered models,
// round-robin. Fixed here (not stackgen.Kinds) so that both providers run
// the same configuration: these three have the same attributes in the
// official provider (databricks_cluster, databricks_schema,
// databricks_registered_model).
var scaleKinds = []stackgen.Kind{stackgen.Cluster, stackgen.Schema, stackgen.RegisteredModel}

// Rate limits (requests per second per SDK client, DATABRICKS_RATE_LIMIT).
// sdkDefaultRateLimit is databricks-sdk-go's default, what every user of
// either provider gets against a real workspace; liftedRateLimit takes the
// throttle out so a run measures the provider, Terraform and the emulator.
const (
	sdkDefaultRateLimit = 15
	liftedRateLimit     = 1000
)

// batchRefreshOn is BrickOps' default, set explicitly so that a developer's
// shell cannot turn it off for the figures that assume it.
const batchRefreshOn = "BRICKOPS_BATCH_REFRESH=true"

// terminationDelay is how long the emulator takes to terminate a cluster
// (and every other asynchronous transition) during the destroy phase: its
// default --async-delay, what `brickops emulator` runs with (2 s).
// Production takes minutes. The other phases run at zero so that they measure the
// provider, Terraform and the emulator rather than a deliberate sleep; at
// zero a destroy that waits for TERMINATED costs one more GET, and the
// bench could not tell a provider that waits from one that does not —
// which is what the destroy figure is for (issue 19: "destroy without
// needless waits").
const terminationDelay = emulator.DefaultAsyncDelay

// destroyBefore is the destroy phase of the same workload with the code of
// commit 7677cdd (2026-11-25), before batched refresh and direct cluster
// deletes: one GET per object on refresh, then terminate, wait for
// TERMINATED and permanent-delete each cluster (3.7 calls per resource).
// Measured on 2026-11-30 on this 2-core machine, shared with another
// session (load average ~2): 7677cdd's binaries built in a throwaway
// worktree, stackgen.Config(n, scaleKinds) (7677cdd's stackgen.Kinds is
// the same list and stackgen has not changed since), apply with
// --async-delay 0, then destroy against the same data restarted with
// --async-delay 2s, DATABRICKS_RATE_LIMIT=1000, local state, twice each:
// 1,000 resources 146.8 and 146.5 s (this code, the same way: 40.7 s);
// 300 resources 43.5 and 43.9 s (this code: 5.5 and 5.0 s).
//
// At --async-delay 0 the two destroys of 1,000 take the same time (7677cdd:
// 45.4 and 46.0 s; this code 44.9 s, same day and load; of 300: 8.1 and
// 6.6 s against 5.5 and 5.0 s): Terraform's local backend
// rewrites and fsyncs the whole state file after every resource it
// deletes (statemgr.Filesystem.WriteState from the PostStateUpdate hook,
// under the state lock), which is quadratic in the number of resources —
// 56% of Terraform's CPU in a profile of that destroy, against 1.6 s of
// emulator time for 1,342 calls. That is why 300 -> 1,000 resources costs
// 8x, and neither provider can change it. A remote backend keeps
// intermediate snapshots in memory: with Terraform's http backend the same
// destroy at --async-delay 0 takes 15.7 s with 7677cdd and 10.5 s now.
var destroyBefore = map[int]time.Duration{300: 43700 * time.Millisecond, 1000: 146650 * time.Millisecond}

// OfficialProviderEnv names the official Databricks provider binary
// (terraform-provider-databricks) to measure side by side. It is not on
// the Go module proxy, so the bench cannot build it: without the variable
// the official column is skipped.
const OfficialProviderEnv = "OFFICIAL_PROVIDER"

// A scale phase is one terraform command of the workload.
type scalePhase struct {
	name string
	args []string
	env  []string
	// asyncDelay is the emulator's --async-delay for this phase; scaleRun
	// restarts the emulator on the same data when it changes.
	asyncDelay time.Duration
}

var (
	applyPhase   = scalePhase{name: "apply", args: []string{"apply", "-auto-approve", "-input=false", "-no-color"}}
	destroyPhase = scalePhase{name: "destroy", args: []string{"destroy", "-auto-approve", "-input=false", "-no-color"}, asyncDelay: terminationDelay}
)

// planPhase is a refresh-and-plan after apply; strict adds
// -detailed-exitcode, so that any planned change fails the run.
func planPhase(name string, strict bool, env ...string) scalePhase {
	args := []string{"plan", "-input=false", "-no-color"}
	if strict {
		args = append(args, "-detailed-exitcode")
	}
	return scalePhase{name: name, args: args, env: env}
}

// providerScale applies, plans (refresh, no changes) and destroys
// generated configurations against an emulator with async delays at zero
// (terminationDelay for the destroy), and counts the API calls of each
// phase in the emulator's request log.
// Plans run at the SDK's default rate limit and with it lifted, with
// batched refresh and with one GET per object (BRICKOPS_BATCH_REFRESH=false);
// with OFFICIAL_PROVIDER set, the official provider runs the same
// workload against an emulator of its own and each figure gets a ratio.
func providerScale(ctx context.Context, env *Env, report func(Result)) error {
	official := os.Getenv(OfficialProviderEnv)
	if official == "" {
		fmt.Fprintf(env.Log, "provider-scale: %s is not set, skipping the official provider's column "+
			"(build databricks/terraform-provider-databricks and set %s to the binary)\n", OfficialProviderEnv, OfficialProviderEnv)
		if env.Log != os.Stderr {
			fmt.Fprintf(os.Stderr, "bench: %s not set: official provider column skipped\n", OfficialProviderEnv)
		}
	}
	sizes := scaleSizes
	if len(env.ScaleSizes) > 0 {
		sizes = env.ScaleSizes
	}
	for _, n := range sizes {
		phases := []scalePhase{applyPhase}
		for range unlimitedPlanRounds {
			phases = append(phases, planPhase("plan", true), planPhase("plan_per_object_get", true, "BRICKOPS_BATCH_REFRESH=false"))
		}
		phases = append(phases,
			planPhase("plan_rate_limited", true, fmt.Sprintf("DATABRICKS_RATE_LIMIT=%d", sdkDefaultRateLimit)),
			planPhase("plan_per_object_get_rate_limited", true, "BRICKOPS_BATCH_REFRESH=false", fmt.Sprintf("DATABRICKS_RATE_LIMIT=%d", sdkDefaultRateLimit)),
			destroyPhase,
		)
		ours, err := scaleRun(ctx, env, n, brickopsContender, phases)
		if err != nil {
			return fmt.Errorf("%d resources: %w", n, err)
		}
		ours = medianByPhase(ours)
		name := fmt.Sprintf("provider_scale_n%d_", n)
		for _, r := range ours {
			report(Result{name + r.phase, round(seconds(r.took)), "s"})
			report(Result{name + r.phase + "_calls_per_resource", round(float64(r.calls) / float64(n)), "calls"})
		}
		byPhase := func(rs []phaseResult, phase string) phaseResult {
			return rs[slices.IndexFunc(rs, func(r phaseResult) bool { return r.phase == phase })]
		}
		ratio := func(a, b phaseResult) float64 { return round(a.took.Seconds() / b.took.Seconds()) }
		report(Result{name + "plan_vs_per_object_get", ratio(byPhase(ours, "plan"), byPhase(ours, "plan_per_object_get")), "ratio"})
		report(Result{name + "plan_rate_limited_vs_per_object_get", ratio(byPhase(ours, "plan_rate_limited"), byPhase(ours, "plan_per_object_get_rate_limited")), "ratio"})
		if before, ok := destroyBefore[n]; ok {
			report(Result{name + "destroy_vs_before", ratio(byPhase(ours, "destroy"), phaseResult{took: before}), "ratio"})
		}
		if official == "" {
			continue
		}
		theirs, err := scaleRun(ctx, env, n, officialContender(official), []scalePhase{
			applyPhase,
			// The official provider's plan after apply is not asserted empty:
			// the emulator is BrickOps', and a diff there is not our figure.
			planPhase("plan", false),
			planPhase("plan_rate_limited", false, fmt.Sprintf("DATABRICKS_RATE_LIMIT=%d", sdkDefaultRateLimit)),
			destroyPhase,
		})
		if err != nil {
			return fmt.Errorf("official provider, %d resources: %w", n, err)
		}
		oname := fmt.Sprintf("official_scale_n%d_", n)
		for _, r := range theirs {
			report(Result{oname + r.phase, round(seconds(r.took)), "s"})
			report(Result{oname + r.phase + "_calls_per_resource", round(float64(r.calls) / float64(n)), "calls"})
			report(Result{name + r.phase + "_vs_official", ratio(byPhase(ours, r.phase), r), "ratio"})
		}
	}
	return nil
}

// unlimitedPlanRounds is how many times the two plans with the rate limit
// lifted run, alternating. Either takes about 5 s at 1,000 resources, almost
// all of it Terraform's own work per resource (the list calls take
// milliseconds, the GETs overlap with that work), so they differ by less
// than one run's noise on a shared machine: each figure is the median.
const unlimitedPlanRounds = 3

// medianByPhase folds repeated phases into one result each, in the order
// they first ran, with the median wall time (the calls of a phase do not
// vary between its runs).
func medianByPhase(rs []phaseResult) []phaseResult {
	var out []phaseResult
	took := map[string][]time.Duration{}
	for _, r := range rs {
		if _, seen := took[r.phase]; !seen {
			out = append(out, r)
		}
		took[r.phase] = append(took[r.phase], r.took)
	}
	for i := range out {
		out[i].took = percentile(took[out[i].phase], 50)
	}
	return out
}

// A contender is a provider the scale runs measure.
type contender struct {
	name string
	// config returns the workload's configuration for this provider.
	config func(n int) string
	// cliConfig writes the Terraform CLI config that resolves the provider.
	cliConfig func(env *Env, path string) error
}

var brickopsContender = contender{
	name:      "brickops",
	config:    func(n int) string { return stackgen.Config(n, scaleKinds) },
	cliConfig: func(env *Env, path string) error { return tfcli.WriteDevOverrides(path, env.BinDir) },
}

// officialContender runs the official provider binary at bin on the same
// workload, with its resource types.
func officialContender(bin string) contender {
	return contender{
		name:   "official",
		config: func(n int) string { return officialConfig(stackgen.Config(n, scaleKinds)) },
		cliConfig: func(env *Env, path string) error {
			// dev_overrides takes a directory holding terraform-provider-databricks.
			dir := filepath.Join(env.WorkDir, "official-provider")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			abs, err := filepath.Abs(bin)
			if err != nil {
				return err
			}
			link := filepath.Join(dir, "terraform-provider-databricks")
			if _, err := os.Lstat(link); err != nil {
				if err := os.Symlink(abs, link); err != nil {
					return fmt.Errorf("linking %s: %w", bin, err)
				}
			}
			rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"databricks/databricks\" = %q\n  }\n  direct {}\n}\n", dir)
			return os.WriteFile(path, []byte(rc), 0o600)
		},
	}
}

// officialConfig turns a generated BrickOps configuration into the
// official provider's: scaleKinds' attributes are the same, only the
// provider and the type prefix differ.
func officialConfig(cfg string) string {
	return strings.NewReplacer(
		`brickops = { source = "brickops/brickops" }`, `databricks = { source = "databricks/databricks" }`,
		`provider "brickops"`, `provider "databricks"`,
		"brickops_", "databricks_",
	).Replace(cfg)
}

// phaseResult is one phase's wall time and API calls.
type phaseResult struct {
	phase string
	took  time.Duration
	calls int
}

// scaleRun runs phases in order on a fresh emulator with c's provider and
// the n-resource workload.
func scaleRun(ctx context.Context, env *Env, n int, c contender, phases []scalePhase) ([]phaseResult, error) {
	fmt.Fprintf(env.Log, "provider-scale: %s, %d resources\n", c.name, n)
	work := filepath.Join(env.WorkDir, fmt.Sprintf("scale-%s-%d", c.name, n))
	emulator := func(asyncDelay time.Duration) (*emuproc.Process, error) {
		return emuproc.Start(ctx, emuproc.Options{
			Bin: filepath.Join(env.BinDir, "brickops"), DataDir: filepath.Join(work, "emulator"), Stderr: env.Log,
			AsyncDelay: asyncDelay,
			// Room for every call of the largest phase.
			Args: []string{"--request-log-size", fmt.Sprint(20 * n)},
		})
	}
	var asyncDelay time.Duration
	proc, err := emulator(asyncDelay)
	if err != nil {
		return nil, err
	}
	defer func() {
		if proc != nil {
			proc.Stop()
		}
	}()
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	tfrc := filepath.Join(work, "terraform.rc")
	if err := c.cliConfig(env, tfrc); err != nil {
		return nil, err
	}
	dir := filepath.Join(work, "stack")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(c.config(n)), 0o644); err != nil {
		return nil, err
	}
	var out []phaseResult
	for _, phase := range phases {
		if phase.asyncDelay != asyncDelay {
			// The state is on disk: a restart finds it with the new delay.
			stopErr := proc.Stop()
			proc = nil
			if stopErr != nil {
				return nil, stopErr
			}
			asyncDelay = phase.asyncDelay
			if proc, err = emulator(asyncDelay); err != nil {
				return nil, err
			}
		}
		if _, err := proc.Call(ctx, "DELETE", "/_emulator/requests", nil, nil); err != nil {
			return nil, err
		}
		tf := tfcli.Terraform{Bin: env.Terraform, Log: env.Log,
			Env: append(proc.Env(tfrc), append([]string{fmt.Sprintf("DATABRICKS_RATE_LIMIT=%d", liftedRateLimit), batchRefreshOn}, phase.env...)...)}
		t0 := time.Now()
		if _, err := tf.Run(ctx, dir, phase.args...); err != nil {
			return nil, fmt.Errorf("%s: %w", phase.name, err)
		}
		took := time.Since(t0)
		var log struct {
			Requests []struct{} `json:"requests"`
		}
		if _, err := proc.Call(ctx, "GET", "/_emulator/requests?path_prefix=/api/", nil, &log); err != nil {
			return nil, err
		}
		fmt.Fprintf(env.Log, "provider-scale: %s n=%d %s: %v, %d calls\n", c.name, n, phase.name, took.Round(time.Millisecond), len(log.Requests))
		out = append(out, phaseResult{phase.name, took, len(log.Requests)})
	}
	return out, nil
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
