package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/brickops/terraform-provider-brickops/internal/markdown"
)

// Output formats of a report.
const (
	FormatText     = "text"
	FormatJSON     = "json"
	FormatSARIF    = "sarif"
	FormatMarkdown = "markdown"
)

// MarkdownLimit keeps the markdown report inside one GitHub comment or
// step summary (65,536 characters) with room for the comment's marker.
const MarkdownLimit = 60000

// Write renders the report in format.
func (r *Report) Write(w io.Writer, format string, toolVersion string) error {
	switch format {
	case FormatText:
		r.writeText(w)
		return nil
	case FormatMarkdown:
		r.WriteMarkdown(w)
		return nil
	case FormatJSON:
		return writeIndented(w, r.jsonReport(toolVersion))
	case FormatSARIF:
		return writeIndented(w, r.SARIF(toolVersion))
	default:
		return fmt.Errorf("unknown output format %q (want text, json, sarif or markdown)", format)
	}
}

// Counts of a report, as the JSON report carries them.
type ReportCounts struct {
	Findings   int `json:"findings"`
	Denied     int `json:"denied"`
	Warnings   int `json:"warnings"`
	Waived     int `json:"waived"`
	Exceptions int `json:"exceptions"`
	// ExpiredWaivers counts waivers past their date in brickops.yaml.
	ExpiredWaivers int `json:"expired_waivers"`
	// RegoTests and RegoPassed are conftest's "N tests, M passed".
	RegoTests  int `json:"rego_tests"`
	RegoPassed int `json:"rego_passed"`
	// ByRule counts unwaived findings per rule.
	ByRule map[string]int `json:"by_rule"`
}

// Summary returns the report's counts.
func (r *Report) Summary() ReportCounts {
	denied, warnings, waived := r.Counts()
	c := ReportCounts{Findings: len(r.Findings), Denied: denied, Warnings: warnings, Waived: waived,
		Exceptions: len(r.Exceptions), ExpiredWaivers: len(r.ExpiredWaivers), RegoTests: r.RegoTests, RegoPassed: r.RegoPassed,
		ByRule: map[string]int{}}
	for _, f := range r.Findings {
		if f.Waived == nil {
			c.ByRule[f.RuleID]++
		}
	}
	return c
}

// jsonReport is the JSON report's body; the CLI wraps it in the versioned
// document every command writes (internal/output).
type jsonReport struct {
	ToolVersion string       `json:"tool_version"`
	Denied      bool         `json:"denied"`
	Counts      ReportCounts `json:"counts"`
	*Report
}

func (r *Report) jsonReport(toolVersion string) jsonReport {
	return jsonReport{ToolVersion: toolVersion, Denied: r.Denied(), Counts: r.Summary(), Report: r}
}

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (r *Report) verdict() string {
	c := r.Summary()
	status := "PASSED"
	if r.Denied() {
		status = "DENIED"
	}
	return fmt.Sprintf("%s: %d denied, %d warning(s), %d waived, %d exception(s) across %d plan(s), %d rule(s)",
		status, c.Denied, c.Warnings, c.Waived, c.Exceptions, len(r.Plans), len(r.Rules))
}

func (f Finding) where() string {
	if f.Address == "" {
		return f.PlanFile
	}
	return f.Address
}

func (r *Report) writeText(w io.Writer) {
	for _, p := range r.Prints {
		fmt.Fprintln(w, "PRNT   ", p)
	}
	for _, f := range r.Findings {
		label := strings.ToUpper(string(f.Severity))
		if f.Waived != nil {
			label = "WAIVED"
		}
		fmt.Fprintf(w, "%-7s [%s] %s %s (%s): %s\n", label, f.Env, f.RuleID, f.where(), f.RuleName, f.Message)
		if f.File != "" {
			fmt.Fprintf(w, "        at %s:%d\n", f.File, f.Line)
		}
		if f.Waived != nil {
			fmt.Fprintf(w, "        waived until %s: %s\n", f.Waived.Expires, f.Waived.Reason)
		}
		if f.ExpiredWaiver != nil {
			fmt.Fprintf(w, "        waiver expired on %s (line %d: %s); it no longer applies\n", f.ExpiredWaiver.Expires, f.ExpiredWaiver.Line, f.ExpiredWaiver.Reason)
		}
		if f.Fix != "" && f.Waived == nil {
			fmt.Fprintf(w, "        fix: %s\n", f.Fix)
		}
	}
	for _, x := range r.Exceptions {
		fmt.Fprintf(w, "%-7s [%s] %s %s: %s\n", "EXCP", x.Env, x.RuleID, x.PlanFile, x.Query)
	}
	for _, x := range r.ExpiredWaivers {
		fmt.Fprintln(w, "note: "+x.String())
	}
	if r.RegoTests > 0 {
		c := r.Summary()
		var fails, warns int
		for _, f := range r.Findings {
			if f.Source == "builtin" {
				continue
			}
			if f.Severity == SeverityError {
				fails++
			} else {
				warns++
			}
		}
		fmt.Fprintf(w, "rego: %d tests, %d passed, %d warnings, %d failures, %d exceptions\n", r.RegoTests, r.RegoPassed, warns, fails, c.Exceptions)
	}
	fmt.Fprintln(w, r.verdict())
}

var severityIcon = map[Severity]string{SeverityError: "❌", SeverityWarning: "⚠️", SeverityNote: "ℹ️"}

// WriteMarkdown writes the section a pull-request comment or step summary
// carries. A report too long for one comment (MarkdownLimit characters) is
// folded: counts per rule, the top findings (what denies first), and where
// the full report is.
func (r *Report) WriteMarkdown(w io.Writer) {
	var full bytes.Buffer
	r.writeMarkdown(&full, -1)
	if utf8.RuneCount(full.Bytes()) <= MarkdownLimit {
		_, _ = w.Write(full.Bytes())
		return
	}
	// Find how many finding rows fit: rows are short, so a search over
	// the count converges in a few renderings.
	lo, hi := 0, len(r.Findings)
	var best []byte
	for lo <= hi {
		mid := (lo + hi) / 2
		var b bytes.Buffer
		r.writeMarkdown(&b, mid)
		if utf8.RuneCount(b.Bytes()) <= MarkdownLimit {
			best, lo = b.Bytes(), mid+1
		} else {
			hi = mid - 1
		}
	}
	if best == nil {
		var b bytes.Buffer
		r.writeMarkdown(&b, 0)
		cut, _ := markdown.Truncate(b.String(), MarkdownLimit, func(total int) string {
			return fmt.Sprintf("The report was cut (%d characters); see the full report.", total)
		})
		best = []byte(cut)
	}
	_, _ = w.Write(best)
}

// writeMarkdown renders the report with at most top finding rows (all
// when top < 0); when rows are left out it adds counts per rule and a
// pointer to the full report.
func (r *Report) writeMarkdown(w io.Writer, top int) {
	c := r.Summary()
	icon := "✅"
	if r.Denied() {
		icon = "❌"
	}
	fmt.Fprintf(w, "## %s Policy check: %d denied, %d warning(s), %d waived", icon, c.Denied, c.Warnings, c.Waived)
	if c.Exceptions > 0 {
		fmt.Fprintf(w, ", %d exception(s)", c.Exceptions)
	}
	fmt.Fprint(w, "\n\n")
	var envs []string
	for _, p := range r.Plans {
		e := markdown.Code(p.Env)
		if p.Prod {
			e += " (production)"
		}
		envs = append(envs, e)
	}
	fmt.Fprintf(w, "Checked %s against %d rule(s).\n\n", strings.Join(envs, ", "), len(r.Rules))
	for _, x := range r.ExpiredWaivers {
		fmt.Fprintf(w, "- ⏰ %s\n", markdown.Text(x.String()))
	}
	if len(r.ExpiredWaivers) > 0 {
		fmt.Fprintln(w)
	}
	if len(r.Findings) == 0 && len(r.Exceptions) == 0 {
		fmt.Fprintln(w, "No findings.")
		return
	}
	if c.Denied > 0 {
		markdown.Alert(w, "CAUTION", fmt.Sprintf("**%d finding(s) deny this plan.** Fix them, or waive them in brickops.yaml with a reason and an expiry date.", c.Denied))
	}
	shown := r.Findings
	folded := top >= 0 && top < len(r.Findings)
	if folded {
		shown = r.Findings[:top]
		r.writeRuleCounts(w)
		fmt.Fprintf(w, "\n**Top %d of %d findings** (what denies first):\n\n", top, len(r.Findings))
	}
	if len(shown) > 0 {
		rows := make([][]string, 0, len(shown))
		for _, f := range shown {
			rows = append(rows, findingRow(f))
		}
		markdown.Table(w, "lllll", []string{"Severity", "Env", "Rule", "Resource", "Finding"}, rows)
	}
	if folded {
		fmt.Fprintf(w, "\n> [!NOTE]\n> %d more finding(s) are not shown: this comment stays under GitHub's 65,536-character limit. %s\n",
			len(r.Findings)-top, r.fullReportPointer())
	}
	if len(r.Exceptions) > 0 {
		fmt.Fprintf(w, "\n<details><summary>%d Rego exception(s)</summary>\n\n", len(r.Exceptions))
		rows := make([][]string, 0, len(r.Exceptions))
		for _, x := range r.Exceptions {
			rows = append(rows, []string{markdown.CodeCell(x.Env), markdown.CodeCell(x.RuleID), markdown.CodeCell(x.PlanFile), markdown.CodeCell(x.Query)})
		}
		markdown.Table(w, "llll", []string{"Env", "Rule", "Plan", "Exception"}, rows)
		fmt.Fprintln(w, "\n</details>")
	}
	var fixes []string
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if f.Fix != "" && f.Waived == nil && !seen[f.RuleID] {
			seen[f.RuleID] = true
			fixes = append(fixes, fmt.Sprintf("- %s: %s", markdown.Code(f.RuleID), markdown.Text(f.Fix)))
		}
	}
	if len(fixes) > 0 {
		fmt.Fprintf(w, "\n<details><summary>How to fix</summary>\n\n%s\n\n</details>\n", strings.Join(fixes, "\n"))
	}
}

func findingRow(f Finding) []string {
	sev := severityIcon[f.Severity] + " " + string(f.Severity)
	note := markdown.Cell(f.Message)
	switch {
	case f.Waived != nil:
		sev = "🔕 waived"
		note += markdown.Cell(fmt.Sprintf(" — waived until %s: %s", f.Waived.Expires, f.Waived.Reason))
	case f.ExpiredWaiver != nil:
		note += " — **waiver expired " + markdown.Cell(f.ExpiredWaiver.Expires) + "**"
	}
	rule := markdown.CodeCell(f.RuleID)
	if !strings.HasSuffix(f.RuleID, "."+f.RuleName) {
		rule += " " + markdown.Cell(f.RuleName) // built-in rules: ID and name
	}
	resource := "(whole plan)"
	if f.Address != "" {
		resource = markdown.CodeCell(f.Address)
	}
	return []string{sev, markdown.CodeCell(f.Env), rule, resource, note}
}

// writeRuleCounts writes findings per rule: the folded report's overview.
func (r *Report) writeRuleCounts(w io.Writer) {
	type count struct {
		rule, name      string
		sev             Severity
		findings, waive int
	}
	byRule := map[string]*count{}
	for _, f := range r.Findings {
		c := byRule[f.RuleID]
		if c == nil {
			c = &count{rule: f.RuleID, name: f.RuleName, sev: f.Severity}
			byRule[f.RuleID] = c
		}
		if f.Waived != nil {
			c.waive++
		} else {
			c.findings++
		}
	}
	list := make([]*count, 0, len(byRule))
	for _, c := range byRule {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].findings != list[j].findings {
			return list[i].findings > list[j].findings
		}
		return list[i].rule < list[j].rule
	})
	rows := make([][]string, 0, len(list))
	for _, c := range list {
		rows = append(rows, []string{markdown.CodeCell(c.rule), markdown.Cell(c.name), severityIcon[c.sev] + " " + string(c.sev),
			fmt.Sprint(c.findings), fmt.Sprint(c.waive)})
	}
	markdown.Table(w, "lllrr", []string{"Rule", "Name", "Severity", "Findings", "Waived"}, rows)
}

// fullReportPointer says where the full report is: the workflow run's
// artifacts when running in GitHub Actions, else how to produce it.
func (r *Report) fullReportPointer() string {
	if r.FullReportURL != "" {
		return "The full report: " + r.FullReportURL + "."
	}
	return "Run `brickops policy check` with `--output json` or `--output sarif` for the full report."
}
