package observe

import (
	"slices"
	"time"
)

// DriftFinding is what a monitor's drift metrics say against a threshold.
type DriftFinding struct {
	// Latest is the newest window the monitor computed.
	Latest Window `json:"latest_window"`
	// Worst is the highest statistic in Latest, on Column.
	Worst  float64 `json:"worst"`
	Column string  `json:"column"`
	// Drifted reports Worst above the threshold; Since is then when the
	// unbroken run of drifted windows ending at Latest began.
	Drifted bool      `json:"drifted"`
	Since   time.Time `json:"since,omitzero"`
}

// FindDrift reads the monitor's drift rows for statistic over columns
// (all when empty), against threshold. Each granularity is a timeline of
// its own — a calm day does not end an hour's drift, nor a calm hour a
// day's — and the finding is the worst one's: a drifted granularity's if
// any. ok is false when there are no such rows.
func (m *Monitor) FindDrift(statistic string, columns []string, threshold float64) (f DriftFinding, ok bool) {
	type window struct {
		w      Window
		worst  float64
		column string
	}
	byLength := map[time.Duration]map[Window]*window{}
	for _, r := range m.Drift {
		v, has := r.Statistics[statistic]
		if !has || (len(columns) > 0 && !slices.Contains(columns, r.Column)) {
			continue
		}
		length := r.Window.End.Sub(r.Window.Start)
		if byLength[length] == nil {
			byLength[length] = map[Window]*window{}
		}
		w := byLength[length][r.Window]
		if w == nil {
			w = &window{w: r.Window, worst: v, column: r.Column}
			byLength[length][r.Window] = w
		}
		if v > w.worst || v == w.worst && r.Column < w.column {
			w.worst, w.column = v, r.Column
		}
	}
	for _, length := range sortedDurations(byLength) {
		windows := make([]*window, 0, len(byLength[length]))
		for _, w := range byLength[length] {
			windows = append(windows, w)
		}
		slices.SortFunc(windows, func(a, b *window) int { return a.w.Start.Compare(b.w.Start) })
		last := windows[len(windows)-1]
		g := DriftFinding{Latest: last.w, Worst: last.worst, Column: last.column, Drifted: last.worst > threshold}
		if g.Drifted {
			for i := len(windows) - 1; i >= 0 && windows[i].worst > threshold; i-- {
				g.Since = windows[i].w.Start
			}
		}
		if !ok || g.Drifted && !f.Drifted || g.Drifted == f.Drifted && g.Worst > f.Worst {
			f, ok = g, true
		}
	}
	return f, ok
}

// sortedDurations orders granularities finest first, so ties go to the
// finest.
func sortedDurations[V any](m map[time.Duration]V) []time.Duration {
	out := make([]time.Duration, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}
