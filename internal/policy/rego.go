package policy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// Conftest's rule naming: deny, violation and warn, optionally with
// _suffix parts. deny/violation fail the check, warn warns.
var (
	failureRule = regexp.MustCompile(`^(deny|violation)(_[a-zA-Z0-9]+)*$`)
	warningRule = regexp.MustCompile(`^warn(_[a-zA-Z0-9]+)*$`)
)

// regoPolicies are compiled user policies and one prepared query per
// conftest rule, evaluated the way conftest evaluates them: each rule is a
// set of strings or of objects with a "msg"; an `exception` rule in the
// same package naming the rule's suffix turns its results off.
type regoPolicies struct {
	queries []*regoQuery
}

type regoQuery struct {
	namespace string
	rule      string
	file      string
	failure   bool
	query     rego.PreparedEvalQuery
	exception *rego.PreparedEvalQuery
}

// id is how reports and waivers name the rule: package.rule.
func (q *regoQuery) id() string { return q.namespace + "." + q.rule }

func loadRego(ctx context.Context, paths, namespaces []string, all bool) (*regoPolicies, error) {
	files, err := regoFiles(paths)
	if err != nil {
		return nil, err
	}
	modules := make(map[string]*ast.Module, len(files))
	for _, f := range files {
		m, err := parseRegoFile(f)
		if err != nil {
			return nil, err
		}
		modules[f] = m
	}
	compiler := ast.NewCompiler()
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, firstRegoError(compiler.Errors)
	}
	if len(namespaces) == 0 {
		namespaces = []string{"main"}
	}
	rp := &regoPolicies{}
	seen := map[string]bool{}
	hasException := map[string]bool{}
	for _, f := range files {
		for _, r := range modules[f].Rules {
			if r.Head.Name.String() == "exception" {
				hasException[packageName(modules[f])] = true
			}
		}
	}
	for _, f := range files {
		m := modules[f]
		ns := packageName(m)
		if !all && !contains(namespaces, ns) {
			continue
		}
		for _, r := range m.Rules {
			name := ruleName(r)
			failure := failureRule.MatchString(name)
			if !failure && !warningRule.MatchString(name) {
				continue
			}
			if isBooleanRule(r) {
				return nil, fmt.Errorf("%s:%d: rule %s is a boolean (`if` without `contains`); conftest rules are sets: `%s contains msg if { ... }`",
					f, r.Location.Row, name, name)
			}
			if seen[ns+"."+name] {
				continue
			}
			seen[ns+"."+name] = true
			q := &regoQuery{namespace: ns, rule: name, file: f, failure: failure}
			if q.query, err = prepare(ctx, compiler, fmt.Sprintf("data.%s.%s", ns, name)); err != nil {
				return nil, fmt.Errorf("%s: rule %s: %w", f, name, err)
			}
			if hasException[ns] {
				exc, err := prepare(ctx, compiler, fmt.Sprintf("data.%s.exception[_][_] == %q", ns, ruleSuffix(name)))
				if err != nil {
					return nil, fmt.Errorf("%s: exception for %s: %w", f, name, err)
				}
				q.exception = &exc
			}
			rp.queries = append(rp.queries, q)
		}
	}
	if len(rp.queries) == 0 {
		// conftest would report "0 tests" and pass; a policy set that
		// checks nothing because of its package name is better an error.
		var pkgs []string
		for _, f := range files {
			if ns := packageName(modules[f]); !contains(pkgs, ns) {
				pkgs = append(pkgs, ns)
			}
		}
		sort.Strings(pkgs)
		where := "package " + strings.Join(namespaces, ", ")
		if all {
			where = "any package"
		}
		return nil, fmt.Errorf("%s: no deny, violation or warn rules in %s (packages found: %s); use --namespace or --all-namespaces",
			strings.Join(paths, ", "), where, strings.Join(pkgs, ", "))
	}
	sort.Slice(rp.queries, func(i, j int) bool { return rp.queries[i].id() < rp.queries[j].id() })
	return rp, nil
}

func prepare(ctx context.Context, c *ast.Compiler, query string) (rego.PreparedEvalQuery, error) {
	return rego.New(rego.Compiler(c), rego.Query(query)).PrepareForEval(ctx)
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

// parseRegoFile accepts Rego v1 and, as conftest users often still write
// it (`deny[msg] { ... }`), v0.
func parseRegoFile(path string) (*ast.Module, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathErr(err))
	}
	m, errV1 := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	if errV1 == nil {
		return m, nil
	}
	m, errV0 := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV0, ProcessAnnotation: true})
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

func ruleName(r *ast.Rule) string {
	if len(r.Head.Reference) > 0 {
		return r.Head.Reference[0].Value.(ast.Var).String()
	}
	return r.Head.Name.String()
}

// isBooleanRule spots `deny if { ... }` in v1 syntax, a rule conftest
// refuses (open-policy-agent/opa#6509).
func isBooleanRule(r *ast.Rule) bool {
	return r.Head.Key == nil && r.Head.Value != nil && r.Head.Value.String() == "true" && len(r.Head.Args) == 0
}

func ruleSuffix(rule string) string {
	for _, p := range []string{"deny_", "violation_", "warn_"} {
		if s, ok := strings.CutPrefix(rule, p); ok {
			return s
		}
	}
	return ""
}

func (rp *regoPolicies) hasRule(id string) bool {
	if rp == nil {
		return false
	}
	for _, q := range rp.queries {
		if q.id() == id {
			return true
		}
	}
	return false
}

func (rp *regoPolicies) ruleList() string {
	if rp == nil || len(rp.queries) == 0 {
		return ""
	}
	ids := make([]string, 0, len(rp.queries))
	for _, q := range rp.queries {
		ids = append(ids, q.id())
	}
	return "; Rego rules: " + strings.Join(ids, ", ")
}

func (rp *regoPolicies) rules() []RuleInfo {
	if rp == nil {
		return nil
	}
	out := make([]RuleInfo, 0, len(rp.queries))
	for _, q := range rp.queries {
		sev := SeverityWarning
		if q.failure {
			sev = SeverityError
		}
		out = append(out, RuleInfo{ID: q.id(), Name: q.rule, Severity: sev, Source: q.file,
			Rationale: fmt.Sprintf("Rego rule %s in package %s (%s).", q.rule, q.namespace, q.file)})
	}
	return out
}

// eval runs every rule on the plan document, exactly as read from the
// file: conftest gives its policies the parsed file as input.
func (rp *regoPolicies) eval(ctx context.Context, p *planjson.Plan) ([]Finding, error) {
	input, err := ast.ValueFromReader(bytes.NewReader(p.Raw))
	if err != nil {
		return nil, fmt.Errorf("%s: converting the plan for Rego: %w", p.Path, err)
	}
	var out []Finding
	for _, q := range rp.queries {
		if q.exception != nil {
			rs, err := q.exception.Eval(ctx, rego.EvalParsedInput(input))
			if err != nil {
				return nil, fmt.Errorf("%s: evaluating exceptions for %s: %w", q.file, q.id(), err)
			}
			if len(rs) > 0 {
				continue
			}
		}
		rs, err := q.query.Eval(ctx, rego.EvalParsedInput(input))
		if err != nil {
			return nil, fmt.Errorf("%s: evaluating %s on %s: %w", q.file, q.id(), p.Path, err)
		}
		for _, r := range rs {
			for _, expr := range r.Expressions {
				values, _ := expr.Value.([]any)
				for _, v := range values {
					f, err := regoFinding(q, v)
					if err != nil {
						return nil, err
					}
					if f != nil {
						f.Env, f.PlanFile = p.Env, p.Path
						out = append(out, *f)
					}
				}
			}
		}
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
