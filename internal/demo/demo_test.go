package demo_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/demo"
	"github.com/brickops/terraform-provider-brickops/internal/testbin"
)

func TestDemo_runsEndToEnd(t *testing.T) {
	testbin.Terraform(t)
	var out bytes.Buffer
	err := demo.Run(context.Background(), demo.Options{
		BinDir:     testbin.Dir(t),
		StackDir:   filepath.Join(testbin.RepoRoot(), "examples", "mlops-stack"),
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
	out, err := exec.Command(filepath.Join(testbin.Dir(t), "terraform-provider-brickops"), "-h").CombinedOutput()
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
