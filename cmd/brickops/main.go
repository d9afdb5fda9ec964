// Command brickops is the BrickOps CI toolkit: what a GitHub Actions workflow
// runs around terraform plan/apply, and the local Databricks emulator. Each
// command lives in its own file and only wires flags to internal/ packages.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "brickops:", err)
		os.Exit(exitCode(err))
	}
}
