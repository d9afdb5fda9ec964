package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
	"github.com/brickops/terraform-provider-brickops/internal/reliability"
)

// lostAnswers applies the reliability suite's stack of every resource type
// while 20 % of writes lose their answer and 20 % of other requests are
// throttled, and reports how many applies it took, the objects left
// outside state and the duplicates.
func lostAnswers(ctx context.Context, env *Env, report func(Result)) error {
	work := filepath.Join(env.WorkDir, "lost-answers")
	proc, err := emuproc.Start(ctx, emuproc.Options{
		Bin: filepath.Join(env.BinDir, "brickops"), DataDir: filepath.Join(work, "emulator"), Stderr: env.Log,
	})
	if err != nil {
		return err
	}
	defer proc.Stop()
	tf, err := terraformFor(env, work, proc)
	if err != nil {
		return err
	}
	dir := filepath.Join(work, "stack")
	if err := reliability.WriteStack(dir); err != nil {
		return err
	}
	if status, err := proc.Call(ctx, "PUT", "/_emulator/faults", emulator.FaultConfig{Rules: reliability.LostAnswerFaults}, nil); err != nil || status != 200 {
		return fmt.Errorf("installing faults: status %d: %v", status, err)
	}
	t0 := time.Now()
	applies, _, err := reliability.Converge(ctx, tf, dir)
	if err != nil {
		return err
	}
	took := time.Since(t0)
	if _, err := proc.Call(ctx, "DELETE", "/_emulator/faults", nil, nil); err != nil {
		return err
	}
	quiet := tf
	quiet.Log = nil // the state is long and says nothing the figures do not
	state, err := quiet.Run(ctx, dir, "show", "-json")
	if err != nil {
		return err
	}
	w, err := client.Workspace(client.Isolated(proc.Host, proc.Token))
	if err != nil {
		return err
	}
	audit, err := reliability.AuditStack(ctx, w, []byte(state))
	if err != nil {
		return err
	}
	report(Result{"lost_answers_resources", reliability.StackResources, "resources"})
	report(Result{"lost_answers_applies_to_converge", float64(applies), "applies"})
	report(Result{"lost_answers_apply_time", round(seconds(took)), "s"})
	report(Result{"lost_answers_objects_outside_state", float64(len(audit.Orphans)), "objects"})
	report(Result{"lost_answers_duplicates", float64(len(audit.Duplicates)), "objects"})
	return nil
}
