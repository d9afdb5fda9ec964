// Package tftest runs the real terraform binary in a scratch directory for
// tests that need genuine `terraform show -json` plan output: plan-summary
// and policy tests read what Terraform actually writes, not hand-made JSON.
package tftest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Workdir is a Terraform working directory under t.TempDir().
type Workdir struct {
	Dir string
	// Env is added to terraform's environment (e.g. DATABRICKS_HOST, or
	// TF_CLI_CONFIG_FILE with dev_overrides for a locally built provider).
	Env []string
	bin string
	// devOverrides is set when the provider comes from a local build:
	// terraform init would try to download it, so it is skipped.
	devOverrides bool
}

// New writes files (name → content) into a fresh directory. Tests skip when
// terraform is not on PATH.
func New(t testing.TB, files map[string]string) *Workdir {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not on PATH")
	}
	w := &Workdir{Dir: t.TempDir(), bin: bin}
	w.Write(t, files)
	return w
}

// At runs terraform in an existing directory (e.g. one environment of a
// repository whose modules sit beside it).
func At(t testing.TB, dir string) *Workdir {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not on PATH")
	}
	return &Workdir{Dir: dir, bin: bin}
}

// Write replaces or adds configuration files (names may have directories);
// an empty content removes one.
func (w *Workdir) Write(t testing.TB, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(w.Dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if content == "" {
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// Run runs terraform with args and returns its stdout; a failure fails the test.
func (w *Workdir) Run(t testing.TB, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(w.bin, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(os.Environ(),
		"TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0",
		"TF_CLI_CONFIG_FILE="+os.DevNull, "TF_DATA_DIR="+filepath.Join(w.Dir, ".terraform"))
	cmd.Env = append(cmd.Env, w.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("terraform %v: %v\n%s%s", args, err, stdout.String(), stderr.String())
	}
	return stdout.Bytes()
}

// Init runs terraform init once per directory. With a locally built
// provider (dev_overrides) init would query the registry, so only modules
// are installed (terraform get); such configurations keep local state.
func (w *Workdir) Init(t testing.TB) {
	t.Helper()
	if w.devOverrides {
		w.Run(t, "get", "-no-color")
		return
	}
	if _, err := os.Stat(filepath.Join(w.Dir, ".terraform.lock.hcl")); err == nil {
		return
	}
	if _, err := os.Stat(filepath.Join(w.Dir, ".terraform")); err == nil {
		return
	}
	w.Run(t, "init", "-input=false", "-no-color")
}

// Apply applies the current configuration.
func (w *Workdir) Apply(t testing.TB) {
	t.Helper()
	w.Init(t)
	w.Run(t, "apply", "-auto-approve", "-input=false", "-no-color")
}

// PlanJSON plans the current configuration (extra args such as -destroy
// allowed), renders it with `terraform show -json` and returns the path of
// the JSON file, named name inside the work directory.
func (w *Workdir) PlanJSON(t testing.TB, name string, args ...string) string {
	t.Helper()
	w.Init(t)
	w.Run(t, append([]string{"plan", "-out=tfplan.bin", "-input=false", "-no-color"}, args...)...)
	out := w.Run(t, "show", "-json", "tfplan.bin")
	path := filepath.Join(w.Dir, name)
	if dir := filepath.Dir(path); dir != w.Dir {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// StateJSON returns the path of `terraform show -json` of the current state.
func (w *Workdir) StateJSON(t testing.TB) string {
	t.Helper()
	path := filepath.Join(w.Dir, "state-show.json")
	if err := os.WriteFile(path, w.Run(t, "show", "-json"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ProviderDir returns a directory holding terraform-provider-brickops:
// BRICKOPS_BIN when make set it, or a fresh build of this checkout.
func ProviderDir(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("BRICKOPS_BIN"); dir != "" {
		return dir
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building terraform-provider-brickops: %v\n%s", err, out)
	}
	return dir
}

// UseProvider makes terraform run the locally built provider in
// providerDir (dev_overrides, no download) against the Databricks API at
// host, with only the given credentials in play.
func (w *Workdir) UseProvider(t testing.TB, providerDir, host, token string) {
	t.Helper()
	tfrc := filepath.Join(w.Dir, ".terraformrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"brickops/brickops\" = %q\n  }\n  direct {}\n}\n", providerDir)
	if err := os.WriteFile(tfrc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	w.devOverrides = true
	w.Env = append(w.Env, "TF_CLI_CONFIG_FILE="+tfrc,
		"DATABRICKS_HOST="+host, "DATABRICKS_TOKEN="+token, "DATABRICKS_AUTH_TYPE=pat",
		"DATABRICKS_CONFIG_FILE="+os.DevNull, "DATABRICKS_CLOUD=azure", "DATABRICKS_CONFIG_PROFILE=",
		"ARM_CLIENT_ID=", "ARM_CLIENT_SECRET=", "ARM_TENANT_ID=")
}
