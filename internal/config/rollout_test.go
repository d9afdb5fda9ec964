package config

import (
	"strings"
	"testing"
	"time"
)

const rolloutYAML = `
version: 1
environments:
  staging:
    catalog: staging
  prod:
    catalog: prod
    warehouse: ${PROD_WAREHOUSE}
    gates:
      monitor: {max_drift: 0.2, statistic: population_stability_index, columns: [tenure], window: 3d}
models:
  churn:
    schema: ml
    retrain_job: nightly-churn
rollout:
  analysis:
    window: 2h
    min_requests: 50
    max_error_rate: 0.02
    max_error_rate_increase: 0.01
    max_latency_p95_ms: 250
    max_latency_p95_increase_ms: 40
    max_prediction_drift: 0.3
    quality_metric: f1_score
    min_quality: 0.7
    max_quality_drop: 0.02
    on_missing_data: proceed
`

func TestRollout_parses(t *testing.T) {
	f, err := Parse([]byte(rolloutYAML))
	if err != nil {
		t.Fatal(err)
	}
	a := f.Rollout.Analysis
	if a == nil || a.WindowOrDefault() != 2*time.Hour || a.MinRequestsOrDefault() != 50 || *a.MaxErrorRate != 0.02 ||
		*a.MaxLatencyP95Ms != 250 || a.QualityMetricOrDefault() != "f1_score" || a.DriftStatisticOrDefault() != "js_distance" ||
		!a.ProceedOnMissingData() || *a.MaxQualityDrop != 0.02 || a.Line != 17 {
		t.Errorf("analysis = %+v", a)
	}
	prod, _, _ := f.Environment("prod")
	m := prod.Gates.Monitor
	if m == nil || *m.MaxDrift != 0.2 || m.StatisticOrDefault() != "population_stability_index" || m.WindowOrDefault() != 72*time.Hour ||
		m.RefuseOnMissingData() || prod.Warehouse != "${PROD_WAREHOUSE}" {
		t.Errorf("prod = %+v, monitor %+v", prod, m)
	}
	churn, _ := f.Model("churn")
	if got := churn.RetrainJobOrDefault(Environment{Name: "staging"}); got != "nightly-churn" {
		t.Errorf("retrain job = %q", got)
	}
	if problems, err := ValidateSchema([]byte(rolloutYAML)); err != nil || len(problems) != 0 {
		t.Errorf("schema: %v %v", problems, err)
	}
}

func TestRollout_defaults(t *testing.T) {
	f, err := Parse([]byte("models:\n  churn: {schema: ml}\nrollout:\n  analysis: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := f.Rollout.Analysis
	if a.WindowOrDefault() != 24*time.Hour || a.MinRequestsOrDefault() != 100 || a.QualityMetricOrDefault() != "accuracy_score" || a.ProceedOnMissingData() {
		t.Errorf("defaults = %+v", a)
	}
	churn, _ := f.Model("churn")
	if got := churn.RetrainJobOrDefault(Environment{Name: "dev"}); got != "retrain-churn-dev" {
		t.Errorf("retrain job = %q", got)
	}
}

func TestRollout_badInputNamesTheLine(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"error rate as percent": {"rollout:\n  analysis:\n    window: 1h\n    max_error_rate: 5\n",
			"line 4: rollout.analysis.max_error_rate is a share of requests, between 0 and 1"},
		"negative latency": {"rollout:\n  analysis:\n    max_latency_p95_ms: -1\n",
			"line 3: rollout.analysis.max_latency_p95_ms must be 0 or more"},
		"zero requests": {"rollout:\n  analysis:\n\n    min_requests: 0\n", "line 4: rollout.analysis.min_requests must be at least 1"},
		"unknown metric": {"rollout:\n  analysis:\n    quality_metric: auc\n",
			`line 3: rollout.analysis.quality_metric "auc" must be one of accuracy_score`},
		"bad missing policy": {"rollout:\n  analysis:\n    on_missing_data: ignore\n", `rollout.analysis.on_missing_data "ignore" must be one of refuse, proceed`},
		"bad window":         {"rollout:\n  analysis:\n    window: soon\n", `line 3: rollout.analysis: "soon" is not a duration (e.g. 30m, 24h, 7d)`},
		"unknown key":        {"rollout:\n  analysis:\n    window: 1h\n    max_errors: 1\n", "line 4: rollout.analysis: field max_errors not found"},
		"monitor without threshold": {"environments:\n  prod:\n    catalog: prod\n    gates:\n      monitor: {window: 1d}\n",
			"line 2: environments.prod: gates.monitor.max_drift is required"},
		"monitor statistic": {"environments:\n  prod:\n    catalog: prod\n    gates:\n      monitor: {max_drift: 0.1, statistic: ks}\n",
			`environments.prod: gates.monitor.statistic "ks" must be one of js_distance`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestRollout_schemaReportsLines(t *testing.T) {
	problems, err := ValidateSchema([]byte("rollout:\n  analysis:\n    max_error_rate: 5\n    window: soon\n"))
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, p := range problems {
		all = append(all, p.String())
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{"line 3: rollout.analysis.max_error_rate", "line 4: rollout.analysis.window"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "90m": 90 * time.Minute, "1h30m": 90 * time.Minute} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("%s = %v %v", in, got, err)
		}
	}
	if FormatDuration(48*time.Hour) != "2d" || FormatDuration(90*time.Minute) != "1h30m0s" {
		t.Errorf("format: %s %s", FormatDuration(48*time.Hour), FormatDuration(90*time.Minute))
	}
}
