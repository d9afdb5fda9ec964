package core

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// Table data: the rows of Unity Catalog tables (inference tables, monitor
// metric tables) live in an embedded SQL engine (package tabledata) beside
// the store, in tables.sqlite; a workspace hosted for ARM keeps its own
// under ws/<id>/, as its Unity Catalog is its own. The engine is opened on
// first use (most servers, in tests, never need one), closed with the
// server and emptied by the operator's reset.

type tableData struct {
	mu     sync.Mutex
	engine *tabledata.Engine
}

// TableData is the server's table engine, opened on first use.
func (s *Server) TableData() (*tabledata.Engine, error) {
	s.tables.mu.Lock()
	defer s.tables.mu.Unlock()
	if s.tables.engine != nil {
		return s.tables.engine, nil
	}
	dir := s.opts.DataDir
	if s.workspaceID != workspaceID {
		dir = filepath.Join(dir, "ws", s.workspaceID)
	}
	engine, err := tabledata.Open(dir, tabledata.Options{NoSync: s.opts.NoSync, Now: s.Now})
	if err != nil {
		return nil, fmt.Errorf("opening the table data of workspace %s: %w", s.workspaceID, err)
	}
	s.tables.engine = engine
	return engine, nil
}

// closeTableData releases the engine, if it was opened.
func (s *Server) closeTableData() error {
	s.tables.mu.Lock()
	defer s.tables.mu.Unlock()
	if s.tables.engine == nil {
		return nil
	}
	err := s.tables.engine.Close()
	s.tables.engine = nil
	return err
}

// resetTableData drops every table (the operator's reset).
func (s *Server) resetTableData() error {
	s.tables.mu.Lock()
	engine := s.tables.engine
	s.tables.mu.Unlock()
	if engine == nil {
		return nil
	}
	return engine.Reset(context.Background())
}
