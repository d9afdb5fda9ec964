package promote

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

// PinPath is where an environment's pins live in the user's repository. The
// file is a Terraform variables file: Terraform reads var.models from it.
func PinPath(root, env string) string {
	return filepath.Join(root, "environments", env, "models.auto.tfvars.json")
}

// Pins is the content of a pin file.
type Pins struct {
	Models map[string]Pin `json:"models"`
}

// Pin says which versions of a model an environment runs. Versions are
// those of the model in the previous environment: Terraform copies each of
// them (brickops_model_version.copy_from) and points the alias at Version.
type Pin struct {
	// Version is the champion: the version the alias points at.
	Version int `json:"version"`
	// Challenger is a version served beside the champion while a canary,
	// A/B or shadow rollout runs.
	Challenger int `json:"challenger,omitempty"`
	// Standby is the previous champion, kept registered so a rollback (here
	// or in the next environment, which copies from here) can return to
	// it; after a blue-green switch it is also served at 0 %.
	Standby int `json:"standby,omitempty"`
	// Strategy is how the last promotion was rolled out.
	Strategy Strategy `json:"strategy,omitempty"`
	// SkipValidation records why a rollback skipped the validation gates;
	// `brickops gate` honours it (approvals are still required), and the
	// next promotion clears it.
	SkipValidation string `json:"skip_validation,omitempty"`
	// Traffic maps versions (as strings, as JSON keys must be) to the
	// percentage of serving traffic each gets; empty when not served.
	Traffic map[string]int `json:"traffic,omitempty"`
}

// ReadPins reads an environment's pin file; a missing file means no pins.
// A file edited into invalid JSON is reported with the position.
func ReadPins(path string) (Pins, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Pins{Models: map[string]Pin{}}, nil
	}
	if err != nil {
		return Pins{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return ParsePins(path, raw)
}

// ParsePins decodes pin file content; name is used in messages.
func ParsePins(name string, raw []byte) (Pins, error) {
	var p Pins
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := position(raw, syn.Offset)
			return Pins{}, exitcode.Invalidf("%s: invalid JSON at line %d, column %d: %v (fix the file by hand or restore it from git)", name, line, col, err)
		}
		return Pins{}, exitcode.Invalidf("%s: %v", name, err)
	}
	if p.Models == nil {
		p.Models = map[string]Pin{}
	}
	for _, m := range slices.Sorted(maps.Keys(p.Models)) {
		if err := p.Models[m].validate(); err != nil {
			return Pins{}, exitcode.Invalidf("%s: model %q: %w", name, m, err)
		}
	}
	return p, nil
}

func (p Pin) validate() error {
	if p.Version < 1 {
		return fmt.Errorf("version must be a positive version number, got %d", p.Version)
	}
	if p.Strategy != "" && !slices.Contains(Strategies, p.Strategy) {
		return fmt.Errorf("unknown strategy %q (known: %v)", p.Strategy, Strategies)
	}
	if len(p.Traffic) == 0 {
		return nil
	}
	total := 0
	for v, pct := range p.Traffic {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("traffic key %q is not a version number", v)
		}
		if n != p.Version && n != p.Challenger && n != p.Standby {
			return fmt.Errorf("traffic names version %d, which is neither the champion, the challenger nor the standby", n)
		}
		if pct < 0 || pct > 100 {
			return fmt.Errorf("traffic for version %d is %d %%; it must be 0 to 100", n, pct)
		}
		total += pct
	}
	if total != 100 {
		return fmt.Errorf("traffic percentages sum to %d, not 100", total)
	}
	return nil
}

// Versions are every version the pin keeps deployed, ascending.
func (p Pin) Versions() []int {
	var out []int
	for _, v := range []int{p.Version, p.Challenger, p.Standby} {
		if v > 0 && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// WritePins writes the pin file in a stable, reviewable layout.
func WritePins(path string, p Pins) error {
	raw, err := MarshalPins(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}

// MarshalPins is the file content: indented, keys sorted, newline-terminated.
func MarshalPins(p Pins) ([]byte, error) {
	for _, m := range slices.Sorted(maps.Keys(p.Models)) {
		if err := p.Models[m].validate(); err != nil {
			return nil, fmt.Errorf("model %q: %w", m, err)
		}
	}
	raw, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(raw, '\n'), nil
}

func position(raw []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < offset && i < int64(len(raw)); i++ {
		if raw[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
