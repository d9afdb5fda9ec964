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
// (all when empty), at the finest granularity present, against threshold.
// ok is false when there are no such rows.
func (m *Monitor) FindDrift(statistic string, columns []string, threshold float64) (f DriftFinding, ok bool) {
	rows := m.Drift
	type window struct {
		w      Window
		worst  float64
		column string
	}
	byWindow := map[Window]*window{}
	finest := time.Duration(0)
	for _, r := range rows {
		if d := r.Window.End.Sub(r.Window.Start); finest == 0 || d < finest {
			finest = d
		}
	}
	for _, r := range rows {
		v, has := r.Statistics[statistic]
		if !has || r.Window.End.Sub(r.Window.Start) != finest || (len(columns) > 0 && !slices.Contains(columns, r.Column)) {
			continue
		}
		w := byWindow[r.Window]
		if w == nil {
			w = &window{w: r.Window, worst: v, column: r.Column}
			byWindow[r.Window] = w
		}
		if v > w.worst || v == w.worst && r.Column < w.column {
			w.worst, w.column = v, r.Column
		}
	}
	if len(byWindow) == 0 {
		return f, false
	}
	windows := make([]*window, 0, len(byWindow))
	for _, w := range byWindow {
		windows = append(windows, w)
	}
	slices.SortFunc(windows, func(a, b *window) int { return a.w.Start.Compare(b.w.Start) })
	last := windows[len(windows)-1]
	f = DriftFinding{Latest: last.w, Worst: last.worst, Column: last.column, Drifted: last.worst > threshold}
	if f.Drifted {
		for i := len(windows) - 1; i >= 0 && windows[i].worst > threshold; i-- {
			f.Since = windows[i].w.Start
		}
	}
	return f, true
}
