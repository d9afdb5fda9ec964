package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/testbin"
)

// The getting-started guide runs as written (regression, issue 15: its
// terraform init went to the public registry, its paths to bin/brickops
// broke after a cd, and promote could not find brickops.yaml). Every ```sh
// block of docs/guides/getting-started.md runs, in order, in one bash from
// this checkout, as a new user's terminal would, with a fresh HOME (so the
// provider lands in a mirror of its own) and the emulator on a free port
// instead of 8470 — the only change made to the text.
func TestGuide_gettingStartedRunsAsWritten(t *testing.T) {
	tf := testbin.Terraform(t)
	raw, err := os.ReadFile("docs/guides/getting-started.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(raw), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d shell blocks in the guide", len(blocks))
	}
	port := freePort(t)
	var script strings.Builder
	// Stop whatever the guide left running, even when a block fails.
	script.WriteString("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n")
	for i, b := range blocks {
		script.WriteString("echo '>>> block " + string(rune('1'+i)) + "' >&2\n")
		script.WriteString(strings.ReplaceAll(b[1], "127.0.0.1:8470", port))
	}

	home := t.TempDir()
	path := os.Getenv("PATH")
	if i := strings.LastIndex(tf, "/"); i > 0 {
		path = tf[:i] + ":" + path // the terraform the other tests use
	}
	env := []string{"HOME=" + home, "PATH=" + path, "MAKEFLAGS=", "CHECKPOINT_DISABLE=1", "LANG=C.UTF-8"}
	// The Go caches stay where they are: a new HOME must not mean a new
	// module download or a cold build.
	for _, k := range []string{"GOPATH", "GOCACHE", "GOMODCACHE", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		env = append(env, k+"="+strings.TrimSpace(string(out)))
	}
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Dir = testbin.RepoRoot()
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("the getting-started guide fails as written: %v\n%s", err, out.String())
	}
	for _, want := range []string{"installed brickops/brickops", "is valid", "Proposed: ", "No drift in **dev**", "No drift in **staging**"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the guide's output lacks %q:\n%s", want, out.String())
		}
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Regression (issue 15): four guides had an empty subcategory, and the
// emulator guide's "What it serves" missed serving endpoints, jobs and
// online tables. Every guide is filed under Guides, and every workspace API
// family the emulator routes is named in that table.
func TestGuides_subcategoryAndEmulatorCoverage(t *testing.T) {
	guides, err := filepath.Glob("docs/guides/*.md")
	if err != nil || len(guides) == 0 {
		t.Fatalf("guides: %v %v", guides, err)
	}
	for _, g := range guides {
		raw, _ := os.ReadFile(g)
		if !strings.Contains(string(raw), "\nsubcategory: \"Guides\"\n") {
			t.Errorf("%s is not filed under subcategory \"Guides\"", g)
		}
	}
	raw, err := os.ReadFile("docs/guides/emulator.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(raw)
	if i := strings.Index(section, "## What it serves"); i >= 0 {
		section = section[i:]
		if j := strings.Index(section[3:], "\n## "); j >= 0 {
			section = section[:j+3]
		}
	}
	emu := emulatortest.Start(t)
	var table struct{ Routes []emulator.Route }
	emu.Do(t, "GET", "/_emulator/routes", nil, &table)
	family := regexp.MustCompile(`^[A-Z]+ /api/2\.\d/(?:preview/)?([a-z-]+)/?`)
	seen := map[string]bool{}
	for _, r := range table.Routes {
		m := family.FindStringSubmatch(r.Pattern)
		if m == nil || seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		if !strings.Contains(section, "/"+m[1]) {
			t.Errorf("the emulator guide's \"What it serves\" does not name /%s (route %s)", m[1], r.Pattern)
		}
	}
	if len(seen) < 10 {
		t.Errorf("found only %d API families in the route table: %v", len(seen), seen)
	}
}

// Regression (issue 15): the first `make demo` spent two minutes in go build
// printing nothing. make says what it builds, and why the first time is slow.
func TestMake_saysWhatTheFirstBuildDoes(t *testing.T) {
	cmd := exec.Command("make", "--no-print-directory", "build", "GO=true", "BIN="+t.TempDir())
	cmd.Env = append(os.Environ(), "MAKEFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "the first build compiles the Databricks, Azure and Terraform SDKs: a minute or two") {
		t.Errorf("make build on a fresh bin/: %v\n%s", err, out)
	}
	cmd = exec.Command("make", "--no-print-directory", "-n", "demo")
	cmd.Env = append(os.Environ(), "MAKEFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "running the demo:") {
		t.Errorf("make demo does not announce itself: %v\n%s", err, out)
	}
}
