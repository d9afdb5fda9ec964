// Command policybench measures `brickops policy check` on a generated plan
// of 10,000 changes with the built-in rule pack and one Rego policy, and
// prints the time and peak memory of the engine in-process (a line for
// people, or -json). `make bench` measures the brickops binary against
// conftest instead (internal/bench/policy.go).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/brickops/terraform-provider-brickops/internal/policy/policybench"
)

func main() {
	n := flag.Int("changes", 10000, "resource changes in the generated plan")
	asJSON := flag.Bool("json", false, "print the result as one JSON object")
	flag.Parse()
	dir, err := os.MkdirTemp("", "policybench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "policybench:", err)
		os.Exit(1)
	}
	res, err := policybench.Run(context.Background(), dir, *n)
	os.RemoveAll(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "policybench:", err)
		os.Exit(1)
	}
	if *asJSON {
		_ = json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Println(res)
}
