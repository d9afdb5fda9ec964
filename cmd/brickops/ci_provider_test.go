package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/github"
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
	w := tftest.New(t, map[string]string{"main.tf": string(stack)})
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
		if c.Address == "brickops_cluster.training" && (c.Action != "update" || strings.Join(c.ChangedAttributes, ",") != "autotermination_minutes,custom_tags,default_tags") {
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
		"DENIED: 3 denied, 0 warning(s), 1 waived across 1 plan(s)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("policy report lacks %q:\n%s", want, text)
		}
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
