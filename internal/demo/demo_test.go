package demo_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/demo"
)

// repoRoot is two levels above this package.
func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// binDir is BRICKOPS_BIN (set by make) or a fresh build of both binaries.
func binDir(t *testing.T) string {
	if dir := os.Getenv("BRICKOPS_BIN"); dir != "" {
		return dir
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/", ".", "./cmd/brickops")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building binaries: %v\n%s", err, out)
	}
	return dir
}

func TestDemo_runsEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("terraform must be on PATH for the end-to-end tests")
	}
	var out bytes.Buffer
	err := demo.Run(context.Background(), demo.Options{
		BinDir:     binDir(t),
		StackDir:   filepath.Join(repoRoot(t), "examples", "mlops-stack"),
		AsyncDelay: 100 * time.Millisecond,
		Out:        &out,
	})
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		`\[2/5\] terraform apply mlops-stack \.\.\. 1 added, 0 changed, 0 destroyed; training cluster \S+ is RUNNING`,
		`\[3/5\] terraform plan right after apply \.\.\. no changes`,
		`\[4/5\] terraform destroy \.\.\. 1 destroyed`,
		`\[5/5\] Stop the emulator \.\.\. stopped cleanly`,
		`Demo finished in`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDemo_missingBinariesSaySo(t *testing.T) {
	var out bytes.Buffer
	err := demo.Run(context.Background(), demo.Options{BinDir: t.TempDir(), StackDir: ".", Out: &out})
	if err == nil || !regexp.MustCompile(`brickops not found in .*: run .make build. first`).MatchString(err.Error()) {
		t.Errorf("err = %v", err)
	}
}

func TestProviderBinary_describesItself(t *testing.T) {
	out, err := exec.Command(filepath.Join(binDir(t), "terraform-provider-brickops"), "-h").CombinedOutput()
	// flag's -h exits 0 after printing usage.
	if err != nil {
		t.Fatalf("-h: %v\n%s", err, out)
	}
	for _, want := range []string{"BrickOps Terraform provider", "dev_overrides", "-debug"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("terraform-provider-brickops -h lacks %q:\n%s", want, out)
		}
	}
}
