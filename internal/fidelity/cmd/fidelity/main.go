// Command fidelity runs the official Databricks Terraform provider and CLI
// against fresh emulators (`make fidelity`), prints a result table and, with
// -record, keeps their traffic as the emulator's replay test data.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/brickops/terraform-provider-brickops/internal/fidelity"
)

func main() {
	provider := flag.String("provider", "", "official provider binary (terraform-provider-databricks)")
	cli := flag.String("cli", "", "official CLI binary (databricks)")
	terraform := flag.String("terraform", "terraform", "terraform binary")
	record := flag.String("record", "", "directory to write <client>/<flow>.jsonl recordings to")
	only := flag.String("only", "", "run only flows whose name contains this")
	verbose := flag.Bool("v", false, "show the clients' output")
	flag.Parse()
	for _, p := range []*string{provider, cli} {
		if *p == "" {
			continue
		}
		if _, err := os.Stat(*p); err != nil {
			fmt.Fprintf(os.Stderr, "fidelity: %v; skipping that client\n", err)
			*p = ""
		}
	}
	if *provider == "" && *cli == "" {
		fmt.Println("fidelity: skipped: neither the official provider nor the CLI binary is present (OFFICIAL_PROVIDER=…, DATABRICKS_CLI=…)")
		return
	}
	cfg := fidelity.Config{Provider: *provider, CLI: *cli, Terraform: *terraform, RecordDir: *record, Only: *only}
	if *verbose {
		cfg.Log = os.Stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	results, err := fidelity.Run(ctx, cfg)
	failed := 0
	fmt.Println("| client | version | flow | result | requests |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range results {
		res := "clean"
		if !r.OK {
			res, failed = "FAILED", failed+1
		}
		fmt.Printf("| %s | %s | %s | %s | %d |\n", r.Client, r.Version, r.Flow, res, r.Requests)
	}
	for _, r := range results {
		if !r.OK {
			fmt.Fprintf(os.Stderr, "\n%s %s:\n%s\n", r.Client, r.Flow, r.Problem)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		os.Exit(3)
	}
	if failed > 0 {
		os.Exit(1)
	}
}
