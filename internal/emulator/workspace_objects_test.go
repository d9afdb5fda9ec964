package emulator_test

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/workspace"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestWorkspace_treeThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

	err := w.Workspace.Import(ctx, workspace.Import{Path: "/Shared/mlops/train", Format: workspace.ImportFormatSource, Language: workspace.LanguagePython, Content: b64("print(1)")})
	if !apierr.IsMissing(err) || !strings.Contains(err.Error(), "The parent folder (/Shared/mlops) does not exist.") {
		t.Fatalf("import without parent: %v", err)
	}
	if err := w.Workspace.MkdirsByPath(ctx, "/Shared/mlops/src"); err != nil {
		t.Fatal(err)
	}
	if err := w.Workspace.Import(ctx, workspace.Import{Path: "/Shared/mlops/train", Format: workspace.ImportFormatSource, Language: workspace.LanguagePython, Content: b64("print(1)")}); err != nil {
		t.Fatal(err)
	}
	// The SDK's Upload: a multipart form; AUTO with the header is a notebook.
	if err := w.Workspace.Upload(ctx, "/Shared/mlops/src/features.py", strings.NewReader("# Databricks notebook source\nx = 1"), workspace.UploadFormat(workspace.ImportFormatAuto)); err != nil {
		t.Fatal(err)
	}
	if err := w.Workspace.Upload(ctx, "/Shared/mlops/src/util.py", strings.NewReader("def f(): pass"), workspace.UploadFormat(workspace.ImportFormatAuto)); err != nil {
		t.Fatal(err)
	}
	nb, err := w.Workspace.GetStatusByPath(ctx, "/Shared/mlops/src/features")
	if err != nil || nb.ObjectType != workspace.ObjectTypeNotebook || nb.Language != workspace.LanguagePython {
		t.Fatalf("uploaded notebook = %+v, %v", nb, err)
	}
	file, err := w.Workspace.GetStatusByPath(ctx, "/Shared/mlops/src/util.py")
	if err != nil || file.ObjectType != workspace.ObjectTypeFile || file.Size != int64(len("def f(): pass")) {
		t.Fatalf("uploaded file = %+v, %v", file, err)
	}
	out, err := w.Workspace.Export(ctx, workspace.ExportRequest{Path: "/Shared/mlops/src/util.py", Format: workspace.ExportFormatSource})
	if err != nil || out.Content != b64("def f(): pass") {
		t.Fatalf("export = %+v, %v", out, err)
	}
	err = w.Workspace.Import(ctx, workspace.Import{Path: "/Shared/mlops/train", Format: workspace.ImportFormatSource, Language: workspace.LanguagePython, Content: b64("x")})
	if err == nil {
		t.Error("import over an existing notebook without overwrite succeeded")
	}
	list, err := w.Workspace.ListAll(ctx, workspace.ListWorkspaceRequest{Path: "/Shared/mlops"})
	if err != nil || len(list) != 2 {
		t.Fatalf("list = %+v, %v", list, err)
	}
	// Permissions name workspace objects by id.
	if _, err := w.Permissions.Get(ctx, iam.GetPermissionRequest{RequestObjectType: "files", RequestObjectId: itoa(file.ObjectId)}); err != nil {
		t.Error(err)
	}
	if err := w.Workspace.Delete(ctx, workspace.Delete{Path: "/Shared/mlops"}); err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Errorf("non-recursive delete of a full folder: %v", err)
	}
	if err := w.Workspace.Delete(ctx, workspace.Delete{Path: "/Shared/mlops", Recursive: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Workspace.GetStatusByPath(ctx, "/Shared/mlops/src/util.py"); !apierr.IsMissing(err) {
		t.Errorf("after recursive delete: %v", err)
	}
}

func TestRepos_checkoutMovesTheHead(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	repo, err := w.Repos.Create(ctx, workspace.CreateRepoRequest{Url: "https://github.com/acme/churn.git", Provider: "github"})
	if err != nil {
		t.Fatal(err)
	}
	if repo.Path != "/Repos/brickops@example.com/churn" || repo.Branch != "main" || repo.Provider != "gitHub" || repo.HeadCommitId == "" {
		t.Fatalf("new repo = %+v", repo)
	}
	if err := w.Repos.Update(ctx, workspace.UpdateRepoRequest{RepoId: repo.Id, Tag: "v1.0"}); err != nil {
		t.Fatal(err)
	}
	got, err := w.Repos.GetByRepoId(ctx, repo.Id)
	if err != nil || got.Branch != "" || got.HeadCommitId == repo.HeadCommitId {
		t.Fatalf("after tag checkout: %+v, %v", got, err)
	}
	status, err := w.Workspace.GetStatusByPath(ctx, repo.Path)
	if err != nil || status.ObjectType != workspace.ObjectTypeRepo || status.ObjectId != repo.Id {
		t.Fatalf("repo in the tree = %+v, %v", status, err)
	}
	if err := w.Repos.DeleteByRepoId(ctx, repo.Id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Workspace.GetStatusByPath(ctx, repo.Path); !apierr.IsMissing(err) {
		t.Errorf("deleted repo still in the tree: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
