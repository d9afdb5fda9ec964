package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Rollout configures how a canary, A/B or shadow rollout is judged before
// `brickops promote --complete` makes the challenger the champion.
type Rollout struct {
	// Analysis holds the thresholds the challenger is judged against, from
	// the endpoint's inference table and its monitor's metric tables. Nil
	// means rollouts complete without analysis.
	Analysis *Analysis `yaml:"analysis"`
}

// Missing-data policies: what a check does when the data to decide on is
// not there (no inference table, too few requests, no monitor).
const (
	MissingRefuse  = "refuse"
	MissingProceed = "proceed"
)

// Analysis is rollout.analysis. Every threshold is optional; a threshold
// that is not set is not checked.
type Analysis struct {
	// Window is how far back from the newest logged request the analysis
	// looks (default 24h). Within it, challenger and champion are compared
	// from the challenger's first request on: the rollout window.
	Window Duration `yaml:"window"`
	// MinRequests is how many requests each of challenger and champion
	// must have served in the window for a verdict (default 100).
	MinRequests *int `yaml:"min_requests"`
	// MaxErrorRate caps the challenger's share of failed requests (status
	// code >= 400 in the inference table), 0..1.
	MaxErrorRate *float64 `yaml:"max_error_rate"`
	// MaxErrorRateIncrease caps how much higher the challenger's error rate
	// may be than the champion's, in absolute terms (0.01 = one point).
	MaxErrorRateIncrease *float64 `yaml:"max_error_rate_increase"`
	// MaxLatencyP95Ms caps the challenger's 95th percentile of
	// execution_duration_ms.
	MaxLatencyP95Ms *float64 `yaml:"max_latency_p95_ms"`
	// MaxLatencyP95IncreaseMs caps how much slower the challenger's p95
	// may be than the champion's.
	MaxLatencyP95IncreaseMs *float64 `yaml:"max_latency_p95_increase_ms"`
	// MaxPredictionDrift caps the drift statistic (DriftStatistic) of the
	// challenger's predictions in the monitor's drift metrics table.
	MaxPredictionDrift *float64 `yaml:"max_prediction_drift"`
	// DriftStatistic is the drift metrics column read for prediction drift
	// (default js_distance).
	DriftStatistic string `yaml:"drift_statistic"`
	// QualityMetric is the profile metrics column that measures model
	// quality where labels exist (default accuracy_score).
	QualityMetric string `yaml:"quality_metric"`
	// MinQuality is the least QualityMetric the challenger may show.
	MinQuality *float64 `yaml:"min_quality"`
	// MaxQualityDrop is how much worse than the champion's the
	// challenger's QualityMetric may be.
	MaxQualityDrop *float64 `yaml:"max_quality_drop"`
	// OnMissingData is refuse (default) or proceed: what --complete does
	// when there is too little data to judge.
	OnMissingData string `yaml:"on_missing_data"`

	// Line is where rollout.analysis starts; lines maps each key to its line.
	Line  int            `yaml:"-"`
	lines map[string]int `yaml:"-"`
}

// DefaultAnalysisWindow and DefaultMinRequests apply when brickops.yaml
// does not set them.
const (
	DefaultAnalysisWindow = 24 * time.Hour
	DefaultMinRequests    = 100
	DefaultMonitorWindow  = 7 * 24 * time.Hour
)

// DriftStatistics are the drift metrics a threshold may name, where higher
// means more drift. Production computes the first three for categorical
// columns (a classifier's predictions), the others for numeric ones;
// ks_statistic is the statistic of the ks_test column.
var DriftStatistics = []string{"js_distance", "tv_distance", "l_infinity_distance", "population_stability_index", "wasserstein_distance", "ks_statistic"}

// QualityMetrics are the model quality columns of an inference-log
// monitor's profile metrics (precision, recall and f1_score read their
// weighted average); the *_error ones are lower-is-better.
var QualityMetrics = []string{"accuracy_score", "f1_score", "precision", "recall", "r2_score", "mean_squared_error", "root_mean_squared_error", "mean_average_error", "mean_absolute_percentage_error"}

// LowerIsBetter reports whether a quality metric is an error measure.
func LowerIsBetter(metric string) bool { return strings.HasSuffix(metric, "_error") }

// UnmarshalYAML decodes strictly and keeps each key's line for messages.
func (a *Analysis) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: rollout.analysis must be a mapping of thresholds", n.Line)
	}
	type plain Analysis
	var p plain
	lines := keyLines(n)
	if err := decodeStrict(n, &p); err != nil {
		return fmt.Errorf("line %d: rollout.analysis: %w", errorLine(err, lines, n.Line), err)
	}
	*a = Analysis(p)
	a.Line, a.lines = n.Line, lines
	return nil
}

// errorLine finds the key a decoding error names ("field x not found",
// a value of key x) so the message points at its line, not the section's.
func errorLine(err error, lines map[string]int, def int) int {
	msg := err.Error()
	for k, line := range lines {
		if strings.Contains(msg, "field "+k+" ") || strings.Contains(msg, "into "+k) {
			return line
		}
	}
	return def
}

func keyLines(n *yaml.Node) map[string]int {
	out := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i].Line
	}
	return out
}

// WindowOrDefault is the analysis window.
func (a Analysis) WindowOrDefault() time.Duration {
	if a.Window.Duration == 0 {
		return DefaultAnalysisWindow
	}
	return a.Window.Duration
}

// MinRequestsOrDefault is the request floor.
func (a Analysis) MinRequestsOrDefault() int {
	if a.MinRequests == nil {
		return DefaultMinRequests
	}
	return *a.MinRequests
}

// DriftStatisticOrDefault is the statistic read for prediction drift.
func (a Analysis) DriftStatisticOrDefault() string { return orDefault(a.DriftStatistic, "js_distance") }

// QualityMetricOrDefault is the quality metric compared.
func (a Analysis) QualityMetricOrDefault() string {
	return orDefault(a.QualityMetric, "accuracy_score")
}

// ComparesWithChampion reports whether any threshold is relative to the
// champion, which then needs enough requests of its own.
func (a Analysis) ComparesWithChampion() bool {
	return a.MaxErrorRateIncrease != nil || a.MaxLatencyP95IncreaseMs != nil || a.MaxQualityDrop != nil
}

// ProceedOnMissingData reports whether missing data lets --complete go on.
func (a Analysis) ProceedOnMissingData() bool { return a.OnMissingData == MissingProceed }

func (a Analysis) validate() error {
	at := func(key string) string {
		line := a.lines[key]
		if line == 0 {
			line = a.Line
		}
		return fmt.Sprintf("line %d: rollout.analysis.%s", line, key)
	}
	nonNeg := map[string]*float64{
		"max_error_rate_increase": a.MaxErrorRateIncrease, "max_latency_p95_ms": a.MaxLatencyP95Ms,
		"max_latency_p95_increase_ms": a.MaxLatencyP95IncreaseMs, "max_prediction_drift": a.MaxPredictionDrift,
		"max_quality_drop": a.MaxQualityDrop,
	}
	for _, k := range sortedKeys(nonNeg) {
		if v := nonNeg[k]; v != nil && *v < 0 {
			return fmt.Errorf("%s must be 0 or more, got %s", at(k), strconv.FormatFloat(*v, 'f', -1, 64))
		}
	}
	if v := a.MaxErrorRate; v != nil && (*v < 0 || *v > 1) {
		return fmt.Errorf("%s is a share of requests, between 0 and 1 (0.01 = 1 %%), got %s", at("max_error_rate"), strconv.FormatFloat(*v, 'f', -1, 64))
	}
	if a.MinRequests != nil && *a.MinRequests < 1 {
		return fmt.Errorf("%s must be at least 1, got %d", at("min_requests"), *a.MinRequests)
	}
	if a.Window.Duration < 0 {
		return fmt.Errorf("%s must be positive", at("window"))
	}
	if err := oneOf(at("drift_statistic"), a.DriftStatistic, DriftStatistics); err != nil {
		return err
	}
	if err := oneOf(at("quality_metric"), a.QualityMetric, QualityMetrics); err != nil {
		return err
	}
	return oneOf(at("on_missing_data"), a.OnMissingData, []string{MissingRefuse, MissingProceed})
}

// MonitorGate is gates.monitor: promotion into the environment is refused
// while the monitor of the model's serving endpoint shows drift above
// MaxDrift, unless the candidate was trained on data from after the drift
// started.
type MonitorGate struct {
	// MaxDrift is the highest drift statistic tolerated on any monitored
	// column (required).
	MaxDrift *float64 `yaml:"max_drift"`
	// Statistic is the drift metrics column compared (default js_distance).
	Statistic string `yaml:"statistic"`
	// Columns limits the check to these columns (default: every column
	// the monitor reports).
	Columns []string `yaml:"columns"`
	// Window is how far back from the newest drift metrics the gate looks
	// (default 7d).
	Window Duration `yaml:"window"`
	// OnMissingData is proceed (default: an environment that serves or
	// monitors nothing yet has no drift to hold a promotion back) or refuse.
	OnMissingData string `yaml:"on_missing_data"`
}

// StatisticOrDefault is the drift statistic the gate reads.
func (m MonitorGate) StatisticOrDefault() string { return orDefault(m.Statistic, "js_distance") }

// WindowOrDefault is how far back the gate looks.
func (m MonitorGate) WindowOrDefault() time.Duration {
	if m.Window.Duration == 0 {
		return DefaultMonitorWindow
	}
	return m.Window.Duration
}

// RefuseOnMissingData reports whether missing monitor data fails the gate.
func (m MonitorGate) RefuseOnMissingData() bool { return m.OnMissingData == MissingRefuse }

func (m MonitorGate) validate(where string) error {
	switch {
	case m.MaxDrift == nil:
		return fmt.Errorf("%s: gates.monitor.max_drift is required (e.g. 0.2 for js_distance)", where)
	case *m.MaxDrift < 0:
		return fmt.Errorf("%s: gates.monitor.max_drift must be 0 or more", where)
	case m.Window.Duration < 0:
		return fmt.Errorf("%s: gates.monitor.window must be positive", where)
	}
	if err := oneOf(where+": gates.monitor.statistic", m.Statistic, DriftStatistics); err != nil {
		return err
	}
	return oneOf(where+": gates.monitor.on_missing_data", m.OnMissingData, []string{MissingRefuse, MissingProceed})
}

// Duration is a YAML duration: Go's units (30m, 1h30m) plus days (7d).
type Duration struct{ time.Duration }

// UnmarshalYAML reads "24h", "90m" or "7d".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return fmt.Errorf("line %d: %q is not a duration (e.g. 30m, 24h, 7d)", n.Line, n.Value)
	}
	d.Duration = v
	return nil
}

func (d Duration) String() string { return FormatDuration(d.Duration) }

// ParseDuration accepts Go durations and whole days ("7d").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// FormatDuration writes whole days as "7d", anything else as Go does.
func FormatDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}

func oneOf(where, v string, allowed []string) error {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	return fmt.Errorf("%s %q must be one of %s", where, v, strings.Join(allowed, ", "))
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
