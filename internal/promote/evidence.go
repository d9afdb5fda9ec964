package promote

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/analysis"
	"github.com/brickops/terraform-provider-brickops/internal/config"
)

// Evidence is what a reviewer needs to judge a promotion: the candidate
// and where it came from, every gate with its verdict, how the candidate
// compares with the champion it replaces, and who may approve.
type Evidence struct {
	Model     config.Model
	From, To  config.Environment
	Candidate Candidate
	Champion  *Champion
	Gates     []GateResult
	Pin       Pin
	// Approvers are the logins and teams whose approval counts.
	Approvers []string
	// Reason is recorded when validation was skipped (rollbacks).
	SkippedValidation string
	// Heading replaces the title (rollbacks say what they undo).
	Heading string
	// Analysis is the rollout analysis that --complete (or a rollback on
	// a failed analysis) decided on; nil when none ran.
	Analysis *analysis.Verdict
}

// Title is the pull request title.
func (e Evidence) Title() string {
	if e.Heading != "" {
		return e.Heading
	}
	return fmt.Sprintf("Promote %s version %d to %s", e.Model.Name, e.Candidate.Version, e.To.Name)
}

// Markdown renders the evidence for a pull request body or comment.
func (e Evidence) Markdown() string {
	var b strings.Builder
	verdict := "✅ all validation gates pass"
	if !Passed(e.Gates) {
		verdict = "❌ validation gates fail: this promotion cannot be applied as is"
	}
	if e.SkippedValidation != "" {
		verdict = "⚠️ validation skipped: " + e.SkippedValidation
	}
	if len(e.Gates) == 0 && e.Analysis != nil {
		verdict = "The rollout analysis below is the evidence."
	}
	fmt.Fprintf(&b, "### %s\n\n%s\n\n", e.Title(), verdict)
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| Candidate | `%s` version %d |\n", e.Candidate.FullName, e.Candidate.Version)
	fmt.Fprintf(&b, "| Into | `%s`, alias `%s` |\n", e.Model.FullName(e.To), e.Model.AliasOrDefault())
	if e.Candidate.RunID != "" {
		fmt.Fprintf(&b, "| MLflow run | `%s` |\n", e.Candidate.RunID)
	}
	if e.Candidate.Source != "" {
		fmt.Fprintf(&b, "| Artifacts | `%s` |\n", e.Candidate.Source)
	}
	if e.Champion != nil {
		fmt.Fprintf(&b, "| Current champion | version %d%s |\n", e.Champion.Version, sourceNote(e.Champion.SourceVersion, e.From))
	} else {
		fmt.Fprintf(&b, "| Current champion | none: this is the first version in %s |\n", e.To.Name)
	}
	fmt.Fprintf(&b, "| Rollout | %s |\n", rollout(e.Pin))

	if len(e.Gates) > 0 {
		fmt.Fprintf(&b, "\n#### Validation gates\n\n| Gate | Result | Evidence |\n|---|---|---|\n")
		for _, g := range e.Gates {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", g.Gate, mark(g.Passed), escape(g.Detail))
		}
	}
	if metrics := e.metricNames(); len(metrics) > 0 {
		fmt.Fprintf(&b, "\n#### Metrics\n\n| Metric | Candidate | Champion | Threshold |\n|---|---|---|---|\n")
		thresholds := map[string][]string{}
		for _, g := range e.To.Gates.MetricGates() {
			thresholds[g.Metric] = append(thresholds[g.Metric], fmt.Sprintf("%s %s", g.Op, num(g.Threshold)))
		}
		for _, m := range metrics {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", m, metric(e.Candidate.Metrics, m), e.championMetric(m), strings.Join(thresholds[m], ", "))
		}
	}
	if e.Analysis != nil {
		fmt.Fprintf(&b, "\n%s", e.Analysis.Markdown())
	}
	fmt.Fprintf(&b, "\n#### Approval\n\n")
	if e.To.Approvals == 0 {
		fmt.Fprintf(&b, "No approval required for %s.\n", e.To.Name)
	} else {
		fmt.Fprintf(&b, "%d approval(s) required from: %s. Approvals must be given on the latest commit; the author's own does not count.\n",
			e.To.Approvals, strings.Join(e.Approvers, ", "))
	}
	return b.String()
}

func (e Evidence) metricNames() []string {
	set := map[string]bool{}
	for m := range e.Candidate.Metrics {
		set[m] = true
	}
	for _, g := range e.To.Gates.MetricGates() {
		set[g.Metric] = true
	}
	return slices.Sorted(maps.Keys(set))
}

func (e Evidence) championMetric(m string) string {
	if e.Champion == nil {
		return "–"
	}
	return metric(e.Champion.Metrics, m)
}

func metric(ms map[string]float64, name string) string {
	if v, ok := ms[name]; ok {
		return num(v)
	}
	return "not logged"
}

func rollout(p Pin) string {
	if len(p.Traffic) == 0 {
		return string(orRecreate(p.Strategy))
	}
	var parts []string
	for _, v := range p.Versions() {
		if pct, ok := p.Traffic[fmt.Sprint(v)]; ok {
			parts = append(parts, fmt.Sprintf("version %d: %d %%", v, pct))
		}
	}
	// Pins count versions in the previous environment's model.
	return fmt.Sprintf("%s (%s of the source model)", orRecreate(p.Strategy), strings.Join(parts, ", "))
}

func sourceNote(source int, from config.Environment) string {
	if source == 0 {
		return ""
	}
	return fmt.Sprintf(" (copied from %s version %d)", from.Name, source)
}

func mark(ok bool) string {
	if ok {
		return "✅ pass"
	}
	return "❌ fail"
}

// escape keeps table cells intact.
func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
