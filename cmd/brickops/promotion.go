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
	p := &promote.Promoter{Config: cfg, Registry: registries(f.cmd.ErrOrStderr()), Pins: promote.LocalPins{Root: root}}
	if !useGitHub {
		return p, nil, nil
	}
	env, err := github.EnvFrom(os.Getenv)
	if err != nil {
		return nil, nil, exitcode.Invalid(err)
	}
	c, err := github.NewClient(env, nil)
	if err != nil {
		return nil, nil, exitcode.Invalid(err)
	}
	repo := github.Repo{Client: c, Owner: env.Owner, Name: env.Repo}
	p.Pins = &promote.GitHubPins{Repo: repo}
	return p, &repo, nil
}

// registries opens each environment's workspace once per host; retries
// past the first are reported on stderr.
func registries(stderr io.Writer) func(config.Environment) (promote.Registry, error) {
	var mu sync.Mutex
	byHost := map[string]promote.Registry{}
	return func(env config.Environment) (promote.Registry, error) {
		host, err := resolveHost(env)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		if r, ok := byHost[host]; ok {
			return r, nil
		}
		w, err := client.Workspace(&databricks.Config{Host: host}, client.Progress(stderr))
		if err != nil {
			return nil, err
		}
		r, err := promote.NewWorkspaceRegistry(w)
		if err != nil {
			return nil, err
		}
		byHost[host] = r
		return r, nil
	}
}

// resolveHost reads an environment's host: a URL, ${VAR}, or empty for
// the SDK's own DATABRICKS_HOST.
func resolveHost(env config.Environment) (string, error) {
	h := env.Host
	if name, ok := strings.CutPrefix(h, "${"); ok && strings.HasSuffix(name, "}") {
		name = strings.TrimSuffix(name, "}")
		if h = os.Getenv(name); h == "" {
			return "", exitcode.Invalidf("environment %s takes its workspace host from $%s, which is not set", env.Name, name)
		}
	}
	return h, nil
}
