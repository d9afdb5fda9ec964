package provider

import (
	"context"
	"fmt"
	"time"
)

// poll calls check until it reports done, fails, or ctx ends. It starts
// fast — the emulator and small changes settle in milliseconds — and backs
// off to a few seconds, which is gentle on a real workspace's rate limits.
func poll[T any](ctx context.Context, check func() (T, bool, error)) (T, error) {
	delay := 50 * time.Millisecond
	for {
		v, done, err := check()
		if err != nil || done {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, fmt.Errorf("timed out waiting: %w", ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}
