// Package tfcli runs the real terraform CLI against a locally built
// provider, through a dev_overrides CLI config, so nothing is installed or
// downloaded. The demo, the benchmarks and the reliability suite share it.
package tfcli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// WriteDevOverrides writes a Terraform CLI config at path that resolves
// brickops/brickops to the provider binary in binDir.
func WriteDevOverrides(path, binDir string) error {
	return WriteDevOverride(path, "brickops/brickops", binDir)
}

// WriteDevOverride writes a Terraform CLI config at path that resolves the
// provider source (e.g. databricks/databricks) to the binary in binDir.
func WriteDevOverride(path, source, binDir string) error {
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", source, binDir)
	if err := os.WriteFile(path, []byte(rc), 0o600); err != nil {
		return fmt.Errorf("writing the Terraform CLI config: %w", err)
	}
	return nil
}

// Terraform runs one terraform binary with a fixed environment.
type Terraform struct {
	// Bin is the terraform binary.
	Bin string
	// Env is the complete environment (see emuproc.Process.Env).
	Env []string
	// Log, if set, receives every command's output as well.
	Log io.Writer
}

// Run runs terraform args in dir and returns its combined output; on
// failure the error carries the output's last lines, which is where
// Terraform puts its diagnostics.
func (t Terraform) Run(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, t.Bin, args...)
	cmd.Dir = dir
	cmd.Env = t.Env
	var buf bytes.Buffer
	var w io.Writer = &buf
	if t.Log != nil {
		w = io.MultiWriter(&buf, t.Log)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return buf.String(), fmt.Errorf("terraform %s: %v\n%s", args[0], err, Tail(buf.String(), 25))
	}
	return buf.String(), nil
}

// Tail returns the last n lines of s, indented for nesting under a message.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "      " + strings.Join(lines, "\n      ")
}

// WriteMirror installs the provider binary in binDir into a filesystem
// mirror under mirrorDir (as version) and writes a CLI config at path that
// takes brickops/brickops from it. Unlike dev_overrides this lets
// `terraform init` run — backends included — entirely offline.
func WriteMirror(path, mirrorDir, binDir, version string) error {
	if _, err := InstallProvider(mirrorDir, filepath.Join(binDir, "terraform-provider-brickops"), version); err != nil {
		return err
	}
	rc := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/brickops/brickops"]
  }
  direct {
    exclude = ["registry.terraform.io/brickops/brickops"]
  }
}
`, mirrorDir)
	if err := os.WriteFile(path, []byte(rc), 0o600); err != nil {
		return fmt.Errorf("writing the Terraform CLI config: %w", err)
	}
	return nil
}

// ProviderVersion is the version a local build installs as. Terraform never
// selects a pre-release unless a configuration pins it exactly, so the
// "-dev" of a development build is dropped: `terraform init` with no
// version constraint then finds it.
func ProviderVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	return v
}

// ImpliedMirrorDir is the directory Terraform searches for providers when
// no CLI configuration says otherwise (its "implied local mirror"):
// ~/.terraform.d/plugins, or %APPDATA%\terraform.d\plugins on Windows.
func ImpliedMirrorDir() (string, error) {
	if runtime.GOOS == "windows" {
		if dir := os.Getenv("APPDATA"); dir != "" {
			return filepath.Join(dir, "terraform.d", "plugins"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding Terraform's plugin directory: %w", err)
	}
	return filepath.Join(home, ".terraform.d", "plugins"), nil
}

// ProviderDir is where version of brickops/brickops for this platform lives
// in a mirror (Terraform's unpacked layout).
func ProviderDir(mirrorDir, version string) string {
	return filepath.Join(mirrorDir, "registry.terraform.io", "brickops", "brickops", version, runtime.GOOS+"_"+runtime.GOARCH)
}

// InstallProvider copies the provider binary into mirrorDir as version and
// returns the installed file. The copy is written beside and renamed into
// place, so a terraform running meanwhile never sees half a binary.
func InstallProvider(mirrorDir, binary, version string) (string, error) {
	raw, err := os.ReadFile(binary)
	if err != nil {
		return "", fmt.Errorf("reading the provider binary: %w", err)
	}
	dir := ProviderDir(mirrorDir, version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("installing the provider: %w", err)
	}
	dst := filepath.Join(dir, "terraform-provider-brickops_v"+version)
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o755); err != nil {
		return "", fmt.Errorf("installing the provider: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return "", fmt.Errorf("installing the provider: %w", err)
	}
	return dst, nil
}
