// Package jobtask decides what an emulated job task does. The emulator runs
// no code, so a task's parameters say how it behaves: how long it runs,
// whether (and how many times) it fails, and whether it is a training step
// that logs an MLflow run and registers a model version. From those and the
// task's retry and timeout settings, Plan lays out every attempt of every
// task of a run on the clock, as the Jobs service would run them.
//
// Parameters are read from the task's base_parameters (notebook_task),
// named_parameters (python_wheel_task), "key=value" or "--key=value" items
// of a parameters list (spark_python_task, python_wheel_task, …), and the
// job's parameters, which a task's own override:
//
//	brickops.duration       how long an attempt runs ("90s", "5m"); default: the emulator's async delay
//	brickops.fail           "true": every attempt fails
//	brickops.fail_attempts  n: the first n attempts fail, later ones succeed (exercises max_retries)
//	brickops.fail_message   the failure's message
//	brickops.train          <catalog>.<schema>.<model>: the task trains and registers a version of this model
//	brickops.train.table    the training table (<catalog>.<schema>.<table>), read through the SQL engine
//	brickops.train.label    its label column; metrics are derived from it
//	brickops.train.timestamp its time column; the latest value is recorded as training_data_end
//	brickops.train.metric.<name>  a metric to log with this value (overrides a derived one)
//	brickops.train.param.<name>   an MLflow parameter to log
package jobtask

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Parameter names.
const (
	ParamDuration     = "brickops.duration"
	ParamFail         = "brickops.fail"
	ParamFailAttempts = "brickops.fail_attempts"
	ParamFailMessage  = "brickops.fail_message"
	ParamTrain        = "brickops.train"
	ParamTrainTable   = "brickops.train.table"
	ParamTrainLabel   = "brickops.train.label"
	ParamTrainTime    = "brickops.train.timestamp"
	prefixMetric      = "brickops.train.metric."
	prefixParam       = "brickops.train.param."
	prefix            = "brickops."
)

// Train is what a training task does.
type Train struct {
	// Model is the Unity Catalog model to register a version of.
	Model string
	// Table, Label and Timestamp say what to derive metrics from (all
	// optional).
	Table, Label, Timestamp string
	// Metrics and Params are logged as given.
	Metrics map[string]float64
	Params  map[string]string
}

// Behaviour is what one task does, from its parameters.
type Behaviour struct {
	// Duration of one attempt; zero means the emulator's default.
	Duration     time.Duration
	Fail         bool
	FailAttempts int
	FailMessage  string
	Train        *Train
}

// Params collects a task's parameters: the job's parameters, overridden by
// those of the task's *_task settings.
func Params(task map[string]any, jobParams map[string]string) map[string]string {
	out := maps.Clone(jobParams)
	if out == nil {
		out = map[string]string{}
	}
	for _, k := range slices.Sorted(maps.Keys(task)) {
		settings, ok := task[k].(map[string]any)
		if !ok || !strings.HasSuffix(k, "_task") {
			continue
		}
		for _, field := range []string{"base_parameters", "named_parameters", "parameters"} {
			switch v := settings[field].(type) {
			case map[string]any:
				for name, value := range v {
					out[name] = text(value)
				}
			case []any:
				for _, item := range v {
					s, ok := item.(string)
					if !ok {
						continue
					}
					name, value, ok := strings.Cut(strings.TrimLeft(s, "-"), "=")
					if ok {
						out[name] = value
					}
				}
			}
		}
	}
	return out
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Parse reads the brickops.* parameters; an unknown brickops.* name or a
// bad value is an error the user sees when the run is triggered.
func Parse(params map[string]string) (Behaviour, error) {
	var b Behaviour
	var train Train
	for _, name := range slices.Sorted(maps.Keys(params)) {
		value := params[name]
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		var err error
		switch {
		case name == ParamDuration:
			b.Duration, err = time.ParseDuration(value)
			if err == nil && b.Duration < 0 {
				err = fmt.Errorf("must not be negative")
			}
		case name == ParamFail:
			b.Fail, err = strconv.ParseBool(value)
		case name == ParamFailAttempts:
			b.FailAttempts, err = strconv.Atoi(value)
			if err == nil && b.FailAttempts < 0 {
				err = fmt.Errorf("must not be negative")
			}
		case name == ParamFailMessage:
			b.FailMessage = value
		case name == ParamTrain:
			train.Model = value
			if p := strings.Split(value, "."); len(p) != 3 || slices.Contains(p, "") {
				err = fmt.Errorf("want <catalog>.<schema>.<model>")
			}
		case name == ParamTrainTable:
			train.Table = value
			if p := strings.Split(value, "."); len(p) != 3 || slices.Contains(p, "") {
				err = fmt.Errorf("want <catalog>.<schema>.<table>")
			}
		case name == ParamTrainLabel:
			train.Label = value
		case name == ParamTrainTime:
			train.Timestamp = value
		case strings.HasPrefix(name, prefixMetric) && len(name) > len(prefixMetric):
			var f float64
			f, err = strconv.ParseFloat(value, 64)
			if train.Metrics == nil {
				train.Metrics = map[string]float64{}
			}
			train.Metrics[strings.TrimPrefix(name, prefixMetric)] = f
		case strings.HasPrefix(name, prefixParam) && len(name) > len(prefixParam):
			if train.Params == nil {
				train.Params = map[string]string{}
			}
			train.Params[strings.TrimPrefix(name, prefixParam)] = value
		default:
			err = fmt.Errorf("unknown parameter; known: %s, %s, %s, %s, %s, %s, %s, %s, %s<name>, %s<name>",
				ParamDuration, ParamFail, ParamFailAttempts, ParamFailMessage, ParamTrain, ParamTrainTable, ParamTrainLabel, ParamTrainTime, prefixMetric, prefixParam)
		}
		if err != nil {
			return b, fmt.Errorf("task parameter %s=%q: %w", name, value, unwrapNum(err))
		}
	}
	if train.Model != "" {
		b.Train = &train
	} else if train.Table != "" || train.Label != "" || train.Metrics != nil || train.Params != nil {
		return b, fmt.Errorf("task parameters %s.* need %s, the model to register", ParamTrain, ParamTrain)
	}
	return b, nil
}

// unwrapNum shortens strconv's errors ("strconv.Atoi: parsing "x": invalid syntax").
func unwrapNum(err error) error {
	if ne, ok := err.(*strconv.NumError); ok {
		return ne.Err
	}
	return err
}
