package heapfloor

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPolicyLimit_isTheFloorUntilTheLiveHeapOutgrowsIt(t *testing.T) {
	p := Policy{Floor: 128 << 20, Percent: 400}
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, 128 << 20},
		{7 << 20, 128 << 20},   // 35 MiB at GOGC=400: the floor wins
		{25 << 20, 128 << 20},  // exactly 125 MiB: still the floor
		{100 << 20, 500 << 20}, // five times the live heap
		{1 << 30, 5 << 30},
	} {
		if got := p.Limit(tc.live); got != tc.want {
			t.Errorf("Limit(%d MiB) = %d MiB, want %d MiB", tc.live>>20, got>>20, tc.want>>20)
		}
	}
}

// Keep must follow the live heap after each collection: a floor of 16 MiB
// with 80 MiB live has to become at least 400 MiB (GOGC=400), or the
// collector would run continuously. Keep lasts for the process, so the
// policy stays in force for the rest of this test binary; nothing else in
// it depends on the collector's settings.
func TestKeep_raisesTheLimitWhenTheLiveHeapGrows(t *testing.T) {
	Keep(Policy{Floor: 16 << 20, Percent: 400})
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Fatalf("GOGC after Keep = %d, want off (-1)", got)
	}
	if got := debug.SetMemoryLimit(-1); got < 16<<20 {
		t.Fatalf("memory limit after Keep = %d MiB, want at least the 16 MiB floor", got>>20)
	}

	live := make([][]byte, 80)
	for i := range live {
		live[i] = make([]byte, 1<<20)
	}
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) < 400<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("memory limit stayed at %d MiB with 80 MiB live; want ≥ 400 MiB", debug.SetMemoryLimit(-1)>>20)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // cleanups run on their own goroutine
	}
	runtime.KeepAlive(live)
}
