package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const permissionsAddr = "brickops_permissions.test"

// permissionsJobConfig puts access_control blocks on a job Terraform also manages.
func permissionsJobConfig(name, blocks string) string {
	return fmt.Sprintf(`
resource "brickops_job" "test" {
  name  = %q
  tasks = [{ task_key = "train", notebook_task = { notebook_path = "/Shared/train" } }]
}

resource "brickops_permissions" "test" {
  job_id = brickops_job.test.id
%s
}
`, name, blocks)
}

func TestAccPermissions_job(t *testing.T) {
	name := uniqueName("job")
	w := testWorkspace(t)
	jobACL := func() (*iam.ObjectPermissions, string) {
		all, err := w.Jobs.ListAll(context.Background(), jobs.ListJobsRequest{Name: name})
		if err != nil || len(all) != 1 {
			t.Fatalf("finding job %s: %v (%d found)", name, err, len(all))
		}
		id := fmt.Sprint(all[0].JobId)
		p, err := w.Permissions.Get(context.Background(), iam.GetPermissionRequest{RequestObjectType: "jobs", RequestObjectId: id})
		if err != nil {
			t.Fatal(err)
		}
		return p, id
	}
	levelOf := func(p *iam.ObjectPermissions, group string) iam.PermissionLevel {
		for _, ac := range p.AccessControlList {
			if ac.GroupName == group {
				return ac.AllPermissions[0].PermissionLevel
			}
		}
		return ""
	}
	two := `
  access_control {
    group_name       = "ml-engineers"
    permission_level = "CAN_MANAGE"
  }
  access_control {
    group_name       = "users"
    permission_level = "CAN_VIEW"
  }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: permissionsJobConfig(name, two),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(permissionsAddr, tfjsonpath.New("object_type"), knownvalue.StringExact("job")),
					statecheck.ExpectKnownValue(permissionsAddr, tfjsonpath.New("access_control"), knownvalue.SetSizeExact(2)),
				},
				Check: func(*terraform.State) error {
					p, _ := jobACL()
					if levelOf(p, "ml-engineers") != "CAN_MANAGE" || levelOf(p, "users") != "CAN_VIEW" {
						return fmt.Errorf("ACL not applied: %+v", p.AccessControlList)
					}
					return nil
				},
			},
			{
				// The ACL is authoritative: users loses its entry.
				Config: permissionsJobConfig(name, `
  access_control {
    group_name       = "ml-engineers"
    permission_level = "CAN_MANAGE_RUN"
  }`),
				ConfigPlanChecks: expectAction(permissionsAddr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					p, _ := jobACL()
					if levelOf(p, "ml-engineers") != "CAN_MANAGE_RUN" || levelOf(p, "users") != "" {
						return fmt.Errorf("ACL not replaced: %+v", p.AccessControlList)
					}
					return nil
				},
			},
			{ResourceName: permissionsAddr, ImportState: true, ImportStateVerify: true},
			{
				// A grant added behind Terraform's back is revoked.
				PreConfig: func() {
					_, id := jobACL()
					if _, err := w.Permissions.Update(context.Background(), iam.UpdateObjectPermissions{RequestObjectType: "jobs", RequestObjectId: id,
						AccessControlList: []iam.AccessControlRequest{{GroupName: "users", PermissionLevel: iam.PermissionLevelCanManage}}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: permissionsJobConfig(name, `
  access_control {
    group_name       = "ml-engineers"
    permission_level = "CAN_MANAGE_RUN"
  }`),
				ConfigPlanChecks: expectAction(permissionsAddr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					if p, _ := jobACL(); levelOf(p, "users") != "" {
						return fmt.Errorf("drift not repaired: %+v", p.AccessControlList)
					}
					return nil
				},
			},
			{
				// The job is deleted: the permissions go with it and are planned again.
				PreConfig: func() {
					_, id := jobACL()
					var n int64
					fmt.Sscan(id, &n)
					if err := w.Jobs.DeleteByJobId(context.Background(), n); err != nil {
						t.Fatal(err)
					}
				},
				Config: permissionsJobConfig(name, two),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("brickops_job.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(permissionsAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// Pointing the resource at another object moves the ACL in place: the old
// object is reset, the new one set.
func TestAccPermissions_moveToAnotherObject(t *testing.T) {
	a, b := uniqueName("job"), uniqueName("job")
	config := func(target string) string {
		return fmt.Sprintf(`
resource "brickops_job" "a" {
  name  = %q
  tasks = [{ task_key = "train", notebook_task = { notebook_path = "/Shared/train" } }]
}
resource "brickops_job" "b" {
  name  = %q
  tasks = [{ task_key = "train", notebook_task = { notebook_path = "/Shared/train" } }]
}
resource "brickops_permissions" "test" {
  job_id = brickops_job.%s.id
  access_control {
    group_name       = "ml-engineers"
    permission_level = "CAN_VIEW"
  }
}`, a, b, target)
	}
	w := testWorkspace(t)
	groupsOn := func(name string) []string {
		all, _ := w.Jobs.ListAll(context.Background(), jobs.ListJobsRequest{Name: name})
		p, err := w.Permissions.Get(context.Background(), iam.GetPermissionRequest{RequestObjectType: "jobs", RequestObjectId: fmt.Sprint(all[0].JobId)})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ac := range p.AccessControlList {
			if ac.GroupName != "" && ac.GroupName != "admins" {
				out = append(out, ac.GroupName)
			}
		}
		return out
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("a")},
			{
				Config:           config("b"),
				ConfigPlanChecks: expectAction(permissionsAddr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					if ga, gb := groupsOn(a), groupsOn(b); len(ga) != 0 || len(gb) != 1 {
						return fmt.Errorf("groups on a = %v (want none), on b = %v (want ml-engineers)", ga, gb)
					}
					return nil
				},
			},
		},
	})
}

func TestAccPermissions_badInput(t *testing.T) {
	name := uniqueName("job")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: permissionsJobConfig(name, `
  access_control {
    group_name       = "users"
    permission_level = "CAN_QUERY"
  }`),
				ExpectError: errorRegexp(`CAN_QUERY is not a permission level of jobs; use one of CAN_VIEW, CAN_MANAGE_RUN, IS_OWNER, CAN_MANAGE.`),
			},
			{
				Config: permissionsJobConfig(name, `
  access_control {
    group_name       = "admins"
    permission_level = "CAN_MANAGE"
  }`),
				ExpectError: errorRegexp(`The admins group always manages every object`),
			},
			{
				Config: permissionsJobConfig(name, `
  access_control {
    group_name       = "users"
    user_name        = "someone@example.com"
    permission_level = "CAN_VIEW"
  }`),
				ExpectError: errorRegexp(`Each access_control block needs exactly one of user_name, group_name and service_principal_name.`),
			},
			{
				Config: `
resource "brickops_permissions" "test" {
  cluster_id = "0101-000000-nothere0"
  access_control {
    group_name       = "users"
    permission_level = "CAN_ATTACH_TO"
  }
}`,
				ExpectError: errorRegexp(`Setting permissions of /clusters/0101-000000-nothere0: Cluster 0101-000000-nothere0 does not exist.`),
			},
			{
				ResourceName: permissionsAddr,
				Config: permissionsJobConfig(name, `access_control {
    group_name       = "users"
    permission_level = "CAN_VIEW"
  }`),
				ImportState:   true,
				ImportStateId: "jobs/42",
				ExpectError:   errorRegexp(`Import permissions by the object's permissions path, one of /jobs/<id>`),
			},
		},
	})
}
