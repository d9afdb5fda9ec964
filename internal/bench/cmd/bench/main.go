// Command bench runs BrickOps' benchmarks (`make bench`): it prints one
// `BENCH <name> <value> <unit>` line per figure and writes them to
// bench/results.json. The benchmarks live in internal/bench.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/bench"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == bench.FloorServerArg {
		if err := bench.ServeFloor(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "bench floor server:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var names []string
	for _, b := range bench.All {
		names = append(names, b.Name)
	}
	out := flag.String("out", "bench/results.json", "where to write the results")
	only := flag.String("only", "", "comma-separated benchmarks to run (default all: "+strings.Join(names, ", ")+")")
	binDir := flag.String("bin", os.Getenv("BRICKOPS_BIN"), "directory holding brickops and terraform-provider-brickops (default $BRICKOPS_BIN)")
	verbose := flag.Bool("v", false, "show the output of the tools run")
	sizes := flag.String("sizes", "", "comma-separated resource counts for provider-scale (default 300,1000)")
	flag.Parse()

	selected := bench.All
	if *only != "" {
		selected = nil
		for _, name := range strings.Split(*only, ",") {
			i := slices.IndexFunc(bench.All, func(b bench.Benchmark) bool { return b.Name == name })
			if i < 0 {
				return fmt.Errorf("no benchmark %q; known: %s", name, strings.Join(names, ", "))
			}
			selected = append(selected, bench.All[i])
		}
	}
	if *binDir == "" {
		return fmt.Errorf("set -bin or BRICKOPS_BIN to the directory of the built binaries (make bench does)")
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return fmt.Errorf("terraform is not on PATH: install Terraform >= 1.5")
	}
	bin, err := filepath.Abs(*binDir)
	if err != nil {
		return err
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "brickops-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	env := &bench.Env{BinDir: bin, Terraform: tf, RepoRoot: root, WorkDir: work, Log: io.Discard}
	for _, s := range strings.Split(*sizes, ",") {
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a resource count", s)
		}
		env.ScaleSizes = append(env.ScaleSizes, n)
	}
	if *verbose {
		env.Log = os.Stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	results, err := bench.Run(ctx, env, selected, os.Stdout)
	if err != nil {
		return err
	}
	if err := bench.WriteReport(*out, results); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: %d figures written to %s\n", len(results), *out)
	measured, met := bench.WriteVerdicts(os.Stdout, bench.Check(bench.Goals, results))
	fmt.Fprintf(os.Stderr, "bench: %d of the %d goals measured in this run met\n", met, measured)
	return nil
}
