package policy

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLocateResourceBlocks(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.tf":             "# clusters\nresource \"brickops_cluster\" \"etl\" {\n}\n\n  resource   \"brickops_cluster\"   \"ml\"   {\n}\n",
		"modules/team/x.tf":   "resource \"brickops_registered_model\" \"m\" {}\nresource \"brickops_cluster\" \"dup\" {}\n",
		"modules/other/y.tf":  "resource \"brickops_cluster\" \"dup\" {}\n",
		".terraform/mod/z.tf": "resource \"brickops_catalog\" \"hidden\" {}\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	idx := indexSources(dir)
	cases := []struct {
		address string
		file    string
		line    int
	}{
		{"brickops_cluster.etl", "main.tf", 2},
		{`brickops_cluster.ml["a"]`, "main.tf", 5},
		{"module.team[0].brickops_registered_model.m", "modules/team/x.tf", 1},
		{"module.team.brickops_cluster.dup", "", 0}, // two blocks: ambiguous
		{"brickops_catalog.hidden", "", 0},          // under .terraform
		{"data.brickops_node_type.small", "", 0},    // data sources are not findings
		{"", "", 0},
	}
	for _, c := range cases {
		loc, ok := idx.locate(c.address)
		if c.file == "" {
			if ok {
				t.Errorf("%s located at %+v", c.address, loc)
			}
			continue
		}
		if !ok || loc.File != filepath.Join(dir, c.file) || loc.Line != c.line {
			t.Errorf("%s = %+v %v, want %s:%d", c.address, loc, ok, c.file, c.line)
		}
	}
}
