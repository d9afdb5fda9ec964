package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/policy/policybench"
)

// policyRounds runs each command this many times, interleaved, and keeps
// the median: on a shared machine one run says little.
const policyRounds = 3

// policyCheck measures `brickops policy check` on a generated plan of
// 10,000 resource changes (internal/policy/policybench) as users run it,
// in processes of their own: with a conftest-style Rego policy, and with
// the built-in rule pack alone. When conftest is installed (bin/conftest,
// `make conftest`, or on PATH) it runs the same Rego on the same plan in
// the same rounds, the verdicts are compared, and the ratios reported.
func policyCheck(ctx context.Context, env *Env, report func(Result)) error {
	dir := filepath.Join(env.WorkDir, "policy-bench")
	if err := os.MkdirAll(filepath.Join(dir, "rego"), 0o755); err != nil {
		return err
	}
	raw, err := policybench.Plan(10000)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "prod.json"), raw, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "rego", "capacity.rego"), []byte(policybench.RegoPolicy), 0o644); err != nil {
		return err
	}
	report(Result{"policy_plan_size", round(float64(len(raw)) / (1 << 20)), "MiB"})
	brickops := filepath.Join(env.BinDir, "brickops")
	commands := []policyCommand{
		{name: "brickops_rego", args: []string{brickops, "policy", "check", "--policy", "rego", "--output", "json", "prod.json"}},
		{name: "brickops_builtin", args: []string{brickops, "policy", "check", "--output", "json", "prod.json"}},
	}
	conftest := conftestBinary(env)
	if conftest != "" {
		commands = append(commands, policyCommand{name: "conftest", args: []string{conftest, "test", "--policy", "rego", "--output", "json", "--no-color", "prod.json"}})
	} else {
		fmt.Fprintln(env.Log, "conftest not found (make conftest installs it into bin/): no ratios")
	}
	for round := 0; round < policyRounds; round++ {
		for i := range commands {
			if err := commands[i].run(ctx, dir); err != nil {
				return err
			}
		}
	}
	byName := map[string]*policyCommand{}
	for i := range commands {
		c := &commands[i]
		byName[c.name] = c
		report(Result{"policy_" + c.name + "_wall", round(c.median(c.wall)), "s"})
		report(Result{"policy_" + c.name + "_cpu", round(c.median(c.cpu)), "s"})
		report(Result{"policy_" + c.name + "_peak_rss", round(c.median(c.rss) / (1 << 20)), "MiB"})
	}
	ct := byName["conftest"]
	if ct == nil {
		return nil
	}
	if err := sameRegoVerdict(byName["brickops_rego"].stdout, ct.stdout); err != nil {
		return err
	}
	rego, builtin := byName["brickops_rego"], byName["brickops_builtin"]
	ratio := func(a, b []float64) float64 { return round(rego.median(a) / rego.median(b)) }
	report(Result{"policy_rego_vs_conftest_wall", ratio(rego.wall, ct.wall), "x"})
	report(Result{"policy_rego_vs_conftest_cpu", ratio(rego.cpu, ct.cpu), "x"})
	report(Result{"policy_rego_vs_conftest_peak_rss", ratio(rego.rss, ct.rss), "x"})
	report(Result{"policy_builtin_vs_conftest_wall", ratio(builtin.wall, ct.wall), "x"})
	report(Result{"policy_builtin_vs_conftest_cpu", ratio(builtin.cpu, ct.cpu), "x"})
	report(Result{"policy_builtin_vs_conftest_peak_rss", ratio(builtin.rss, ct.rss), "x"})
	return nil
}

// conftestBinary finds conftest: bin/conftest first, then PATH.
func conftestBinary(env *Env) string {
	if p := filepath.Join(env.BinDir, "conftest"); fileExists(p) {
		return p
	}
	if p, err := exec.LookPath("conftest"); err == nil {
		return p
	}
	return ""
}

func fileExists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir()
}

type policyCommand struct {
	name      string
	args      []string
	wall, cpu []float64
	rss       []float64
	stdout    []byte
}

// run runs the command once in dir; exit status 1 (the plan is denied) is
// its expected answer.
func (c *policyCommand) run(ctx context.Context, dir string) error {
	cmd := exec.CommandContext(ctx, c.args[0], c.args[1:]...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return fmt.Errorf("%s: %v\n%s", c.name, err, stderr.String())
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	c.wall = append(c.wall, wall.Seconds())
	c.cpu = append(c.cpu, (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds())
	if ru != nil {
		c.rss = append(c.rss, float64(ru.Maxrss)*1024) // Linux reports KiB
	}
	c.stdout = stdout.Bytes()
	return nil
}

func (c *policyCommand) median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// sameRegoVerdict checks that brickops' Rego findings are conftest's:
// the same number of failures and warnings (a ratio between runs that
// disagree would measure nothing).
func sameRegoVerdict(brickopsJSON, conftestJSON []byte) error {
	var b struct {
		Findings []struct {
			Source   string `json:"source"`
			Severity string `json:"severity"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(brickopsJSON, &b); err != nil {
		return fmt.Errorf("reading brickops' report: %w", err)
	}
	var c []struct {
		Failures []json.RawMessage `json:"failures"`
		Warnings []json.RawMessage `json:"warnings"`
	}
	if err := json.Unmarshal(conftestJSON, &c); err != nil {
		return fmt.Errorf("reading conftest's report: %w", err)
	}
	var bf, bw, cf, cw int
	for _, f := range b.Findings {
		switch {
		case f.Source == "builtin":
		case f.Severity == "error":
			bf++
		default:
			bw++
		}
	}
	for _, r := range c {
		cf += len(r.Failures)
		cw += len(r.Warnings)
	}
	if bf != cf || bw != cw {
		return fmt.Errorf("verdicts differ on the benchmark plan: brickops %d failures and %d warnings, conftest %d and %d", bf, bw, cf, cw)
	}
	return nil
}
