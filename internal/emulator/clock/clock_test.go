package clock

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAdvanceMovesNowAndTicks(t *testing.T) {
	t.Parallel()
	host := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var saved time.Duration
	c := New(func() time.Time { return host }, time.Hour, func(d time.Duration) error { saved = d; return nil })
	if got := c.Now(); !got.Equal(host.Add(time.Hour)) {
		t.Fatalf("Now with a stored offset = %s", got)
	}
	var ticks []time.Time
	remove := c.OnTick(func(_ context.Context, now time.Time) { ticks = append(ticks, now) })
	now, err := c.Advance(context.Background(), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	want := host.Add(25 * time.Hour)
	if !now.Equal(want) || !c.Now().Equal(want) || saved != 25*time.Hour || c.Offset() != 25*time.Hour {
		t.Fatalf("after advance: now %s, clock %s, saved %s", now, c.Now(), saved)
	}
	if len(ticks) != 1 || !ticks[0].Equal(want) {
		t.Fatalf("ticks = %v, want one at %s", ticks, want)
	}
	remove()
	c.Tick(context.Background())
	if len(ticks) != 1 {
		t.Fatalf("a removed tick ran: %v", ticks)
	}
}

func TestAdvanceRefuses(t *testing.T) {
	t.Parallel()
	c := New(nil, 0, func(time.Duration) error { return errors.New("disk full") })
	for d, want := range map[time.Duration]string{
		-time.Second:   "only moves forward",
		MaxAdvance + 1: "longer than the limit",
		24 * time.Hour: "saving the clock: disk full",
	} {
		if _, err := c.Advance(context.Background(), d); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Advance(%s) = %v, want %q", d, err, want)
		}
	}
	if c.Offset() != 0 {
		t.Errorf("a refused advance moved the clock by %s", c.Offset())
	}
}
