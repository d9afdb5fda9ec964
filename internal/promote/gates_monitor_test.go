package promote

import (
	"strings"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
)

var day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// driftDays is a monitor whose column "tenure" has the given js_distance
// on consecutive days from day0, plus a calm "plan" column and hourly rows
// the gate must ignore in favour of... the finest granularity present.
func driftDays(js ...float64) *observe.Monitor {
	m := &observe.Monitor{Table: "prod.ml.churn_payload", DriftTable: "prod.ml.churn_payload_drift_metrics"}
	for i, v := range js {
		w := observe.Window{Start: day0.AddDate(0, 0, i), End: day0.AddDate(0, 0, i+1)}
		m.Drift = append(m.Drift,
			observe.DriftRow{Window: w, Column: "tenure", DriftType: "CONSECUTIVE", Statistics: map[string]float64{"js_distance": v}},
			observe.DriftRow{Window: w, Column: "plan", DriftType: "CONSECUTIVE", Statistics: map[string]float64{"js_distance": 0.01, "population_stability_index": 0.9}},
		)
	}
	return m
}

func monitorGate(extra ...func(*config.MonitorGate)) config.MonitorGate {
	g := config.MonitorGate{MaxDrift: new(0.2)}
	for _, f := range extra {
		f(&g)
	}
	return g
}

func trainedThrough(t time.Time) Candidate {
	return Candidate{Version: 4, RunTags: map[string]string{TrainingDataEnd: t.Format(time.RFC3339)}}
}

func TestMonitorGate_passesWithoutDrift(t *testing.T) {
	r := MonitorGate(monitorGate(), driftDays(0.05, 0.3, 0.1), "", Candidate{Version: 4})
	if !r.Passed || !strings.Contains(r.Detail, "no drift: worst js_distance 0.1 on tenure in the window 2026-11-03 00:00:00 – 2026-11-04 00:00:00") {
		t.Errorf("%+v", r)
	}
	if r.Gate != "monitor drift (js_distance) ≤ 0.2" {
		t.Errorf("gate = %q", r.Gate)
	}
}

func TestMonitorGate_refusesWhileDrifting(t *testing.T) {
	mon := driftDays(0.05, 0.3, 0.1, 0.25, 0.41)
	cases := map[string]struct {
		c    Candidate
		want string
	}{
		"no training window": {Candidate{Version: 4}, "drift since 2026-11-04 00:00:00 (js_distance 0.41 on tenure in the window 2026-11-05 00:00:00 – 2026-11-06 00:00:00); version 4 does not record when its training data ends (tag brickops.training_data_end)"},
		// Trained on data up to the drift's start: it has not seen the shift.
		"trained before the drift": {trainedThrough(day0.AddDate(0, 0, 3)), "version 4 was trained on data through 2026-11-04 00:00:00, before the drift"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := MonitorGate(monitorGate(), mon, "", tc.c)
			if r.Passed || !strings.Contains(r.Detail, tc.want) {
				t.Errorf("%+v\nwant %q", r, tc.want)
			}
		})
	}
}

func TestMonitorGate_passesACandidateTrainedAfterTheDrift(t *testing.T) {
	mon := driftDays(0.05, 0.3, 0.1, 0.25, 0.41)
	for name, c := range map[string]Candidate{
		"run tag":     trainedThrough(day0.AddDate(0, 0, 5)),
		"version tag": {Version: 4, Tags: map[string]string{TrainingDataEnd: day0.AddDate(0, 0, 5).Format(time.RFC3339)}},
		"run param":   {Version: 4, Params: map[string]string{TrainingDataEnd: "1793836800000"}}, // 2026-11-05, Unix ms
	} {
		t.Run(name, func(t *testing.T) {
			r := MonitorGate(monitorGate(), mon, "", c)
			if !r.Passed || !strings.Contains(r.Detail, "after the drift began") {
				t.Errorf("%+v", r)
			}
		})
	}
}

func TestMonitorGate_columnsAndStatistic(t *testing.T) {
	mon := driftDays(0.05, 0.5)
	if r := MonitorGate(monitorGate(func(g *config.MonitorGate) { g.Columns = []string{"plan"} }), mon, "", Candidate{}); !r.Passed {
		t.Errorf("only plan, which is calm: %+v", r)
	}
	r := MonitorGate(monitorGate(func(g *config.MonitorGate) { g.Statistic = "population_stability_index" }), mon, "", Candidate{})
	if r.Passed || !strings.Contains(r.Detail, "population_stability_index 0.9 on plan") {
		t.Errorf("psi: %+v", r)
	}
}

func TestMonitorGate_missingData(t *testing.T) {
	cases := map[string]struct {
		mon     *observe.Monitor
		missing string
		want    string
	}{
		"no monitor":        {nil, "no quality monitor on prod.ml.churn_payload", "no monitor data: no quality monitor on prod.ml.churn_payload"},
		"not refreshed yet": {&observe.Monitor{DriftTable: "prod.ml.churn_payload_drift_metrics"}, "", "prod.ml.churn_payload_drift_metrics has no js_distance for columns in the last 7d"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := MonitorGate(monitorGate(), tc.mon, tc.missing, Candidate{})
			if !r.Passed || !strings.Contains(r.Detail, tc.want) || !strings.Contains(r.Detail, "(on_missing_data: proceed: nothing shows drift)") {
				t.Errorf("default proceeds: %+v", r)
			}
			r = MonitorGate(monitorGate(func(g *config.MonitorGate) { g.OnMissingData = config.MissingRefuse }), tc.mon, tc.missing, Candidate{})
			if r.Passed || !strings.Contains(r.Detail, "(on_missing_data: refuse)") {
				t.Errorf("refuse: %+v", r)
			}
		})
	}
}

// Granularities are timelines of their own: a calm daily window does not
// end an hourly drift, nor calm hours a daily one.
func TestFindDrift_granularities(t *testing.T) {
	var rows []observe.DriftRow
	for h := range 3 {
		w := observe.Window{Start: day0.Add(time.Duration(h) * time.Hour), End: day0.Add(time.Duration(h+1) * time.Hour)}
		rows = append(rows, observe.DriftRow{Window: w, Column: "x", Statistics: map[string]float64{"js_distance": 0.5}})
	}
	rows = append(rows, observe.DriftRow{Window: observe.Window{Start: day0, End: day0.AddDate(0, 0, 1)}, Column: "x", Statistics: map[string]float64{"js_distance": 0.01}})
	f, ok := (&observe.Monitor{Drift: rows}).FindDrift("js_distance", nil, 0.2)
	if !ok || !f.Drifted || !f.Since.Equal(day0) || !f.Latest.Start.Equal(day0.Add(2*time.Hour)) {
		t.Errorf("%+v %v", f, ok)
	}
	// Two calm adjacent hours within a drifted day.
	daily := []observe.DriftRow{
		{Window: observe.Window{Start: day0.AddDate(0, 0, 1), End: day0.AddDate(0, 0, 2)}, Column: "x", Statistics: map[string]float64{"js_distance": 0.6}},
		{Window: observe.Window{Start: day0.Add(25 * time.Hour), End: day0.Add(26 * time.Hour)}, Column: "x", Statistics: map[string]float64{"js_distance": 0.01}},
	}
	f, ok = (&observe.Monitor{Drift: daily}).FindDrift("js_distance", nil, 0.2)
	if !ok || !f.Drifted || f.Worst != 0.6 || !f.Since.Equal(day0.AddDate(0, 0, 1)) {
		t.Errorf("daily: %+v %v", f, ok)
	}
}
