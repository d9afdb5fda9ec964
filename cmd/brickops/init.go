package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/version"
	"github.com/brickops/terraform-provider-brickops/templates"
)

func newInitCmd() *cobra.Command {
	var (
		data  templates.Data
		envs  string
		force bool
	)
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Scaffold an MLOps repository",
		Long: `Writes into DIR (default: the current directory) everything a team needs to run
a model through its environments with BrickOps: brickops.yaml, one Terraform
directory per environment over a shared module (state in an azurerm backend),
GitHub Actions workflows (plan, apply, promote, drift) and a sample Rego policy.

Existing files are never overwritten unless --force; running init again on a
scaffolded repository changes nothing.`,
		Example: `  brickops init --org acme --model churn
  brickops init ./mlops --org acme --model fraud --envs dev,test,prod
  brickops init --org acme --model churn --emulator   # local state, for brickops emulator`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			data.Envs = strings.Split(envs, ",")
			for i := range data.Envs {
				data.Envs[i] = strings.TrimSpace(data.Envs[i])
			}
			if data.Version == "" {
				data.Version = "v" + strings.TrimSuffix(version.Version, "-dev")
			}
			if err := data.Validate(); err != nil {
				return exitcode.Invalid(err)
			}
			res, err := templates.Render(dir, data, force)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, f := range res.Written {
				fmt.Fprintf(out, "  wrote   %s\n", f)
			}
			for _, f := range res.Kept {
				fmt.Fprintf(out, "  kept    %s (differs from the template; --force overwrites)\n", f)
			}
			fmt.Fprintf(out, "%d written, %d unchanged, %d kept in %s\n", len(res.Written), len(res.Unchanged), len(res.Kept), dir)
			fmt.Fprintln(out, "\nNext:")
			if !providerInstalled() {
				fmt.Fprintln(out, "  brickops provider install       # the Terraform provider, where terraform init finds it offline")
			}
			fmt.Fprintf(out, "  brickops config validate\n  cd %s && terraform init && terraform plan\n", filepath.Join(dir, "environments", data.Envs[0]))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&data.Org, "org", "", "GitHub organization (reviewer teams, state storage names)")
	f.StringVar(&data.Model, "model", "", "the first model the repository manages")
	f.StringVar(&envs, "envs", "dev,staging,prod", "environments in promotion order, comma-separated; the last is production")
	f.StringVar(&data.Version, "brickops-version", "", "BrickOps release the workflows install (default: this binary's)")
	f.BoolVar(&data.Emulator, "emulator", false, "keep Terraform state locally (backend_override.tf), for the local emulator")
	f.BoolVar(&force, "force", false, "overwrite existing files that differ from the templates")
	return cmd
}
