package drift_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/compute"
	gh "github.com/google/go-github/v60/github"

	"github.com/brickops/terraform-provider-brickops/internal/drift"
	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/github"
	"github.com/brickops/terraform-provider-brickops/internal/tftest"
)

const clusterTF = `terraform {
  required_providers {
    brickops = { source = "brickops/brickops" }
  }
}

resource "brickops_cluster" "etl" {
  cluster_name  = "etl"
  spark_version = "15.4.x-scala2.12"
  node_type_id  = "Standard_DS3_v2"
  num_workers   = 1
}
`

func TestDrift_detectReportAndClose(t *testing.T) {
	emu := emulatortest.Start(t)
	root := t.TempDir()
	dir := filepath.Join(root, "environments", "prod")
	w := tftest.At(t, dir)
	w.Write(t, map[string]string{"main.tf": clusterTF})
	w.UseProvider(t, tftest.ProviderDir(t), emu.URL, emu.Token)
	w.Apply(t)
	// drift runs terraform with the process environment, as in CI.
	for _, kv := range w.Env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	ctx := context.Background()
	opts := drift.Options{Root: root, IsProd: func(env string) bool { return env == "prod" }}

	clean, err := drift.Check(ctx, opts, "prod")
	if err != nil || clean.Drifted {
		t.Fatalf("right after apply: %+v %v", clean, err)
	}

	// Someone resizes the cluster in the UI.
	sdk := emu.WorkspaceClient(t)
	clusters, err := sdk.Clusters.ListAll(ctx, compute.ListClustersRequest{})
	if err != nil || len(clusters) != 1 {
		t.Fatalf("clusters: %v %v", clusters, err)
	}
	c := clusters[0]
	if _, err := sdk.Clusters.Edit(ctx, compute.EditCluster{ClusterId: c.ClusterId, ClusterName: "etl", SparkVersion: c.SparkVersion,
		NodeTypeId: c.NodeTypeId, NumWorkers: 6, AutoterminationMinutes: 60}); err != nil {
		t.Fatal(err)
	}
	drifted, err := drift.Check(ctx, opts, "prod")
	if err != nil || !drifted.Drifted {
		t.Fatalf("after a manual edit: %+v %v", drifted, err)
	}
	md := drifted.Markdown()
	if !strings.Contains(md, "brickops_cluster.etl") || !strings.Contains(md, "num_workers") {
		t.Errorf("drift report does not name the cluster and attribute:\n%s", md)
	}
	// Found by the workflow test: the issue named the runner's checkout path.
	if strings.Contains(md, root) || !strings.Contains(md, "(`environments/prod`, plan `sha256:") {
		t.Errorf("drift report names a local path instead of environments/prod:\n%s", md)
	}

	emu.SeedGitHubRepo(t, emulator.GitHubRepoSeed{Owner: "acme", Name: "mlops"})
	client := gh.NewClient(nil).WithAuthToken(emu.Token)
	client.BaseURL, _ = url.Parse(emu.GitHubAPIURL())
	repo := github.Repo{Client: client, Owner: "acme", Name: "mlops"}
	for _, want := range []string{"opened", "updated"} {
		if _, action, err := drift.Report(ctx, repo, drifted); err != nil || action != want {
			t.Fatalf("report: %s %v, want %s", action, err, want)
		}
	}
	open, _, _ := client.Issues.ListByRepo(ctx, "acme", "mlops", &gh.IssueListByRepoOptions{State: "open", Labels: []string{drift.Label}})
	if len(open) != 1 || open[0].GetTitle() != "Drift detected in prod" || !strings.Contains(open[0].GetBody(), "num_workers") {
		t.Fatalf("open drift issues: %d", len(open))
	}

	w.Apply(t) // repair
	clean, err = drift.Check(ctx, opts, "prod")
	if err != nil || clean.Drifted {
		t.Fatalf("after repair: %+v %v", clean, err)
	}
	if _, action, err := drift.Report(ctx, repo, clean); err != nil || action != "closed" {
		t.Errorf("clean report: %s %v", action, err)
	}
	if _, action, _ := drift.Report(ctx, repo, clean); action != "" {
		t.Errorf("a second clean run did %q", action)
	}
	if _, err := drift.Check(ctx, opts, "qa"); err == nil || !strings.Contains(err.Error(), "environment qa") {
		t.Errorf("unknown environment: %v", err)
	}
}
