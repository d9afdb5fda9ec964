package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/tfcli"
	"github.com/brickops/terraform-provider-brickops/internal/version"
)

func newProviderCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "provider", Short: "Install the BrickOps Terraform provider for local use"}
	cmd.AddCommand(newProviderInstallCmd())
	return cmd
}

func newProviderInstallCmd() *cobra.Command {
	var binary, pluginsDir string
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Put this build's provider where terraform init finds it, offline",
		Long: `Copies terraform-provider-brickops (by default the one next to this brickops
binary) into Terraform's implied local mirror,
~/.terraform.d/plugins/registry.terraform.io/brickops/brickops/<version>/<os_arch>/,
so a plain terraform init works in any directory, offline and with no CLI
configuration. 'make install' runs it after building.`,
		Example: `  brickops provider install
  bin/brickops provider install --provider bin/terraform-provider-brickops`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if binary == "" {
				self, err := os.Executable()
				if err != nil {
					return exitcode.Failedf("finding this binary: %w", err)
				}
				binary = filepath.Join(filepath.Dir(self), "terraform-provider-brickops")
			}
			if st, err := os.Stat(binary); err != nil || st.IsDir() {
				return exitcode.Invalidf("no provider binary at %s: build it (make build) or pass --provider PATH", binary)
			}
			if pluginsDir == "" {
				dir, err := tfcli.ImpliedMirrorDir()
				if err != nil {
					return exitcode.Failed(err)
				}
				pluginsDir = dir
			}
			v := tfcli.ProviderVersion(version.Version)
			path, err := tfcli.InstallProvider(pluginsDir, binary, v)
			if err != nil {
				return exitcode.Failed(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "installed brickops/brickops %s for terraform at %s\n", v, path)
			fmt.Fprintln(cmd.OutOrStdout(), "terraform init now finds it offline in any directory (no CLI configuration needed).")
			return nil
		},
	}
	cmd.Flags().StringVar(&binary, "provider", "", "provider binary to install (default: terraform-provider-brickops next to this brickops)")
	cmd.Flags().StringVar(&pluginsDir, "plugins-dir", "", "mirror directory (default: Terraform's implied local mirror, ~/.terraform.d/plugins)")
	return cmd
}

// providerInstalled reports whether this version of the provider is in
// Terraform's implied local mirror.
func providerInstalled() bool {
	dir, err := tfcli.ImpliedMirrorDir()
	if err != nil {
		return false
	}
	_, err = os.Stat(tfcli.ProviderDir(dir, tfcli.ProviderVersion(version.Version)))
	return err == nil
}
