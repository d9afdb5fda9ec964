package reliability

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/compute"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
	"github.com/brickops/terraform-provider-brickops/internal/testbin"
)

const (
	crashWriters = 32
	// crashAfter is how many acknowledged writes the writers make, in
	// total, before the emulator is killed (or crashWithin passes): enough
	// that every writer has a request in flight when it dies.
	crashAfter  = 600
	crashWithin = 10 * time.Second
)

// writerLog is what one writer knows: the clusters the emulator
// acknowledged with the size it acknowledged last, and the one operation
// that was in flight when the emulator died (its outcome is unknown).
type writerLog struct {
	acked         map[string]int // cluster id → acknowledged num_workers
	names         map[string]string
	pendingCreate string // name of a create that got no answer
	pendingEdit   string // id of an edit that got no answer
	deleted       map[string]bool
	pendingDelete string // id of a permanent delete that got no answer
	refused       int    // writes the emulator refused, as it should
}

var crashNameRe = regexp.MustCompile(`^w(\d\d)-\d{4}$`)

// TestCrash_acknowledgedWritesSurviveKill9 runs 32 writers against a
// `brickops emulator` process with default durability, kills it with
// SIGKILL mid-stream and restarts it on the same data dir: every
// acknowledged create and edit is there, every acknowledged delete stays
// deleted, nothing is half-written, and the emulator serves normally.
// Writers also send writes the emulator must refuse: they share group
// commits with the acknowledged ones, and undoing them must not undo their
// neighbours.
func TestCrash_acknowledgedWritesSurviveKill9(t *testing.T) {
	bin := filepath.Join(testbin.Dir(t), "brickops")
	dataDir := t.TempDir()
	start := func() *emuproc.Process {
		p, err := emuproc.Start(context.Background(), emuproc.Options{Bin: bin, DataDir: dataDir, Stderr: &syncBuffer{}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	proc := start()
	// The SDK throttles itself to 15 requests/s by default; lift that so
	// 32 writers really are concurrent.
	cfg := client.Isolated(proc.Host, proc.Token)
	cfg.RateLimitPerSecond = 100000
	w, err := client.Workspace(cfg)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := make([]*writerLog, crashWriters)
	var total atomic.Int64
	var wg sync.WaitGroup
	for g := range crashWriters {
		l := &writerLog{acked: map[string]int{}, names: map[string]string{}, deleted: map[string]bool{}}
		logs[g] = l
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				name := fmt.Sprintf("w%02d-%04d", g, i)
				created, err := w.Clusters.Create(ctx, compute.CreateCluster{
					ClusterName: name, SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1,
					CustomTags: map[string]string{"writer": fmt.Sprint(g)},
				})
				if err != nil {
					l.pendingCreate = name
					return
				}
				l.acked[created.ClusterId], l.names[created.ClusterId] = 1, name
				total.Add(1)
				_, err = w.Clusters.Edit(ctx, compute.EditCluster{
					ClusterId: created.ClusterId, ClusterName: name, SparkVersion: "15.4.x-scala2.12",
					NodeTypeId: "Standard_DS3_v2", NumWorkers: 2, CustomTags: map[string]string{"writer": fmt.Sprint(g)},
				})
				if err != nil {
					l.pendingEdit = created.ClusterId
					return
				}
				l.acked[created.ClusterId] = 2
				total.Add(1)
				_, err = w.Clusters.Edit(ctx, compute.EditCluster{
					ClusterId: "no-such-" + name, ClusterName: name, SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 3,
				})
				var refusal *apierr.APIError
				if !errors.As(err, &refusal) {
					return // the emulator is gone (a refused edit cannot land)
				}
				l.refused++
				if i%4 == 3 {
					if err := w.Clusters.PermanentDeleteByClusterId(ctx, created.ClusterId); err != nil {
						l.pendingDelete = created.ClusterId
						return
					}
					delete(l.acked, created.ClusterId)
					l.deleted[created.ClusterId] = true
					total.Add(1)
				}
			}
		}()
	}
	t0 := time.Now()
	deadline := t0.Add(crashWithin)
	for total.Load() < crashAfter && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := proc.Kill(); err != nil {
		t.Fatal(err)
	}
	// The SDK retries refused connections; cancelling ends the writers.
	cancel()
	wg.Wait()
	t.Logf("%d writes acknowledged in %v before SIGKILL", total.Load(), time.Since(t0).Round(time.Millisecond))
	if total.Load() < crashWriters {
		t.Fatalf("only %d writes were acknowledged before the kill", total.Load())
	}

	proc = start()
	defer func() {
		if err := proc.Stop(); err != nil {
			t.Errorf("stopping the restarted emulator: %v", err)
		}
	}()
	emu := emulatortest.Attach(proc.Host, proc.Token, proc.OperatorToken)
	w = emu.WorkspaceClient(t)
	bg := context.Background()
	all, err := w.Clusters.ListAll(bg, compute.ListClustersRequest{})
	if err != nil {
		t.Fatalf("listing after the restart: %v", err)
	}
	found := map[string]compute.ClusterDetails{}
	for _, c := range all {
		found[c.ClusterId] = c
	}
	var acked, pendingLanded int
	for g, l := range logs {
		for id, workers := range l.acked {
			acked++
			c, ok := found[id]
			switch {
			case !ok && id == l.pendingDelete:
				pendingLanded++
			case !ok:
				t.Errorf("writer %d: acknowledged cluster %s (%s) is gone", g, id, l.names[id])
			case c.ClusterName != l.names[id]:
				t.Errorf("cluster %s: name %q, acknowledged %q", id, c.ClusterName, l.names[id])
			case c.NumWorkers != workers && !(id == l.pendingEdit && c.NumWorkers == 2):
				t.Errorf("cluster %s: num_workers %d, acknowledged %d", id, c.NumWorkers, workers)
			}
		}
		if l.pendingEdit != "" && found[l.pendingEdit].NumWorkers == 2 {
			pendingLanded++
		}
	}
	// Every stored cluster is whole: a writer's acknowledged cluster or the
	// one create that writer had in flight, with its full spec.
	for _, c := range all {
		m := crashNameRe.FindStringSubmatch(c.ClusterName)
		if m == nil {
			t.Errorf("cluster %s has a name no writer gave: %q", c.ClusterId, c.ClusterName)
			continue
		}
		g, _ := strconv.Atoi(m[1])
		l := logs[g]
		if l.deleted[c.ClusterId] {
			t.Errorf("cluster %s (%s) was deleted, acknowledged, and is back", c.ClusterId, c.ClusterName)
			continue
		}
		if _, ok := l.acked[c.ClusterId]; !ok {
			if c.ClusterName != l.pendingCreate {
				t.Errorf("cluster %s (%s) was never acknowledged nor in flight", c.ClusterId, c.ClusterName)
			}
			pendingLanded++
		}
		if c.SparkVersion != "15.4.x-scala2.12" || c.NodeTypeId != "Standard_DS3_v2" || c.CustomTags["writer"] != strconv.Itoa(g) || c.State == "" {
			t.Errorf("cluster %s is incomplete: %+v", c.ClusterId, c)
		}
	}
	var deleted, refused int
	for _, l := range logs {
		deleted, refused = deleted+len(l.deleted), refused+l.refused
	}
	if deleted == 0 || refused == 0 {
		t.Errorf("the writers made %d deletes and %d refused writes before the kill; the test needs both", deleted, refused)
	}
	t.Logf("%d acknowledged writes on %d clusters (%d deleted) survived SIGKILL, between %d refused ones; %d in-flight writes landed too",
		total.Load(), acked, deleted, refused, pendingLanded)

	// The restarted emulator serves normally: reads, writes, health.
	wait, err := w.Clusters.Create(bg, compute.CreateCluster{ClusterName: "after-crash", SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2"})
	var created *compute.ClusterDetails
	if err == nil {
		created, err = wait.Get()
	}
	if err != nil || created.State != compute.StateRunning {
		t.Fatalf("creating after the restart: %+v %v", created, err)
	}
	var health map[string]string
	if status := emu.Do(t, "GET", "/_emulator/health", nil, &health); status != 200 || health["status"] != "ok" {
		t.Errorf("health after the restart: %d %v", status, health)
	}
}
