package dataprofile

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

var day0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// inferences builds an inference log: n rows a day for each day offset,
// alternating models v1/v2, "region" eu/us, an amount that shifts by
// shift[day], and a label that the prediction gets right unless wrong(i).
func inferences(days []int, n int, shift map[int]float64) []Row {
	var rows []Row
	for _, d := range days {
		for i := range n {
			region := "eu"
			if i%4 == 3 {
				region = "us"
			}
			if shift[d] > 0 && i%2 == 0 {
				region = "apac"
			}
			amount := float64(i) + shift[d]
			pred, label := "yes", "yes"
			if i%3 == 0 {
				pred, label = "no", "no"
			}
			if i%5 == 0 {
				label = "other"
			}
			var labelValue any = label
			if i == 1 {
				labelValue = nil // not yet labelled
			}
			rows = append(rows, Row{
				Values: map[string]any{
					"ts":     day0.AddDate(0, 0, d).Add(time.Duration(i) * time.Minute).Format("2006-01-02 15:04:05"),
					"model":  fmt.Sprintf("v%d", i%2+1),
					"amount": amount, "region": region, "pred": pred, "label": labelValue,
				},
				Slices: []any{region, amount > 5},
			})
		}
	}
	return rows
}

func analysis() Analysis {
	return Analysis{
		Columns:      []Column{{"ts", "TIMESTAMP"}, {"model", "STRING"}, {"amount", "DOUBLE"}, {"region", "STRING"}, {"pred", "STRING"}, {"label", "STRING"}},
		TimestampCol: "ts", Granularities: []string{"1 day"},
		ModelIDCol: "model", PredictionCol: "pred", LabelCol: "label", ProblemType: ProblemClassification,
		SliceKeys: []string{"region", "amount > 5"}, MonitorVersion: 3, At: day0.AddDate(0, 0, 10),
	}
}

func find[R any](rows []R, match func(R) bool) []R {
	var out []R
	for _, r := range rows {
		if match(r) {
			out = append(out, r)
		}
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

func TestComputeProfiles(t *testing.T) {
	t.Parallel()
	res, err := analysis().Compute(inferences([]int{0, 1, 3}, 12, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	whole := func(r ProfileRow) bool { return r.ModelID == nil && r.SliceKey == nil }
	tables := find(res.Profile, func(r ProfileRow) bool { return whole(r) && r.ColumnName == TableColumn })
	if len(tables) != 3 {
		t.Fatalf("table rows for the whole table: got %d, want one per day with data (3)", len(tables))
	}
	first := tables[0]
	if !first.Window.Start.Equal(day0) || !first.Window.End.Equal(day0.AddDate(0, 0, 1)) || str(first.Granularity) != "1 day" || first.LogType != LogInput || first.MonitorVersion != 3 {
		t.Fatalf("first table row: %+v", first)
	}
	if first.Count != 12 {
		t.Errorf(":table count = %d, want 12", first.Count)
	}
	// 11 labelled rows; right unless i%5 == 0 (i = 0, 5, 10): 8 of 11.
	near(t, "accuracy", *first.AccuracyScore, 8.0/11, 1e-12)
	if first.F1Score == nil || first.F1Score.OneVsAll["other"] != 0 {
		t.Errorf("f1_score = %+v, want a zero one-vs-all score for the never-predicted class", first.F1Score)
	}
	amount := find(res.Profile, func(r ProfileRow) bool { return whole(r) && r.ColumnName == "amount" && r.Window.Start.Equal(day0) })[0]
	if amount.Count != 12 || amount.NumNulls != 0 || *amount.Min != 0 || *amount.Max != 11 || *amount.Median != 5 || len(amount.Quantiles) != len(QuantileProbs) {
		t.Errorf("amount profile: count %d nulls %d min %v max %v median %v quantiles %v", amount.Count, amount.NumNulls, *amount.Min, *amount.Max, *amount.Median, amount.Quantiles)
	}
	near(t, "amount avg", *amount.Avg, 5.5, 1e-12)
	near(t, "amount stddev", *amount.Stddev, 3.605551275463989, 1e-12) // sample stddev of 0..11
	if *amount.NumZeros != 1 || *amount.DistinctCount != 12 || amount.FrequentItems != nil {
		t.Errorf("amount zeros %d distinct %d frequent %v", *amount.NumZeros, *amount.DistinctCount, amount.FrequentItems)
	}
	label := find(res.Profile, func(r ProfileRow) bool { return whole(r) && r.ColumnName == "label" && r.Window.Start.Equal(day0) })[0]
	if label.NumNulls != 1 || *label.DistinctCount != 3 || label.FrequentItems[0] != (FrequentItem{Item: "yes", Count: 5}) || label.Avg != nil {
		t.Errorf("label profile: nulls %d distinct %d frequent %v avg %v", label.NumNulls, *label.DistinctCount, label.FrequentItems, label.Avg)
	}
	near(t, "label percent_null", *label.PercentNull, 100.0/12, 1e-12)
	if *label.MinLength != 2 || *label.MaxLength != 5 {
		t.Errorf("label lengths %d..%d, want 2..5", *label.MinLength, *label.MaxLength)
	}
	if n := len(find(res.Profile, func(r ProfileRow) bool { return r.ColumnName == "ts" })); n != 0 {
		t.Errorf("the timestamp column was profiled (%d rows)", n)
	}
	// Per model: v1 has the even rows.
	v1 := find(res.Profile, func(r ProfileRow) bool {
		return str(r.ModelID) == "v1" && r.SliceKey == nil && r.ColumnName == TableColumn && r.Window.Start.Equal(day0)
	})
	if len(v1) != 1 || v1[0].Count != 6 {
		t.Errorf("model v1 table rows: %+v", v1)
	}
	// Slices: a boolean expression has true and false values.
	slices := find(res.Profile, func(r ProfileRow) bool {
		return r.ModelID == nil && str(r.SliceKey) == "amount > 5" && r.ColumnName == TableColumn && r.Window.Start.Equal(day0)
	})
	if len(slices) != 2 || str(slices[0].SliceValue) != "false" || slices[0].Count != 6 || str(slices[1].SliceValue) != "true" || slices[1].Count != 6 {
		t.Errorf("slice rows: %d rows %+v", len(slices), slices)
	}
}

func TestComputeDrift(t *testing.T) {
	t.Parallel()
	// Days 0, 1, 2 and 4; day 2 shifts amount and region.
	res, err := analysis().Compute(inferences([]int{0, 1, 2, 4}, 20, map[int]float64{2: 50}), nil)
	if err != nil {
		t.Fatal(err)
	}
	drift := func(column string, day int) []DriftRow {
		return find(res.Drift, func(r DriftRow) bool {
			return r.ModelID == nil && r.SliceKey == nil && r.ColumnName == column && r.Window.Start.Equal(day0.AddDate(0, 0, day))
		})
	}
	if n := len(drift("amount", 0)); n != 0 {
		t.Errorf("the first window has %d consecutive drift rows, want none", n)
	}
	if n := len(drift("amount", 4)); n != 0 {
		t.Errorf("day 4 follows a gap, yet has %d consecutive drift rows", n)
	}
	stable, shifted := drift("amount", 1), drift("amount", 2)
	if len(stable) != 1 || len(shifted) != 1 {
		t.Fatalf("amount drift rows: day 1 %d, day 2 %d, want 1 each", len(stable), len(shifted))
	}
	s, d := stable[0], shifted[0]
	if s.DriftType != DriftConsecutive || !s.WindowCmp.Start.Equal(day0) {
		t.Errorf("day 1 drift: type %s compared with %v", s.DriftType, s.WindowCmp)
	}
	if s.KSTest.Statistic != 0 || s.KSTest.PValue != 1 || *s.WassersteinDistance != 0 || *s.PopulationStabilityIndex != 0 {
		t.Errorf("identical days drift: ks %+v wasserstein %v psi %v", *s.KSTest, *s.WassersteinDistance, *s.PopulationStabilityIndex)
	}
	if d.KSTest.Statistic != 1 || d.KSTest.PValue > 0.001 || *d.WassersteinDistance != 50 || *d.AvgDelta != 50 || *d.PopulationStabilityIndex < 1 {
		t.Errorf("shifted day drift: ks %+v wasserstein %v avg delta %v psi %v", *d.KSTest, *d.WassersteinDistance, *d.AvgDelta, *d.PopulationStabilityIndex)
	}
	if d.JSDistance != nil || d.ChiSquaredTest != nil {
		t.Errorf("a numeric column got categorical statistics: js %v chi %v", d.JSDistance, d.ChiSquaredTest)
	}
	region := drift("region", 2)[0]
	if region.JSDistance == nil || *region.JSDistance < 0.5 || region.ChiSquaredTest.PValue > 0.001 || region.KSTest != nil {
		t.Errorf("region drift on day 2: js %v chi %+v ks %v", region.JSDistance, region.ChiSquaredTest, region.KSTest)
	}
	if got := drift(TableColumn, 1); len(got) != 1 || got[0].CountDelta != 0 {
		t.Errorf(":table drift on day 1: %+v", got)
	}
}

func TestComputeBaseline(t *testing.T) {
	t.Parallel()
	baseline := inferences([]int{-30}, 20, nil)
	res, err := analysis().Compute(inferences([]int{0, 1}, 20, map[int]float64{1: 50}), baseline)
	if err != nil {
		t.Fatal(err)
	}
	base := find(res.Profile, func(r ProfileRow) bool {
		return r.LogType == LogBaseline && r.SliceKey == nil && r.ColumnName == TableColumn
	})
	if len(base) != 1 || base[0].Count != 20 || base[0].ModelID != nil {
		t.Fatalf("baseline table rows: %+v", base)
	}
	bd := find(res.Drift, func(r DriftRow) bool {
		return r.DriftType == DriftBaseline && r.ModelID == nil && r.SliceKey == nil && r.ColumnName == "amount"
	})
	if len(bd) != 2 {
		t.Fatalf("baseline drift rows for amount: %d, want one per window (2)", len(bd))
	}
	if bd[0].KSTest.Statistic != 0 || bd[1].KSTest.Statistic != 1 || !bd[1].WindowCmp.Start.Equal(base[0].Window.Start) {
		t.Errorf("baseline drift: day 0 ks %+v, day 1 ks %+v compared with %v", *bd[0].KSTest, *bd[1].KSTest, bd[1].WindowCmp)
	}
	// A slice the baseline has is compared with the baseline's slice.
	eu := find(res.Drift, func(r DriftRow) bool {
		return r.DriftType == DriftBaseline && r.ModelID == nil && str(r.SliceValue) == "eu" && r.ColumnName == TableColumn && r.Window.Start.Equal(day0)
	})
	if len(eu) != 1 || eu[0].CountDelta != 0 {
		t.Errorf("eu slice baseline drift: %+v", eu)
	}
}

func TestComputeSnapshotAndRegression(t *testing.T) {
	t.Parallel()
	a := Analysis{
		Columns:  []Column{{"x", "BIGINT"}, {"y", "DOUBLE"}},
		LabelCol: "y", PredictionCol: "x", ProblemType: ProblemRegression,
		At: day0,
	}
	rows := []Row{{Values: map[string]any{"x": int64(1), "y": 1.0}}, {Values: map[string]any{"x": int64(2), "y": 2.0}}, {Values: map[string]any{"x": int64(5), "y": 4.0}}}
	res, err := a.Compute(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Profile) != 3 || res.Drift != nil {
		t.Fatalf("snapshot: %d profile rows, %d drift rows; want 3 and none", len(res.Profile), len(res.Drift))
	}
	table := res.Profile[0]
	if table.Granularity != nil || !table.Window.Start.Equal(day0) || !table.Window.End.Equal(day0) {
		t.Errorf("snapshot window %v granularity %v", table.Window, table.Granularity)
	}
	near(t, "mse", *table.MeanSquaredError, 1.0/3, 1e-12)
	near(t, "mae", *table.MeanAverageError, 1.0/3, 1e-12)
}

func TestComputeErrors(t *testing.T) {
	t.Parallel()
	a := analysis()
	a.Granularities = []string{"1 fortnight"}
	if _, err := a.Compute(nil, nil); err == nil {
		t.Error("an unknown granularity was accepted")
	}
	rows := []Row{{Values: map[string]any{"ts": "yesterday"}}}
	if _, err := analysis().Compute(rows, nil); err == nil || err.Error() != `column ts, row 1: "yesterday" is not a timestamp` {
		t.Errorf("unreadable timestamp: %v", err)
	}
}

func TestWindowOf(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 13, 47, 12, 0, time.UTC) // a Monday
	for g, want := range map[string]string{
		"5 minutes": "2026-11-30T13:45:00Z/2026-11-30T13:50:00Z",
		"1 hour":    "2026-11-30T13:00:00Z/2026-11-30T14:00:00Z",
		"1 day":     "2026-11-30T00:00:00Z/2026-12-01T00:00:00Z",
		"1 week":    "2026-11-26T00:00:00Z/2026-12-03T00:00:00Z", // epoch-aligned: Thursdays
		"1 month":   "2026-11-01T00:00:00Z/2026-12-01T00:00:00Z",
		"1 year":    "2026-01-01T00:00:00Z/2027-01-01T00:00:00Z",
	} {
		w, err := windowOf(g, at)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Start.Format(time.RFC3339) + "/" + w.End.Format(time.RFC3339); got != want {
			t.Errorf("%s window of %s = %s, want %s", g, at, got, want)
		}
	}
}

func TestSchemaMatchesValues(t *testing.T) {
	t.Parallel()
	ps, ds := ProfileSchema(), DriftSchema()
	if len(ps) != len(ProfileRow{}.Values()) || len(ds) != len(DriftRow{}.Values()) {
		t.Fatal("schema and values differ in length")
	}
	for _, c := range append(ps, ds...) {
		if c.Name == "" || c.Type == "" {
			t.Errorf("column %+v lacks a name or a type", c)
		}
	}
	if ps[0].Name != "window" || ps[0].TypeName() != "STRUCT" || ds[1].Name != "window_cmp" {
		t.Errorf("leading columns: %+v %+v", ps[0], ds[1])
	}
}

func TestWindowJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Window{Start: day0, End: day0.Add(90 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"start":"2026-11-02T00:00:00.000Z","end":"2026-11-02T01:30:00.000Z"}`; string(b) != want {
		t.Fatalf("window JSON %s, want %s", b, want)
	}
}
