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
	runtimedebug "runtime/debug"
	"strings"

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
	quietUnseenLogs(os.LookupEnv, os.Setenv)
	collectLessOften(os.LookupEnv, runtimedebug.SetGCPercent)

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

// Log levels of the plugin SDK's loggers (terraform-plugin-go,
// terraform-plugin-framework) and of this provider's own (tflog, named
// after the provider type).
var sdkLogLevelVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_BRICKOPS"}

// quietUnseenLogs sets the plugin loggers' levels, where the user has not,
// to the level Terraform shows provider logs at (TF_LOG_PROVIDER, else
// TF_LOG; nothing when neither is set). Unset, the SDK logs every RPC at
// TRACE: the provider encodes each line as JSON on stderr and Terraform
// parses it only to drop it, which was a third of the provider's CPU in a
// 1,000-resource plan.
func quietUnseenLogs(lookup func(string) (string, bool), set func(string, string) error) {
	shown, ok := lookup("TF_LOG_PROVIDER")
	if !ok || shown == "" {
		shown, ok = lookup("TF_LOG")
	}
	switch level := strings.ToUpper(strings.TrimSpace(shown)); {
	case !ok || level == "":
		shown = "OFF"
	case level == "JSON" || level == "1":
		shown = "TRACE" // Terraform's TF_LOG=JSON is TRACE in JSON; 1 is what older releases took as TRACE
	}
	for _, v := range sdkLogLevelVars {
		if _, userSet := lookup(v); !userSet {
			_ = set(v, shown)
		}
	}
}

// gcPercent is the provider's garbage-collection target (GOGC) unless the
// user sets GOGC. The provider lives for one Terraform command and its
// heap is small, but the plugin framework allocates heavily on every RPC:
// at Go's default of 100, collection was a third of the provider's CPU in
// a 1,000-resource plan, on the same cores Terraform needs. At 400 that
// plan is about a sixth faster on 2 cores for a peak RSS of ~245 MB
// instead of ~145 MB.
const gcPercent = 400

// collectLessOften sets the garbage-collection target to gcPercent where
// the user has not chosen one with GOGC.
func collectLessOften(lookup func(string) (string, bool), setGCPercent func(int) int) {
	if _, userSet := lookup("GOGC"); !userSet {
		setGCPercent(gcPercent)
	}
}
