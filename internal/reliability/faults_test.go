package reliability

import (
	"regexp"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/stackgen"
)

// faultResources keeps the fault tests small: every injected 429/503
// costs the SDK a Retry-After of one second.
const faultResources = 4

// TestFaults_applySurvivesThrottlingWithoutDuplicates answers 20 % of API
// requests 429 or 503 with Retry-After. Half of the failed writes are
// processed first and only their answer is lost, the case where a client
// that retries without an idempotency token makes duplicates. Apply, the
// plan after it and destroy all succeed, and the API holds exactly one
// cluster per resource. Two rules that fire once make sure at least one
// lost create answer and one throttled read happen whatever the draw.
func TestFaults_applySurvivesThrottlingWithoutDuplicates(t *testing.T) {
	s := newStack(t, stackOptions{resources: faultResources})
	s.emu.SetFaults(t,
		emulator.FaultRule{PathPrefix: "/api/2.1/clusters/create", Method: "POST", Rate503: 1, AfterHandler: true, Times: 1},
		emulator.FaultRule{PathPrefix: "/api/", Method: "GET", Rate429: 1, Times: 1},
		emulator.FaultRule{PathPrefix: "/api/", Method: "POST", Rate503: 0.1, Rate429: 0.1, AfterHandler: true},
		emulator.FaultRule{PathPrefix: "/api/", Rate429: 0.1, Rate503: 0.1},
	)

	out := s.mustTerraform("apply", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "Apply complete! Resources: 4 added, 0 changed, 0 destroyed.") {
		t.Fatalf("apply under faults:\n%s", out)
	}
	active := s.activeClusters()
	names := map[string]int{}
	for _, c := range active {
		names[c.ClusterName]++
	}
	if len(active) != faultResources || len(names) != faultResources {
		t.Errorf("after apply under faults: %d active clusters, %d distinct names: %v", len(active), len(names), names)
	}

	if _, err := s.terraform("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Errorf("the plan after apply is not empty under faults: %v", err)
	}
	s.mustTerraform("destroy", "-auto-approve", "-input=false", "-no-color")
	if left := s.activeClusters(); len(left) != 0 {
		t.Errorf("%d clusters left after destroy under faults", len(left))
	}

	// The test means something only if faults were injected.
	injected := 0
	for _, r := range s.emu.Requests(t, "/api/") {
		if r.Status == 429 || r.Status == 503 {
			injected++
		}
	}
	if injected < 2 {
		t.Errorf("%d requests were answered 429 or 503, want at least the 2 certain ones; the fault rules did not apply", injected)
	}
	t.Logf("apply, plan and destroy succeeded through %d injected 429/503 answers", injected)
}

// TestFaults_permanent500NamesTheResourceThenConverges breaks cluster
// creation with a permanent 500: apply fails with an error that names the
// resource and the API's message; once the fault is lifted, apply
// converges and the plan is empty.
func TestFaults_permanent500NamesTheResourceThenConverges(t *testing.T) {
	s := newStack(t, stackOptions{resources: 2})
	s.emu.SetFaults(t, emulator.FaultRule{PathPrefix: "/api/2.1/clusters/create", Status: 500})

	out, err := s.terraform("apply", "-auto-approve", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("apply succeeded despite a permanent 500:\n%s", out)
	}
	for _, want := range []string{
		`Error: Creating cluster failed`,
		`Creating cluster "gen-000[01]": Injected fault: /api/2.1/clusters/create answers\s+500`,
		`with brickops_cluster\.` + stackgen.Name(0),
		`with brickops_cluster\.` + stackgen.Name(1),
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	if n := len(s.activeClusters()); n != 0 {
		t.Errorf("%d clusters exist although every create failed", n)
	}

	s.emu.ClearFaults(t)
	out = s.mustTerraform("apply", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "Resources: 2 added, 0 changed, 0 destroyed.") {
		t.Errorf("apply after the fault was lifted:\n%s", out)
	}
	if _, err := s.terraform("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Errorf("the plan after the retry is not empty: %v", err)
	}
	if n := len(s.activeClusters()); n != 2 {
		t.Errorf("%d active clusters after the retry, want 2", n)
	}
}
