package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// SQL Statement Execution API: /api/2.0/sql/statements. Paths follow
// databricks-sdk-go service/sql/impl.go (statementExecutionImpl); fields
// and enums service/sql/model.go (ExecuteStatementRequest,
// StatementResponse, StatementStatus, ServiceError, ResultManifest,
// ResultSchema, ColumnInfo, BaseChunkInfo, ResultData).
//
// Statements run on the workspace's table data (table_data.go) with the
// embedded engine's dialect (package tabledata): SELECT, SHOW TABLES and
// DESCRIBE. What the engine refuses ends FAILED with
// status.error {error_code BAD_REQUEST, message "[ERROR_CLASS] … SQLSTATE: …"}
// as a warehouse reports it; a malformed request is an HTTP 400 instead.
//
// Lifecycle. A statement needs a SQL warehouse that exists; a stopped one is
// started (as production does) and the statement is PENDING until it is
// RUNNING. With wait_timeout 5s–50s (default 10s) execute waits for the
// result, then CONTINUEs (answers PENDING) or CANCELs (on_wait_timeout);
// with 0s it answers PENDING at once and the statement runs on the next
// read. Results are INLINE in JSON_ARRAY format, split into chunks of at
// most inlineChunkBytes; the whole result may not exceed 25 MiB (use
// row_limit or byte_limit). A result stays readable for statementResultTTL
// on the emulator clock, then the statement is CLOSED. Statements live in
// memory (the last maxStatements of them), not in the store: like
// production's, they do not outlive the warehouse session.

// Statement states (sql.StatementState) and the error code of a statement
// the warehouse refused (sql.ServiceErrorCode).
const (
	stmtPending   = "PENDING"
	stmtRunning   = "RUNNING"
	stmtSucceeded = "SUCCEEDED"
	stmtFailed    = "FAILED"
	stmtCanceled  = "CANCELED"
	stmtClosed    = "CLOSED"

	serviceBadRequest    = "BAD_REQUEST"
	serviceInternalError = "INTERNAL_ERROR"
)

const (
	maxStatements      = 1000
	statementResultTTL = time.Hour
	inlineResultLimit  = 25 << 20
	defaultWaitTimeout = 10 * time.Second
	statementPoll      = 20 * time.Millisecond
	statementsPath     = "/api/2.0/sql/statements/"
)

// inlineChunkBytes is the size at which a result is split into chunks.
var inlineChunkBytes = 1 << 20

var waitTimeoutRE = regexp.MustCompile(`^(\d+)s$`)

type statementParameter struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
	Type  string  `json:"type"`
}

type executeStatementRequest struct {
	Statement     string               `json:"statement"`
	WarehouseID   string               `json:"warehouse_id"`
	Catalog       string               `json:"catalog"`
	Schema        string               `json:"schema"`
	Parameters    []statementParameter `json:"parameters"`
	RowLimit      int64                `json:"row_limit"`
	ByteLimit     int64                `json:"byte_limit"`
	WaitTimeout   string               `json:"wait_timeout"`
	OnWaitTimeout string               `json:"on_wait_timeout"`
	Format        string               `json:"format"`
	Disposition   string               `json:"disposition"`
	QueryTags     []struct {
		Key   string  `json:"key"`
		Value *string `json:"value"`
	} `json:"query_tags"`
}

// Answer shapes (sql.StatementResponse and its parts).
type serviceError struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
}

type statementStatus struct {
	State string        `json:"state"`
	Error *serviceError `json:"error,omitempty"`
}

type chunkInfo struct {
	ChunkIndex int   `json:"chunk_index"`
	RowOffset  int64 `json:"row_offset"`
	RowCount   int64 `json:"row_count"`
}

type resultSchema struct {
	ColumnCount int                      `json:"column_count"`
	Columns     []tabledata.ResultColumn `json:"columns"`
}

type resultManifest struct {
	Format          string       `json:"format"`
	Schema          resultSchema `json:"schema"`
	TotalChunkCount int          `json:"total_chunk_count"`
	Chunks          []chunkInfo  `json:"chunks"`
	TotalRowCount   int64        `json:"total_row_count"`
	Truncated       bool         `json:"truncated"`
}

type resultData struct {
	chunkInfo
	DataArray             [][]*string `json:"data_array"`
	NextChunkIndex        *int        `json:"next_chunk_index,omitempty"`
	NextChunkInternalLink string      `json:"next_chunk_internal_link,omitempty"`
}

type statementResponse struct {
	StatementID string          `json:"statement_id"`
	Status      statementStatus `json:"status"`
	Manifest    *resultManifest `json:"manifest,omitempty"`
	Result      *resultData     `json:"result,omitempty"`
}

// sqlStatement is one statement's state.
type sqlStatement struct {
	id  string
	req executeStatementRequest

	mu       sync.Mutex
	state    string
	err      *serviceError
	cancel   context.CancelFunc
	done     time.Time
	manifest *resultManifest
	rows     [][]*string
}

type statementStore struct {
	mu    sync.Mutex
	byID  map[string]*sqlStatement
	order []string
}

func newStatementStore() *statementStore {
	return &statementStore{byID: map[string]*sqlStatement{}}
}

func (ss *statementStore) add(st *sqlStatement) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.byID[st.id] = st
	ss.order = append(ss.order, st.id)
	if len(ss.order) > maxStatements {
		delete(ss.byID, ss.order[0])
		ss.order = ss.order[1:]
	}
}

func (ss *statementStore) get(id string) (*sqlStatement, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	st, ok := ss.byID[id]
	if !ok {
		return nil, core.NotFound("Statement %s does not exist (or its result expired).", id)
	}
	return st, nil
}

// validate checks an execute request as the API does.
func (req *executeStatementRequest) validate() (time.Duration, error) {
	if err := core.RequireString("statement", req.Statement); err != nil {
		return 0, err
	}
	if len(req.Statement) > 16<<20 {
		return 0, core.InvalidParam("The statement is %d bytes; the maximum query text size is 16 MiB.", len(req.Statement))
	}
	if err := core.RequireString("warehouse_id", req.WarehouseID); err != nil {
		return 0, err
	}
	if err := core.OneOf("format", req.Format, []string{"JSON_ARRAY", "ARROW_STREAM", "CSV"}); err != nil {
		return 0, err
	}
	if err := core.OneOf("disposition", req.Disposition, []string{"INLINE", "EXTERNAL_LINKS"}); err != nil {
		return 0, err
	}
	if req.Disposition == "EXTERNAL_LINKS" {
		return 0, core.InvalidParam("The emulator returns results INLINE only: disposition EXTERNAL_LINKS (cloud storage links) is not emulated.")
	}
	if req.Format != "" && req.Format != "JSON_ARRAY" {
		return 0, core.InvalidParam("Format %s is supported only with EXTERNAL_LINKS disposition; INLINE results are JSON_ARRAY.", req.Format)
	}
	if err := core.OneOf("on_wait_timeout", req.OnWaitTimeout, []string{"CONTINUE", "CANCEL"}); err != nil {
		return 0, err
	}
	if req.RowLimit < 0 {
		return 0, core.InvalidParam("row_limit must be a positive number, got %d.", req.RowLimit)
	}
	if req.ByteLimit < 0 {
		return 0, core.InvalidParam("byte_limit must be a positive number, got %d.", req.ByteLimit)
	}
	wait := defaultWaitTimeout
	if req.WaitTimeout != "" {
		m := waitTimeoutRE.FindStringSubmatch(req.WaitTimeout)
		n, err := strconv.Atoi(m1(m))
		if m == nil || err != nil || n != 0 && (n < 5 || n > 50) {
			return 0, core.InvalidParam("wait_timeout must be 0 seconds (disables wait), or between 5 seconds and 50 seconds, given as e.g. '10s'; got '%s'.", req.WaitTimeout)
		}
		wait = time.Duration(n) * time.Second
	}
	seen := map[string]bool{}
	for i, p := range req.Parameters {
		if p.Name == "" {
			return 0, core.InvalidParam("Missing required field: parameters[%d].name", i)
		}
		if seen[p.Name] {
			return 0, core.InvalidParam("Parameter '%s' is given more than once.", p.Name)
		}
		seen[p.Name] = true
	}
	return wait, nil
}

func m1(m []string) string {
	if len(m) < 2 {
		return ""
	}
	return m[1]
}

func (s *Service) executeStatement(r *http.Request) (any, error) {
	var req executeStatementRequest
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	wait, err := req.validate()
	if err != nil {
		return nil, err
	}
	if _, err := s.warehouseRunning(req.WarehouseID); err != nil {
		return nil, err
	}
	st := &sqlStatement{id: newUUID(), req: req, state: stmtPending}
	s.live().statements.add(st)
	if wait == 0 {
		return st.response(), nil
	}
	deadline := time.Now().Add(wait)
	for {
		if err := s.settleStatement(r.Context(), st); err != nil {
			return nil, err
		}
		if st.terminal() || time.Now().After(deadline) {
			break
		}
		select {
		case <-r.Context().Done():
			return nil, r.Context().Err()
		case <-time.After(statementPoll):
		}
	}
	if !st.terminal() && req.OnWaitTimeout == "CANCEL" {
		st.cancelRun()
	}
	return st.response(), nil
}

func (s *Service) getStatement(r *http.Request) (any, error) {
	st, err := s.statement(r)
	if err != nil {
		return nil, err
	}
	if err := s.settleStatement(r.Context(), st); err != nil {
		return nil, err
	}
	return st.response(), nil
}

func (s *Service) cancelStatement(r *http.Request) (any, error) {
	st, err := s.statement(r)
	if err != nil {
		return nil, err
	}
	st.cancelRun()
	return map[string]any{}, nil
}

func (s *Service) getStatementResultChunk(r *http.Request) (any, error) {
	st, err := s.statement(r)
	if err != nil {
		return nil, err
	}
	if err := s.settleStatement(r.Context(), st); err != nil {
		return nil, err
	}
	index, err := strconv.Atoi(r.PathValue("chunk_index"))
	if err != nil || index < 0 {
		return nil, core.InvalidParam("Invalid chunk_index '%s': a chunk index is a non-negative integer.", r.PathValue("chunk_index"))
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.state != stmtSucceeded {
		return nil, core.InvalidState("Statement %s is %s: its result is available only when it SUCCEEDED (and before it is CLOSED).", st.id, st.state)
	}
	if index >= len(st.manifest.Chunks) {
		return nil, core.InvalidParam("Invalid chunk_index %d: the result has %d chunk(s).", index, len(st.manifest.Chunks))
	}
	return st.chunk(index), nil
}

func (s *Service) statement(r *http.Request) (*sqlStatement, error) {
	return s.live().statements.get(r.PathValue("statement_id"))
}

// warehouseRunning reports whether the warehouse runs, starting it when it
// is stopped. An unknown warehouse is RESOURCE_DOES_NOT_EXIST.
func (s *Service) warehouseRunning(id string) (bool, error) {
	var w warehouse
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		w, err = loadWarehouse(tx, id)
		return err
	})
	if err != nil {
		return false, err
	}
	w.settle(s.Now())
	switch w.State {
	case whRunning:
		return true, nil
	case whDeleted, whDeleting:
		return false, core.InvalidState("SQL warehouse %s is deleted.", id)
	case whStopped, whStopping:
		err := s.updateWarehouse(id, func(w *warehouse) error {
			if w.State == whStopped || w.State == whStopping {
				s.moveWarehouse(w, whStarting, whRunning)
			}
			return nil
		})
		return false, err
	}
	return false, nil
}

func (st *sqlStatement) terminal() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.state != stmtPending && st.state != stmtRunning
}

// cancelRun cancels a statement that has not finished; a finished one
// stays as it is.
func (st *sqlStatement) cancelRun() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.state == stmtPending || st.state == stmtRunning {
		st.state = stmtCanceled
		if st.cancel != nil {
			st.cancel()
		}
	}
}

// settleStatement moves a statement on: a PENDING one runs once its
// warehouse is RUNNING; a finished result expires into CLOSED.
func (s *Service) settleStatement(ctx context.Context, st *sqlStatement) error {
	st.mu.Lock()
	state := st.state
	if state == stmtSucceeded && s.Now().Sub(st.done) >= statementResultTTL {
		st.state, st.manifest, st.rows = stmtClosed, nil, nil
	}
	st.mu.Unlock()
	if state != stmtPending {
		return nil
	}
	running, err := s.warehouseRunning(st.req.WarehouseID)
	if err != nil {
		var apiError *core.APIError
		if errors.As(err, &apiError) {
			st.finish(stmtFailed, &serviceError{ErrorCode: serviceBadRequest, Message: apiError.Message}, nil, nil)
			return nil
		}
		return err
	}
	if !running {
		return nil
	}
	engine, err := s.tables()
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	st.mu.Lock()
	if st.state != stmtPending {
		st.mu.Unlock()
		cancel()
		return nil
	}
	st.state, st.cancel = stmtRunning, cancel
	st.mu.Unlock()
	defer cancel()

	catalog := st.req.Catalog
	if catalog == "" {
		catalog = defaultCatalogName
	}
	params := make([]tabledata.Param, len(st.req.Parameters))
	for i, p := range st.req.Parameters {
		params[i] = tabledata.Param{Name: p.Name, Type: p.Type}
		if p.Value != nil {
			params[i].Value = *p.Value
		}
	}
	res, err := engine.Run(runCtx, tabledata.Statement{SQL: st.req.Statement, Catalog: catalog, Schema: st.req.Schema, Params: params, RowLimit: st.req.RowLimit})
	switch {
	case runCtx.Err() != nil:
		st.finish(stmtCanceled, nil, nil, nil)
	case tabledata.ErrorClass(err) != "":
		st.finish(stmtFailed, &serviceError{ErrorCode: serviceBadRequest, Message: err.Error()}, nil, nil)
	case err != nil:
		st.finish(stmtFailed, &serviceError{ErrorCode: serviceInternalError, Message: err.Error()}, nil, nil)
	default:
		manifest, rows, err := inlineResult(res, st.req.ByteLimit)
		switch {
		case errors.Is(err, errInlineTooLarge):
			st.finish(stmtFailed, &serviceError{ErrorCode: serviceBadRequest, Message: "The result set is larger than 25 MiB, the limit of INLINE disposition. Set row_limit or byte_limit, or narrow the query."}, nil, nil)
		case err != nil:
			st.finish(stmtFailed, &serviceError{ErrorCode: serviceInternalError, Message: err.Error()}, nil, nil)
		default:
			st.finish(stmtSucceeded, nil, manifest, rows)
		}
	}
	st.mu.Lock()
	st.done = s.Now()
	st.mu.Unlock()
	return nil
}

// defaultCatalogName is the catalog of names a statement does not qualify
// when it names no catalog: the metastore's default (metastores.go).
const defaultCatalogName = "hive_metastore"

// finish records the outcome of a run unless the statement was cancelled
// meanwhile.
func (st *sqlStatement) finish(state string, e *serviceError, m *resultManifest, rows [][]*string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.state != stmtRunning && st.state != stmtPending {
		return
	}
	st.state, st.err, st.manifest, st.rows, st.cancel = state, e, m, rows, nil
}

// errInlineTooLarge fails a statement whose result passes the INLINE limit.
var errInlineTooLarge = errors.New("the result set is larger than 25 MiB, the limit of INLINE disposition: set row_limit or byte_limit, or narrow the query")

// inlineResult applies byte_limit and splits the rows into chunks of at
// most inlineChunkBytes (sizes are those of the JSON rows).
func inlineResult(res *tabledata.Result, byteLimit int64) (*resultManifest, [][]*string, error) {
	m := &resultManifest{Format: "JSON_ARRAY", Schema: resultSchema{ColumnCount: len(res.Columns), Columns: res.Columns}, Truncated: res.Truncated}
	rows := res.Rows
	var total int64
	chunk := chunkInfo{}
	chunkBytes := 0
	for i, row := range rows {
		raw, err := json.Marshal(row)
		if err != nil {
			return nil, nil, err
		}
		size := len(raw) + 1
		if byteLimit > 0 && total+int64(size) > byteLimit {
			rows, m.Truncated = rows[:i], true
			break
		}
		total += int64(size)
		if total > inlineResultLimit {
			return nil, nil, errInlineTooLarge
		}
		if chunk.RowCount > 0 && chunkBytes+size > inlineChunkBytes {
			m.Chunks = append(m.Chunks, chunk)
			chunk = chunkInfo{ChunkIndex: chunk.ChunkIndex + 1, RowOffset: chunk.RowOffset + chunk.RowCount}
			chunkBytes = 0
		}
		chunk.RowCount++
		chunkBytes += size
	}
	m.Chunks = append(m.Chunks, chunk)
	m.TotalChunkCount = len(m.Chunks)
	m.TotalRowCount = int64(len(rows))
	return m, rows, nil
}

// chunk is result chunk i; st.mu is held.
func (st *sqlStatement) chunk(i int) *resultData {
	c := st.manifest.Chunks[i]
	d := &resultData{chunkInfo: c, DataArray: st.rows[c.RowOffset : c.RowOffset+c.RowCount]}
	if i+1 < len(st.manifest.Chunks) {
		next := i + 1
		d.NextChunkIndex = &next
		d.NextChunkInternalLink = fmt.Sprintf("%s%s/result/chunks/%d", statementsPath, st.id, next)
	}
	return d
}

// response is the statement as execute and get answer it: the status, and
// for a SUCCEEDED statement the manifest and the first chunk.
func (st *sqlStatement) response() statementResponse {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := statementResponse{StatementID: st.id, Status: statementStatus{State: st.state, Error: st.err}}
	if st.state == stmtSucceeded {
		out.Manifest = st.manifest
		out.Result = st.chunk(0)
	}
	return out
}
