package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/drift"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
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

The repository root is --repo-dir, or else the directory of brickops.yaml
(found from the working directory upward), so drift runs the same from the
root and from environments/<env>. When Terraform fails, its own error lines
are shown.

Exit status: 0 when every environment is clean, 1 when any drifted, 3 when
Terraform failed in any (an environment that could not be checked is not
reported clean).`,
		Example: `  brickops drift
  brickops drift --env prod --output json
  brickops drift --env prod --issue --init --init-arg=-backend-config=backend.hcl`,
		Args: cobra.NoArgs,
	}
	format := outputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := config.LoadOptional(configPath)
		if err != nil {
			return err
		}
		opts.IsProd = cfg.IsProd
		if opts.Root == "" {
			opts.Root = cfg.Dir()
		}
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
			return exitcode.Invalidf("no environments: pass --env, or list them in brickops.yaml")
		}
		var repo *github.Repo
		if issue {
			env, err := github.EnvFrom(os.Getenv)
			if err != nil {
				return exitcode.Invalid(err)
			}
			c, err := github.NewClient(env, nil)
			if err != nil {
				return exitcode.Invalid(err)
			}
			repo = &github.Repo{Client: c, Owner: env.Owner, Name: env.Repo}
		}
		type envJSON struct {
			*drift.Result
			Env   string `json:"env"`
			Error string `json:"error,omitempty"`
			Issue string `json:"issue,omitempty"`
		}
		doc := struct {
			Drifted      bool      `json:"drifted"`
			Failed       bool      `json:"failed"`
			Environments []envJSON `json:"environments"`
		}{Environments: []envJSON{}}
		var worst error
		for _, env := range envs {
			res, err := drift.Check(cmd.Context(), opts, env)
			if err != nil {
				// Terraform's lines go to stderr as they come; the exit status
				// and the closing line say which environments failed.
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", env, err)
				doc.Environments = append(doc.Environments, envJSON{Env: env, Error: err.Error()})
				doc.Failed = true
				if worst == nil || exitcode.Of(err) > exitcode.Of(worst) {
					worst = err
				}
				continue
			}
			if !format.JSON() {
				fmt.Fprint(cmd.OutOrStdout(), res.Markdown())
			}
			if err := appendStepSummary([]byte(res.Markdown())); err != nil {
				return err
			}
			doc.Drifted = doc.Drifted || res.Drifted
			item := envJSON{Result: res, Env: env}
			if repo != nil {
				url, action, err := drift.Report(cmd.Context(), *repo, res)
				if err != nil {
					return err
				}
				if action != "" {
					item.Issue = url
					if !format.JSON() {
						fmt.Fprintf(cmd.OutOrStdout(), "%s the drift issue for %s: %s\n", action, env, url)
					}
				}
			}
			doc.Environments = append(doc.Environments, item)
		}
		if err := report(cmd, format, doc, func(io.Writer) {}); err != nil {
			return err
		}
		var drifted, failed []string
		for _, e := range doc.Environments {
			switch {
			case e.Error != "":
				failed = append(failed, e.Env)
			case e.Drifted:
				drifted = append(drifted, e.Env)
			}
		}
		switch {
		case worst != nil && exitcode.Of(worst) == exitcode.BadInput:
			return exitcode.Invalidf("could not check %v (see above); drift in %v", failed, drifted)
		case worst != nil:
			return exitcode.Failedf("could not check %v (see above); drift in %v", failed, drifted)
		case len(drifted) > 0:
			return exitcode.Refusedf("drift in %v", drifted)
		}
		return nil
	}
	f := cmd.Flags()
	f.StringSliceVar(&envs, "env", nil, "environment to check (repeatable; default: all in brickops.yaml)")
	f.StringVar(&configPath, "config", "", "brickops.yaml to read (default: found in the working directory or the nearest parent)")
	f.StringVar(&opts.Root, "repo-dir", "", "root of the repository checkout (default: brickops.yaml's directory)")
	f.StringVar(&opts.Terraform, "terraform", "", "terraform binary (default: the one on PATH)")
	f.BoolVar(&issue, "issue", false, "open, update or close one GitHub issue per environment")
	f.BoolVar(&doInit, "init", false, "run terraform init first")
	f.StringSliceVar(&initArgs, "init-arg", nil, "extra argument for terraform init, e.g. -backend-config=backend.hcl (repeatable)")
	return cmd
}
