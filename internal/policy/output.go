package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/markdown"
)

// Output formats of a report.
const (
	FormatText     = "text"
	FormatJSON     = "json"
	FormatSARIF    = "sarif"
	FormatMarkdown = "markdown"
)

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
		return writeIndented(w, struct {
			*Report
			Denied bool `json:"denied"`
		}{r, r.Denied()})
	case FormatSARIF:
		return writeIndented(w, r.SARIF(toolVersion))
	default:
		return fmt.Errorf("unknown output format %q (want text, json, sarif or markdown)", format)
	}
}

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (r *Report) verdict() string {
	denied, warnings, waived := r.Counts()
	status := "PASSED"
	if denied > 0 {
		status = "DENIED"
	}
	return fmt.Sprintf("%s: %d denied, %d warning(s), %d waived across %d plan(s), %d rule(s)",
		status, denied, warnings, waived, len(r.Plans), len(r.Rules))
}

func (f Finding) where() string {
	if f.Address == "" {
		return f.PlanFile
	}
	return f.Address
}

func (r *Report) writeText(w io.Writer) {
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
	for _, x := range r.ExpiredWaivers {
		fmt.Fprintln(w, "note: "+x.String())
	}
	fmt.Fprintln(w, r.verdict())
}

var severityIcon = map[Severity]string{SeverityError: "❌", SeverityWarning: "⚠️", SeverityNote: "ℹ️"}

// WriteMarkdown writes the section a pull-request comment carries.
func (r *Report) WriteMarkdown(w io.Writer) {
	denied, warnings, waived := r.Counts()
	icon := "✅"
	if denied > 0 {
		icon = "❌"
	}
	fmt.Fprintf(w, "## %s Policy check: %d denied, %d warning(s), %d waived\n\n", icon, denied, warnings, waived)
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
		fmt.Fprintf(w, "- ⏰ %s\n", x.String())
	}
	if len(r.ExpiredWaivers) > 0 {
		fmt.Fprintln(w)
	}
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "No findings.")
		return
	}
	if denied > 0 {
		markdown.Alert(w, "CAUTION", fmt.Sprintf("**%d finding(s) deny this plan.** Fix them, or waive them in brickops.yaml with a reason and an expiry date.", denied))
	}
	rows := make([][]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		sev := severityIcon[f.Severity] + " " + string(f.Severity)
		note := markdown.Cell(f.Message)
		switch {
		case f.Waived != nil:
			sev = "🔕 waived"
			note += markdown.Cell(fmt.Sprintf(" — waived until %s: %s", f.Waived.Expires, f.Waived.Reason))
		case f.ExpiredWaiver != nil:
			note += markdown.Cell(fmt.Sprintf(" — **waiver expired %s**", f.ExpiredWaiver.Expires))
		}
		rule := markdown.Code(f.RuleID)
		if !strings.HasSuffix(f.RuleID, "."+f.RuleName) {
			rule += " " + markdown.Cell(f.RuleName) // built-in rules: ID and name
		}
		resource := "(whole plan)"
		if f.Address != "" {
			resource = markdown.Code(f.Address)
		}
		rows = append(rows, []string{sev, markdown.Code(f.Env), rule, resource, note})
	}
	markdown.Table(w, "lllll", []string{"Severity", "Env", "Rule", "Resource", "Finding"}, rows)
	var fixes []string
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if f.Fix != "" && f.Waived == nil && !seen[f.RuleID] {
			seen[f.RuleID] = true
			fixes = append(fixes, fmt.Sprintf("- %s: %s", markdown.Code(f.RuleID), f.Fix))
		}
	}
	if len(fixes) > 0 {
		fmt.Fprintf(w, "\n<details><summary>How to fix</summary>\n\n%s\n\n</details>\n", strings.Join(fixes, "\n"))
	}
}
