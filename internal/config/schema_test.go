package config

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestSchema_acceptsAValidFile(t *testing.T) {
	for name, doc := range map[string]string{"promotion": promotionYAML} {
		problems, err := ValidateSchema([]byte(doc))
		if err != nil || len(problems) != 0 {
			t.Errorf("%s: %v %v", name, problems, err)
		}
	}
}

func TestSchema_reportsLines(t *testing.T) {
	doc := `version: 1
environments:
  staging:
    catalog: staging
    approvals: -1
    gates:
      metrics: ["auc is high"]
  Prod:
    catalog: prod
models:
  churn:
    scheme: ml
policy:
  waivers:
    - rule: BO001
      expires: tomorrow
`
	problems, err := ValidateSchema([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"line 5: environments.staging.approvals:",
		"line 11: models.churn:",
		"line 15: policy.waivers.0:",
		"line 16: policy.waivers.0.expires:",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in:\n%s", want, all)
		}
	}
}

// The schema file shipped for editors is the one the CLI validates with.
func TestSchema_shippedCopyMatches(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(file), "brickops.schema.json"))
	if err != nil || string(raw) != string(Schema) {
		t.Errorf("embedded schema differs from brickops.schema.json: %v", err)
	}
}
