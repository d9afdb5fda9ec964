// Package browsertest drives a real, headless Chromium (Debian's chromium
// package) through the DevTools protocol with chromedp, for tests that look
// at the emulator's console the way a person does: it records every
// console error, exception and failed load the page reports, and saves
// screenshots as test artifacts.
//
// Nothing is downloaded: a test skips, saying how to install Chromium, when
// none is found — unless BRICKOPS_REQUIRE_CHROMIUM is set (CI sets it after
// installing the package), where a missing browser fails the test.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium with a fresh profile, closed when the
// test ends.
type Browser struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

// candidates are the names Chromium goes by; BRICKOPS_CHROMIUM overrides.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Find returns the Chromium binary, or "" when there is none.
func Find() string {
	names := candidates
	if p := os.Getenv("BRICKOPS_CHROMIUM"); p != "" {
		names = []string{p}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Start launches Chromium for t, or skips t when it is not installed.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := Find()
	if path == "" {
		msg := "Chromium is not installed, so the console's browser test cannot run: install Debian's chromium package (apt-get install chromium) or set BRICKOPS_CHROMIUM to a Chromium binary"
		if os.Getenv("BRICKOPS_REQUIRE_CHROMIUM") != "" {
			t.Fatal(msg + " (BRICKOPS_REQUIRE_CHROMIUM is set)")
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("mute-audio", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	b := &Browser{ctx: ctx}
	// Listen starts the browser; the runtime and log domains it enables
	// report console calls, exceptions and failed loads.
	if err := chromedp.Listen(ctx, b.record); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return b
}

// record keeps what the page reports as an error.
func (b *Browser) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		msg = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level != log.EntryLevelError {
			return
		}
		msg = fmt.Sprintf("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	b.mu.Lock()
	b.errors = append(b.errors, msg)
	b.mu.Unlock()
}

// Errors returns what the pages reported as errors so far.
func (b *Browser) Errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

// Do runs steps with a deadline, so a page that never shows what a test
// waits for fails the test instead of hanging it.
func (b *Browser) Do(timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// Eval evaluates a JavaScript expression in the page and decodes its value.
func Eval[T any](b *Browser, expression string) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expression))
}

// ArtifactsDir is where tests leave files for people to look at:
// $BRICKOPS_TEST_ARTIFACTS/<sub>, or bin/test-artifacts/<sub> in the
// repository.
func ArtifactsDir(t testing.TB, root, sub string) string {
	t.Helper()
	base := os.Getenv("BRICKOPS_TEST_ARTIFACTS")
	if base == "" {
		base = filepath.Join(root, "bin", "test-artifacts")
	}
	dir := filepath.Join(base, sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating the artifacts directory: %v", err)
	}
	return dir
}

// ViewportScreenshot is a PNG of what the window shows.
func (b *Browser) ViewportScreenshot() ([]byte, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}

// Screenshot saves the whole page as a PNG.
func (b *Browser) Screenshot(path string) error {
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", filepath.Base(path), err)
	}
	return os.WriteFile(path, png, 0o644)
}
