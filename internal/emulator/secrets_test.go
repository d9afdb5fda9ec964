package emulator_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/workspace"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestSecrets_scopeSecretsAndACLsThroughSDK(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	if err := w.Secrets.CreateScope(ctx, workspace.CreateScope{Scope: "serving"}); err != nil {
		t.Fatal(err)
	}
	err := w.Secrets.CreateScope(ctx, workspace.CreateScope{Scope: "serving"})
	if !errors.Is(err, apierr.ErrResourceAlreadyExists) {
		t.Fatalf("creating a scope twice: %v, want already exists", err)
	}
	scopes, err := w.Secrets.ListScopesAll(ctx)
	if err != nil || len(scopes) != 1 || scopes[0].Name != "serving" || scopes[0].BackendType != workspace.ScopeBackendTypeDatabricks {
		t.Fatalf("scopes = %+v, %v", scopes, err)
	}
	// The creator manages the scope.
	acls, err := w.Secrets.ListAclsAll(ctx, workspace.ListAclsRequest{Scope: "serving"})
	if err != nil || len(acls) != 1 || acls[0].Principal != "brickops@example.com" || acls[0].Permission != workspace.AclPermissionManage {
		t.Fatalf("acls = %+v, %v", acls, err)
	}

	if err := w.Secrets.PutSecret(ctx, workspace.PutSecret{Scope: "serving", Key: "openai", StringValue: "sk-1"}); err != nil {
		t.Fatal(err)
	}
	got, err := w.Secrets.GetSecret(ctx, workspace.GetSecretRequest{Scope: "serving", Key: "openai"})
	if err != nil || got.Value != base64.StdEncoding.EncodeToString([]byte("sk-1")) {
		t.Fatalf("get = %+v, %v", got, err)
	}
	list, err := w.Secrets.ListSecretsAll(ctx, workspace.ListSecretsRequest{Scope: "serving"})
	if err != nil || len(list) != 1 || list[0].Key != "openai" || list[0].LastUpdatedTimestamp == 0 {
		t.Fatalf("list = %+v, %v", list, err)
	}

	if err := w.Secrets.PutAcl(ctx, workspace.PutAcl{Scope: "serving", Principal: "users", Permission: workspace.AclPermissionRead}); err != nil {
		t.Fatal(err)
	}
	acl, err := w.Secrets.GetAcl(ctx, workspace.GetAclRequest{Scope: "serving", Principal: "users"})
	if err != nil || acl.Permission != workspace.AclPermissionRead {
		t.Fatalf("acl = %+v, %v", acl, err)
	}

	// Deleting the scope takes its secrets and ACLs with it.
	if err := w.Secrets.DeleteScope(ctx, workspace.DeleteScope{Scope: "serving"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Secrets.CreateScope(ctx, workspace.CreateScope{Scope: "serving", InitialManagePrincipal: "users"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Secrets.GetSecret(ctx, workspace.GetSecretRequest{Scope: "serving", Key: "openai"}); !apierr.IsMissing(err) {
		t.Errorf("secret survived its scope: %v", err)
	}
	acls, _ = w.Secrets.ListAclsAll(ctx, workspace.ListAclsRequest{Scope: "serving"})
	if len(acls) != 1 || acls[0].Principal != "users" {
		t.Errorf("acls of the new scope = %+v", acls)
	}
}
