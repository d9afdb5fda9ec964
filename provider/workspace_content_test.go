package provider_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	notebookAddr = "brickops_notebook.test"
	wsFileAddr   = "brickops_workspace_file.test"
)

func checkExported(t *testing.T, p, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		out, err := testWorkspace(t).Workspace.Export(context.Background(), workspace.ExportRequest{Path: p, Format: workspace.ExportFormatSource})
		if err != nil {
			return err
		}
		if got, _ := base64.StdEncoding.DecodeString(out.Content); string(got) != want {
			return fmt.Errorf("%s holds %q, want %q", p, got, want)
		}
		return nil
	}
}

// A workspace file from a local source: editing the file is a change;
// an edit in the workspace is repaired; deleting it plans it again.
func TestAccWorkspaceFile_sourceFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "train.py")
	write := func(s string) {
		if err := os.WriteFile(src, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("print('v1')\n")
	p := "/Shared/" + uniqueName("src") + "/train.py"
	config := fmt.Sprintf(`
resource "brickops_workspace_file" "test" {
  path   = %q
  source = %q
}`, p, src)
	w := testWorkspace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(wsFileAddr, tfjsonpath.New("workspace_path"), knownvalue.StringExact("/Workspace"+p)),
					statecheck.ExpectKnownValue(wsFileAddr, tfjsonpath.New("md5"), knownvalue.StringExact("d8be0f8a024ddbb65ec27bc8d7db0a95")),
				},
				Check: checkExported(t, p, "print('v1')\n"),
			},
			{
				PreConfig:        func() { write("print('v2')\n") },
				Config:           config,
				ConfigPlanChecks: expectAction(wsFileAddr, plancheck.ResourceActionUpdate),
				Check:            checkExported(t, p, "print('v2')\n"),
			},
			{ResourceName: wsFileAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"source"}},
			{
				PreConfig: func() {
					if err := w.Workspace.Upload(context.Background(), p, strings.NewReader("edited"), workspace.UploadFormat(workspace.ImportFormatRaw), workspace.UploadOverwrite()); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: expectAction(wsFileAddr, plancheck.ResourceActionUpdate),
				Check:            checkExported(t, p, "print('v2')\n"),
			},
			{
				PreConfig: func() {
					if err := w.Workspace.Delete(context.Background(), workspace.Delete{Path: p}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: expectAction(wsFileAddr, plancheck.ResourceActionCreate),
			},
			{
				Config:           strings.Replace(config, "train.py\"\n  source", "train2.py\"\n  source", 1),
				ConfigPlanChecks: expectAction(wsFileAddr, plancheck.ResourceActionDestroyBeforeCreate),
			},
		},
	})
}

func TestAccNotebook_inline(t *testing.T) {
	p := "/Shared/" + uniqueName("nb") + "/train"
	config := func(body string) string {
		return fmt.Sprintf(`
resource "brickops_notebook" "test" {
  path           = %q
  language       = "PYTHON"
  content_base64 = base64encode(%q)
}`, p, body)
	}
	w := testWorkspace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("# Databricks notebook source\nprint(1)"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(notebookAddr, tfjsonpath.New("format"), knownvalue.StringExact("SOURCE")),
					statecheck.ExpectKnownValue(notebookAddr, tfjsonpath.New("object_id"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error {
					o, err := w.Workspace.GetStatusByPath(context.Background(), p)
					if err != nil || o.ObjectType != workspace.ObjectTypeNotebook || o.Language != workspace.LanguagePython {
						return fmt.Errorf("notebook = %+v, %v", o, err)
					}
					return nil
				},
			},
			{
				Config:           config("# Databricks notebook source\nprint(2)"),
				ConfigPlanChecks: expectAction(notebookAddr, plancheck.ResourceActionUpdate),
				Check:            checkExported(t, p, "# Databricks notebook source\nprint(2)"),
			},
			{ResourceName: notebookAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"content_base64"}},
		},
	})
}

func TestAccWorkspaceContent_badInput(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
resource "brickops_notebook" "test" {
  path           = "/Shared/x"
  content_base64 = base64encode("print(1)")
}`,
				ExpectError: errorRegexp(`Set language (PYTHON, SQL, SCALA or R): it cannot be told from the source file's extension.`),
			},
			{
				Config: `
resource "brickops_workspace_file" "test" {
  path   = "/Shared/x.txt"
  source = "/no/such/file.txt"
}`,
				ExpectError: errorRegexp(`reading source: open /no/such/file.txt: no such file or directory`),
			},
			{
				Config: `
resource "brickops_workspace_file" "test" {
  path           = "relative/x.txt"
  content_base64 = ""
}`,
				ExpectError: errorRegexp(`must be an absolute workspace path`),
			},
		},
	})
}
