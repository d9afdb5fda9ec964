package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/sql"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// startTables starts an emulator serving table data, with a SQL warehouse.
func startTables(t *testing.T, opts ...emulatortest.Option) (*emulatortest.Emulator, *databricks.WorkspaceClient, string) {
	t.Helper()
	emu := emulatortest.Start(t, opts...)
	w := emu.WorkspaceClient(t)
	wh, err := w.Warehouses.Create(context.Background(), sql.CreateWarehouseRequest{Name: "analysis", ClusterSize: "2X-Small", AutoStopMins: 0, ForceSendFields: []string{"AutoStopMins"}})
	if err != nil {
		t.Fatalf("creating a warehouse: %v", err)
	}
	return emu, w, wh.Id
}

// seedRows puts n rows into dev.ml.events: id, score, payload (~pad bytes).
func seedRows(t *testing.T, emu *emulatortest.Emulator, n, pad int) {
	t.Helper()
	engine, err := emu.Server.TableData()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := engine.CreateTable(ctx, "dev.ml.events", []tabledata.Column{
		{Name: "id", TypeText: "bigint"}, {Name: "score", TypeText: "double"}, {Name: "payload", TypeText: "string"}, {Name: "note", TypeText: "string"},
	}); err != nil {
		t.Fatal(err)
	}
	rows := make([]tabledata.Row, n)
	for i := range rows {
		rows[i] = tabledata.Row{"id": i, "score": float64(i) / 4, "payload": strings.Repeat("x", pad)}
	}
	if err := engine.Insert(ctx, "dev.ml.events", rows); err != nil {
		t.Fatal(err)
	}
}

func TestSQLStatements_executeAndWaitReturnsProductionShape(t *testing.T) {
	t.Parallel()
	emu, w, wh := startTables(t)
	seedRows(t, emu, 5, 1)
	ctx := context.Background()
	res, err := w.StatementExecution.ExecuteAndWait(ctx, sql.ExecuteStatementRequest{
		WarehouseId: wh, Catalog: "dev", Schema: "ml",
		Statement:  "SELECT id, score, note, count(*) OVER () AS n FROM events WHERE id >= :from ORDER BY id",
		Parameters: []sql.StatementParameterListItem{{Name: "from", Value: "3", Type: "INT"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status.State != sql.StatementStateSucceeded || res.StatementId == "" {
		t.Fatalf("status = %+v", res.Status)
	}
	m := res.Manifest
	if m.Format != sql.FormatJsonArray || m.TotalRowCount != 2 || m.TotalChunkCount != 1 || m.Truncated || m.Schema.ColumnCount != 4 {
		t.Fatalf("manifest = %+v", m)
	}
	var cols []string
	for _, c := range m.Schema.Columns {
		cols = append(cols, fmt.Sprintf("%s:%s:%s:%d", c.Name, c.TypeName, c.TypeText, c.Position))
	}
	if got := strings.Join(cols, " "); got != "id:LONG:BIGINT:0 score:DOUBLE:DOUBLE:1 note:STRING:STRING:2 n:LONG:BIGINT:3" {
		t.Fatalf("columns = %s", got)
	}
	if got := fmt.Sprint(res.Result.DataArray); got != "[[3 0.75  2] [4 1.0  2]]" {
		t.Fatalf("data_array = %s", got)
	}
	if res.Result.RowCount != 2 || res.Result.NextChunkIndex != 0 || res.Result.NextChunkInternalLink != "" {
		t.Fatalf("result = %+v", res.Result)
	}
	// NULL is JSON null on the wire, not "".
	var raw map[string]any
	emu.Do(t, http.MethodGet, "/api/2.0/sql/statements/"+res.StatementId, nil, &raw)
	row := raw["result"].(map[string]any)["data_array"].([]any)[0].([]any)
	if row[2] != nil || row[0] != "3" {
		t.Fatalf("raw row = %#v", row)
	}
}

func TestSQLStatements_chunksAndLimits(t *testing.T) {
	t.Parallel()
	emu, w, wh := startTables(t)
	seedRows(t, emu, 3000, 500) // ~1.5 MiB: two chunks of at most 1 MiB
	ctx := context.Background()
	res, err := w.StatementExecution.ExecuteAndWait(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT id, payload FROM dev.ml.events ORDER BY id"})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Manifest
	if m.TotalChunkCount != 2 || len(m.Chunks) != 2 || m.TotalRowCount != 3000 || m.Chunks[1].RowOffset != m.Chunks[0].RowCount || m.Chunks[0].RowCount+m.Chunks[1].RowCount != 3000 {
		t.Fatalf("manifest chunks = %+v total %d", m.Chunks, m.TotalRowCount)
	}
	if res.Result.NextChunkIndex != 1 || res.Result.NextChunkInternalLink != "/api/2.0/sql/statements/"+res.StatementId+"/result/chunks/1" {
		t.Fatalf("first chunk links = %d %q", res.Result.NextChunkIndex, res.Result.NextChunkInternalLink)
	}
	next, err := w.StatementExecution.GetStatementResultChunkNByStatementIdAndChunkIndex(ctx, res.StatementId, 1)
	if err != nil {
		t.Fatal(err)
	}
	if next.ChunkIndex != 1 || next.RowOffset != m.Chunks[0].RowCount || int64(len(next.DataArray)) != next.RowCount || next.DataArray[len(next.DataArray)-1][0] != "2999" || next.NextChunkIndex != 0 {
		t.Fatalf("chunk 1 = index %d offset %d rows %d", next.ChunkIndex, next.RowOffset, len(next.DataArray))
	}
	_, err = w.StatementExecution.GetStatementResultChunkNByStatementIdAndChunkIndex(ctx, res.StatementId, 2)
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "the result has 2 chunk(s)")

	limited, err := w.StatementExecution.ExecuteAndWait(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT id FROM dev.ml.events ORDER BY id", RowLimit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !limited.Manifest.Truncated || limited.Manifest.TotalRowCount != 10 || len(limited.Result.DataArray) != 10 {
		t.Fatalf("row_limit: truncated %v rows %d", limited.Manifest.Truncated, limited.Manifest.TotalRowCount)
	}
	bytes, err := w.StatementExecution.ExecuteAndWait(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT id, payload FROM dev.ml.events ORDER BY id", ByteLimit: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Manifest.Truncated || bytes.Manifest.TotalRowCount < 1 || bytes.Manifest.TotalRowCount > 10 {
		t.Fatalf("byte_limit: truncated %v rows %d", bytes.Manifest.Truncated, bytes.Manifest.TotalRowCount)
	}
}

func TestSQLStatements_failuresAsProductionReportsThem(t *testing.T) {
	t.Parallel()
	emu, w, wh := startTables(t)
	seedRows(t, emu, 1, 1)
	ctx := context.Background()
	for _, tc := range []struct{ statement, message string }{
		{"SELECT * FROM dev.ml.missing", "[TABLE_OR_VIEW_NOT_FOUND] The table or view `dev`.`ml`.`missing` cannot be found."},
		{"SELECT * FROM events", "`hive_metastore`.`default`.`events`"},
		{"SELEC 1", "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601"},
		{"DROP TABLE dev.ml.events", "[UNSUPPORTED_FEATURE]"},
		{"SELECT nope FROM dev.ml.events", "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION]"},
	} {
		res, err := w.StatementExecution.ExecuteStatement(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: tc.statement})
		if err != nil {
			t.Fatalf("%s: %v", tc.statement, err)
		}
		if res.Status.State != sql.StatementStateFailed || res.Status.Error == nil || res.Status.Error.ErrorCode != sql.ServiceErrorCodeBadRequest ||
			!strings.Contains(res.Status.Error.Message, tc.message) || res.Manifest != nil || res.Result != nil {
			t.Errorf("%s: status %+v error %+v, want FAILED BAD_REQUEST %q", tc.statement, res.Status, res.Status.Error, tc.message)
		}
	}
	_, err := w.StatementExecution.ExecuteAndWait(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT * FROM dev.ml.missing"})
	if err == nil || !strings.Contains(err.Error(), "FAILED: BAD_REQUEST [TABLE_OR_VIEW_NOT_FOUND]") {
		t.Fatalf("ExecuteAndWait error = %v", err)
	}
	_, err = w.StatementExecution.ExecuteStatement(ctx, sql.ExecuteStatementRequest{WarehouseId: "nope", Statement: "SELECT 1"})
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Fatalf("unknown warehouse: %v", err)
	}
	_, err = w.StatementExecution.ExecuteStatement(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT 1", WaitTimeout: "3s"})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "between 5 seconds and 50 seconds")
	_, err = w.StatementExecution.ExecuteStatement(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT 1", Disposition: sql.DispositionExternalLinks})
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "INLINE only")
	_, err = w.StatementExecution.GetStatementByStatementId(ctx, "01ef0000-0000-0000-0000-000000000000")
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Fatalf("unknown statement: %v", err)
	}
}

func TestSQLStatements_asyncCancelAndStoppedWarehouse(t *testing.T) {
	t.Parallel()
	emu, w, wh := startTables(t)
	seedRows(t, emu, 2, 1)
	ctx := context.Background()
	if _, err := w.Warehouses.Stop(ctx, sql.StopRequest{Id: wh}); err != nil {
		t.Fatal(err)
	}
	// wait_timeout 0s: PENDING at once; the stopped warehouse is started
	// and the statement runs on a later read.
	res, err := w.StatementExecution.ExecuteStatement(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT count(*) FROM dev.ml.events", WaitTimeout: "0s"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status.State != sql.StatementStatePending || res.Result != nil {
		t.Fatalf("async execute = %+v", res.Status)
	}
	got, err := w.Warehouses.GetById(ctx, wh)
	if err != nil || (got.State != sql.StateStarting && got.State != sql.StateRunning) {
		t.Fatalf("warehouse after a statement: %v %v", got.State, err)
	}
	done, err := w.StatementExecution.GetStatementByStatementId(ctx, res.StatementId)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status.State != sql.StatementStateSucceeded || done.Result.DataArray[0][0] != "2" {
		t.Fatalf("after the warehouse runs: %+v", done.Status)
	}

	pending, err := w.StatementExecution.ExecuteStatement(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT 1", WaitTimeout: "0s"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.StatementExecution.CancelExecution(ctx, sql.CancelExecutionRequest{StatementId: pending.StatementId}); err != nil {
		t.Fatal(err)
	}
	canceled, err := w.StatementExecution.GetStatementByStatementId(ctx, pending.StatementId)
	if err != nil || canceled.Status.State != sql.StatementStateCanceled {
		t.Fatalf("after cancel: %+v %v", canceled.Status, err)
	}
	_, err = w.StatementExecution.GetStatementResultChunkNByStatementIdAndChunkIndex(ctx, pending.StatementId, 0)
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_STATE", "is CANCELED")
	// Cancelling a finished statement changes nothing.
	if err := w.StatementExecution.CancelExecution(ctx, sql.CancelExecutionRequest{StatementId: done.StatementId}); err != nil {
		t.Fatal(err)
	}
	if again, _ := w.StatementExecution.GetStatementByStatementId(ctx, done.StatementId); again.Status.State != sql.StatementStateSucceeded {
		t.Fatalf("a finished statement after cancel: %v", again.Status.State)
	}
}

func TestSQLStatements_tablesSurviveARestartAndCatalogTablesReadEmpty(t *testing.T) {
	dir := t.TempDir()
	emu, w, wh := startTables(t, emulatortest.WithDataDir(dir))
	seedRows(t, emu, 3, 1)
	ctx := context.Background()
	// A table created through the tables API has no rows yet: it reads empty.
	mustCreateModel(t, w, "dev", "ml", "unused")
	emu.Do(t, http.MethodPost, "/api/2.1/unity-catalog/tables", map[string]any{
		"catalog_name": "dev", "schema_name": "ml", "name": "features", "table_type": "MANAGED", "data_source_format": "DELTA",
		"storage_location": "abfss://x@y.dfs.core.windows.net/features",
		"columns":          []map[string]any{{"name": "id", "type_name": "STRING", "type_text": "string", "position": 0}},
	}, nil)
	res, err := w.StatementExecution.ExecuteAndWait(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT count(*) FROM dev.ml.features"})
	if err != nil || res.Result.DataArray[0][0] != "0" {
		t.Fatalf("catalog table: %v %v", res, err)
	}
	emu.Close()

	emu2 := emulatortest.Start(t, emulatortest.WithDataDir(dir))
	res, err = emu2.WorkspaceClient(t).StatementExecution.ExecuteAndWait(ctx, sql.ExecuteStatementRequest{WarehouseId: wh, Statement: "SELECT sum(id) FROM dev.ml.events"})
	if err != nil || res.Result.DataArray[0][0] != "3" {
		t.Fatalf("after restart: %v %v", res, err)
	}
}
