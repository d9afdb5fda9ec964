package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"

	"github.com/brickops/terraform-provider-brickops/internal/policy/policybench"
)

// policyCheck runs the policy engine's benchmark (internal/policy/policybench:
// a generated 10,000-change plan against the built-in rule pack and one
// Rego policy) in a process of its own, so that its peak RSS is the policy
// check's and not this program's.
func policyCheck(ctx context.Context, env *Env, report func(Result)) error {
	bin := filepath.Join(env.WorkDir, "policybench")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./internal/policy/policybench/cmd/policybench")
	build.Dir = env.RepoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building policybench: %v\n%s", err, out)
	}
	var out bytes.Buffer
	run := exec.CommandContext(ctx, bin, "-json")
	run.Stdout, run.Stderr = &out, env.Log
	if err := run.Run(); err != nil {
		return fmt.Errorf("policybench: %w", err)
	}
	var res policybench.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return fmt.Errorf("reading policybench's result: %w\n%s", err, out.String())
	}
	const mib = 1 << 20
	report(Result{res.Name + "_total", round(res.TotalSeconds), "s"})
	report(Result{res.Name + "_load", round(res.LoadSeconds), "s"})
	report(Result{res.Name + "_check", round(res.CheckSeconds), "s"})
	report(Result{res.Name + "_peak_rss", round(float64(res.PeakRSSBytes) / mib), "MiB"})
	report(Result{res.Name + "_peak_heap", round(float64(res.PeakHeapBytes) / mib), "MiB"})
	return nil
}
