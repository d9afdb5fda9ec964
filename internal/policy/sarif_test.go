package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/planjson"
)

// sarifSchemaID is the $id of testdata/sarif-schema-2.1.0.json, the OASIS
// schema (oasis-tcs/sarif-spec Schemata/sarif-schema-2.1.0.json).
const sarifSchemaID = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

func sarifValidator(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(sarifSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(sarifSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sampleReport has a built-in finding, a waived one, and Rego findings.
func sampleReport(t *testing.T) *Report {
	t.Helper()
	cfg, err := config.Parse([]byte(`
policy:
  waivers:
    - {rule: BO003, resource: brickops_cluster.etl, reason: tags land with the FinOps rollout, expires: 2027-01-31}
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(context.Background(), Options{Config: cfg, PolicyPaths: []string{"testdata/conftest"}, Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	c := with(goodCluster(), "autotermination_minutes", 0)
	c = with(c, "custom_tags", nil)
	plan := writePlan(t, "prod", create("brickops_cluster.etl", c), destroy("terraform_data.d", map[string]any{"input": "x"}))
	rep, err := e.Check(context.Background(), []*planjson.Plan{plan})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	rep := sampleReport(t)
	var buf bytes.Buffer
	if err := rep.Write(&buf, FormatSARIF, "1.2.3"); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifValidator(t).Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate: %v\n%s", err, buf.String())
	}

	// What GitHub code scanning needs beyond the schema: every rule has
	// help text and a level, every result a ruleId known to the driver, a
	// message and a physical location; waived results are suppressed.
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID   string `json:"id"`
						Help struct {
							Text string `json:"text"`
						} `json:"help"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
				Suppressions []struct {
					Justification string `json:"justification"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || run.Tool.Driver.Name != "brickops" {
		t.Errorf("header: %s %s", log.Version, run.Tool.Driver.Name)
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.Help.Text == "" || r.DefaultConfiguration.Level == "" {
			t.Errorf("rule %s lacks help or level", r.ID)
		}
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		seen[r.RuleID] = true
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d", r.RuleID, r.RuleIndex)
		}
		if r.Message.Text == "" || len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
			t.Errorf("result %s lacks message or location", r.RuleID)
		}
		switch r.RuleID {
		case "BO001":
			if r.Level != "error" || r.Locations[0].LogicalLocations[0].FullyQualifiedName != "brickops_cluster.etl" {
				t.Errorf("BO001 result: %+v", r)
			}
		case "BO003":
			if len(r.Suppressions) != 1 || !strings.Contains(r.Suppressions[0].Justification, "FinOps rollout (waived until 2027-01-31)") {
				t.Errorf("BO003 not suppressed: %+v", r)
			}
		}
	}
	for _, id := range []string{"BO001", "BO003", "main.deny", "main.warn"} {
		if id == "main.warn" {
			continue // no update in this plan
		}
		if !seen[id] {
			t.Errorf("no result for %s", id)
		}
	}
}

func TestSchemaRejectsBrokenSARIF(t *testing.T) {
	// The validator is not vacuous: a result without a message fails.
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifValidator(t).Validate(inst); err == nil {
		t.Error("a result without message validated")
	}
}

func TestMarkdownAndJSONReports(t *testing.T) {
	rep := sampleReport(t)
	var md bytes.Buffer
	rep.WriteMarkdown(&md)
	for _, want := range []string{
		"## ❌ Policy check: 2 denied, 0 warning(s), 1 waived",
		"Checked `prod` (production) against",
		"> [!CAUTION]",
		"| ❌ error | `prod` | `BO001` cluster-auto-termination | `brickops_cluster.etl` | autotermination_minutes is 0: the cluster never terminates when idle |",
		"| 🔕 waived | `prod` | `BO003` cluster-required-tags | `brickops_cluster.etl` | custom_tags lacks required tag(s): owner — waived until 2027-01-31: tags land with the FinOps rollout |",
		"- `BO001`: Set autotermination_minutes",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	var js bytes.Buffer
	if err := rep.Write(&js, FormatJSON, "x"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Denied   bool `json:"denied"`
		Findings []struct {
			RuleID string `json:"rule_id"`
			Waived *struct {
				Reason string `json:"reason"`
			} `json:"waived"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Denied || len(doc.Findings) != 3 {
		t.Errorf("json report: %s", js.String())
	}
}
