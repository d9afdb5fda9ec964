// Package dataprofile computes what a Databricks quality monitor (Lakehouse
// Monitoring, now "data profiling") writes when it refreshes: per time
// window, granularity, model id and slice, a profile of every column
// (counts, nulls, moments, quantiles, distinct and frequent values, model
// quality from labels) and the drift of each column against the previous
// window and against a baseline table, with production's statistics. It is
// pure: rows in, metric rows out; reading and writing tables is the
// emulator's.
package dataprofile

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Column is a column of the monitored table with its Spark or Unity
// Catalog type name ("DOUBLE", "bigint", "STRING", "decimal(10,2)", …).
type Column struct {
	Name string
	Type string
}

// Kind is how a column is profiled.
type Kind int

const (
	// Other columns (timestamps, structs, arrays, binary) get counts only.
	Other Kind = iota
	// Numeric columns get moments, quantiles and numeric drift.
	Numeric
	// Categorical columns (strings, booleans) get distinct and frequent
	// values and categorical drift.
	Categorical
)

// KindOf maps a column type name to its kind.
func KindOf(typeName string) Kind {
	t, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(typeName)), "(")
	switch t {
	case "BYTE", "TINYINT", "SHORT", "SMALLINT", "INT", "INTEGER", "LONG", "BIGINT", "FLOAT", "REAL", "DOUBLE", "DECIMAL", "NUMERIC":
		return Numeric
	case "STRING", "VARCHAR", "CHAR", "BOOLEAN", "TEXT":
		return Categorical
	}
	return Other
}

// Problem types of an InferenceLog monitor (catalog.MonitorInferenceLogProblemType).
const (
	ProblemClassification = "PROBLEM_TYPE_CLASSIFICATION"
	ProblemRegression     = "PROBLEM_TYPE_REGRESSION"
)

// Analysis is what a refresh computes, from the monitor's settings.
type Analysis struct {
	// Columns are the monitored table's columns.
	Columns []Column
	// TimestampCol windows the rows (TimeSeries and InferenceLog); empty
	// for a Snapshot monitor, whose one window is At.
	TimestampCol  string
	Granularities []string
	// InferenceLog only.
	ModelIDCol, PredictionCol, LabelCol, ProblemType string
	// SliceKeys are the slicing expressions; each row carries their values.
	SliceKeys      []string
	MonitorVersion int64
	// At is the refresh time.
	At time.Time
}

// Row is one row of the monitored (or baseline) table.
type Row struct {
	// Values by column name: nil, bool, int64, float64, string, []byte or
	// time.Time, as database/sql scans them.
	Values map[string]any
	// Slices holds the value of each of Analysis.SliceKeys for this row
	// (nil when the expression is null).
	Slices []any
}

// Result is the metric rows of one refresh.
type Result struct {
	Profile []ProfileRow
	Drift   []DriftRow
}

// groupKey identifies the rows one set of profile rows summarises.
type groupKey struct {
	granularity string
	start       int64 // window start, Unix ms
	model       string
	hasModel    bool
	slice       int // index into SliceKeys; -1 for the whole table
	sliceValue  string
}

// seriesKey is a group without its window: consecutive drift compares the
// windows of one series.
type seriesKey struct {
	granularity string
	model       string
	hasModel    bool
	slice       int
	sliceValue  string
}

func (k groupKey) series() seriesKey {
	return seriesKey{k.granularity, k.model, k.hasModel, k.slice, k.sliceValue}
}

type group struct {
	key    groupKey
	window Window
	rows   []int
	sums   map[string]*summary // by column; nil until summarised
	total  int64
}

// Compute profiles input (and baseline, when the monitor has a baseline
// table) and measures drift.
func (a Analysis) Compute(input, baseline []Row) (Result, error) {
	granularities := a.Granularities
	if a.TimestampCol == "" {
		granularities = []string{""}
	}
	for _, g := range granularities {
		if g != "" {
			if _, err := parseGranularity(g); err != nil {
				return Result{}, err
			}
		}
	}
	groups, err := a.group(input, granularities, true)
	if err != nil {
		return Result{}, err
	}
	var res Result
	for _, g := range groups {
		g.sums = a.summarise(input, g.rows)
		g.total = int64(len(g.rows))
		res.Profile = append(res.Profile, a.profileRows(g, LogInput, input)...)
	}
	// Consecutive drift: each window against the adjacent earlier one of
	// its series.
	bySeries := map[seriesKey][]*group{}
	for _, g := range groups {
		bySeries[g.key.series()] = append(bySeries[g.key.series()], g)
	}
	for _, g := range groups {
		series := bySeries[g.key.series()]
		i := slices.Index(series, g)
		if i > 0 && series[i-1].window.End.Equal(g.window.Start) {
			res.Drift = append(res.Drift, a.driftRows(g, series[i-1], DriftConsecutive)...)
		}
	}
	if baseline != nil {
		base, err := a.baselineGroups(baseline, granularities)
		if err != nil {
			return Result{}, err
		}
		for _, b := range base {
			res.Profile = append(res.Profile, a.profileRows(b, LogBaseline, baseline)...)
		}
		for _, g := range groups {
			if len(base) == 0 {
				break
			}
			b := matchBaseline(base, g.key)
			res.Drift = append(res.Drift, a.driftRows(g, b, DriftBaseline)...)
		}
	}
	return res, nil
}

// group assigns rows to windows (per granularity), models and slices;
// groups come out ordered by granularity, series and window start.
func (a Analysis) group(rows []Row, granularities []string, byModel bool) ([]*group, error) {
	index := map[groupKey]*group{}
	var out []*group
	add := func(k groupKey, w Window, row int) {
		g, ok := index[k]
		if !ok {
			g = &group{key: k, window: w}
			index[k] = g
			out = append(out, g)
		}
		g.rows = append(g.rows, row)
	}
	for i, r := range rows {
		var ts time.Time
		if a.TimestampCol != "" {
			v := r.Values[a.TimestampCol]
			if v == nil {
				continue // a row without a time belongs to no window
			}
			var err error
			if ts, err = toTime(v); err != nil {
				return nil, fmt.Errorf("column %s, row %d: %w", a.TimestampCol, i+1, err)
			}
		}
		for _, gran := range granularities {
			w := Window{Start: a.At.UTC(), End: a.At.UTC()}
			if gran != "" {
				w, _ = windowOf(gran, ts)
			}
			models := []groupKey{{granularity: gran, start: w.Start.UnixMilli(), slice: -1}}
			if byModel && a.ModelIDCol != "" {
				if m := r.Values[a.ModelIDCol]; m != nil {
					k := models[0]
					k.model, k.hasModel = toString(m), true
					models = append(models, k)
				}
			}
			for _, k := range models {
				add(k, w, i)
				for s := range a.SliceKeys {
					if s < len(r.Slices) && r.Slices[s] != nil {
						sk := k
						sk.slice, sk.sliceValue = s, toString(r.Slices[s])
						add(sk, w, i)
					}
				}
			}
		}
	}
	slices.SortStableFunc(out, func(x, y *group) int {
		return cmp.Or(
			cmp.Compare(slices.Index(granularities, x.key.granularity), slices.Index(granularities, y.key.granularity)),
			cmp.Compare(boolInt(x.key.hasModel), boolInt(y.key.hasModel)), cmp.Compare(x.key.model, y.key.model),
			cmp.Compare(x.key.slice, y.key.slice), cmp.Compare(x.key.sliceValue, y.key.sliceValue),
			cmp.Compare(x.key.start, y.key.start))
	})
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// baselineGroups profiles the baseline per granularity and slice, over one
// window spanning the baseline (or At when it has no timestamps); the
// baseline's model ids are not split out, it describes the data a model
// should see.
func (a Analysis) baselineGroups(rows []Row, granularities []string) ([]*group, error) {
	span := Window{Start: a.At.UTC(), End: a.At.UTC()}
	if a.TimestampCol != "" {
		first := true
		for _, r := range rows {
			v := r.Values[a.TimestampCol]
			if v == nil {
				continue
			}
			ts, err := toTime(v)
			if err != nil {
				return nil, fmt.Errorf("baseline column %s: %w", a.TimestampCol, err)
			}
			if first || ts.Before(span.Start) {
				span.Start = ts.UTC()
			}
			if first || ts.After(span.End) {
				span.End = ts.UTC()
			}
			first = false
		}
	}
	snapshot := a
	snapshot.TimestampCol, snapshot.At = "", span.Start
	groups, err := snapshot.group(rows, granularities, false)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		g.window = span
		g.sums = a.summarise(rows, g.rows)
		g.total = int64(len(g.rows))
	}
	return groups, nil
}

// matchBaseline is the baseline group of g's granularity and slice, or the
// whole baseline when the baseline has no rows in that slice.
func matchBaseline(base []*group, k groupKey) *group {
	var whole *group
	for _, b := range base {
		if b.key.granularity != k.granularity {
			continue
		}
		if b.key.slice == k.slice && b.key.sliceValue == k.sliceValue {
			return b
		}
		if b.key.slice == -1 {
			whole = b
		}
	}
	return whole
}

// --- column summaries ---

type summary struct {
	kind                     Kind
	count, nulls, nans, zero int64
	nums                     []float64 // sorted, without NaN
	cats                     map[string]int64
	minLen, maxLen, sumLen   int64
	strings                  bool
}

func (a Analysis) profiled() []Column {
	return slices.DeleteFunc(slices.Clone(a.Columns), func(c Column) bool { return c.Name == a.TimestampCol })
}

func (a Analysis) summarise(rows []Row, idx []int) map[string]*summary {
	out := map[string]*summary{}
	for _, c := range a.profiled() {
		s := &summary{kind: KindOf(c.Type), cats: map[string]int64{}}
		s.strings = s.kind == Categorical && !strings.EqualFold(c.Type, "boolean")
		for _, i := range idx {
			v := rows[i].Values[c.Name]
			if v == nil {
				s.nulls++
				continue
			}
			s.count++
			switch s.kind {
			case Numeric:
				f, ok := toFloat(v)
				switch {
				case !ok:
					s.nulls++ // not a number: unreadable, counted as null
					s.count--
				case math.IsNaN(f):
					s.nans++
				default:
					if f == 0 {
						s.zero++
					}
					s.nums = append(s.nums, f)
				}
			case Categorical:
				str := toString(v)
				s.cats[str]++
				if s.strings {
					n := int64(len([]rune(str)))
					if s.count == 1 || n < s.minLen {
						s.minLen = n
					}
					s.maxLen = max(s.maxLen, n)
					s.sumLen += n
				}
			}
		}
		slices.Sort(s.nums)
		out[c.Name] = s
	}
	return out
}

func pct(n, of int64) *float64 {
	if of == 0 {
		return nil
	}
	return ptr(100 * float64(n) / float64(of))
}

func ptr[T any](v T) *T { return &v }

func (s *summary) distinct() int64 {
	if s.kind == Numeric {
		return int64(len(slices.Compact(slices.Clone(s.nums))))
	}
	return int64(len(s.cats))
}

// --- profile rows ---

func (a Analysis) profileRows(g *group, logType string, rows []Row) []ProfileRow {
	base := ProfileRow{Window: g.window, LogType: logType, MonitorVersion: a.MonitorVersion}
	base.Granularity, base.ModelID, base.SliceKey, base.SliceValue = a.keyColumns(g.key)
	table := base
	table.ColumnName, table.DataType, table.Count = TableColumn, "table", g.total
	a.modelQuality(&table, rows, g.rows)
	out := []ProfileRow{table}
	for _, c := range a.profiled() {
		s := g.sums[c.Name]
		r := base
		r.ColumnName, r.DataType = c.Name, strings.ToLower(c.Type)
		r.Count, r.NumNulls = s.count, s.nulls
		r.PercentNull = pct(s.nulls, s.count+s.nulls)
		switch s.kind {
		case Numeric:
			r.NumZeros, r.PercentZeros = ptr(s.zero), pct(s.zero, s.count)
			r.NumNaN, r.PercentNaN = ptr(s.nans), pct(s.nans, s.count)
			r.DistinctCount, r.PercentDistinct = ptr(s.distinct()), pct(s.distinct(), s.count)
			if n := len(s.nums); n > 0 {
				var sum float64
				for _, v := range s.nums {
					sum += v
				}
				mean := sum / float64(n)
				r.Avg, r.Min, r.Max = ptr(mean), ptr(s.nums[0]), ptr(s.nums[n-1])
				r.Median = ptr(quantile(0.5, s.nums))
				if n > 1 {
					var ss float64
					for _, v := range s.nums {
						ss += (v - mean) * (v - mean)
					}
					r.Stddev = ptr(math.Sqrt(ss / float64(n-1)))
				}
				for _, p := range QuantileProbs {
					r.Quantiles = append(r.Quantiles, quantile(p, s.nums))
				}
			}
		case Categorical:
			r.DistinctCount, r.PercentDistinct = ptr(s.distinct()), pct(s.distinct(), s.count)
			if s.count > 0 {
				r.FrequentItems = frequentItems(s.cats)
				if s.strings {
					r.MinLength, r.MaxLength = ptr(s.minLen), ptr(s.maxLen)
					r.AvgLength = ptr(float64(s.sumLen) / float64(s.count))
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// keyColumns are granularity, model_id, slice_key and slice_value.
func (a Analysis) keyColumns(k groupKey) (gran, model, sliceKey, sliceValue *string) {
	if k.granularity != "" {
		gran = ptr(k.granularity)
	}
	if k.hasModel {
		model = ptr(k.model)
	}
	if k.slice >= 0 {
		sliceKey, sliceValue = ptr(a.SliceKeys[k.slice]), ptr(k.sliceValue)
	}
	return
}

// modelQuality fills the model quality columns from the group's labelled
// rows (InferenceLog monitors with a label column only).
func (a Analysis) modelQuality(r *ProfileRow, rows []Row, idx []int) {
	if a.LabelCol == "" || a.PredictionCol == "" {
		return
	}
	switch a.ProblemType {
	case ProblemClassification:
		var labels, preds []string
		for _, i := range idx {
			l, p := rows[i].Values[a.LabelCol], rows[i].Values[a.PredictionCol]
			if l != nil && p != nil {
				labels, preds = append(labels, toString(l)), append(preds, toString(p))
			}
		}
		if len(labels) == 0 {
			return
		}
		c := Classify(labels, preds)
		r.AccuracyScore, r.Precision, r.Recall, r.F1Score = ptr(c.Accuracy), &c.Precision, &c.Recall, &c.F1
		r.ConfusionMatrix = &c.ConfusionMatrix
	case ProblemRegression:
		var labels, preds []float64
		for _, i := range idx {
			l, lok := toFloat(rows[i].Values[a.LabelCol])
			p, pok := toFloat(rows[i].Values[a.PredictionCol])
			if lok && pok && !math.IsNaN(l) && !math.IsNaN(p) {
				labels, preds = append(labels, l), append(preds, p)
			}
		}
		if len(labels) == 0 {
			return
		}
		q := Regress(labels, preds)
		r.MeanSquaredError, r.RootMeanSquaredError, r.MeanAverageError = ptr(q.MSE), ptr(q.RMSE), ptr(q.MAE)
		r.MeanAbsolutePercentageError, r.R2Score = q.MAPE, q.R2
	}
}

// --- drift rows ---

func (a Analysis) driftRows(cur, cmpTo *group, driftType string) []DriftRow {
	base := DriftRow{Window: cur.window, WindowCmp: cmpTo.window, DriftType: driftType, MonitorVersion: a.MonitorVersion}
	base.Granularity, base.ModelID, base.SliceKey, base.SliceValue = a.keyColumns(cur.key)
	table := base
	table.ColumnName, table.DataType, table.CountDelta = TableColumn, "table", float64(cur.total-cmpTo.total)
	out := []DriftRow{table}
	for _, c := range a.profiled() {
		x, y := cur.sums[c.Name], cmpTo.sums[c.Name]
		r := base
		r.ColumnName, r.DataType = c.Name, strings.ToLower(c.Type)
		r.CountDelta = float64(x.count - y.count)
		r.PercentNullDelta = delta(pct(x.nulls, x.count+x.nulls), pct(y.nulls, y.count+y.nulls))
		switch x.kind {
		case Numeric:
			r.PercentZerosDelta = delta(pct(x.zero, x.count), pct(y.zero, y.count))
			r.PercentDistinctDelta = delta(pct(x.distinct(), x.count), pct(y.distinct(), y.count))
			if len(x.nums) > 0 && len(y.nums) > 0 {
				r.AvgDelta = ptr(mean(x.nums) - mean(y.nums))
				ks := KSTest(x.nums, y.nums)
				r.KSTest = &ks
				r.WassersteinDistance = ptr(Wasserstein(x.nums, y.nums))
				r.PopulationStabilityIndex = ptr(PSI(x.nums, y.nums))
			}
		case Categorical:
			r.PercentDistinctDelta = delta(pct(x.distinct(), x.count), pct(y.distinct(), y.count))
			if x.count > 0 && y.count > 0 {
				cd := CompareCategorical(x.cats, y.cats)
				r.JSDistance, r.TVDistance, r.LInfinityDistance = ptr(cd.JSDistance), ptr(cd.TVDistance), ptr(cd.LInfinity)
				if cd.HasChiSquare {
					r.ChiSquaredTest = &cd.ChiSquared
				}
			}
		}
		out = append(out, r)
	}
	return out
}

func delta(x, y *float64) *float64 {
	if x == nil || y == nil {
		return nil
	}
	return ptr(*x - *y)
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// --- windows ---

var granularityRE = regexp.MustCompile(`^(\d+) (minute|hour|day|week|month|year)s?$`)

// granularity is a window length: a fixed duration or calendar months.
type granularity struct {
	d      time.Duration
	months int
}

// parseGranularity reads "5 minutes", "1 hour", "1 day", "2 weeks",
// "1 month", "1 year": a fixed duration, or a number of calendar months.
func parseGranularity(g string) (granularity, error) {
	var out granularity
	m := granularityRE.FindStringSubmatch(g)
	if m == nil {
		return out, fmt.Errorf("unsupported granularity %q", g)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return out, fmt.Errorf("unsupported granularity %q", g)
	}
	switch m[2] {
	case "minute":
		out.d = time.Duration(n) * time.Minute
	case "hour":
		out.d = time.Duration(n) * time.Hour
	case "day":
		out.d = time.Duration(n) * 24 * time.Hour
	case "week":
		out.d = time.Duration(n) * 7 * 24 * time.Hour
	case "month":
		out.months = n
	case "year":
		out.months = 12 * n
	}
	return out, nil
}

// windowOf is the window of granularity g holding t. Fixed durations are
// aligned to the Unix epoch, as Spark's window() aligns them (so weekly
// windows start on Thursdays, UTC); months and years start on the first
// of a month, UTC.
func windowOf(g string, t time.Time) (Window, error) {
	p, err := parseGranularity(g)
	if err != nil {
		return Window{}, err
	}
	t = t.UTC()
	if p.months > 0 {
		idx := (t.Year()*12 + int(t.Month()) - 1) / p.months * p.months
		start := time.Date(idx/12, time.Month(idx%12+1), 1, 0, 0, 0, 0, time.UTC)
		return Window{Start: start, End: start.AddDate(0, p.months, 0)}, nil
	}
	start := time.UnixMilli(t.UnixMilli() - mod(t.UnixMilli(), p.d.Milliseconds())).UTC()
	return Window{Start: start, End: start.Add(p.d)}, nil
}

func mod(a, b int64) int64 { return ((a % b) + b) % b }

// --- values ---

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	case []byte:
		f, err := strconv.ParseFloat(strings.TrimSpace(string(x)), 64)
		return f, err == nil
	}
	return 0, false
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"}

// toTime reads a timestamp: a time, a text timestamp, or a number of
// seconds, milliseconds or microseconds since the epoch (told apart by
// magnitude, as no timestamp of this century is ambiguous).
func toTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string, []byte:
		s := strings.TrimSpace(toString(x))
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t, nil
			}
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return epoch(f), nil
		}
		return time.Time{}, fmt.Errorf("%q is not a timestamp", s)
	}
	if f, ok := toFloat(v); ok {
		return epoch(f), nil
	}
	return time.Time{}, fmt.Errorf("%v (%T) is not a timestamp", v, v)
}

func epoch(f float64) time.Time {
	switch a := math.Abs(f); {
	case a >= 1e14:
		return time.UnixMicro(int64(f)).UTC()
	case a >= 1e11:
		return time.UnixMilli(int64(f)).UTC()
	default:
		return time.Unix(0, int64(f*1e9)).UTC()
	}
}
