package dataprofile

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// The statistics of one column, and of the change between two samples of
// it. Numeric samples are []float64 without NaN (NaNs are counted apart);
// categorical samples are counts per category.

// QuantileProbs are the probabilities of the quantiles array.
var QuantileProbs = []float64{0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1}

// quantile is the empirical (inverse CDF) quantile of sorted x, the value
// Spark's percentile_approx answers with unbounded accuracy.
func quantile(p float64, sorted []float64) float64 {
	return stat.Quantile(p, stat.Empirical, sorted, nil)
}

// TestResult is a test statistic and its p-value: the ks_test and
// chi_squared_test struct columns.
type TestResult struct {
	Statistic float64 `json:"statistic"`
	PValue    float64 `json:"pvalue"`
}

// KSTest is the two-sample Kolmogorov–Smirnov test of sorted samples x and
// y: the largest distance between their empirical CDFs, and its p-value
// from the asymptotic Kolmogorov distribution with Stephens' small-sample
// correction (Numerical Recipes' kstwo).
func KSTest(x, y []float64) TestResult {
	d := clamp01(stat.KolmogorovSmirnov(x, nil, y, nil)) // summed shares can overshoot 1 by an ulp
	n, m := float64(len(x)), float64(len(y))
	en := math.Sqrt(n * m / (n + m))
	return TestResult{Statistic: d, PValue: kolmogorovQ((en + 0.12 + 0.11/en) * d)}
}

// kolmogorovQ is the Kolmogorov distribution's survival function,
// Q(λ) = 2 Σ_{j≥1} (-1)^(j-1) exp(-2 j² λ²).
func kolmogorovQ(lambda float64) float64 {
	if lambda < 1e-3 {
		return 1
	}
	sum, sign, prev := 0.0, 1.0, 0.0
	for j := 1; j <= 100; j++ {
		term := sign * 2 * math.Exp(-2*float64(j*j)*lambda*lambda)
		sum += term
		if math.Abs(term) <= 1e-10*math.Abs(sum) || math.Abs(term) <= 1e-8*prev {
			return clamp01(sum)
		}
		sign, prev = -sign, math.Abs(term)
	}
	return 1 // the series did not converge: λ is tiny, the samples agree
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// Wasserstein is the first Wasserstein (earth mover's) distance between the
// empirical distributions of sorted samples x and y: the area between their
// CDFs.
func Wasserstein(x, y []float64) float64 {
	all := slices.Concat(x, y)
	slices.Sort(all)
	var dist float64
	i, j := 0, 0
	for k := 0; k < len(all)-1; k++ {
		for i < len(x) && x[i] <= all[k] {
			i++
		}
		for j < len(y) && y[j] <= all[k] {
			j++
		}
		fx, fy := float64(i)/float64(len(x)), float64(j)/float64(len(y))
		dist += math.Abs(fx-fy) * (all[k+1] - all[k])
	}
	return dist
}

// psiBins is how many quantile bins of the reference sample PSI uses.
const psiBins = 10

// psiEpsilon replaces an empty bin's share, keeping the logarithm finite.
const psiEpsilon = 1e-4

// PSI is the population stability index of sorted sample actual against
// sorted sample expected, over the deciles of expected:
// Σ (a−e)·ln(a/e) over the bins' shares.
func PSI(actual, expected []float64) float64 {
	edges := make([]float64, 0, psiBins-1)
	for k := 1; k < psiBins; k++ {
		edge := quantile(float64(k)/psiBins, expected)
		if len(edges) == 0 || edge > edges[len(edges)-1] {
			edges = append(edges, edge)
		}
	}
	a, e := binShares(actual, edges), binShares(expected, edges)
	var psi float64
	for k := range a {
		ak, ek := math.Max(a[k], psiEpsilon), math.Max(e[k], psiEpsilon)
		psi += (ak - ek) * math.Log(ak/ek)
	}
	return psi
}

// binShares is the share of sorted x in each bin (-inf, edges[0]],
// (edges[0], edges[1]], …, (edges[n-1], +inf).
func binShares(x []float64, edges []float64) []float64 {
	shares := make([]float64, len(edges)+1)
	for _, v := range x {
		k, _ := slices.BinarySearch(edges, v) // first edge >= v
		shares[k]++
	}
	for k := range shares {
		shares[k] /= float64(len(x))
	}
	return shares
}

// CategoricalDrift compares two categorical samples given as counts per category.
type CategoricalDrift struct {
	JSDistance   float64
	TVDistance   float64
	LInfinity    float64
	ChiSquared   TestResult
	HasChiSquare bool // false when the test is undefined (a single category)
}

// CompareCategorical computes the distances between the category shares of
// x and y and Pearson's chi-squared test of homogeneity on their counts
// (no continuity correction). Both must have at least one value.
func CompareCategorical(x, y map[string]int64) CategoricalDrift {
	cats := make([]string, 0, len(x)+len(y))
	for c := range x {
		cats = append(cats, c)
	}
	for c := range y {
		if _, ok := x[c]; !ok {
			cats = append(cats, c)
		}
	}
	slices.Sort(cats)
	nx, ny := total(x), total(y)
	p, q := make([]float64, len(cats)), make([]float64, len(cats))
	var out CategoricalDrift
	for i, c := range cats {
		p[i], q[i] = float64(x[c])/nx, float64(y[c])/ny
		diff := math.Abs(p[i] - q[i])
		out.TVDistance += diff / 2
		out.LInfinity = math.Max(out.LInfinity, diff)
	}
	// Base-2 Jensen–Shannon distance, in [0, 1].
	out.JSDistance = math.Sqrt(math.Max(0, stat.JensenShannon(p, q)/math.Ln2))
	if len(cats) > 1 {
		n := nx + ny
		var chi float64
		for _, c := range cats {
			col := float64(x[c] + y[c])
			for _, obs := range []struct{ o, row float64 }{{float64(x[c]), nx}, {float64(y[c]), ny}} {
				exp := obs.row * col / n
				chi += (obs.o - exp) * (obs.o - exp) / exp
			}
		}
		out.ChiSquared = TestResult{Statistic: chi, PValue: distuv.ChiSquared{K: float64(len(cats) - 1)}.Survival(chi)}
		out.HasChiSquare = true
	}
	return out
}

func total(counts map[string]int64) float64 {
	var n int64
	for _, c := range counts {
		n += c
	}
	return float64(n)
}

// FrequentItem is one entry of the frequent_items column.
type FrequentItem struct {
	Item  string `json:"item"`
	Count int64  `json:"count"`
}

// maxFrequentItems is how many items frequent_items lists.
const maxFrequentItems = 10

// frequentItems lists the most frequent categories, most frequent first
// (ties by item).
func frequentItems(counts map[string]int64) []FrequentItem {
	out := make([]FrequentItem, 0, len(counts))
	for item, n := range counts {
		out = append(out, FrequentItem{Item: item, Count: n})
	}
	slices.SortFunc(out, func(a, b FrequentItem) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Item, b.Item))
	})
	return out[:min(len(out), maxFrequentItems)]
}
