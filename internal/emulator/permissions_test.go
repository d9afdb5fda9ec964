package emulator_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/jobs"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestPermissions_jobACLThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	job, err := w.Jobs.Create(ctx, jobs.CreateJob{Name: "retrain"})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(job.JobId, 10)
	got, err := w.Permissions.Get(ctx, iam.GetPermissionRequest{RequestObjectType: "jobs", RequestObjectId: id})
	if err != nil {
		t.Fatal(err)
	}
	if got.ObjectId != "/jobs/"+id || got.ObjectType != "job" || len(got.AccessControlList) != 2 {
		t.Fatalf("new job's ACL = %+v", got)
	}
	admins, owner := got.AccessControlList[0], got.AccessControlList[1]
	if admins.GroupName != "admins" || !admins.AllPermissions[0].Inherited || owner.UserName != "brickops@example.com" || owner.AllPermissions[0].PermissionLevel != iam.PermissionLevelIsOwner {
		t.Errorf("new job's ACL = %+v", got.AccessControlList)
	}

	// PUT replaces the direct entries but keeps the owner.
	set, err := w.Permissions.Set(ctx, iam.SetObjectPermissions{RequestObjectType: "jobs", RequestObjectId: id, AccessControlList: []iam.AccessControlRequest{
		{GroupName: "ml-engineers", PermissionLevel: iam.PermissionLevelCanManageRun},
	}})
	if err != nil || len(set.AccessControlList) != 3 {
		t.Fatalf("after set: %+v, %v", set, err)
	}
	// PATCH changes only the named principals.
	upd, err := w.Permissions.Update(ctx, iam.UpdateObjectPermissions{RequestObjectType: "jobs", RequestObjectId: id, AccessControlList: []iam.AccessControlRequest{
		{GroupName: "ml-engineers", PermissionLevel: iam.PermissionLevelCanView},
		{ServicePrincipalName: "00000000-0000-0000-0000-0000000000a1", PermissionLevel: iam.PermissionLevelCanManage},
	}})
	if err != nil || len(upd.AccessControlList) != 4 {
		t.Fatalf("after update: %+v, %v", upd, err)
	}
	for _, acl := range upd.AccessControlList {
		if acl.GroupName == "ml-engineers" && acl.AllPermissions[0].PermissionLevel != iam.PermissionLevelCanView {
			t.Errorf("ml-engineers = %+v", acl)
		}
	}

	levels, err := w.Permissions.GetPermissionLevels(ctx, iam.GetPermissionLevelsRequest{RequestObjectType: "jobs", RequestObjectId: id})
	if err != nil || len(levels.PermissionLevels) != 4 {
		t.Errorf("levels = %+v, %v", levels, err)
	}
	_, err = w.Permissions.Set(ctx, iam.SetObjectPermissions{RequestObjectType: "jobs", RequestObjectId: id, AccessControlList: []iam.AccessControlRequest{
		{GroupName: "users", PermissionLevel: iam.PermissionLevelCanQuery},
	}})
	if err == nil {
		t.Error("CAN_QUERY on a job was accepted")
	}
	if _, err := w.Permissions.Get(ctx, iam.GetPermissionRequest{RequestObjectType: "jobs", RequestObjectId: "999"}); !apierr.IsMissing(err) {
		t.Errorf("unknown job: %v, want not found", err)
	}
}
