package emulator_test

import (
	"sync"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// fakeClock is a clock tests move by hand, to observe every intermediate
// state of an asynchronous transition.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// withClock makes the emulator read time from c.
func withClock(c *fakeClock) emulatortest.Option {
	return func(o *emulator.Options) { o.Now = c.Now }
}

// waitFor completes an SDK long-running call the non-deprecated way:
// waitFor[jobs.Run](w.Jobs.RunNow(ctx, req)) is RunNow(...).Get().
func waitFor[T any, W interface{ Get() (*T, error) }](w W, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return w.Get()
}
