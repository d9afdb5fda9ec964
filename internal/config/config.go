// Package config loads brickops.yaml, the one file a user's repository keeps
// next to its Terraform: policy rule settings and waivers today, and the
// sections later features own (environments, models, gates) as they land.
//
// The loader checks structure and values it can check on its own (types,
// dates, required fields) and reports the file and line. Rule IDs are checked
// by the policy engine, which knows the rule pack.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

// DefaultPath is where commands look for the file when not told otherwise.
const DefaultPath = "brickops.yaml"

// DefaultProdEnvironments name the environments treated as production when
// brickops.yaml does not say.
var DefaultProdEnvironments = []string{"prod", "production"}

// reservedSections are top-level keys owned by features that have not landed
// in this loader yet. They are tolerated (and ignored) so that one
// brickops.yaml can serve every brickops version in a repository; any other
// unknown key is an error, because a typo such as "polcy:" would otherwise
// silently switch configuration off.
var reservedSections = []string{"gates"}

// File is brickops.yaml. New sections are new fields; the loader rejects
// unknown keys inside every section it knows.
type File struct {
	// Path is the file the configuration came from ("" for defaults).
	Path string `yaml:"-"`
	// Version of the file format; 1 (or omitted).
	Version int `yaml:"version"`
	// ProdEnvironments are the environment names that get production
	// treatment in plan summaries and production-only policy rules.
	ProdEnvironments []string `yaml:"prod_environments"`
	// Policy configures `brickops policy check`.
	Policy Policy `yaml:"policy"`
	// Environments are the deployment stages in promotion order (promotion.go).
	Environments Environments `yaml:"environments"`
	// Models are the registered models promoted through them.
	Models Models `yaml:"models"`
	// Rollout configures how canary, A/B and shadow rollouts are judged (rollout.go).
	Rollout Rollout `yaml:"rollout"`

	// Reserved holds the sections later features own (see
	// reservedSections) until this struct grows fields for them.
	Reserved map[string]yaml.Node `yaml:",inline"`
}

// Policy is the policy section: per-rule settings and waivers.
type Policy struct {
	// Rules maps a built-in rule ID to its settings.
	Rules map[string]RuleSettings `yaml:"rules"`
	// Waivers exempt findings, each until its expiry date.
	Waivers []Waiver `yaml:"waivers"`
}

// RuleSettings switch a rule on or off and set its parameters. Parameters
// are rule-specific; the policy engine decodes and checks them.
type RuleSettings struct {
	Enabled *bool `yaml:"enabled"`
	// Severity overrides the rule's default: error, warning or note.
	Severity string `yaml:"severity"`
	// Params are every other key, e.g. max_minutes for auto-termination.
	Params map[string]any `yaml:",inline"`
	// Line is where the rule's settings start, for error messages.
	Line int `yaml:"-"`
}

// Waiver exempts the findings of one rule (built-in ID or Rego rule ID) on
// matching resources until Expires. After that date it stops waiving, and
// the findings say so.
type Waiver struct {
	Rule string `yaml:"rule"`
	// Resource is a resource address or a glob over addresses
	// ("brickops_cluster.legacy_*"); empty or "*" matches every resource.
	Resource string `yaml:"resource"`
	// Env restricts the waiver to one environment; empty matches all.
	Env     string `yaml:"env"`
	Reason  string `yaml:"reason"`
	Expires Date   `yaml:"expires"`
	// Line is where the waiver starts, for messages.
	Line int `yaml:"-"`
}

// Date is a calendar day (YYYY-MM-DD) in UTC.
type Date struct{ time.Time }

// UnmarshalYAML accepts only YYYY-MM-DD, so a malformed date is reported
// rather than read as something else.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expires must be a date (YYYY-MM-DD)", n.Line)
	}
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		return fmt.Errorf("line %d: expires %q is not a date (want YYYY-MM-DD)", n.Line, n.Value)
	}
	d.Time = t
	return nil
}

func (d Date) String() string { return d.Format(time.DateOnly) }

// ExpiredAt reports whether the waiver no longer applies at now: it is
// valid through the whole of its expiry day (UTC).
func (w Waiver) ExpiredAt(now time.Time) bool {
	return !now.UTC().Before(w.Expires.AddDate(0, 0, 1))
}

// Default is the configuration used when there is no brickops.yaml.
func Default() *File {
	return &File{Version: 1, ProdEnvironments: append([]string(nil), DefaultProdEnvironments...)}
}

// Load reads path, or the brickops.yaml found upward from the working
// directory when path is empty. A missing or malformed file is bad input
// (exit status 2).
func Load(path string) (*File, error) {
	path, err := Locate(path)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, exitcode.Invalid(fmt.Errorf("reading %s: %w", path, err))
	}
	f, err := Parse(raw)
	if err != nil {
		return nil, exitcode.Invalid(fmt.Errorf("%s: %w", path, err))
	}
	f.Path = path
	return f, nil
}

// LoadOptional is Load for commands that work without a brickops.yaml:
// when path is empty and none is found upward, it returns the defaults.
// A path given explicitly must exist.
func LoadOptional(path string) (*File, error) {
	f, err := Load(path)
	if path == "" && errors.Is(err, ErrNotFound) {
		return Default(), nil
	}
	return f, err
}

// Parse decodes and checks a brickops.yaml document.
func Parse(raw []byte) (*File, error) {
	f := Default()
	// KnownFields rejects unknown keys inside known sections; the inline
	// maps (Reserved, rule Params) still collect the open-ended keys.
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, oneLine(err)
	}
	// The shape of the whole document is checked first, with the words the
	// schema check uses, so every command refuses it the same way.
	if p := checkRoot(&doc); p != nil {
		return nil, errors.New(p.String())
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil {
		return nil, oneLine(err)
	}
	if err := f.checkSections(); err != nil {
		return nil, err
	}
	recordLines(&doc, f)
	if err := f.validatePromotion(); err != nil {
		return nil, err
	}
	if a := f.Rollout.Analysis; a != nil {
		if err := a.validate(); err != nil {
			return nil, err
		}
	}
	return f, f.validate()
}

func (f *File) checkSections() error {
	var unknown []string
	for k := range f.Reserved {
		if !contains(reservedSections, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("unknown top-level key %q (known: version, prod_environments, policy, environments, models, rollout; reserved: %s)",
		unknown[0], strings.Join(reservedSections, ", "))
}

func (f *File) validate() error {
	if f.Version != 0 && f.Version != 1 {
		return fmt.Errorf("version %d is not supported (this brickops reads version 1)", f.Version)
	}
	for id, r := range f.Policy.Rules {
		switch r.Severity {
		case "", "error", "warning", "note":
		default:
			return fmt.Errorf("line %d: policy.rules.%s.severity %q must be error, warning or note", r.Line, id, r.Severity)
		}
	}
	for i, w := range f.Policy.Waivers {
		where := fmt.Sprintf("line %d: policy.waivers[%d]", w.Line, i)
		switch {
		case w.Rule == "":
			return fmt.Errorf("%s: rule is required", where)
		case strings.TrimSpace(w.Reason) == "":
			return fmt.Errorf("%s (rule %s): reason is required", where, w.Rule)
		case w.Expires.IsZero():
			return fmt.Errorf("%s (rule %s): expires is required (YYYY-MM-DD)", where, w.Rule)
		}
	}
	return nil
}

// IsProd reports whether env gets production treatment.
func (f *File) IsProd(env string) bool {
	return contains(f.ProdEnvironments, strings.ToLower(env))
}

// Where names the file for messages (brickops.yaml when parsed from bytes).
func (f *File) Where() string {
	if f.Path == "" {
		return DefaultPath
	}
	return f.Path
}

// recordLines copies source line numbers onto rule settings and waivers so
// later checks (unknown rule IDs, bad parameters) can point at them.
func recordLines(doc *yaml.Node, f *File) {
	policy := mapValue(root(doc), "policy")
	if rules := mapValue(policy, "rules"); rules != nil {
		for i := 0; i+1 < len(rules.Content); i += 2 {
			id := rules.Content[i].Value
			if r, ok := f.Policy.Rules[id]; ok {
				r.Line = rules.Content[i].Line
				f.Policy.Rules[id] = r
			}
		}
	}
	if waivers := mapValue(policy, "waivers"); waivers != nil {
		for i, n := range waivers.Content {
			if i < len(f.Policy.Waivers) {
				f.Policy.Waivers[i].Line = n.Line
			}
		}
	}
}

func root(doc *yaml.Node) *yaml.Node {
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		return doc.Content[0]
	}
	return doc
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// oneLine flattens yaml.v3's multi-line type errors into one line.
func oneLine(err error) error {
	msg := strings.ReplaceAll(err.Error(), "\n ", ";")
	msg = strings.ReplaceAll(msg, "\n", "; ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:;")
	return errors.New(strings.TrimSpace(msg))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
