package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/drift"
	"github.com/brickops/terraform-provider-brickops/internal/github"
)

func newDriftCmd() *cobra.Command {
	var (
		opts       drift.Options
		envs       []string
		configPath string
		issue      bool
		initArgs   []string
		doInit     bool
	)
	cmd := &cobra.Command{
		Use:   "drift",
		Short: "Report differences between each environment and its workspace",
		Long: `Runs terraform plan -detailed-exitcode in environments/<env> for each environment
(--env, default: every environment in brickops.yaml) and summarizes what
drifted. With --issue it keeps one GitHub issue per environment: opened or
updated while there is drift, closed once the environment is clean.

Exit status: 0 when every environment is clean, 1 when any drifted or failed.`,
		Example: `  brickops drift
  brickops drift --env prod --issue --init --init-arg=-backend-config=backend.hcl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.LoadOptional(configPath)
			if err != nil {
				return inputError(err)
			}
			opts.IsProd = cfg.IsProd
			if doInit {
				opts.Init = initArgs
				if opts.Init == nil {
					opts.Init = []string{}
				}
			}
			if len(envs) == 0 {
				for _, e := range cfg.Environments {
					envs = append(envs, e.Name)
				}
			}
			if len(envs) == 0 {
				return inputError(errors.New("no environments: pass --env, or list them in brickops.yaml"))
			}
			var repo *github.Repo
			if issue {
				env, err := github.EnvFrom(os.Getenv)
				if err != nil {
					return inputError(err)
				}
				c, err := github.NewClient(env, nil)
				if err != nil {
					return inputError(err)
				}
				repo = &github.Repo{Client: c, Owner: env.Owner, Name: env.Repo}
			}
			out := cmd.OutOrStdout()
			var failed []string
			for _, env := range envs {
				res, err := drift.Check(cmd.Context(), opts, env)
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", env, err)
					failed = append(failed, env)
					continue
				}
				fmt.Fprint(out, res.Markdown())
				if err := appendStepSummary([]byte(res.Markdown())); err != nil {
					return err
				}
				if res.Drifted {
					failed = append(failed, env)
				}
				if repo != nil {
					url, action, err := drift.Report(cmd.Context(), *repo, res)
					if err != nil {
						return err
					}
					if action != "" {
						fmt.Fprintf(out, "%s the drift issue for %s: %s\n", action, env, url)
					}
				}
			}
			if len(failed) > 0 {
				return fmt.Errorf("drift or errors in %v", failed)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&envs, "env", nil, "environment to check (repeatable; default: all in brickops.yaml)")
	f.StringVar(&configPath, "config", config.DefaultPath, "brickops.yaml to read")
	f.StringVar(&opts.Root, "repo-dir", ".", "root of the repository checkout")
	f.StringVar(&opts.Terraform, "terraform", "", "terraform binary (default: the one on PATH)")
	f.BoolVar(&issue, "issue", false, "open, update or close one GitHub issue per environment")
	f.BoolVar(&doInit, "init", false, "run terraform init first")
	f.StringSliceVar(&initArgs, "init-arg", nil, "extra argument for terraform init, e.g. -backend-config=backend.hcl (repeatable)")
	return cmd
}
