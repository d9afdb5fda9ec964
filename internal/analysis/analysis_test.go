package analysis

import (
	"strings"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
)

func f(v float64) *float64 { return &v }
func i(v int) *int         { return &v }

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// thresholds are every kind the analysis knows.
func thresholds() config.Analysis {
	return config.Analysis{
		MinRequests: i(50), MaxErrorRate: f(0.02), MaxErrorRateIncrease: f(0.01),
		MaxLatencyP95Ms: f(200), MaxLatencyP95IncreaseMs: f(50), MaxPredictionDrift: f(0.2),
		MinQuality: f(0.8), MaxQualityDrop: f(0.02),
	}
}

// requests are n logged requests of entity from start, a minute apart,
// the first errors failing, every one taking p95 ms (so that is the p95).
func requests(entity string, start time.Time, n, errors int, p95 float64) []observe.Request {
	out := make([]observe.Request, n)
	for i := range out {
		out[i] = observe.Request{Entity: entity, Status: 200, DurationMs: p95, At: start.Add(time.Duration(i) * time.Minute)}
		if i < errors {
			out[i].Status = 500
		}
	}
	return out
}

// fixture: the champion v1 and the challenger v2 on endpoint churn-prod,
// with the challenger's traffic, drift and accuracy set by the test. The
// champion served alone for an hour before the canary began at t0.
func fixture(cand observe.EntityTraffic, candDrift, candAccuracy float64) Input {
	win := observe.Window{Start: t0, End: t0.Add(time.Hour)}
	reqs := append(requests("v1", t0.Add(-time.Hour), 60, 60, 5000), requests("v1", t0, 900, 9, 120)...)
	reqs = append(reqs, requests("v2", t0, cand.Requests, cand.Errors, cand.LatencyP95Ms)...)
	mon := &observe.Monitor{
		Table: "prod.ml.churn_payload", ProfileTable: "prod.ml.churn_payload_profile_metrics", DriftTable: "prod.ml.churn_payload_drift_metrics",
		PredictionCol: "prediction", LabelCol: "label", ModelIDCol: "served_entity_id",
		ModelIDs: map[string]string{"1": "v1", "2": "v2"},
		Drift: []observe.DriftRow{
			{Window: win, ModelID: "1", Column: "prediction", DriftType: "CONSECUTIVE", Statistics: map[string]float64{"js_distance": 0.05}},
			{Window: win, ModelID: "2", Column: "prediction", DriftType: "CONSECUTIVE", Statistics: map[string]float64{"js_distance": candDrift}},
			// Input drift on a feature is not prediction drift.
			{Window: win, ModelID: "2", Column: "tenure", DriftType: "CONSECUTIVE", Statistics: map[string]float64{"js_distance": 0.9}},
		},
		Profile: []observe.ProfileRow{
			{Window: win, ModelID: "1", Column: observe.TableLevel, Count: 900, Metrics: map[string]float64{"accuracy_score": 0.86}},
			{Window: win, ModelID: "2", Column: observe.TableLevel, Count: 100, Metrics: map[string]float64{"accuracy_score": candAccuracy}},
			{Window: win, Column: observe.TableLevel, Count: 1000, Metrics: map[string]float64{"accuracy_score": 0.1}},
		},
	}
	return Input{
		Endpoint: "churn-prod", Candidate: Subject{Entity: "v2", Version: 2}, Champion: Subject{Entity: "v1", Version: 1},
		Traffic: &observe.Traffic{Endpoint: "churn-prod", Table: "prod.ml.churn_payload",
			Window: observe.Window{Start: t0.Add(-24 * time.Hour), End: t0.Add(time.Hour)}, Requests: reqs},
		Monitor: mon,
	}
}

func statuses(v Verdict) map[string]string {
	out := map[string]string{}
	for _, c := range v.Checks {
		out[c.Name] = c.Status
	}
	return out
}

func TestAnalyze_passes(t *testing.T) {
	v := Analyze(thresholds(), fixture(observe.EntityTraffic{Requests: 100, Errors: 1, LatencyP95Ms: 130}, 0.06, 0.87))
	if v.Outcome != Pass || len(v.Missing) != 0 || len(v.Checks) != 7 {
		t.Fatalf("verdict = %+v", v)
	}
	for name, st := range statuses(v) {
		if st != StatusPass {
			t.Errorf("%s = %s", name, st)
		}
	}
	// The hour of failing, slow requests the champion served alone before
	// the canary is not the rollout's.
	if v.Candidate.Requests != 100 || v.Champion.Requests != 900 || !v.Passed(false) || !v.Window.Start.Equal(t0) {
		t.Errorf("subjects = %+v %+v, window %s", v.Candidate, v.Champion, v.Window)
	}
	md := v.Markdown()
	for _, want := range []string{"✅ the challenger holds every threshold", "| error rate | 1 % | 1 % | ≤ 2 % | ✅ pass", "| latency p95 | 130 ms | 120 ms | ≤ 200 ms |",
		"| quality (accuracy_score) | 0.87 | 0.86 | ≥ 0.8 |", "inference table `prod.ml.churn_payload`"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestAnalyze_failsAWorseChallenger(t *testing.T) {
	cases := map[string]struct {
		traffic       observe.EntityTraffic
		drift, acc    float64
		failed        []string
		detailPortion string
	}{
		"errors": {observe.EntityTraffic{Requests: 100, Errors: 7, LatencyP95Ms: 130}, 0.06, 0.87,
			[]string{"error rate", "error rate vs champion"}, "+6 % higher than the champion's"},
		"slow": {observe.EntityTraffic{Requests: 100, LatencyP95Ms: 190}, 0.06, 0.87,
			[]string{"latency p95 vs champion"}, "+70 ms higher"},
		"drifting predictions": {observe.EntityTraffic{Requests: 100, LatencyP95Ms: 100}, 0.35, 0.87,
			[]string{"prediction drift (js_distance)"}, "worst js_distance"},
		"less accurate": {observe.EntityTraffic{Requests: 100, LatencyP95Ms: 100}, 0.06, 0.79,
			[]string{"quality (accuracy_score)", "quality (accuracy_score) vs champion"}, "0.07 worse than the champion"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v := Analyze(thresholds(), fixture(tc.traffic, tc.drift, tc.acc))
			if v.Outcome != Fail || v.Passed(true) {
				t.Fatalf("outcome = %s", v.Outcome)
			}
			st := statuses(v)
			var failed []string
			for _, c := range v.Checks {
				if c.Status == StatusFail {
					failed = append(failed, c.Name)
				}
			}
			if strings.Join(failed, ",") != strings.Join(tc.failed, ",") {
				t.Errorf("failed = %v, want %v (all: %v)", failed, tc.failed, st)
			}
			if md := v.Markdown(); !strings.Contains(md, tc.detailPortion) || !strings.Contains(md, "❌ the challenger is worse") {
				t.Errorf("markdown lacks %q:\n%s", tc.detailPortion, md)
			}
		})
	}
}

func TestAnalyze_missingData(t *testing.T) {
	t.Run("no inference table", func(t *testing.T) {
		in := fixture(observe.EntityTraffic{}, 0, 0)
		in.Traffic, in.TrafficMissing = nil, "endpoint churn-prod has no inference table"
		v := Analyze(thresholds(), in)
		if v.Outcome != MissingData || len(v.Missing) != 1 || v.Missing[0] != in.TrafficMissing || v.Passed(false) || !v.Passed(true) {
			t.Errorf("verdict = %+v", v)
		}
	})
	t.Run("too few requests", func(t *testing.T) {
		v := Analyze(thresholds(), fixture(observe.EntityTraffic{Requests: 12, Errors: 12, LatencyP95Ms: 900}, 0.06, 0.87))
		// Twelve failures out of twelve is not evidence under min_requests.
		if v.Outcome != MissingData || len(v.Missing) != 1 || !strings.Contains(v.Missing[0], "served 12 request(s) in the window, fewer than min_requests 50") {
			t.Fatalf("verdict = %+v", v)
		}
		if st := statuses(v); st["error rate"] != StatusMissing || st["latency p95"] != StatusMissing {
			t.Errorf("statuses = %v", st)
		}
	})
	t.Run("no monitor metrics for the challenger yet", func(t *testing.T) {
		in := fixture(observe.EntityTraffic{Requests: 100, LatencyP95Ms: 100}, 0.06, 0.87)
		in.Monitor.Drift, in.Monitor.Profile = nil, nil
		v := Analyze(thresholds(), in)
		if v.Outcome != MissingData || len(v.Missing) != 2 || !strings.Contains(v.Missing[0], "no drift metrics for v2's predictions") ||
			!strings.Contains(v.Missing[1], "no accuracy_score for v2 yet") {
			t.Errorf("verdict = %+v", v)
		}
	})
	t.Run("a failure outranks missing data", func(t *testing.T) {
		in := fixture(observe.EntityTraffic{Requests: 100, Errors: 50, LatencyP95Ms: 100}, 0.06, 0.87)
		in.Monitor, in.MonitorMissing = nil, "no quality monitor on prod.ml.churn_payload"
		v := Analyze(thresholds(), in)
		if v.Outcome != Fail || len(v.Missing) != 1 || v.Missing[0] != in.MonitorMissing {
			t.Errorf("verdict = %+v", v)
		}
	})
}

func TestAnalyze_qualityOnlyWhereLabelsExist(t *testing.T) {
	in := fixture(observe.EntityTraffic{Requests: 100, LatencyP95Ms: 100}, 0.06, 0.5)
	in.Monitor.LabelCol = ""
	v := Analyze(thresholds(), in)
	if v.Outcome != Pass || statuses(v)["quality (accuracy_score)"] != StatusSkipped {
		t.Errorf("verdict = %+v", v)
	}
}

func TestAnalyze_errorMetricsAreLowerIsBetter(t *testing.T) {
	a := config.Analysis{MinRequests: i(1), QualityMetric: "mean_squared_error", MinQuality: f(0.3), MaxQualityDrop: f(0.05)}
	in := fixture(observe.EntityTraffic{Requests: 100}, 0, 0)
	set := func(entity string, mse float64) {
		for k, r := range in.Monitor.Profile {
			if in.Monitor.Entity(r.ModelID) == entity {
				in.Monitor.Profile[k].Metrics = map[string]float64{"mean_squared_error": mse}
			}
		}
	}
	set("v1", 0.20)
	set("v2", 0.22)
	if v := Analyze(a, in); v.Outcome != Pass {
		t.Errorf("mse 0.22 vs 0.20 within 0.05: %+v", v.Checks)
	}
	set("v2", 0.28)
	v := Analyze(a, in)
	if st := statuses(v); v.Outcome != Fail || st["quality (mean_squared_error)"] != StatusPass || st["quality (mean_squared_error) vs champion"] != StatusFail {
		t.Errorf("mse 0.28 vs 0.20: %v %v", v.Outcome, st)
	}
}

// Only the thresholds brickops.yaml sets are checked, and the champion's
// request count matters only when a threshold compares with it.
func TestAnalyze_onlyConfiguredChecks(t *testing.T) {
	in := fixture(observe.EntityTraffic{Requests: 100, LatencyP95Ms: 100}, 0.06, 0.87)
	in.Traffic.Requests = append(requests("v1", t0, 3, 0, 10), requests("v2", t0, 100, 0, 100)...)
	v := Analyze(config.Analysis{MinRequests: i(50), MaxErrorRate: f(0.05)}, in)
	if v.Outcome != Pass || len(v.Checks) != 1 || v.Checks[0].Name != "error rate" {
		t.Errorf("verdict = %+v", v)
	}
}
