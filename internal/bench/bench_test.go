package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/stackgen"
	"github.com/brickops/terraform-provider-brickops/internal/testbin"
)

func TestPercentile_isNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[int]time.Duration{50: 50 * time.Millisecond, 99: 99 * time.Millisecond, 100: 100 * time.Millisecond, 1: time.Millisecond} {
		if got := percentile(lat, p); got != want {
			t.Errorf("p%d = %v, want %v", p, got, want)
		}
	}
	if percentile(nil, 50) != 0 {
		t.Error("percentile of nothing should be 0")
	}
}

func TestLoad_sendsExactlyTheRequestCountAndStops(t *testing.T) {
	emu := emulatortest.Start(t)
	get, err := newTarget(http.MethodGet, emu.URL+"/api/2.1/clusters/spark-versions", "", emu.Token)
	if err != nil {
		t.Fatal(err)
	}
	lat, elapsed, err := get.run(context.Background(), 57, 8, 0)
	if err != nil || len(lat) != 57 || elapsed <= 0 {
		t.Fatalf("load: %d latencies in %v, %v", len(lat), elapsed, err)
	}
	if got := len(emu.Requests(t, "/api/2.1/clusters/spark-versions")); got != 57 {
		t.Errorf("the emulator saw %d requests, want 57", got)
	}
	// A non-200 answer is an error, not a figure.
	wrong, _ := newTarget(http.MethodGet, emu.URL+"/api/2.1/clusters/spark-versions", "", "wrong")
	_, _, err = wrong.run(context.Background(), 3, 1, 0)
	if err == nil || !strings.Contains(err.Error(), "GET /api/2.1/clusters/spark-versions answered 403") {
		t.Errorf("load with a wrong token: %v", err)
	}
}

// Open loop, request i is due at i/rate: 21 requests at 200 req/s cannot
// end before the last one is due, 100 ms in, however fast the emulator.
func TestLoad_atARateWaitsForEachRequestsTurn(t *testing.T) {
	emu := emulatortest.Start(t)
	create, err := newTarget(http.MethodPost, emu.URL+"/api/2.1/clusters/create", createBody, emu.Token)
	if err != nil {
		t.Fatal(err)
	}
	lat, elapsed, err := create.run(context.Background(), 21, 4, 200)
	if err != nil || len(lat) != 21 {
		t.Fatalf("load: %d latencies, %v", len(lat), err)
	}
	if elapsed < 100*time.Millisecond {
		t.Errorf("21 requests at 200 req/s took %v, want at least 100ms", elapsed)
	}
	if got := len(emu.Requests(t, "/api/2.1/clusters/create")); got != 21 {
		t.Errorf("the emulator saw %d creates, want 21", got)
	}
}

func TestRun_printsLinesInOrderAndStopsAtTheFirstFailure(t *testing.T) {
	var out bytes.Buffer
	env := &Env{Log: io.Discard}
	ran := []string{}
	mk := func(name string, err error) Benchmark {
		return Benchmark{Name: name, Run: func(_ context.Context, _ *Env, report func(Result)) error {
			ran = append(ran, name)
			report(Result{name + "_x", 1.5, "s"})
			return err
		}}
	}
	results, err := Run(context.Background(), env, []Benchmark{mk("a", nil), mk("b", errors.New("boom")), mk("c", nil)}, &out)
	if err == nil || err.Error() != "benchmark b: boom" || strings.Join(ran, ",") != "a,b" || len(results) != 2 {
		t.Errorf("Run: %v, ran %v, %d results", err, ran, len(results))
	}
	if out.String() != "BENCH a_x 1.5 s\nBENCH b_x 1.5 s\n" {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestWriteReport_recordsFiguresAndMachine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench", "results.json")
	if err := WriteReport(path, []Result{{"x", 2, "ms"}}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	var rep Report
	if err := json.Unmarshal(raw, &rep); err != nil || rep.NumCPU == 0 || len(rep.Results) != 1 || rep.Results[0] != (Result{"x", 2, "ms"}) {
		t.Errorf("report: %+v %v\n%s", rep, err, raw)
	}
}

// TestProviderStartup_reportsAFigure runs a real benchmark end to end: the
// cheapest one, so that `make test` proves the wiring without the cost.
func TestProviderStartup_reportsAFigure(t *testing.T) {
	env := &Env{BinDir: testbin.Dir(t), Terraform: testbin.Terraform(t), RepoRoot: testbin.RepoRoot(), WorkDir: t.TempDir(), Log: io.Discard}
	var out bytes.Buffer
	results, err := Run(context.Background(), env, []Benchmark{{Name: "provider-startup", Run: providerStartup}}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || !regexp.MustCompile(`^BENCH provider_schema_median \d+(\.\d+)? s\n$`).MatchString(out.String()) {
		t.Errorf("results %+v, output %q", results, out.String())
	}
}

// The official provider's workload is the same configuration with its
// provider and types.
func TestOfficialConfig_isTheSameWorkloadInTheOfficialProvidersTypes(t *testing.T) {
	got := officialConfig(stackgen.Config(4, scaleKinds))
	for _, want := range []string{`databricks = { source = "databricks/databricks" }`, `provider "databricks" {}`,
		`resource "databricks_cluster" "r0000"`, `resource "databricks_schema" "r0001"`, `resource "databricks_registered_model" "r0002"`,
		`catalog_name = databricks_catalog.stackgen.name`, `cluster_name            = "gen-0003"`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "brickops") {
		t.Errorf("brickops left in:\n%s", got)
	}
}

func TestMedianByPhase_foldsRepeatsInFirstRunOrder(t *testing.T) {
	s := time.Second
	got := medianByPhase([]phaseResult{
		{"apply", 9 * s, 5}, {"plan", 5 * s, 1}, {"get", 4 * s, 9}, {"plan", 3 * s, 1}, {"get", 6 * s, 9}, {"plan", 4 * s, 1}, {"get", 5 * s, 9}, {"destroy", 7 * s, 5},
	})
	want := []phaseResult{{"apply", 9 * s, 5}, {"plan", 4 * s, 1}, {"get", 5 * s, 9}, {"destroy", 7 * s, 5}}
	if !slices.Equal(got, want) {
		t.Errorf("medianByPhase = %v, want %v", got, want)
	}
}

// The generator reads answers back to back off one connection: each
// framing leaves the reader at the next answer's first byte.
func TestReadAnswer_readsEachFramingToItsEnd(t *testing.T) {
	stream := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 10\r\n\r\n{\"a\":\"b\"}\n" +
		"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"x\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n" +
		"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nno framing"
	rd := bufio.NewReader(strings.NewReader(stream))
	for _, want := range []int{200, 403, 204} {
		if got, err := readAnswer(rd); got != want || err != nil {
			t.Fatalf("readAnswer = %d, %v; want %d", got, err, want)
		}
	}
	if _, err := readAnswer(rd); err == nil || !strings.Contains(err.Error(), "answer 200 has neither Content-Length nor a chunked body") {
		t.Errorf("an answer without framing: %v", err)
	}
	for _, bad := range []string{"HTTP/1.1 2x0 OK\r\n\r\n", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n"} {
		if _, err := readAnswer(bufio.NewReader(strings.NewReader(bad))); err == nil || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("readAnswer(%q) = %v, want a malformed error", bad, err)
		}
	}
}

func TestCheck_saysWhetherEachGoalAndItsFloorHold(t *testing.T) {
	goals := []Goal{
		{What: "fast reads", Figure: "get_p99", Op: "<", Limit: 5, Floor: "floor_get_p99"},
		{What: "many writes", Figure: "writes", Op: "≥", Limit: 5000},
		{What: "no orphans", Figure: "orphans", Op: "≤", Limit: 0},
		{What: "not run", Figure: "absent", Op: "≤", Limit: 1},
	}
	results := []Result{
		{"get_p99", 6.04, "ms"}, {"floor_get_p99", 5.2, "ms"},
		{"writes", 5000, "req/s"}, {"orphans", 0, "objects"},
	}
	var out strings.Builder
	measured, met := WriteVerdicts(&out, Check(goals, results))
	if measured != 3 || met != 2 {
		t.Errorf("measured, met = %d, %d; want 3, 2", measured, met)
	}
	want := `GOAL missed fast reads: 6.04 ms, goal < 5; floor 5.2 ms, misses it too
GOAL met many writes: 5000 req/s, goal ≥ 5000
GOAL met no orphans: 0 objects, goal ≤ 0
GOAL unmeasured not run (absent not in this run)
`
	if out.String() != want {
		t.Errorf("verdicts:\n%s\nwant:\n%s", out.String(), want)
	}
	results[1].Value = 4.9
	out.Reset()
	WriteVerdicts(&out, Check(goals[:1], results))
	if got := out.String(); !strings.Contains(got, "GOAL missed fast reads: 6.04 ms, goal < 5; floor 4.9 ms, meets it\n") {
		t.Errorf("with the floor meeting the goal: %q", got)
	}
	results[0].Value, results[1].Value = 4.1, 5.2
	out.Reset()
	WriteVerdicts(&out, Check(goals[:1], results))
	if got := out.String(); !strings.Contains(got, "GOAL met fast reads: 4.1 ms, goal < 5; floor 5.2 ms, misses it\n") {
		t.Errorf("with only the floor missing the goal: %q", got)
	}
}

func TestGoals_nameFiguresTheBenchmarksReport(t *testing.T) {
	// Every goal's figure must be one a benchmark reports, or its verdict
	// would always read "unmeasured": the names are checked against the
	// committed results, which hold every figure of a full run.
	raw, err := os.ReadFile("../../bench/results.json")
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	for _, v := range Check(Goals, rep.Results) {
		if !v.Measured || (v.Floor != "" && !v.FloorMeasured) {
			t.Errorf("goal %q: figure %q or floor %q is not in bench/results.json", v.What, v.Figure, v.Floor)
		}
	}
}
