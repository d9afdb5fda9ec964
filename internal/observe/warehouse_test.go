package observe

import (
	"testing"
	"time"
)

func TestTraffic_entities(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var reqs []Request
	// v1: 100 requests, durations 1..100 ms, 3 errors; v2: 20 requests at
	// 50 ms, one 503.
	for i := 1; i <= 100; i++ {
		status := 200
		if i%40 == 0 || i == 1 {
			status = 500
		}
		reqs = append(reqs, Request{Entity: "v1", Status: status, DurationMs: float64(i), At: t0.Add(time.Duration(i) * time.Second)})
	}
	for i := range 20 {
		status := 200
		if i == 3 {
			status = 503
		}
		reqs = append(reqs, Request{Entity: "v2", Status: status, DurationMs: 50, At: t0.Add(time.Duration(i) * time.Minute)})
	}
	traffic := &Traffic{Requests: reqs}
	got := traffic.Entities(time.Time{})
	v1, v2 := got["v1"], got["v2"]
	if v1.Requests != 100 || v1.Errors != 3 || v1.LatencyP95Ms != 95 || !v1.First.Equal(t0.Add(time.Second)) || !v1.Last.Equal(t0.Add(100*time.Second)) {
		t.Errorf("v1 = %+v", v1)
	}
	if v2.Requests != 20 || v2.Errors != 1 || v2.LatencyP95Ms != 50 || v2.ErrorRate() != 0.05 || len(got) != 2 {
		t.Errorf("v2 = %+v (all %v)", v2, got)
	}
	// From the 10th minute on: v1's requests (all in the first two minutes)
	// drop out, v2 keeps ten.
	since := traffic.Entities(t0.Add(10 * time.Minute))
	if len(since) != 1 || since["v2"].Requests != 10 || since["v2"].Errors != 0 {
		t.Errorf("since 10 min = %+v", since)
	}
}

func TestMetadataEntity(t *testing.T) {
	for in, want := range map[string]string{
		`{"served_entity_name":"v3","model_version":"5"}`:    "v3",
		`{"model_name":"prod.ml.churn","model_version":"5"}`: "5",
		`not json`: "",
	} {
		if got := metadataEntity(&in); got != want {
			t.Errorf("%s = %q, want %q", in, got, want)
		}
	}
}
