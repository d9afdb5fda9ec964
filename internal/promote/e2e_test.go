package promote_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/tftest"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

// envMainTF is an environment of the user's repository: the mlops-env
// module fed with the environment's pins (models.auto.tfvars.json).
const envMainTF = `terraform {
  required_providers {
    brickops = {
      source = "brickops/brickops"
    }
  }
}

provider "brickops" {}

variable "models" {
  description = "Pins written by brickops promote."
  type        = any
  default     = {}
}

module "mlops" {
  source         = "../../modules/mlops-env"
  environment    = %[1]q
  catalog        = %[1]q
  source_catalog = %[2]q
  model_names    = ["churn"]
  models         = var.models
  force_destroy  = true
}
`

// gitRepo is the user's MLOps repository: a local checkout that Terraform
// applies, mirrored on the emulated GitHub where promotions happen.
type gitRepo struct {
	dir string
	emu *emulatortest.Emulator
	gh  *gh.Client
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func newGitRepo(t *testing.T, emu *emulatortest.Emulator, c *gh.Client) *gitRepo {
	t.Helper()
	r := &gitRepo{dir: t.TempDir(), emu: emu, gh: c}
	files := map[string]string{"brickops.yaml": brickopsYAML}
	module := filepath.Join(repoRoot(), "templates", "files", "modules", "mlops-env")
	err := fs.WalkDir(os.DirFS(module), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(filepath.Join(module, p))
		files["modules/mlops-env/"+p] = string(raw)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for env, source := range map[string]string{"dev": "", "staging": "dev", "prod": "staging"} {
		files["environments/"+env+"/main.tf"] = fmt.Sprintf(envMainTF, env, source)
	}
	for p, content := range files {
		path := filepath.Join(r.dir, p)
		must(t, func() error { return os.MkdirAll(filepath.Dir(path), 0o755) })
		must(t, func() error { return os.WriteFile(path, []byte(content), 0o644) })
	}
	emu.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"})
	pushFiles(t, emu, "main", files)
	return r
}

// pull brings the merged pin file of env into the checkout, as `git pull` would.
func (r *gitRepo) pull(t *testing.T, env string) {
	t.Helper()
	repo := github.Repo{Client: r.gh, Owner: "acme", Name: "mlops"}
	raw, found, err := repo.File(context.Background(), "environments/"+env+"/models.auto.tfvars.json", "main")
	if err != nil || !found {
		t.Fatalf("pin file of %s on main: found=%v %v", env, found, err)
	}
	must(t, func() error { return os.WriteFile(promote.PinPath(r.dir, env), raw, 0o644) })
}

// apply runs terraform apply in env, then checks that a plan right after
// is empty (terraform plan -detailed-exitcode exits 2 on changes).
func (r *gitRepo) apply(t *testing.T, env, providerDir string) {
	t.Helper()
	w := tftest.At(t, filepath.Join(r.dir, "environments", env))
	w.UseProvider(t, providerDir, r.emu.URL, r.emu.Token)
	w.Apply(t)
	w.Run(t, "plan", "-detailed-exitcode", "-input=false", "-no-color")
}

func TestPromotion_endToEndWithTerraform(t *testing.T) {
	providerDir := tftest.ProviderDir(t)
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	c := githubClientFor(t, emu)
	repo := newGitRepo(t, emu, c)
	emu.Do(t, "PUT", "/_emulator/github/orgs/acme/teams/ml-reviewers", map[string]any{"members": []string{"bob"}}, nil)
	emu.Do(t, "PUT", "/_emulator/github/orgs/acme/teams/ml-platform", map[string]any{"members": []string{"carol", "dan"}}, nil)

	// Terraform builds the three environments; training registers in dev.
	for _, env := range []string{"dev", "staging", "prod"} {
		repo.apply(t, env, providerDir)
	}
	for _, auc := range []float64{0.82, 0.86} {
		if _, err := seed.Run(ctx, w, seed.Spec{Model: "dev.ml.churn", Metrics: map[string]float64{"val_auc": auc}, Tags: map[string]string{"validation_status": "passed"}}); err != nil {
			t.Fatal(err)
		}
	}

	cfg, err := config.Parse([]byte(brickopsYAML))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := promote.NewWorkspaceRegistry(w)
	if err != nil {
		t.Fatal(err)
	}
	ghRepo := github.Repo{Client: c, Owner: "acme", Name: "mlops"}
	p := &promote.Promoter{Config: cfg, Registry: func(config.Environment) (promote.Registry, error) { return reg, nil }, Pins: &promote.GitHubPins{Repo: ghRepo}}
	approve := func(pr int, users ...string) {
		for _, u := range users {
			emu.Do(t, "POST", fmt.Sprintf("/_emulator/github/repos/acme/mlops/pulls/%d/reviews", pr), emulator.GitHubReviewSeed{User: u, State: "APPROVED"}, nil)
		}
	}
	pr := 0
	// promoteAndApply opens the promotion PR, checks the gate refuses it
	// before approval and passes after, merges it and applies the env.
	promoteAndApply := func(req promote.Request, approvers ...string) {
		t.Helper()
		res, err := p.Promote(ctx, req)
		if err != nil {
			t.Fatalf("promote %+v: %v", req, err)
		}
		pr++
		if !strings.HasSuffix(res.Where, fmt.Sprintf("/pull/%d", pr)) {
			t.Fatalf("promotion opened %s, want PR #%d", res.Where, pr)
		}
		report, err := p.Gate(ctx, ghRepo, req.To, pr)
		if err != nil || report.Passed() {
			t.Fatalf("gate before approval passed or failed oddly: %v\n%v", err, report)
		}
		approve(pr, approvers...)
		if report, err = p.Gate(ctx, ghRepo, req.To, pr); err != nil || !report.Passed() {
			t.Fatalf("gate after approval: %v\n%s", err, report.Text())
		}
		if _, _, err := c.PullRequests.Merge(ctx, "acme", "mlops", pr, "", nil); err != nil {
			t.Fatal(err)
		}
		repo.pull(t, req.To)
		repo.apply(t, req.To, providerDir)
	}
	// champion reads which source version the env's champion was copied from.
	champion := func(env string) string {
		t.Helper()
		ucr, _ := ucregistry.New(w)
		mv, err := ucr.GetByAlias(ctx, env+".ml.churn", "champion")
		if err != nil {
			t.Fatalf("champion of %s: %v", env, err)
		}
		return mv.TagMap()[promote.LineageSourceVersion]
	}

	promoteAndApply(promote.Request{Model: "churn", To: "staging", Version: 1}, "bob")
	if got := champion("staging"); got != "1" {
		t.Errorf("staging champion copied from v%s, want v1", got)
	}
	promoteAndApply(promote.Request{Model: "churn", To: "prod"}, "carol", "dan") // staging's champion
	if got := champion("prod"); got != "1" {
		t.Errorf("prod champion copied from staging v%s, want v1", got)
	}
	promoteAndApply(promote.Request{Model: "churn", To: "staging", Version: 2}, "alice")
	promoteAndApply(promote.Request{Model: "churn", To: "prod", Version: 2}, "carol", "dan")
	if got := champion("prod"); got != "2" {
		t.Errorf("prod champion copied from staging v%s, want v2", got)
	}

	// Roll prod back: a PR re-pinning staging v1, approved and applied.
	res, err := p.Rollback(ctx, "churn", "prod", "")
	if err != nil {
		t.Fatalf("rollback: %v", err)
	}
	pr++
	if res.Evidence.Candidate.Version != 1 {
		t.Errorf("rollback candidate = v%d", res.Evidence.Candidate.Version)
	}
	approve(pr, "carol", "dan")
	if report, err := p.Gate(ctx, ghRepo, "prod", pr); err != nil || !report.Passed() {
		t.Fatalf("rollback gate: %v\n%v", err, report)
	}
	if _, _, err := c.PullRequests.Merge(ctx, "acme", "mlops", pr, "", nil); err != nil {
		t.Fatal(err)
	}
	repo.pull(t, "prod")
	repo.apply(t, "prod", providerDir)
	if got := champion("prod"); got != "1" {
		t.Errorf("after rollback prod champion copied from staging v%s, want v1", got)
	}
	rows, err := (&promote.Promoter{Config: cfg, Registry: p.Registry, Pins: promote.LocalPins{Root: repo.dir}}).Status(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if row.Drift != "" {
			t.Errorf("status reports drift for %s in %s: %s", row.Model, row.Env, row.Drift)
		}
	}
}
