package jobtask

import (
	"maps"
	"math"
	"strconv"

	"github.com/brickops/terraform-provider-brickops/internal/seed"
)

// Data is what a training task read from its training table.
type Data struct {
	// Rows is the table's row count.
	Rows int64
	// Labels are the label column's non-null values (as the SQL engine
	// answers them, text); LabelNumeric says how to read them.
	Labels       []string
	LabelNumeric bool
	// End is the latest value of the time column ("" without one).
	End string
}

// Tags a training task sets on the version it registers, so a promotion
// gate can tell what a version was trained on.
const (
	TagJobID        = "brickops.job_id"
	TagJobRunID     = "brickops.job_run_id"
	TagTrainingData = "brickops.training_table"
	TagDataEnd      = "brickops.training_data_end"
)

// DerivedMetrics derives a training run's metrics from its data, as the emulated
// model — the majority class, or the mean, of the labels — scores on it:
// training_rows; accuracy for a categorical label; rmse, mae and r2 for a
// numeric one. The task's brickops.train.metric.* values override them.
func (t Train) DerivedMetrics(d Data) map[string]float64 {
	out := map[string]float64{}
	if t.Table != "" {
		out["training_rows"] = float64(d.Rows)
	}
	if len(d.Labels) > 0 && d.LabelNumeric {
		var xs []float64
		for _, l := range d.Labels {
			if f, err := strconv.ParseFloat(l, 64); err == nil {
				xs = append(xs, f)
			}
		}
		if len(xs) > 0 {
			var mean, sq, abs float64
			for _, x := range xs {
				mean += x / float64(len(xs))
			}
			for _, x := range xs {
				sq += (x - mean) * (x - mean)
				abs += math.Abs(x - mean)
			}
			out["rmse"], out["mae"], out["r2"] = math.Sqrt(sq/float64(len(xs))), abs/float64(len(xs)), 0
		}
	} else if len(d.Labels) > 0 {
		counts := map[string]int{}
		top := 0
		for _, l := range d.Labels {
			counts[l]++
			top = max(top, counts[l])
		}
		out["accuracy"] = float64(top) / float64(len(d.Labels))
	}
	maps.Copy(out, t.Metrics)
	return out
}

// Spec is the seed run that trains and registers the model: the same
// MLflow run and Unity Catalog version `brickops emulator seed` makes.
func (t Train) Spec(runName string, d Data, tags map[string]string) seed.Spec {
	params := maps.Clone(t.Params)
	if params == nil {
		params = map[string]string{}
	}
	allTags := maps.Clone(tags)
	if allTags == nil {
		allTags = map[string]string{}
	}
	if t.Table != "" {
		params["training_table"] = t.Table
		allTags[TagTrainingData] = t.Table
	}
	if t.Label != "" {
		params["label"] = t.Label
	}
	if d.End != "" {
		params["training_data_end"] = d.End
		allTags[TagDataEnd] = d.End
	}
	return seed.Spec{
		Model: t.Model, RunName: runName, Params: params, Metrics: t.DerivedMetrics(d), Tags: allTags,
		Description: "Trained by job run " + tags[TagJobRunID] + ".", NoWait: true,
	}
}
