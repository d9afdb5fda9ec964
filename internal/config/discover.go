package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

// ErrNotFound is returned (wrapped, with the directory searched) when no
// brickops.yaml is found in the working directory or above it.
var ErrNotFound = errors.New("no " + DefaultPath)

// Find looks for brickops.yaml in dir and then in each parent, as git
// finds .git, so every command works from the repository root and from
// environments/<env> alike.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding %s from %s: %w", DefaultPath, dir, err)
	}
	for d := abs; ; {
		p := filepath.Join(d, DefaultPath)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", exitcode.Invalid(fmt.Errorf("%w in %s or any parent directory: run brickops inside your MLOps repository, pass --config PATH, or scaffold one with brickops init", ErrNotFound, abs))
		}
		d = parent
	}
}

// Locate resolves a --config flag: a path given explicitly is used as is;
// an empty one is found upward from the working directory.
func Locate(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	return Find(".")
}

// Dir is the directory holding the configuration: the repository root,
// under which environments/<env> live. It is "." for the defaults.
func (f *File) Dir() string {
	if f.Path == "" {
		return "."
	}
	return filepath.Dir(f.Path)
}
