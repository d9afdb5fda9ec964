package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The floor is what this host allows any server, measured in the same run
// as the emulator so that its figures can be read against the host's state
// at that moment: the same machine has given a do-nothing net/http server
// 59k req/s with p99 4 ms in one hour and 30k req/s with p99 6–8 ms in
// another. Two floors are measured:
//
//   - an HTTP floor: a server in its own process that answers every request
//     with the emulator's own clusters/get answer (same bytes, same
//     headers) and does nothing else, loaded by the same generator;
//   - a disk floor: the latency of one fsync after a 4 KiB append in the
//     emulator's data directory, about the least a durable write can wait
//     (bbolt's commit syncs twice).

// FloorServerArg, as the bench command's only argument, makes the command
// the HTTP floor's server (see ServeFloor): the floor must run in a process
// of its own, as the emulator does, or it would share the generator's
// scheduler.
const FloorServerArg = "floor-server"

// ServeFloor reads one HTTP response from in (as http.Response.Write writes
// it), listens on a free loopback port, writes "addr\n" to out and answers
// every request with that response until the process ends.
func ServeFloor(in io.Reader, out io.Writer) error {
	resp, err := http.ReadResponse(bufio.NewReader(in), nil)
	if err != nil {
		return fmt.Errorf("reading the answer to serve: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the answer to serve: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(out, ln.Addr()); err != nil {
		return err
	}
	return http.Serve(ln, floorHandler(resp.StatusCode, resp.Header, body))
}

// floorHandler answers with status, the given header values and body,
// whatever was asked.
func floorHandler(status int, header http.Header, body []byte) http.Handler {
	header = header.Clone()
	for _, h := range []string{"Date", "Content-Length", "Transfer-Encoding", "Connection"} {
		header.Del(h) // net/http writes these for each answer
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// floorServer is a running HTTP floor.
type floorServer struct {
	addr string
	cmd  *exec.Cmd
}

// startFloor starts the HTTP floor serving answer in a child process: this
// very program, run with FloorServerArg.
func startFloor(ctx context.Context, answer *http.Response) (*floorServer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the bench program to run the floor: %w", err)
	}
	var wire bytes.Buffer
	if err := answer.Write(&wire); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, FloorServerArg)
	cmd.Stdin = &wire
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the floor server: %w", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("the floor server did not say where it listens: %w", err)
	}
	return &floorServer{addr: strings.TrimSpace(line), cmd: cmd}, nil
}

func (f *floorServer) pid() int { return f.cmd.Process.Pid }

func (f *floorServer) stop() {
	_ = f.cmd.Process.Kill()
	_ = f.cmd.Wait()
}

// processCPU is the user and system CPU time process pid has used so far.
func processCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	return statCPU(raw)
}

// statCPU reads utime + stime from a /proc/<pid>/stat line.
func statCPU(raw []byte) (time.Duration, error) {
	// The command name (field 2) is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, the 12th and 13th after it.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, errors.New("unexpected /proc stat format")
	}
	fields := strings.Fields(string(raw[i+1:]))
	if len(fields) < 13 {
		return 0, errors.New("unexpected /proc stat format")
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc stat format: %w", err)
		}
		ticks += n
	}
	// /proc counts in USER_HZ, which Linux fixes at 100 for user space.
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// cpuPerRequest runs measure and says how much CPU process pid spent on
// each of its n requests, or 0 where /proc cannot tell (not Linux).
func cpuPerRequest(pid, n int, measure func() error) (time.Duration, error) {
	before, cerr := processCPU(pid)
	if err := measure(); err != nil {
		return 0, err
	}
	after, err := processCPU(pid)
	if cerr != nil || err != nil || n == 0 {
		return 0, nil
	}
	return (after - before) / time.Duration(n), nil
}

// fsyncLatencies appends 4 KiB n times to a scratch file in dir and times
// each append with its fsync.
func fsyncLatencies(dir string, n int) ([]time.Duration, error) {
	f, err := os.CreateTemp(dir, "fsync-floor-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	lat := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		if _, err := f.Write(page); err != nil {
			return nil, err
		}
		if err := f.Sync(); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t0))
	}
	return lat, nil
}
