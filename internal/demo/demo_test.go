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
		`\[2/14\] Scaffold the repository \(brickops init\) and close the loop in brickops\.yaml \.\.\. \d+ written`,
		`\[4/14\] terraform apply dev, staging, prod \.\.\. dev: \d+ added, 0 changed, 0 destroyed, then an empty plan; staging: \d+ added, 0 changed, 0 destroyed, then an empty plan; prod: \d+ added, 0 changed, 0 destroyed, then an empty plan`,
		`\[5/14\] Train in dev: run 1 registers version 1 \.\.\. .*registered dev\.ml\.churn version 1 \(READY\)`,
		`\[6/14\] Promote version 1 to staging \.\.\. PR #1 refused by the gate, approved by alice, merged, applied`,
		`\[7/14\] Promote staging's champion to prod \.\.\. PR #2 refused by the gate, approved by carol and dan`,
		// The loop: traffic, monitoring, drift, retraining.
		`\[8/14\] Live traffic.*churn-prod served 300 requests \(v1 300\), 0 failed`,
		`brickops drift: no model drift \(worst population_stability_index [\d.]+ on x\d, threshold 0\.5\), exit 0`,
		`brickops drift: population_stability_index [\d.]+ on x\d > 0\.5 since .* UTC, exit 1`,
		`brickops drift --retrain: started retrain-churn-dev \(run \d+\), recorded in .*/issues/3`,
		`registered dev\.ml\.churn version 2, trained on the drifted traffic`,
		// The canary judged from the inference table, completed.
		`"traffic":\{"1":90,"2":10\}`,
		`rollout analysis: PASS — challenger v2 \(60 requests\)`,
		`completed: PR #6 .*"traffic":\{"2":100\}`,
		// The worse canary refused and rolled back.
		`rollout analysis: FAIL — challenger v3 \(60 requests\)`,
		`error rate\s+30\.0 %\s+0\.0 %\s+≤ 5 %\s+fail`,
		`rollback --on-failed-analysis: PR #9 passed by the gate .*"traffic":\{"2":100\},"version":2`,
		`churn\s+prod\s+v2\s+canary: v2 100%\s+v2 \(copy of v2\)\s+churn-prod: v2 100%\s+none`,
		`brickops drift \(Terraform and models\): dev: no drift; staging: no drift; prod: no drift`,
		`\[14/14\] terraform destroy prod, staging, dev \.\.\. prod: \d+ destroyed; staging: \d+ destroyed; dev: \d+ destroyed`,
		`Demo finished in [\d.]+ s: 8 pull requests`,
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
