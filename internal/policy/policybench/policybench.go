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

// RegoPolicy is the user policy of the benchmark: typical conftest rules
// scanning every resource change, in Rego v1 (conftest's default syntax).
const RegoPolicy = `package main

deny contains msg if {
	rc := input.resource_changes[_]
	rc.type == "brickops_cluster"
	rc.change.after.num_workers > 8
	msg := sprintf("%s: more than 8 workers needs a capacity review", [rc.address])
}

warn contains msg if {
	rc := input.resource_changes[_]
	rc.change.actions[_] == "delete"
	msg := sprintf("%s is deleted", [rc.address])
}
`

// Plan generates `terraform show -json` output for an apply of n resource
// changes across the resource types the rule pack reads, with a share of
// violations so every rule has work to report. Like Terraform's output,
// every value carries the resource's whole schema (unset attributes as
// null or empty blocks), planned_values repeats the planned state and
// prior_state holds what exists: about 2 KB per change.
func Plan(n int) ([]byte, error) {
	changes := make([]any, 0, n)
	planned := make([]any, 0, n)
	var prior []any
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
			if after != nil {
				after = withSchema(k.typ, after)
				planned = append(planned, map[string]any{"address": addr, "mode": "managed", "type": k.typ, "name": k.name, "index": j,
					"provider_name": provider, "schema_version": 0, "values": after, "sensitive_values": map[string]any{}})
			}
			if before != nil {
				before = withSchema(k.typ, before.(map[string]any))
				prior = append(prior, map[string]any{"address": addr, "mode": "managed", "type": k.typ, "name": k.name, "index": j,
					"provider_name": provider, "schema_version": 0, "values": before, "sensitive_values": map[string]any{}})
			}
			changes = append(changes, map[string]any{
				"address": addr, "mode": "managed", "type": k.typ, "name": k.name, "index": j,
				"provider_name": provider,
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
		"planned_values":   map[string]any{"root_module": map[string]any{"resources": planned}},
		"resource_changes": changes,
		"prior_state": map[string]any{"format_version": "1.0", "terraform_version": "1.11.4",
			"values": map[string]any{"root_module": map[string]any{"resources": prior}}},
		"configuration": map[string]any{"provider_config": map[string]any{"brickops": map[string]any{"name": "brickops",
			"full_name": provider, "expressions": map[string]any{"host": map[string]any{"references": []string{"var.host"}}}}},
			"root_module": map[string]any{"resources": configs}},
	})
}

const provider = "registry.terraform.io/brickops/brickops"

// schemaAttributes are attributes of each type a plan shows unset: what
// makes a real plan several times larger than the values a policy reads.
var schemaAttributes = map[string][]string{
	"brickops_cluster": {"apply_policy_default_values", "autoscale", "azure_attributes", "cluster_log_conf", "data_security_mode",
		"docker_image", "driver_instance_pool_id", "enable_elastic_disk", "enable_local_disk_encryption", "idempotency_token",
		"init_scripts", "instance_pool_id", "is_pinned", "policy_id", "runtime_engine", "single_user_name", "spark_conf",
		"spark_env_vars", "ssh_public_keys", "workload_type", "cluster_id", "default_tags", "state", "url"},
	"brickops_registered_model": {"comment", "storage_location", "full_name", "metastore_id", "created_at", "created_by",
		"updated_at", "updated_by", "browse_only", "aliases"},
	"brickops_serving_endpoint": {"ai_gateway", "budget_policy_id", "description", "rate_limits", "route_optimized",
		"traffic_config", "endpoint_id", "state", "creator", "creation_timestamp", "last_updated_timestamp", "permission_level"},
	"brickops_quality_monitor": {"assets_dir", "baseline_table_name", "custom_metrics", "data_classification_config",
		"inference_log", "notifications", "schedule", "skip_builtin_dashboard", "slicing_exprs", "snapshot", "time_series",
		"warehouse_id", "dashboard_id", "drift_metrics_table_name", "profile_metrics_table_name", "status", "monitor_version"},
	"brickops_grants": {"catalog", "function", "model", "table", "volume", "external_location", "storage_credential", "id"},
}

// withSchema adds the type's unset attributes to v, as Terraform writes
// them: null for attributes, an empty list for blocks.
func withSchema(typ string, v map[string]any) map[string]any {
	for i, a := range schemaAttributes[typ] {
		if _, ok := v[a]; ok {
			continue
		}
		if i%3 == 0 {
			v[a] = []any{}
		} else {
			v[a] = nil
		}
	}
	return v
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
