package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// The conftest compatibility suite: conftest-style policies over real
// Terraform plans (testdata/compat/plans: two from `terraform show -json`,
// one hand-written minimal fixture), with the flags conftest users pass.
// conftest's answers are recorded once in testdata/compat/conftest.json
// by `make conftest-record` (conftest v0.71.1 built from the Go module
// proxy); the test compares brickops' verdicts with them and never runs
// conftest itself.

var recordWith = flag.String("conftest", "", "record conftest's answers with this conftest binary into testdata/compat/conftest.json")

const compatDir = "testdata/compat"

type compatCase struct {
	Name          string
	Policy        []string // under policies/
	Data          []string // under policies/
	Namespace     []string
	AllNamespaces bool
	RegoVersion   string
	Combine       bool
	FailOnWarn    bool
	NoFail        bool
	Plans         []string // under plans/
	Env           map[string]string
}

var compatCases = []compatCase{
	{Name: "basic/mixed", Policy: []string{"basic"}, Plans: []string{"mixed.json"}},
	{Name: "basic/create", Policy: []string{"basic"}, Plans: []string{"create.json"}},
	{Name: "basic/minimal", Policy: []string{"basic"}, Plans: []string{"minimal.json"}},
	{Name: "v0/mixed", Policy: []string{"v0"}, RegoVersion: "v0", Plans: []string{"mixed.json"}},
	{Name: "v0/create-exception", Policy: []string{"v0"}, RegoVersion: "v0", Plans: []string{"create.json"}},
	{Name: "data/mixed", Policy: []string{"data/policy"}, Data: []string{"data/data"}, Plans: []string{"mixed.json"}},
	{Name: "data/create", Policy: []string{"data/policy"}, Data: []string{"data/data/limits", "data/data/owners.json"}, Plans: []string{"create.json"}},
	{Name: "exceptions/mixed", Policy: []string{"exceptions"}, Plans: []string{"mixed.json"}},
	{Name: "exceptions/minimal", Policy: []string{"exceptions"}, Plans: []string{"minimal.json"}},
	{Name: "namespaces/glob", Policy: []string{"namespaces"}, Namespace: []string{"main*"}, Plans: []string{"mixed.json"}},
	{Name: "namespaces/all", Policy: []string{"namespaces"}, AllNamespaces: true, Plans: []string{"mixed.json"}},
	{Name: "namespaces/other", Policy: []string{"namespaces"}, Namespace: []string{"other"}, Plans: []string{"create.json"}},
	{Name: "file/mixed", Policy: []string{"file"}, Plans: []string{"mixed.json"}},
	{Name: "file/create", Policy: []string{"file"}, Plans: []string{"create.json"}},
	{Name: "runtime/mixed", Policy: []string{"runtime"}, Plans: []string{"mixed.json"}, Env: map[string]string{"BRICKOPS_COMPAT_MARKER": "strict"}},
	{Name: "print/mixed", Policy: []string{"print"}, Plans: []string{"mixed.json"}},
	{Name: "warnonly/fail-on-warn", Policy: []string{"warnonly"}, FailOnWarn: true, Plans: []string{"create.json"}},
	{Name: "basic/no-fail", Policy: []string{"basic"}, NoFail: true, Plans: []string{"mixed.json"}},
	{Name: "combine/two-plans", Policy: []string{"combine"}, Combine: true, Plans: []string{"mixed.json", "create.json"}},
	{Name: "basic/two-plans", Policy: []string{"basic"}, Plans: []string{"mixed.json", "minimal.json"}},
}

// compatAnswer is a verdict: whether the check fails (conftest's exit
// status is not 0), every failure, warning and exception as "KIND file
// namespace message", and conftest's test count.
type compatAnswer struct {
	Fails  bool     `json:"fails"`
	Lines  []string `json:"lines"`
	Tests  int      `json:"tests"`
	Passed int      `json:"passed"`
}

func (c compatCase) paths(dir string, names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, filepath.Join(compatDir, dir, n))
	}
	return out
}

func TestConftestCompat(t *testing.T) {
	answersFile := filepath.Join(compatDir, "conftest.json")
	if *recordWith != "" {
		recordConftest(t, answersFile)
	}
	raw, err := os.ReadFile(answersFile)
	if err != nil {
		t.Fatalf("reading conftest's recorded answers (make conftest-record): %v", err)
	}
	var recorded map[string]compatAnswer
	if err := json.Unmarshal(raw, &recorded); err != nil {
		t.Fatal(err)
	}
	for _, c := range compatCases {
		t.Run(c.Name, func(t *testing.T) {
			want, ok := recorded[c.Name]
			if !ok {
				t.Fatalf("no recorded conftest answer for %s: run make conftest-record", c.Name)
			}
			for k, v := range c.Env {
				t.Setenv(k, v)
			}
			got, rep := brickopsAnswer(t, c)
			if got.Fails != want.Fails {
				t.Errorf("fails = %v, conftest: %v", got.Fails, want.Fails)
			}
			if strings.Join(got.Lines, "\n") != strings.Join(want.Lines, "\n") {
				t.Errorf("results:\n%s\nconftest:\n%s", strings.Join(got.Lines, "\n"), strings.Join(want.Lines, "\n"))
			}
			if got.Tests != want.Tests || got.Passed != want.Passed {
				t.Errorf("%d tests, %d passed; conftest: %d tests, %d passed", got.Tests, got.Passed, want.Tests, want.Passed)
			}
			if c.Name == "print/mixed" {
				if joined := strings.Join(rep.Prints, "\n"); !strings.Contains(joined, "print.rego:7: checking terraform_data.a") {
					t.Errorf("print() output not kept: %q", joined)
				}
			}
		})
	}
}

func brickopsAnswer(t *testing.T, c compatCase) (compatAnswer, *Report) {
	t.Helper()
	e, err := New(context.Background(), Options{NoBuiltin: true, PolicyPaths: c.paths("policies", c.Policy), DataPaths: c.paths("policies", c.Data),
		Namespaces: c.Namespace, AllNamespaces: c.AllNamespaces, RegoVersion: c.RegoVersion, Combine: c.Combine})
	if err != nil {
		t.Fatal(err)
	}
	var plans []*planjson.Plan
	for _, p := range c.paths("plans", c.Plans) {
		plan, err := planjson.Load(p, strings.TrimSuffix(filepath.Base(p), ".json"))
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, plan)
	}
	rep, err := e.Check(context.Background(), plans)
	if err != nil {
		t.Fatal(err)
	}
	rep.FailOnWarn = c.FailOnWarn
	a := compatAnswer{Fails: rep.Denied() && !c.NoFail, Tests: rep.RegoTests, Passed: rep.RegoPassed}
	for _, f := range rep.Findings {
		kind := "WARN"
		if f.Severity == SeverityError {
			kind = "FAIL"
		}
		a.Lines = append(a.Lines, fmt.Sprintf("%s %s %s %s", kind, f.PlanFile, strings.TrimSuffix(f.RuleID, "."+f.RuleName), f.Message))
	}
	for _, x := range rep.Exceptions {
		a.Lines = append(a.Lines, fmt.Sprintf("EXCP %s %s %s", x.PlanFile, x.Namespace, x.Query))
	}
	sort.Strings(a.Lines)
	return a, rep
}

// recordConftest runs conftest on every case and writes its answers.
func recordConftest(t *testing.T, path string) {
	answers := map[string]compatAnswer{}
	for _, c := range compatCases {
		args := []string{"test", "--output", "json", "--no-color"}
		for _, p := range c.paths("policies", c.Policy) {
			args = append(args, "--policy", p)
		}
		for _, d := range c.paths("policies", c.Data) {
			args = append(args, "--data", d)
		}
		for _, n := range c.Namespace {
			args = append(args, "--namespace", n)
		}
		if c.AllNamespaces {
			args = append(args, "--all-namespaces")
		}
		if c.RegoVersion != "" {
			args = append(args, "--rego-version", c.RegoVersion)
		}
		for flag, on := range map[string]bool{"--combine": c.Combine, "--fail-on-warn": c.FailOnWarn, "--no-fail": c.NoFail} {
			if on {
				args = append(args, flag)
			}
		}
		args = append(args, c.paths("plans", c.Plans)...)
		cmd := exec.Command(*recordWith, args...)
		cmd.Env = os.Environ()
		for k, v := range c.Env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("%s: running conftest: %v", c.Name, err)
		}
		var results []struct {
			Filename   string                 `json:"filename"`
			Namespace  string                 `json:"namespace"`
			Successes  int                    `json:"successes"`
			Failures   []struct{ Msg string } `json:"failures"`
			Warnings   []struct{ Msg string } `json:"warnings"`
			Exceptions []struct{ Msg string } `json:"exceptions"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
			t.Fatalf("%s: conftest answered %v:\n%s\n%s", c.Name, err, stdout.String(), stderr.String())
		}
		a := compatAnswer{Fails: cmd.ProcessState.ExitCode() != 0, Lines: []string{}}
		for _, r := range results {
			for _, kind := range []struct {
				label string
				list  []struct{ Msg string }
			}{{"FAIL", r.Failures}, {"WARN", r.Warnings}, {"EXCP", r.Exceptions}} {
				for _, x := range kind.list {
					a.Lines = append(a.Lines, fmt.Sprintf("%s %s %s %s", kind.label, r.Filename, r.Namespace, x.Msg))
				}
				a.Tests += len(kind.list)
			}
			a.Tests += r.Successes
			a.Passed += r.Successes
		}
		sort.Strings(a.Lines)
		answers[c.Name] = a
	}
	out, err := json.MarshalIndent(answers, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded conftest's answers for %d cases in %s", len(answers), path)
}
