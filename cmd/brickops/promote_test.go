package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/exitcode"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
)

const cliBrickopsYAML = `environments:
  dev: {catalog: dev}
  staging:
    catalog: staging
    approvals: 1
    reviewers: [alice]
    gates:
      metrics: ["val_auc >= 0.80"]
models:
  churn: {schema: ml}
`

// promotionEnv starts an emulator with dev.ml.churn v1 (val_auc 0.84) and
// v2 (0.70), an empty staging model, and points the CLI at it.
func promotionEnv(t *testing.T) (*emulatortest.Emulator, string) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	for _, auc := range []float64{0.84, 0.70} {
		if _, err := seed.Run(ctx, w, seed.Spec{Model: "dev.ml.churn", Metrics: map[string]float64{"val_auc": auc}}); err != nil {
			t.Fatal(err)
		}
	}
	w.Catalogs.Create(ctx, catalog.CreateCatalog{Name: "staging"})
	w.Schemas.Create(ctx, catalog.CreateSchema{CatalogName: "staging", Name: "ml"})
	w.RegisteredModels.Create(ctx, catalog.CreateRegisteredModelRequest{CatalogName: "staging", SchemaName: "ml", Name: "churn"})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "brickops.yaml"), []byte(cliBrickopsYAML), 0o644)
	for k, v := range map[string]string{"DATABRICKS_HOST": emu.URL, "DATABRICKS_TOKEN": emu.Token, "DATABRICKS_AUTH_TYPE": "pat",
		"DATABRICKS_CONFIG_FILE": os.DevNull, "GITHUB_ACTIONS": "", "GITHUB_TOKEN": emu.Token, "GITHUB_REPOSITORY": "acme/mlops",
		"GITHUB_API_URL": emu.GitHubAPIURL(), "GITHUB_EVENT_PATH": "", "GITHUB_STEP_SUMMARY": ""} {
		t.Setenv(k, v)
	}
	return emu, dir
}

func TestPromoteCmd_localEditAndRefusal(t *testing.T) {
	_, dir := promotionEnv(t)
	cfg := filepath.Join(dir, "brickops.yaml")
	out, err := runCLI(t, "promote", "churn", "--to", "staging", "--version", "1", "--config", cfg, "--repo-dir", dir)
	if err != nil {
		t.Fatalf("promote: %v\n%s", err, out)
	}
	pin, _ := os.ReadFile(filepath.Join(dir, "environments", "staging", "models.auto.tfvars.json"))
	if !strings.Contains(string(pin), `"version": 1`) || !strings.Contains(out, "Proposed: "+filepath.Join(dir, "environments", "staging", "models.auto.tfvars.json")) {
		t.Errorf("pin %s\noutput:\n%s", pin, out)
	}
	out, err = runCLI(t, "promote", "churn", "--to", "staging", "--version", "2", "--config", cfg, "--repo-dir", dir)
	if err == nil || exitcode.Of(err) != 1 || !strings.Contains(err.Error(), "validation gates failed (see above); nothing was proposed") ||
		!strings.Contains(out, "val_auc = 0.7 in run") {
		t.Errorf("failing gate: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "promote", "churn", "--config", cfg); err == nil || exitcode.Of(err) != 2 || !strings.Contains(err.Error(), "--to is required") {
		t.Errorf("missing --to: %v", err)
	}
	if _, err := runCLI(t, "promote", "churn", "--to", "staging", "--strategy", "yolo", "--config", cfg); err == nil || exitcode.Of(err) != 2 {
		t.Errorf("bad strategy: %v", err)
	}
}

func TestPromoteCmd_pullRequestThenGate(t *testing.T) {
	emu, dir := promotionEnv(t)
	emu.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"})
	readme := "repo"
	emu.Do(t, "POST", "/_emulator/github/repos/acme/mlops/commits", emulator.GitHubPush{Message: "init", Files: map[string]*string{"README.md": &readme}}, nil)
	cfg := filepath.Join(dir, "brickops.yaml")
	out, err := runCLI(t, "promote", "churn", "--to", "staging", "--version", "1", "--open-pr", "--config", cfg)
	if err != nil || !strings.Contains(out, "/pull/1") {
		t.Fatalf("promote --open-pr: %v\n%s", err, out)
	}
	out, err = runCLI(t, "gate", "--env", "staging", "--pr", "1", "--config", cfg)
	if err == nil || !strings.Contains(out, "FAIL  1 approval(s) from alice — 0 of 1") {
		t.Errorf("gate without approval: %v\n%s", err, out)
	}
	emu.Do(t, "POST", "/_emulator/github/repos/acme/mlops/pulls/1/reviews", emulator.GitHubReviewSeed{User: "alice", State: "APPROVED"}, nil)
	out, err = runCLI(t, "gate", "--env", "staging", "--pr", "1", "--config", cfg)
	if err != nil || !strings.Contains(out, "PASS  churn v1: val_auc >= 0.8") {
		t.Errorf("gate after approval: %v\n%s", err, out)
	}
	var comments []map[string]any
	emu.Do(t, "GET", "/github/repos/acme/mlops/issues/1/comments", nil, &comments)
	if len(comments) != 1 || !strings.Contains(comments[0]["body"].(string), "BrickOps gate: staging — ✅ may be applied") {
		t.Errorf("gate comment not upserted once: %d comments", len(comments))
	}
}

func TestConfigValidateCmd(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte(cliBrickopsYAML), 0o644)
	if out, err := runCLI(t, "config", "validate", good); err != nil || !strings.Contains(out, "is valid") {
		t.Errorf("valid file: %v %s", err, out)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("environments:\n  dev:\n    catalog: dev\n    approvals: many\nmodels:\n  churn: {}\n"), 0o644)
	_, err := runCLI(t, "config", "validate", bad)
	if err == nil || exitcode.Of(err) != 1 || !strings.Contains(err.Error(), bad+": line 4: environments.dev.approvals:") || !strings.Contains(err.Error(), bad+": line 6: models.churn: missing property 'schema'") {
		t.Errorf("invalid file: %v", err)
	}
	semantic := filepath.Join(dir, "semantic.yaml")
	os.WriteFile(semantic, []byte("environments:\n  dev:\n    catalog: dev\n    gates:\n      metrics: [\"auc high\"]\n"), 0o644)
	if _, err := runCLI(t, "config", "validate", semantic); err == nil || !strings.Contains(err.Error(), `line 2: environments.dev: metric gate "auc high" must read`) {
		t.Errorf("semantic problem: %v", err)
	}
}
