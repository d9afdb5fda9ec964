package drift

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
)

// ModelLabel marks the issues that record model drift and retraining.
const ModelLabel = "brickops-model-drift"

// ModelResult is a model's drift in one environment, read from the
// monitor on its serving endpoint's inference table.
type ModelResult struct {
	Env        string `json:"env"`
	Model      string `json:"model"`
	Endpoint   string `json:"endpoint"`
	DriftTable string `json:"drift_metrics_table,omitempty"`
	Statistic  string `json:"statistic"`
	// Threshold is gates.monitor.max_drift of the environment.
	Threshold float64               `json:"threshold"`
	Drifted   bool                  `json:"drifted"`
	Finding   *observe.DriftFinding `json:"finding,omitempty"`
	// Missing says why there is nothing to judge (no endpoint, monitor or
	// metrics yet).
	Missing string   `json:"missing,omitempty"`
	Retrain *Retrain `json:"retrain,omitempty"`
}

// Retrain is what --retrain did about a drifted model.
type Retrain struct {
	Job   string `json:"job"`
	JobID int64  `json:"job_id,omitempty"`
	RunID int64  `json:"run_id,omitempty"`
	// Started is false when a run for this drift had already been started
	// (recorded in the open issue), so none was started again.
	Started bool   `json:"started"`
	Issue   string `json:"issue,omitempty"`
}

// CheckModel reads model's drift in env from src, judged against env's
// gates.monitor (which the caller checked is set).
func CheckModel(ctx context.Context, src observe.Source, env config.Environment, model config.Model) (*ModelResult, error) {
	g := *env.Gates.Monitor
	r := &ModelResult{Env: env.Name, Model: model.Name, Endpoint: model.EndpointName(env), Statistic: g.StatisticOrDefault(), Threshold: *g.MaxDrift}
	mon, err := src.Monitor(ctx, r.Endpoint, g.WindowOrDefault())
	if observe.IsMissing(err) {
		r.Missing = err.Error()
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the monitor of %s in %s: %w", r.Endpoint, env.Name, err)
	}
	r.DriftTable = mon.DriftTable
	f, ok := mon.FindDrift(r.Statistic, g.Columns, r.Threshold)
	if !ok {
		r.Missing = fmt.Sprintf("%s has no %s in the last %s (has the monitor refreshed?)", mon.DriftTable, r.Statistic, config.FormatDuration(g.WindowOrDefault()))
		return r, nil
	}
	r.Finding, r.Drifted = &f, f.Drifted
	return r, nil
}

// Markdown renders the model's drift for a terminal, an issue or a job summary.
func (r ModelResult) Markdown() string {
	var b strings.Builder
	switch {
	case r.Missing != "":
		fmt.Fprintf(&b, "Model **%s** in **%s**: no drift metrics to judge: %s.\n", r.Model, r.Env, r.Missing)
	case r.Drifted:
		fmt.Fprintf(&b, "Model **%s** in **%s** drifts: %s %s on `%s` in the window %s (threshold %s), drifting since %s UTC (`%s`).\n",
			r.Model, r.Env, r.Statistic, num(r.Finding.Worst), r.Finding.Column, r.Finding.Latest, num(r.Threshold),
			r.Finding.Since.UTC().Format(time.DateTime), r.DriftTable)
	default:
		fmt.Fprintf(&b, "No model drift for **%s** in **%s**: worst %s %s on `%s` in the window %s (threshold %s).\n",
			r.Model, r.Env, r.Statistic, num(r.Finding.Worst), r.Finding.Column, r.Finding.Latest, num(r.Threshold))
	}
	if rt := r.Retrain; rt != nil {
		if rt.Started {
			fmt.Fprintf(&b, "Retraining started: job %s (%d), run %d.\n", rt.Job, rt.JobID, rt.RunID)
		} else {
			fmt.Fprintf(&b, "Retraining for this drift already started: job %s, run %d.\n", rt.Job, rt.RunID)
		}
	}
	return b.String()
}

func num(v float64) string { return strconv.FormatFloat(float64(int64(v*1e4+0.5))/1e4, 'f', -1, 64) }

// ModelIssueTitle is the title of the issue recording model's drift in env.
func ModelIssueTitle(model, env string) string {
	return fmt.Sprintf("Model drift: %s in %s", model, env)
}

// marker records, in the issue body, which drift a run was started for,
// so a scheduled drift check does not retrain twice for the same drift.
func marker(since time.Time, runID int64) string {
	return fmt.Sprintf("<!-- brickops-retrain since=%d run=%d -->", since.UnixMilli(), runID)
}

var markerRe = regexp.MustCompile(`<!-- brickops-retrain since=(\d+) run=(\d+) -->`)

// Retrainer starts retraining jobs and records them on GitHub.
type Retrainer struct {
	// W is the workspace of the environment models are trained in.
	W    *databricks.WorkspaceClient
	Repo github.Repo
}

// Retrain starts job for the drifted r, unless the open issue for it
// already records a run for the same drift, and records the run in that
// issue (opened if there is none, its history extended otherwise).
func (t Retrainer) Retrain(ctx context.Context, r *ModelResult, job string) error {
	if !r.Drifted {
		return nil
	}
	existing, err := t.findIssue(ctx, ModelIssueTitle(r.Model, r.Env))
	if err != nil {
		return err
	}
	rt := &Retrain{Job: job}
	if existing != nil {
		for _, m := range markerRe.FindAllStringSubmatch(existing.GetBody(), -1) {
			if since, _ := strconv.ParseInt(m[1], 10, 64); since == r.Finding.Since.UnixMilli() {
				rt.RunID, _ = strconv.ParseInt(m[2], 10, 64)
				rt.Issue = existing.GetHTMLURL()
				r.Retrain = rt
				return nil
			}
		}
	}
	j, err := t.W.Jobs.GetBySettingsName(ctx, job)
	if errors.Is(err, apierr.ErrResourceDoesNotExist) || errors.Is(err, apierr.ErrNotFound) || err != nil && strings.Contains(err.Error(), "does not exist") {
		return exitcode.Invalidf("no job named %q in the training workspace to retrain %s with: set models.%s.retrain_job in brickops.yaml", job, r.Model, r.Model)
	}
	if err != nil {
		return fmt.Errorf("finding job %q: %w", job, err)
	}
	run, err := t.W.Jobs.RunNow(ctx, jobs.RunNow{JobId: j.JobId})
	if err != nil {
		return fmt.Errorf("starting job %q (%d): %w", job, j.JobId, err)
	}
	rt.JobID, rt.RunID, rt.Started = j.JobId, run.Response.RunId, true
	r.Retrain = rt
	body := r.Markdown() + "\n" + marker(r.Finding.Since, rt.RunID) + "\n"
	if existing == nil {
		is, _, err := t.Repo.Client.Issues.Create(ctx, t.Repo.Owner, t.Repo.Name, &gh.IssueRequest{
			Title: gh.String(ModelIssueTitle(r.Model, r.Env)), Body: gh.String(body), Labels: &[]string{ModelLabel},
		})
		if err != nil {
			return fmt.Errorf("opening the model drift issue for %s in %s: %w", r.Model, r.Env, err)
		}
		rt.Issue = is.GetHTMLURL()
		return nil
	}
	// The body is the issue's history: each drift and the run it started,
	// with the marker that keeps a later check from starting it again.
	if _, _, err := t.Repo.Client.Issues.Edit(ctx, t.Repo.Owner, t.Repo.Name, existing.GetNumber(), &gh.IssueRequest{Body: gh.String(existing.GetBody() + "\n---\n\n" + body)}); err != nil {
		return fmt.Errorf("updating model drift issue #%d: %w", existing.GetNumber(), err)
	}
	rt.Issue = existing.GetHTMLURL()
	return nil
}

func (t Retrainer) findIssue(ctx context.Context, title string) (*gh.Issue, error) {
	issues, _, err := t.Repo.Client.Issues.ListByRepo(ctx, t.Repo.Owner, t.Repo.Name, &gh.IssueListByRepoOptions{
		State: "open", Labels: []string{ModelLabel}, ListOptions: gh.ListOptions{PerPage: 100},
	})
	if err != nil {
		return nil, fmt.Errorf("listing model drift issues in %s: %w", t.Repo.FullName(), err)
	}
	for _, is := range issues {
		if is.GetTitle() == title && !is.IsPullRequest() {
			return is, nil
		}
	}
	return nil, nil
}
