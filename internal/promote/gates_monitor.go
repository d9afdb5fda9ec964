package promote

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
)

// The tags (on the model version, or on or as parameters of its run) that
// say which data a version was trained on: RFC 3339 times or Unix
// milliseconds. The monitor gate reads the end; training writes both.
const (
	TrainingDataStart = "brickops.training_data_start"
	TrainingDataEnd   = "brickops.training_data_end"
)

// TrainingDataEnd is when the data the candidate was trained on ends,
// from its version tags, else its run's tags, else its run's parameters.
func (c Candidate) TrainingDataEnd() (time.Time, bool) {
	for _, m := range []map[string]string{c.Tags, c.RunTags, c.Params} {
		if v, ok := m[TrainingDataEnd]; ok {
			if t, ok := parseTime(v); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), true
	}
	return time.Time{}, false
}

// MonitorGateName is how gates.monitor is reported.
func MonitorGateName(g config.MonitorGate) string {
	return fmt.Sprintf("monitor drift (%s) ≤ %s", g.StatisticOrDefault(), num(*g.MaxDrift))
}

// MonitorGate decides gates.monitor: it fails while the environment's
// monitor shows drift above the threshold, unless the candidate was trained
// on data from after the drift began. mon is nil when there is no monitor
// data, for the reason missing gives; on_missing_data decides then.
func MonitorGate(g config.MonitorGate, mon *observe.Monitor, missing string, c Candidate) GateResult {
	r := GateResult{Gate: MonitorGateName(g)}
	stat := g.StatisticOrDefault()
	noData := func(why string) GateResult {
		r.Passed = !g.RefuseOnMissingData()
		policy := "proceed: nothing shows drift"
		if !r.Passed {
			policy = "refuse"
		}
		r.Detail = fmt.Sprintf("no monitor data: %s (on_missing_data: %s)", why, policy)
		return r
	}
	if mon == nil {
		return noData(missing)
	}
	f, ok := mon.FindDrift(stat, g.Columns, *g.MaxDrift)
	if !ok {
		what := "columns"
		if len(g.Columns) > 0 {
			what = strings.Join(g.Columns, ", ")
		}
		return noData(fmt.Sprintf("%s has no %s for %s in the last %s (has the monitor refreshed?)", mon.DriftTable, stat, what, config.FormatDuration(g.WindowOrDefault())))
	}
	where := fmt.Sprintf("%s %s on %s in the window %s", stat, num(round4(f.Worst)), f.Column, f.Latest)
	if !f.Drifted {
		r.Passed, r.Detail = true, fmt.Sprintf("no drift: worst %s (%s)", where, mon.DriftTable)
		return r
	}
	since := f.Since.UTC().Format(time.DateTime)
	end, known := c.TrainingDataEnd()
	switch {
	case known && end.After(f.Since):
		r.Passed = true
		r.Detail = fmt.Sprintf("drift since %s (%s), but version %d was trained on data through %s, after the drift began",
			since, where, c.Version, end.UTC().Format(time.DateTime))
	case known:
		r.Detail = fmt.Sprintf("drift since %s (%s); version %d was trained on data through %s, before the drift: retrain on recent data",
			since, where, c.Version, end.UTC().Format(time.DateTime))
	default:
		r.Detail = fmt.Sprintf("drift since %s (%s); version %d does not record when its training data ends (tag %s): retrain on recent data",
			since, where, c.Version, TrainingDataEnd)
	}
	return r
}

func round4(v float64) float64 { return float64(int64(v*1e4+0.5)) / 1e4 }

// monitorGate evaluates gates.monitor of env for candidate c, reading the
// monitor on the model's endpoint there.
func (p *Promoter) monitorGate(ctx context.Context, env config.Environment, model config.Model, c Candidate) (GateResult, error) {
	g := *env.Gates.Monitor
	if p.Observe == nil {
		return MonitorGate(g, nil, "this promoter reads no monitors", c), nil
	}
	src, err := p.Observe(env)
	if err != nil {
		return GateResult{}, err
	}
	mon, err := src.Monitor(ctx, model.EndpointName(env), g.WindowOrDefault())
	if observe.IsMissing(err) {
		return MonitorGate(g, nil, err.Error(), c), nil
	}
	if err != nil {
		return GateResult{}, fmt.Errorf("reading the monitor of %s in %s: %w", model.EndpointName(env), env.Name, err)
	}
	return MonitorGate(g, mon, "", c), nil
}
