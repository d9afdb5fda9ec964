package drift_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/jobs"
	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/drift"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
)

// monitorSource serves one monitor's drift rows, or a missing-data reason.
type monitorSource struct {
	mon     *observe.Monitor
	missing string
}

func (s monitorSource) Traffic(context.Context, string, time.Duration) (*observe.Traffic, error) {
	return nil, errors.New("not read by drift")
}

func (s monitorSource) Monitor(_ context.Context, endpoint string, _ time.Duration) (*observe.Monitor, error) {
	if s.missing != "" {
		return nil, observe.Missingf("%s", s.missing)
	}
	return s.mon, nil
}

var day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// psiByDay is prod's monitor with the "tenure" column's PSI per day.
func psiByDay(psi ...float64) *observe.Monitor {
	m := &observe.Monitor{Table: "prod.ml.churn_predictions", DriftTable: "prod.ml.churn_predictions_drift_metrics"}
	for i, v := range psi {
		m.Drift = append(m.Drift, observe.DriftRow{Window: observe.Window{Start: day0.AddDate(0, 0, i), End: day0.AddDate(0, 0, i+1)},
			Column: "tenure", DriftType: "CONSECUTIVE", Statistics: map[string]float64{"population_stability_index": v}})
	}
	return m
}

func prodEnv(t *testing.T) (config.Environment, config.Model) {
	t.Helper()
	f, err := config.Parse([]byte("environments:\n  dev: {catalog: dev}\n  prod:\n    catalog: prod\n    gates:\n      monitor: {max_drift: 0.2, statistic: population_stability_index}\nmodels:\n  churn: {schema: ml}\n"))
	if err != nil {
		t.Fatal(err)
	}
	prod, _, _ := f.Environment("prod")
	m, _ := f.Model("churn")
	return prod, m
}

func TestCheckModel(t *testing.T) {
	prod, churn := prodEnv(t)
	ctx := context.Background()
	cases := map[string]struct {
		src     monitorSource
		drifted bool
		want    string
	}{
		"calm":    {monitorSource{mon: psiByDay(0.3, 0.05)}, false, "No model drift for **churn** in **prod**: worst population_stability_index 0.05 on `tenure` in the window 2026-11-02 00:00:00 – 2026-11-03 00:00:00 (threshold 0.2)."},
		"drifted": {monitorSource{mon: psiByDay(0.05, 0.3, 0.45)}, true, "Model **churn** in **prod** drifts: population_stability_index 0.45 on `tenure` in the window 2026-11-03 00:00:00 – 2026-11-04 00:00:00 (threshold 0.2), drifting since 2026-11-02 00:00:00 UTC (`prod.ml.churn_predictions_drift_metrics`)."},
		"no monitor": {monitorSource{missing: "no quality monitor on prod.ml.churn_payload"}, false,
			"Model **churn** in **prod**: no drift metrics to judge: no quality monitor on prod.ml.churn_payload."},
		"never refreshed": {monitorSource{mon: psiByDay()}, false, "has no population_stability_index in the last 7d (has the monitor refreshed?)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r, err := drift.CheckModel(ctx, tc.src, prod, churn)
			if err != nil || r.Drifted != tc.drifted || r.Endpoint != "churn-prod" || !strings.Contains(r.Markdown(), tc.want) {
				t.Errorf("%v: %+v\n%s\nwant %q", err, r, r.Markdown(), tc.want)
			}
		})
	}
}

// --retrain runs the job through the Jobs API and records the run in one
// issue; the same drift seen again starts nothing; a new drift does.
func TestRetrainer_runsTheJobOncePerDrift(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	if _, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "retrain-churn-dev", Tasks: []jobs.Task{{TaskKey: "train",
		NotebookTask: &jobs.NotebookTask{NotebookPath: "/Shared/train"}}}}); err != nil {
		t.Fatal(err)
	}
	emu.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"})
	client := gh.NewClient(nil).WithAuthToken(emu.Token)
	client.BaseURL, _ = url.Parse(emu.GitHubAPIURL())
	rt := drift.Retrainer{W: w, Repo: github.Repo{Client: client, Owner: "acme", Name: "mlops"}}
	prod, churn := prodEnv(t)

	check := func(psi ...float64) *drift.ModelResult {
		t.Helper()
		r, err := drift.CheckModel(ctx, monitorSource{mon: psiByDay(psi...)}, prod, churn)
		if err != nil || !r.Drifted {
			t.Fatalf("%+v %v", r, err)
		}
		if err := rt.Retrain(ctx, r, "retrain-churn-dev"); err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := check(0.05, 0.3)
	if rt := first.Retrain; rt == nil || !rt.Started || rt.RunID == 0 || !strings.HasSuffix(rt.Issue, "/issues/1") {
		t.Fatalf("first retrain = %+v", first.Retrain)
	}
	runs, err := w.Jobs.ListRunsAll(ctx, jobs.ListRunsRequest{JobId: first.Retrain.JobID})
	if err != nil || len(runs) != 1 || runs[0].RunId != first.Retrain.RunID {
		t.Fatalf("runs = %+v %v", runs, err)
	}
	again := check(0.05, 0.3, 0.35) // still the drift that began on day 1
	if again.Retrain.Started || again.Retrain.RunID != first.Retrain.RunID || !strings.Contains(again.Markdown(), "already started") {
		t.Errorf("same drift again = %+v", again.Retrain)
	}
	fresh := check(0.05, 0.3, 0.1, 0.5) // calm on day 2, drifting again on day 3
	if !fresh.Retrain.Started || fresh.Retrain.RunID == first.Retrain.RunID || fresh.Retrain.Issue != first.Retrain.Issue {
		t.Errorf("new drift = %+v", fresh.Retrain)
	}
	issues, _, _ := client.Issues.ListByRepo(ctx, "acme", "mlops", &gh.IssueListByRepoOptions{State: "open", Labels: []string{drift.ModelLabel}})
	if len(issues) != 1 || issues[0].GetTitle() != "Model drift: churn in prod" ||
		strings.Count(issues[0].GetBody(), "Retraining started: job retrain-churn-dev") != 2 || !strings.Contains(issues[0].GetBody(), "drifting since 2026-11-04") {
		t.Fatalf("issues %d: %s", len(issues), issues[0].GetBody())
	}
	if err := rt.Retrain(ctx, fresh, "no-such-job"); err != nil {
		t.Errorf("a recorded drift needs no job: %v", err)
	}
	other, err := drift.CheckModel(ctx, monitorSource{mon: psiByDay(0.05, 0.3, 0.1, 0.2, 0.6)}, prod, churn)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Retrain(ctx, other, "no-such-job"); err == nil || !strings.Contains(err.Error(), `no job named "no-such-job"`) {
		t.Errorf("unknown job: %v", err)
	}
}
