// Package bench measures BrickOps: emulator throughput and latency,
// provider scale and start-up, and the demo's wall time. Benchmarks report
// figures, they never assert on them: the machine decides the numbers.
//
// Each benchmark is one entry of All; `make bench` runs them in order,
// prints `BENCH <name> <value> <unit>` lines and writes bench/results.json.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// Result is one figure.
type Result struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Line is the result as `make bench` prints it.
func (r Result) Line() string {
	return fmt.Sprintf("BENCH %s %s %s", r.Name, strconv.FormatFloat(r.Value, 'f', -1, 64), r.Unit)
}

// Env is what every benchmark gets.
type Env struct {
	// BinDir holds the built brickops and terraform-provider-brickops.
	BinDir string
	// Terraform is the terraform binary.
	Terraform string
	// RepoRoot is the repository (for examples/).
	RepoRoot string
	// WorkDir is a scratch directory, removed afterwards.
	WorkDir string
	// Log receives progress and the output of the tools run.
	Log io.Writer
	// ScaleSizes overrides provider-scale's sizes (default 300 and 1,000):
	// a developer checks a change at small N before the full run.
	ScaleSizes []int
}

// Benchmark is one named measurement. Run reports each figure as soon as
// it has it.
type Benchmark struct {
	Name        string
	Description string
	Run         func(ctx context.Context, env *Env, report func(Result)) error
}

// All lists the benchmarks in the order `make bench` runs them. A new
// benchmark is one more entry here.
var All = []Benchmark{
	{Name: "emulator", Description: "emulator GET and write throughput and p50/p99 latency at 1, 8 and 32 clients", Run: emulatorLoad},
	{Name: "provider-startup", Description: "terraform providers schema -json with the local provider", Run: providerStartup},
	{Name: "provider-scale", Description: "terraform apply, no-change plan (batched and per-object refresh, SDK default and lifted rate limit) and destroy of 300 and 1,000 generated resources; with OFFICIAL_PROVIDER, the official provider side by side", Run: providerScale},
	{Name: "lost-answers", Description: "apply of a 35-resource stack of every type with 20% lost answers on writes and 20% 429/503 on the rest: applies to converge, objects outside state, duplicates", Run: lostAnswers},
	{Name: "policy", Description: "brickops policy check of a generated 10,000-change plan (Rego policy; built-in pack alone) and conftest on the same Rego when installed: wall, CPU, peak RSS, ratios", Run: policyCheck},
	{Name: "demo", Description: "wall time of `brickops demo`", Run: demoWallTime},
}

// Run runs benchmarks in order, writing each result's line to out as it
// comes, and returns every result. It stops at the first failure.
func Run(ctx context.Context, env *Env, benchmarks []Benchmark, out io.Writer) ([]Result, error) {
	var results []Result
	report := func(r Result) {
		results = append(results, r)
		fmt.Fprintln(out, r.Line())
	}
	for _, b := range benchmarks {
		fmt.Fprintf(env.Log, "== %s: %s\n", b.Name, b.Description)
		if err := b.Run(ctx, env, report); err != nil {
			return results, fmt.Errorf("benchmark %s: %w", b.Name, err)
		}
	}
	return results, nil
}

// Report is bench/results.json: the figures and the machine they came from.
type Report struct {
	GeneratedAt time.Time `json:"generated_at"`
	GoVersion   string    `json:"go_version"`
	OS          string    `json:"os"`
	Arch        string    `json:"arch"`
	NumCPU      int       `json:"num_cpu"`
	Results     []Result  `json:"results"`
}

// WriteReport writes results with the machine's description to path.
func WriteReport(path string, results []Result) error {
	rep := Report{
		GeneratedAt: time.Now().UTC().Truncate(time.Second), GoVersion: runtime.Version(),
		OS: runtime.GOOS, Arch: runtime.GOARCH, NumCPU: runtime.NumCPU(), Results: results,
	}
	raw, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// seconds rounds a duration to milliseconds, in seconds.
func seconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

// millis is a duration in milliseconds with microsecond precision.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// round keeps 2 decimals: figures from a shared machine carry no more.
func round(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	return f
}
