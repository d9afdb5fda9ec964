package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
)

func newEmulatorSeedCmd() *cobra.Command {
	var (
		host, token string
		spec        seed.Spec
		metrics     []string
	)
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Log a training run and register a READY model version, as a training job would",
		Long: `Creates (or reuses) an MLflow experiment, logs a finished run with the given
parameters and metrics, creates the catalog, schema and registered model when
missing, registers a version from the run, tags it and waits until it is READY.

With --no-register it only logs the run and prints its id, for Terraform to
register the version itself (brickops_model_version with
source = "runs:/<run id>/model" and run_id = "<run id>").

It talks to the API over HTTP like any client: --host and --token default to
DATABRICKS_HOST and DATABRICKS_TOKEN, then to a local emulator.`,
		Example: `  brickops emulator seed --model dev.ml.churn --metric auc=0.91 --param max_depth=6 --tag validated=true
  brickops emulator seed --model dev.ml.churn --metric auc=0.91 --no-register`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if spec.Metrics, err = parseMetrics(metrics); err != nil {
				return exitcode.Invalid(err)
			}
			w, err := client.Workspace(client.Isolated(host, token), client.Progress(cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			res, err := seed.Run(cmd.Context(), w, spec)
			if err != nil {
				return fmt.Errorf("seeding %s: %w", spec.Model, err)
			}
			if res.Version == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "experiment %s, run %s: logged, not registered (register it from runs:/%s/model)\n",
					res.ExperimentID, res.RunID, res.RunID)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "experiment %s, run %s: registered %s version %s (%s)\n",
				res.ExperimentID, res.RunID, res.Version.Name, res.Version.Version, res.Version.Status)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&host, "host", envOr("DATABRICKS_HOST", "http://127.0.0.1:8470"), "workspace URL")
	f.StringVar(&token, "token", envOr("DATABRICKS_TOKEN", emulator.DefaultToken), "personal access token")
	f.StringVar(&spec.Model, "model", "", "registered model, <catalog>.<schema>.<model> (required)")
	f.StringVar(&spec.Experiment, "experiment", "", "MLflow experiment path (default /Shared/brickops/<model>)")
	f.StringVar(&spec.RunName, "run-name", "", "name of the run")
	f.StringVar(&spec.Description, "description", "", "description of the version")
	f.StringToStringVar(&spec.Params, "param", nil, "run parameter key=value (repeatable)")
	f.StringArrayVar(&metrics, "metric", nil, "final metric value key=number (repeatable)")
	f.StringToStringVar(&spec.Tags, "tag", nil, "version tag key=value (repeatable)")
	f.DurationVar(&spec.Timeout, "timeout", time.Minute, "how long to wait for the version to be READY")
	f.BoolVar(&spec.NoRegister, "no-register", false, "only log the run (and print its id); register no version")
	_ = cmd.MarkFlagRequired("model")
	return cmd
}

func parseMetrics(pairs []string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		n, err := strconv.ParseFloat(v, 64)
		if !ok || k == "" || err != nil {
			return nil, fmt.Errorf("--metric %q: want key=number", p)
		}
		out[k] = n
	}
	return out, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
