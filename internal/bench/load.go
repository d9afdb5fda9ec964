package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
)

// The load generator sends a fixed number of requests from a fixed number
// of concurrent clients and stops by itself. Counts are large enough for
// a stable p99 and small enough to finish in seconds.
const (
	getRequests   = 4000
	writeRequests = 1000
	warmup        = 200
)

var concurrencies = []int{1, 8, 32}

const createBody = `{"cluster_name":"load","spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","num_workers":1}`

// emulatorLoad measures a `brickops emulator` process with its default
// durability (every acknowledged write fsynced): GET is clusters/get of
// one cluster, a write is clusters/create.
func emulatorLoad(ctx context.Context, env *Env, report func(Result)) error {
	proc, err := emuproc.Start(ctx, emuproc.Options{
		Bin: filepath.Join(env.BinDir, "brickops"), DataDir: filepath.Join(env.WorkDir, "load-emulator"), Stderr: env.Log,
	})
	if err != nil {
		return err
	}
	defer proc.Stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
	var created struct {
		ClusterID string `json:"cluster_id"`
	}
	if status, err := proc.Call(ctx, http.MethodPost, "/api/2.1/clusters/create", jsonBody(createBody), &created); err != nil || status != 200 {
		return fmt.Errorf("creating the cluster to read: %d %v", status, err)
	}
	get := func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, proc.Host+"/api/2.1/clusters/get?cluster_id="+created.ClusterID, nil)
	}
	write := func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodPost, proc.Host+"/api/2.1/clusters/create", bytes.NewReader([]byte(createBody)))
	}
	if _, _, err := load(client, proc.Token, warmup, 4, get); err != nil {
		return err
	}
	for _, kind := range []struct {
		name string
		n    int
		req  func() (*http.Request, error)
	}{{"get", getRequests, get}, {"write", writeRequests, write}} {
		for _, c := range concurrencies {
			lat, elapsed, err := load(client, proc.Token, kind.n, c, kind.req)
			if err != nil {
				return fmt.Errorf("%s at %d clients: %w", kind.name, c, err)
			}
			prefix := fmt.Sprintf("emulator_%s_c%d", kind.name, c)
			report(Result{prefix + "_throughput", round(float64(kind.n) / elapsed.Seconds()), "req/s"})
			report(Result{prefix + "_p50", round(millis(percentile(lat, 50))), "ms"})
			report(Result{prefix + "_p99", round(millis(percentile(lat, 99))), "ms"})
		}
	}
	return nil
}

// jsonBody passes a literal JSON document to emuproc.Call unchanged.
type jsonBody string

func (b jsonBody) MarshalJSON() ([]byte, error) { return []byte(b), nil }

// load sends n requests from c concurrent clients and returns every
// request's latency and the wall time. Any answer but 200 is an error.
func load(client *http.Client, token string, n, c int, newReq func() (*http.Request, error)) ([]time.Duration, time.Duration, error) {
	var next atomic.Int64
	lats := make([][]time.Duration, c)
	errs := make([]error, c)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				req, err := newReq()
				if err != nil {
					errs[w] = err
					return
				}
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs[w] = err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lats[w] = append(lats[w], time.Since(t0))
				if resp.StatusCode != http.StatusOK {
					errs[w] = fmt.Errorf("%s %s answered %d", req.Method, req.URL.Path, resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return nil, 0, err
		}
	}
	return slices.Concat(lats...), elapsed, nil
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
