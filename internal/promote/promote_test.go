package promote_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/catalog"
	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/config"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/promote"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/ucregistry"
)

const brickopsYAML = `
environments:
  dev: {catalog: dev}
  staging:
    catalog: staging
    approvals: 1
    reviewers: [alice, acme/ml-reviewers]
    gates:
      tags: {validation_status: passed}
      metrics: ["val_auc >= 0.80"]
  prod:
    catalog: prod
    approvals: 2
    reviewers: [acme/ml-platform]
    gates:
      metrics: ["val_auc >= 0.80"]
      beat_champion: {metric: val_auc}
models:
  churn: {schema: ml}
`

// world is an emulator with a dev model trained twice, empty staging and
// prod models, and a GitHub repository holding the MLOps repo.
type world struct {
	emu      *emulatortest.Emulator
	w        *databricks.WorkspaceClient
	gh       *gh.Client
	repo     github.Repo
	promoter *promote.Promoter
}

func newWorld(t *testing.T) *world {
	t.Helper()
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	for _, v := range []struct {
		auc float64
		tag string
	}{{0.82, "passed"}, {0.86, "passed"}, {0.91, "failed"}} {
		if _, err := seed.Run(ctx, w, seed.Spec{Model: "dev.ml.churn", Metrics: map[string]float64{"val_auc": v.auc}, Tags: map[string]string{"validation_status": v.tag}}); err != nil {
			t.Fatalf("seeding: %v", err)
		}
	}
	for _, cat := range []string{"staging", "prod"} {
		must(t, func() error { _, err := w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: cat}); return err })
		must(t, func() error {
			_, err := w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: cat, Name: "ml"})
			return err
		})
		must(t, func() error {
			_, err := w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: cat, SchemaName: "ml", Name: "churn"})
			return err
		})
	}
	emu.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"})
	pushFiles(t, emu, "main", map[string]string{"brickops.yaml": brickopsYAML, "README.md": "mlops"})
	emu.Do(t, "PUT", "/_emulator/github/orgs/acme/teams/ml-reviewers", map[string]any{"members": []string{"bob"}}, nil)
	emu.Do(t, "PUT", "/_emulator/github/orgs/acme/teams/ml-platform", map[string]any{"members": []string{"carol", "dan"}}, nil)

	c := githubClientFor(t, emu)
	cfg, err := config.Parse([]byte(brickopsYAML))
	if err != nil {
		t.Fatal(err)
	}
	repo := github.Repo{Client: c, Owner: "acme", Name: "mlops"}
	reg, err := promote.NewWorkspaceRegistry(w)
	if err != nil {
		t.Fatal(err)
	}
	return &world{emu: emu, w: w, gh: c, repo: repo, promoter: &promote.Promoter{
		Config:   cfg,
		Registry: func(config.Environment) (promote.Registry, error) { return reg, nil },
		Pins:     &promote.GitHubPins{Repo: repo},
	}}
}

func must(t *testing.T, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
}

func pushFiles(t *testing.T, emu *emulatortest.Emulator, branch string, files map[string]string) {
	t.Helper()
	body := emulator.GitHubPush{Branch: branch, Message: "push", Files: map[string]*string{}}
	for k, v := range files {
		body.Files[k] = &v
	}
	if status := emu.Do(t, "POST", "/_emulator/github/repos/acme/mlops/commits", body, nil); status != http.StatusOK {
		t.Fatalf("push: %d", status)
	}
}

func (wd *world) review(t *testing.T, pr int, user, state string) {
	t.Helper()
	if status := wd.emu.Do(t, "POST", "/_emulator/github/repos/acme/mlops/pulls/"+strconv.Itoa(pr)+"/reviews", emulator.GitHubReviewSeed{User: user, State: state}, nil); status != http.StatusOK {
		t.Fatalf("review: %d", status)
	}
}

func (wd *world) merge(t *testing.T, pr int) {
	t.Helper()
	if _, _, err := wd.gh.PullRequests.Merge(context.Background(), "acme", "mlops", pr, "", nil); err != nil {
		t.Fatal(err)
	}
}

// apply does what Terraform does with the pin: brickops_model_version
// copies the source version (with lineage tags) and brickops_model_alias
// points the alias at the copy.
func (wd *world) apply(t *testing.T, env, from string, sourceVersion int) {
	t.Helper()
	ctx := context.Background()
	reg, _ := ucregistry.New(wd.w)
	src, err := reg.Get(ctx, from+".ml.churn", strconv.Itoa(sourceVersion))
	if err != nil {
		t.Fatal(err)
	}
	mv, err := reg.Register(ctx, ucregistry.CreateRequest{Name: env + ".ml.churn", Source: "models:/" + src.Name + "/" + src.Version, RunID: src.RunID,
		Tags: []ucregistry.Tag{{Key: promote.LineageSourceVersion, Value: src.Version}, {Key: "validation_status", Value: src.TagMap()["validation_status"]}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wd.w.RegisteredModels.SetAlias(ctx, catalog.SetRegisteredModelAliasRequest{FullName: env + ".ml.churn", Alias: "champion", VersionNum: mv.VersionNumber()}); err != nil {
		t.Fatal(err)
	}
}

func TestPromotion_devToStagingToProdAndBack(t *testing.T) {
	wd := newWorld(t)
	ctx := context.Background()

	// dev → staging: version 1 passes the gates, a PR is opened with the evidence.
	res, err := wd.promoter.Promote(ctx, promote.Request{Model: "churn", To: "staging", Version: 1})
	if err != nil {
		t.Fatalf("promote to staging: %v", err)
	}
	if !strings.Contains(res.Where, "/pull/1") {
		t.Errorf("where = %q", res.Where)
	}
	pr, err := wd.repo.PullRequest(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if pr.GetTitle() != "Promote churn version 1 to staging" || !strings.Contains(pr.GetBody(), "| `val_auc >= 0.8` | ✅ pass | val_auc = 0.82") {
		t.Errorf("PR title %q body:\n%s", pr.GetTitle(), pr.GetBody())
	}
	pinned, _, err := wd.repo.File(ctx, "environments/staging/models.auto.tfvars.json", pr.GetHead().GetRef())
	if err != nil || !strings.Contains(string(pinned), `"version": 1`) {
		t.Errorf("pin on the branch: %s %v", pinned, err)
	}

	// The gate fails without approval, passes after an allowed reviewer approves.
	report, err := wd.promoter.Gate(ctx, wd.repo, "staging", 1)
	if err != nil {
		t.Fatal(err)
	}
	if report.Passed() || !strings.Contains(report.Approval.Detail, "0 of 1") {
		t.Errorf("gate without approval: %s", report.Text())
	}
	wd.review(t, 1, "mallory", "APPROVED")
	wd.review(t, 1, "bob", "APPROVED") // bob is in acme/ml-reviewers
	report, err = wd.promoter.Gate(ctx, wd.repo, "staging", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !report.Passed() || len(report.Models) != 1 || report.Models[0].Candidate.Version != 1 {
		t.Errorf("gate after bob's approval:\n%s", report.Text())
	}
	if !strings.Contains(report.Approval.Detail, "approval by mallory does not count") {
		t.Errorf("mallory's approval counted or went unmentioned: %s", report.Approval.Detail)
	}
	// A push after approval invalidates it.
	pushFiles(t, wd.emu, pr.GetHead().GetRef(), map[string]string{"notes.md": "late change"})
	report, _ = wd.promoter.Gate(ctx, wd.repo, "staging", 1)
	if report.Passed() || !strings.Contains(report.Approval.Detail, "predates the latest commit") {
		t.Errorf("gate after a push: %s", report.Text())
	}
	wd.review(t, 1, "bob", "APPROVED")
	wd.merge(t, 1)
	wd.apply(t, "staging", "dev", 1)

	// staging → prod needs two approvals from acme/ml-platform.
	if _, err := wd.promoter.Promote(ctx, promote.Request{Model: "churn", To: "prod"}); err != nil {
		t.Fatalf("promote to prod: %v", err)
	}
	wd.review(t, 2, "carol", "APPROVED")
	report, _ = wd.promoter.Gate(ctx, wd.repo, "prod", 2)
	if report.Passed() || !strings.Contains(report.Approval.Detail, "1 of 2 (carol)") {
		t.Errorf("prod gate with one approval: %s", report.Text())
	}
	wd.review(t, 2, "dan", "APPROVED")
	report, _ = wd.promoter.Gate(ctx, wd.repo, "prod", 2)
	if !report.Passed() {
		t.Errorf("prod gate with two approvals:\n%s", report.Text())
	}
	wd.merge(t, 2)
	wd.apply(t, "prod", "staging", 1)

	// A better model goes through staging and prod.
	for i, env := range []string{"staging", "prod"} {
		from := map[string]string{"staging": "dev", "prod": "staging"}[env]
		version := map[string]int{"staging": 2, "prod": 2}[env]
		if _, err := wd.promoter.Promote(ctx, promote.Request{Model: "churn", To: env, Version: version}); err != nil {
			t.Fatalf("second promotion to %s: %v", env, err)
		}
		n := 3 + i
		for _, u := range map[string][]string{"staging": {"alice"}, "prod": {"carol", "dan"}}[env] {
			wd.review(t, n, u, "APPROVED")
		}
		if report, err := wd.promoter.Gate(ctx, wd.repo, env, n); err != nil || !report.Passed() {
			t.Fatalf("gate for %s: %v\n%v", env, err, report)
		}
		wd.merge(t, n)
		wd.apply(t, env, from, version)
	}
	rows, err := wd.promoter.Status(ctx, "prod")
	if err != nil || len(rows) != 1 || rows[0].Pinned.Version != 2 || rows[0].LiveSource != 2 || rows[0].Drift != "" {
		t.Errorf("status: %+v %v", rows, err)
	}

	// Roll prod back to the previous champion (staging version 1).
	res, err = wd.promoter.Rollback(ctx, "churn", "prod", "")
	if err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if res.Evidence.Candidate.Version != 1 || !strings.Contains(res.Where, "/pull/5") {
		t.Errorf("rollback candidate %d at %s", res.Evidence.Candidate.Version, res.Where)
	}
	report, _ = wd.promoter.Gate(ctx, wd.repo, "prod", 5)
	if report.Passed() || !strings.Contains(report.Approval.Detail, "0 of 2") {
		t.Errorf("rollback must still need approvals: %s", report.Text())
	}
}

// Each refusal is specific, and nothing is left behind: no branch, no PR.
func TestPromotion_badInput(t *testing.T) {
	wd := newWorld(t)
	ctx := context.Background()
	cases := map[string]struct {
		req  promote.Request
		want string
	}{
		"unknown model":       {promote.Request{Model: "fraud", To: "staging"}, `unknown model "fraud"`},
		"unknown environment": {promote.Request{Model: "churn", To: "qa"}, `unknown environment "qa"`},
		"first environment":   {promote.Request{Model: "churn", To: "dev"}, `"dev" is the first one`},
		"no such version":     {promote.Request{Model: "churn", To: "staging", Version: 9}, "model version dev.ml.churn/9 does not exist (latest is 3)"},
		"no such alias":       {promote.Request{Model: "churn", To: "staging", FromAlias: "best"}, `dev.ml.churn has no alias "best"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := wd.promoter.Promote(ctx, tc.req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// A version whose validation failed: evidence, ErrGatesFailed, no PR.
	res, err := wd.promoter.Promote(ctx, promote.Request{Model: "churn", To: "staging", Version: 3})
	if !errors.Is(err, promote.ErrGatesFailed) || res == nil || !strings.Contains(res.Evidence.Markdown(), `the version's tag validation_status is "failed"`) {
		t.Errorf("failing gates: %v", err)
	}
	pulls, _, _ := wd.gh.PullRequests.List(ctx, "acme", "mlops", &gh.PullRequestListOptions{State: "all"})
	if len(pulls) != 0 {
		t.Errorf("%d pull requests left behind", len(pulls))
	}
	if _, _, err := wd.gh.Git.GetRef(ctx, "acme", "mlops", "heads/brickops/promote-churn-staging-v3"); err == nil {
		t.Error("a branch was left behind")
	}

	// A pin file edited by hand into invalid JSON.
	pushFiles(t, wd.emu, "main", map[string]string{"environments/staging/models.auto.tfvars.json": `{"models": {"churn": {"version": 1,}}}`})
	_, err = wd.promoter.Promote(ctx, promote.Request{Model: "churn", To: "staging", Version: 1})
	if err == nil || !strings.Contains(err.Error(), "environments/staging/models.auto.tfvars.json") || !strings.Contains(err.Error(), "invalid JSON at line 1") {
		t.Errorf("invalid pin file: %v", err)
	}

	// A reviewer team that does not exist fails the gate with its name.
	cfg, _ := config.Parse([]byte(strings.Replace(brickopsYAML, "acme/ml-platform", "acme/ghosts", 1)))
	p := *wd.promoter
	p.Config = cfg
	pushFiles(t, wd.emu, "main", map[string]string{"environments/staging/models.auto.tfvars.json": `{"models": {}}`})
	pushFiles(t, wd.emu, "promote-x", map[string]string{"environments/prod/models.auto.tfvars.json": `{"models": {"churn": {"version": 1}}}`})
	pr, _, err := wd.gh.PullRequests.Create(ctx, "acme", "mlops", &gh.NewPullRequest{Title: gh.String("x"), Head: gh.String("promote-x"), Base: gh.String("main")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Gate(ctx, wd.repo, "prod", pr.GetNumber()); err == nil || !strings.Contains(err.Error(), "reviewer team acme/ghosts does not exist") {
		t.Errorf("missing team: %v", err)
	}
}

func githubClientFor(t *testing.T, emu *emulatortest.Emulator) *gh.Client {
	t.Helper()
	c := gh.NewClient(nil).WithAuthToken(emu.Token)
	u, err := url.Parse(emu.GitHubAPIURL())
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = u
	return c
}

// Without reviewers in brickops.yaml, the gate takes the environment's
// reviewers from CODEOWNERS on the base branch.
func TestPromotion_reviewersFromCodeOwners(t *testing.T) {
	wd := newWorld(t)
	ctx := context.Background()
	cfg, err := config.Parse([]byte(strings.Replace(brickopsYAML, "    reviewers: [alice, acme/ml-reviewers]\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	p := *wd.promoter
	p.Config = cfg
	if _, err := p.Promote(ctx, promote.Request{Model: "churn", To: "staging", Version: 1}); err != nil {
		t.Fatal(err)
	}
	wd.review(t, 1, "erin", "APPROVED")
	if _, err := p.Gate(ctx, wd.repo, "staging", 1); err == nil || !strings.Contains(err.Error(), "names no reviewers: list them under environments.staging.reviewers in brickops.yaml, or give environments/staging/models.auto.tfvars.json an owner in CODEOWNERS") {
		t.Errorf("no reviewers anywhere: %v", err)
	}
	// CODEOWNERS lands on main; the pull request's base is still the old
	// main, so the gate reads it only for pull requests opened after.
	pushFiles(t, wd.emu, "main", map[string]string{".github/CODEOWNERS": "* @acme/platform\n/environments/staging/ @erin\n"})
	if _, err := p.Promote(ctx, promote.Request{Model: "churn", To: "staging", Version: 2}); err != nil {
		t.Fatal(err)
	}
	wd.review(t, 2, "erin", "APPROVED")
	report, err := p.Gate(ctx, wd.repo, "staging", 2)
	if err != nil || !report.Passed() || report.Approval.Gate != "1 approval(s) from erin" {
		t.Errorf("gate with CODEOWNERS: %v\n%v", err, report)
	}
}
