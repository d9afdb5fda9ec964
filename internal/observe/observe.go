// Package observe reads what a model's serving endpoint and its monitor
// have recorded: per served entity, the requests, errors and latency logged
// in the endpoint's inference table, and the rows of the monitor's profile
// and drift metric tables. The rollout analysis, the monitor gate and the
// model drift report decide from these values; Source is the seam that
// lets them be tested with fixture rows while the CLI reads the real tables
// through the SQL Statement Execution API (Warehouse).
package observe

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Source reads an endpoint's inference table and its monitor's metrics.
type Source interface {
	// Traffic reads the requests the endpoint's inference table logged in
	// the window of length lookback that ends at the newest one. A missing
	// table or an empty one is a *MissingError.
	Traffic(ctx context.Context, endpoint string, lookback time.Duration) (*Traffic, error)
	// Monitor reads the metric rows of the monitor on the endpoint's
	// inference table whose window ends within lookback of the newest row.
	// No endpoint, no inference table or no monitor is a *MissingError;
	// a monitor that has not refreshed yet has no rows.
	Monitor(ctx context.Context, endpoint string, lookback time.Duration) (*Monitor, error)
}

// Window is a span of time, start inclusive, end exclusive.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

func (w Window) String() string {
	return fmt.Sprintf("%s – %s", w.Start.UTC().Format(time.DateTime), w.End.UTC().Format(time.DateTime))
}

// Traffic is what the inference table logged for one endpoint.
type Traffic struct {
	Endpoint string `json:"endpoint"`
	Table    string `json:"table"`
	Window   Window `json:"window"`
	// Requests are the window's requests, in no particular order.
	Requests []Request `json:"-"`
}

// Request is one logged request (a shadow's copy included).
type Request struct {
	// Entity is the served entity's name ("v7").
	Entity     string
	Status     int
	DurationMs float64
	At         time.Time
}

// Entities summarises the requests logged at or after since, per served
// entity: requests, errors (status >= 400), the nearest-rank 95th
// percentile of the duration, first and last.
func (t *Traffic) Entities(since time.Time) map[string]EntityTraffic {
	durations := map[string][]float64{}
	out := map[string]EntityTraffic{}
	for _, r := range t.Requests {
		if r.At.Before(since) {
			continue
		}
		et := out[r.Entity]
		et.Requests++
		if r.Status >= 400 {
			et.Errors++
		}
		if et.First.IsZero() || r.At.Before(et.First) {
			et.First = r.At
		}
		if r.At.After(et.Last) {
			et.Last = r.At
		}
		out[r.Entity] = et
		durations[r.Entity] = append(durations[r.Entity], r.DurationMs)
	}
	for name, d := range durations {
		slices.Sort(d)
		et := out[name]
		et.LatencyP95Ms = d[int(math.Ceil(0.95*float64(len(d))))-1]
		out[name] = et
	}
	return out
}

// EntityTraffic is one served entity's share of the logged requests.
type EntityTraffic struct {
	Requests int `json:"requests"`
	// Errors are requests answered with status 400 or above.
	Errors       int       `json:"errors"`
	LatencyP95Ms float64   `json:"latency_p95_ms"`
	First        time.Time `json:"first"`
	Last         time.Time `json:"last"`
}

// ErrorRate is Errors/Requests (0 without requests).
func (e EntityTraffic) ErrorRate() float64 {
	if e.Requests == 0 {
		return 0
	}
	return float64(e.Errors) / float64(e.Requests)
}

// Monitor is a Lakehouse monitor on an inference table, with its rows.
type Monitor struct {
	// Table is the monitored (inference) table; the others are its
	// output tables.
	Table        string `json:"table"`
	ProfileTable string `json:"profile_metrics_table"`
	DriftTable   string `json:"drift_metrics_table"`
	// PredictionCol, LabelCol and ModelIDCol come from its inference_log
	// settings; LabelCol is empty when the monitor has no labels.
	PredictionCol string `json:"prediction_col,omitempty"`
	LabelCol      string `json:"label_col,omitempty"`
	ModelIDCol    string `json:"model_id_col,omitempty"`
	// ModelIDs maps a value of the model id column to the served entity
	// name it stands for, where the endpoint's configuration tells.
	ModelIDs map[string]string `json:"-"`
	Profile  []ProfileRow      `json:"-"`
	Drift    []DriftRow        `json:"-"`
}

// Entity is the served entity a monitor's model id stands for ("" when
// unknown); a row without a model id covers every model.
func (m *Monitor) Entity(modelID string) string {
	if e, ok := m.ModelIDs[modelID]; ok {
		return e
	}
	return modelID
}

// ProfileRow is a row of the profile metrics table: one window, one
// column (":table" for table-level rows, which carry model quality).
type ProfileRow struct {
	Window      Window `json:"window"`
	Granularity string `json:"granularity,omitempty"`
	ModelID     string `json:"model_id,omitempty"`
	Column      string `json:"column_name"`
	Count       int64  `json:"count"`
	// Metrics hold the non-null metric columns (accuracy_score, f1_score,
	// mean_squared_error, ...).
	Metrics map[string]float64 `json:"metrics"`
}

// DriftRow is a row of the drift metrics table: one window, one column.
type DriftRow struct {
	Window      Window `json:"window"`
	Granularity string `json:"granularity,omitempty"`
	ModelID     string `json:"model_id,omitempty"`
	Column      string `json:"column_name"`
	// DriftType is CONSECUTIVE (against the previous window) or BASELINE.
	DriftType string `json:"drift_type"`
	// Statistics hold the non-null statistics (js_distance,
	// population_stability_index, wasserstein_distance, ks_pvalue, ...).
	Statistics map[string]float64 `json:"statistics"`
}

// TableLevel is the column name of the profile rows that describe the
// whole table (and carry model quality) rather than one column.
const TableLevel = ":table"

// MissingError says the data to decide on is not there, and why; it is a
// distinct outcome from a verdict and from a failure to read.
type MissingError struct{ Reason string }

func (e *MissingError) Error() string { return e.Reason }

// Missingf builds a *MissingError.
func Missingf(format string, args ...any) error {
	return &MissingError{Reason: fmt.Sprintf(format, args...)}
}

// IsMissing reports whether err is (or wraps) a *MissingError.
func IsMissing(err error) bool {
	var m *MissingError
	return errors.As(err, &m)
}
