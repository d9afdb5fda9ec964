package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every example the docs show validates against the provider's schema:
// each examples/ directory is copied with a required_providers block (the
// examples leave it out for brevity) and run through terraform validate
// with the locally built provider.
func TestExamples_validate(t *testing.T) {
	bin := os.Getenv("BRICKOPS_BIN")
	if bin == "" {
		t.Skip("BRICKOPS_BIN is set by make; run through make test")
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform must be on PATH")
	}
	tfrc := filepath.Join(t.TempDir(), "tfrc")
	rc := "provider_installation {\n  dev_overrides {\n    \"brickops/brickops\" = \"" + bin + "\"\n  }\n  direct {}\n}\n"
	if err := os.WriteFile(tfrc, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	var dirs []string
	err = filepath.WalkDir("examples", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") && !strings.Contains(p, ".terraform") {
			if dir := filepath.Dir(p); len(dirs) == 0 || dirs[len(dirs)-1] != dir {
				dirs = append(dirs, dir)
			}
		}
		return err
	})
	if err != nil || len(dirs) < 5 {
		t.Fatalf("found %d example directories: %v", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			work := t.TempDir()
			if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			os.RemoveAll(filepath.Join(work, ".terraform"))
			if !declaresProvider(work) {
				os.WriteFile(filepath.Join(work, "zz_providers.tf"),
					[]byte("terraform {\n  required_providers {\n    brickops = { source = \"brickops/brickops\" }\n  }\n}\n"), 0o600)
			}
			for _, args := range [][]string{{"get", "-no-color"}, {"validate", "-no-color"}} {
				cmd := exec.Command(tf, args...)
				cmd.Dir = work
				cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+tfrc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("terraform %s in %s: %v\n%s", args[0], dir, err, out)
				}
			}
		})
	}
}

func declaresProvider(dir string) bool {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, m := range matches {
		raw, _ := os.ReadFile(m)
		if strings.Contains(string(raw), "required_providers") {
			return true
		}
	}
	return false
}
