// Command terraform-provider-brickops is the BrickOps Terraform provider:
// Azure Databricks workspaces, clusters, Unity Catalog models and MLOps
// resources, managed as code.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/brickops/terraform-provider-brickops/internal/version"
	"github.com/brickops/terraform-provider-brickops/provider"
)

// Generate the registry docs from the provider schema and examples/.
//go:generate make docs

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve (prints TF_REATTACH_PROVIDERS)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), `terraform-provider-brickops %s — the BrickOps Terraform provider.

Terraform starts this binary itself; you do not run it directly. To use a
local build, point a dev_overrides block in your Terraform CLI config at the
directory holding it (see docs/index.md). Flags:
`, version.Version)
		flag.PrintDefaults()
	}
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version.Version), providerserver.ServeOpts{
		Address:         provider.Address,
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Println(err)
		os.Exit(1)
	}
}
