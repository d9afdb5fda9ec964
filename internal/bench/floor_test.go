package bench

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// The HTTP floor answers anything with the emulator's answer: same status,
// same body, same API headers.
func TestFloor_servesTheAnswerItWasGiven(t *testing.T) {
	body := `{"cluster_id":"1130-205934-mrl8p03v","state":"RUNNING"}` + "\n"
	answer := &http.Response{
		StatusCode: http.StatusOK, ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			"Content-Type":        {"application/json"},
			"X-Databricks-Org-Id": {"1234567890123456"},
			"Date":                {"Mon, 30 Nov 2026 20:59:34 GMT"},
		},
		ContentLength: int64(len(body)),
		Body:          io.NopCloser(strings.NewReader(body)),
	}
	var wire bytes.Buffer
	if err := answer.Write(&wire); err != nil {
		t.Fatal(err)
	}
	out, addrOut := io.Pipe()
	go func() { _ = ServeFloor(&wire, addrOut) }() // serves until the test binary ends
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/2.1/clusters/get?cluster_id=x", "/anything"} {
		resp, err := http.Get("http://" + strings.TrimSpace(addr) + path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || string(got) != body {
			t.Errorf("GET %s = %d %q, want 200 %q", path, resp.StatusCode, got, body)
		}
		if ct, org := resp.Header.Get("Content-Type"), resp.Header.Get("X-Databricks-Org-Id"); ct != "application/json" || org != "1234567890123456" {
			t.Errorf("GET %s headers: Content-Type %q, X-Databricks-Org-Id %q", path, ct, org)
		}
		if resp.Header.Get("Date") == "Mon, 30 Nov 2026 20:59:34 GMT" {
			t.Errorf("GET %s repeated the recorded Date instead of its own", path)
		}
	}
}

func TestStatCPU_addsUserAndSystemTicks(t *testing.T) {
	// A command name may hold spaces and parentheses; utime 250 and stime
	// 50 ticks of 10 ms are 3 s.
	line := "4242 (brick (ops) x) S 1 4242 4242 0 -1 4194560 800 0 0 0 250 50 0 0 20 0 9 0 100 0 0\n"
	got, err := statCPU([]byte(line))
	if err != nil || got != 3*time.Second {
		t.Errorf("statCPU = %v, %v; want 3s", got, err)
	}
	for _, bad := range []string{"4242 brickops S 1", "4242 (brickops) S 1 2", "4242 (b) S 1 2 3 4 5 6 7 8 9 10 x 50"} {
		if _, err := statCPU([]byte(bad)); err == nil {
			t.Errorf("statCPU(%q) gave no error", bad)
		}
	}
}

func TestCPUPerRequest_dividesTheServersCPUByTheRequests(t *testing.T) {
	before, err := processCPU(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here (%v): cpuPerRequest gives 0", err)
	}
	// This process is the server: it burns 50 ms of CPU (5 ticks) while
	// "answering" 5 requests.
	cpu, err := cpuPerRequest(os.Getpid(), 5, func() error {
		for now := before; now-before < 50*time.Millisecond; now, _ = processCPU(os.Getpid()) {
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cpu < 10*time.Millisecond || cpu > time.Second {
		t.Errorf("CPU per request = %v, want about 10 ms", cpu)
	}
}

func TestFsyncLatencies_timesEachAppendAndCleansUp(t *testing.T) {
	dir := t.TempDir()
	lat, err := fsyncLatencies(dir, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(lat) != 5 || lat[0] <= 0 {
		t.Errorf("latencies %v, want 5 positive ones", lat)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left %d files behind", len(left))
	}
}
