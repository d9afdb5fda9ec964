package provider_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const (
	directoryAddr = "brickops_directory.test"
	gitFolderAddr = "brickops_git_folder.test"
)

func TestAccDirectory_lifecycle(t *testing.T) {
	p := "/Shared/" + uniqueName("dir") + "/team"
	w := testWorkspace(t)
	config := func(p, extra string) string {
		return fmt.Sprintf("resource \"brickops_directory\" \"test\" {\n  path = %q\n%s\n}\n", p, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(p, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(directoryAddr, tfjsonpath.New("workspace_path"), knownvalue.StringExact("/Workspace"+p)),
				},
			},
			{ResourceName: directoryAddr, ImportState: true, ImportStateVerify: true},
			{
				// Something written into it: destroy refuses until delete_recursive.
				PreConfig: func() {
					if err := w.Workspace.Import(context.Background(), workspace.Import{Path: p + "/x.txt", Format: workspace.ImportFormatRaw, Content: ""}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config(p, ""),
				Destroy:     true,
				ExpectError: errorRegexp(`Folder (` + p + `) is not empty.`),
			},
			{Config: config(p, "  delete_recursive = true"), ConfigPlanChecks: expectAction(directoryAddr, plancheck.ResourceActionUpdate)},
			{
				PreConfig: func() {
					if err := w.Workspace.Delete(context.Background(), workspace.Delete{Path: p, Recursive: true}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config(p, "  delete_recursive = true"),
				ConfigPlanChecks: expectAction(directoryAddr, plancheck.ResourceActionCreate),
			},
			{Config: config(p+"2", "  delete_recursive = true"), ConfigPlanChecks: expectAction(directoryAddr, plancheck.ResourceActionDestroyBeforeCreate)},
		},
	})
}

func TestAccGitFolder_lifecycle(t *testing.T) {
	name := uniqueName("repo")
	url := "https://github.com/acme/" + name + ".git"
	w := testWorkspace(t)
	var id int64
	config := func(ref string) string {
		return fmt.Sprintf("resource \"brickops_git_folder\" \"test\" {\n  url = %q\n%s\n}\n", url, ref)
	}
	commit := func(s *terraform.State) string {
		return s.RootModule().Resources[gitFolderAddr].Primary.Attributes["commit_hash"]
	}
	var first string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gitFolderAddr, tfjsonpath.New("git_provider"), knownvalue.StringExact("gitHub")),
					statecheck.ExpectKnownValue(gitFolderAddr, tfjsonpath.New("branch"), knownvalue.StringExact("main")),
					statecheck.ExpectKnownValue(gitFolderAddr, tfjsonpath.New("path"), knownvalue.StringExact("/Repos/brickops@example.com/"+name)),
				},
				Check: func(s *terraform.State) error {
					first = commit(s)
					id, _ = strconv.ParseInt(s.RootModule().Resources[gitFolderAddr].Primary.ID, 10, 64)
					return nil
				},
			},
			{
				Config:           config(`  tag = "v1.0"`),
				ConfigPlanChecks: expectAction(gitFolderAddr, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gitFolderAddr, tfjsonpath.New("branch"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					if commit(s) == first {
						return fmt.Errorf("tag checkout did not move the head")
					}
					return nil
				},
			},
			{Config: config(`  branch = "release"`), ConfigPlanChecks: expectAction(gitFolderAddr, plancheck.ResourceActionUpdate)},
			{ResourceName: gitFolderAddr, ImportState: true, ImportStateVerify: true},
			{
				// Checked out elsewhere behind Terraform's back: put back.
				PreConfig: func() {
					if err := w.Repos.Update(context.Background(), workspace.UpdateRepoRequest{RepoId: id, Branch: "hotfix"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config(`  branch = "release"`),
				ConfigPlanChecks: expectAction(gitFolderAddr, plancheck.ResourceActionUpdate),
			},
			{
				PreConfig: func() {
					if err := w.Repos.DeleteByRepoId(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config(`  branch = "release"`),
				ConfigPlanChecks: expectAction(gitFolderAddr, plancheck.ResourceActionCreate),
			},
		},
	})
}

func TestAccGitFolder_badInput(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      "resource \"brickops_git_folder\" \"test\" {\n  url = \"git@github.com:acme/x.git\"\n  git_provider = \"gitHub\"\n}",
				ExpectError: errorRegexp(`Cloning git@github.com:acme/x.git: Invalid repo url git@github.com:acme/x.git: only HTTPS git urls are supported.`),
			},
			{
				Config:      "resource \"brickops_git_folder\" \"test\" {\n  url = \"https://github.com/acme/x.git\"\n  branch = \"main\"\n  tag = \"v1\"\n}",
				ExpectError: errorRegexp(`Attribute "tag" cannot be specified when "branch" is specified`),
			},
			{
				Config:      "resource \"brickops_git_folder\" \"test\" {\n  url = \"https://github.com/acme/x.git\"\n  path = \"/Shared/nope/x\"\n}",
				ExpectError: errorRegexp(`The parent folder (/Shared/nope) does not exist.`),
			},
		},
	})
}
