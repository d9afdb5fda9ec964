// Package testbin gives end-to-end tests the built brickops and
// terraform-provider-brickops binaries: those `make` built (BRICKOPS_BIN),
// or a fresh build when a test runs alone under `go test`.
package testbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// RepoRoot is the module's root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Dir returns a directory holding both binaries.
func Dir(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("BRICKOPS_BIN"); dir != "" {
		return dir
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/", ".", "./cmd/brickops")
	cmd.Dir = RepoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building binaries: %v\n%s", err, out)
	}
	return dir
}

// Act returns the act binary (github.com/nektos/act, a tool in go.mod)
// that `make build` puts beside the others, or a fresh build.
func Act(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("BRICKOPS_BIN"); dir != "" {
		if p := filepath.Join(dir, "act"); fileExists(p) {
			return p
		}
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/act", "github.com/nektos/act")
	cmd.Dir = RepoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building act: %v\n%s", err, out)
	}
	return filepath.Join(dir, "act")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Terraform returns the terraform binary on PATH, failing the test if
// there is none: the end-to-end suites need it.
func Terraform(t testing.TB) string {
	t.Helper()
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform must be on PATH for the end-to-end tests")
	}
	return tf
}
