package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// A minimal plan (format_version and resource_changes only, as policy
// authors write fixtures) is checked, not refused.
func TestMinimalPlanIsChecked(t *testing.T) {
	plan, err := planjson.Load("testdata/compat/plans/minimal.json", "prod")
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.Check(context.Background(), []*planjson.Plan{plan})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.RuleID+" "+f.Address)
	}
	want := "BO001 brickops_cluster.etl, BO010 brickops_catalog.old"
	if strings.Join(got, ", ") != want {
		t.Errorf("findings = %v, want %s", got, want)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// SARIF: one fingerprint per finding (string-returning rules name no
// resource), relative percent-encoded URIs against originalUriBaseIds,
// rule descriptions from Rego METADATA.
func TestSARIFFingerprintsURIsAndMetadata(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	t.Setenv("GITHUB_WORKSPACE", root)
	inside := filepath.Join(root, "sp ace", "plan#1.json")
	copyFile(t, "testdata/compat/plans/minimal.json", inside)
	away := filepath.Join(outside, "prod.json")
	copyFile(t, "testdata/compat/plans/mixed.json", away)
	e, err := New(context.Background(), Options{PolicyPaths: []string{"testdata/compat/policies/basic"}})
	if err != nil {
		t.Fatal(err)
	}
	var plans []*planjson.Plan
	for env, p := range map[string]string{"dev": inside, "prod": away} {
		plan, err := planjson.Load(p, env)
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, plan)
	}
	rep, err := e.Check(context.Background(), plans)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Write(&buf, FormatSARIF, "test"); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifValidator(t).Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
	var log struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Tool               struct {
				Driver struct {
					Rules []struct {
						ID               string
						ShortDescription struct{ Text string } `json:"shortDescription"`
						FullDescription  struct{ Text string } `json:"fullDescription"`
					}
				}
			}
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Locations           []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	seen := map[string]bool{}
	uris := map[string]bool{}
	denies := 0
	for _, r := range run.Results {
		fp := r.PartialFingerprints["brickopsFinding/v2"]
		if fp == "" || seen[fp] {
			t.Errorf("fingerprint %q of %s is empty or shared", fp, r.RuleID)
		}
		seen[fp] = true
		if r.RuleID == "main.deny" {
			denies++
		}
		a := r.Locations[0].PhysicalLocation.ArtifactLocation
		uris[a.URIBaseID+" "+a.URI] = true
	}
	if denies < 2 {
		t.Errorf("want several main.deny findings to tell apart, got %d", denies)
	}
	if !uris["%SRCROOT% sp%20ace/plan%231.json"] || !uris["PLANDIR1 prod.json"] || len(uris) != 2 {
		t.Errorf("artifact locations = %v", uris)
	}
	if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != "file://"+filepath.ToSlash(root)+"/" {
		t.Errorf("%%SRCROOT%% = %q", got)
	}
	if got := run.OriginalURIBaseIDs["PLANDIR1"].URI; got != "file://"+filepath.ToSlash(outside)+"/" {
		t.Errorf("PLANDIR1 = %q", got)
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.ID == "main.deny" && (r.ShortDescription.Text != "No deletions" || !strings.HasPrefix(r.FullDescription.Text, "Deleting a resource needs a change ticket")) {
			t.Errorf("main.deny descriptions: %+v", r)
		}
	}
}

// Markdown escapes what would break a table row or render as HTML, and a
// report too long for one comment folds to counts per rule, the top
// findings and a pointer to the full report.
func TestMarkdownEscapesAndFolds(t *testing.T) {
	rep := &Report{Plans: []PlanRef{{Path: "prod.json", Env: "prod"}}, Rules: []RuleInfo{{ID: "main.deny", Name: "deny"}}}
	rep.Findings = []Finding{{RuleID: "main.deny", RuleName: "deny", Severity: SeverityError, Env: "prod",
		Address: `module.x["a|b"].brickops_cluster.c`, Message: `bad <img src=x onerror=alert(1)> | here`}}
	var md bytes.Buffer
	rep.WriteMarkdown(&md)
	out := md.String()
	if strings.Contains(out, "<img") || !strings.Contains(out, "&lt;img src=x onerror=alert(1)&gt; \\| here") {
		t.Errorf("message not escaped:\n%s", out)
	}
	if !strings.Contains(out, "| `module.x[\"a\\|b\"].brickops_cluster.c` |") {
		t.Errorf("pipe in the address not escaped:\n%s", out)
	}

	rep.FullReportURL = "https://github.com/acme/infra/actions/runs/42"
	rep.Findings = nil
	for i := range 10000 {
		rep.Findings = append(rep.Findings, Finding{RuleID: fmt.Sprintf("BO00%d", i%3), RuleName: "rule", Severity: SeverityError, Env: "prod",
			Address: fmt.Sprintf("brickops_cluster.c[%d]", i), Message: strings.Repeat("long message ", 5)})
	}
	md.Reset()
	rep.WriteMarkdown(&md)
	out = md.String()
	if n := utf8.RuneCountInString(out); n > MarkdownLimit || n < MarkdownLimit/2 {
		t.Errorf("folded report has %d characters, want at most %d and most of that used", n, MarkdownLimit)
	}
	for _, want := range []string{"| Rule | Name | Severity | Findings | Waived |", "| `BO000` | rule | ❌ error | 3334 | 0 |",
		"**Top ", "more finding(s) are not shown", "https://github.com/acme/infra/actions/runs/42"} {
		if !strings.Contains(out, want) {
			t.Errorf("folded report lacks %q", want)
		}
	}
}

// The JSON report carries counts, exceptions, waivers and prints.
func TestJSONReportCountsExceptions(t *testing.T) {
	e, err := New(context.Background(), Options{NoBuiltin: true, PolicyPaths: []string{"testdata/compat/policies/exceptions"}})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planjson.Load("testdata/compat/plans/minimal.json", "dev")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.Check(context.Background(), []*planjson.Plan{plan})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Write(&buf, FormatJSON, "test"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Denied bool         `json:"denied"`
		Counts ReportCounts `json:"counts"`
		// Exceptions and waivers are lists, never null.
		Exceptions []Exception     `json:"exceptions"`
		Waivers    json.RawMessage `json:"waivers"`
		Prints     json.RawMessage `json:"prints"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Denied || doc.Counts.Exceptions != 3 || doc.Counts.RegoTests != 4 || doc.Counts.RegoPassed != 1 ||
		string(doc.Waivers) != "[]" || string(doc.Prints) != "[]" {
		t.Errorf("json report: %s", buf.String())
	}
	if len(doc.Exceptions) != 3 || doc.Exceptions[1].Query != `data.main.exception[_][_] == "delete"` {
		t.Errorf("exceptions = %+v", doc.Exceptions)
	}
	var text bytes.Buffer
	rep.writeText(&text)
	if !strings.Contains(text.String(), "EXCP    [dev] main.violation_deny_delete testdata/compat/plans/minimal.json: data.main.exception[_][_] == \"delete\"") ||
		!strings.Contains(text.String(), "rego: 4 tests, 1 passed, 0 warnings, 0 failures, 3 exceptions") {
		t.Errorf("text report:\n%s", text.String())
	}
}
