package dataprofile

import (
	"math"
	"slices"
)

// Model quality from labelled inferences: what an InferenceLog monitor
// writes on the ":table" rows of its profile metrics.

// ClassMetric is the precision, recall or f1_score struct column: the
// metric per class (one class against all others), their unweighted mean
// and their mean weighted by each class's support (its count among the
// labels), as scikit-learn's average=None/"macro"/"weighted" compute them.
type ClassMetric struct {
	OneVsAll map[string]float64 `json:"one_vs_all"`
	Macro    float64            `json:"macro"`
	Weighted float64            `json:"weighted"`
}

// Classification is the quality of predicted classes against labels.
type Classification struct {
	Accuracy              float64
	Precision, Recall, F1 ClassMetric
	ConfusionMatrix       ConfusionMatrix
}

// ConfusionMatrix counts (label, prediction) pairs, in the
// confusion_matrix struct column's shape.
type ConfusionMatrix struct {
	Labels []string  `json:"labels"`
	Counts [][]int64 `json:"counts"` // Counts[i][j]: label Labels[i] predicted as Labels[j]
}

// Classify measures predictions against labels (same length, at least one).
func Classify(labels, predictions []string) Classification {
	classes := slices.Clone(labels)
	classes = append(classes, predictions...)
	slices.Sort(classes)
	classes = slices.Compact(classes)
	index := map[string]int{}
	for i, c := range classes {
		index[c] = i
	}
	cm := make([][]int64, len(classes))
	for i := range cm {
		cm[i] = make([]int64, len(classes))
	}
	correct := 0
	for i, l := range labels {
		cm[index[l]][index[predictions[i]]]++
		if l == predictions[i] {
			correct++
		}
	}
	n := float64(len(labels))
	out := Classification{
		Accuracy:        float64(correct) / n,
		Precision:       ClassMetric{OneVsAll: map[string]float64{}},
		Recall:          ClassMetric{OneVsAll: map[string]float64{}},
		F1:              ClassMetric{OneVsAll: map[string]float64{}},
		ConfusionMatrix: ConfusionMatrix{Labels: classes, Counts: cm},
	}
	for k, c := range classes {
		var tp, predicted, actual float64
		tp = float64(cm[k][k])
		for j := range classes {
			predicted += float64(cm[j][k])
			actual += float64(cm[k][j])
		}
		p, r := ratio(tp, predicted), ratio(tp, actual)
		f := ratio(2*p*r, p+r)
		for _, m := range []struct {
			metric *ClassMetric
			v      float64
		}{{&out.Precision, p}, {&out.Recall, r}, {&out.F1, f}} {
			m.metric.OneVsAll[c] = m.v
			m.metric.Macro += m.v / float64(len(classes))
			m.metric.Weighted += m.v * actual / n
		}
	}
	return out
}

// ratio is a/b, or 0 when b is 0 (scikit-learn's zero_division=0).
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Regression is the quality of predicted values against labels.
type Regression struct {
	MSE, RMSE, MAE float64
	// MAPE skips zero labels; nil when every label is zero.
	MAPE *float64
	// R2 is nil when the labels do not vary.
	R2 *float64
}

// Regress measures predictions against labels (same length, at least one).
func Regress(labels, predictions []float64) Regression {
	n := float64(len(labels))
	var sq, abs, pct, mean float64
	pctN := 0
	for i, l := range labels {
		e := predictions[i] - l
		sq += e * e
		abs += math.Abs(e)
		if l != 0 {
			pct += math.Abs(e / l)
			pctN++
		}
		mean += l / n
	}
	out := Regression{MSE: sq / n, MAE: abs / n}
	out.RMSE = math.Sqrt(out.MSE)
	if pctN > 0 {
		v := pct / float64(pctN)
		out.MAPE = &v
	}
	var tot float64
	for _, l := range labels {
		tot += (l - mean) * (l - mean)
	}
	if tot > 0 {
		v := 1 - sq/tot
		out.R2 = &v
	}
	return out
}
