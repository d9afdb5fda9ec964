package dataprofile

import (
	"math"
	"testing"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.10g, want %.10g (±%g)", what, got, want, tol)
	}
}

func TestKolmogorovQ(t *testing.T) {
	t.Parallel()
	// Reference values of the Kolmogorov distribution's survival function.
	near(t, "Q(1.0)", kolmogorovQ(1.0), 0.2699996717, 1e-9)
	near(t, "Q(1.36)", kolmogorovQ(1.36), 0.0494858768, 1e-9)
	near(t, "Q(0)", kolmogorovQ(0), 1, 0)
}

func TestKSTest(t *testing.T) {
	t.Parallel()
	// Empirical CDFs differ most at 3: 1 against 1/2.
	got := KSTest([]float64{1, 2, 3}, []float64{2, 3, 4, 5})
	near(t, "statistic", got.Statistic, 0.5, 1e-12)
	near(t, "p-value", got.PValue, 0.6159657845, 1e-9)
	same := KSTest([]float64{1, 2, 3}, []float64{1, 2, 3})
	near(t, "statistic of equal samples", same.Statistic, 0, 0)
	near(t, "p-value of equal samples", same.PValue, 1, 0)
	apart := KSTest([]float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10})
	if apart.Statistic != 1 || apart.PValue > 0.01 {
		t.Errorf("disjoint samples: %+v, want statistic 1 and a p-value under 0.01", apart)
	}
}

func TestWasserstein(t *testing.T) {
	t.Parallel()
	// SciPy's wasserstein_distance examples.
	near(t, "shifted", Wasserstein([]float64{0, 1, 3}, []float64{5, 6, 8}), 5, 1e-12)
	near(t, "identical", Wasserstein([]float64{0, 1}, []float64{0, 1}), 0, 0)
	near(t, "uneven", Wasserstein([]float64{3.4, 3.9, 7.5, 7.8}, []float64{1.4, 4.5}), 2.7, 1e-12)
}

func TestPSI(t *testing.T) {
	t.Parallel()
	expected := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	near(t, "same sample", PSI(expected, expected), 0, 1e-12)
	// Deciles of expected are 1..9, one value per bin; actual puts half in
	// each of the first two bins and 1e-4 (epsilon) in the eight others:
	// 2·(0.5−0.1)·ln 5 + 8·(1e-4−0.1)·ln(1e-4/0.1).
	actual := []float64{1, 1, 1, 1, 1, 2, 2, 2, 2, 2}
	near(t, "concentrated", PSI(actual, expected), 6.808228348909805, 1e-9)
}

func TestCompareCategorical(t *testing.T) {
	t.Parallel()
	got := CompareCategorical(map[string]int64{"a": 10, "b": 20}, map[string]int64{"a": 20, "b": 10})
	near(t, "tv", got.TVDistance, 1.0/3, 1e-12)
	near(t, "l_infinity", got.LInfinity, 1.0/3, 1e-12)
	near(t, "js", got.JSDistance, 0.28583940586544465, 1e-12)
	// SciPy chi2_contingency([[10,20],[20,10]], correction=False).
	near(t, "chi-squared statistic", got.ChiSquared.Statistic, 20.0/3, 1e-12)
	near(t, "chi-squared p-value", got.ChiSquared.PValue, 0.009823274507519245, 1e-12)
	disjoint := CompareCategorical(map[string]int64{"a": 5}, map[string]int64{"b": 7})
	near(t, "js of disjoint", disjoint.JSDistance, 1, 1e-12)
	near(t, "tv of disjoint", disjoint.TVDistance, 1, 1e-12)
	one := CompareCategorical(map[string]int64{"a": 5}, map[string]int64{"a": 7})
	if one.HasChiSquare || one.JSDistance != 0 {
		t.Errorf("one shared category: %+v, want js 0 and no chi-squared test", one)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	c := Classify([]string{"a", "a", "b", "b", "c"}, []string{"a", "b", "b", "b", "a"})
	near(t, "accuracy", c.Accuracy, 0.6, 1e-12)
	near(t, "precision[a]", c.Precision.OneVsAll["a"], 0.5, 1e-12)
	near(t, "precision[b]", c.Precision.OneVsAll["b"], 2.0/3, 1e-12)
	near(t, "precision[c] (never predicted)", c.Precision.OneVsAll["c"], 0, 0)
	near(t, "precision macro", c.Precision.Macro, (0.5+2.0/3)/3, 1e-12)
	near(t, "precision weighted", c.Precision.Weighted, (0.5*2+2.0/3*2)/5, 1e-12)
	near(t, "recall[b]", c.Recall.OneVsAll["b"], 1, 1e-12)
	near(t, "recall macro", c.Recall.Macro, 0.5, 1e-12)
	near(t, "f1[b]", c.F1.OneVsAll["b"], 0.8, 1e-12)
	near(t, "f1 macro", c.F1.Macro, 1.3/3, 1e-12)
	near(t, "f1 weighted", c.F1.Weighted, 0.52, 1e-12)
	if got := c.ConfusionMatrix.Counts[0]; got[0] != 1 || got[1] != 1 || got[2] != 0 {
		t.Errorf("confusion row for label a = %v, want [1 1 0]", got)
	}
}

func TestRegress(t *testing.T) {
	t.Parallel()
	r := Regress([]float64{1, 2, 3, 4}, []float64{1, 2, 3, 5})
	near(t, "mse", r.MSE, 0.25, 1e-12)
	near(t, "rmse", r.RMSE, 0.5, 1e-12)
	near(t, "mae", r.MAE, 0.25, 1e-12)
	near(t, "mape", *r.MAPE, 0.0625, 1e-12)
	near(t, "r2", *r.R2, 0.8, 1e-12)
	flat := Regress([]float64{0, 0}, []float64{1, 1})
	if flat.R2 != nil || flat.MAPE != nil {
		t.Errorf("constant zero labels: r2 %v, mape %v, want both undefined", flat.R2, flat.MAPE)
	}
}
