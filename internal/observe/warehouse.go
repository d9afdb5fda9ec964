package observe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/serving"
	"github.com/databricks/databricks-sdk-go/service/sql"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

// Warehouse is a Source over a workspace: the endpoint and monitor
// settings through their APIs, the tables through the SQL Statement
// Execution API on a SQL warehouse — what a user would query in the
// workspace, with the same SDK.
type Warehouse struct {
	W *databricks.WorkspaceClient
	// Warehouse names the SQL warehouse by id or name; empty picks the one
	// named Default, else the workspace's only warehouse.
	Warehouse string
	// Default is the name tried when Warehouse is empty (brickops init's
	// stack names each environment's warehouse mlops-<env>).
	Default string
	// Poll is how often a statement still running is polled (default 200ms).
	Poll time.Duration

	once sync.Once
	id   string
	err  error
}

// NewWarehouse reads through w on the warehouse named (id or name), or
// else the one named def, or else the only one.
func NewWarehouse(w *databricks.WorkspaceClient, warehouse, def string) *Warehouse {
	return &Warehouse{W: w, Warehouse: warehouse, Default: def}
}

// warehouseID resolves Warehouse once: an id, a name, or the only one.
func (s *Warehouse) warehouseID(ctx context.Context) (string, error) {
	s.once.Do(func() {
		all, err := s.W.Warehouses.ListAll(ctx, sql.ListWarehousesRequest{})
		if err != nil {
			s.err = fmt.Errorf("listing SQL warehouses: %w", err)
			return
		}
		var names []string
		for _, wh := range all {
			if s.Warehouse != "" && (wh.Id == s.Warehouse || wh.Name == s.Warehouse) || s.Warehouse == "" && s.Default != "" && wh.Name == s.Default {
				s.id = wh.Id
				return
			}
			names = append(names, wh.Name)
		}
		switch {
		case s.Warehouse != "":
			s.err = exitcode.Invalidf("no SQL warehouse %q in the workspace (found: %s)", s.Warehouse, orNone(names))
		case len(all) == 1:
			s.id = all[0].Id
		case len(all) == 0:
			s.err = Missingf("the workspace has no SQL warehouse to read inference and monitor tables with (brickops init's stack creates one: brickops_sql_warehouse)")
		default:
			s.err = exitcode.Invalidf("the workspace has %d SQL warehouses (%s): name one under environments.<env>.warehouse in brickops.yaml", len(all), strings.Join(names, ", "))
		}
	})
	return s.id, s.err
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// query runs one statement and returns every row (all chunks), NULLs as nil.
func (s *Warehouse) query(ctx context.Context, statement string) ([][]*string, error) {
	id, err := s.warehouseID(ctx)
	if err != nil {
		return nil, err
	}
	res, err := s.W.StatementExecution.ExecuteStatement(ctx, sql.ExecuteStatementRequest{
		WarehouseId: id, Statement: statement, Format: sql.FormatJsonArray, Disposition: sql.DispositionInline,
		WaitTimeout: "30s", OnWaitTimeout: sql.ExecuteStatementRequestOnWaitTimeoutContinue,
	})
	if err != nil {
		return nil, fmt.Errorf("running %q: %w", statement, err)
	}
	poll := s.Poll
	if poll == 0 {
		poll = 200 * time.Millisecond
	}
	for res.Status != nil && (res.Status.State == sql.StatementStatePending || res.Status.State == sql.StatementStateRunning) {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
		if res, err = s.W.StatementExecution.GetStatementByStatementId(ctx, res.StatementId); err != nil {
			return nil, fmt.Errorf("waiting for %q: %w", statement, err)
		}
	}
	if res.Status == nil || res.Status.State != sql.StatementStateSucceeded {
		msg := "no status"
		if res.Status != nil {
			msg = string(res.Status.State)
			if e := res.Status.Error; e != nil {
				msg += ": " + string(e.ErrorCode) + " " + e.Message
			}
		}
		return nil, fmt.Errorf("statement %q: %s", statement, msg)
	}
	var out [][]*string
	data := res.Result
	for data != nil {
		for _, row := range data.DataArray {
			out = append(out, nulls(row))
		}
		if data.NextChunkIndex == 0 || data.NextChunkIndex <= data.ChunkIndex {
			break
		}
		if data, err = s.W.StatementExecution.GetStatementResultChunkNByStatementIdAndChunkIndex(ctx, res.StatementId, data.NextChunkIndex); err != nil {
			return nil, fmt.Errorf("reading the results of %q: %w", statement, err)
		}
	}
	return out, nil
}

// nulls turns the SDK's rows ([]string, where JSON null decodes as "")
// into optional values. An empty string and NULL are the same here: no
// column read below holds empty strings that matter.
func nulls(row []string) []*string {
	out := make([]*string, len(row))
	for i := range row {
		if row[i] != "" {
			out[i] = &row[i]
		}
	}
	return out
}

// payload reads a serving endpoint and names its inference table; no
// endpoint or no table is missing data.
func (s *Warehouse) payload(ctx context.Context, name string) (*serving.ServingEndpointDetailed, string, error) {
	e, err := s.W.ServingEndpoints.GetByName(ctx, name)
	if errors.Is(err, apierr.ErrResourceDoesNotExist) || errors.Is(err, apierr.ErrNotFound) {
		return nil, "", Missingf("serving endpoint %s does not exist", name)
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading serving endpoint %s: %w", name, err)
	}
	table, err := inferenceTable(e)
	return e, table, err
}

// inferenceTable is the endpoint's payload table: the AI Gateway's
// inference table, else the auto-capture one.
func inferenceTable(e *serving.ServingEndpointDetailed) (string, error) {
	if g := e.AiGateway; g != nil && g.InferenceTableConfig != nil && g.InferenceTableConfig.Enabled {
		c := g.InferenceTableConfig
		prefix := c.TableNamePrefix
		if prefix == "" {
			prefix = e.Name
		}
		return c.CatalogName + "." + c.SchemaName + "." + prefix + "_payload", nil
	}
	if e.Config != nil && e.Config.AutoCaptureConfig != nil {
		c := e.Config.AutoCaptureConfig
		if c.State != nil && c.State.PayloadTable != nil && c.State.PayloadTable.Name != "" {
			return c.CatalogName + "." + c.SchemaName + "." + c.State.PayloadTable.Name, nil
		}
		if c.CatalogName != "" && c.TableNamePrefix != "" {
			return c.CatalogName + "." + c.SchemaName + "." + c.TableNamePrefix + "_payload", nil
		}
	}
	return "", Missingf("serving endpoint %s has no inference table: enable auto_capture_config (or the AI Gateway's inference_table_config)", e.Name)
}

// entityNames maps what an inference table or a monitor may record for a
// served entity — its name, its entity version, <entity name>/<version> —
// to the served entity's name.
func entityNames(e *serving.ServingEndpointDetailed) map[string]string {
	out := map[string]string{}
	if e.Config == nil {
		return out
	}
	for _, se := range e.Config.ServedEntities {
		out[se.Name] = se.Name
		if se.EntityVersion != "" {
			out[se.EntityVersion] = se.Name
			out[se.EntityName+"/"+se.EntityVersion] = se.Name
		}
	}
	return out
}

// layout names the columns of an inference table: AI Gateway tables
// record the served entity in served_entity_id; auto-capture tables in
// their request_metadata map.
type layout struct {
	time     string
	timeIsMs bool
	latency  string
	// entity is the served entity column; metadata is set when it is the
	// request_metadata map.
	entity   string
	metadata bool
}

func (s *Warehouse) layout(ctx context.Context, table string) (layout, error) {
	t, err := s.W.Tables.GetByFullName(ctx, table)
	if errors.Is(err, apierr.ErrResourceDoesNotExist) || errors.Is(err, apierr.ErrNotFound) {
		return layout{}, Missingf("the inference table %s does not exist yet", table)
	}
	if err != nil {
		return layout{}, fmt.Errorf("reading table %s: %w", table, err)
	}
	cols := map[string]bool{}
	for _, c := range t.Columns {
		cols[c.Name] = true
	}
	first := func(names ...string) string {
		for _, n := range names {
			if cols[n] {
				return n
			}
		}
		return ""
	}
	l := layout{
		time:    first("request_time", "timestamp", "timestamp_ms"),
		latency: first("execution_duration_ms", "execution_time_ms"),
		entity:  first("served_entity_id", "served_entity_name", "request_metadata"),
	}
	l.timeIsMs, l.metadata = l.time == "timestamp_ms", l.entity == "request_metadata"
	if l.time == "" || l.latency == "" || l.entity == "" || !cols["status_code"] {
		return l, fmt.Errorf("%s does not look like an inference table: it needs a request time, status_code, an execution duration and the served entity", table)
	}
	return l, nil
}

// Traffic implements Source. It reads the window's requests (served
// entity, status, duration, time) and summarises them here: the same
// statement then works on every engine, with no map access or percentile
// function in SQL.
func (s *Warehouse) Traffic(ctx context.Context, endpoint string, lookback time.Duration) (*Traffic, error) {
	e, table, err := s.payload(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	l, err := s.layout(ctx, table)
	if err != nil {
		return nil, err
	}
	from := quoteTable(table)
	rows, err := s.query(ctx, fmt.Sprintf("SELECT MAX(%s) FROM %s", quote(l.time), from))
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || len(rows[0]) == 0 || rows[0][0] == nil {
		return nil, Missingf("the inference table %s has no requests yet", table)
	}
	newest, err := parseTime(*rows[0][0], l.timeIsMs)
	if err != nil {
		return nil, fmt.Errorf("reading the newest request time of %s: %w", table, err)
	}
	win := Window{Start: newest.Add(-lookback), End: newest.Add(time.Millisecond)}
	rows, err = s.query(ctx, fmt.Sprintf("SELECT %s, status_code, %s, %s FROM %s WHERE %s >= %s",
		quote(l.entity), quote(l.latency), quote(l.time), from, quote(l.time), timeLiteral(win.Start, l.timeIsMs)))
	if err != nil {
		return nil, err
	}
	names := entityNames(e)
	reqs := make([]Request, 0, len(rows))
	for _, r := range rows {
		if len(r) < 4 {
			continue
		}
		req := Request{Entity: str(r[0]), Status: atoi(r[1])}
		if l.metadata {
			req.Entity = metadataEntity(r[0])
		}
		if n, ok := names[req.Entity]; ok {
			req.Entity = n
		}
		req.DurationMs, _ = float(r[2])
		if req.At, err = parseTimePtr(r[3], l.timeIsMs); err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		reqs = append(reqs, req)
	}
	return &Traffic{Endpoint: endpoint, Table: table, Window: win, Requests: reqs}, nil
}

// metadataEntity reads the served entity from an auto-capture row's
// request_metadata map (JSON in the JSON_ARRAY format): its name where
// recorded, else the model version it served.
func metadataEntity(v *string) string {
	if v == nil {
		return ""
	}
	var m map[string]string
	if json.Unmarshal([]byte(*v), &m) != nil {
		return ""
	}
	if n := m["served_entity_name"]; n != "" {
		return n
	}
	return m["model_version"]
}

// Monitor implements Source.
func (s *Warehouse) Monitor(ctx context.Context, endpoint string, lookback time.Duration) (*Monitor, error) {
	e, table, err := s.payload(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	info, table, err := s.monitorOn(ctx, table)
	if err != nil {
		return nil, err
	}
	m := &Monitor{Table: table, ProfileTable: info.ProfileMetricsTableName, DriftTable: info.DriftMetricsTableName, ModelIDs: entityNames(e)}
	if il := info.InferenceLog; il != nil {
		m.PredictionCol, m.LabelCol, m.ModelIDCol = il.PredictionCol, il.LabelCol, il.ModelIdCol
	}
	if m.Drift, err = s.driftRows(ctx, m.DriftTable); err != nil {
		return nil, err
	}
	if m.Profile, err = s.profileRows(ctx, m.ProfileTable); err != nil {
		return nil, err
	}
	m.Drift = within(m.Drift, lookback, func(r DriftRow) Window { return r.Window })
	m.Profile = within(m.Profile, lookback, func(r ProfileRow) Window { return r.Window })
	return m, nil
}

// monitorOn finds the monitor watching an endpoint's traffic: on the
// payload table itself, or on the unpacked <prefix>_predictions table
// beside it (one row per record, with prediction, label and model id
// columns, which is what an InferenceLog monitor profiles).
func (s *Warehouse) monitorOn(ctx context.Context, payload string) (*catalog.MonitorInfo, string, error) {
	tables := []string{payload}
	if base, ok := strings.CutSuffix(payload, "_payload"); ok {
		tables = append(tables, base+"_predictions")
	}
	for _, t := range tables {
		//lint:ignore SA1019 the Lakehouse Monitoring API is what brickops_quality_monitor manages and the emulator serves.
		info, err := s.W.QualityMonitors.Get(ctx, catalog.GetQualityMonitorRequest{TableName: t})
		if errors.Is(err, apierr.ErrResourceDoesNotExist) || errors.Is(err, apierr.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("reading the monitor on %s: %w", t, err)
		}
		return info, t, nil
	}
	return nil, "", Missingf("no quality monitor on %s", strings.Join(tables, " or "))
}

// driftStatistics are the drift metrics columns read; ks_test is a struct.
var driftStatistics = []string{"js_distance", "tv_distance", "l_infinity_distance", "population_stability_index", "wasserstein_distance"}

// driftRows reads the drift metrics table's unsliced rows. Struct columns
// (window, ks_test) come back as JSON in the JSON_ARRAY format and are
// decoded here, so the statement needs no struct field access.
func (s *Warehouse) driftRows(ctx context.Context, table string) ([]DriftRow, error) {
	if table == "" {
		return nil, nil
	}
	cols := append([]string{"window", "granularity", "model_id", "column_name", "drift_type", "ks_test"}, driftStatistics...)
	rows, err := s.metricRows(ctx, table, cols)
	if err != nil || rows == nil {
		return nil, err
	}
	out := make([]DriftRow, 0, len(rows))
	for _, r := range rows {
		w, err := parseWindow(r[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		d := DriftRow{Window: w, Granularity: str(r[1]), ModelID: str(r[2]), Column: str(r[3]), DriftType: str(r[4]), Statistics: map[string]float64{}}
		if r[5] != nil {
			var ks struct {
				Statistic *float64 `json:"statistic"`
			}
			if json.Unmarshal([]byte(*r[5]), &ks) == nil && ks.Statistic != nil {
				d.Statistics["ks_statistic"] = *ks.Statistic
			}
		}
		for i, name := range driftStatistics {
			if v, ok := float(r[6+i]); ok {
				d.Statistics[name] = v
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// qualityColumns are the profile metrics read for model quality;
// precision, recall and f1_score are structs whose weighted average counts.
var qualityColumns = []string{"accuracy_score", "precision", "recall", "f1_score", "mean_squared_error", "root_mean_squared_error", "mean_average_error", "mean_absolute_percentage_error", "r2_score"}

// profileRows reads the table-level (":table") unsliced rows of the
// profile metrics table: they carry model quality.
func (s *Warehouse) profileRows(ctx context.Context, table string) ([]ProfileRow, error) {
	if table == "" {
		return nil, nil
	}
	cols := append([]string{"window", "granularity", "model_id", "column_name", "count"}, qualityColumns...)
	rows, err := s.metricRows(ctx, table, cols, "column_name = "+quoteString(TableLevel))
	if err != nil || rows == nil {
		return nil, err
	}
	out := make([]ProfileRow, 0, len(rows))
	for _, r := range rows {
		w, err := parseWindow(r[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		p := ProfileRow{Window: w, Granularity: str(r[1]), ModelID: str(r[2]), Column: str(r[3]), Count: int64(atoi(r[4])), Metrics: map[string]float64{}}
		for i, name := range qualityColumns {
			if v, ok := float(r[5+i]); ok {
				p.Metrics[name] = v
				continue
			}
			if r[5+i] != nil {
				var avg struct {
					Weighted *float64 `json:"weighted"`
				}
				if json.Unmarshal([]byte(*r[5+i]), &avg) == nil && avg.Weighted != nil {
					p.Metrics[name] = *avg.Weighted
				}
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// metricRows selects cols from a monitor output table's unsliced rows; a
// table not created yet (the monitor never refreshed) has no rows.
func (s *Warehouse) metricRows(ctx context.Context, table string, cols []string, conds ...string) ([][]*string, error) {
	if _, err := s.W.Tables.GetByFullName(ctx, table); errors.Is(err, apierr.ErrResourceDoesNotExist) || errors.Is(err, apierr.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("reading table %s: %w", table, err)
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quote(c)
	}
	where := append([]string{"slice_key IS NULL"}, conds...)
	return s.query(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(quoted, ", "), quoteTable(table), strings.Join(where, " AND ")))
}

// within keeps the rows whose window ends within lookback of the newest.
func within[R any](rows []R, lookback time.Duration, window func(R) Window) []R {
	var newest time.Time
	for _, r := range rows {
		if e := window(r).End; e.After(newest) {
			newest = e
		}
	}
	return slices.DeleteFunc(rows, func(r R) bool { return window(r).End.Before(newest.Add(-lookback)) })
}

func parseWindow(v *string) (Window, error) {
	var w struct {
		Start string `json:"start"`
		End   string `json:"end"`
	}
	if v == nil {
		return Window{}, errors.New("a row has no window")
	}
	if err := json.Unmarshal([]byte(*v), &w); err != nil {
		return Window{}, fmt.Errorf("window %s: %w", *v, err)
	}
	start, err := parseTime(w.Start, false)
	if err != nil {
		return Window{}, err
	}
	end, err := parseTime(w.End, false)
	return Window{Start: start, End: end}, err
}

// parseTime reads a timestamp as the Statement Execution API renders it
// (ISO 8601, with or without zone and fraction), or Unix milliseconds.
func parseTime(s string, millis bool) (time.Time, error) {
	if millis {
		ms, err := strconv.ParseInt(s, 10, 64)
		return time.UnixMilli(ms).UTC(), err
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp", s)
}

func parseTimePtr(s *string, millis bool) (time.Time, error) {
	if s == nil {
		return time.Time{}, nil
	}
	return parseTime(*s, millis)
}

// timeLiteral writes t for a comparison with the time column: Unix
// milliseconds, or an ISO 8601 string, which Databricks SQL casts to the
// column's TIMESTAMP.
func timeLiteral(t time.Time, millis bool) string {
	if millis {
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return quoteString(t.UTC().Format("2006-01-02T15:04:05.000Z"))
}

func quote(ident string) string { return "`" + strings.ReplaceAll(ident, "`", "``") + "`" }

func quoteTable(full string) string {
	parts := strings.Split(full, ".")
	for i := range parts {
		parts[i] = quote(parts[i])
	}
	return strings.Join(parts, ".")
}

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func str(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}

func atoi(v *string) int {
	if v == nil {
		return 0
	}
	n, err := strconv.Atoi(*v)
	if err != nil {
		f, _ := strconv.ParseFloat(*v, 64)
		return int(f)
	}
	return n
}

func float(v *string) (float64, bool) {
	if v == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(*v, 64)
	return f, err == nil && !math.IsNaN(f)
}
