// Package clock is the emulator's one clock. Every asynchronous state (a
// cluster starting, a job run, a monitor refresh) is derived from it, and
// every schedule (job cron schedules, monitor refresh schedules) fires from
// it. It follows the host's time plus an offset that only grows: an
// operator fast-forwards it (POST /_emulator/clock {"advance": "24h"}) and
// everything due in between happens as if at its time.
package clock

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Tick is run after the clock moved; it does whatever became due up to now
// (it keeps its own record of what it already did, so ticks may repeat).
type Tick func(ctx context.Context, now time.Time)

// Clock is safe for concurrent use.
type Clock struct {
	base func() time.Time

	mu     sync.Mutex
	offset time.Duration
	save   func(time.Duration) error

	tickMu sync.Mutex // one round of ticks at a time
	ticks  []namedTick
	nextID int
}

type namedTick struct {
	id int
	fn Tick
}

// New is a clock at base() + offset; save (nil: none) persists a new
// offset before an advance is acknowledged.
func New(base func() time.Time, offset time.Duration, save func(time.Duration) error) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base, offset: offset, save: save}
}

// Now is the emulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base().Add(c.offset)
}

// Offset is how far the clock has been advanced beyond the host's time.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// Persist saves the current offset again (after the store was emptied).
func (c *Clock) Persist() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.save == nil {
		return nil
	}
	return c.save(c.offset)
}

// OnTick registers fn to run after every advance and every Run interval;
// the returned function unregisters it (a hosted workspace that closes).
func (c *Clock) OnTick(fn Tick) (remove func()) {
	c.tickMu.Lock()
	defer c.tickMu.Unlock()
	c.nextID++
	id := c.nextID
	c.ticks = append(c.ticks, namedTick{id, fn})
	return func() {
		c.tickMu.Lock()
		defer c.tickMu.Unlock()
		c.ticks = slices.DeleteFunc(c.ticks, func(t namedTick) bool { return t.id == id })
	}
}

// MaxAdvance bounds one advance: a year of schedules is plenty for any
// test or demo, and keeps a typo ("24000h") from firing for minutes.
const MaxAdvance = 366 * 24 * time.Hour

// Advance moves the clock forward by d, persists it, and runs the ticks.
func (c *Clock) Advance(ctx context.Context, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("the clock only moves forward: advance %s is negative", d)
	}
	if d > MaxAdvance {
		return time.Time{}, fmt.Errorf("advance %s is longer than the limit of %s; advance in steps", d, MaxAdvance)
	}
	c.mu.Lock()
	next := c.offset + d
	if c.save != nil {
		if err := c.save(next); err != nil {
			c.mu.Unlock()
			return time.Time{}, fmt.Errorf("saving the clock: %w", err)
		}
	}
	c.offset = next
	c.mu.Unlock()
	return c.Tick(ctx), nil
}

// Tick runs every registered tick at the current time and returns it.
func (c *Clock) Tick(ctx context.Context) time.Time {
	c.tickMu.Lock()
	defer c.tickMu.Unlock()
	now := c.Now()
	for _, t := range c.ticks {
		t.fn(ctx, now)
	}
	return now
}

// Run ticks every interval until ctx ends, so schedules also fire as the
// host's time passes.
func (c *Clock) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.Tick(ctx)
		}
	}
}
