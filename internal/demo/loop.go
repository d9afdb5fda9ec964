package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// The monitoring loop: traffic reaches prod, its distribution shifts, the
// scheduled monitor refresh finds the drift, brickops drift --retrain starts
// the retraining job, the retrained version goes through gated pull requests
// into a canary that the rollout analysis judges from the inference table,
// and a worse version's canary is refused by the analysis and rolled back.

// loopConfig is what the team adds to the scaffolded brickops.yaml to close
// the loop: prod's monitor gate and the rollout analysis's thresholds.
const loopConfig = `
rollout:
  analysis:
    window: 24h
    min_requests: 50
    max_error_rate: 0.05
    max_latency_p95_ms: 250
    min_quality: 0.6
    max_quality_drop: 0.05
`

// monitorGate is prod's gates.monitor.
// It watches the model's inputs (the emulator's generated traffic has the
// features x1, x2 and x3), not the serving columns beside them.
var monitorGate = map[string]any{"max_drift": 0.5, "statistic": "population_stability_index", "columns": []string{"x1", "x2", "x3"}}

// configureLoop adds the rollout analysis and prod's monitor gate to the
// scaffolded brickops.yaml, before it is published.
func (r *run) configureLoop() (string, error) {
	path := filepath.Join(r.repo, "brickops.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return "", fmt.Errorf("reading the scaffolded brickops.yaml: %w", err)
	}
	gates := mapping(mapping(mapping(doc.Content[0], "environments"), "prod"), "gates")
	var gate yaml.Node
	if err := gate.Encode(monitorGate); err != nil {
		return "", err
	}
	gate.Style = yaml.FlowStyle
	gates.Content = append(gates.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "monitor"}, &gate)
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return "", err
	}
	out.WriteString(loopConfig)
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		return "", err
	}
	return "brickops.yaml: prod gates.monitor {max_drift: 0.5, statistic: population_stability_index, columns: [x1, x2, x3]}; rollout.analysis: error rate ≤ 5 %, p95 ≤ 250 ms, accuracy ≥ 0.6 and ≤ 0.05 below the champion's, 50 requests each", nil
}

// mapping is the value of key in a YAML mapping, created when missing.
func mapping(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	v := &yaml.Node{Kind: yaml.MappingNode}
	n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	return v
}

const endpoint = model + "-prod"

var registeredRe = regexp.MustCompile(`registered dev\.ml\.\w+ version (\d+)`)

// trafficReport is the emulator's answer to generated traffic.
type trafficReport struct {
	Requests       int            `json:"requests"`
	Succeeded      int            `json:"succeeded"`
	Failed         int            `json:"failed"`
	ByServedEntity map[string]int `json:"by_served_entity"`
}

// traffic sends n generated, labelled requests to prod's endpoint; shift
// moves the features' distribution (0: the training distribution).
func (r *run) traffic(ctx context.Context, n int, shift float64) (trafficReport, error) {
	var rep trafficReport
	err := r.call(ctx, "POST", "/_emulator/serving-endpoints/"+endpoint+"/traffic", map[string]any{"requests": n, "shift": shift}, &rep)
	return rep, err
}

func (t trafficReport) String() string {
	var parts []string
	for _, e := range sortedKeys(t.ByServedEntity) {
		parts = append(parts, fmt.Sprintf("%s %d", e, t.ByServedEntity[e]))
	}
	return fmt.Sprintf("%d requests (%s), %d failed", t.Requests, strings.Join(parts, ", "), t.Failed)
}

// nextDay advances the emulator clock a day, which fires prod's monitor
// schedule (daily, 06:00 UTC), and waits for that refresh to succeed.
func (r *run) nextDay(ctx context.Context) error {
	table, err := r.monitoredTable(ctx)
	if err != nil {
		return err
	}
	before, err := r.refreshes(ctx, table)
	if err != nil {
		return err
	}
	if err := r.call(ctx, "POST", "/_emulator/clock", map[string]any{"advance": "24h"}, nil); err != nil {
		return err
	}
	return poll(ctx, "the scheduled monitor refresh of "+table, func() (bool, error) {
		list, err := r.refreshes(ctx, table)
		if err != nil || len(list) <= len(before) {
			return false, err
		}
		switch state := list[0].State; state {
		case "SUCCESS":
			return true, nil
		case "FAILED", "CANCELED":
			return false, fmt.Errorf("the monitor refresh of %s ended %s: %s", table, state, list[0].Message)
		}
		return false, nil
	})
}

// monitoredTable is the table prod's monitor watches.
func (r *run) monitoredTable(ctx context.Context) (string, error) {
	var e struct {
		Config struct {
			AutoCapture struct {
				Catalog string `json:"catalog_name"`
				Schema  string `json:"schema_name"`
				Prefix  string `json:"table_name_prefix"`
			} `json:"auto_capture_config"`
		} `json:"config"`
	}
	if err := r.call(ctx, "GET", "/api/2.0/serving-endpoints/"+endpoint, nil, &e); err != nil {
		return "", err
	}
	c := e.Config.AutoCapture
	for _, suffix := range []string{"_predictions", "_payload"} {
		table := c.Catalog + "." + c.Schema + "." + c.Prefix + suffix
		status, err := r.emu.Call(ctx, "GET", "/api/2.1/unity-catalog/tables/"+table+"/monitor", nil, nil)
		if err != nil {
			return "", err
		}
		if status == 200 {
			return table, nil
		}
	}
	return "", fmt.Errorf("no monitor on the inference tables of %s", endpoint)
}

type refresh struct {
	ID      int64  `json:"refresh_id"`
	State   string `json:"state"`
	Message string `json:"message"`
}

// refreshes lists a monitor's refreshes, newest first.
func (r *run) refreshes(ctx context.Context, table string) ([]refresh, error) {
	var list struct {
		Refreshes []refresh `json:"refreshes"`
	}
	err := r.call(ctx, "GET", "/api/2.1/unity-catalog/tables/"+table+"/monitor/refreshes", nil, &list)
	return list.Refreshes, err
}

// poll checks done every 100 ms until it reports true, fails, or a minute
// passes.
func poll(ctx context.Context, what string, done func() (bool, error)) error {
	deadline := time.Now().Add(time.Minute)
	for {
		ok, err := done()
		if ok || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out waiting for %s", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// liveTraffic sends prod a day of traffic from the training distribution
// and lets the next day's scheduled refresh of prod's monitor (applied
// with the endpoint) profile it: brickops drift finds nothing.
func (r *run) liveTraffic(ctx context.Context) (string, error) {
	rep, err := r.traffic(ctx, 300, 0)
	if err != nil {
		return "", err
	}
	if err := r.nextDay(ctx); err != nil {
		return "", err
	}
	// A second day like the first: drift compares adjacent days.
	if _, err := r.traffic(ctx, 300, 0); err != nil {
		return "", err
	}
	if err := r.nextDay(ctx); err != nil {
		return "", err
	}
	drift, err := r.modelDrift(ctx, false)
	if err != nil {
		return "", err
	}
	return "churn-prod served " + rep.String() + "\nthe next two days' scheduled monitor refreshes profiled it and a second day like it; " + drift, nil
}

// modelDriftDoc is what brickops drift --output json reports of models.
type modelDriftDoc struct {
	Environments []struct {
		Models []struct {
			Model     string  `json:"model"`
			Statistic string  `json:"statistic"`
			Threshold float64 `json:"threshold"`
			Drifted   bool    `json:"drifted"`
			Missing   string  `json:"missing"`
			Finding   *struct {
				Worst  float64   `json:"worst"`
				Column string    `json:"column"`
				Since  time.Time `json:"since"`
			} `json:"finding"`
			Retrain *struct {
				Job     string `json:"job"`
				RunID   int64  `json:"run_id"`
				Started bool   `json:"started"`
				Issue   string `json:"issue"`
			} `json:"retrain"`
		} `json:"model_drift"`
	} `json:"environments"`
}

// modelDrift runs brickops drift on prod's models (Terraform drift is the
// first part's business) and describes what it found; with retrain it
// must find drift, and returns the retraining run in runID.
func (r *run) modelDrift(ctx context.Context, retrain bool) (string, error) {
	args := []string{"drift", "--env", "prod", "--skip-terraform", "--output", "json"}
	if retrain {
		args = append(args, "--retrain")
	}
	out, err := r.brickops(ctx, r.repo, args...)
	if retrain != (err != nil) {
		return "", fmt.Errorf("brickops drift (retrain %v) exited %v, expected drift only after the shift:\n%s", retrain, err, out)
	}
	var doc modelDriftDoc
	if err := decodeJSON(out, &doc); err != nil {
		return "", fmt.Errorf("reading brickops drift's JSON: %w\n%s", err, out)
	}
	if len(doc.Environments) != 1 || len(doc.Environments[0].Models) != 1 {
		return "", fmt.Errorf("brickops drift reported no model drift for prod:\n%s", out)
	}
	m := doc.Environments[0].Models[0]
	switch {
	case m.Missing != "":
		return "", fmt.Errorf("brickops drift had nothing to judge: %s", m.Missing)
	case !m.Drifted:
		return fmt.Sprintf("brickops drift: no model drift (worst %s %.3f on %s, threshold %g), exit 0", m.Statistic, m.Finding.Worst, m.Finding.Column, m.Threshold), nil
	case m.Retrain == nil:
		return "", fmt.Errorf("brickops drift --retrain found drift but started no retraining:\n%s", out)
	}
	r.retrainRun = m.Retrain.RunID
	return fmt.Sprintf("brickops drift: %s %.3f on %s > %g since %s UTC, exit 1\nbrickops drift --retrain: started %s (run %d), recorded in %s",
		m.Statistic, m.Finding.Worst, m.Finding.Column, m.Threshold, m.Finding.Since.UTC().Format(time.DateTime),
		m.Retrain.Job, m.Retrain.RunID, m.Retrain.Issue), nil
}

// decodeJSON reads the JSON document in a command's output, which has the
// command's stderr (progress, the closing error line) around it.
func decodeJSON(out string, v any) error {
	if i := strings.Index(out, "{"); i > 0 {
		out = out[i:]
	}
	return json.NewDecoder(strings.NewReader(out)).Decode(v)
}

// shiftAndRetrain sends a day of shifted traffic; the next scheduled
// refresh finds the drift; brickops drift --retrain starts the retraining
// job, which trains on the drifted data and registers version 2; the
// evaluation marks it validated.
func (r *run) shiftAndRetrain(ctx context.Context) (string, error) {
	rep, err := r.traffic(ctx, 300, 1)
	if err != nil {
		return "", err
	}
	if err := r.nextDay(ctx); err != nil {
		return "", err
	}
	drift, err := r.modelDrift(ctx, true)
	if err != nil {
		return "", err
	}
	var run struct {
		State struct {
			LifeCycle string `json:"life_cycle_state"`
			Result    string `json:"result_state"`
			Message   string `json:"state_message"`
		} `json:"state"`
	}
	err = poll(ctx, "the retraining run", func() (bool, error) {
		if err := r.call(ctx, "GET", fmt.Sprintf("/api/2.1/jobs/runs/get?run_id=%d", r.retrainRun), nil, &run); err != nil {
			return false, err
		}
		switch run.State.LifeCycle {
		case "TERMINATED", "SKIPPED", "INTERNAL_ERROR":
			if run.State.Result != "SUCCESS" {
				return false, fmt.Errorf("the retraining run %d ended %s: %s", r.retrainRun, run.State.Result, run.State.Message)
			}
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return "", err
	}
	// The run registered the newest version (read, not assumed: a weekly
	// scheduled run may have registered one while the clock moved).
	var versions struct {
		Versions []struct {
			Version int `json:"version"`
		} `json:"model_versions"`
	}
	if err := r.call(ctx, "GET", "/api/2.1/unity-catalog/models/dev.ml."+model+"/versions", nil, &versions); err != nil {
		return "", err
	}
	for _, v := range versions.Versions {
		r.retrained = max(r.retrained, v.Version)
	}
	// What the team's evaluation job does with a version that passes it.
	if err := r.call(ctx, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/set-tag",
		map[string]any{"name": "dev.ml." + model, "version": fmt.Sprint(r.retrained), "key": "validation_status", "value": "passed"}, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("churn-prod served %s with the features shifted; the next scheduled refresh computed the drift\n%s\nrun %d registered dev.ml.churn version %d, trained on the drifted traffic; evaluation tagged it validation_status=passed",
		rep, drift, r.retrainRun, r.retrained), nil
}

// analysisDoc is what promote --complete --output json reports of the
// rollout analysis.
type analysisDoc struct {
	Proposed bool   `json:"proposed"`
	Where    string `json:"where"`
	Evidence struct {
		Analysis *struct {
			Outcome   string `json:"outcome"`
			Candidate struct {
				Entity   string `json:"served_entity"`
				Requests int    `json:"requests"`
			} `json:"candidate"`
			Champion struct {
				Entity   string `json:"served_entity"`
				Requests int    `json:"requests"`
			} `json:"champion"`
			Checks []struct {
				Check     string   `json:"check"`
				Candidate *float64 `json:"candidate"`
				Champion  *float64 `json:"champion"`
				Threshold string   `json:"threshold"`
				Status    string   `json:"status"`
			} `json:"checks"`
			Missing []string `json:"missing"`
		} `json:"analysis"`
	} `json:"evidence"`
}

// judge runs promote --complete, which analyses the canary first; want is
// the outcome the demo expects. It returns the analysis as a table and,
// when the completion was proposed, its pull request.
func (r *run) judge(ctx context.Context, want string) (table, proposed string, err error) {
	out, err := r.brickops(ctx, r.repo, "promote", model, "--to", "prod", "--complete", "--open-pr", "--output", "json")
	if (want == "pass") != (err == nil) {
		return "", "", fmt.Errorf("promote --complete: %v, expected the analysis to %s:\n%s", err, want, out)
	}
	var doc analysisDoc
	if err := decodeJSON(out, &doc); err != nil {
		return "", "", fmt.Errorf("reading promote's JSON: %w\n%s", err, out)
	}
	a := doc.Evidence.Analysis
	if a == nil || a.Outcome != want {
		return "", "", fmt.Errorf("the rollout analysis is not %q:\n%s", want, out)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rollout analysis: %s — challenger %s (%d requests) vs champion %s (%d requests)\n", strings.ToUpper(a.Outcome),
		a.Candidate.Entity, a.Candidate.Requests, a.Champion.Entity, a.Champion.Requests)
	fmt.Fprintf(&b, "  %-38s %10s %10s  %-20s %s\n", "CHECK", "CHALLENGER", "CHAMPION", "THRESHOLD", "RESULT")
	for _, c := range a.Checks {
		fmt.Fprintf(&b, "  %-38s %10s %10s  %-20s %s\n", c.Check, show(c.Check, c.Candidate), show(c.Check, c.Champion), c.Threshold, c.Status)
	}
	for _, m := range a.Missing {
		fmt.Fprintf(&b, "  missing data: %s\n", m)
	}
	return strings.TrimRight(b.String(), "\n"), doc.Where, nil
}

func show(check string, v *float64) string {
	switch {
	case v == nil:
		return "–"
	case strings.HasPrefix(check, "error rate"):
		return fmt.Sprintf("%.1f %%", *v*100)
	case strings.HasPrefix(check, "latency"):
		return fmt.Sprintf("%.0f ms", *v)
	}
	return fmt.Sprintf("%.3f", *v)
}

// canaryJudged starts version 2's canary in prod through a gated pull
// request (the monitor gate lets it pass: it was trained after the drift
// began), sends it live traffic, refreshes the monitor, and completes the
// rollout on the analysis's verdict.
func (r *run) canaryJudged(ctx context.Context) (string, error) {
	started, err := r.startCanary(ctx)
	if err != nil {
		return "", err
	}
	rep, err := r.traffic(ctx, 600, 1)
	if err != nil {
		return "", err
	}
	if err := r.nextDay(ctx); err != nil {
		return "", err
	}
	table, proposed, err := r.judge(ctx, "pass")
	if err != nil {
		return "", err
	}
	completed, err := r.review(ctx, "prod", proposed, []string{"carol", "dan"})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("started: %s\nlive traffic: %s; the monitor refreshed\n%s\ncompleted: %s", started, rep, table, completed), nil
}

// startCanary proposes the canary of staging's champion in prod and takes
// the pull request through review, merge and apply.
func (r *run) startCanary(ctx context.Context) (string, error) {
	out, err := r.brickops(ctx, r.repo, "promote", model, "--to", "prod", "--strategy", "canary", "--open-pr")
	if err != nil {
		return "", err
	}
	return r.review(ctx, "prod", lastLine(out), []string{"carol", "dan"})
}

// worseCanary trains a third version — offline metrics as good as ever, but it
// fails a third of its requests and answers slowly in serving — takes it
// to staging and into a canary in prod; the analysis refuses to complete
// it, and brickops rollback --on-failed-analysis proposes the rollback with
// the analysis as evidence.
func (r *run) worseCanary(ctx context.Context) (string, error) {
	out, err := r.brickops(ctx, r.work, "emulator", "seed", "--host", r.emu.Host, "--token", r.emu.Token,
		"--model", "dev.ml."+model, "--metric", "val_auc=0.9", "--tag", "validation_status=passed",
		"--param", "brickops.error_rate=0.3", "--param", "brickops.latency_ms=400")
	if err != nil {
		return "", err
	}
	m := registeredRe.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("brickops emulator seed registered no version:\n%s", out)
	}
	staged, err := r.promote(ctx, "staging", []string{"--version", m[1]}, "alice")
	if err != nil {
		return "", err
	}
	started, err := r.startCanary(ctx)
	if err != nil {
		return "", err
	}
	rep, err := r.traffic(ctx, 600, 1)
	if err != nil {
		return "", err
	}
	if err := r.nextDay(ctx); err != nil {
		return "", err
	}
	table, _, err := r.judge(ctx, "fail")
	if err != nil {
		return "", err
	}
	out, err = r.brickops(ctx, r.repo, "rollback", model, "--env", "prod", "--on-failed-analysis", "--open-pr")
	if err != nil {
		return "", err
	}
	rolled, err := r.mergeApproved(ctx, "prod", lastLine(out))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("version %s (val_auc 0.9 offline) to staging: %s\ncanary: %s\nlive traffic: %s; the monitor refreshed\npromote --complete refused (exit 1):\n%s\nrollback --on-failed-analysis: %s",
		m[1], staged, started, rep, table, rolled), nil
}
