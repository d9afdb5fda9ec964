package reliability

import (
	"context"
	"strings"
	"testing"
)

// TestLostAnswers_everyResourceTypeConvergesWithoutOrphansOrDuplicates
// applies a stack of every resource type while 20 % of writes lose their
// answer after being processed and 20 % of the other requests are
// throttled or unavailable. It converges within MaxApplies applies, the
// API then holds no object outside state and no duplicate, and the plan
// is empty.
func TestLostAnswers_everyResourceTypeConvergesWithoutOrphansOrDuplicates(t *testing.T) {
	s := newStack(t, stackOptions{write: WriteStack, emuArgs: []string{"--request-log-size", "20000"}})
	s.emu.SetFaults(t, LostAnswerFaults...)
	applies, out, err := Converge(context.Background(), s.tf, s.dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lost, throttled := 0, 0
	for _, r := range s.emu.Requests(t, "/api/") {
		switch {
		case r.Status == 503 && r.Method != "GET":
			lost++
		case r.Status == 429 || r.Status == 503:
			throttled++
		}
	}
	s.emu.ClearFaults(t)
	if lost == 0 {
		t.Error("no write lost its answer; the fault rules did not apply")
	}
	if _, err := s.terraform("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Errorf("the plan after a converged apply is not empty: %v", err)
	}
	state := s.mustTerraform("show", "-json")
	audit, err := AuditStack(context.Background(), s.emu.WorkspaceClient(t), []byte(state))
	if err != nil {
		t.Fatal(err)
	}
	if len(audit.Orphans) != 0 || len(audit.Duplicates) != 0 {
		t.Errorf("objects outside state: %d %v\nduplicates: %d %v", len(audit.Orphans), audit.Orphans, len(audit.Duplicates), audit.Duplicates)
	}
	if !strings.Contains(out, "Apply complete!") || audit.Objects < 30 {
		t.Errorf("the stack holds %d objects:\n%s", audit.Objects, out)
	}
	t.Logf("%d resources, %d objects: converged in %d apply(s) through %d lost answers and %d throttled requests; %d orphans, %d duplicates",
		StackResources, audit.Objects, applies, lost, throttled, len(audit.Orphans), len(audit.Duplicates))
}
