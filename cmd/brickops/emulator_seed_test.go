package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/databricks/databricks-sdk-go/service/ml"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

func TestEmulatorSeed_registersAReadyVersion(t *testing.T) {
	emu := emulatortest.Start(t)
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"emulator", "seed", "--host", emu.URL, "--token", emu.Token,
		"--model", "dev.ml.churn", "--metric", "auc=0.91", "--param", "max_depth=6", "--tag", "validated=true"})
	if err := execute(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "registered dev.ml.churn version 1 (READY)") {
		t.Errorf("output = %q", out.String())
	}
	v, err := emu.WorkspaceClient(t).ModelVersions.Get(context.Background(), catalog.GetModelVersionRequest{FullName: "dev.ml.churn", Version: 1})
	if err != nil || v.Status != catalog.ModelVersionInfoStatusReady || v.RunId == "" {
		t.Errorf("version = %+v, %v", v, err)
	}
}

func TestEmulatorSeed_rejectsBadMetric(t *testing.T) {
	root := newRootCmd()
	root.SetArgs([]string{"emulator", "seed", "--model", "dev.ml.churn", "--metric", "auc"})
	err := execute(context.Background(), root)
	if err == nil || exitcode.Of(err) != 2 || !strings.Contains(err.Error(), `--metric "auc": want key=number`) {
		t.Errorf("err = %v (exit %d)", err, exitcode.Of(err))
	}
}

// Regression (issue 15): there was no way to log a run without registering
// a version, so the model-version example's run id was invented.
func TestEmulatorSeed_noRegisterOnlyLogsTheRun(t *testing.T) {
	emu := emulatortest.Start(t)
	out, err := runCLI(t, "emulator", "seed", "--host", emu.URL, "--token", emu.Token, "--model", "dev.ml.churn", "--metric", "auc=0.9", "--no-register")
	m := regexp.MustCompile(`run ([0-9a-f]{32}): logged, not registered \(register it from runs:/([0-9a-f]{32})/model\)`).FindStringSubmatch(out)
	if err != nil || m == nil || m[1] != m[2] {
		t.Fatalf("seed --no-register: %v\n%s", err, out)
	}
	w := emu.WorkspaceClient(t)
	run, err := w.Experiments.GetRun(context.Background(), ml.GetRunRequest{RunId: m[1]})
	if err != nil || run.Run.Info.Status != ml.RunInfoStatusFinished {
		t.Errorf("run %s: %+v %v", m[1], run, err)
	}
	if _, err := w.RegisteredModels.Get(context.Background(), catalog.GetRegisteredModelRequest{FullName: "dev.ml.churn"}); err == nil {
		t.Error("--no-register created the registered model")
	}
}
