package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/seed"
	"github.com/brickops/terraform-provider-brickops/internal/tftest"
)

// TestCIFlowOnExampleStack runs the CI toolkit on plans of the example
// MLOps stack made by real Terraform with the locally built provider
// against the emulator: apply it, change it the way a careless pull request
// would, then summarize, check and comment through the emulated GitHub.
func TestCIFlowOnExampleStack(t *testing.T) {
	e, client := ciEnv(t)
	stack, err := os.ReadFile(filepath.Join("..", "..", "examples", "mlops-stack", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	trained, err := seed.Run(context.Background(), e.WorkspaceClient(t), seed.Spec{Model: "dev.ml.churn", NoRegister: true})
	if err != nil {
		t.Fatal(err)
	}
	w := tftest.New(t, map[string]string{"main.tf": string(stack), "terraform.tfvars": `training_run_id = "` + trained.RunID + "\"\n"})
	w.UseProvider(t, tftest.ProviderDir(t), e.URL, e.Token)
	w.Apply(t)

	// The pull request: auto-termination off and the owner tag dropped on
	// the training cluster, and a GPU cluster without tags.
	changed := strings.Replace(string(stack), "autotermination_minutes = 30", "autotermination_minutes = 0", 1)
	changed = strings.Replace(changed, `owner       = "ml-platform@example.com"`, "", 1)
	if changed == string(stack) {
		t.Fatal("the example stack changed shape; update this test")
	}
	changed += `
resource "brickops_cluster" "gpu" {
  cluster_name  = "dev-gpu-experiments"
  spark_version = data.brickops_spark_version.ml.id
  node_type_id  = "Standard_NC6s_v3"
  num_workers   = 1
}
`
	w.Write(t, map[string]string{"main.tf": changed})
	plan := w.PlanJSON(t, "dev/plan.json")

	out, stderr, code := run(t, "", "plan", "summarize", plan, "--output", "json")
	if code != 0 {
		t.Fatalf("summarize: %s", stderr)
	}
	var summary struct {
		Environments []struct {
			Env    string `json:"env"`
			Add    int    `json:"add"`
			Change int    `json:"change"`
			ByType []struct {
				Type    string `json:"type"`
				Changes []struct {
					Address           string   `json:"address"`
					Action            string   `json:"action"`
					ChangedAttributes []string `json:"changed_attributes"`
				} `json:"changes"`
			} `json:"by_type"`
		} `json:"environments"`
	}
	if err := json.Unmarshal([]byte(out), &summary); err != nil {
		t.Fatal(err)
	}
	env := summary.Environments[0]
	if env.Env != "dev" || env.Add != 1 || env.Change != 1 || len(env.ByType) != 1 || env.ByType[0].Type != "brickops_cluster" {
		t.Fatalf("summary: %s", out)
	}
	for _, c := range env.ByType[0].Changes {
		if c.Address == "brickops_cluster.training" && (c.Action != "update" || strings.Join(c.ChangedAttributes, ",") != "autotermination_minutes,custom_tags") {
			t.Errorf("training cluster change: %+v", c)
		}
	}

	// One waiver for the GPU node type; everything else denies.
	cfg := filepath.Join(t.TempDir(), "brickops.yaml")
	if err := os.WriteFile(cfg, []byte(`policy:
  waivers:
    - rule: BO002
      resource: brickops_cluster.gpu
      reason: GPU experiments approved by FinOps (FIN-88)
      expires: 2099-12-31
`), 0o600); err != nil {
		t.Fatal(err)
	}
	text, stderr, code := run(t, "", "policy", "check", "--config", cfg, plan)
	if code != 1 {
		t.Fatalf("policy check exit %d: %s\n%s", code, stderr, text)
	}
	for _, want := range []string{
		"ERROR   [dev] BO001 brickops_cluster.training (cluster-auto-termination): autotermination_minutes is 0: the cluster never terminates when idle",
		"ERROR   [dev] BO003 brickops_cluster.gpu (cluster-required-tags): custom_tags lacks required tag(s): owner",
		"ERROR   [dev] BO003 brickops_cluster.training (cluster-required-tags): custom_tags lacks required tag(s): owner",
		`WAIVED  [dev] BO002 brickops_cluster.gpu (cluster-node-type-allowed): node_type_id "Standard_NC6s_v3" is not an allowed node type`,
		"DENIED: 3 denied, 0 warning(s), 1 waived, 0 exception(s) across 1 plan(s)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("policy report lacks %q:\n%s", want, text)
		}
	}
	// Findings point at the resource block, where code scanning can
	// annotate the pull request (the plan is in dev/, the configuration
	// one level up: --source-dir).
	sarif, _, code := run(t, "", "policy", "check", "--config", cfg, "--source-dir", w.Dir, plan, "--output", "sarif")
	if code != 1 {
		t.Fatalf("sarif exit %d", code)
	}
	gpuLine := strings.Count(changed[:strings.Index(changed, `resource "brickops_cluster" "gpu"`)], "\n") + 1
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(sarif), &log); err != nil {
		t.Fatal(err)
	}
	located := 0
	for _, r := range log.Runs[0].Results {
		loc := r.Locations[0]
		if loc.LogicalLocations[0].FullyQualifiedName == "brickops_cluster.gpu" {
			located++
			// The configuration is outside the repository here: the URI is
			// relative to a base of its own directory.
			if loc.PhysicalLocation.ArtifactLocation.URI != "main.tf" || loc.PhysicalLocation.Region.StartLine != gpuLine {
				t.Errorf("%s located at %s:%d, want main.tf:%d", r.RuleID, loc.PhysicalLocation.ArtifactLocation.URI, loc.PhysicalLocation.Region.StartLine, gpuLine)
			}
		}
	}
	if located != 2 {
		t.Errorf("%d results on the gpu cluster", located)
	}

	md, _, _ := run(t, "", "policy", "check", "--config", cfg, plan, "--output", "markdown")
	if _, stderr, code := run(t, md, "pr", "comment", "--key", "policy"); code != 0 {
		t.Fatalf("pr comment: %s", stderr)
	}

	// Tearing the stack down is loud: every cluster is a destructive change.
	destroyPlan := w.PlanJSON(t, "dev/destroy.json", "-destroy")
	summaryMD, stderr, code := run(t, "", "plan", "summarize", destroyPlan, "--env", "dev", "--output", "markdown")
	if code != 0 || !strings.Contains(summaryMD, "🔥 **delete** `brickops_cluster.training`") {
		t.Fatalf("destroy summary (%d %s):\n%s", code, stderr, summaryMD)
	}
	if _, stderr, code := run(t, summaryMD, "pr", "comment", "--key", "plan"); code != 0 {
		t.Fatalf("pr comment: %s", stderr)
	}
	comments := prComments(t, client)
	if len(comments) != 2 || !strings.HasPrefix(comments[0], github.Marker("policy")) || !strings.Contains(comments[0], "BO001") ||
		!strings.HasPrefix(comments[1], github.Marker("plan")) {
		t.Errorf("comments: %q", comments)
	}
}

// TestPolicyOnUnityCatalogPlan checks the model, grant and production
// deletion rules on a real plan of Unity Catalog resources: a model added
// without an owner, ALL_PRIVILEGES granted to every account user, and a
// production model removed from the configuration.
func TestPolicyOnUnityCatalogPlan(t *testing.T) {
	e, _ := ciEnv(t)
	const base = `
terraform {
  required_providers {
    brickops = { source = "brickops/brickops" }
  }
}

resource "brickops_catalog" "prod" {
  name  = "prod"
  owner = "ml-platform-admins"
}

resource "brickops_schema" "ml" {
  catalog_name = brickops_catalog.prod.name
  name         = "ml"
}

resource "brickops_registered_model" "churn" {
  catalog_name = brickops_catalog.prod.name
  schema_name  = brickops_schema.ml.name
  name         = "churn"
  owner        = "ml-platform-admins"
}
`
	w := tftest.New(t, map[string]string{"main.tf": base + `
resource "brickops_registered_model" "fraud" {
  catalog_name = brickops_catalog.prod.name
  schema_name  = brickops_schema.ml.name
  name         = "fraud"
  owner        = "ml-platform-admins"
}

resource "brickops_grants" "prod" {
  catalog = brickops_catalog.prod.name
  grant {
    principal  = "data-scientists"
    privileges = ["USE_CATALOG"]
  }
}
`})
	w.UseProvider(t, tftest.ProviderDir(t), e.URL, e.Token)
	w.Apply(t)
	w.Write(t, map[string]string{"main.tf": base + `
resource "brickops_registered_model" "ltv" {
  catalog_name = brickops_catalog.prod.name
  schema_name  = brickops_schema.ml.name
  name         = "ltv"
}

resource "brickops_grants" "prod" {
  catalog = brickops_catalog.prod.name
  grant {
    principal  = "data-scientists"
    privileges = ["USE_CATALOG"]
  }
  grant {
    principal  = "account users"
    privileges = ["ALL_PRIVILEGES"]
  }
}
`})
	plan := w.PlanJSON(t, "prod.json")

	out, stderr, code := run(t, "", "policy", "check", plan, "--output", "json")
	if code != 1 {
		t.Fatalf("policy check exit %d: %s\n%s", code, stderr, out)
	}
	var report struct {
		Findings []struct {
			RuleID  string `json:"rule_id"`
			Address string `json:"address"`
			Message string `json:"message"`
			File    string `json:"file"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range report.Findings {
		got = append(got, f.RuleID+" "+f.Address+": "+f.Message)
	}
	want := []string{
		"BO005 brickops_registered_model.ltv: owner is not set: the model would be owned by whoever runs Terraform",
		`BO009 brickops_grants.prod: grants ALL_PRIVILEGES to "account users"`,
		"BO010 brickops_registered_model.fraud: the plan deletes production registered_model prod.ml.fraud",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The plan sits beside main.tf: findings on resources still in the
	// configuration are located there.
	for _, f := range report.Findings {
		if f.RuleID == "BO009" && !strings.HasSuffix(f.File, "main.tf") {
			t.Errorf("BO009 not located in main.tf: %q", f.File)
		}
	}

	// The same plan in a non-production environment: the deletion is
	// allowed there.
	out, _, _ = run(t, "", "policy", "check", "dev="+plan)
	if strings.Contains(out, "BO010") || !strings.Contains(out, "BO009") {
		t.Errorf("dev report:\n%s", out)
	}
}
