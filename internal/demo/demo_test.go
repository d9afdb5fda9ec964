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

func TestDemo_runsTheLifecycle(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("terraform must be on PATH for the end-to-end tests")
	}
	var out bytes.Buffer
	err := demo.Run(context.Background(), demo.Options{BinDir: testbin.Dir(t), AsyncDelay: 50 * time.Millisecond, Out: &out})
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		`\[2/13\] Scaffold the repository \(brickops init\) \.\.\. \d+ written`,
		`\[4/13\] terraform apply dev, staging, prod \.\.\. dev: \d+ added, 0 changed, 0 destroyed, then an empty plan; staging: \d+ added, 0 changed, 0 destroyed, then an empty plan; prod: \d+ added, 0 changed, 0 destroyed, then an empty plan`,
		`\[5/13\] Train in dev: run 1 registers version 1 \.\.\. .*registered dev\.ml\.churn version 1 \(READY\)`,
		`\[6/13\] Promote version 1 to staging \.\.\. PR #1 refused by the gate, approved by alice, merged, applied`,
		`\[7/13\] Promote staging's champion to prod \.\.\. PR #2 refused by the gate, approved by carol and dan`,
		`"traffic":\{"1":90,"2":10\}`,
		`completed: PR #5 .*"traffic":\{"2":100\}`,
		`churn\s+prod\s+v2\s+canary: v2 100%\s+v2 \(copy of v2\)\s+churn-prod: v2 100%\s+none`,
		`\[12/13\] Roll prod back \(brickops rollback\) \.\.\. PR #6 .*"version":1`,
		`\[13/13\] terraform destroy prod, staging, dev \.\.\. prod: \d+ destroyed; staging: \d+ destroyed; dev: \d+ destroyed`,
		`Demo finished in [\d.]+ s: 6 pull requests`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDemo_missingBinariesSaySo(t *testing.T) {
	var out bytes.Buffer
	err := demo.Run(context.Background(), demo.Options{BinDir: t.TempDir(), Out: &out})
	if err == nil || !regexp.MustCompile(`brickops not found in .*: run .make build. first`).MatchString(err.Error()) {
		t.Errorf("err = %v", err)
	}
}

func TestProviderBinary_describesItself(t *testing.T) {
	out, err := exec.Command(filepath.Join(testbin.Dir(t), "terraform-provider-brickops"), "-h").CombinedOutput()
	if err != nil {
		t.Fatalf("-h: %v\n%s", err, out)
	}
	for _, want := range []string{"BrickOps Terraform provider", "dev_overrides", "-debug"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("terraform-provider-brickops -h lacks %q:\n%s", want, out)
		}
	}
}
