// Package heapfloor runs Go's garbage collector when the heap reaches the
// larger of a fixed floor and a multiple of the live heap, instead of a
// multiple alone (GOGC). A long-lived server whose live heap is a few MB but
// which allocates hundreds of MB a second is otherwise collected many times
// a second, and every cycle stops the world and takes a core for a few
// milliseconds: on 2 cores that is the tail of every request in flight.
package heapfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Policy says when to collect: when the heap reaches Floor bytes, or
// (1 + Percent/100) times the heap live after the last collection if that
// is more, as GOGC=Percent would.
type Policy struct {
	Floor   int64
	Percent int
}

// Limit is the heap size at which p collects, given the live heap.
func (p Policy) Limit(live uint64) int64 {
	return max(p.Floor, int64(live)*int64(100+p.Percent)/100)
}

// Keep applies p to this process for its lifetime. Go has no floor under
// GOGC, so proportional collection is turned off and the memory limit does
// the work: it is set to p's limit now and again after every collection,
// from the heap that collection found live. A live heap that grows past
// the floor therefore raises the limit with it, and the collector never
// chases a limit below what is live.
func Keep(p Policy) {
	debug.SetGCPercent(-1)
	retune(p)
}

// retune sets the limit from the live heap and asks to run again after the
// next collection: the cleanup of an object nothing references runs once
// the collector has found it unreachable.
func retune(p Policy) {
	debug.SetMemoryLimit(p.Limit(liveHeap()))
	sentinel := new([64]byte) // large enough to get its own allocation, not a shared tiny block
	runtime.AddCleanup(sentinel, retune, p)
}

// liveHeap is the heap marked live by the last collection.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
