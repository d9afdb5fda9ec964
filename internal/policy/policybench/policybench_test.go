package policybench

import (
	"context"
	"testing"
)

func TestRunReportsEveryRule(t *testing.T) {
	res, err := Run(context.Background(), t.TempDir(), 400)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changes != 400 || res.Findings == 0 || res.TotalSeconds <= 0 || res.PeakHeapBytes == 0 || res.PeakRSSBytes == 0 {
		t.Errorf("result = %+v", res)
	}
}

// BenchmarkPolicyCheck10k: go test -bench PolicyCheck10k -benchmem ./internal/policy/policybench/
func BenchmarkPolicyCheck10k(b *testing.B) {
	dir := b.TempDir()
	var last Result
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), dir, 10000)
		if err != nil {
			b.Fatal(err)
		}
		last = res
	}
	b.ReportMetric(float64(last.Findings), "findings")
	b.ReportMetric(float64(last.PeakHeapBytes)/1e6, "peak-heap-MB")
	b.ReportMetric(last.CheckSeconds, "check-s")
}
