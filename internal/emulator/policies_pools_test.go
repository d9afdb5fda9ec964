package emulator_test

import (
	"context"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/compute"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestClusterPolicies_definitionIsCanonicalised(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	created, err := w.ClusterPolicies.Create(ctx, compute.CreatePolicy{Name: "jobs",
		Definition: `{"spark_version": {"type": "fixed", "value": "15.4.x-scala2.12"},  "autotermination_minutes": {"type":"range","maxValue":60}}`})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.ClusterPolicies.GetByPolicyId(ctx, created.PolicyId)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"autotermination_minutes":{"maxValue":60,"type":"range"},"spark_version":{"type":"fixed","value":"15.4.x-scala2.12"}}`
	if got.Definition != want || got.CreatorUserName == "" {
		t.Errorf("definition = %s, want %s", got.Definition, want)
	}
	if _, err := w.ClusterPolicies.Create(ctx, compute.CreatePolicy{Name: "jobs", Definition: `{}`}); err == nil {
		t.Error("a second policy named jobs was created")
	}
	if err := w.ClusterPolicies.Edit(ctx, compute.EditPolicy{PolicyId: created.PolicyId, Name: "jobs-v2", Definition: `{}`}); err != nil {
		t.Fatal(err)
	}
	if err := w.ClusterPolicies.DeleteByPolicyId(ctx, created.PolicyId); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ClusterPolicies.GetByPolicyId(ctx, created.PolicyId); !apierr.IsMissing(err) {
		t.Errorf("deleted policy: %v", err)
	}
}

func TestInstancePools_lifecycle(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	created, err := w.InstancePools.Create(ctx, compute.CreateInstancePool{InstancePoolName: "training", NodeTypeId: "Standard_DS3_v2",
		MinIdleInstances: 1, MaxCapacity: 10, IdleInstanceAutoterminationMinutes: 15, CustomTags: map[string]string{"team": "ml"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.InstancePools.GetByInstancePoolId(ctx, created.InstancePoolId)
	if err != nil || got.State != compute.InstancePoolStateActive || got.DefaultTags["DatabricksInstancePoolId"] != created.InstancePoolId {
		t.Fatalf("pool = %+v, %v", got, err)
	}
	err = w.InstancePools.Edit(ctx, compute.EditInstancePool{InstancePoolId: created.InstancePoolId, InstancePoolName: "training", NodeTypeId: "Standard_DS4_v2"})
	if err == nil {
		t.Error("node type change accepted")
	}
	if err := w.InstancePools.Edit(ctx, compute.EditInstancePool{InstancePoolId: created.InstancePoolId, InstancePoolName: "train", NodeTypeId: "Standard_DS3_v2", MaxCapacity: 5}); err != nil {
		t.Fatal(err)
	}
	if err := w.InstancePools.DeleteByInstancePoolId(ctx, created.InstancePoolId); err != nil {
		t.Fatal(err)
	}
	got, _ = w.InstancePools.GetByInstancePoolId(ctx, created.InstancePoolId)
	if got.State != compute.InstancePoolStateDeleted || got.InstancePoolName != "train" {
		t.Errorf("after delete: %+v", got)
	}
	if all, _ := w.InstancePools.ListAll(ctx); len(all) != 0 {
		t.Errorf("deleted pool listed: %+v", all)
	}
}
