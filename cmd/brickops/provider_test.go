package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/testbin"
)

// Regression (issue 15): getting started's terraform init went to the
// public registry; there was no command to install the provider locally.
// After `brickops provider install`, a plain terraform init works offline
// in any directory with no CLI configuration, and brickops init stops
// suggesting it.
func TestProviderInstall_plainTerraformInitFindsIt(t *testing.T) {
	tf := testbin.Terraform(t)
	bin := testbin.Dir(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("TF_CLI_CONFIG_FILE", "")
	t.Setenv("TF_PLUGIN_CACHE_DIR", "")

	repo := t.TempDir()
	out, _, code := run(t, "", "init", repo, "--org", "acme", "--model", "churn", "--emulator")
	if code != 0 || !strings.Contains(out, "brickops provider install") {
		t.Errorf("brickops init before install (exit %d) does not suggest the install:\n%s", code, out)
	}

	out, stderr, code := run(t, "", "provider", "install", "--provider", filepath.Join(bin, "terraform-provider-brickops"))
	want := filepath.Join(home, ".terraform.d", "plugins", "registry.terraform.io", "brickops", "brickops", "0.1.0")
	if code != 0 || !strings.Contains(out, want) {
		t.Fatalf("provider install: exit %d\n%s%s", code, out, stderr)
	}

	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"main.tf": "terraform {\n  required_providers {\n    brickops = { source = \"brickops/brickops\" }\n  }\n}\n"})
	cmd := exec.Command(tf, "init", "-input=false", "-no-color")
	cmd.Dir = dir
	initOut, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(initOut), "Installed brickops/brickops v0.1.0") {
		t.Errorf("terraform init with the implied mirror: %v\n%s", err, initOut)
	}

	out, _, _ = run(t, "", "init", t.TempDir(), "--org", "acme", "--model", "churn")
	if strings.Contains(out, "provider install") {
		t.Errorf("brickops init still suggests installing the installed provider:\n%s", out)
	}
	if _, stderr, code := run(t, "", "provider", "install", "--provider", filepath.Join(home, "nope")); code != 2 || !strings.Contains(stderr, "no provider binary at") {
		t.Errorf("missing binary: exit %d %s", code, stderr)
	}
}
