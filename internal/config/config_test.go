package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

func TestParseEmptyIsDefault(t *testing.T) {
	f, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !f.IsProd("prod") || !f.IsProd("production") {
		t.Errorf("defaults = %v", f.ProdEnvironments)
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
	f, err := LoadOptional(filepath.Join(t.TempDir(), "absent.yaml"))
	if err != nil || f.Path != "" || !f.IsProd("prod") {
		t.Errorf("LoadOptional of a missing file = %+v, %v", f, err)
	}
}
