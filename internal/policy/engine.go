// Package policy checks Terraform plans against policy as code: a built-in
// rule pack for Databricks MLOps estates and the user's own conftest-style
// Rego policies, evaluated in-process with the Open Policy Agent library.
// Findings can be waived in brickops.yaml until a date; results are written
// as text, JSON, SARIF 2.1.0 (GitHub code scanning) or markdown.
package policy

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// Options configure an Engine.
type Options struct {
	// Config is brickops.yaml (config.Default() when there is none).
	Config *config.File
	// PolicyPaths are directories (searched recursively) or files of Rego
	// policies.
	PolicyPaths []string
	// DataPaths are JSON/YAML files or directories policies read as data
	// (conftest --data).
	DataPaths []string
	// Namespaces are the Rego packages whose deny/warn/violation rules
	// count, or globs matching them; empty means conftest's default, "main".
	Namespaces []string
	// AllNamespaces evaluates every package, like conftest --all-namespaces.
	AllNamespaces bool
	// RegoVersion is "v0" or "v1" (conftest --rego-version); empty accepts
	// either, file by file.
	RegoVersion string
	// Combine evaluates the Rego policies once on all plans together, as
	// conftest --combine: input is a list of {path, contents}.
	Combine bool
	// NoBuiltin runs only the Rego policies, as conftest would.
	NoBuiltin bool
	// Now decides which waivers have expired; zero means time.Now.
	Now time.Time
	// SourceDir holds the Terraform configuration, where findings are
	// located at their resource block; empty means each plan file's
	// directory.
	SourceDir string
}

// Engine is a configured rule pack plus compiled Rego policies. It is
// built once and may check many plans.
type Engine struct {
	cfg     *config.File
	rules   []activeRule
	rego    *regoPolicies
	waivers []config.Waiver
	now     time.Time
	srcDir  string
}

type activeRule struct {
	*Rule
	severity Severity
	params   any
}

// New checks the configuration against the rule pack (unknown rule IDs,
// bad parameters) and compiles the Rego policies. Errors name the file.
func New(ctx context.Context, opts Options) (*Engine, error) {
	cfg := opts.Config
	if cfg == nil {
		cfg = config.Default()
	}
	e := &Engine{cfg: cfg, now: opts.Now, srcDir: opts.SourceDir}
	if e.now.IsZero() {
		e.now = time.Now()
	}
	ids := make([]string, 0, len(cfg.Policy.Rules))
	for id := range cfg.Policy.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if s := cfg.Policy.Rules[id]; builtinByID(id) == nil {
			return nil, fmt.Errorf("%s: line %d: policy.rules: unknown rule ID %q (built-in rules: %s)", cfg.Where(), s.Line, id, builtinIDs())
		}
	}
	for _, r := range Builtin() {
		s := cfg.Policy.Rules[r.ID]
		if opts.NoBuiltin || s.Enabled != nil && !*s.Enabled {
			continue
		}
		params, err := r.decodeParams(s.Params)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: policy.rules.%s: %w", cfg.Where(), s.Line, r.ID, err)
		}
		sev := r.Severity
		if s.Severity != "" {
			sev = Severity(s.Severity)
		}
		e.rules = append(e.rules, activeRule{Rule: r, severity: sev, params: params})
	}
	if len(opts.PolicyPaths) > 0 {
		if opts.RegoVersion != "" && opts.RegoVersion != RegoV0 && opts.RegoVersion != RegoV1 {
			return nil, fmt.Errorf("--rego-version %q: want v0 or v1", opts.RegoVersion)
		}
		rp, err := loadRego(ctx, regoOptions{paths: opts.PolicyPaths, data: opts.DataPaths, namespaces: opts.Namespaces,
			all: opts.AllNamespaces, combine: opts.Combine, regoVersion: opts.RegoVersion})
		if err != nil {
			return nil, err
		}
		e.rego = rp
	}
	for i, w := range cfg.Policy.Waivers {
		if builtinByID(w.Rule) == nil && !e.rego.hasRule(w.Rule) {
			return nil, fmt.Errorf("%s: line %d: policy.waivers[%d]: unknown rule ID %q (built-in rules: %s%s)",
				cfg.Where(), w.Line, i, w.Rule, builtinIDs(), e.rego.ruleList())
		}
	}
	e.waivers = cfg.Policy.Waivers
	return e, nil
}

// Finding is one rule violated by one resource (or by the plan as a whole,
// for Rego results that name no resource).
type Finding struct {
	RuleID   string   `json:"rule_id"`
	RuleName string   `json:"rule_name"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Address  string   `json:"address,omitempty"`
	Env      string   `json:"env"`
	PlanFile string   `json:"plan_file"`
	// Source is "builtin" or the Rego file that defines the rule.
	Source string `json:"source"`
	Fix    string `json:"fix,omitempty"`
	// File and Line locate the resource block in the configuration when
	// it can be found (for code scanning annotations).
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Waived is set when a current waiver exempts the finding.
	Waived *WaiverRef `json:"waived,omitempty"`
	// ExpiredWaiver is set when a waiver matched but has expired: the
	// finding counts again, and the report says why.
	ExpiredWaiver *WaiverRef `json:"expired_waiver,omitempty"`
	// Metadata carries extra fields of a Rego result object.
	Metadata map[string]any `json:"metadata,omitempty"`
}

// WaiverRef is the part of a waiver a report shows.
type WaiverRef struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires"`
	Line    int    `json:"line"`
}

// Denies reports whether the finding fails the check.
func (f Finding) Denies() bool { return f.Severity == SeverityError && f.Waived == nil }

// RuleInfo describes a rule that ran, for reports (SARIF lists them).
type RuleInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Title is a Rego rule's METADATA title.
	Title     string   `json:"title,omitempty"`
	Severity  Severity `json:"severity"`
	Rationale string   `json:"rationale,omitempty"`
	Fix       string   `json:"fix,omitempty"`
	Source    string   `json:"source"`
}

// PlanRef is a checked plan.
type PlanRef struct {
	Path string `json:"path"`
	Env  string `json:"env"`
	Prod bool   `json:"prod"`
}

// Exception is a Rego rule switched off by the policy's own `exception`
// rule (conftest's EXCP): reported and counted, never denying.
type Exception struct {
	RuleID    string `json:"rule_id"`
	Namespace string `json:"namespace"`
	Rule      string `json:"rule"`
	// Query is the exception query that matched, as conftest prints it.
	Query    string `json:"query"`
	Env      string `json:"env,omitempty"`
	PlanFile string `json:"plan_file"`
}

// Report is the outcome of checking one or more plans.
type Report struct {
	Plans    []PlanRef  `json:"plans"`
	Rules    []RuleInfo `json:"rules"`
	Findings []Finding  `json:"findings"`
	// Exceptions are Rego rules a policy's exception rule switched off.
	Exceptions []Exception `json:"exceptions"`
	// ExpiredWaivers lists every waiver in brickops.yaml past its expiry,
	// whether or not it matched a finding, so stale waivers get noticed.
	ExpiredWaivers []ExpiredWaiver `json:"expired_waivers"`
	// Prints is what Rego policies printed (print()), "file:row: text".
	Prints []string `json:"prints"`
	// RegoTests and RegoPassed count Rego rule evaluations the way
	// conftest's "N tests, M passed" does.
	RegoTests  int `json:"rego_tests"`
	RegoPassed int `json:"rego_passed"`
	// Waivers are brickops.yaml's waivers with how many findings each
	// waived in this check.
	Waivers []WaiverStatus `json:"waivers"`
	// FailOnWarn makes unwaived warnings fail the check (--fail-on-warn).
	FailOnWarn bool `json:"-"`
	// FullReportURL is where the complete report is kept (a workflow
	// run's artifacts); a folded markdown report points there.
	FullReportURL string `json:"-"`
}

// WaiverStatus is a waiver of brickops.yaml and what it did.
type WaiverStatus struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource,omitempty"`
	Env      string `json:"env,omitempty"`
	WaiverRef
	Expired bool `json:"expired"`
	// Waived counts the findings it waived.
	Waived int `json:"waived"`
}

// ExpiredWaiver is a waiver that no longer applies.
type ExpiredWaiver struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource,omitempty"`
	Env      string `json:"env,omitempty"`
	WaiverRef
	// File is the brickops.yaml it is in.
	File string `json:"file"`
}

func (w ExpiredWaiver) String() string {
	scope := w.Rule
	if w.Resource != "" {
		scope += " on " + w.Resource
	}
	if w.Env != "" {
		scope += " in " + w.Env
	}
	return fmt.Sprintf("waiver for %s (%s line %d) expired on %s; it no longer applies: remove or renew it", scope, w.File, w.Line, w.Expires)
}

// Denied reports whether any finding fails the check (with FailOnWarn, a
// warning too).
func (r *Report) Denied() bool {
	denied, warnings, _ := r.Counts()
	return denied > 0 || r.FailOnWarn && warnings > 0
}

// Counts returns denied, warning (or note), and waived finding numbers.
// Rego exceptions are counted apart (len(Exceptions)).
func (r *Report) Counts() (denied, warnings, waived int) {
	for _, f := range r.Findings {
		switch {
		case f.Waived != nil:
			waived++
		case f.Severity == SeverityError:
			denied++
		default:
			warnings++
		}
	}
	return
}

// Rules lists the rules this engine runs: enabled built-ins, then Rego rules.
func (e *Engine) Rules() []RuleInfo {
	var out []RuleInfo
	for _, r := range e.rules {
		out = append(out, RuleInfo{ID: r.ID, Name: r.Name, Severity: r.severity, Rationale: r.Rationale, Fix: r.Fix, Source: "builtin"})
	}
	return append(out, e.rego.rules()...)
}

// Check evaluates every plan.
func (e *Engine) Check(ctx context.Context, plans []*planjson.Plan) (*Report, error) {
	rep := &Report{Rules: e.Rules(), Findings: []Finding{}, Exceptions: []Exception{}, ExpiredWaivers: []ExpiredWaiver{}, Prints: []string{}}
	for _, w := range e.waivers {
		if w.ExpiredAt(e.now) {
			rep.ExpiredWaivers = append(rep.ExpiredWaivers, ExpiredWaiver{Rule: w.Rule, Resource: w.Resource, Env: w.Env, File: e.cfg.Where(),
				WaiverRef: WaiverRef{Reason: w.Reason, Expires: w.Expires.String(), Line: w.Line}})
		}
	}
	indexes := map[string]sourceIndex{}
	for _, p := range plans {
		prod := e.cfg.IsProd(p.Env)
		rep.Plans = append(rep.Plans, PlanRef{Path: p.Path, Env: p.Env, Prod: prod})
		var found []Finding
		view := newPlanView(p, prod)
		for _, r := range e.rules {
			if r.ProdOnly && !prod {
				continue
			}
			for _, v := range r.check(view, r.params) {
				found = append(found, Finding{RuleID: r.ID, RuleName: r.Name, Severity: r.severity,
					Message: v.Message, Address: v.Address, Env: p.Env, PlanFile: p.Path, Source: "builtin", Fix: r.Fix})
			}
		}
		if e.rego != nil && !e.rego.combine {
			out, err := e.rego.eval(ctx, p.Path, p.Env, regoInput(p))
			if err != nil {
				return nil, err
			}
			found = append(found, out.findings...)
			rep.addRego(out)
		}
		rep.Findings = append(rep.Findings, e.finish(found, e.sources(p, indexes))...)
	}
	if e.rego != nil && e.rego.combine {
		input, err := combinedInput(plans)
		if err != nil {
			return nil, fmt.Errorf("combining the plans for Rego: %w", err)
		}
		out, err := e.rego.eval(ctx, "Combined", "", input)
		if err != nil {
			return nil, err
		}
		rep.addRego(out)
		rep.Findings = append(rep.Findings, e.finish(out.findings, nil)...)
	}
	if e.rego != nil {
		rep.Prints = append(rep.Prints, e.rego.prints.take()...)
	}
	rep.Waivers = []WaiverStatus{}
	for _, w := range e.waivers {
		st := WaiverStatus{Rule: w.Rule, Resource: w.Resource, Env: w.Env, Expired: w.ExpiredAt(e.now),
			WaiverRef: WaiverRef{Reason: w.Reason, Expires: w.Expires.String(), Line: w.Line}}
		for _, f := range rep.Findings {
			if f.Waived != nil && f.Waived.Line == w.Line {
				st.Waived++
			}
		}
		rep.Waivers = append(rep.Waivers, st)
	}
	return rep, nil
}

func (r *Report) addRego(out *regoOutcome) {
	r.Exceptions = append(r.Exceptions, out.exceptions...)
	r.RegoTests += out.tests
	r.RegoPassed += out.passed
}

// finish applies waivers and source locations to one plan's findings and
// sorts them: what denies first, then by rule and resource.
func (e *Engine) finish(found []Finding, idx sourceIndex) []Finding {
	for i := range found {
		e.applyWaivers(&found[i])
		if loc, ok := idx.locate(found[i].Address); ok {
			found[i].File, found[i].Line = loc.File, loc.Line
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if ra, rb := severityRank(a), severityRank(b); ra != rb {
			return ra < rb
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		return a.Message < b.Message
	})
	return found
}

// sources indexes the configuration directory of plan p once per directory.
func (e *Engine) sources(p *planjson.Plan, cache map[string]sourceIndex) sourceIndex {
	dir := e.srcDir
	if dir == "" {
		dir = filepath.Dir(p.Path)
	}
	idx, ok := cache[dir]
	if !ok {
		idx = indexSources(dir)
		cache[dir] = idx
	}
	return idx
}

func severityRank(f Finding) int {
	if f.Waived != nil {
		return 3
	}
	switch f.Severity {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}

// applyWaivers exempts f under the first current waiver that matches it,
// or records the expired one that would have.
func (e *Engine) applyWaivers(f *Finding) {
	for _, w := range e.waivers {
		if w.Rule != f.RuleID || (w.Env != "" && w.Env != f.Env) || !addressMatches(w.Resource, f.Address) {
			continue
		}
		ref := &WaiverRef{Reason: w.Reason, Expires: w.Expires.String(), Line: w.Line}
		if w.ExpiredAt(e.now) {
			if f.ExpiredWaiver == nil {
				f.ExpiredWaiver = ref
			}
			continue
		}
		f.Waived, f.ExpiredWaiver = ref, nil
		return
	}
}

// addressMatches matches a waiver's resource pattern: exact, or a glob
// where * matches any run of characters (brackets in addresses such as
// x["a"] are literal).
func addressMatches(pattern, address string) bool {
	if pattern == "" || pattern == "*" || pattern == address {
		return true
	}
	if !strings.Contains(pattern, "*") {
		return false
	}
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(address)
}
