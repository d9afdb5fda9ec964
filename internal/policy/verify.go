package policy

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestOptions configure RunTests (`brickops policy test`).
type TestOptions struct {
	// Paths are Rego files or directories; *_test.rego files and the
	// policies they test are read alike.
	Paths []string
	// DataPaths are JSON/YAML documents the policies read as data.
	DataPaths []string
	// RegoVersion is "v0", "v1" or empty (each file as written).
	RegoVersion string
	// Run keeps only tests whose name matches this regular expression.
	Run string
}

// TestResult is one test_* rule.
type TestResult struct {
	Package    string  `json:"package"`
	Name       string  `json:"name"`
	File       string  `json:"file"`
	Line       int     `json:"line"`
	Pass       bool    `json:"pass"`
	Skip       bool    `json:"skip,omitempty"`
	Error      string  `json:"error,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	// Output is what the test printed (print()).
	Output string `json:"output,omitempty"`
}

// FileCoverage is the share of one policy file's lines the tests ran.
type FileCoverage struct {
	File       string  `json:"file"`
	Coverage   float64 `json:"coverage"`
	Covered    int     `json:"covered_lines"`
	NotCovered int     `json:"not_covered_lines"`
	// Missed lists the line ranges no test reached ("12-14").
	Missed []string `json:"missed,omitempty"`
}

// TestReport is the outcome of RunTests.
type TestReport struct {
	Results []TestResult `json:"results"`
	Passed  int          `json:"passed"`
	Failed  int          `json:"failed"`
	Errored int          `json:"errored"`
	Skipped int          `json:"skipped"`
	// Coverage is the percentage of policy lines (tests excluded) the
	// tests ran.
	Coverage float64        `json:"coverage"`
	Files    []FileCoverage `json:"files"`
}

// RunTests runs the test_* rules of the policies, as `opa test` and
// `conftest verify` do, with line coverage of the policies under test.
func RunTests(ctx context.Context, opts TestOptions) (*TestReport, error) {
	files, err := regoFiles(opts.Paths)
	if err != nil {
		return nil, err
	}
	modules := make(map[string]*ast.Module, len(files))
	for _, f := range files {
		m, err := parseRegoFile(f, opts.RegoVersion)
		if err != nil {
			return nil, err
		}
		modules[f] = m
	}
	store, err := loadData(opts.DataPaths)
	if err != nil {
		return nil, err
	}
	cov := cover.New()
	runner := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
		SetStore(store).
		SetRuntime(runtimeTerm()).
		CapturePrintOutput(true).
		SetCoverageQueryTracer(cov).
		Filter(opts.Run).
		SetModules(modules)
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer store.Abort(ctx, txn)
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		return nil, firstRegoError(err)
	}
	rep := &TestReport{Results: []TestResult{}, Files: []FileCoverage{}}
	for r := range ch {
		tr := TestResult{Package: strings.TrimPrefix(r.Package, "data."), Name: r.Name, Pass: r.Pass(), Skip: r.Skip,
			DurationMS: float64(r.Duration.Microseconds()) / 1000, Output: string(r.Output)}
		if r.Location != nil {
			tr.File, tr.Line = r.Location.File, r.Location.Row
		}
		switch {
		case r.Error != nil:
			tr.Error = strings.ReplaceAll(r.Error.Error(), "\n", " ")
			rep.Errored++
		case r.Skip:
			rep.Skipped++
		case r.Fail:
			rep.Failed++
		default:
			rep.Passed++
		}
		rep.Results = append(rep.Results, tr)
	}
	if len(rep.Results) == 0 {
		return nil, fmt.Errorf("%s: no test_* rules found (write them in *_test.rego files beside the policies)", strings.Join(opts.Paths, ", "))
	}
	sort.SliceStable(rep.Results, func(i, j int) bool {
		a, b := rep.Results[i], rep.Results[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	rep.coverage(cov.Report(policyModules(modules)))
	return rep, nil
}

// policyModules leaves the test files out of the coverage report: what
// matters is how much of the policies the tests reach.
func policyModules(modules map[string]*ast.Module) map[string]*ast.Module {
	out := map[string]*ast.Module{}
	for f, m := range modules {
		if !strings.HasSuffix(f, "_test.rego") {
			out[f] = m
		}
	}
	return out
}

func (rep *TestReport) coverage(cr cover.Report) {
	covered, total := 0, 0
	for file, fr := range cr.Files {
		if strings.HasSuffix(file, "_test.rego") {
			continue
		}
		fc := FileCoverage{File: file, Coverage: fr.Coverage, Covered: fr.CoveredLines, NotCovered: fr.NotCoveredLines}
		for _, r := range fr.NotCovered {
			if r.Start.Row == r.End.Row {
				fc.Missed = append(fc.Missed, fmt.Sprint(r.Start.Row))
			} else {
				fc.Missed = append(fc.Missed, fmt.Sprintf("%d-%d", r.Start.Row, r.End.Row))
			}
		}
		covered += fr.CoveredLines
		total += fr.CoveredLines + fr.NotCoveredLines
		rep.Files = append(rep.Files, fc)
	}
	sort.Slice(rep.Files, func(i, j int) bool { return rep.Files[i].File < rep.Files[j].File })
	if total > 0 {
		rep.Coverage = round1(100 * float64(covered) / float64(total))
	}
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }

// WriteText writes the test report as opa test does.
func (rep *TestReport) WriteText(w io.Writer) {
	for _, r := range rep.Results {
		status := "PASS"
		switch {
		case r.Error != "":
			status = "ERROR"
		case r.Skip:
			status = "SKIP"
		case !r.Pass:
			status = "FAIL"
		}
		fmt.Fprintf(w, "%-5s %s.%s (%.3fms)  %s:%d\n", status, r.Package, r.Name, r.DurationMS, r.File, r.Line)
		if r.Error != "" {
			fmt.Fprintf(w, "      %s\n", r.Error)
		}
		for _, line := range strings.Split(strings.TrimRight(r.Output, "\n"), "\n") {
			if line != "" {
				fmt.Fprintf(w, "      %s\n", line)
			}
		}
	}
	fmt.Fprintln(w, strings.Repeat("-", 72))
	fmt.Fprintf(w, "PASS: %d/%d", rep.Passed, len(rep.Results))
	if rep.Failed > 0 {
		fmt.Fprintf(w, "  FAIL: %d/%d", rep.Failed, len(rep.Results))
	}
	if rep.Errored > 0 {
		fmt.Fprintf(w, "  ERROR: %d/%d", rep.Errored, len(rep.Results))
	}
	if rep.Skipped > 0 {
		fmt.Fprintf(w, "  SKIP: %d/%d", rep.Skipped, len(rep.Results))
	}
	fmt.Fprintf(w, "\ncoverage: %.1f%% of policy lines\n", rep.Coverage)
	for _, f := range rep.Files {
		missed := ""
		if len(f.Missed) > 0 {
			missed = "; not covered: lines " + strings.Join(f.Missed, ", ")
		}
		fmt.Fprintf(w, "  %s: %.1f%% (%d/%d lines)%s\n", f.File, f.Coverage, f.Covered, f.Covered+f.NotCovered, missed)
	}
}
