// Package policybench measures `brickops policy check` on a large plan: a
// generated plan with 10,000 resource changes (the shape `terraform show
// -json` writes) checked against the built-in rule pack plus one
// conftest-style Rego policy, reporting wall time and peak memory.
package policybench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
	"github.com/brickops/terraform-provider-brickops/internal/policy"
)

// RegoPolicy is the user policy of the benchmark: a typical conftest rule
// scanning every resource change.
const RegoPolicy = `package main

deny[msg] {
	rc := input.resource_changes[_]
	rc.type == "brickops_cluster"
	rc.change.after.num_workers > 8
	msg := sprintf("%s: more than 8 workers needs a capacity review", [rc.address])
}

warn[msg] {
	rc := input.resource_changes[_]
	rc.change.actions[_] == "delete"
	msg := sprintf("%s is deleted", [rc.address])
}
`

// Plan generates `terraform show -json` output for an apply of n resource
// changes across the resource types the rule pack reads, with a share of
// violations so every rule has work to report.
func Plan(n int) ([]byte, error) {
	changes := make([]any, 0, n)
	var configs []any
	kinds := []struct {
		typ, name string
		share     int
	}{
		{"brickops_cluster", "c", 40}, {"brickops_registered_model", "m", 20}, {"brickops_serving_endpoint", "e", 15},
		{"brickops_quality_monitor", "q", 10}, {"brickops_grants", "g", 10}, {"brickops_catalog", "k", 5},
	}
	i := 0
	for _, k := range kinds {
		count := n * k.share / 100
		if k.typ == "brickops_catalog" {
			count = n - i // the remainder keeps the total exact
		}
		for j := 0; j < count; j++ {
			addr := fmt.Sprintf("%s.%s[%d]", k.typ, k.name, j)
			actions, before, after := []string{"create"}, any(nil), values(k.typ, j)
			switch {
			case k.typ == "brickops_catalog":
				actions, before, after = []string{"delete"}, map[string]any{"name": fmt.Sprintf("cat%d", j)}, nil
			case j%5 == 0:
				actions, before = []string{"update"}, values(k.typ, j+1)
			}
			changes = append(changes, map[string]any{
				"address": addr, "mode": "managed", "type": k.typ, "name": k.name, "index": j,
				"provider_name": "registry.terraform.io/brickops/brickops",
				"change": map[string]any{"actions": actions, "before": before, "after": after,
					"after_unknown": map[string]any{"id": true}, "before_sensitive": map[string]any{}, "after_sensitive": map[string]any{}},
			})
			i++
		}
		if k.typ != "brickops_catalog" {
			exprs := map[string]any{}
			for attr := range values(k.typ, 0) {
				exprs[attr] = map[string]any{"references": []string{"var." + attr}}
			}
			configs = append(configs, map[string]any{"address": k.typ + "." + k.name, "mode": "managed", "type": k.typ,
				"name": k.name, "expressions": exprs, "count_expression": map[string]any{"constant_value": count}})
		}
	}
	return json.Marshal(map[string]any{
		"format_version": "1.2", "terraform_version": "1.11.4",
		"planned_values":   map[string]any{"root_module": map[string]any{}},
		"resource_changes": changes,
		"configuration":    map[string]any{"root_module": map[string]any{"resources": configs}},
	})
}

func values(typ string, j int) map[string]any {
	switch typ {
	case "brickops_cluster":
		return map[string]any{"cluster_name": fmt.Sprintf("c%d", j), "spark_version": "15.4.x-scala2.12",
			"node_type_id": []string{"Standard_DS3_v2", "Standard_NC6s_v3"}[j%7/6], "num_workers": float64(j % 12),
			"autotermination_minutes": float64([]int{30, 60, 0, 240}[j%4]), "custom_tags": map[string]any{"owner": "team", "n": fmt.Sprint(j)}}
	case "brickops_registered_model":
		return map[string]any{"name": fmt.Sprintf("m%d", j), "catalog_name": "prod", "schema_name": "ml", "owner": []string{"ml-team", ""}[j%9/8]}
	case "brickops_serving_endpoint":
		return map[string]any{"name": fmt.Sprintf("e%d", j),
			"served_entities":     []any{map[string]any{"entity_name": fmt.Sprintf("prod.ml.m%d", j), "entity_version": "1", "scale_to_zero_enabled": j%10 == 0}},
			"auto_capture_config": []any{map[string]any{"catalog_name": "prod", "schema_name": "ml", "enabled": j%15 != 0}},
			"tags":                []any{map[string]any{"key": "owner", "value": "ml"}}}
	case "brickops_quality_monitor":
		return map[string]any{"table_name": fmt.Sprintf("prod.ml.e%d_payload", j), "output_schema_name": "prod.monitoring"}
	case "brickops_grants":
		principal := []string{"data-scientists", "account users"}[j%20/19]
		return map[string]any{"schema": "prod.ml", "grant": []any{map[string]any{"principal": principal, "privileges": []any{"ALL_PRIVILEGES"}}}}
	}
	return map[string]any{}
}

// Result is one measured run.
type Result struct {
	Name         string  `json:"name"`
	Changes      int     `json:"changes"`
	PlanBytes    int     `json:"plan_bytes"`
	Findings     int     `json:"findings"`
	LoadSeconds  float64 `json:"load_seconds"`
	CheckSeconds float64 `json:"check_seconds"`
	TotalSeconds float64 `json:"total_seconds"`
	// PeakHeapBytes is the largest Go heap in use seen during the run
	// (sampled); PeakRSSBytes is the process' maximum resident set size.
	PeakHeapBytes uint64 `json:"peak_heap_bytes"`
	PeakRSSBytes  uint64 `json:"peak_rss_bytes"`
}

func (r Result) String() string {
	return fmt.Sprintf("%s: %d changes (%.1f MB plan), %d findings: load %.3fs, check %.3fs, total %.3fs; peak heap %.1f MB, peak RSS %.1f MB",
		r.Name, r.Changes, float64(r.PlanBytes)/1e6, r.Findings, r.LoadSeconds, r.CheckSeconds, r.TotalSeconds,
		float64(r.PeakHeapBytes)/1e6, float64(r.PeakRSSBytes)/1e6)
}

// Run writes the plan and policy into dir and measures loading and checking
// them as `brickops policy check --policy DIR prod=PLAN` does.
func Run(ctx context.Context, dir string, n int) (Result, error) {
	raw, err := Plan(n)
	if err != nil {
		return Result{}, err
	}
	planPath, policyDir := filepath.Join(dir, "prod.json"), filepath.Join(dir, "policy")
	if err := os.MkdirAll(policyDir, 0o755); err != nil {
		return Result{}, err
	}
	if err := os.WriteFile(planPath, raw, 0o644); err != nil {
		return Result{}, err
	}
	if err := os.WriteFile(filepath.Join(policyDir, "capacity.rego"), []byte(RegoPolicy), 0o644); err != nil {
		return Result{}, err
	}
	raw = nil
	runtime.GC()

	stop := sampleHeap()
	start := time.Now()
	engine, err := policy.New(ctx, policy.Options{PolicyPaths: []string{policyDir}})
	if err != nil {
		return Result{}, err
	}
	plan, err := planjson.Load(planPath, "prod")
	if err != nil {
		return Result{}, err
	}
	loaded := time.Now()
	report, err := engine.Check(ctx, []*planjson.Plan{plan})
	if err != nil {
		return Result{}, err
	}
	done := time.Now()
	peakHeap := stop()
	info, _ := os.Stat(planPath)
	return Result{
		Name: "policy_check_10k", Changes: n, PlanBytes: int(info.Size()), Findings: len(report.Findings),
		LoadSeconds: loaded.Sub(start).Seconds(), CheckSeconds: done.Sub(loaded).Seconds(), TotalSeconds: done.Sub(start).Seconds(),
		PeakHeapBytes: peakHeap, PeakRSSBytes: maxRSS(),
	}, nil
}

// sampleHeap records the largest HeapInuse until the returned function is
// called, which returns it.
func sampleHeap() func() uint64 {
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	read := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mu.Lock()
		peak = max(peak, ms.HeapInuse)
		mu.Unlock()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		read()
		close(done)
		wg.Wait()
		return peak
	}
}

// maxRSS is the process' peak resident set size (Linux reports KiB).
func maxRSS() uint64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return uint64(ru.Maxrss) * 1024
}
