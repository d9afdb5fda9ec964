package core

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/clock"
)

// The emulator's one clock (package clock): the host's time (Options.Now)
// plus an offset an operator grows with POST /_emulator/clock
// {"advance": "24h"}. Every service reads time through Server.Now, and
// registers with OnTick what becomes due as it moves (job schedules,
// monitor refresh schedules). The offset is in the store, so a restarted
// emulator keeps the time it was advanced to; a reset keeps it too (time
// does not run backwards). Hosted workspaces share the root's clock.

const (
	clockBucket = "emulator_clock"
	clockKey    = "offset"
	// clockInterval is how often the ticks run as host time passes.
	clockInterval = time.Second
)

func newClock(store Store, base func() time.Time) (*clock.Clock, error) {
	var offset time.Duration
	err := store.View(func(tx Tx) error {
		_, err := tx.Get(clockBucket, clockKey, &offset)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("loading the emulator clock: %w", err)
	}
	save := func(d time.Duration) error {
		return store.Update(func(tx Tx) error { return tx.Put(clockBucket, clockKey, d) })
	}
	return clock.New(base, offset, save), nil
}

// startClock runs the ticks every clockInterval until Close.
func (s *Server) startClock() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.clock.Run(ctx, clockInterval)
	}()
	s.stopClock = func() {
		cancel()
		<-done
	}
}

// OnTick registers what a service does when the clock moves: fn runs after
// every advance and every second, with the current time. A hosted
// workspace's registration ends when it closes.
func (s *Server) OnTick(fn clock.Tick) {
	s.WhenClosed(s.clock.OnTick(fn))
}

// clockView is the operator API's answer about the clock.
type clockView struct {
	Now      string `json:"now"`
	NowMs    int64  `json:"now_ms"`
	Offset   string `json:"offset"`
	OffsetMs int64  `json:"offset_ms"`
}

func (s *Server) clockView() clockView {
	now, off := s.clock.Now(), s.clock.Offset()
	return clockView{Now: now.UTC().Format(time.RFC3339Nano), NowMs: now.UnixMilli(), Offset: off.String(), OffsetMs: off.Milliseconds()}
}

func (s *Server) getClock(r *http.Request) (any, error) { return s.clockView(), nil }

// advanceClock moves the clock forward; everything scheduled in between
// happens, as if at its time, before the answer.
func (s *Server) advanceClock(r *http.Request) (any, error) {
	var req struct {
		Advance *string `json:"advance"`
	}
	if err := DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Advance == nil || *req.Advance == "" {
		return nil, InvalidParam("Missing required field: advance (a duration such as \"90s\", \"36h\" or \"7d\")")
	}
	d, err := parseAdvance(*req.Advance)
	if err != nil {
		return nil, InvalidParam("Invalid advance %q: %v", *req.Advance, err)
	}
	if _, err := s.clock.Advance(context.WithoutCancel(r.Context()), d); err != nil {
		return nil, InvalidParam("%v", err)
	}
	return s.clockView(), nil
}

// parseAdvance reads a Go duration, or whole days ("7d").
func parseAdvance(v string) (time.Duration, error) {
	bad := fmt.Errorf("want a duration such as \"90s\", \"36h\" or \"7d\"")
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, bad
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, bad
	}
	return d, nil
}
