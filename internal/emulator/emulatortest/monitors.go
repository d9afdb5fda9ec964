package emulatortest

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
)

// SetMonitorDrift makes the next refreshes of the monitor on table report
// the given drift statistics per column.
func (e *Emulator) SetMonitorDrift(t testing.TB, table string, columns map[string]emulator.ColumnDrift) {
	t.Helper()
	body := map[string]any{"columns": columns}
	if status := e.Do(t, http.MethodPut, "/_emulator/monitors/"+url.PathEscape(table)+"/drift", body, nil); status != http.StatusOK {
		t.Fatalf("setting the drift of the monitor on %s: status %d", table, status)
	}
}

// RefreshDrift returns the drift metrics rows a succeeded refresh wrote.
func (e *Emulator) RefreshDrift(t testing.TB, table string, refreshID int64) []emulator.DriftMetricsRow {
	t.Helper()
	var out struct {
		DriftMetrics []emulator.DriftMetricsRow `json:"drift_metrics"`
	}
	path := fmt.Sprintf("/_emulator/monitors/%s/refreshes/%d/drift", url.PathEscape(table), refreshID)
	if status := e.Do(t, http.MethodGet, path, nil, &out); status != http.StatusOK {
		t.Fatalf("reading the drift of refresh %d of the monitor on %s: status %d", refreshID, table, status)
	}
	return out.DriftMetrics
}
