package tabledata_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

var payloadColumns = []tabledata.Column{
	{Name: "databricks_request_id", TypeText: "string"},
	{Name: "timestamp_ms", TypeText: "bigint"},
	{Name: "status_code", TypeName: "INT"},
	{Name: "execution_time_ms", TypeText: "long"},
	{Name: "score", TypeText: "double"},
	{Name: "ok", TypeText: "boolean"},
	{Name: "timestamp", TypeText: "timestamp"},
	{Name: "date", TypeText: "date"},
	{Name: "request_metadata", TypeText: "map<string,string>"},
}

func open(t *testing.T, dir string, now time.Time) *tabledata.Engine {
	t.Helper()
	e, err := tabledata.Open(dir, tabledata.Options{NoSync: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// seeded returns an engine holding main.ml.churn_payload with four rows.
func seeded(t *testing.T) *tabledata.Engine {
	t.Helper()
	e := open(t, t.TempDir(), t0)
	ctx := context.Background()
	if err := e.CreateTable(ctx, "Main.ML.Churn_Payload", payloadColumns); err != nil {
		t.Fatal(err)
	}
	var rows []tabledata.Row
	for i := 0; i < 4; i++ {
		rows = append(rows, tabledata.Row{
			"databricks_request_id": fmt.Sprintf("req-%d", i),
			"timestamp_ms":          t0.Add(time.Duration(i) * time.Minute).UnixMilli(),
			"status_code":           []int{200, 200, 500, 200}[i],
			"execution_time_ms":     int64(10 * (i + 1)),
			"score":                 0.25 * float64(i),
			"ok":                    i != 2,
			"timestamp":             t0.Add(time.Duration(i) * time.Minute),
			"date":                  t0,
			"request_metadata":      map[string]string{"model_version": fmt.Sprint(i%2 + 1)},
		})
	}
	if err := e.Insert(ctx, "main.ml.churn_payload", rows); err != nil {
		t.Fatal(err)
	}
	return e
}

func strs(r *tabledata.Result) [][]string {
	out := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		for _, v := range row {
			if v == nil {
				out[i] = append(out[i], "NULL")
			} else {
				out[i] = append(out[i], *v)
			}
		}
	}
	return out
}

func TestQueryRendersValuesAsJSONArrayStrings(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	res, err := e.Query(context.Background(), "SELECT * FROM main.ml.churn_payload WHERE databricks_request_id = 'req-1'")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"req-1", fmt.Sprint(t0.Add(time.Minute).UnixMilli()), "200", "20", "0.25", "true", "2026-11-30T12:01:00.000Z", "2026-11-30", `{"model_version":"2"}`}
	if got := strs(res); len(got) != 1 || strings.Join(got[0], "|") != strings.Join(want, "|") {
		t.Fatalf("rows = %v, want [%v]", got, want)
	}
	var types []string
	for _, c := range res.Columns {
		types = append(types, c.Name+":"+c.TypeName+":"+c.TypeText)
	}
	wantTypes := "databricks_request_id:STRING:STRING timestamp_ms:LONG:BIGINT status_code:INT:INT execution_time_ms:LONG:BIGINT score:DOUBLE:DOUBLE ok:BOOLEAN:BOOLEAN timestamp:TIMESTAMP:TIMESTAMP date:DATE:DATE request_metadata:MAP:MAP<STRING, STRING>"
	if strings.Join(types, " ") != wantTypes {
		t.Fatalf("columns = %v\nwant %v", types, wantTypes)
	}
	if res.Columns[8].Position != 8 {
		t.Fatalf("position = %d", res.Columns[8].Position)
	}
}

func TestQueryAggregatesAndSparkFunctions(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	res, err := e.Run(context.Background(), tabledata.Statement{
		Catalog: "main", Schema: "ml",
		SQL: `SELECT count(*) AS n, count_if(status_code >= 500) AS errors, avg(execution_time_ms) AS mean,
		        percentile_approx(execution_time_ms, 0.95) AS p95, median(execution_time_ms) AS p50,
		        stddev(score) AS sd, if(count(*) > 3, "many", 'few') AS size, nvl(NULL, 'x') AS dflt,
		        get_json_object(max(request_metadata), '$.model_version') AS v,
		        current_timestamp() AS now, current_date AS today
		      FROM churn_payload`,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strs(res)[0], "|")
	want := "4|1|25.0|38.5|25.0|0.3227486121839514|many|x|2|2026-11-30T12:00:00.000Z|2026-11-30"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if c := res.Columns[0]; c.TypeName != "LONG" || c.TypeText != "BIGINT" {
		t.Fatalf("count(*) column = %+v", c)
	}
	if c := res.Columns[2]; c.TypeName != "DOUBLE" {
		t.Fatalf("avg column = %+v", c)
	}
}

func TestQueryResolvesNamesAgainstCatalogAndSchema(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	ctx := context.Background()
	for _, st := range []tabledata.Statement{
		{SQL: "SELECT count(*) FROM main.ml.churn_payload"},
		{SQL: "SELECT count(*) FROM `main`.`ml`.`churn_payload` AS p"},
		{SQL: "SELECT count(*) FROM ml.churn_payload", Catalog: "main"},
		{SQL: "SELECT count(*) FROM churn_payload p", Catalog: "MAIN", Schema: "ml"},
		{SQL: "WITH recent AS (SELECT * FROM churn_payload WHERE timestamp >= '2026-11-30T12:02:00Z') SELECT count(*) FROM recent", Catalog: "main", Schema: "ml"},
		{SQL: "SELECT count(*) FROM main.ml.churn_payload a JOIN (SELECT databricks_request_id FROM main.ml.churn_payload) b USING (databricks_request_id)"},
		{SQL: "SELECT count(*) FROM main.ml.churn_payload a, main.ml.churn_payload b WHERE a.databricks_request_id = b.databricks_request_id;"},
	} {
		res, err := e.Run(ctx, st)
		if err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
		want := "4"
		if strings.HasPrefix(st.SQL, "WITH") {
			want = "2"
		}
		if v := *res.Rows[0][0]; v != want {
			t.Fatalf("%s: count = %s, want %s", st.SQL, v, want)
		}
	}
}

func TestQueryErrorsCarryDatabricksErrorClasses(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	for _, tc := range []struct {
		sql, class, message string
	}{
		{"SELECT * FROM main.ml.nope", "TABLE_OR_VIEW_NOT_FOUND", "[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`ml`.`nope` cannot be found."},
		{"SELECT * FROM nope", "TABLE_OR_VIEW_NOT_FOUND", "`main`.`default`.`nope` cannot be found"},
		{"SELECT * FROM sqlite_master", "TABLE_OR_VIEW_NOT_FOUND", "SQLSTATE: 42P01; line 1 pos 14"},
		{"SELECT * FROM _uc_tables", "TABLE_OR_VIEW_NOT_FOUND", ""},
		{"SELECT * FROM json_each('[1]')", "UNRESOLVED_ROUTINE", "`json_each`"},
		{"SELECT sqlite_version()", "UNRESOLVED_ROUTINE", ""},
		{"SELEC 1", "PARSE_SYNTAX_ERROR", "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)"},
		{"SELECT * FORM main.ml.churn_payload", "PARSE_SYNTAX_ERROR", "Syntax error at or near"},
		{"SELECT 'open", "UNCLOSED_STRING_LITERAL", ""},
		{"  ;", "PARSE_EMPTY_STATEMENT", ""},
		{"SELECT 1; SELECT 2", "PARSE_SYNTAX_ERROR", "'SELECT'"},
		{"DROP TABLE main.ml.churn_payload", "UNSUPPORTED_FEATURE", "read-only"},
		{"INSERT INTO main.ml.churn_payload VALUES (1)", "UNSUPPORTED_FEATURE", "not INSERT"},
		{"SELECT nope FROM main.ml.churn_payload", "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", "`nope`"},
		{"SELECT no_such_fn(1)", "UNRESOLVED_ROUTINE", "`no_such_fn`"},
		{"SELECT * FROM main.ml.churn_payload WHERE status_code = :code", "UNBOUND_SQL_PARAMETER", "unbound parameter: code"},
		{"SELECT * FROM main.ml.churn_payload WHERE status_code = ?", "UNBOUND_SQL_PARAMETER", ""},
		{"SHOW CATALOGS", "UNSUPPORTED_FEATURE", "SHOW CATALOGS"},
		{"DESCRIBE TABLE main.ml.gone", "TABLE_OR_VIEW_NOT_FOUND", ""},
	} {
		_, err := e.Query(context.Background(), tc.sql)
		if err == nil {
			t.Fatalf("%q: no error", tc.sql)
		}
		if got := tabledata.ErrorClass(err); got != tc.class || !strings.Contains(err.Error(), tc.message) {
			t.Errorf("%q: error %v (class %s), want class %s containing %q", tc.sql, err, got, tc.class, tc.message)
		}
	}
}

func TestQueryParametersAreCastToTheirTypes(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	ctx := context.Background()
	res, err := e.Query(ctx, "SELECT databricks_request_id FROM main.ml.churn_payload WHERE status_code = :code AND timestamp >= :since AND ok = :ok ORDER BY 1",
		tabledata.Param{Name: "code", Value: "200", Type: "INT"},
		tabledata.Param{Name: "since", Value: "2026-11-30 12:01:00", Type: "TIMESTAMP"},
		tabledata.Param{Name: "ok", Value: "true", Type: "BOOLEAN"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(strs(res)); got != "[[req-1] [req-3]]" {
		t.Fatalf("rows = %s", got)
	}
	_, err = e.Query(ctx, "SELECT :x", tabledata.Param{Name: "x", Value: "abc", Type: "INT"})
	if tabledata.ErrorClass(err) != "CAST_INVALID_INPUT" || !strings.Contains(err.Error(), `'abc' of the type "STRING" cannot be cast to "INT"`) {
		t.Fatalf("bad cast error = %v", err)
	}
	res, err = e.Query(ctx, "SELECT :x IS NULL", tabledata.Param{Name: "x"})
	if err != nil || *res.Rows[0][0] != "1" {
		t.Fatalf("null param: %v %v", err, res)
	}
}

func TestRowLimitTruncates(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	res, err := e.Run(context.Background(), tabledata.Statement{SQL: "SELECT databricks_request_id FROM main.ml.churn_payload ORDER BY 1", RowLimit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 3 || !res.Truncated {
		t.Fatalf("rows %d truncated %v", len(res.Rows), res.Truncated)
	}
	res, err = e.Run(context.Background(), tabledata.Statement{SQL: "SELECT 1 FROM main.ml.churn_payload", RowLimit: 4})
	if err != nil || len(res.Rows) != 4 || res.Truncated {
		t.Fatalf("exact limit: %v rows %d truncated %v", err, len(res.Rows), res.Truncated)
	}
}

func TestShowTablesAndDescribe(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	ctx := context.Background()
	if err := e.CreateTable(ctx, "main.ml.churn_profile_metrics", []tabledata.Column{{Name: "window", TypeText: "struct<start:timestamp,end:timestamp>"}}); err != nil {
		t.Fatal(err)
	}
	res, err := e.Query(ctx, "SHOW TABLES IN main.ml LIKE 'churn_p*|other'")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(strs(res)); got != "[[ml churn_payload false] [ml churn_profile_metrics false]]" {
		t.Fatalf("show tables = %s", got)
	}
	res, err = e.Run(ctx, tabledata.Statement{SQL: "DESCRIBE TABLE churn_profile_metrics", Catalog: "main", Schema: "ml"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(strs(res)); got != "[[window struct<start:timestamp,end:timestamp> NULL]]" {
		t.Fatalf("describe = %s", got)
	}
	res, err = e.Query(ctx, "SELECT window FROM main.ml.churn_profile_metrics")
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Columns[0]; c.TypeName != "STRUCT" || c.TypeText != "STRUCT<start: TIMESTAMP, end: TIMESTAMP>" {
		t.Fatalf("struct column = %+v", c)
	}
}

func TestCreateTableEvolvesAndPersists(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	e, err := tabledata.Open(dir, tabledata.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cols := []tabledata.Column{{Name: "id", TypeText: "string"}}
	if err := e.CreateTable(ctx, "dev.ml.labels", cols); err != nil {
		t.Fatal(err)
	}
	if err := e.CreateTable(ctx, "dev.ml.labels", cols); err != nil {
		t.Fatalf("same columns again: %v", err)
	}
	if err := e.CreateTable(ctx, "dev.ml.labels", append(cols, tabledata.Column{Name: "label", TypeText: "double"})); err != nil {
		t.Fatalf("adding a column: %v", err)
	}
	if err := e.CreateTable(ctx, "dev.ml.labels", []tabledata.Column{{Name: "id", TypeText: "bigint"}}); err == nil || !strings.Contains(err.Error(), `column "id" is string, not bigint`) {
		t.Fatalf("type change error = %v", err)
	}
	if err := e.Insert(ctx, "dev.ml.labels", []tabledata.Row{{"id": "a", "label": 1}, {"ID": "b"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.Insert(ctx, "dev.ml.labels", []tabledata.Row{{"id": "c", "typo": 1}}); err == nil || !strings.Contains(err.Error(), `no column "typo"`) {
		t.Fatalf("unknown column error = %v", err)
	}
	if err := e.Insert(ctx, "dev.ml.nope", []tabledata.Row{{"id": "c"}}); !errors.Is(err, tabledata.ErrNotFound) {
		t.Fatalf("missing table error = %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e = open(t, dir, t0)
	tbl, ok := e.Table("DEV.ml.labels")
	if !ok || len(tbl.Columns) != 2 || tbl.Columns[1].TypeName != "DOUBLE" || tbl.Columns[1].Position != 1 {
		t.Fatalf("after reopen: %+v %v", tbl, ok)
	}
	res, err := e.Query(ctx, "SELECT id, label FROM dev.ml.labels ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(strs(res)); got != "[[a 1.0] [b NULL]]" {
		t.Fatalf("rows after reopen = %s", got)
	}
	if err := e.DropTable(ctx, "dev.ml.labels"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Query(ctx, "SELECT * FROM dev.ml.labels"); tabledata.ErrorClass(err) != "TABLE_OR_VIEW_NOT_FOUND" {
		t.Fatalf("after drop: %v", err)
	}
	if err := e.DropTable(ctx, "dev.ml.labels"); !errors.Is(err, tabledata.ErrNotFound) {
		t.Fatalf("second drop: %v", err)
	}
}

func TestUpdateSetsColumnsOfMatchingRows(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	ctx := context.Background()
	if err := e.CreateTable(ctx, "main.ml.churn_payload", append(payloadColumns, tabledata.Column{Name: "label", TypeText: "bigint"})); err != nil {
		t.Fatal(err)
	}
	n, err := e.Update(ctx, "main.ml.churn_payload", tabledata.Row{"databricks_request_id": "req-2"}, tabledata.Row{"label": 1})
	if err != nil || n != 1 {
		t.Fatalf("update: %d rows, %v", n, err)
	}
	res, err := e.Query(ctx, "SELECT databricks_request_id FROM main.ml.churn_payload WHERE label = 1")
	if err != nil || fmt.Sprint(strs(res)) != "[[req-2]]" {
		t.Fatalf("after update: %v %v", res, err)
	}
	if _, err := e.Update(ctx, "main.ml.churn_payload", tabledata.Row{"nope": 1}, tabledata.Row{"label": 1}); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Fatalf("unknown column: %v", err)
	}
}

func TestCreateTableRejectsBadDefinitions(t *testing.T) {
	t.Parallel()
	e := open(t, t.TempDir(), t0)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cols []tabledata.Column
		want string
	}{
		{"ml.labels", []tabledata.Column{{Name: "a", TypeText: "string"}}, "not a three-part name"},
		{"a.b.c", nil, "no columns"},
		{"a.b.c", []tabledata.Column{{Name: "a", TypeText: "interval"}}, `type "interval" is not supported`},
		{"a.b.c", []tabledata.Column{{Name: "a", TypeText: "string"}, {Name: "A", TypeText: "int"}}, "declared twice"},
		{"a.b.c", []tabledata.Column{{TypeText: "string"}}, "has no name"},
	} {
		if err := e.CreateTable(ctx, tc.name, tc.cols); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want %q", tc.name, tc.cols, err, tc.want)
		}
	}
}

func TestLookupCreatesTablesTheCatalogKnows(t *testing.T) {
	t.Parallel()
	asked := map[string]int{}
	e, err := tabledata.Open(t.TempDir(), tabledata.Options{NoSync: true, Lookup: func(name string) ([]tabledata.Column, bool) {
		asked[name]++
		if name != "main.ml.features" {
			return nil, false
		}
		return []tabledata.Column{{Name: "id", TypeText: "string"}, {Name: "x", TypeText: "double"}}, true
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	res, err := e.Query(ctx, "SELECT count(*) AS n, avg(x) FROM main.ml.features")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(strs(res)); got != "[[0 NULL]]" {
		t.Fatalf("empty table from the catalog = %s", got)
	}
	if _, err := e.Query(ctx, "SELECT * FROM main.ml.features"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Query(ctx, "SELECT * FROM main.ml.other"); tabledata.ErrorClass(err) != "TABLE_OR_VIEW_NOT_FOUND" {
		t.Fatalf("unknown table: %v", err)
	}
	if asked["main.ml.features"] != 1 {
		t.Fatalf("lookups = %v, want one for main.ml.features (then the engine holds it)", asked)
	}
}

func TestConcurrentWritesAndReads(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := 0; w < 4; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if err := e.Insert(ctx, "main.ml.churn_payload", []tabledata.Row{{"databricks_request_id": fmt.Sprintf("w%d-%d", w, i), "status_code": 200}}); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := e.Query(ctx, "SELECT count(*) FROM main.ml.churn_payload"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	res, err := e.Query(ctx, "SELECT count(*) FROM main.ml.churn_payload")
	if err != nil || *res.Rows[0][0] != "44" {
		t.Fatalf("count = %v %v", res, err)
	}
}

func TestCancelledContextStopsAQuery(t *testing.T) {
	t.Parallel()
	e := seeded(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Query(ctx, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}
