package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/databricks/databricks-sdk-go"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/drift"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
)

func newDriftCmd() *cobra.Command {
	var (
		opts       drift.Options
		envs       []string
		configPath string
		issue      bool
		initArgs   []string
		doInit     bool
		retrain    bool
		skipTF     bool
		skipModels bool
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

Beside Terraform drift it reports model drift, in every environment whose
brickops.yaml entry sets gates.monitor: for each model, the drift metrics of
the quality monitor on its serving endpoint's inference table (read on the
environment's SQL warehouse), judged against gates.monitor (max_drift,
statistic, columns, window). With --retrain, a model that drifts past the
threshold gets its retraining job started (models.<model>.retrain_job,
default retrain-<model>-<first environment>, in the first environment,
through the Jobs API's run-now) and the run recorded in a GitHub issue "Model drift: <model> in
<env>" (label brickops-model-drift); a later check that finds the same
drift, already recorded, starts nothing again. --skip-models or
--skip-terraform leave one side out.

Exit status: 0 when every environment is clean, 1 when any drifted
(Terraform or model drift past its threshold), 3 when Terraform or a
workspace failed in any (an environment that could not be checked is not
reported clean).`,
		Example: `  brickops drift
  brickops drift --env prod --output json
  brickops drift --env prod --issue --init --init-arg=-backend-config=backend.hcl
  brickops drift --env prod --skip-terraform --retrain`,
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
		if skipTF && skipModels {
			return exitcode.Invalidf("--skip-terraform and --skip-models leave nothing to check")
		}
		if retrain && skipModels {
			return exitcode.Invalidf("--retrain acts on model drift, which --skip-models leaves out")
		}
		var repo *github.Repo
		if issue || retrain {
			if repo, err = githubRepo(); err != nil {
				return err
			}
		}
		type envJSON struct {
			*drift.Result
			Env   string `json:"env"`
			Error string `json:"error,omitempty"`
			Issue string `json:"issue,omitempty"`
			// Models are the model drift findings (a field added in version 1).
			Models []*drift.ModelResult `json:"model_drift"`
		}
		doc := struct {
			Drifted      bool      `json:"drifted"`
			ModelDrifted bool      `json:"model_drifted"`
			Failed       bool      `json:"failed"`
			Environments []envJSON `json:"environments"`
		}{Environments: []envJSON{}}
		var worst error
		fail := func(err error) {
			doc.Failed = true
			if worst == nil || exitcode.Of(err) > exitcode.Of(worst) {
				worst = err
			}
		}
		ws := workspaces(cmd.ErrOrStderr())
		sources := observers(ws)
		var modelDrifted []string
		for _, env := range envs {
			item := envJSON{Env: env, Models: []*drift.ModelResult{}}
			if !skipModels {
				found, err := modelDrift(cmd, cfg, env, sources, ws, repo, retrain, format.JSON())
				item.Models = append(item.Models, found...)
				for _, m := range found {
					if m.Drifted {
						doc.ModelDrifted = true
						modelDrifted = append(modelDrifted, m.Model+" in "+env)
					}
				}
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: model drift: %v\n", env, err)
					item.Error = err.Error()
					fail(err)
				}
			}
			if skipTF {
				doc.Environments = append(doc.Environments, item)
				continue
			}
			res, err := drift.Check(cmd.Context(), opts, env)
			if err != nil {
				// Terraform's lines go to stderr as they come; the exit status
				// and the closing line say which environments failed.
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", env, err)
				item.Error = strings.TrimPrefix(item.Error+"; "+err.Error(), "; ")
				doc.Environments = append(doc.Environments, item)
				fail(err)
				continue
			}
			if !format.JSON() {
				fmt.Fprint(cmd.OutOrStdout(), res.Markdown())
			}
			if err := appendStepSummary([]byte(res.Markdown())); err != nil {
				return err
			}
			doc.Drifted = doc.Drifted || res.Drifted
			item.Result = res
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
			case e.Result != nil && e.Drifted:
				drifted = append(drifted, e.Env)
			}
		}
		switch {
		case worst != nil && exitcode.Of(worst) == exitcode.BadInput:
			return exitcode.Invalidf("could not check %v (see above); drift in %v; model drift: %v", failed, drifted, modelDrifted)
		case worst != nil:
			return exitcode.Failedf("could not check %v (see above); drift in %v; model drift: %v", failed, drifted, modelDrifted)
		case len(drifted) > 0 || len(modelDrifted) > 0:
			return exitcode.Refusedf("drift in %v; model drift: %v", drifted, modelDrifted)
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
	f.BoolVar(&retrain, "retrain", false, "start the retraining job of every model whose drift passes gates.monitor.max_drift, recording it in a GitHub issue")
	f.BoolVar(&skipTF, "skip-terraform", false, "leave out Terraform drift (terraform plan)")
	f.BoolVar(&skipModels, "skip-models", false, "leave out model drift (the monitors of the models' serving endpoints)")
	return cmd
}

// modelDrift checks every model of brickops.yaml in envName and, with
// retrain, starts the retraining of those that drifted. It returns what it
// found even when a later model fails.
func modelDrift(cmd *cobra.Command, cfg *config.File, envName string, sources func(config.Environment) (observe.Source, error),
	ws func(config.Environment) (*databricks.WorkspaceClient, error), repo *github.Repo, retrain, quiet bool) ([]*drift.ModelResult, error) {
	env, _, err := cfg.Environment(envName)
	if err != nil || len(cfg.Models) == 0 || env.Gates.Monitor == nil {
		// Model drift is read where gates.monitor sets its threshold: an
		// environment without one (or only Terraform knows) is not read.
		return nil, nil
	}
	src, err := sources(env)
	if err != nil {
		return nil, err
	}
	var out []*drift.ModelResult
	for _, m := range cfg.Models {
		r, err := drift.CheckModel(cmd.Context(), src, env, m)
		if err != nil {
			return out, err
		}
		if retrain && r.Drifted {
			trainEnv := cfg.Environments[0]
			w, err := ws(trainEnv)
			if err != nil {
				return out, err
			}
			if err := (drift.Retrainer{W: w, Repo: *repo}).Retrain(cmd.Context(), r, m.RetrainJobOrDefault(trainEnv)); err != nil {
				return append(out, r), err
			}
		}
		out = append(out, r)
		if !quiet {
			fmt.Fprint(cmd.OutOrStdout(), r.Markdown())
			if rt := r.Retrain; rt != nil && rt.Issue != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "Recorded in %s\n", rt.Issue)
			}
		}
		if err := appendStepSummary([]byte(r.Markdown())); err != nil {
			return out, err
		}
	}
	return out, nil
}
