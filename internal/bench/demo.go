package bench

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"
)

// demoWallTime runs `brickops demo` as a user does and times it.
func demoWallTime(ctx context.Context, env *Env, report func(Result)) error {
	cmd := exec.CommandContext(ctx, filepath.Join(env.BinDir, "brickops"), "demo",
		"--bin", env.BinDir, "--terraform", env.Terraform)
	cmd.Stdout, cmd.Stderr = env.Log, env.Log
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("brickops demo: %w", err)
	}
	report(Result{"demo_wall", round(seconds(time.Since(t0))), "s"})
	return nil
}
