// Command brickops is the BrickOps CI toolkit: what a GitHub Actions workflow
// runs around terraform plan/apply, and the local Databricks emulator. Each
// command lives in its own file and only wires flags to internal/ packages.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
)

func main() {
	if err := execute(context.Background(), newRootCmd()); err != nil {
		fmt.Fprintln(os.Stderr, "brickops:", err)
		os.Exit(exitcode.Of(err))
	}
}
