package emulator

import (
	"fmt"
	"path/filepath"
	"sync"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// Table data: the rows of Unity Catalog tables (inference tables, monitor
// metric tables, labels) live in the embedded SQL engine (package
// tabledata), in tables.sqlite next to the bbolt store; the SQL Statement
// Execution API (sql_statements.go) reads them. Unity Catalog stays the
// source of truth for which tables exist: a table the tables API knows and
// the engine does not is created empty on first read.
//
// A workspace hosted through ARM keeps its own Unity Catalog state, so it
// keeps its own engine file too (ws/<id>/tables.sqlite).

// workspaceTables is a workspace's table data: the engine and the state of
// its statements and endpoints' traffic.
type workspaceTables struct {
	engine     *tabledata.Engine
	statements *statementStore
	serving    *servingTraffic
}

// SPLIT-TEMP: until the emulator split lands, the state hangs off a map
// keyed by server instead of a Server field, so no existing file changes.
var (
	tablesMu  sync.Mutex
	tablesFor = map[*Server]*workspaceTables{}
)

// tables returns the workspace's table data, opening its engine on first use.
func (s *Server) tables() (*workspaceTables, error) {
	tablesMu.Lock()
	defer tablesMu.Unlock()
	if t, ok := tablesFor[s]; ok {
		return t, nil
	}
	dir := s.opts.DataDir
	if s.workspaceID != "" && s.workspaceID != workspaceID {
		dir = filepath.Join(dir, "ws", s.workspaceID)
	}
	engine, err := tabledata.Open(dir, tabledata.Options{NoSync: s.opts.NoSync, Now: s.now, Lookup: s.ucTableColumns})
	if err != nil {
		return nil, fmt.Errorf("opening table data: %w", err)
	}
	t := &workspaceTables{engine: engine, statements: newStatementStore(), serving: newServingTraffic()}
	tablesFor[s] = t
	return t, nil
}

// closeTables releases the workspace's engine (when the server closes).
func (s *Server) closeTables() error {
	tablesMu.Lock()
	t, ok := tablesFor[s]
	delete(tablesFor, s)
	tablesMu.Unlock()
	if !ok {
		return nil
	}
	return t.engine.Close()
}

// ucTableColumns answers the engine's lookup: the columns of a table Unity
// Catalog knows.
func (s *Server) ucTableColumns(full string) ([]tabledata.Column, bool) {
	var t tableInfo
	var found bool
	err := s.store.View(func(tx Tx) error {
		var err error
		found, err = tx.Get(tablesBucket, full, &t)
		return err
	})
	if err != nil || !found || len(t.Columns) == 0 {
		return nil, false
	}
	return engineColumns(t.Columns), true
}

// engineColumns converts Unity Catalog columns to the engine's.
func engineColumns(cols []columnInfo) []tabledata.Column {
	out := make([]tabledata.Column, len(cols))
	for i, c := range cols {
		out[i] = tabledata.Column{Name: c.Name, TypeText: c.TypeText, TypeName: c.TypeName, Comment: c.Comment, Position: c.Position,
			Nullable: c.Nullable == nil || *c.Nullable}
	}
	return out
}
