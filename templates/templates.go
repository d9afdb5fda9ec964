// Package templates is what `brickops init` writes into a user's MLOps
// repository: brickops.yaml, one Terraform directory per environment over a
// shared module, GitHub Actions workflows and a sample policy. Files ending
// in .tmpl are rendered with text/template using [[ ]] delimiters (so that
// GitHub's ${{ }} expressions pass through untouched); a path segment
// __env__ is expanded once per environment; other files are copied as is.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

//go:embed all:files
var files embed.FS

// Data fills the templates.
type Data struct {
	// Org is the GitHub organization (reviewer teams, state resource group).
	Org string
	// Model is the first registered model the repository manages.
	Model string
	// Envs are the environments in promotion order; the last is production.
	Envs []string
	// Version is the BrickOps release the workflows use (action ref).
	Version string
	// Emulator adds backend_override.tf files keeping state locally, for
	// running against `brickops emulator` instead of Azure.
	Emulator bool
}

// fileData is what one file is rendered with.
type fileData struct {
	Data
	Env, Previous, Prod string
	StorageAccount      string
}

// Result says what Render did with each file, by path relative to the target.
type Result struct {
	Written   []string
	Unchanged []string
	// Kept are existing files that differ and were left alone (no --force).
	Kept []string
}

var (
	orgRe   = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$`)
	modelRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$`)
	envRe   = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
)

// Validate checks the data before anything is written.
func (d Data) Validate() error {
	switch {
	case !orgRe.MatchString(d.Org):
		return fmt.Errorf("--org %q is not a GitHub organization name", d.Org)
	case !modelRe.MatchString(d.Model):
		return fmt.Errorf("--model %q is not a valid Unity Catalog model name (letters, digits, _ and -)", d.Model)
	case len(d.Envs) < 2:
		return fmt.Errorf("--envs needs at least two environments to promote between, got %v", d.Envs)
	}
	for i, e := range d.Envs {
		if !envRe.MatchString(e) {
			return fmt.Errorf("environment %q must be lowercase letters, digits, - or _", e)
		}
		if slices.Contains(d.Envs[:i], e) {
			return fmt.Errorf("environment %q is listed twice", e)
		}
	}
	return nil
}

// Render writes the scaffold into dir. Existing files with the same content
// are left as they are; existing files that differ are kept unless force.
// Running it again on a scaffolded repository changes nothing.
func Render(dir string, d Data, force bool) (*Result, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if d.Version == "" {
		d.Version = "main"
	}
	out, err := renderAll(d)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rel := range sortedKeys(out) {
		target := filepath.Join(dir, filepath.FromSlash(rel))
		existing, err := os.ReadFile(target)
		switch {
		case err == nil && bytes.Equal(existing, out[rel]):
			res.Unchanged = append(res.Unchanged, rel)
			continue
		case err == nil && !force:
			res.Kept = append(res.Kept, rel)
			continue
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return res, err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return res, err
		}
		if err := os.WriteFile(target, out[rel], 0o644); err != nil {
			return res, err
		}
		res.Written = append(res.Written, rel)
	}
	return res, nil
}

// renderAll renders every template into memory (path → content), so a
// template error writes nothing.
func renderAll(d Data) (map[string][]byte, error) {
	out := map[string][]byte{}
	prod := d.Envs[len(d.Envs)-1]
	base := fileData{Data: d, Prod: prod, StorageAccount: storageAccount(d.Org)}
	err := fs.WalkDir(files, "files", func(p string, entry fs.DirEntry, err error) error {
		if err != nil || entry.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "files/")
		raw, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		if !d.Emulator && path.Base(rel) == "backend_override.tf.tmpl" {
			return nil
		}
		targets := []fileData{base}
		if strings.Contains(rel, "__env__") {
			targets = nil
			for i, env := range d.Envs {
				fd := base
				fd.Env = env
				if i > 0 {
					fd.Previous = d.Envs[i-1]
				}
				targets = append(targets, fd)
			}
		}
		for _, fd := range targets {
			name := strings.ReplaceAll(rel, "__env__", fd.Env)
			content := raw
			if strings.HasSuffix(name, ".tmpl") {
				name = strings.TrimSuffix(name, ".tmpl")
				if content, err = render(rel, raw, fd); err != nil {
					return err
				}
			}
			out[name] = content
		}
		return nil
	})
	return out, err
}

func render(name string, raw []byte, fd fileData) ([]byte, error) {
	t, err := template.New(name).Delims("[[", "]]").Option("missingkey=error").Funcs(template.FuncMap{
		"flow":      func(items []string) string { return "[" + strings.Join(items, ", ") + "]" },
		"commas":    func(items []string) string { return strings.Join(items, ", ") },
		"list":      func(items ...string) []string { return items },
		"sub":       func(a, b int) int { return a - b },
		"reviewers": reviewerTeam,
	}).Parse(string(raw))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, fd); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// reviewerTeam is the team that approves promotions into env.
func reviewerTeam(org, env, prod string) string {
	if env == prod {
		return org + "/ml-platform"
	}
	return org + "/ml-reviewers"
}

// storageAccount derives a valid Azure storage account name (3–24
// lowercase letters and digits) for the Terraform state.
func storageAccount(org string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return -1
	}, org)
	name += "tfstate"
	if len(name) > 24 {
		name = name[:24]
	}
	return name
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
