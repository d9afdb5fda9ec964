package policy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown/print"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
	"github.com/brickops/terraform-provider-brickops/internal/version"
)

// Conftest's rule naming: deny, violation and warn, optionally with
// _suffix parts. deny/violation fail the check, warn warns.
var (
	failureRule = regexp.MustCompile(`^(deny|violation)(_[a-zA-Z0-9]+)*$`)
	warningRule = regexp.MustCompile(`^warn(_[a-zA-Z0-9]+)*$`)
)

// Rego versions --rego-version accepts. Empty reads each file in the
// syntax it is written in (v1 first, then v0).
const (
	RegoV0 = "v0"
	RegoV1 = "v1"
)

// regoPolicies are compiled user policies with one prepared query per
// conftest rule and one per exception check, evaluated the way conftest
// evaluates them: per namespace, each rule is a set of strings or of
// objects with a "msg"; an `exception` rule in the same namespace naming
// the rule (without its deny_/violation_/warn_ prefixes) turns all its
// results into one exception per matching exception entry.
type regoPolicies struct {
	namespaces []*regoNamespace
	store      storage.Store
	prints     *printCollector
	combine    bool
}

type regoNamespace struct {
	name string
	// definitions counts the rule bodies (conftest counts a passing rule
	// once per body in its "N tests" total).
	definitions int
	rules       []*regoQuery
}

type regoQuery struct {
	namespace string
	rule      string
	file      string
	failure   bool
	query     rego.PreparedEvalQuery
	// exceptionQuery is conftest's exception query text, reported with
	// each exception; exception is nil when the namespace has no
	// exception rule (the query could not match).
	exceptionQuery string
	exception      *rego.PreparedEvalQuery
	// title and description come from the rule's METADATA annotations.
	title, description string
}

// id is how reports and waivers name the rule: package.rule.
func (q *regoQuery) id() string { return q.namespace + "." + q.rule }

type regoOptions struct {
	paths, data, namespaces []string
	all, combine            bool
	regoVersion             string
}

func loadRego(ctx context.Context, o regoOptions) (*regoPolicies, error) {
	files, err := regoFiles(o.paths)
	if err != nil {
		return nil, err
	}
	modules := make(map[string]*ast.Module, len(files))
	for _, f := range files {
		m, err := parseRegoFile(f, o.regoVersion)
		if err != nil {
			return nil, err
		}
		modules[f] = m
	}
	compiler := ast.NewCompiler().WithEnablePrintStatements(true)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, firstRegoError(compiler.Errors)
	}
	store, err := loadData(o.data)
	if err != nil {
		return nil, err
	}
	selected, err := selectNamespaces(files, modules, o.namespaces, o.all)
	if err != nil {
		return nil, err
	}
	docs := ruleDocs(modules)
	rp := &regoPolicies{store: store, prints: &printCollector{}, combine: o.combine}
	runtime := runtimeTerm()
	hasException := map[string]bool{}
	for _, m := range modules {
		for _, r := range m.Rules {
			if r.Head.Name.String() == "exception" {
				hasException[packageName(m)] = true
			}
		}
	}
	total := 0
	for _, ns := range selected {
		n := &regoNamespace{name: ns}
		for _, f := range files {
			m := modules[f]
			if packageName(m) != ns {
				continue
			}
			for _, r := range m.Rules {
				// conftest reads the rule's name, so ref heads such as
				// deny.x[y] are not conftest rules.
				name := r.Head.Name.String()
				failure := failureRule.MatchString(name)
				if !failure && !warningRule.MatchString(name) {
					continue
				}
				if isBooleanRule(r) {
					return nil, fmt.Errorf("%s:%d: rule %s is a boolean (`if` without `contains`); conftest rules are sets: `%s contains msg if { ... }`",
						f, r.Location.Row, name, name)
				}
				n.definitions++
				if n.has(name) {
					continue
				}
				q := &regoQuery{namespace: ns, rule: name, file: f, failure: failure,
					exceptionQuery: fmt.Sprintf("data.%s.exception[_][_] == %q", ns, removeRulePrefix(name))}
				q.title, q.description = docs[ns+"."+name][0], docs[ns+"."+name][1]
				if q.query, err = rp.prepare(ctx, compiler, runtime, fmt.Sprintf("data.%s.%s", ns, name)); err != nil {
					return nil, fmt.Errorf("%s: rule %s: %w", f, name, err)
				}
				if hasException[ns] {
					exc, err := rp.prepare(ctx, compiler, runtime, q.exceptionQuery)
					if err != nil {
						return nil, fmt.Errorf("%s: exception for %s: %w", f, name, err)
					}
					q.exception = &exc
				}
				n.rules = append(n.rules, q)
			}
		}
		sort.Slice(n.rules, func(i, j int) bool { return n.rules[i].rule < n.rules[j].rule })
		total += len(n.rules)
		rp.namespaces = append(rp.namespaces, n)
	}
	if total == 0 {
		// conftest would report "0 tests" and pass; a policy set that
		// checks nothing because of its package name is better an error.
		var pkgs []string
		for _, f := range files {
			if ns := packageName(modules[f]); !contains(pkgs, ns) {
				pkgs = append(pkgs, ns)
			}
		}
		sort.Strings(pkgs)
		where := "package " + strings.Join(o.namespaces, ", ")
		if len(o.namespaces) == 0 {
			where = "package main"
		}
		if o.all {
			where = "any package"
		}
		return nil, fmt.Errorf("%s: no deny, violation or warn rules in %s (packages found: %s); use --namespace or --all-namespaces",
			strings.Join(o.paths, ", "), where, strings.Join(pkgs, ", "))
	}
	return rp, nil
}

func (n *regoNamespace) has(rule string) bool {
	for _, q := range n.rules {
		if q.rule == rule {
			return true
		}
	}
	return false
}

// selectNamespaces is conftest's choice of packages: every package with
// --all-namespaces; the packages matching the patterns when any pattern
// is a glob (*, ?, [...]; * also matches dots); otherwise the names as
// given (default main).
func selectNamespaces(files []string, modules map[string]*ast.Module, patterns []string, all bool) ([]string, error) {
	var present []string
	for _, f := range files {
		if ns := packageName(modules[f]); !contains(present, ns) {
			present = append(present, ns)
		}
	}
	sort.Strings(present)
	if all {
		return present, nil
	}
	if len(patterns) == 0 {
		return []string{"main"}, nil
	}
	glob := false
	for _, p := range patterns {
		if strings.ContainsAny(p, "*?[") {
			glob = true
		}
	}
	if !glob {
		return patterns, nil
	}
	var out []string
	for _, ns := range present {
		for _, p := range patterns {
			ok, err := path.Match(p, ns)
			if err != nil {
				return nil, fmt.Errorf("--namespace %q: %w", p, err)
			}
			if ok {
				out = append(out, ns)
				break
			}
		}
	}
	return out, nil
}

// removeRulePrefix is the name an exception lists for a rule: the rule
// without deny_, violation_ and warn_, removed in conftest's order
// (violation_, then deny_, then warn_), so deny_warn_x is "x".
func removeRulePrefix(rule string) string {
	if rule == "violation" || rule == "deny" || rule == "warn" {
		return ""
	}
	rule = strings.TrimPrefix(rule, "violation_")
	rule = strings.TrimPrefix(rule, "deny_")
	return strings.TrimPrefix(rule, "warn_")
}

// prepare compiles a query once; every plan is evaluated with it.
func (rp *regoPolicies) prepare(ctx context.Context, c *ast.Compiler, runtime *ast.Term, query string) (rego.PreparedEvalQuery, error) {
	return rego.New(rego.Compiler(c), rego.Store(rp.store), rego.Runtime(runtime), rego.Query(query),
		rego.EnablePrintStatements(true), rego.PrintHook(rp.prints)).PrepareForEval(ctx)
}

// runtimeTerm is what opa.runtime() answers in a policy, as in conftest:
// the environment, and this tool's version.
func runtimeTerm() *ast.Term {
	env := ast.NewObject()
	for _, pair := range os.Environ() {
		k, v, ok := strings.Cut(pair, "=")
		if ok {
			env.Insert(ast.StringTerm(k), ast.StringTerm(v))
		} else {
			env.Insert(ast.StringTerm(k), ast.NullTerm())
		}
	}
	return ast.ObjectTerm(
		[2]*ast.Term{ast.StringTerm("env"), ast.NewTerm(env)},
		[2]*ast.Term{ast.StringTerm("version"), ast.StringTerm(version.Version)},
		[2]*ast.Term{ast.StringTerm("commit"), ast.StringTerm("")},
	)
}

// loadData reads --data files and directories (JSON and YAML, recursively)
// into the store policies read as data, merged as conftest (OPA's loader)
// merges them.
func loadData(paths []string) (storage.Store, error) {
	if len(paths) == 0 {
		return inmem.New(), nil
	}
	skip := func(_ string, info fs.FileInfo, _ int) bool {
		if info.IsDir() {
			return false
		}
		return !contains([]string{".yaml", ".yml", ".json"}, filepath.Ext(info.Name()))
	}
	docs, err := loader.NewFileLoader().Filtered(paths, skip)
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", strings.Join(paths, ", "), err)
	}
	store, err := docs.Store()
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", strings.Join(paths, ", "), err)
	}
	return store, nil
}

// setFile sets data.conftest.file to the plan file's name and directory
// (conftest's addFileInfo); "Combined" stands for the combined input.
func (rp *regoPolicies) setFile(ctx context.Context, file string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	return storage.Txn(ctx, rp.store, storage.WriteParams, func(txn storage.Transaction) error {
		if err := storage.MakeDir(ctx, rp.store, txn, storage.Path{"conftest"}); err != nil {
			return err
		}
		return rp.store.Write(ctx, txn, storage.AddOp, storage.Path{"conftest", "file"},
			map[string]any{"name": filepath.Base(abs), "dir": filepath.Dir(abs)})
	})
}

// regoFiles expands directories (recursively) into their .rego files.
func regoFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot read policies: %w", p, unwrapPathErr(err))
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		before := len(files)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".rego") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: reading policies: %w", p, err)
		}
		if len(files) == before {
			return nil, fmt.Errorf("%s: no .rego files found", p)
		}
	}
	sort.Strings(files)
	return files, nil
}

// parseRegoFile parses a policy in the given Rego version; without one it
// accepts v1 and, as conftest users often still write it (`deny[msg] {
// ... }`), v0.
func parseRegoFile(path, version string) (*ast.Module, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathErr(err))
	}
	parse := func(v ast.RegoVersion) (*ast.Module, error) {
		return ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: v, ProcessAnnotation: true})
	}
	switch version {
	case RegoV0:
		m, err := parse(ast.RegoV0)
		if err != nil {
			return nil, firstRegoError(err)
		}
		return m, nil
	case RegoV1:
		m, err := parse(ast.RegoV1)
		if err != nil {
			return nil, firstRegoError(err)
		}
		return m, nil
	}
	m, errV1 := parse(ast.RegoV1)
	if errV1 == nil {
		return m, nil
	}
	m, errV0 := parse(ast.RegoV0)
	if errV0 == nil {
		return m, nil
	}
	// Report the error of the syntax the file seems to be written in.
	if bytes.Contains(src, []byte(" if ")) || bytes.Contains(src, []byte(" contains ")) || bytes.Contains(src, []byte("rego.v1")) {
		return nil, firstRegoError(errV1)
	}
	return nil, firstRegoError(errV0)
}

// firstRegoError turns OPA's error list into one line: file:row: code:
// message for the first few errors, in source order.
func firstRegoError(err error) error {
	var errs ast.Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		return errors.New(strings.ReplaceAll(err.Error(), "\n", " "))
	}
	errs.Sort()
	const shown = 3
	var parts []string
	for i, e := range errs {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more error(s)", len(errs)-shown))
			break
		}
		msg := e.Code + ": " + e.Message
		if e.Location != nil {
			msg = fmt.Sprintf("%s:%d: %s", e.Location.File, e.Location.Row, msg)
		}
		parts = append(parts, msg)
	}
	return errors.New(strings.ReplaceAll(strings.Join(parts, "; "), "\n", " "))
}

func packageName(m *ast.Module) string {
	return strings.TrimPrefix(m.Package.Path.String(), "data.")
}

// ruleDocs reads METADATA annotations: rule id (package.rule) → title,
// description.
func ruleDocs(modules map[string]*ast.Module) map[string][2]string {
	out := map[string][2]string{}
	list := make([]*ast.Module, 0, len(modules))
	for _, m := range modules {
		list = append(list, m)
	}
	as, errs := ast.BuildAnnotationSet(list)
	if errs != nil || as == nil {
		return out
	}
	for _, e := range as.Flatten() {
		a := e.Annotations
		if a == nil || (a.Scope != "rule" && a.Scope != "document") {
			continue
		}
		id := strings.TrimPrefix(e.Path.String(), "data.")
		if prev, ok := out[id]; ok && prev[1] != "" && a.Description == "" {
			continue
		}
		out[id] = [2]string{a.Title, strings.TrimSpace(a.Description)}
	}
	return out
}

// isBooleanRule spots `deny if { ... }` in v1 syntax, a rule conftest
// refuses (open-policy-agent/opa#6509).
func isBooleanRule(r *ast.Rule) bool {
	return r.Head.Key == nil && r.Head.Value != nil && r.Head.Value.String() == "true" && len(r.Head.Args) == 0
}

func (rp *regoPolicies) hasRule(id string) bool {
	if rp == nil {
		return false
	}
	for _, q := range rp.queries() {
		if q.id() == id {
			return true
		}
	}
	return false
}

func (rp *regoPolicies) queries() []*regoQuery {
	var out []*regoQuery
	for _, n := range rp.namespaces {
		out = append(out, n.rules...)
	}
	return out
}

func (rp *regoPolicies) ruleList() string {
	if rp == nil {
		return ""
	}
	var ids []string
	for _, q := range rp.queries() {
		ids = append(ids, q.id())
	}
	if len(ids) == 0 {
		return ""
	}
	return "; Rego rules: " + strings.Join(ids, ", ")
}

func (rp *regoPolicies) rules() []RuleInfo {
	if rp == nil {
		return nil
	}
	var out []RuleInfo
	for _, q := range rp.queries() {
		sev := SeverityWarning
		if q.failure {
			sev = SeverityError
		}
		info := RuleInfo{ID: q.id(), Name: q.rule, Severity: sev, Source: q.file, Title: q.title,
			Rationale: fmt.Sprintf("Rego rule %s in package %s (%s).", q.rule, q.namespace, q.file)}
		if q.description != "" {
			info.Rationale = q.description
		}
		out = append(out, info)
	}
	return out
}

// combinedInput is conftest's --combine input: every file as {path,
// contents}, sorted by path.
func combinedInput(plans []*planjson.Plan) (ast.Value, error) {
	sorted := append([]*planjson.Plan(nil), plans...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	items := make([]any, 0, len(sorted))
	for _, p := range sorted {
		items = append(items, map[string]any{"path": p.Path, "contents": p.Doc})
	}
	return ast.InterfaceToValue(items)
}

// regoOutcome is what the Rego policies said about one input.
type regoOutcome struct {
	findings   []Finding
	exceptions []Exception
	// tests and passed count as conftest counts ("N tests, M passed").
	tests, passed int
}

// eval runs every selected namespace on one input (a plan, or the
// combined plans), as conftest's check does.
func (rp *regoPolicies) eval(ctx context.Context, file, env string, input ast.Value) (*regoOutcome, error) {
	if err := rp.setFile(ctx, file); err != nil {
		return nil, fmt.Errorf("setting data.conftest.file for %s: %w", file, err)
	}
	out := &regoOutcome{}
	for _, n := range rp.namespaces {
		results := 0
		successes := 0
		for _, q := range n.rules {
			if q.exception != nil {
				rs, err := q.exception.Eval(ctx, rego.EvalParsedInput(input))
				if err != nil {
					return nil, fmt.Errorf("%s: evaluating exceptions for %s on %s: %w", q.file, q.id(), file, err)
				}
				if len(rs) > 0 {
					for range rs {
						out.exceptions = append(out.exceptions, Exception{RuleID: q.id(), Namespace: q.namespace, Rule: q.rule,
							Query: q.exceptionQuery, Env: env, PlanFile: file})
					}
					results += len(rs)
					continue
				}
			}
			rs, err := q.query.Eval(ctx, rego.EvalParsedInput(input))
			if err != nil {
				return nil, fmt.Errorf("%s: evaluating %s on %s: %w", q.file, q.id(), file, err)
			}
			for _, r := range rs {
				for _, expr := range r.Expressions {
					values, _ := expr.Value.([]any)
					if len(values) == 0 {
						successes++
						continue
					}
					for _, v := range values {
						f, err := regoFinding(q, v)
						if err != nil {
							return nil, err
						}
						if f != nil {
							f.Env, f.PlanFile = env, file
							out.findings = append(out.findings, *f)
							results++
						}
					}
				}
			}
		}
		results += successes
		// A rule with several bodies passes once per body (conftest).
		if results < n.definitions {
			successes += n.definitions - results
			results = n.definitions
		}
		out.tests += results
		out.passed += successes
	}
	return out, nil
}

// regoFinding reads one rule result: a message, or an object with "msg"
// and metadata. An address for the report is taken from the object's
// "address" or "resource" field when it has one.
func regoFinding(q *regoQuery, v any) (*Finding, error) {
	f := &Finding{RuleID: q.id(), RuleName: q.rule, Severity: SeverityWarning, Source: q.file}
	if q.failure {
		f.Severity = SeverityError
	}
	switch val := v.(type) {
	case string:
		f.Message = val
	case map[string]any:
		msg, ok := val["msg"].(string)
		if !ok {
			return nil, fmt.Errorf("%s: rule %s returned an object without a string \"msg\" field", q.file, q.id())
		}
		f.Message = msg
		meta := map[string]any{}
		for k, x := range val {
			if k != "msg" {
				meta[k] = x
			}
		}
		for _, k := range []string{"address", "resource"} {
			if s, ok := val[k].(string); ok && f.Address == "" {
				f.Address = s
			}
		}
		if len(meta) > 0 {
			f.Metadata = meta
		}
	default:
		return nil, nil // conftest ignores other result types
	}
	return f, nil
}

// printCollector keeps what policies print(), as conftest shows it:
// "file:row: message".
type printCollector struct {
	lines []string
}

func (c *printCollector) Print(pctx print.Context, msg string) error {
	loc := ""
	if pctx.Location != nil {
		loc = fmt.Sprintf("%s:%d: ", pctx.Location.File, pctx.Location.Row)
	}
	c.lines = append(c.lines, loc+msg)
	return nil
}

func (c *printCollector) take() []string {
	out := c.lines
	c.lines = nil
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
