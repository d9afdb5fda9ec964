package promote

import (
	"encoding/json"

	"github.com/brickops/terraform-provider-brickops/internal/analysis"
)

// The JSON the CLI's --output json documents carry. Environments and
// models are named, not copied: brickops.yaml already holds their settings.

type evidenceJSON struct {
	Model             string       `json:"model"`
	From              string       `json:"from,omitempty"`
	To                string       `json:"to"`
	Candidate         Candidate    `json:"candidate"`
	Champion          *Champion    `json:"champion"`
	Gates             []GateResult `json:"gates"`
	Passed            bool         `json:"passed"`
	Pin               Pin          `json:"pin"`
	Approvers         []string     `json:"approvers"`
	SkippedValidation string       `json:"skipped_validation,omitempty"`
	// Analysis is present when a rollout analysis ran (--complete,
	// rollback --on-failed-analysis).
	Analysis *analysis.Verdict `json:"analysis,omitempty"`
}

// MarshalJSON writes the evidence with environments and model by name.
func (e Evidence) MarshalJSON() ([]byte, error) {
	return json.Marshal(evidenceJSON{
		Model: e.Model.Name, From: e.From.Name, To: e.To.Name,
		Candidate: e.Candidate, Champion: e.Champion, Gates: nonNil(e.Gates), Passed: Passed(e.Gates),
		Pin: e.Pin, Approvers: nonNil(e.Approvers), SkippedValidation: e.SkippedValidation, Analysis: e.Analysis,
	})
}

// MarshalJSON writes the report with its overall verdict.
func (r GateReport) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Env      string     `json:"env"`
		PR       int        `json:"pr"`
		HeadSHA  string     `json:"head_sha"`
		Passed   bool       `json:"passed"`
		Approval GateResult `json:"approval"`
		// Plan is present when the gate checked the plan to apply
		// against the reviewed one (gate --plan).
		Plan   *GateResult `json:"reviewed_plan,omitempty"`
		Models []Evidence  `json:"models"`
	}{r.Env, r.PR, r.HeadSHA, r.Passed(), r.Approval, r.Plan, nonNil(r.Models)})
}

// nonNil makes an empty list encode as [] rather than null, so scripts can
// iterate without a check.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
