package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"

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
