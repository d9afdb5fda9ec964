package jobtask

import (
	"strings"
	"testing"
	"time"
)

func TestParams(t *testing.T) {
	t.Parallel()
	task := map[string]any{
		"task_key": "train",
		"notebook_task": map[string]any{"notebook_path": "/train", "base_parameters": map[string]any{
			"brickops.train": "dev.ml.churn", "brickops.duration": "2m",
		}},
	}
	got := Params(task, map[string]string{"brickops.duration": "1m", "env": "dev"})
	if got["brickops.train"] != "dev.ml.churn" || got["brickops.duration"] != "2m" || got["env"] != "dev" {
		t.Fatalf("notebook parameters over job parameters: %v", got)
	}
	wheel := map[string]any{"spark_python_task": map[string]any{"python_file": "a.py", "parameters": []any{"--brickops.fail=true", "positional"}}}
	if got := Params(wheel, nil); got["brickops.fail"] != "true" || len(got) != 1 {
		t.Fatalf("list parameters: %v", got)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	b, err := Parse(map[string]string{
		"brickops.train": "dev.ml.churn", "brickops.train.table": "dev.ml.features", "brickops.train.label": "churned",
		"brickops.train.metric.accuracy": "0.91", "brickops.train.param.max_depth": "6", "brickops.duration": "90s", "other": "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.Duration != 90*time.Second || b.Train == nil || b.Train.Model != "dev.ml.churn" || b.Train.Table != "dev.ml.features" ||
		b.Train.Label != "churned" || b.Train.Metrics["accuracy"] != 0.91 || b.Train.Params["max_depth"] != "6" {
		t.Fatalf("parsed %+v train %+v", b, b.Train)
	}
	for params, want := range map[string]string{
		"brickops.duration=soon":         `task parameter brickops.duration="soon": time: invalid duration`,
		"brickops.duration=-1s":          "must not be negative",
		"brickops.fail=maybe":            `task parameter brickops.fail="maybe": invalid syntax`,
		"brickops.fail_attempts=-2":      "must not be negative",
		"brickops.train=churn":           "want <catalog>.<schema>.<model>",
		"brickops.train.table=features":  "want <catalog>.<schema>.<table>",
		"brickops.train.label=y":         "need brickops.train",
		"brickops.train.metric.auc=high": "invalid syntax",
		"brickops.retries=3":             "unknown parameter; known: brickops.duration",
	} {
		name, value, _ := strings.Cut(params, "=")
		if _, err := Parse(map[string]string{name: value}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want %q", params, err, want)
		}
	}
}

func TestLayout(t *testing.T) {
	t.Parallel()
	def := 10 * time.Second
	p := Layout([]Task{
		{Key: "prep"},
		{Key: "train", DependsOn: []string{"prep"}, Behaviour: Behaviour{Duration: time.Minute, FailAttempts: 2}, MaxRetries: 3, MinRetryIntervalMillis: 5000},
		{Key: "report", DependsOn: []string{"train"}},
	}, def, 0)
	train := p.Attempts["train"]
	if p.Result != Success || len(train) != 3 || train[0].Start != def || train[2].Result != Success || train[1].Result != Failed {
		t.Fatalf("retries until success: %+v", p)
	}
	// prep 10s, then attempts of 60s with 5s between: 10+60+5+60+5+60 = 200s, then report 10s.
	if train[2].End != 200*time.Second || p.End != 210*time.Second {
		t.Fatalf("train ends %s, run ends %s; want 200s and 210s", train[2].End, p.End)
	}

	// Listed dependents first; a dependency outside the run is ignored.
	p = Layout([]Task{{Key: "late", DependsOn: []string{"early", "not-in-run"}}, {Key: "early"}}, def, 0)
	if late := p.Attempts["late"][0]; late.Start != def || p.End != 2*def {
		t.Fatalf("dependency order: late starts %s, run ends %s", late.Start, p.End)
	}
	p = Layout([]Task{{Key: "flaky", Behaviour: Behaviour{FailAttempts: 4}, MaxRetries: -1}}, def, 0)
	if n := len(p.Attempts["flaky"]); n != 5 || p.Result != Success {
		t.Fatalf("max_retries -1: %d attempts, result %s", n, p.Result)
	}

	p = Layout([]Task{
		{Key: "a", Behaviour: Behaviour{Fail: true, FailMessage: "boom"}, MaxRetries: 1},
		{Key: "b", DependsOn: []string{"a"}},
		{Key: "c"},
	}, def, 0)
	if p.Result != Failed || p.FailedTask != "a" || p.Message != "boom" || len(p.Attempts["a"]) != 2 || p.Attempts["b"][0].Result != UpstreamFailed || p.Attempts["c"][0].Result != Success {
		t.Fatalf("failure: %+v", p)
	}

	p = Layout([]Task{{Key: "slow", Behaviour: Behaviour{Duration: time.Hour}, TimeoutSeconds: 60, MaxRetries: 2}}, def, 0)
	if p.Result != TimedOut || len(p.Attempts["slow"]) != 1 || p.End != time.Minute {
		t.Fatalf("task timeout without retry_on_timeout: %+v", p)
	}
	p = Layout([]Task{{Key: "slow", Behaviour: Behaviour{Duration: time.Hour}, TimeoutSeconds: 60, MaxRetries: 2, RetryOnTimeout: true}}, def, 0)
	if len(p.Attempts["slow"]) != 3 || p.End != 3*time.Minute {
		t.Fatalf("retry_on_timeout: %+v", p)
	}
	p = Layout([]Task{{Key: "long", Behaviour: Behaviour{Duration: time.Hour}}}, def, 120)
	if p.Result != TimedOut || p.End != 2*time.Minute || !strings.Contains(p.Message, "job's timeout_seconds") {
		t.Fatalf("job timeout: %+v", p)
	}
}

func TestTrainMetrics(t *testing.T) {
	t.Parallel()
	tr := Train{Model: "dev.ml.churn", Table: "dev.ml.features", Label: "churned", Metrics: map[string]float64{"auc": 0.8}}
	m := tr.DerivedMetrics(Data{Rows: 4, Labels: []string{"yes", "no", "no", "no"}})
	if m["training_rows"] != 4 || m["accuracy"] != 0.75 || m["auc"] != 0.8 {
		t.Fatalf("categorical metrics: %v", m)
	}
	m = tr.DerivedMetrics(Data{Rows: 2, Labels: []string{"1", "3"}, LabelNumeric: true})
	if m["rmse"] != 1 || m["mae"] != 1 || m["r2"] != 0 {
		t.Fatalf("numeric metrics: %v", m)
	}
	spec := tr.Spec("train", Data{Rows: 2, End: "2026-11-30T00:00:00.000Z"}, map[string]string{TagJobRunID: "42"})
	if !spec.NoWait || spec.Tags[TagDataEnd] != "2026-11-30T00:00:00.000Z" || spec.Tags[TagTrainingData] != "dev.ml.features" || spec.Params["label"] != "churned" || spec.Description != "Trained by job run 42." {
		t.Fatalf("spec: %+v", spec)
	}
}
