package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// res is one resource change in a hand-made plan, for rules over resource
// types whose provider is not built in these tests. The JSON has the shape
// `terraform show -json` writes (format 1.2): resource_changes plus the
// configuration block that tells set attributes from computed ones.
type res struct {
	addr    string // type.name
	actions []string
	before  map[string]any
	after   map[string]any
	unknown map[string]any
	// configured lists attributes set in configuration; nil means every
	// key of after.
	configured []string
	// refs maps a configured attribute to the references of its expression.
	refs map[string][]string
}

func create(addr string, after map[string]any) res {
	return res{addr: addr, actions: []string{"create"}, after: after}
}

func destroy(addr string, before map[string]any) res {
	return res{addr: addr, actions: []string{"delete"}, before: before}
}

func planDoc(rs ...res) map[string]any {
	var changes, cfg []any
	for _, r := range rs {
		typ, name, _ := strings.Cut(r.addr, ".")
		unknown := r.unknown
		if unknown == nil {
			unknown = map[string]any{}
		}
		changes = append(changes, map[string]any{
			"address": r.addr, "mode": "managed", "type": typ, "name": name,
			"provider_name": "registry.terraform.io/brickops/brickops",
			"change": map[string]any{
				"actions": r.actions, "before": r.before, "after": r.after,
				"after_unknown": unknown, "before_sensitive": map[string]any{}, "after_sensitive": map[string]any{},
			},
		})
		if r.after == nil {
			continue // deleted: no configuration left
		}
		configured := r.configured
		if configured == nil {
			for k := range r.after {
				configured = append(configured, k)
			}
			for k := range r.refs {
				if _, ok := r.after[k]; !ok {
					configured = append(configured, k)
				}
			}
			sort.Strings(configured)
		}
		exprs := map[string]any{}
		for _, k := range configured {
			if refs, ok := r.refs[k]; ok {
				exprs[k] = map[string]any{"references": refs}
			} else {
				exprs[k] = map[string]any{"constant_value": r.after[k]}
			}
		}
		cfg = append(cfg, map[string]any{"address": r.addr, "mode": "managed", "type": typ, "name": name,
			"provider_config_key": "brickops", "expressions": exprs, "schema_version": 0})
	}
	return map[string]any{
		"format_version": "1.2", "terraform_version": "1.11.4",
		"planned_values":   map[string]any{"root_module": map[string]any{}},
		"resource_changes": changes,
		"configuration":    map[string]any{"root_module": map[string]any{"resources": cfg}},
	}
}

// writePlan writes a hand-made plan for env and loads it.
func writePlan(t testing.TB, env string, rs ...res) *planjson.Plan {
	t.Helper()
	raw, err := json.Marshal(planDoc(rs...))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), env+".json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := planjson.Load(path, env)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// goodCluster passes every cluster rule with the default parameters.
func goodCluster() map[string]any {
	return map[string]any{
		"cluster_name": "etl", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2",
		"num_workers": 2, "autotermination_minutes": 30, "custom_tags": map[string]any{"owner": "data-eng"},
	}
}

// goodEndpoint passes every serving endpoint rule in prod, given a monitor
// on main.ml.fraud_payload.
func goodEndpoint() map[string]any {
	return map[string]any{
		"name": "fraud",
		"served_entities": []any{map[string]any{
			"name": "fraud-3", "entity_name": "main.ml.fraud", "entity_version": "3",
			"workload_size": "Small", "scale_to_zero_enabled": false,
		}},
		"auto_capture_config": []any{map[string]any{"catalog_name": "main", "schema_name": "ml", "enabled": true}},
		"tags":                []any{map[string]any{"key": "owner", "value": "ml-team"}},
	}
}

// goodJob is a retraining job on a job cluster under a policy, run as a
// service principal.
func goodJob() map[string]any {
	return map[string]any{
		"name": "retrain",
		"job_clusters": []any{map[string]any{"job_cluster_key": "train", "new_cluster": map[string]any{
			"policy_id": "E0631F5C0D0008A1", "spark_version": "15.4.x-cpu-ml-scala2.12", "spark_env_vars": map[string]any{"API_KEY": "{{secrets/ml/api-key}}"}}}},
		"tasks":  []any{map[string]any{"task_key": "train", "job_cluster_key": "train"}},
		"run_as": map[string]any{"service_principal_name": "9f0e7a44-52f6-4c1b-9a3d-0c6e2b1d7e55"},
	}
}

func goodMonitor() map[string]any {
	return map[string]any{"table_name": "main.ml.fraud_payload", "output_schema_name": "main.ml_monitoring",
		"assets_dir": "/Shared/monitors/fraud", "inference_log": []any{map[string]any{"problem_type": "PROBLEM_TYPE_CLASSIFICATION"}}}
}

// with returns a copy of m with key set to v (nil deletes it).
func with(m map[string]any, key string, v any) map[string]any {
	out := map[string]any{}
	for k, x := range m {
		out[k] = x
	}
	if v == nil {
		delete(out, key)
	} else {
		out[key] = v
	}
	return out
}
