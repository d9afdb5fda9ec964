package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The release configuration cannot run here (it signs and publishes), so
// its structure is checked: what the Terraform registry needs from a
// provider release, and what the setup-brickops action downloads.
func TestRelease_goreleaserConfig(t *testing.T) {
	if path, err := exec.LookPath("goreleaser"); err == nil {
		if out, err := exec.Command(path, "check").CombinedOutput(); err != nil {
			t.Errorf("goreleaser check: %v\n%s", err, out)
		}
	}
	var cfg struct {
		Version int `yaml:"version"`
		Builds  []struct {
			ID      string   `yaml:"id"`
			Main    string   `yaml:"main"`
			Binary  string   `yaml:"binary"`
			Ldflags []string `yaml:"ldflags"`
			Goos    []string `yaml:"goos"`
		} `yaml:"builds"`
		Archives []struct {
			ID           string   `yaml:"id"`
			Formats      []string `yaml:"formats"`
			NameTemplate string   `yaml:"name_template"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
			ExtraFiles   []struct {
				Glob string `yaml:"glob"`
			} `yaml:"extra_files"`
		} `yaml:"checksum"`
		Signs []struct {
			Artifacts string `yaml:"artifacts"`
		} `yaml:"signs"`
	}
	readYAML(t, ".goreleaser.yml", &cfg)
	if cfg.Version != 2 || len(cfg.Builds) != 2 || len(cfg.Archives) != 2 {
		t.Fatalf("unexpected layout: %+v", cfg)
	}
	provider := cfg.Builds[0]
	if provider.Main != "." || provider.Binary != "{{ .ProjectName }}_v{{ .Version }}" || !strings.Contains(strings.Join(provider.Ldflags, " "), "internal/version.Version={{ .Version }}") {
		t.Errorf("provider build: %+v", provider)
	}
	if cfg.Builds[1].Main != "./cmd/brickops" {
		t.Errorf("CLI build: %+v", cfg.Builds[1])
	}
	// Registry layout: zips named <name>_<version>_<os>_<arch>, SHA256SUMS
	// with the manifest, a detached signature of the checksums.
	if a := cfg.Archives[0]; a.Formats[0] != "zip" || a.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" {
		t.Errorf("provider archive: %+v", a)
	}
	if cfg.Checksum.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_SHA256SUMS" || len(cfg.Checksum.ExtraFiles) != 1 || cfg.Checksum.ExtraFiles[0].Glob != "terraform-registry-manifest.json" {
		t.Errorf("checksum: %+v", cfg.Checksum)
	}
	if len(cfg.Signs) != 1 || cfg.Signs[0].Artifacts != "checksum" {
		t.Errorf("signs: %+v", cfg.Signs)
	}
	// The action downloads exactly what the release names.
	action, err := os.ReadFile(".github/actions/setup-brickops/action.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`brickops_${version#v}_${os}_${arch}.tar.gz`, `terraform-provider-brickops_${version#v}_SHA256SUMS`, "sha256sum -c"} {
		if !strings.Contains(string(action), want) {
			t.Errorf("setup-brickops does not use %q", want)
		}
	}
	if cfg.Archives[1].NameTemplate != "brickops_{{ .Version }}_{{ .Os }}_{{ .Arch }}" || cfg.Archives[1].Formats[0] != "tar.gz" {
		t.Errorf("CLI archive %+v does not match what setup-brickops downloads", cfg.Archives[1])
	}
}

func TestRelease_actionAndWorkflows(t *testing.T) {
	var action struct {
		Name   string         `yaml:"name"`
		Inputs map[string]any `yaml:"inputs"`
		Runs   struct {
			Using string           `yaml:"using"`
			Steps []map[string]any `yaml:"steps"`
		} `yaml:"runs"`
	}
	readYAML(t, ".github/actions/setup-brickops/action.yml", &action)
	if action.Name == "" || action.Runs.Using != "composite" || len(action.Runs.Steps) == 0 || action.Inputs["version"] == nil {
		t.Errorf("action.yml: %+v", action)
	}
	for _, s := range action.Runs.Steps {
		if s["shell"] == nil {
			t.Errorf("composite step without shell: %v", s["id"])
		}
	}
	for _, wf := range []string{".github/workflows/test.yml", ".github/workflows/release.yml"} {
		var w struct {
			On   yaml.Node                 `yaml:"on"`
			Jobs map[string]map[string]any `yaml:"jobs"`
		}
		readYAML(t, wf, &w)
		if w.On.Kind == 0 || len(w.Jobs) == 0 {
			t.Errorf("%s lacks on or jobs", wf)
		}
		for id, job := range w.Jobs {
			steps, _ := job["steps"].([]any)
			for _, s := range steps {
				if uses, _ := s.(map[string]any)["uses"].(string); uses != "" && !strings.Contains(uses, "@") {
					t.Errorf("%s job %s: %s is not pinned", wf, id, uses)
				}
			}
		}
	}
	lint := exec.Command("go", "tool", "actionlint", "-shellcheck=", "-pyflakes=", ".github/workflows/test.yml", ".github/workflows/release.yml")
	if out, err := lint.CombinedOutput(); err != nil {
		t.Errorf("actionlint: %v\n%s", err, out)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil || !strings.Contains(string(ci), "make test") {
		t.Errorf(".ci/run must run make test: %v", err)
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
