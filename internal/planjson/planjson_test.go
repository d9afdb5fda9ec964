package planjson

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/tftest"
)

const secret = "s3cr3t-do-not-print"

// realPlan applies a configuration with terraform_data (built into
// Terraform, no provider download), changes it, and returns the JSON plan
// of the change: one create, one update, one replace, one delete, and a
// sensitive value that must never be printed.
func realPlan(t *testing.T) (*tftest.Workdir, string) {
	t.Helper()
	w := tftest.New(t, map[string]string{"main.tf": `
variable "secret" {
  type      = string
  sensitive = true
  default   = "` + secret + `"
}
resource "terraform_data" "updated" { input = "one" }
resource "terraform_data" "replaced" {
  input            = "x"
  triggers_replace = ["v1"]
}
resource "terraform_data" "deleted" { input = "bye" }
resource "terraform_data" "secret" { input = var.secret }
`})
	w.Apply(t)
	w.Write(t, map[string]string{"main.tf": `
variable "secret" {
  type      = string
  sensitive = true
  default   = "` + secret + `-v2"
}
resource "terraform_data" "updated" { input = "two" }
resource "terraform_data" "replaced" {
  input            = "x"
  triggers_replace = ["v2"]
}
resource "terraform_data" "created" { input = "hello" }
resource "terraform_data" "secret" { input = var.secret }
`})
	return w, w.PlanJSON(t, "prod.json")
}

func TestSummarizeRealPlan(t *testing.T) {
	_, path := realPlan(t)
	targets, err := Targets([]string{path}, "")
	if err != nil {
		t.Fatal(err)
	}
	if targets[0].Env != "prod" {
		t.Fatalf("env from %s = %q", path, targets[0].Env)
	}
	plans, err := LoadAll(targets)
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(plans, func(env string) bool { return env == "prod" })
	e := s.Environments[0]
	if want := (Counts{Add: 1, Change: 2, Replace: 1, Destroy: 1}); e.Counts != want {
		t.Errorf("counts = %+v, want %+v", e.Counts, want)
	}
	if !e.Prod || len(e.ByType) != 1 || e.ByType[0].Type != "terraform_data" {
		t.Errorf("summary = %+v", e)
	}
	var destructive []string
	for _, c := range e.Destructive {
		destructive = append(destructive, string(c.Action)+" "+c.Address+" "+c.Reason)
	}
	if got := strings.Join(destructive, "; "); got != "delete terraform_data.deleted delete_because_no_resource_config; replace terraform_data.replaced replace_because_cannot_update" {
		t.Errorf("destructive = %s", got)
	}
	for _, format := range []string{FormatText, FormatMarkdown, FormatJSON} {
		var buf bytes.Buffer
		if err := s.Write(&buf, format); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.Contains(out, secret) {
			t.Errorf("%s output prints the sensitive value:\n%s", format, out)
		}
		for _, want := range []string{"terraform_data.deleted", "terraform_data.replaced", "terraform_data.created"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s output lacks %s:\n%s", format, want, out)
			}
		}
	}
	var md bytes.Buffer
	s.WriteMarkdown(&md)
	for _, want := range []string{
		"## Terraform plan: `prod` — 🚨 PRODUCTION",
		"**1 to add, 2 to change, 1 to replace, 1 to destroy.**",
		"> [!CAUTION]\n> **2 destructive change(s) in `prod`**",
		"> - 🔥 **delete** `terraform_data.deleted` (delete because no resource config)",
		"| `terraform_data` | 1 | 2 | 1 | 1 |",
		"| ✏️ update | `terraform_data.secret` | input, output |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
}

func TestLoadRejectsWhatIsNotAPlan(t *testing.T) {
	w, _ := realPlan(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string]struct{ path, want string }{
		"not json":         {write("a.json", "Terraform will perform the following actions:"), "not a JSON plan: invalid JSON at byte 1"},
		"raw state":        {filepath.Join(w.Dir, "terraform.tfstate"), "this is a Terraform state file, not a plan"},
		"show -json state": {w.StateJSON(t), "this is `terraform show -json` of a state, not of a plan"},
		"future format":    {write("b.json", `{"format_version":"2.0","planned_values":{}}`), `unsupported plan format version: "2.0.0"`},
		"other json":       {write("c.json", `{"hello":"world"}`), "not a Terraform plan: format_version is missing"},
		"missing":          {filepath.Join(dir, "nope.json"), "cannot read plan: no such file or directory"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(c.path, "dev")
			if err == nil {
				t.Fatal("loaded")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, c.path+": ") || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting with the path and containing %q", msg, c.want)
			}
		})
	}
}

func TestTargets(t *testing.T) {
	cases := []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"plans/prod.json"}, "", "prod=plans/prod.json"},
		{[]string{"plan-staging.json"}, "", "staging=plan-staging.json"},
		{[]string{"environments/dev/plan.json"}, "", "dev=environments/dev/plan.json"},
		{[]string{"x/tfplan.json"}, "live", "live=x/tfplan.json"},
		{[]string{"dev=a.json", "prod=b.json"}, "", "dev=a.json prod=b.json"},
		{[]string{"prod.tfplan.json"}, "", "prod=prod.tfplan.json"},
	}
	for _, c := range cases {
		ts, err := Targets(c.args, c.env)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tg := range ts {
			got = append(got, tg.Env+"="+tg.Path)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("Targets(%v, %q) = %v, want %s", c.args, c.env, got, c.want)
		}
	}
	if _, err := Targets([]string{"a.json", "b.json"}, "prod"); err == nil || !strings.Contains(err.Error(), "--env names the environment of a single plan file") {
		t.Errorf("--env with two files: %v", err)
	}
	if _, err := Targets([]string{"a/plan.json", "b/prod/../a/plan.json"}, ""); err == nil || !strings.Contains(err.Error(), `both for environment "a"`) {
		t.Errorf("duplicate env: %v", err)
	}
}

func TestJSONSummaryShape(t *testing.T) {
	_, path := realPlan(t)
	plans, err := LoadAll([]Target{{Env: "dev", Path: path}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Summarize(plans, func(string) bool { return false }).Write(&buf, FormatJSON); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Environments []struct {
			Env     string `json:"env"`
			Prod    bool   `json:"prod"`
			Add     int    `json:"add"`
			Destroy int    `json:"destroy"`
			ByType  []struct {
				Type    string `json:"type"`
				Changes []struct {
					Address string `json:"address"`
					Action  string `json:"action"`
				} `json:"changes"`
			} `json:"by_type"`
		} `json:"environments"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	e := doc.Environments[0]
	if e.Env != "dev" || e.Prod || e.Add != 1 || e.Destroy != 1 || len(e.ByType[0].Changes) != 5 {
		t.Errorf("json = %s", buf.String())
	}
}
