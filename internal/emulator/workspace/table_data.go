package workspace

import (
	"sync"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// Table data: the rows of Unity Catalog tables live in the core's embedded
// SQL engine (core.Server.TableData); the SQL Statement Execution API
// (sql_statements.go) reads them and serving invocations
// (serving_invocations.go) write them. Unity Catalog stays the source of
// truth for which tables exist: a table the tables API knows and the engine
// does not is created empty on first read (ucTableColumns), and deleting
// it through the tables API drops its rows.

// liveState is a workspace's in-memory state beside the store: statements
// and their results, request counters and rate-limit windows. Like a
// warehouse session's, it does not survive a restart; the operator's reset
// empties it.
type liveState struct {
	statements *statementStore
	serving    *servingTraffic
}

var (
	liveMu sync.Mutex
	live   = map[*core.Server]*liveState{}
)

// tableDataLifecycle ties the workspace's live state to its server: dropped
// when the server closes, emptied on reset. Routes calls it once.
func (s *Service) tableDataLifecycle() {
	srv := s.Server
	s.WhenClosed(func() {
		liveMu.Lock()
		delete(live, srv)
		liveMu.Unlock()
	})
	s.WhenReset(func() {
		liveMu.Lock()
		delete(live, srv)
		liveMu.Unlock()
	})
}

// live is the workspace's in-memory state.
func (s *Service) live() *liveState {
	liveMu.Lock()
	defer liveMu.Unlock()
	l, ok := live[s.Server]
	if !ok {
		l = &liveState{statements: newStatementStore(), serving: newServingTraffic()}
		live[s.Server] = l
	}
	return l
}

// tables is the workspace's table engine, asking Unity Catalog about
// tables it does not hold.
func (s *Service) tables() (*tabledata.Engine, error) {
	engine, err := s.TableData()
	if err != nil {
		return nil, err
	}
	engine.SetLookup(s.ucTableColumns)
	return engine, nil
}

// ucTableColumns answers the engine's lookup: the columns of a table Unity
// Catalog knows.
func (s *Service) ucTableColumns(full string) ([]tabledata.Column, bool) {
	var t tableInfo
	var found bool
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		found, err = tx.Get(TablesBucket, full, &t)
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
