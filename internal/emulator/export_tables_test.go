package emulator

import (
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/tabledata"
)

// ServeTableDataForTest registers the table data routes on s and releases
// its engine when the test ends. SPLIT-TEMP: routes() registers them once
// the emulator split lands.
func ServeTableDataForTest(t testing.TB, s *Server) {
	s.tableDataRoutes()
	t.Cleanup(func() { _ = s.closeTables() })
}

// TableEngineForTest is s's table data engine.
func TableEngineForTest(t testing.TB, s *Server) *tabledata.Engine {
	tables, err := s.tables()
	if err != nil {
		t.Fatal(err)
	}
	return tables.engine
}
