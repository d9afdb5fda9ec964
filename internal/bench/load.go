package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
)

// The load generator sends a fixed number of requests from a fixed number
// of concurrent clients and stops by itself. Counts are large enough for
// a stable p99 (a p99 over 4,000 requests was 40 requests: one GC pause)
// and small enough to finish in about a second each.
const (
	getRequests   = 20000
	writeRequests = 3000
	warmup        = 500
)

var concurrencies = []int{1, 8, 32}

// Offered rates: the goals are GET ≥ 30k req/s and durable writes
// ≥ 5k req/s, each with p99 < 5 ms at 32 clients. Closed-loop clients can
// only show the latency of a saturated emulator (32 requests always in
// flight: mean latency is 32 ÷ throughput by Little's law), so the goals'
// latency is also measured at exactly the goal's rate, open loop.
const (
	getRate   = 30000
	writeRate = 5000
	// rateSeconds is how long an open-loop run offers its rate.
	rateSeconds = 1
)

const createBody = `{"cluster_name":"load","spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","num_workers":1}`

// emulatorLoad measures a `brickops emulator` process with its default
// durability (every acknowledged write fsynced): GET is clusters/get of
// one cluster, a write is clusters/create. Each kind runs closed loop at
// 1, 8 and 32 clients (throughput at saturation), then open loop at its
// goal rate from 32 clients (latency at that rate). The floors (floor.go)
// follow: the same GETs against a server that does nothing else, the same
// writes against an emulator that does not fsync, and the disk's fsync.
//
// The generator runs on one P while it loads. With two, Go wakes a second
// thread to look for work whenever an answer readies a goroutine while a P
// is idle, and on a 2-core host that thread's CPU comes from the server
// being measured. In seven
// alternating runs on one P and on two, the emulator's p99 at an offered
// 30k reads/s was lower in all seven pairs (2.52–5.30 against
// 4.39–20.36 ms), its 32-client GET and write p99s in six; writes at an
// offered 5k/s were no different. The HTTP floor still reached 67k–78k
// reads/s, so one P does not cap the generator on such a host.
func emulatorLoad(ctx context.Context, env *Env, report func(Result)) error {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	dataDir := filepath.Join(env.WorkDir, "load-emulator")
	proc, err := emuproc.Start(ctx, emuproc.Options{
		Bin: filepath.Join(env.BinDir, "brickops"), DataDir: dataDir, Stderr: env.Log,
	})
	if err != nil {
		return err
	}
	defer proc.Stop()
	var created struct {
		ClusterID string `json:"cluster_id"`
	}
	if status, err := proc.Call(ctx, http.MethodPost, "/api/2.1/clusters/create", jsonBody(createBody), &created); err != nil || status != 200 {
		return fmt.Errorf("creating the cluster to read: %d %v", status, err)
	}
	getURL := proc.Host + "/api/2.1/clusters/get?cluster_id=" + created.ClusterID
	get, err := newTarget(http.MethodGet, getURL, "", proc.Token)
	if err != nil {
		return err
	}
	write, err := newTarget(http.MethodPost, proc.Host+"/api/2.1/clusters/create", createBody, proc.Token)
	if err != nil {
		return err
	}
	if _, _, err := get.run(ctx, warmup, 4, 0); err != nil {
		return err
	}
	for _, kind := range []struct {
		name   string
		n      int
		rate   int
		target *target
	}{{"get", getRequests, getRate, get}, {"write", writeRequests, writeRate, write}} {
		if err := loadFigures(ctx, "emulator_"+kind.name, kind.target, proc.Pid(), kind.n, kind.rate, concurrencies, report); err != nil {
			return err
		}
	}

	if err := httpFloor(ctx, getURL, proc.Token, report); err != nil {
		return err
	}
	if err := writeFloor(ctx, env, report); err != nil {
		return err
	}
	syncs, err := fsyncLatencies(dataDir, fsyncSamples)
	if err != nil {
		return fmt.Errorf("timing fsync in %s: %w", dataDir, err)
	}
	report(Result{"disk_fsync_p50", round(millis(percentile(syncs, 50))), "ms"})
	report(Result{"disk_fsync_p99", round(millis(percentile(syncs, 99))), "ms"})
	return nil
}

// httpFloor runs the 32-client reads against a server that answers with
// getURL's answer and does nothing else.
func httpFloor(ctx context.Context, getURL, token string, report func(Result)) error {
	answer, err := answerOf(ctx, getURL, token)
	if err != nil {
		return err
	}
	floor, err := startFloor(ctx, answer)
	if err != nil {
		return err
	}
	defer floor.stop()
	get, err := newTarget(http.MethodGet, "http://"+floor.addr+answer.Request.URL.RequestURI(), "", token)
	if err != nil {
		return err
	}
	if _, _, err := get.run(ctx, warmup, 4, 0); err != nil {
		return err
	}
	return loadFigures(ctx, "floor_get", get, floor.pid(), getRequests, getRate, []int{32}, report)
}

// writeFloor runs the 32-client writes against the emulator started with
// --no-fsync: what the emulator's writes cost without waiting for the disk.
// Where system calls are slow it can do worse than the durable emulator at
// saturation, because its commits gather fewer writes (performance guide).
func writeFloor(ctx context.Context, env *Env, report func(Result)) error {
	proc, err := emuproc.Start(ctx, emuproc.Options{
		Bin: filepath.Join(env.BinDir, "brickops"), DataDir: filepath.Join(env.WorkDir, "load-emulator-no-fsync"),
		Args: []string{"--no-fsync"}, Stderr: env.Log,
	})
	if err != nil {
		return err
	}
	defer proc.Stop()
	write, err := newTarget(http.MethodPost, proc.Host+"/api/2.1/clusters/create", createBody, proc.Token)
	if err != nil {
		return err
	}
	return loadFigures(ctx, "floor_write", write, proc.Pid(), writeRequests, writeRate, []int{32}, report)
}

// fsyncSamples is enough for a p99 and takes about half a second.
const fsyncSamples = 1000

// loadFigures sends n requests of target closed loop at each of the
// concurrencies, then at rate open loop from 32 clients, and reports
// throughput, p50 and p99 of each run and, at 32 clients closed loop, the
// CPU the server (process pid) spent per request.
func loadFigures(ctx context.Context, prefix string, target *target, pid, n, rate int, concurrencies []int, report func(Result)) error {
	figures := func(prefix string, lat []time.Duration, elapsed time.Duration) {
		report(Result{prefix + "_throughput", round(float64(len(lat)) / elapsed.Seconds()), "req/s"})
		report(Result{prefix + "_p50", round(millis(percentile(lat, 50))), "ms"})
		report(Result{prefix + "_p99", round(millis(percentile(lat, 99))), "ms"})
	}
	for _, c := range concurrencies {
		var lat []time.Duration
		var elapsed time.Duration
		cpu, err := cpuPerRequest(pid, n, func() (err error) {
			lat, elapsed, err = target.run(ctx, n, c, 0)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s at %d clients: %w", prefix, c, err)
		}
		figures(fmt.Sprintf("%s_c%d", prefix, c), lat, elapsed)
		if c == 32 && cpu > 0 {
			report(Result{prefix + "_c32_cpu_per_request", round(float64(cpu.Nanoseconds()) / 1000), "µs"})
		}
	}
	lat, elapsed, err := target.run(ctx, rate*rateSeconds, 32, rate)
	if err != nil {
		return fmt.Errorf("%s at %d req/s: %w", prefix, rate, err)
	}
	figures(fmt.Sprintf("%s_c32_at%d", prefix, rate), lat, elapsed)
	return nil
}

// answerOf fetches url once: the answer the HTTP floor serves.
func answerOf(ctx context.Context, url, token string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s answered %d: %s", url, resp.StatusCode, body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// jsonBody passes a literal JSON document to emuproc.Call unchanged.
type jsonBody string

func (b jsonBody) MarshalJSON() ([]byte, error) { return []byte(b), nil }

// A target is one request sent over and over. net/http writes its bytes
// once and parses every answer, but no http.Client runs: its transport (a
// pool, two goroutines and channels per connection) cost this 2-core
// machine as much CPU as the emulator it measured, so the figures were the
// client's. Each client owns one keep-alive connection, as wrk's do.
type target struct {
	addr string
	wire []byte
}

func newTarget(method, url, body, token string) (*target, error) {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	var wire bytes.Buffer
	if err := req.Write(&wire); err != nil {
		return nil, err
	}
	return &target{addr: req.URL.Host, wire: wire.Bytes()}, nil
}

// run sends n requests from c concurrent clients and returns every
// request's latency and the wall time. With rate 0 the clients run closed
// loop (each sends its next request when its answer is in); with a rate,
// request i is due at start + i/rate and its latency counts from then, so
// a client that falls behind reports the wait too. Any answer but 200 is
// an error. Every client connects before the clock starts: the figures are
// the requests', not the TCP handshakes'.
func (t *target) run(ctx context.Context, n, c, rate int) ([]time.Duration, time.Duration, error) {
	conns := make([]net.Conn, 0, c)
	defer func() {
		for _, conn := range conns {
			conn.Close()
		}
	}()
	for range c {
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", t.addr)
		if err != nil {
			return nil, 0, err
		}
		conns = append(conns, conn)
	}
	var next atomic.Int64
	lats := make([][]time.Duration, c)
	errs := make([]error, c)
	var wg sync.WaitGroup
	start := time.Now()
	for w, conn := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lats[w], errs[w] = t.client(ctx, conn, &next, n, func(i int64) time.Time {
				if rate == 0 {
					return time.Now()
				}
				due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
				time.Sleep(time.Until(due))
				return due
			})
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, 0, err
		}
	}
	return slices.Concat(lats...), elapsed, nil
}

// client sends requests over conn while next stays below n; startOf waits
// until request i is due and says when it was.
func (t *target) client(ctx context.Context, conn net.Conn, next *atomic.Int64, n int, startOf func(i int64) time.Time) ([]time.Duration, error) {
	rd := bufio.NewReader(conn)
	lat := make([]time.Duration, 0, n)
	for i := next.Add(1) - 1; i < int64(n) && ctx.Err() == nil; i = next.Add(1) - 1 {
		t0 := startOf(i)
		if _, err := conn.Write(t.wire); err != nil {
			return nil, err
		}
		status, err := readAnswer(rd)
		if err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t0))
		if status != http.StatusOK {
			return nil, fmt.Errorf("%s answered %d", bytes.SplitN(t.wire, []byte(" HTTP/"), 2)[0], status)
		}
	}
	return lat, nil
}

// readAnswer reads one HTTP/1.1 answer from rd, drops its body and returns
// its status. It parses only what framing needs: the status line and
// Content-Length or chunked transfer. http.ReadResponse builds a header map
// for every answer: 1.75 µs and 12 allocations against 0.19 µs and none for
// a cluster's answer, and on this machine the generator's CPU is taken from
// the server it measures.
func readAnswer(rd *bufio.Reader) (int, error) {
	line, err := rd.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 200 OK\r\n"
	code, ok := digits(line[min(len(line), 9):min(len(line), 12)])
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || !ok {
		return 0, fmt.Errorf("malformed status line %q", line)
	}
	length, chunked := -1, false
	for {
		if line, err = rd.ReadSlice('\n'); err != nil {
			return 0, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			break
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case !found:
			return 0, fmt.Errorf("malformed header line %q", line)
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, ok = digits(value); !ok {
				return 0, fmt.Errorf("malformed Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		}
	}
	switch {
	case chunked:
		if _, err := io.Copy(io.Discard, httputil.NewChunkedReader(rd)); err != nil {
			return 0, err
		}
		// The chunked reader stops at the last chunk; the trailer follows,
		// up to a blank line.
		for {
			if line, err = rd.ReadSlice('\n'); err != nil {
				return 0, err
			}
			if len(bytes.TrimSpace(line)) == 0 {
				break
			}
		}
	case length >= 0:
		if _, err := rd.Discard(length); err != nil {
			return 0, err
		}
	default:
		return 0, fmt.Errorf("answer %d has neither Content-Length nor a chunked body", code)
	}
	return code, nil
}

// digits parses a non-empty run of ASCII digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' || n > 1<<40 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}

// percentile is the nearest-rank percentile p of lat.
func percentile(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := (len(s)*p+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}
