package promote

import (
	"strings"
	"testing"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/config"
)

func stagingGates(t *testing.T) config.Gates {
	t.Helper()
	f, err := config.Parse([]byte(`
environments:
  dev: {catalog: dev}
  staging:
    catalog: staging
    gates:
      tags: {validation_status: passed}
      metrics: ["val_auc >= 0.80"]
      beat_champion: {metric: val_auc, margin: 0.01}
`))
	if err != nil {
		t.Fatal(err)
	}
	env, _, _ := f.Environment("staging")
	return env.Gates
}

func goodCandidate() Candidate {
	return Candidate{
		FullName: "dev.ml.churn", Version: 7, Status: "READY", RunID: "run-7",
		Tags: map[string]string{"validation_status": "passed"}, Metrics: map[string]float64{"val_auc": 0.87},
	}
}

func TestValidate_allPass(t *testing.T) {
	res := Validate(stagingGates(t), goodCandidate(), &Champion{Version: 3, Metrics: map[string]float64{"val_auc": 0.85}})
	if !Passed(res) || len(res) != 4 {
		t.Fatalf("results: %+v", res)
	}
	if res[2].Detail != "val_auc = 0.87 in run run-7" {
		t.Errorf("metric detail = %q", res[2].Detail)
	}
	if res[3].Detail != "candidate 0.87 vs champion (version 3) 0.85, bar 0.86" {
		t.Errorf("champion detail = %q", res[3].Detail)
	}
}

// Each failure names what a reviewer needs to know.
func TestValidate_failuresExplainThemselves(t *testing.T) {
	cases := map[string]struct {
		mutate func(c *Candidate, champ **Champion)
		gate   string
		detail string
	}{
		"not ready":           {func(c *Candidate, _ **Champion) { c.Status = "PENDING_REGISTRATION" }, "version is READY", "dev.ml.churn version 7 is PENDING_REGISTRATION"},
		"missing tag":         {func(c *Candidate, _ **Champion) { c.Tags = nil }, "tag validation_status = passed", `the version has no tag "validation_status"`},
		"wrong tag":           {func(c *Candidate, _ **Champion) { c.Tags["validation_status"] = "failed" }, "tag validation_status = passed", `the version's tag validation_status is "failed"`},
		"low metric":          {func(c *Candidate, _ **Champion) { c.Metrics["val_auc"] = 0.79 }, "val_auc >= 0.8", "val_auc = 0.79 in run run-7"},
		"metric never logged": {func(c *Candidate, _ **Champion) { delete(c.Metrics, "val_auc") }, "val_auc >= 0.8", "run run-7 never logged val_auc"},
		"no run":              {func(c *Candidate, _ **Champion) { c.RunID, c.Metrics = "", nil }, "val_auc >= 0.8", "the version records no MLflow run"},
		"loses to champion": {func(c *Candidate, champ **Champion) {
			*champ = &Champion{Version: 3, Metrics: map[string]float64{"val_auc": 0.865}}
		}, "val_auc >= champion's +0.01", "candidate 0.87 vs champion (version 3) 0.865, bar 0.875"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := goodCandidate()
			var champ *Champion
			tc.mutate(&c, &champ)
			res := Validate(stagingGates(t), c, champ)
			for _, r := range res {
				if r.Gate == tc.gate {
					if r.Passed || !strings.Contains(r.Detail, tc.detail) {
						t.Errorf("%s: passed=%v detail %q, want failed with %q", r.Gate, r.Passed, r.Detail, tc.detail)
					}
					return
				}
			}
			t.Errorf("no gate %q in %+v", tc.gate, res)
		})
	}
}

func TestValidate_lowerIsBetter(t *testing.T) {
	g := config.Gates{BeatChampion: &config.BeatChampion{Metric: "rmse", Margin: 0.1, LowerIsBetter: true}}
	c := Candidate{Status: "READY", RunID: "r", Metrics: map[string]float64{"rmse": 1.0}}
	if res := Validate(g, c, &Champion{Version: 1, Metrics: map[string]float64{"rmse": 1.05}}); Passed(res) {
		t.Errorf("rmse 1.0 passed against champion 1.05 with margin 0.1: %+v", res)
	}
	if res := Validate(g, c, &Champion{Version: 1, Metrics: map[string]float64{"rmse": 1.2}}); !Passed(res) {
		t.Errorf("rmse 1.0 failed against champion 1.2 with margin 0.1: %+v", res)
	}
}

func TestApprovals(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	head := "bbbbbbbbbb"
	review := func(user, state, commit string, minutes int) Review {
		return Review{User: user, State: state, CommitID: commit, SubmittedAt: t0.Add(time.Duration(minutes) * time.Minute)}
	}
	base := ApprovalInput{Required: 2, Allowed: []string{"alice", "bob", "carol"}, Author: "dave", HeadSHA: head}
	cases := map[string]struct {
		reviews []Review
		author  string
		pass    bool
		detail  string
	}{
		"two approvals on head": {[]Review{review("alice", "APPROVED", head, 1), review("bob", "APPROVED", head, 2)}, "", true, "2 of 2 (alice, bob)"},
		"one short":             {[]Review{review("alice", "APPROVED", head, 1)}, "", false, "1 of 2 (alice)"},
		"approval before push":  {[]Review{review("alice", "APPROVED", head, 1), review("bob", "APPROVED", "aaaaaaaaa", 2)}, "", false, "approval by bob predates the latest commit bbbbbbb and must be renewed"},
		"not a reviewer":        {[]Review{review("alice", "APPROVED", head, 1), review("mallory", "APPROVED", head, 2)}, "", false, "approval by mallory does not count: not a reviewer for this environment"},
		"author approves self":  {[]Review{review("alice", "APPROVED", head, 1), review("bob", "APPROVED", head, 2)}, "bob", false, "1 of 2 (alice)"},
		"changes requested": {[]Review{review("alice", "APPROVED", head, 1), review("bob", "APPROVED", head, 2), review("carol", "CHANGES_REQUESTED", head, 3)}, "", false,
			"changes requested by carol"},
		"latest review wins":             {[]Review{review("alice", "CHANGES_REQUESTED", head, 1), review("alice", "APPROVED", head, 5), review("bob", "APPROVED", head, 2)}, "", true, "2 of 2"},
		"comment does not undo approval": {[]Review{review("alice", "APPROVED", head, 1), review("alice", "COMMENTED", head, 5), review("bob", "APPROVED", head, 2)}, "", true, "2 of 2"},
		"dismissed approval":             {[]Review{review("alice", "APPROVED", head, 1), review("alice", "DISMISSED", head, 5), review("bob", "APPROVED", head, 2)}, "", false, "1 of 2 (bob)"},
		"case-insensitive logins":        {[]Review{review("Alice", "APPROVED", head, 1), review("BOB", "APPROVED", head, 2)}, "", true, "2 of 2"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in := base
			in.Reviews = tc.reviews
			if tc.author != "" {
				in.Author = tc.author
			}
			r := Approvals(in)
			if r.Passed != tc.pass || !strings.Contains(r.Detail, tc.detail) {
				t.Errorf("passed=%v detail %q; want passed=%v containing %q", r.Passed, r.Detail, tc.pass, tc.detail)
			}
		})
	}
}
