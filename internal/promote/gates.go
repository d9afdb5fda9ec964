// Package promote decides whether a model version may move into an
// environment and records the decision: validation gates (status, tags,
// metric thresholds, the current champion), approval gates (reviews on the
// pull request), the pin files that carry the decision in git, and the
// evidence a reviewer reads. It decides from plain inputs; the commands fetch
// those inputs from the workspace and GitHub.
package promote

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/brickops/terraform-provider-brickops/internal/config"
)

// Candidate is the model version proposed for promotion, with the metrics
// of the MLflow run that produced it.
type Candidate struct {
	// FullName is the source model, <catalog>.<schema>.<model>.
	FullName string             `json:"full_name"`
	Version  int                `json:"version"`
	Status   string             `json:"status"`
	Tags     map[string]string  `json:"tags,omitempty"`
	RunID    string             `json:"run_id,omitempty"`
	Metrics  map[string]float64 `json:"metrics,omitempty"`
	Source   string             `json:"source,omitempty"`
	// RunTags and Params are the producing run's tags and parameters,
	// where training records the window of data it trained on.
	RunTags map[string]string `json:"run_tags,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
}

// Champion is the version the target environment's alias points at now.
type Champion struct {
	FullName string `json:"full_name"`
	Version  int    `json:"version"`
	// SourceVersion is the version it was copied from, read from its
	// lineage tags (0 when unknown).
	SourceVersion int                `json:"source_version,omitempty"`
	Metrics       map[string]float64 `json:"metrics,omitempty"`
}

// GateResult is one gate's verdict with the reason a reviewer reads.
type GateResult struct {
	Gate   string `json:"gate"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
}

// Validate checks the candidate against the target environment's gates.
// champion is nil when the environment has none yet.
func Validate(gates config.Gates, c Candidate, champion *Champion) []GateResult {
	var out []GateResult
	if gates.ReadyRequired() {
		out = append(out, GateResult{
			Gate:   "version is READY",
			Passed: c.Status == "READY",
			Detail: fmt.Sprintf("%s version %d is %s", c.FullName, c.Version, orNone(c.Status)),
		})
	}
	for _, k := range slices.Sorted(maps.Keys(gates.Tags)) {
		want := gates.Tags[k]
		got, ok := c.Tags[k]
		r := GateResult{Gate: fmt.Sprintf("tag %s = %s", k, want), Passed: ok && got == want}
		switch {
		case !ok:
			r.Detail = fmt.Sprintf("the version has no tag %q", k)
		default:
			r.Detail = fmt.Sprintf("the version's tag %s is %q", k, got)
		}
		out = append(out, r)
	}
	for _, g := range gates.MetricGates() {
		v, ok := c.Metrics[g.Metric]
		r := GateResult{Gate: g.String(), Passed: ok && g.Holds(v)}
		switch {
		case c.RunID == "":
			r.Detail = "the version records no MLflow run, so it has no metrics"
		case !ok:
			r.Detail = fmt.Sprintf("run %s never logged %s", c.RunID, g.Metric)
		default:
			r.Detail = fmt.Sprintf("%s = %s in run %s", g.Metric, num(v), c.RunID)
		}
		out = append(out, r)
	}
	if b := gates.BeatChampion; b != nil {
		out = append(out, beatChampion(*b, c, champion))
	}
	return out
}

func beatChampion(b config.BeatChampion, c Candidate, champ *Champion) GateResult {
	dir, sign := ">=", 1.0
	if b.LowerIsBetter {
		dir, sign = "<=", -1
	}
	r := GateResult{Gate: fmt.Sprintf("%s %s champion's %+g", b.Metric, dir, sign*b.Margin)}
	cv, ok := c.Metrics[b.Metric]
	switch {
	case champ == nil:
		r.Passed, r.Detail = true, "no current champion: the first version sets the bar"
	case !ok:
		r.Detail = fmt.Sprintf("the candidate's run never logged %s", b.Metric)
	default:
		hv, ok := champ.Metrics[b.Metric]
		if !ok {
			r.Passed, r.Detail = true, fmt.Sprintf("champion version %d has no %s to beat", champ.Version, b.Metric)
			break
		}
		bar := hv + sign*b.Margin
		r.Passed = sign*cv >= sign*bar
		r.Detail = fmt.Sprintf("candidate %s vs champion (version %d) %s, bar %s", num(cv), champ.Version, num(hv), num(bar))
	}
	return r
}

// Passed reports whether every result passed.
func Passed(results []GateResult) bool {
	for _, r := range results {
		if !r.Passed {
			return false
		}
	}
	return true
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func orNone(s string) string {
	if s == "" {
		return "in no known state"
	}
	return s
}
