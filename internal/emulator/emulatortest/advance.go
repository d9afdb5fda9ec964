package emulatortest

import (
	"net/http"
	"testing"
	"time"
)

// AdvanceClock fast-forwards the emulator's clock by d ("90s", "24h",
// "7d"), as POST /_emulator/clock does; schedules due in between fire
// before it returns. It returns the emulator's new time.
func (e *Emulator) AdvanceClock(t testing.TB, d string) time.Time {
	t.Helper()
	var out struct {
		NowMs int64 `json:"now_ms"`
	}
	if status := e.Do(t, http.MethodPost, "/_emulator/clock", map[string]string{"advance": d}, &out); status != http.StatusOK {
		t.Fatalf("advancing the emulator clock by %s: status %d", d, status)
	}
	return time.UnixMilli(out.NowMs).UTC()
}
