package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// compat is the policy package's conftest compatibility data: real plans
// and conftest-style policies.
var compat = filepath.Join("..", "..", "internal", "policy", "testdata", "compat")

// TestPolicyCheckConftestFlags: conftest's flags as users pass them, and
// the exit-code contract around them.
func TestPolicyCheckConftestFlags(t *testing.T) {
	plan := func(name string) string { return filepath.Join(compat, "plans", name) }
	pol := func(name string) string { return filepath.Join(compat, "policies", name) }
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"denied", []string{"-p", pol("basic"), "--no-builtin", plan("mixed.json")}, 1, "deleting is not allowed"},
		{"no-fail", []string{"-p", pol("basic"), "--no-builtin", "--no-fail", plan("mixed.json")}, 0, "DENIED"},
		{"warnings pass", []string{"-p", pol("warnonly"), "--no-builtin", plan("create.json")}, 0, "PASSED: 0 denied, 2 warning(s)"},
		{"fail-on-warn", []string{"-p", pol("warnonly"), "--no-builtin", "--fail-on-warn", plan("create.json")}, 1, "DENIED: 0 denied, 2 warning(s)"},
		{"data and glob", []string{"-p", pol("data/policy"), "-d", pol("data/data/limits") + "," + pol("data/data/owners.json"), "-n", "ma*", "--no-builtin", plan("create.json")}, 1, `owner "" is not a known team`},
		{"exceptions", []string{"-p", pol("exceptions"), "--no-builtin", plan("minimal.json")}, 0, `EXCP    [minimal] main.deny_warn_replace`},
		{"rego v1 refuses v0", []string{"-p", pol("v0"), "--rego-version", "v1", plan("mixed.json")}, 2, "v0.rego:3"},
		{"bad rego version", []string{"-p", pol("basic"), "--rego-version", "v2", plan("mixed.json")}, 2, `--rego-version "v2": want v0 or v1`},
		{"unknown output", []string{"-o", "yaml", plan("mixed.json")}, 2, "want text, json, sarif or markdown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, code := run(t, "", append([]string{"policy", "check"}, c.args...)...)
			if code != c.code || !strings.Contains(out+stderr, c.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s\n%s", code, c.code, c.want, out, stderr)
			}
		})
	}

	out, stderr, code := run(t, "", "policy", "check", "-p", pol("exceptions"), "--no-builtin", "--output", "json", plan("minimal.json"))
	var doc struct {
		Version int    `json:"version"`
		Command string `json:"command"`
		Counts  struct {
			Exceptions int `json:"exceptions"`
		} `json:"counts"`
		Exceptions []struct {
			Query string `json:"query"`
		} `json:"exceptions"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("json: exit %d, %v\n%s%s", code, err, out, stderr)
	}
	if doc.Version != 1 || doc.Command != "policy check" || doc.Counts.Exceptions != 3 || len(doc.Exceptions) != 3 {
		t.Errorf("json document: %s", out)
	}
}

// TestPolicyTestCommand: failing and passing Rego unit tests, coverage.
func TestPolicyTestCommand(t *testing.T) {
	out, stderr, code := run(t, "", "policy", "test", filepath.Join("..", "..", "templates", "files", "policies"))
	if code != 0 || !strings.Contains(out, "PASS: 4/4") || !strings.Contains(out, "coverage: 100.0% of policy lines") {
		t.Errorf("scaffold policies: exit %d\n%s%s", code, out, stderr)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "p.rego"), "package main\n\nimport rego.v1\n\ndeny contains \"no\" if input.x == 1\n\nwarn contains \"w\" if input.y == 2\n")
	writeFile(t, filepath.Join(dir, "p_test.rego"), "package main\n\nimport rego.v1\n\ntest_deny if deny[\"no\"] with input as {\"x\": 1}\n\ntest_wrong if deny[\"no\"] with input as {\"x\": 2}\n")
	out, stderr, code = run(t, "", "policy", "test", dir, "--output", "json")
	var rep struct {
		Version  int     `json:"version"`
		Passed   int     `json:"passed"`
		Failed   int     `json:"failed"`
		Coverage float64 `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err, out)
	}
	if code != 1 || rep.Version != 1 || rep.Passed != 1 || rep.Failed != 1 || rep.Coverage <= 0 || rep.Coverage >= 100 {
		t.Errorf("exit %d, report %+v\n%s", code, rep, stderr)
	}
	_, stderr, code = run(t, "", "policy", "test", filepath.Join(compat, "policies", "basic"))
	if code != 2 || !strings.Contains(stderr, "no test_* rules found") {
		t.Errorf("no tests: exit %d: %s", code, stderr)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
