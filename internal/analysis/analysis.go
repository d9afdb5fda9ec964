// Package analysis judges a rollout from live data: the challenger (the
// candidate served beside the champion in a canary, A/B or shadow rollout)
// and the champion over the rollout window, from the endpoint's inference
// table (error rate, latency p95) and its monitor's metric tables
// (prediction drift, and model quality where labels exist), against the
// thresholds of rollout.analysis in brickops.yaml. It decides from the
// values observe reads; it reads nothing itself.
package analysis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
)

// Outcome is the analysis's verdict.
type Outcome string

const (
	// Pass: every configured check holds.
	Pass Outcome = "pass"
	// Fail: the challenger is worse than a threshold allows.
	Fail Outcome = "fail"
	// MissingData: no check failed, but there was too little data to
	// judge one or more (no inference table, too few requests, no
	// monitor metrics).
	MissingData Outcome = "missing_data"
)

// Check statuses.
const (
	StatusPass    = "pass"
	StatusFail    = "fail"
	StatusMissing = "missing"
	// StatusSkipped: the check does not apply (quality without labels).
	StatusSkipped = "skipped"
)

// Subject is one side of the comparison: a served entity and the version
// it serves.
type Subject struct {
	// Entity is the served entity name ("v8").
	Entity string `json:"served_entity"`
	// Version is the pinned (source) version it serves.
	Version  int `json:"version"`
	Requests int `json:"requests"`
	Errors   int `json:"errors"`
}

// Check is one threshold's verdict with the evidence.
type Check struct {
	Name      string   `json:"check"`
	Candidate *float64 `json:"candidate"`
	Champion  *float64 `json:"champion"`
	Threshold string   `json:"threshold"`
	Status    string   `json:"status"`
	Detail    string   `json:"detail"`
}

// Verdict is the analysis of one rollout.
type Verdict struct {
	Outcome   Outcome        `json:"outcome"`
	Endpoint  string         `json:"endpoint"`
	Table     string         `json:"inference_table,omitempty"`
	Monitor   string         `json:"drift_metrics_table,omitempty"`
	Window    observe.Window `json:"window"`
	Candidate Subject        `json:"candidate"`
	Champion  Subject        `json:"champion"`
	Checks    []Check        `json:"checks"`
	// Missing says why data was missing, one reason each.
	Missing []string `json:"missing,omitempty"`
	// Proceeded is set when the rollout went on despite missing data
	// (on_missing_data: proceed, or --allow-missing-data).
	Proceeded bool `json:"proceeded_on_missing_data,omitempty"`
}

// Input is what the analysis judges.
type Input struct {
	Endpoint            string
	Candidate, Champion Subject
	// Traffic is the inference table's summary; nil when it could not be
	// read for a reason in TrafficMissing.
	Traffic        *observe.Traffic
	TrafficMissing string
	// Monitor holds the monitor's rows; nil when there is no monitor, for
	// the reason in MonitorMissing.
	Monitor        *observe.Monitor
	MonitorMissing string
}

// Analyze judges in against a.
func Analyze(a config.Analysis, in Input) Verdict {
	v := Verdict{Endpoint: in.Endpoint, Candidate: in.Candidate, Champion: in.Champion, Checks: []Check{}}
	if in.Monitor != nil {
		v.Monitor = in.Monitor.DriftTable
	}
	if in.Traffic == nil {
		v.Missing = append(v.Missing, in.TrafficMissing)
		v.Outcome = MissingData
		return v
	}
	// The rollout window: from the challenger's first logged request (or
	// the window's start, without any) to the newest, so the champion is
	// judged on the same stretch of traffic.
	v.Table, v.Window = in.Traffic.Table, in.Traffic.Window
	if first := in.Traffic.Entities(time.Time{})[in.Candidate.Entity].First; first.After(v.Window.Start) {
		v.Window.Start = first
	}
	entities := in.Traffic.Entities(v.Window.Start)
	cand, champ := entities[in.Candidate.Entity], entities[in.Champion.Entity]
	v.Candidate.Requests, v.Candidate.Errors = cand.Requests, cand.Errors
	v.Champion.Requests, v.Champion.Errors = champ.Requests, champ.Errors

	min := a.MinRequestsOrDefault()
	j := judge{v: &v}
	j.requests("candidate", v.Candidate, min, true)
	j.requests("champion", v.Champion, min, a.ComparesWithChampion())
	enough := len(v.Missing) == 0
	cmp := func(name string, cv, hv float64, limit *float64, inc *float64, unit func(float64) string) {
		if limit != nil {
			j.add(enough, Check{Name: name, Candidate: &cv, Champion: &hv, Threshold: "≤ " + unit(*limit)},
				cv <= *limit, fmt.Sprintf("%s %s vs champion %s", in.Candidate.Entity, unit(cv), unit(hv)))
		}
		if inc != nil {
			j.add(enough, Check{Name: name + " vs champion", Candidate: &cv, Champion: &hv, Threshold: "≤ champion + " + unit(*inc)},
				cv <= hv+*inc+1e-12, fmt.Sprintf("%s higher than the champion's", signed(unit, cv-hv)))
		}
	}
	cmp("error rate", cand.ErrorRate(), champ.ErrorRate(), a.MaxErrorRate, a.MaxErrorRateIncrease, percent)
	cmp("latency p95", cand.LatencyP95Ms, champ.LatencyP95Ms, a.MaxLatencyP95Ms, a.MaxLatencyP95IncreaseMs, millis)
	j.predictionDrift(a, in)
	j.quality(a, in)
	switch {
	case j.failed:
		v.Outcome = Fail
	case len(v.Missing) > 0:
		v.Outcome = MissingData
	default:
		v.Outcome = Pass
	}
	return v
}

type judge struct {
	v      *Verdict
	failed bool
}

func (j *judge) requests(role string, s Subject, min int, needed bool) {
	if !needed || s.Requests >= min {
		return
	}
	j.missing(fmt.Sprintf("the %s (%s, version %d) served %d request(s) in the window, fewer than min_requests %d: let the rollout run longer",
		role, s.Entity, s.Version, s.Requests, min))
}

func (j *judge) missing(reason string) {
	for _, m := range j.v.Missing {
		if m == reason {
			return
		}
	}
	j.v.Missing = append(j.v.Missing, reason)
}

// add records c: judged when enough data, else missing.
func (j *judge) add(enough bool, c Check, holds bool, detail string) {
	switch {
	case !enough:
		c.Status, c.Detail = StatusMissing, "too few requests to judge"
	case holds:
		c.Status, c.Detail = StatusPass, detail
	default:
		c.Status, c.Detail = StatusFail, detail
		j.failed = true
	}
	j.v.Checks = append(j.v.Checks, c)
}

func (j *judge) skip(c Check, status, why string) {
	c.Status, c.Detail = status, why
	if status == StatusMissing {
		j.missing(why)
	}
	j.v.Checks = append(j.v.Checks, c)
}

func (j *judge) predictionDrift(a config.Analysis, in Input) {
	if a.MaxPredictionDrift == nil {
		return
	}
	stat := a.DriftStatisticOrDefault()
	c := Check{Name: "prediction drift (" + stat + ")", Threshold: "≤ " + num(*a.MaxPredictionDrift)}
	if in.Monitor == nil {
		j.skip(c, StatusMissing, in.MonitorMissing)
		return
	}
	m := in.Monitor
	worst := func(entity string) *float64 {
		var out *float64
		for _, r := range m.Drift {
			val, ok := r.Statistics[stat]
			if !ok || r.Column != m.PredictionCol || r.ModelID == "" || m.Entity(r.ModelID) != entity || math.IsNaN(val) {
				continue
			}
			if out == nil || val > *out {
				out = &val
			}
		}
		return out
	}
	c.Candidate, c.Champion = worst(in.Candidate.Entity), worst(in.Champion.Entity)
	if c.Candidate == nil {
		j.skip(c, StatusMissing, fmt.Sprintf("%s has no drift metrics for %s's predictions (%s) yet: refresh the monitor", m.DriftTable, in.Candidate.Entity, m.PredictionCol))
		return
	}
	j.add(true, c, *c.Candidate <= *a.MaxPredictionDrift, fmt.Sprintf("worst %s of %s's predictions across the monitor's windows", stat, in.Candidate.Entity))
}

func (j *judge) quality(a config.Analysis, in Input) {
	if a.MinQuality == nil && a.MaxQualityDrop == nil {
		return
	}
	metric := a.QualityMetricOrDefault()
	lower := config.LowerIsBetter(metric)
	base := Check{Name: "quality (" + metric + ")"}
	if in.Monitor == nil {
		j.skip(base, StatusMissing, in.MonitorMissing)
		return
	}
	m := in.Monitor
	if m.LabelCol == "" {
		// Quality is judged where labels exist; the monitor has none.
		j.skip(base, StatusSkipped, fmt.Sprintf("the monitor on %s has no label column: quality cannot be measured", m.Table))
		return
	}
	cv, champ := quality(m, metric, in.Candidate.Entity), quality(m, metric, in.Champion.Entity)
	if cv == nil {
		j.skip(base, StatusMissing, fmt.Sprintf("%s has no %s for %s yet (labels arrive later, or the monitor has not refreshed)", m.ProfileTable, metric, in.Candidate.Entity))
		return
	}
	if a.MinQuality != nil {
		c := base
		c.Candidate, c.Champion = cv, champ
		op, holds := "≥ ", *cv >= *a.MinQuality
		if lower {
			op, holds = "≤ ", *cv <= *a.MinQuality
		}
		c.Threshold = op + num(*a.MinQuality)
		j.add(true, c, holds, fmt.Sprintf("%s over %s's labelled requests", metric, in.Candidate.Entity))
	}
	if a.MaxQualityDrop != nil {
		c := base
		c.Name += " vs champion"
		c.Candidate, c.Champion = cv, champ
		if champ == nil {
			j.skip(c, StatusMissing, fmt.Sprintf("%s has no %s for the champion %s yet", m.ProfileTable, metric, in.Champion.Entity))
			return
		}
		drop := *champ - *cv
		c.Threshold = "≥ champion − " + num(*a.MaxQualityDrop)
		if lower {
			drop = -drop
			c.Threshold = "≤ champion + " + num(*a.MaxQualityDrop)
		}
		word := "worse"
		if drop < 0 {
			word = "better"
		}
		j.add(true, c, drop <= *a.MaxQualityDrop+1e-12, fmt.Sprintf("%s %s than the champion", num(round(math.Abs(drop))), word))
	}
}

// quality is entity's metric over the profile's table-level rows,
// weighted by each window's count.
func quality(m *observe.Monitor, metric, entity string) *float64 {
	var sum, weight float64
	for _, r := range m.Profile {
		v, ok := r.Metrics[metric]
		if !ok || r.Column != observe.TableLevel || r.ModelID == "" || m.Entity(r.ModelID) != entity || math.IsNaN(v) {
			continue
		}
		w := float64(max(r.Count, 1))
		sum += v * w
		weight += w
	}
	if weight == 0 {
		return nil
	}
	q := round(sum / weight)
	return &q
}

// Passed reports whether the verdict lets the rollout complete, given
// whether missing data may proceed.
func (v Verdict) Passed(proceedOnMissing bool) bool {
	return v.Outcome == Pass || v.Outcome == MissingData && proceedOnMissing
}

// Markdown renders the verdict for a pull request body or a terminal.
func (v Verdict) Markdown() string {
	var b strings.Builder
	verdict := map[Outcome]string{
		Pass:        "✅ the challenger holds every threshold",
		Fail:        "❌ the challenger is worse than rollout.analysis allows",
		MissingData: "⚠️ too little data to judge",
	}[v.Outcome]
	fmt.Fprintf(&b, "#### Rollout analysis: %s\n\n", verdict)
	if v.Table != "" {
		fmt.Fprintf(&b, "Endpoint `%s`, inference table `%s`, window %s (UTC).\n", v.Endpoint, v.Table, v.Window)
	} else {
		fmt.Fprintf(&b, "Endpoint `%s`.\n", v.Endpoint)
	}
	fmt.Fprintf(&b, "Challenger `%s` (version %d): %d requests, %d errors; champion `%s` (version %d): %d requests, %d errors.\n\n",
		v.Candidate.Entity, v.Candidate.Version, v.Candidate.Requests, v.Candidate.Errors,
		v.Champion.Entity, v.Champion.Version, v.Champion.Requests, v.Champion.Errors)
	if len(v.Checks) > 0 {
		fmt.Fprintf(&b, "| Check | Challenger | Champion | Threshold | Result |\n|---|---|---|---|---|\n")
		for _, c := range v.Checks {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s — %s |\n", c.Name, value(c.Name, c.Candidate), value(c.Name, c.Champion),
				c.Threshold, statusMark(c.Status), strings.ReplaceAll(c.Detail, "|", `\|`))
		}
	}
	for _, m := range v.Missing {
		fmt.Fprintf(&b, "\n- Missing data: %s", m)
	}
	if len(v.Missing) > 0 {
		b.WriteString("\n")
	}
	if v.Proceeded {
		b.WriteString("\nProceeding without a full verdict: missing data was accepted (rollout.analysis.on_missing_data: proceed, or --allow-missing-data).\n")
	}
	return b.String()
}

func statusMark(s string) string {
	switch s {
	case StatusPass:
		return "✅ pass"
	case StatusFail:
		return "❌ fail"
	case StatusSkipped:
		return "➖ skipped"
	}
	return "⚠️ missing"
}

func value(check string, v *float64) string {
	switch {
	case v == nil:
		return "–"
	case strings.HasPrefix(check, "error rate"):
		return percent(*v)
	case strings.HasPrefix(check, "latency"):
		return millis(*v)
	}
	return num(*v)
}

func percent(v float64) string { return strconv.FormatFloat(round(v*100), 'f', -1, 64) + " %" }
func millis(v float64) string  { return strconv.FormatFloat(round(v), 'f', -1, 64) + " ms" }
func num(v float64) string     { return strconv.FormatFloat(v, 'f', -1, 64) }

func signed(unit func(float64) string, d float64) string {
	if d < 0 {
		return "-" + unit(-d)
	}
	return "+" + unit(d)
}

// round keeps four decimals: evidence, not noise.
func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }
