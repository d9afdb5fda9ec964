package policy

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
	"github.com/brickops/terraform-provider-brickops/internal/tftest"
)

// regoPlan is a real terraform plan: one update, one replace, one delete,
// three creates (one with input "forbidden").
func regoPlan(t *testing.T, allowReplace string) *planjson.Plan {
	t.Helper()
	w := tftest.New(t, map[string]string{"main.tf": `
variable "allow_replace" { default = "` + allowReplace + `" }
resource "terraform_data" "u" { input = "one" }
resource "terraform_data" "r" { triggers_replace = ["v1"] }
resource "terraform_data" "d" { input = "bye" }
`})
	w.Apply(t)
	w.Write(t, map[string]string{"main.tf": `
variable "allow_replace" { default = "` + allowReplace + `" }
resource "terraform_data" "u" { input = "two" }
resource "terraform_data" "r" { triggers_replace = ["v2"] }
resource "terraform_data" "a" { input = "forbidden" }
resource "terraform_data" "b" { input = "ok" }
resource "terraform_data" "c" { input = "ok" }
`})
	p, err := planjson.Load(w.PlanJSON(t, "plan.json"), "dev")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func regoCheck(t *testing.T, opts Options, plan *planjson.Plan) []string {
	t.Helper()
	e, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.Check(context.Background(), []*planjson.Plan{plan})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range rep.Findings {
		out = append(out, string(f.Severity)+" "+f.RuleID+" ["+f.Address+"] "+f.Message)
	}
	sort.Strings(out)
	return out
}

// TestConftestVerdicts: the verdicts conftest gives these policies on this
// plan. Checked by hand with conftest v0.71.1 (`conftest test
// --rego-version v0 -p testdata/conftest plan.json`): 5 failures (deny
// twice, deny_count, deny_replace, violation) and 1 warning; with
// allow_replace = "yes" the exception turns deny_replace into an exception;
// --all-namespaces adds "other namespace denies everything". The test file's
// rules do not count.
func TestConftestVerdicts(t *testing.T) {
	opts := Options{PolicyPaths: []string{"testdata/conftest"}}
	got := regoCheck(t, opts, regoPlan(t, "no"))
	want := []string{
		"error main.deny [] terraform_data.d: deleting data is not allowed",
		"error main.deny [] terraform_data.r: deleting data is not allowed",
		"error main.deny_count [] too many creations in one plan: 4",
		"error main.deny_replace [] terraform_data.r would be replaced",
		`error main.violation [terraform_data.a] input must not be "forbidden"`,
		"warning main.warn [] terraform_data.u is updated in place",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	got = regoCheck(t, opts, regoPlan(t, "yes"))
	for _, f := range got {
		if strings.Contains(f, "deny_replace") {
			t.Errorf("exception did not silence deny_replace: %s", f)
		}
	}

	opts.AllNamespaces = true
	got = regoCheck(t, opts, regoPlan(t, "no"))
	if !contains(got, "error other.deny [] other namespace denies everything") {
		t.Errorf("--all-namespaces findings: %v", got)
	}
	opts = Options{PolicyPaths: []string{"testdata/conftest"}, Namespaces: []string{"other"}}
	if got := regoCheck(t, opts, regoPlan(t, "no")); len(got) != 1 {
		t.Errorf("namespace other: %v", got)
	}
}

func TestRegoMetadataAndWaiver(t *testing.T) {
	e, err := New(context.Background(), Options{PolicyPaths: []string{"testdata/conftest/v0.rego"}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.Check(context.Background(), []*planjson.Plan{regoPlan(t, "no")})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.RuleID == "main.violation" {
			if f.Metadata["ticket"] != "SEC-1" || f.Source != "testdata/conftest/v0.rego" {
				t.Errorf("violation finding = %+v", f)
			}
			return
		}
	}
	t.Errorf("no violation finding in %+v", rep.Findings)
}

func TestRegoLoadErrors(t *testing.T) {
	empty := t.TempDir()
	noMsg := filepath.Join(t.TempDir(), "nomsg.rego")
	if err := os.WriteFile(noMsg, []byte("package main\n\ndeny[{\"text\": \"x\"}] { true }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v0broken := filepath.Join(t.TempDir(), "v0.rego")
	if err := os.WriteFile(v0broken, []byte("package main\n\ndeny[msg] {\n  msg := \n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct{ path, want string }{
		"does not compile": {"testdata/broken", "testdata/broken/bad.rego:6: rego_unsafe_var_error: var "},
		"boolean rule":     {"testdata/boolean", "testdata/boolean/bool.rego:5: rule deny is a boolean (`if` without `contains`)"},
		"no policies":      {empty, empty + ": no .rego files found"},
		"missing":          {"testdata/nope", "testdata/nope: cannot read policies: no such file or directory"},
		"v0 syntax error":  {v0broken, v0broken + ":5: rego_parse_error: unexpected } token"},
		"no rules in main": {"testdata/conftest/other.rego", "testdata/conftest/other.rego: no deny, violation or warn rules in package main (packages found: other); use --namespace or --all-namespaces"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := New(context.Background(), Options{PolicyPaths: []string{c.path}})
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") ||
				name == "does not compile" && !strings.Contains(err.Error(), "var undefined_thing is unsafe") {
				t.Errorf("error = %v, want one line starting %q", err, c.want)
			}
		})
	}
	e, err := New(context.Background(), Options{PolicyPaths: []string{noMsg}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Check(context.Background(), []*planjson.Plan{writePlan(t, "dev")})
	if err == nil || !strings.Contains(err.Error(), `rule main.deny returned an object without a string "msg" field`) {
		t.Errorf("object without msg: %v", err)
	}
}
