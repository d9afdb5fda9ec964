package config

import (
	"strings"
	"testing"
)

const promotionYAML = `
version: 1
environments:
  dev:
    catalog: dev
  staging:
    catalog: staging
    approvals: 1
    reviewers: [alice, acme/ml-reviewers]
    gates:
      tags: {validation_status: passed}
      metrics: ["val_auc >= 0.80", "val_loss < 0.5"]
  prod:
    catalog: prod
    host: ${DATABRICKS_HOST_PROD}
    approvals: 2
    reviewers: [acme/ml-platform]
    gates:
      require_ready: true
      metrics: ["val_auc >= 0.85"]
      beat_champion: {metric: val_auc, margin: 0.01}
models:
  churn:
    schema: ml
    endpoint: churn
  fraud:
    schema: risk
    alias: live
`

func TestPromotion_parsesInOrder(t *testing.T) {
	f, err := Parse([]byte(promotionYAML))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.environmentNames(); strings.Join(got, ",") != "dev,staging,prod" {
		t.Errorf("environment order = %v", got)
	}
	prev, err := f.Previous("prod")
	if err != nil || prev.Name != "staging" {
		t.Errorf("previous of prod = %v, %v", prev.Name, err)
	}
	if _, err := f.Previous("dev"); err == nil || !strings.Contains(err.Error(), "is the first one") {
		t.Errorf("previous of dev: %v", err)
	}
	staging, _, _ := f.Environment("staging")
	if staging.Approvals != 1 || len(staging.Reviewers) != 2 || staging.Gates.Tags["validation_status"] != "passed" || !staging.Gates.ReadyRequired() || staging.Line != 6 {
		t.Errorf("staging = %+v", staging)
	}
	gates := staging.Gates.MetricGates()
	if len(gates) != 2 || gates[0].String() != "val_auc >= 0.8" || !gates[1].Holds(0.49) || gates[1].Holds(0.5) {
		t.Errorf("metric gates = %+v", gates)
	}
	churn, err := f.Model("churn")
	if err != nil || churn.AliasOrDefault() != "champion" || churn.FullName(staging) != "staging.ml.churn" {
		t.Errorf("churn = %+v %v", churn, err)
	}
	fraud, _ := f.Model("fraud")
	if fraud.AliasOrDefault() != "live" {
		t.Errorf("fraud alias = %q", fraud.AliasOrDefault())
	}
	if _, err := f.Model("nope"); err == nil || !strings.Contains(err.Error(), `unknown model "nope"`) || !strings.Contains(err.Error(), "churn, fraud") {
		t.Errorf("unknown model: %v", err)
	}
	if _, _, err := f.Environment("qa"); err == nil || !strings.Contains(err.Error(), "known: dev, staging, prod") {
		t.Errorf("unknown env: %v", err)
	}
}

func TestPromotion_badInputNamesTheLine(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"bad metric gate": {"environments:\n  dev:\n    catalog: dev\n    gates:\n      metrics: [\"auc is high\"]\n",
			`line 2: environments.dev: metric gate "auc is high" must read <metric> <op> <number>`},
		"bad reviewer": {"environments:\n  prod:\n    catalog: prod\n    approvals: 1\n    reviewers: [\"not a login\"]\n",
			`reviewer "not a login" must be a GitHub login or org/team`},
		"bad env name":        {"environments:\n  Prod:\n    catalog: prod\n", "line 2: environments.Prod: the name must be lowercase"},
		"list instead of map": {"environments:\n  - dev\n", "line 2: environments must be a mapping from name to settings"},
		"unknown key in env":  {"environments:\n  dev:\n    catalogue: dev\n", "field catalogue not found"},
		"missing schema":      {"models:\n  churn: {alias: champion}\n", `line 2: models.churn: schema "" is not a valid Unity Catalog name`},
		"beat without metric": {"environments:\n  prod:\n    catalog: prod\n    gates:\n      beat_champion: {margin: 0.1}\n",
			"gates.beat_champion.metric is required"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
