package main

import (
	"io"
	"os"
	"strings"
	"sync"

	"github.com/databricks/databricks-sdk-go"
	"github.com/spf13/cobra"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/observe"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
)

// promotionFlags are shared by promote, gate, rollback and status.
type promotionFlags struct {
	configPath string
	repoDir    string
	openPR     bool
	// cmd is the command the flags belong to; its stderr gets retry progress.
	cmd *cobra.Command
}

func (f *promotionFlags) register(cmd *cobra.Command, withOpenPR bool) {
	f.cmd = cmd
	cmd.Flags().StringVar(&f.configPath, "config", "", "brickops.yaml to read (default: found in the working directory or the nearest parent)")
	cmd.Flags().StringVar(&f.repoDir, "repo-dir", "", "root of the MLOps repository checkout, where pin files live under environments/ (default: brickops.yaml's directory)")
	if withOpenPR {
		inActions := os.Getenv("GITHUB_ACTIONS") == "true"
		cmd.Flags().BoolVar(&f.openPR, "open-pr", inActions, "propose the change as a pull request through the GitHub API (default in GitHub Actions); otherwise edit the pin file locally")
	}
}

// promoter wires a Promoter: workspaces through the Databricks SDK's
// unified auth (one client per distinct host), pins locally or on GitHub.
func (f *promotionFlags) promoter(useGitHub bool) (*promote.Promoter, *github.Repo, error) {
	cfg, err := config.Load(f.configPath)
	if err != nil {
		return nil, nil, err
	}
	root := f.repoDir
	if root == "" {
		root = cfg.Dir()
	}
	ws := workspaces(f.cmd.ErrOrStderr())
	p := &promote.Promoter{Config: cfg, Registry: registries(ws), Observe: observers(ws), Pins: promote.LocalPins{Root: root}}
	if !useGitHub {
		return p, nil, nil
	}
	repo, err := githubRepo()
	if err != nil {
		return nil, nil, err
	}
	p.Pins = &promote.GitHubPins{Repo: *repo}
	return p, repo, nil
}

// githubRepo is the repository GITHUB_REPOSITORY names, through the
// GitHub API GITHUB_API_URL points at.
func githubRepo() (*github.Repo, error) {
	env, err := github.EnvFrom(os.Getenv)
	if err != nil {
		return nil, exitcode.Invalid(err)
	}
	c, err := github.NewClient(env, nil)
	if err != nil {
		return nil, exitcode.Invalid(err)
	}
	return &github.Repo{Client: c, Owner: env.Owner, Name: env.Repo}, nil
}

// workspaces opens each environment's workspace once per host; retries
// past the first are reported on stderr.
func workspaces(stderr io.Writer) func(config.Environment) (*databricks.WorkspaceClient, error) {
	var mu sync.Mutex
	byHost := map[string]*databricks.WorkspaceClient{}
	return func(env config.Environment) (*databricks.WorkspaceClient, error) {
		host, err := resolveHost(env)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		if w, ok := byHost[host]; ok {
			return w, nil
		}
		w, err := client.Workspace(&databricks.Config{Host: host}, client.Progress(stderr))
		if err != nil {
			return nil, err
		}
		byHost[host] = w
		return w, nil
	}
}

// registries reads model versions from each environment's workspace.
func registries(ws func(config.Environment) (*databricks.WorkspaceClient, error)) func(config.Environment) (promote.Registry, error) {
	return func(env config.Environment) (promote.Registry, error) {
		w, err := ws(env)
		if err != nil {
			return nil, err
		}
		return promote.NewWorkspaceRegistry(w)
	}
}

// observers read each environment's inference and monitor tables on its
// SQL warehouse, one reader per workspace and warehouse.
func observers(ws func(config.Environment) (*databricks.WorkspaceClient, error)) func(config.Environment) (observe.Source, error) {
	var mu sync.Mutex
	cache := map[string]*observe.Warehouse{}
	return func(env config.Environment) (observe.Source, error) {
		w, err := ws(env)
		if err != nil {
			return nil, err
		}
		wh, err := expandVar(env.Warehouse, "environment "+env.Name+" takes its warehouse")
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		key := w.Config.Host + "\x00" + wh
		if o, ok := cache[key]; ok {
			return o, nil
		}
		o := observe.NewWarehouse(w, wh, "mlops-"+env.Name)
		cache[key] = o
		return o, nil
	}
}

// resolveHost reads an environment's host: a URL, ${VAR}, or empty for
// the SDK's own DATABRICKS_HOST.
func resolveHost(env config.Environment) (string, error) {
	return expandVar(env.Host, "environment "+env.Name+" takes its workspace host")
}

// expandVar reads a ${VAR} reference (or returns s as it is); what says
// who wants it, for the message when VAR is not set.
func expandVar(s, what string) (string, error) {
	if name, ok := strings.CutPrefix(s, "${"); ok && strings.HasSuffix(name, "}") {
		name = strings.TrimSuffix(name, "}")
		if s = os.Getenv(name); s == "" {
			return "", exitcode.Invalidf("%s from $%s, which is not set", what, name)
		}
	}
	return s, nil
}
