package monitorrefresh

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/dataprofile"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

var day0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func engine(t *testing.T) *tabledata.Engine {
	t.Helper()
	e, err := tabledata.Open(t.TempDir(), tabledata.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

var inferenceColumns = []tabledata.Column{
	{Name: "ts", TypeText: "timestamp"}, {Name: "model_version", TypeText: "string"},
	{Name: "amount", TypeText: "double"}, {Name: "prediction", TypeText: "string"}, {Name: "label", TypeText: "string"},
}

// fill writes n rows a day; from day `shift` on, amounts grow by 100.
func fill(t *testing.T, e *tabledata.Engine, table string, days, n, shift int) {
	t.Helper()
	ctx := context.Background()
	if err := e.CreateTable(ctx, table, inferenceColumns); err != nil {
		t.Fatal(err)
	}
	var rows []tabledata.Row
	for d := range days {
		for i := range n {
			amount := float64(i)
			if d >= shift {
				amount += 100
			}
			label := "yes"
			if i%4 == 0 {
				label = "no"
			}
			rows = append(rows, tabledata.Row{
				"ts": day0.AddDate(0, 0, d).Add(time.Duration(i) * time.Minute), "model_version": fmt.Sprint(1 + d/2),
				"amount": amount, "prediction": "yes", "label": label,
			})
		}
	}
	if err := e.Insert(ctx, table, rows); err != nil {
		t.Fatal(err)
	}
}

func analysedColumns() []dataprofile.Column {
	out := make([]dataprofile.Column, len(inferenceColumns))
	for i, c := range inferenceColumns {
		out[i] = dataprofile.Column{Name: c.Name, Type: c.TypeText}
	}
	return out
}

func spec(table string) Spec {
	return Spec{
		Table: table,
		Analysis: dataprofile.Analysis{
			Columns:      analysedColumns(),
			TimestampCol: "ts", Granularities: []string{"1 day"},
			ModelIDCol: "model_version", PredictionCol: "prediction", LabelCol: "label", ProblemType: dataprofile.ProblemClassification,
			SliceKeys: []string{"amount > 10"}, MonitorVersion: 1, At: day0.AddDate(0, 0, 7),
		},
		ProfileTable: "dev.ml.payload_profile_metrics", DriftTable: "dev.ml.payload_drift_metrics",
	}
}

func query(t *testing.T, e *tabledata.Engine, sql string) [][]string {
	t.Helper()
	res, err := e.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	out := make([][]string, len(res.Rows))
	for i, r := range res.Rows {
		for _, v := range r {
			if v == nil {
				out[i] = append(out[i], "NULL")
			} else {
				out[i] = append(out[i], *v)
			}
		}
	}
	return out
}

func TestRunWritesQueryableMetricTables(t *testing.T) {
	t.Parallel()
	e := engine(t)
	fill(t, e, "dev.ml.payload", 3, 20, 2)
	out, err := Run(context.Background(), e, spec("dev.ml.payload"))
	if err != nil {
		t.Fatal(err)
	}
	if out.InputRows != 60 || out.ProfileRows == 0 || out.DriftRows == 0 {
		t.Fatalf("outcome %+v", out)
	}
	got := query(t, e, `SELECT get_json_object(window, '$.start'), count, accuracy_score FROM dev.ml.payload_profile_metrics
		WHERE column_name = ':table' AND model_id IS NULL AND slice_key IS NULL AND log_type = 'INPUT' ORDER BY 1`)
	if len(got) != 3 || got[0][0] != "2026-11-02T00:00:00.000Z" || got[0][1] != "20" || got[0][2] != "0.75" {
		t.Fatalf("table-level profile rows: %v", got)
	}
	drift := query(t, e, `SELECT get_json_object(window, '$.start'), drift_type, get_json_object(ks_test, '$.statistic'), wasserstein_distance
		FROM dev.ml.payload_drift_metrics WHERE column_name = 'amount' AND model_id IS NULL AND slice_key IS NULL ORDER BY 1`)
	if len(drift) != 2 || drift[0][1] != "CONSECUTIVE" || drift[0][2] != "0" || drift[1][2] != "1" || drift[1][3] != "100.0" {
		t.Fatalf("amount drift rows: %v", drift)
	}
	models := query(t, e, `SELECT DISTINCT model_id FROM dev.ml.payload_profile_metrics WHERE model_id IS NOT NULL ORDER BY 1`)
	if len(models) != 2 || models[0][0] != "1" || models[1][0] != "2" {
		t.Errorf("model ids: %v", models)
	}
	slices := query(t, e, `SELECT DISTINCT slice_key, slice_value FROM dev.ml.payload_profile_metrics WHERE slice_key IS NOT NULL ORDER BY 2`)
	if len(slices) != 2 || slices[0][1] != "false" || slices[1][1] != "true" {
		t.Errorf("slices: %v", slices)
	}

	// A second refresh replaces the rows rather than adding to them.
	if _, err := Run(context.Background(), e, spec("dev.ml.payload")); err != nil {
		t.Fatal(err)
	}
	if again := query(t, e, `SELECT count(*) FROM dev.ml.payload_profile_metrics`); again[0][0] != fmt.Sprint(out.ProfileRows) {
		t.Errorf("after a second refresh: %s profile rows, want %d", again[0][0], out.ProfileRows)
	}
}

func TestRunAgainstBaseline(t *testing.T) {
	t.Parallel()
	e := engine(t)
	fill(t, e, "dev.ml.payload", 2, 20, 1)
	fill(t, e, "dev.ml.training", 1, 20, 99)
	s := spec("dev.ml.payload")
	s.Baseline = "dev.ml.training"
	out, err := Run(context.Background(), e, s)
	if err != nil {
		t.Fatal(err)
	}
	if out.BaselineRows != 20 {
		t.Fatalf("baseline rows read: %d", out.BaselineRows)
	}
	got := query(t, e, `SELECT get_json_object(window, '$.start'), get_json_object(ks_test, '$.statistic') FROM dev.ml.payload_drift_metrics
		WHERE drift_type = 'BASELINE' AND column_name = 'amount' AND model_id IS NULL AND slice_key IS NULL ORDER BY 1`)
	if len(got) != 2 || got[0][1] != "0" || got[1][1] != "1" {
		t.Fatalf("baseline drift of amount: %v", got)
	}
	if n := query(t, e, `SELECT count(*) FROM dev.ml.payload_profile_metrics WHERE log_type = 'BASELINE'`); n[0][0] == "0" {
		t.Error("no baseline profile rows")
	}
}

func TestRunFailures(t *testing.T) {
	t.Parallel()
	e := engine(t)
	fill(t, e, "dev.ml.payload", 1, 5, 9)
	s := spec("dev.ml.payload")
	s.Analysis.SliceKeys = []string{"no_such_column > 1"}
	if _, err := Run(context.Background(), e, s); err == nil || !strings.Contains(err.Error(), "slicing_exprs") {
		t.Errorf("a slicing expression over a missing column: %v", err)
	}
	// A table without data profiles as empty.
	out, err := Run(context.Background(), e, spec("dev.ml.empty"))
	if err != nil || out.InputRows != 0 {
		t.Errorf("empty table: %+v, %v", out, err)
	}
}
