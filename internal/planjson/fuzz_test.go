package planjson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the plan loader the way a user's CI
// does (a file from `terraform show -json`): it either loads a plan that
// summarizes without panicking, or fails with an error naming the file.
// `make test` runs the seeds; `make fuzz` explores.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		`{"format_version":"1.2","resource_changes":[]}`,
		`{"format_version":"1.2","configuration":{"root_module":{}},"planned_values":{"root_module":{}},"resource_changes":[{"address":"brickops_cluster.a","mode":"managed","type":"brickops_cluster","name":"a","change":{"actions":["create"],"before":null,"after":{"cluster_name":"x","autotermination_minutes":0},"after_unknown":{"id":true},"after_sensitive":{"token":true}}}]}`,
		`{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":["delete","create"],"before":{"x":[1,{"y":null}]},"after":{"x":"s"},"before_sensitive":{"x":[true]}}}]}`,
		`{"format_version":"1.2","resource_changes":[{"change":{"actions":["no-op"]}}],"variables":{"v":{"value":"s"}}}`,
		`{"lineage":"x","version":4}`, `{"values":{}}`, `[`, `null`, `{}`, ``,
	} {
		f.Add([]byte(seed))
	}
	path := filepath.Join(f.TempDir(), "plan.json")
	f.Fuzz(func(t *testing.T, raw []byte) {
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := Load(path, "dev")
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		Summarize([]*Plan{p}, func(env string) bool { return env == "prod" })
	})
}
