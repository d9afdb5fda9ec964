package policy

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// FuzzCheck runs the built-in rule pack over arbitrary plans that the
// plan loader accepts: whatever the resources' attributes hold — wrong
// types, nulls, deep nesting — the check reports findings or an error,
// never a panic. `make test` runs the seeds; `make fuzz` explores.
func FuzzCheck(f *testing.F) {
	for _, seed := range []string{
		`{"format_version":"1.2","configuration":{"root_module":{}},"planned_values":{"root_module":{}},"resource_changes":[{"address":"brickops_cluster.a","mode":"managed","type":"brickops_cluster","name":"a","change":{"actions":["create"],"after":{"cluster_name":"x","autotermination_minutes":0,"node_type_id":"Standard_NC6","custom_tags":{"owner":"me"}}}}]}`,
		`{"format_version":"1.2","configuration":{"root_module":{}},"planned_values":{"root_module":{}},"resource_changes":[{"address":"brickops_cluster.a","type":"brickops_cluster","change":{"actions":["update"],"after":{"autotermination_minutes":"30","custom_tags":[1],"node_type_id":null}}}]}`,
		`{"format_version":"1.2","configuration":{"root_module":{}},"planned_values":{"root_module":{}},"resource_changes":[{"address":"brickops_serving_endpoint.e","type":"brickops_serving_endpoint","change":{"actions":["create"],"after":{"config":{"served_entities":[{"entity_version":{}}]}}}}]}`,
		`{"format_version":"1.2","configuration":{"root_module":{}},"planned_values":{"root_module":{}},"resource_changes":[{"address":"brickops_grants.g","type":"brickops_grants","change":{"actions":["delete"],"before":{"grant":[{"principal":7,"privileges":"ALL"}]}}}]}`,
		`{"format_version":"1.2","configuration":{"root_module":{}},"planned_values":{"root_module":{}},"resource_changes":[{"type":"brickops_quality_monitor","change":{"actions":["create"],"after":null}}]}`,
	} {
		f.Add([]byte(seed))
	}
	ctx := context.Background()
	engine, err := New(ctx, Options{})
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "plan.json")
	f.Fuzz(func(t *testing.T, raw []byte) {
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		plan, err := planjson.Load(path, "prod")
		if err != nil {
			return
		}
		_, _ = engine.Check(ctx, []*planjson.Plan{plan})
	})
}
