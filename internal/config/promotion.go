package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

// Environments are written as a mapping from name to settings; the order
// of the keys is the promotion order: a model reaches an environment from
// the one before it.
type Environments []Environment

// UnmarshalYAML keeps the mapping's key order, which a Go map would lose.
func (es *Environments) UnmarshalYAML(n *yaml.Node) error {
	return decodeOrdered(n, "environments", func(name string, line int, v *yaml.Node) error {
		var e Environment
		if err := decodeStrict(v, &e); err != nil {
			return fmt.Errorf("line %d: environments.%s: %w", line, name, err)
		}
		e.Name, e.Line = name, line
		*es = append(*es, e)
		return nil
	})
}

// Models are written as a mapping from model name to settings.
type Models []Model

// UnmarshalYAML keeps the mapping's key order.
func (ms *Models) UnmarshalYAML(n *yaml.Node) error {
	return decodeOrdered(n, "models", func(name string, line int, v *yaml.Node) error {
		var m Model
		if err := decodeStrict(v, &m); err != nil {
			return fmt.Errorf("line %d: models.%s: %w", line, name, err)
		}
		m.Name, m.Line = name, line
		*ms = append(*ms, m)
		return nil
	})
}

// decodeOrdered walks a mapping node's pairs in document order.
func decodeOrdered(n *yaml.Node, section string, each func(name string, line int, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: %s must be a mapping from name to settings", n.Line, section)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: %s.%s must be a mapping of settings", k.Line, section, k.Value)
		}
		if err := each(k.Value, k.Line, v); err != nil {
			return err
		}
	}
	return nil
}

// decodeStrict decodes n rejecting unknown keys: a custom unmarshaler's
// Node.Decode does not inherit the outer decoder's KnownFields.
func decodeStrict(n *yaml.Node, v any) error {
	raw, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		// Lines inside the re-encoded snippet mean nothing to the user, and
		// Go type names even less.
		msg := goTypeRe.ReplaceAllString(oneLine(err).Error(), "")
		return errors.New(lineRe.ReplaceAllString(msg, ""))
	}
	return nil
}

var (
	goTypeRe = regexp.MustCompile(` in type [A-Za-z0-9_.]+`)
	lineRe   = regexp.MustCompile(`line \d+: `)
)

// Environment is one deployment stage.
type Environment struct {
	Name string `yaml:"-"`
	// Catalog is the Unity Catalog catalog that holds this environment's models.
	Catalog string `yaml:"catalog"`
	// Host is the workspace URL, a ${VAR} reference to one, or empty for
	// DATABRICKS_HOST: environments may share a workspace or have their own.
	Host string `yaml:"host"`
	// Approvals is how many approving reviews a promotion into this
	// environment needs from Reviewers.
	Approvals int `yaml:"approvals"`
	// Reviewers are GitHub logins and org/team slugs allowed to approve;
	// when empty, the CODEOWNERS owners of the environment's pin file.
	Reviewers []string `yaml:"reviewers"`
	// Gates are the validation gates a version must pass to enter.
	Gates Gates `yaml:"gates"`
	// Warehouse is the SQL warehouse (name, id, or ${VAR} naming either)
	// that reads the environment's inference and monitor tables; empty
	// means the one named mlops-<env> (as brickops init's stack names it),
	// else the workspace's only warehouse.
	Warehouse string `yaml:"warehouse"`
	Line      int    `yaml:"-"`
}

// Gates are checked against the candidate version before a promotion PR is
// opened and again, against the live workspace, before it is applied.
type Gates struct {
	// RequireReady demands model version status READY; default true.
	RequireReady *bool `yaml:"require_ready"`
	// Tags must be set on the model version with exactly these values.
	Tags map[string]string `yaml:"tags"`
	// Metrics are thresholds on the metrics of the MLflow run that produced
	// the version, e.g. "val_auc >= 0.80".
	Metrics []string `yaml:"metrics"`
	// BeatChampion demands the candidate at least match the environment's
	// current champion on a metric, plus a margin.
	BeatChampion *BeatChampion `yaml:"beat_champion"`
	// Monitor refuses promotion while the environment's monitor shows
	// drift (rollout.go).
	Monitor *MonitorGate `yaml:"monitor"`
}

// BeatChampion compares candidate and champion on Metric. Higher is better
// unless LowerIsBetter (for losses and errors).
type BeatChampion struct {
	Metric        string  `yaml:"metric"`
	Margin        float64 `yaml:"margin"`
	LowerIsBetter bool    `yaml:"lower_is_better"`
}

// Model is a registered model promoted through the environments: it lives
// at <environment catalog>.<Schema>.<Name> in each of them.
type Model struct {
	Name   string `yaml:"-"`
	Schema string `yaml:"schema"`
	// Alias is what a promotion points at the new version; default champion.
	Alias string `yaml:"alias"`
	// Endpoint names the serving endpoints that serve the model,
	// <endpoint>-<env> (default: the model's name).
	Endpoint string `yaml:"endpoint"`
	// RetrainJob is the job `brickops drift --retrain` runs in the first
	// environment when drift passes the threshold (default
	// retrain-<model>-<first environment>, as brickops init's stack names it).
	RetrainJob string `yaml:"retrain_job"`
	Line       int    `yaml:"-"`
}

// RetrainJobOrDefault is the retraining job's name in the training
// environment env.
func (m Model) RetrainJobOrDefault(env Environment) string {
	return orDefault(m.RetrainJob, "retrain-"+m.Name+"-"+env.Name)
}

// DefaultAlias is the alias a promotion moves when the model names none.
const DefaultAlias = "champion"

// ReadyRequired reports whether the READY gate applies (the default).
func (g Gates) ReadyRequired() bool { return g.RequireReady == nil || *g.RequireReady }

// AliasOrDefault is the model's alias, or champion.
func (m Model) AliasOrDefault() string {
	if m.Alias == "" {
		return DefaultAlias
	}
	return m.Alias
}

// EndpointName is the serving endpoint that serves the model in env:
// <endpoint or model name>-<env>, as the mlops-env module names it.
func (m Model) EndpointName(env Environment) string {
	base := m.Endpoint
	if base == "" {
		base = m.Name
	}
	return base + "-" + env.Name
}

// FullName is the model's three-level name in an environment.
func (m Model) FullName(env Environment) string {
	return env.Catalog + "." + m.Schema + "." + m.Name
}

// Environment returns the named environment and its position.
func (f *File) Environment(name string) (Environment, int, error) {
	for i, e := range f.Environments {
		if e.Name == name {
			return e, i, nil
		}
	}
	return Environment{}, -1, exitcode.Invalidf("unknown environment %q in %s (known: %s)", name, f.Where(), strings.Join(f.environmentNames(), ", "))
}

// Previous is the environment a model is promoted into env from.
func (f *File) Previous(env string) (Environment, error) {
	_, i, err := f.Environment(env)
	if err != nil {
		return Environment{}, err
	}
	if i == 0 {
		return Environment{}, exitcode.Invalidf("environment %q is the first one in %s: nothing is promoted into it (models are registered there by training)", env, f.Where())
	}
	return f.Environments[i-1], nil
}

// Model returns the named model.
func (f *File) Model(name string) (Model, error) {
	var names []string
	for _, m := range f.Models {
		if m.Name == name {
			return m, nil
		}
		names = append(names, m.Name)
	}
	return Model{}, exitcode.Invalidf("unknown model %q in %s (known: %s)", name, f.Where(), strings.Join(names, ", "))
}

func (f *File) environmentNames() []string {
	names := make([]string, len(f.Environments))
	for i, e := range f.Environments {
		names[i] = e.Name
	}
	return names
}

// MetricGate is a parsed threshold such as "val_auc >= 0.80".
type MetricGate struct {
	Metric    string
	Op        string
	Threshold float64
}

func (g MetricGate) String() string {
	return fmt.Sprintf("%s %s %s", g.Metric, g.Op, strconv.FormatFloat(g.Threshold, 'f', -1, 64))
}

// Holds reports whether value satisfies the threshold.
func (g MetricGate) Holds(value float64) bool {
	switch g.Op {
	case ">=":
		return value >= g.Threshold
	case ">":
		return value > g.Threshold
	case "<=":
		return value <= g.Threshold
	case "<":
		return value < g.Threshold
	default: // "=="
		return value == g.Threshold
	}
}

var metricGateRe = regexp.MustCompile(`^\s*([A-Za-z0-9_.\-/ ]*[A-Za-z0-9_.\-/])\s*(>=|<=|==|>|<)\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$`)

// ParseMetricGate parses "<metric> <op> <number>" with op one of >= > <= < ==.
func ParseMetricGate(s string) (MetricGate, error) {
	m := metricGateRe.FindStringSubmatch(s)
	if m == nil {
		return MetricGate{}, fmt.Errorf("metric gate %q must read <metric> <op> <number>, e.g. \"val_auc >= 0.80\" (op: >=, >, <=, <, ==)", s)
	}
	v, err := strconv.ParseFloat(m[3], 64)
	if err != nil {
		return MetricGate{}, fmt.Errorf("metric gate %q: %v", s, err)
	}
	return MetricGate{Metric: m[1], Op: m[2], Threshold: v}, nil
}

// MetricGates parses the environment's metric thresholds (already checked at load).
func (g Gates) MetricGates() []MetricGate {
	out := make([]MetricGate, 0, len(g.Metrics))
	for _, s := range g.Metrics {
		if mg, err := ParseMetricGate(s); err == nil {
			out = append(out, mg)
		}
	}
	return out
}

var (
	nameRe     = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
	ucNameRe   = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$`)
	reviewerRe = regexp.MustCompile(`^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9._-]+)?$`)
)

// validatePromotion checks the environments and models sections.
func (f *File) validatePromotion() error {
	seen := map[string]bool{}
	for _, e := range f.Environments {
		where := fmt.Sprintf("line %d: environments.%s", e.Line, e.Name)
		switch {
		case !nameRe.MatchString(e.Name):
			return fmt.Errorf("%s: the name must be lowercase letters, digits, - or _ (e.g. staging)", where)
		case seen[e.Name]:
			return fmt.Errorf("%s: declared twice", where)
		case !ucNameRe.MatchString(e.Catalog):
			return fmt.Errorf("%s catalog %q is not a valid Unity Catalog name", where, e.Catalog)
		case e.Approvals < 0:
			return fmt.Errorf("%s: approvals must be 0 or more", where)
		}
		seen[e.Name] = true
		for _, r := range e.Reviewers {
			if !reviewerRe.MatchString(r) {
				return fmt.Errorf("%s: reviewer %q must be a GitHub login or org/team", where, r)
			}
		}
		for _, m := range e.Gates.Metrics {
			if _, err := ParseMetricGate(m); err != nil {
				return fmt.Errorf("%s: %v", where, err)
			}
		}
		if b := e.Gates.BeatChampion; b != nil && b.Metric == "" {
			return fmt.Errorf("%s: gates.beat_champion.metric is required", where)
		}
		if m := e.Gates.Monitor; m != nil {
			if err := m.validate(where); err != nil {
				return err
			}
		}
	}
	models := map[string]bool{}
	for _, m := range f.Models {
		where := fmt.Sprintf("line %d: models.%s", m.Line, m.Name)
		switch {
		case !ucNameRe.MatchString(m.Name):
			return fmt.Errorf("%s: the name is not a valid Unity Catalog name", where)
		case models[m.Name]:
			return fmt.Errorf("%s: declared twice", where)
		case !ucNameRe.MatchString(m.Schema):
			return fmt.Errorf("%s: schema %q is not a valid Unity Catalog name", where, m.Schema)
		case m.Alias != "" && !ucNameRe.MatchString(m.Alias):
			return fmt.Errorf("%s: alias %q is not a valid alias name", where, m.Alias)
		}
		models[m.Name] = true
	}
	return nil
}
