// Package tabledata is the emulator's embedded SQL engine: it holds the rows
// of Unity Catalog tables (inference tables, monitor metric tables, feature
// rows) in SQLite (modernc.org/sqlite, no cgo) and runs read-only Databricks
// SQL against them, so the SQL Statement Execution API, the monitors and the
// toolkit read table data the way they would in a workspace.
//
// The data lives in one file, tables.sqlite, in the emulator's data dir next
// to the bbolt store, so it survives a restart. Each UC table is an SQLite
// table named by its three-part name ("main.ml.churn_payload"); a registry
// table records its UC columns.
//
// The API for the emulator's services:
//
//	e, _ := tabledata.Open(dataDir, tabledata.Options{})
//	e.CreateTable(ctx, "main.ml.churn_payload", []tabledata.Column{{Name: "request", TypeText: "string"}, …})
//	e.Insert(ctx, "main.ml.churn_payload", []tabledata.Row{{"request": "{…}", "status_code": 200}})
//	res, _ := e.Query(ctx, "SELECT count(*) AS n FROM main.ml.churn_payload WHERE status_code = :code",
//		tabledata.Param{Name: "code", Value: 200})
//	n, _ := res.Value(0, "n") // "3": values are strings, as the JSON_ARRAY format returns them
//	e.DropTable(ctx, "main.ml.churn_payload")
//
// Statements: SELECT (with WITH, JOIN, GROUP BY, window functions…), SHOW
// TABLES and DESCRIBE [TABLE]. Table names resolve like Databricks SQL: a
// three-part name as is, two parts against the statement's catalog, one
// part against its catalog and schema. Spark spellings the engine accepts
// beyond SQLite's own: "double-quoted" and backslash-escaped string
// literals, `backtick` identifiers, :named parameters, current_timestamp()
// and current_date() (read from the emulator clock), if(), nvl(), size(),
// get_json_object(), and the functions in functions.go (percentile,
// percentile_approx, median, stddev, variance, count_if, bool_or/bool_and,
// unix_millis, unix_timestamp, timestamp_millis, to_timestamp, to_date,
// date_trunc). Timestamps are stored as ISO 8601 UTC text with milliseconds
// (TimestampFormat), so comparing them with a timestamp string works.
// Failures are *Error values carrying Databricks error classes.
package tabledata

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// FileName is the engine's file in the data dir.
const FileName = "tables.sqlite"

// Default catalog and schema for names a statement does not qualify, when
// the statement names neither.
const (
	DefaultCatalog = "main"
	DefaultSchema  = "default"
)

const registryTable = "_uc_tables"

// ErrNotFound is returned (wrapped) for a table the engine does not hold.
var ErrNotFound = errors.New("table not found")

// Options configure an Engine.
type Options struct {
	// NoSync skips fsync on commit (tests); by default an acknowledged
	// write is on disk.
	NoSync bool
	// Now is the clock current_timestamp() reads; time.Now when nil.
	Now func() time.Time
	// Lookup, when set, is asked about a table a statement names that the
	// engine does not hold: the catalog is the source of truth for which
	// tables exist. A table it knows (ok) is created empty with its columns
	// and the statement goes on; one it does not know is
	// TABLE_OR_VIEW_NOT_FOUND.
	Lookup func(fullName string) (columns []Column, ok bool)
}

// Engine holds table rows and runs statements over them. Safe for
// concurrent use: writes are serialised on one connection, queries run on a
// pool of read-only connections (SQLite WAL mode lets them read while a
// write is in progress).
type Engine struct {
	write, read *sql.DB
	now         func() time.Time

	mu     sync.RWMutex
	tables map[string]Table
	lookup func(string) ([]Column, bool)
}

// Table is a UC table the engine holds.
type Table struct {
	// Name is the three-part name, lower case: catalog.schema.table.
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
}

// Row is one row to insert: column name → value. Values may be Go values
// (string, integers, floats, bool, time.Time, maps and slices for complex
// columns) or json.RawMessage; missing columns are NULL.
type Row map[string]any

// Open opens (or creates) the engine's file in dataDir.
func Open(dataDir string, opts Options) (*Engine, error) {
	registerFunctions()
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data dir %q: %w", dataDir, err)
	}
	path := filepath.Join(dataDir, FileName)
	syncMode := "FULL"
	if opts.NoSync {
		syncMode = "OFF"
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + syncMode + ")"
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("opening %q: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", dsn+"&_query_only=true")
	if err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("opening %q: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	e := &Engine{write: write, read: read, now: opts.Now, lookup: opts.Lookup, tables: map[string]Table{}}
	if e.now == nil {
		e.now = time.Now
	}
	if err := e.load(); err != nil {
		_ = e.Close()
		return nil, fmt.Errorf("opening %q: %w", path, err)
	}
	return e, nil
}

func (e *Engine) load() error {
	if _, err := e.write.Exec(`CREATE TABLE IF NOT EXISTS ` + registryTable + ` (name TEXT PRIMARY KEY, columns TEXT NOT NULL)`); err != nil {
		return err
	}
	rows, err := e.write.Query(`SELECT name, columns FROM ` + registryTable)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t Table
		var cols string
		if err := rows.Scan(&t.Name, &cols); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(cols), &t.Columns); err != nil {
			return fmt.Errorf("reading columns of %s: %w", t.Name, err)
		}
		e.tables[t.Name] = t
	}
	return rows.Err()
}

// SetLookup replaces Options.Lookup: the service that knows the catalog
// may come after the engine's owner opened it.
func (e *Engine) SetLookup(lookup func(fullName string) (columns []Column, ok bool)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lookup = lookup
}

// Close releases the file.
func (e *Engine) Close() error {
	return errors.Join(e.read.Close(), e.write.Close())
}

// CanonicalName checks a three-part table name and lower-cases it (UC names
// are case-insensitive).
func CanonicalName(name string) (string, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(name)), ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", fmt.Errorf("table name %q is not a three-part name catalog.schema.table", name)
	}
	return strings.Join(parts, "."), nil
}

// Table returns the table named name (three parts).
func (e *Engine) Table(name string) (Table, bool) {
	name, err := CanonicalName(name)
	if err != nil {
		return Table{}, false
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, ok := e.tables[name]
	return t, ok
}

// Tables lists the tables the engine holds, by name.
func (e *Engine) Tables() []Table {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]Table, 0, len(e.tables))
	for _, t := range e.tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CreateTable creates the table, or evolves an existing one: columns it
// lacks are added (as Delta's schema evolution does), columns it has must
// keep their type. Calling it again with the same columns does nothing, so
// a service can ensure its table before every write.
func (e *Engine) CreateTable(ctx context.Context, name string, columns []Column) error {
	name, err := CanonicalName(name)
	if err != nil {
		return err
	}
	if len(columns) == 0 {
		return fmt.Errorf("creating table %s: no columns", name)
	}
	cols := make([]Column, 0, len(columns))
	seen := map[string]bool{}
	for i, c := range columns {
		c.Position = i
		c, err := normalizeColumn(c)
		if err != nil {
			return fmt.Errorf("creating table %s: %w", name, err)
		}
		if seen[strings.ToLower(c.Name)] {
			return fmt.Errorf("creating table %s: column %q is declared twice", name, c.Name)
		}
		seen[strings.ToLower(c.Name)] = true
		cols = append(cols, c)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	existing, exists := e.tables[name]
	var ddl []string
	final := cols
	if !exists {
		defs := make([]string, len(cols))
		for i, c := range cols {
			defs[i] = sqliteIdent(c.Name) + " " + declType(c)
		}
		ddl = append(ddl, "CREATE TABLE "+sqliteIdent(name)+" ("+strings.Join(defs, ", ")+")")
	} else {
		final = append([]Column(nil), existing.Columns...)
		have := map[string]Column{}
		for _, c := range existing.Columns {
			have[strings.ToLower(c.Name)] = c
		}
		for _, c := range cols {
			old, ok := have[strings.ToLower(c.Name)]
			if ok {
				if old.TypeText != c.TypeText {
					return fmt.Errorf("creating table %s: column %q is %s, not %s", name, c.Name, old.TypeText, c.TypeText)
				}
				continue
			}
			c.Position = len(final)
			final = append(final, c)
			ddl = append(ddl, "ALTER TABLE "+sqliteIdent(name)+" ADD COLUMN "+sqliteIdent(c.Name)+" "+declType(c))
		}
		if len(ddl) == 0 {
			return nil
		}
	}
	colsJSON, err := json.Marshal(final)
	if err != nil {
		return err
	}
	err = e.inTx(ctx, func(tx *sql.Tx) error {
		for _, stmt := range ddl {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO `+registryTable+` (name, columns) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET columns = excluded.columns`, name, string(colsJSON))
		return err
	})
	if err != nil {
		return fmt.Errorf("creating table %s: %w", name, err)
	}
	e.tables[name] = Table{Name: name, Columns: final}
	return nil
}

func (e *Engine) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := e.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Insert appends rows to the table in one transaction: all or none. A row
// naming a column the table lacks is an error (CreateTable adds columns).
func (e *Engine) Insert(ctx context.Context, name string, rows []Row) error {
	t, ok := e.Table(name)
	if !ok {
		return fmt.Errorf("inserting into %s: %w", name, ErrNotFound)
	}
	if len(rows) == 0 {
		return nil
	}
	byName := map[string]int{}
	names := make([]string, len(t.Columns))
	marks := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		byName[strings.ToLower(c.Name)] = i
		names[i] = sqliteIdent(c.Name)
		marks[i] = "?"
	}
	stmt := "INSERT INTO " + sqliteIdent(t.Name) + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")"
	args := make([][]any, len(rows))
	for r, row := range rows {
		vals := make([]any, len(t.Columns))
		for k, v := range row {
			i, ok := byName[strings.ToLower(k)]
			if !ok {
				return fmt.Errorf("inserting into %s: row %d: the table has no column %q", t.Name, r, k)
			}
			sv, err := toStorage(t.Columns[i], v)
			if err != nil {
				return fmt.Errorf("inserting into %s: row %d: %w", t.Name, r, err)
			}
			vals[i] = sv
		}
		args[r] = vals
	}
	err := e.inTx(ctx, func(tx *sql.Tx) error {
		ps, err := tx.PrepareContext(ctx, stmt)
		if err != nil {
			return err
		}
		defer ps.Close()
		for _, a := range args {
			if _, err := ps.ExecContext(ctx, a...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("inserting into %s: %w", t.Name, err)
	}
	return nil
}

// Update sets the columns of set on every row whose columns equal those
// of match (a ground-truth label arriving for a logged request) and reports
// how many rows changed.
func (e *Engine) Update(ctx context.Context, name string, match, set Row) (int64, error) {
	t, ok := e.Table(name)
	if !ok {
		return 0, fmt.Errorf("updating %s: %w", name, ErrNotFound)
	}
	if len(match) == 0 || len(set) == 0 {
		return 0, fmt.Errorf("updating %s: match and set must name columns", t.Name)
	}
	byName := map[string]Column{}
	for _, c := range t.Columns {
		byName[strings.ToLower(c.Name)] = c
	}
	clause := func(r Row, sep string) (string, []any, error) {
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		args := make([]any, len(keys))
		for i, k := range keys {
			c, ok := byName[strings.ToLower(k)]
			if !ok {
				return "", nil, fmt.Errorf("the table has no column %q", k)
			}
			v, err := toStorage(c, r[k])
			if err != nil {
				return "", nil, err
			}
			parts[i], args[i] = sqliteIdent(c.Name)+" = ?", v
		}
		return strings.Join(parts, sep), args, nil
	}
	setSQL, setArgs, err := clause(set, ", ")
	if err != nil {
		return 0, fmt.Errorf("updating %s: %w", t.Name, err)
	}
	whereSQL, whereArgs, err := clause(match, " AND ")
	if err != nil {
		return 0, fmt.Errorf("updating %s: %w", t.Name, err)
	}
	res, err := e.write.ExecContext(ctx, "UPDATE "+sqliteIdent(t.Name)+" SET "+setSQL+" WHERE "+whereSQL, append(setArgs, whereArgs...)...)
	if err != nil {
		return 0, fmt.Errorf("updating %s: %w", t.Name, err)
	}
	return res.RowsAffected()
}

// DropTable removes the table and its rows. Dropping a table the engine
// does not hold returns an error wrapping ErrNotFound.
func (e *Engine) DropTable(ctx context.Context, name string) error {
	name, err := CanonicalName(name)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.tables[name]; !ok {
		return fmt.Errorf("dropping %s: %w", name, ErrNotFound)
	}
	err = e.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+sqliteIdent(name)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM `+registryTable+` WHERE name = ?`, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("dropping %s: %w", name, err)
	}
	delete(e.tables, name)
	return nil
}

// Reset drops every table (the operator's reset).
func (e *Engine) Reset(ctx context.Context) error {
	for _, t := range e.Tables() {
		if err := e.DropTable(ctx, t.Name); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// Param is a named parameter marker's value (:name in the statement). A
// nil Value is NULL; a string Value is cast to Type (STRING when empty:
// INT, BIGINT, DOUBLE, DECIMAL(p,s), BOOLEAN, DATE, TIMESTAMP…), as the
// Statement Execution API's parameters are; other Go values bind as is.
type Param struct {
	Name  string
	Value any
	Type  string
}

// Statement is a statement to run with its context.
type Statement struct {
	SQL string
	// Catalog and Schema resolve names that do not name them (default
	// DefaultCatalog and DefaultSchema).
	Catalog, Schema string
	Params          []Param
	// RowLimit caps the rows returned (0: no cap); Result.Truncated tells
	// whether rows were left out.
	RowLimit int64
}

// ResultColumn describes a result column as the Statement Execution API's
// manifest does (service/sql ColumnInfo).
type ResultColumn struct {
	Name string `json:"name"`
	// TypeText in the manifest's spelling, e.g. "BIGINT", "MAP<STRING, STRING>".
	TypeText string `json:"type_text"`
	// TypeName is a ColumnInfoTypeName, e.g. "LONG".
	TypeName string `json:"type_name"`
	Position int    `json:"position"`
}

// Result is a statement's result: columns, and rows of values formatted as
// the JSON_ARRAY format formats them (strings; nil for NULL).
type Result struct {
	Columns   []ResultColumn
	Rows      [][]*string
	Truncated bool
}

// Column returns the position of the named result column, or -1.
func (r *Result) Column(name string) int {
	for i, c := range r.Columns {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

// Value returns row's value in the named column; ok is false for NULL, an
// unknown column or a row out of range.
func (r *Result) Value(row int, column string) (string, bool) {
	c := r.Column(column)
	if c < 0 || row < 0 || row >= len(r.Rows) || r.Rows[row][c] == nil {
		return "", false
	}
	return *r.Rows[row][c], true
}

// Query runs a read-only statement with fully qualified (or main.default)
// table names.
func (e *Engine) Query(ctx context.Context, sqlText string, params ...Param) (*Result, error) {
	return e.Run(ctx, Statement{SQL: sqlText, Params: params})
}

// unsupportedCommands are Databricks SQL statements the engine knows but
// does not run: the emulator's tables are written by its services.
var unsupportedCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "merge": true, "create": true, "drop": true,
	"alter": true, "truncate": true, "use": true, "set": true, "reset": true, "optimize": true,
	"vacuum": true, "grant": true, "revoke": true, "copy": true, "cache": true, "uncache": true,
	"refresh": true, "analyze": true, "explain": true, "msck": true, "comment": true, "restore": true,
	"replace": true, "declare": true, "execute": true, "call": true, "list": true, "get": true, "put": true,
	"remove": true, "add": true, "clone": true, "convert": true, "fsck": true, "repair": true, "sync": true,
	"attach": true, "detach": true, "pragma": true, "begin": true, "commit": true, "rollback": true,
}

// Run runs a read-only statement: SELECT (or WITH … SELECT, VALUES), SHOW
// TABLES, or DESCRIBE [TABLE]. Anything else fails with an *Error.
func (e *Engine) Run(ctx context.Context, st Statement) (*Result, error) {
	if st.Catalog == "" {
		st.Catalog = DefaultCatalog
	}
	if st.Schema == "" {
		st.Schema = DefaultSchema
	}
	st.Catalog, st.Schema = strings.ToLower(st.Catalog), strings.ToLower(st.Schema)
	toks, err := lex(st.SQL)
	if err != nil {
		return nil, err
	}
	sig := significant(toks)
	for len(sig) > 0 && sig[len(sig)-1].text == ";" {
		sig = sig[:len(sig)-1]
	}
	if len(sig) == 0 {
		return nil, &Error{Class: "PARSE_EMPTY_STATEMENT", SQLState: "42617", Message: "Syntax error, unexpected empty statement."}
	}
	for i, t := range sig {
		if t.text == ";" && i+1 < len(sig) {
			return nil, syntaxError(st.SQL, sig[i+1].pos, sig[i+1].text)
		}
	}
	first := sig[0]
	switch {
	case first.is("select") || first.is("with") || first.is("values") || first.text == "(":
		return e.query(ctx, st, toks, sig)
	case first.is("show"):
		return e.show(st, sig)
	case first.is("describe") || first.is("desc"):
		return e.describe(st, sig)
	case first.kind == tokWord && unsupportedCommands[strings.ToLower(first.value)]:
		return nil, &Error{Class: "UNSUPPORTED_FEATURE", SQLState: "0A000",
			Message: fmt.Sprintf("The emulator's SQL warehouse is read-only: it runs SELECT, SHOW TABLES and DESCRIBE, not %s. Its tables are written by the emulated services (serving inference tables, monitor refreshes).", strings.ToUpper(first.value))}
	}
	return nil, syntaxError(st.SQL, first.pos, first.text)
}

// resolve finds the table a one-, two- or three-part name refers to.
func (e *Engine) resolve(st Statement, parts []string) (Table, bool) {
	for _, p := range parts {
		if strings.HasPrefix(p, "sqlite_") || strings.HasPrefix(p, "pragma_") || p == registryTable {
			return Table{}, false
		}
	}
	var full []string
	switch len(parts) {
	case 1:
		full = []string{st.Catalog, st.Schema, parts[0]}
	case 2:
		full = []string{st.Catalog, parts[0], parts[1]}
	case 3:
		full = parts
	default:
		return Table{}, false
	}
	name := strings.Join(full, ".")
	e.mu.RLock()
	t, ok := e.tables[name]
	lookup := e.lookup
	e.mu.RUnlock()
	if ok || lookup == nil {
		return t, ok
	}
	cols, known := lookup(name)
	if !known {
		return Table{}, false
	}
	if err := e.CreateTable(context.Background(), name, cols); err != nil {
		return Table{}, false
	}
	return e.Table(name)
}

func qualified(st Statement, parts []string) []string {
	switch len(parts) {
	case 1:
		return []string{st.Catalog, st.Schema, parts[0]}
	case 2:
		return []string{st.Catalog, parts[0], parts[1]}
	}
	return parts
}

// clockWords are Spark's niladic clock functions; the engine answers them
// from the emulator clock, not SQLite's wall clock.
var clockWords = map[string]bool{"current_timestamp": true, "now": true, "current_date": true, "curdate": true}

func (e *Engine) query(ctx context.Context, st Statement, toks, sig []token) (*Result, error) {
	refs, functions := tableRefs(sig)
	if len(functions) > 0 {
		f := functions[0]
		return nil, unresolvedRoutine(strings.Join(f.parts, "."))
	}
	// replacements by byte offset: what to write instead of [pos, end).
	type repl struct {
		end  int
		text string
	}
	out := map[int]repl{}
	for _, r := range refs {
		t, ok := e.resolve(st, r.parts)
		if !ok {
			return nil, tableNotFound(st.SQL, sig[r.from].pos, qualified(st, r.parts))
		}
		last := sig[r.to-1]
		out[sig[r.from].pos] = repl{end: last.pos + len(last.text), text: sqliteIdent(t.Name)}
	}
	now := e.now().UTC()
	provided := map[string]bool{}
	for _, p := range st.Params {
		provided[strings.ToLower(p.Name)] = true
	}
	for i, t := range sig {
		next := func(k int) string {
			if i+k < len(sig) {
				return sig[i+k].text
			}
			return ""
		}
		switch {
		case t.kind == tokString:
			out[t.pos] = repl{end: t.pos + len(t.text), text: sqliteString(canonicalTimestamp(t.value))}
		case t.kind == tokParam && !provided[strings.ToLower(t.value)]:
			return nil, &Error{Class: "UNBOUND_SQL_PARAMETER", SQLState: "42P02",
				Message:  fmt.Sprintf("Found the unbound parameter: %s. Please, fix `args` and provide a mapping of the parameter to either a SQL literal or collection constructor functions such as `map()`, `array()`, `struct()`.", t.value),
				Position: "; " + strings.Replace(position(st.SQL, t.pos), ",", "", 1)}
		case t.kind == tokWord && strings.HasPrefix(strings.ToLower(t.value), "sqlite_"):
			return nil, unresolvedRoutine(t.value)
		case t.kind == tokWord && clockWords[strings.ToLower(t.value)] && (i == 0 || sig[i-1].text != "."):
			end := t.pos + len(t.text)
			if next(1) == "(" && next(2) == ")" {
				end = sig[i+2].pos + 1
			} else if next(1) == "(" {
				continue // a column or function SQLite will judge
			}
			v := now.Format(TimestampFormat)
			if w := strings.ToLower(t.value); w == "current_date" || w == "curdate" {
				v = now.Format(DateFormat)
			}
			out[t.pos] = repl{end: end, text: sqliteString(v)}
		case t.kind == tokWord && next(1) == "(":
			if to, ok := functionRenames[strings.ToLower(t.value)]; ok {
				out[t.pos] = repl{end: t.pos + len(t.text), text: to}
			}
		}
	}
	var b strings.Builder
	for i := 0; i < len(st.SQL); {
		if r, ok := out[i]; ok {
			b.WriteString(r.text)
			i = r.end
			continue
		}
		b.WriteByte(st.SQL[i])
		i++
	}
	args, err := bindParams(st.Params)
	if err != nil {
		return nil, err
	}
	rows, err := e.read.QueryContext(ctx, strings.TrimRight(strings.TrimSpace(b.String()), ";"), args...)
	if err != nil {
		return nil, translateCtx(ctx, st.SQL, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, translateCtx(ctx, st.SQL, err)
	}
	declared := make([]Column, len(types))
	known := make([]bool, len(types))
	for i, ct := range types {
		declared[i], known[i] = columnFromDecl(ct.DatabaseTypeName())
	}
	var raw [][]any
	res := &Result{}
	for rows.Next() {
		if st.RowLimit > 0 && int64(len(raw)) == st.RowLimit {
			res.Truncated = true
			break
		}
		vals := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, translateCtx(ctx, st.SQL, err)
		}
		raw = append(raw, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, translateCtx(ctx, st.SQL, err)
	}
	for i, ct := range types {
		col := ResultColumn{Name: ct.Name(), Position: i}
		if known[i] {
			col.TypeName, col.TypeText = declared[i].TypeName, manifestTypeText(declared[i].TypeText)
		} else {
			col.TypeName = "STRING"
			for _, r := range raw {
				if r[i] != nil {
					col.TypeName = valueType(r[i])
					break
				}
			}
			col.TypeText = manifestTypeText(typeNameText[col.TypeName])
		}
		res.Columns = append(res.Columns, col)
	}
	res.Rows = make([][]*string, len(raw))
	for r, vals := range raw {
		out := make([]*string, len(vals))
		for i, v := range vals {
			out[i] = render(res.Columns[i].TypeName, v)
		}
		res.Rows[r] = out
	}
	return res, nil
}

// translateCtx reports a cancelled statement as such, and other failures
// in Databricks' terms.
func translateCtx(ctx context.Context, sqlText string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return translate(sqlText, err)
}

var decimalType = regexp.MustCompile(`^(DECIMAL|DEC|NUMERIC)(\s*\(\s*\d+\s*(,\s*\d+\s*)?\))?$`)

// bindParams casts parameter values to their declared types.
func bindParams(params []Param) ([]any, error) {
	args := make([]any, 0, len(params))
	for _, p := range params {
		v := p.Value
		if s, ok := v.(string); ok {
			typ := strings.ToUpper(strings.TrimSpace(p.Type))
			c := Column{Name: p.Name, TypeText: strings.ToLower(typ)}
			switch {
			case typ == "" || typ == "STRING" || strings.HasPrefix(typ, "VARCHAR") || strings.HasPrefix(typ, "CHAR"):
				c = Column{}
			case decimalType.MatchString(typ):
				c.TypeText = "decimal"
			}
			if c.TypeText != "" {
				nc, err := normalizeColumn(c)
				if err != nil || nc.TypeName == "MAP" || nc.TypeName == "STRUCT" || nc.TypeName == "ARRAY" {
					return nil, &Error{Class: "INVALID_PARAMETER_MARKER_VALUE.INVALID_VALUE_FOR_DATA_TYPE", SQLState: "22023",
						Message: fmt.Sprintf("The parameter %s has type %q, which is not a supported parameter type.", p.Name, p.Type)}
				}
				sv, err := toStorage(nc, s)
				if err != nil {
					return nil, &Error{Class: "CAST_INVALID_INPUT", SQLState: "22018",
						Message: fmt.Sprintf("The value '%s' of the type \"STRING\" cannot be cast to \"%s\" because it is malformed. Correct the value as per the syntax, or change its target type.", s, typ)}
				}
				v = sv
			}
		} else if t, ok := v.(time.Time); ok {
			v = t.UTC().Format(TimestampFormat)
		} else if b, ok := v.(bool); ok {
			v = 0
			if b {
				v = 1
			}
		}
		args = append(args, sql.Named(p.Name, v))
	}
	return args, nil
}

func strResult(names, typeNames []string, rows [][]string) *Result {
	res := &Result{}
	for i, n := range names {
		res.Columns = append(res.Columns, ResultColumn{Name: n, TypeName: typeNames[i], TypeText: manifestTypeText(typeNameText[typeNames[i]]), Position: i})
	}
	for _, r := range rows {
		row := make([]*string, len(r))
		for i := range r {
			row[i] = &r[i]
		}
		res.Rows = append(res.Rows, row)
	}
	return res
}

// show runs SHOW TABLES [IN|FROM schema] [LIKE 'pattern'] with the
// columns Databricks returns: database, tableName, isTemporary.
func (e *Engine) show(st Statement, sig []token) (*Result, error) {
	if len(sig) < 2 || !sig[1].is("tables") {
		at := sig[len(sig)-1]
		if len(sig) > 1 {
			at = sig[1]
		}
		return nil, &Error{Class: "UNSUPPORTED_FEATURE", SQLState: "0A000",
			Message: fmt.Sprintf("The emulator's SQL warehouse runs SHOW TABLES; SHOW %s is answered by the Unity Catalog API instead.", strings.ToUpper(at.text))}
	}
	i := 2
	catalog, schema := st.Catalog, st.Schema
	if i < len(sig) && (sig[i].is("in") || sig[i].is("from")) {
		parts, next := readName(sig, i+1)
		switch len(parts) {
		case 1:
			schema = parts[0]
		case 2:
			catalog, schema = parts[0], parts[1]
		default:
			return nil, syntaxError(st.SQL, sig[min(i+1, len(sig)-1)].pos, sig[min(i+1, len(sig)-1)].text)
		}
		i = next
	}
	var like *regexp.Regexp
	if i < len(sig) && sig[i].is("like") {
		i++
	}
	if i < len(sig) && sig[i].kind == tokString {
		alts := strings.Split(sig[i].value, "|")
		for k, a := range alts {
			alts[k] = strings.ReplaceAll(regexp.QuoteMeta(strings.TrimSpace(a)), `\*`, ".*")
		}
		like = regexp.MustCompile("(?i)^(" + strings.Join(alts, "|") + ")$")
		i++
	}
	if i < len(sig) {
		return nil, syntaxError(st.SQL, sig[i].pos, sig[i].text)
	}
	var rows [][]string
	for _, t := range e.Tables() {
		p := strings.Split(t.Name, ".")
		if p[0] != catalog || p[1] != schema || like != nil && !like.MatchString(p[2]) {
			continue
		}
		rows = append(rows, []string{p[1], p[2], "false"})
	}
	return strResult([]string{"database", "tableName", "isTemporary"}, []string{"STRING", "STRING", "BOOLEAN"}, rows), nil
}

// describe runs DESCRIBE [TABLE] [EXTENDED] name: col_name, data_type, comment.
func (e *Engine) describe(st Statement, sig []token) (*Result, error) {
	i := 1
	if i < len(sig) && sig[i].is("table") {
		i++
	}
	if i < len(sig) && (sig[i].is("extended") || sig[i].is("formatted")) {
		i++
	}
	if i >= len(sig) {
		return nil, &Error{Class: "PARSE_SYNTAX_ERROR", SQLState: "42601", Message: "Syntax error at or near end of input."}
	}
	parts, next := readName(sig, i)
	if len(parts) == 0 || next < len(sig) {
		at := sig[min(next, len(sig)-1)]
		return nil, syntaxError(st.SQL, at.pos, at.text)
	}
	t, ok := e.resolve(st, parts)
	if !ok {
		return nil, tableNotFound(st.SQL, sig[i].pos, qualified(st, parts))
	}
	rows := make([][]string, len(t.Columns))
	for k, c := range t.Columns {
		rows[k] = []string{c.Name, c.TypeText, c.Comment}
	}
	res := strResult([]string{"col_name", "data_type", "comment"}, []string{"STRING", "STRING", "STRING"}, rows)
	for _, r := range res.Rows {
		if *r[2] == "" {
			r[2] = nil
		}
	}
	return res, nil
}
