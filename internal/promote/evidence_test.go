package promote

import (
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/config"
)

func TestEvidence_markdownCarriesTheCase(t *testing.T) {
	f, err := config.Parse([]byte(promotionFile))
	if err != nil {
		t.Fatal(err)
	}
	from, _, _ := f.Environment("staging")
	to, _, _ := f.Environment("prod")
	model, _ := f.Model("churn")
	cand := Candidate{FullName: "staging.ml.churn", Version: 4, Status: "READY", RunID: "run-9",
		Metrics: map[string]float64{"val_auc": 0.83, "val_loss": 0.3}, Tags: map[string]string{}}
	champ := &Champion{Version: 2, SourceVersion: 3, Metrics: map[string]float64{"val_auc": 0.86}}
	e := Evidence{Model: model, From: from, To: to, Candidate: cand, Champion: champ,
		Gates: Validate(to.Gates, cand, champ), Pin: Canary.Apply(Pin{Version: 3}, 4), Approvers: to.Reviewers}
	md := e.Markdown()
	for _, want := range []string{
		"### Promote churn version 4 to prod",
		"❌ validation gates fail",
		"| Candidate | `staging.ml.churn` version 4 |",
		"| Into | `prod.ml.churn`, alias `champion` |",
		"| Current champion | version 2 (copied from staging version 3) |",
		"| `val_auc >= 0.85` | ❌ fail | val_auc = 0.83 in run run-9 |",
		"| val_auc | 0.83 | 0.86 | >= 0.85 |",
		"| val_loss | 0.3 | not logged |  |",
		"canary (version 3: 90 %, version 4: 10 % of the source model)",
		"2 approval(s) required from: acme/ml-platform",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("evidence lacks %q:\n%s", want, md)
		}
	}
}

const promotionFile = `
environments:
  dev: {catalog: dev}
  staging: {catalog: staging}
  prod:
    catalog: prod
    approvals: 2
    reviewers: [acme/ml-platform]
    gates:
      metrics: ["val_auc >= 0.85"]
      beat_champion: {metric: val_auc}
models:
  churn: {schema: ml}
`
