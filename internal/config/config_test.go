package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

func TestParseFullFile(t *testing.T) {
	f, err := Parse([]byte(`
version: 1
prod_environments: [prod, live]
environments:
  dev: {catalog: dev}
policy:
  rules:
    BO001:
      max_minutes: 60
    BO002:
      enabled: false
    BO003:
      severity: warning
      required_tags: [owner, cost_center]
  waivers:
    - rule: BO001
      resource: brickops_cluster.legacy
      env: dev
      reason: legacy cluster, retired in Q1
      expires: 2026-12-31
`))
	if err != nil {
		t.Fatal(err)
	}
	if !f.IsProd("live") || !f.IsProd("PROD") || f.IsProd("dev") {
		t.Errorf("prod environments = %v", f.ProdEnvironments)
	}
	r := f.Policy.Rules["BO001"]
	if r.Params["max_minutes"] != 60 || r.Line != 8 {
		t.Errorf("BO001 = %+v", r)
	}
	if e := f.Policy.Rules["BO002"].Enabled; e == nil || *e {
		t.Errorf("BO002 enabled = %v", e)
	}
	if got := f.Policy.Rules["BO003"]; got.Severity != "warning" || got.Params["required_tags"] == nil {
		t.Errorf("BO003 = %+v", got)
	}
	w := f.Policy.Waivers[0]
	if w.Rule != "BO001" || w.Resource != "brickops_cluster.legacy" || w.Env != "dev" || w.Expires.String() != "2026-12-31" || w.Line != 16 {
		t.Errorf("waiver = %+v", w)
	}
	if w.ExpiredAt(time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)) {
		t.Error("waiver expired during its last day")
	}
	if !w.ExpiredAt(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("waiver still valid the day after expiry")
	}
}

// Regression (issue 15): an empty brickops.yaml was "valid" and status
// printed an empty table; a list gave a decoder error in status but a
// schema error in config validate. Both are refused, in the same words by
// Parse and by the schema check.
func TestParse_refusesEmptyAndNonMappingLikeTheSchema(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"empty":         {"", "line 1: (top level): the file is empty: want a mapping"},
		"comments only": {"# nothing yet\n", "line 1: (top level): the file is empty: want a mapping"},
		"null":          {"~\n", "line 1: (top level): the file is empty: want a mapping"},
		"list":          {"\n- dev\n- prod\n", "line 2: (top level): got a list, want a mapping"},
		"scalar":        {"dev\n", "line 1: (top level): got a single value, want a mapping"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("Parse: %v, want %q", err, c.want)
			}
			problems, err := ValidateSchema([]byte(c.yaml))
			if err != nil || len(problems) != 1 || !strings.HasPrefix(problems[0].String(), c.want) {
				t.Errorf("ValidateSchema: %v %v, want %q", problems, err, c.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"malformed date": {`
policy:
  waivers:
    - rule: BO001
      reason: x
      expires: 2026-13-01
`, `line 6: expires "2026-13-01" is not a date (want YYYY-MM-DD)`},
		"missing reason": {`
policy:
  waivers:
    - rule: BO001
      expires: 2026-01-01
`, `line 4: policy.waivers[0] (rule BO001): reason is required`},
		"missing expiry": {`
policy:
  waivers:
    - {rule: BO001, reason: because}
`, `expires is required`},
		"unknown top-level key": {`polcy: {}`, `unknown top-level key "polcy"`},
		"unknown policy key":    {"policy:\n  rulez: {}\n", `field rulez not found`},
		"unknown waiver key":    {"policy:\n  waivers:\n    - {rule: BO001, reason: x, expires: 2026-01-01, until: 2027-01-01}\n", `field until not found`},
		"bad severity":          {"policy:\n  rules:\n    BO001: {severity: fatal}\n", `line 3: policy.rules.BO001.severity "fatal" must be error, warning or note`},
		"not yaml":              {"policy: [", `did not find expected node content`},
		"bad version":           {"version: 3\n", `version 3 is not supported`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line containing %q", err, c.want)
			}
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "brickops.yaml")
	if err := os.WriteFile(path, []byte("policy:\n  waivers:\n    - {rule: BO001, reason: x, expires: soon}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": line 3: expires \"soon\"") {
		t.Errorf("error = %v", err)
	}
	absent := filepath.Join(t.TempDir(), "absent.yaml")
	if _, err := LoadOptional(absent); err == nil || exitcode.Of(err) != exitcode.BadInput || !strings.Contains(err.Error(), absent) {
		t.Errorf("LoadOptional of a named but missing file = %v, want a bad-input error naming it", err)
	}
	t.Chdir(t.TempDir())
	f, err := LoadOptional("")
	if err != nil || f.Path != "" || !f.IsProd("prod") {
		t.Errorf("LoadOptional with no brickops.yaml around = %+v, %v", f, err)
	}
}

// Regression (issue 15): from environments/dev, promote said "open
// brickops.yaml: no such file or directory". Commands find it upward.
func TestFind_walksUpLikeGit(t *testing.T) {
	repo := t.TempDir()
	envDir := filepath.Join(repo, "environments", "dev")
	if err := os.MkdirAll(envDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "brickops.yaml"), []byte("environments:\n  dev: {catalog: dev}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(envDir)
	f, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := filepath.EvalSymlinks(repo); !samePath(t, f.Dir(), want) || len(f.Environments) != 1 {
		t.Errorf("found %s (dir %s), want the one in %s", f.Path, f.Dir(), repo)
	}
	lonely := t.TempDir()
	t.Chdir(lonely)
	_, err = Load("")
	if err == nil || exitcode.Of(err) != exitcode.BadInput || !errors.Is(err, ErrNotFound) ||
		!strings.Contains(err.Error(), "or any parent directory: run brickops inside your MLOps repository, pass --config PATH") {
		t.Errorf("no brickops.yaml anywhere: %v", err)
	}
}

func samePath(t *testing.T, a, b string) bool {
	t.Helper()
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}
