package provider_test

import (
	"context"
	"encoding/base64"
	"fmt"
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
	secretScopeAddr = "brickops_secret_scope.test"
	secretAddr      = "brickops_secret.test"
	secretACLAddr   = "brickops_secret_acl.test"
)

func secretConfig(scope, body string) string {
	return fmt.Sprintf(`
resource "brickops_secret_scope" "test" {
  name = %q
}
%s
`, scope, body)
}

func TestAccSecretScope_lifecycle(t *testing.T) {
	name, other := uniqueName("scope"), uniqueName("scope")
	w := testWorkspace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "brickops_secret_scope" "test" {
  name                     = %q
  initial_manage_principal = "users"
}`, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(secretScopeAddr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(secretScopeAddr, tfjsonpath.New("backend_type"), knownvalue.StringExact("DATABRICKS")),
				},
				Check: func(*terraform.State) error {
					acls, err := w.Secrets.ListAclsAll(context.Background(), workspace.ListAclsRequest{Scope: name})
					if err != nil || len(acls) != 1 || acls[0].Principal != "users" {
						return fmt.Errorf("scope ACLs = %+v, %v; want users MANAGE", acls, err)
					}
					return nil
				},
			},
			{ResourceName: secretScopeAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"initial_manage_principal"}},
			{
				// Deleted behind Terraform's back: planned for creation again.
				PreConfig: func() {
					if err := w.Secrets.DeleteScope(context.Background(), workspace.DeleteScope{Scope: name}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           secretConfig(name, ""),
				ConfigPlanChecks: expectAction(secretScopeAddr, plancheck.ResourceActionCreate),
			},
			{
				Config:           secretConfig(other, ""),
				ConfigPlanChecks: expectAction(secretScopeAddr, plancheck.ResourceActionDestroyBeforeCreate),
			},
		},
	})
}

func TestAccSecret_lifecycle(t *testing.T) {
	scope := uniqueName("scope")
	w := testWorkspace(t)
	secret := func(key, value string) string {
		return secretConfig(scope, fmt.Sprintf(`
resource "brickops_secret" "test" {
  scope        = brickops_secret_scope.test.name
  key          = %q
  string_value = %q
}`, key, value))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: secret("openai", "sk-1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("id"), knownvalue.StringExact(scope+"|||openai")),
					statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("config_reference"), knownvalue.StringExact("{{secrets/"+scope+"/openai}}")),
				},
				Check: checkSecretValue(t, scope, "openai", "sk-1"),
			},
			{
				Config:           secret("openai", "sk-2"),
				ConfigPlanChecks: expectAction(secretAddr, plancheck.ResourceActionUpdate),
				Check:            checkSecretValue(t, scope, "openai", "sk-2"),
			},
			{ResourceName: secretAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"string_value", "last_updated_timestamp"}},
			{
				// Overwritten behind Terraform's back: written again.
				PreConfig: func() {
					if err := w.Secrets.PutSecret(context.Background(), workspace.PutSecret{Scope: scope, Key: "openai", StringValue: "leaked"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           secret("openai", "sk-2"),
				ConfigPlanChecks: expectAction(secretAddr, plancheck.ResourceActionUpdate),
				Check:            checkSecretValue(t, scope, "openai", "sk-2"),
			},
			{
				PreConfig: func() {
					if err := w.Secrets.DeleteSecret(context.Background(), workspace.DeleteSecret{Scope: scope, Key: "openai"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           secret("openai", "sk-2"),
				ConfigPlanChecks: expectAction(secretAddr, plancheck.ResourceActionCreate),
			},
			{
				Config:           secret("hf_token", "hf-1"),
				ConfigPlanChecks: expectAction(secretAddr, plancheck.ResourceActionDestroyBeforeCreate),
				Check:            checkSecretValue(t, scope, "hf_token", "hf-1"),
			},
		},
	})
}

func TestAccSecret_writeOnly(t *testing.T) {
	scope := uniqueName("scope")
	w := testWorkspace(t)
	secret := func(value string, version int) string {
		return secretConfig(scope, fmt.Sprintf(`
resource "brickops_secret" "test" {
  scope                   = brickops_secret_scope.test.name
  key                     = "token"
  string_value_wo         = %q
  string_value_wo_version = %d
}`, value, version))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: secret("v1", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("string_value_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(secretAddr, tfjsonpath.New("string_value"), knownvalue.Null()),
				},
				Check: checkSecretValue(t, scope, "token", "v1"),
			},
			{
				// A new value without a new version is invisible to Terraform.
				Config:   secret("v2", 1),
				PlanOnly: true,
			},
			{
				Config:           secret("v2", 2),
				ConfigPlanChecks: expectAction(secretAddr, plancheck.ResourceActionUpdate),
				Check:            checkSecretValue(t, scope, "token", "v2"),
			},
			{
				PreConfig: func() {
					if err := w.Secrets.PutSecret(context.Background(), workspace.PutSecret{Scope: scope, Key: "token", StringValue: "leaked"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           secret("v2", 2),
				ConfigPlanChecks: expectAction(secretAddr, plancheck.ResourceActionUpdate),
				Check:            checkSecretValue(t, scope, "token", "v2"),
			},
		},
	})
}

func TestAccSecretACL_lifecycle(t *testing.T) {
	scope := uniqueName("scope")
	w := testWorkspace(t)
	acl := func(principal, permission string) string {
		return secretConfig(scope, fmt.Sprintf(`
resource "brickops_secret_acl" "test" {
  scope      = brickops_secret_scope.test.name
  principal  = %q
  permission = %q
}`, principal, permission))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acl("ml-engineers", "READ"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(secretACLAddr, tfjsonpath.New("id"), knownvalue.StringExact(scope+"|||ml-engineers")),
				},
			},
			{
				Config:           acl("ml-engineers", "WRITE"),
				ConfigPlanChecks: expectAction(secretACLAddr, plancheck.ResourceActionUpdate),
				Check:            checkSecretACL(t, scope, "ml-engineers", workspace.AclPermissionWrite),
			},
			{ResourceName: secretACLAddr, ImportState: true, ImportStateVerify: true},
			{
				// Changed behind Terraform's back: set again.
				PreConfig: func() {
					if err := w.Secrets.PutAcl(context.Background(), workspace.PutAcl{Scope: scope, Principal: "ml-engineers", Permission: workspace.AclPermissionManage}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           acl("ml-engineers", "WRITE"),
				ConfigPlanChecks: expectAction(secretACLAddr, plancheck.ResourceActionUpdate),
				Check:            checkSecretACL(t, scope, "ml-engineers", workspace.AclPermissionWrite),
			},
			{
				PreConfig: func() {
					if err := w.Secrets.DeleteAcl(context.Background(), workspace.DeleteAcl{Scope: scope, Principal: "ml-engineers"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           acl("ml-engineers", "WRITE"),
				ConfigPlanChecks: expectAction(secretACLAddr, plancheck.ResourceActionCreate),
			},
			{
				Config:           acl("users", "READ"),
				ConfigPlanChecks: expectAction(secretACLAddr, plancheck.ResourceActionDestroyBeforeCreate),
				Check:            checkSecretACL(t, scope, "users", workspace.AclPermissionRead),
			},
		},
	})
}

func TestAccSecrets_badInput(t *testing.T) {
	scope := uniqueName("scope")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: secretConfig("a scope", ""), ExpectError: errorRegexp(`must consist of alphanumeric characters`)},
			{
				Config: `
resource "brickops_secret" "test" {
  scope        = "no_such_scope"
  key          = "k"
  string_value = "v"
}`,
				ExpectError: errorRegexp(`Writing secret "k" in scope "no_such_scope": Scope no_such_scope does not exist!`),
			},
			{
				Config: secretConfig(scope, `
resource "brickops_secret" "test" {
  scope           = brickops_secret_scope.test.name
  key             = "k"
  string_value    = "v"
  string_value_wo = "v"
}`),
				ExpectError: errorRegexp(`2 attributes specified when one (and only one) of [string_value,string_value_wo] is required`),
			},
			{
				Config: secretConfig(scope, `
resource "brickops_secret_acl" "test" {
  scope      = brickops_secret_scope.test.name
  principal  = "users"
  permission = "OWN"
}`),
				ExpectError: errorRegexp(`value must be one of: ["MANAGE" "READ" "WRITE"]`),
			},
			{
				ResourceName: secretAddr,
				Config: secretConfig(scope, `
resource "brickops_secret" "test" {
  scope        = brickops_secret_scope.test.name
  key          = "k"
  string_value = "v"
}`),
				ImportState:   true,
				ImportStateId: scope + "/k",
				ExpectError:   errorRegexp(`Import a secret as <scope>|||<key>`),
			},
		},
	})
}

func checkSecretValue(t *testing.T, scope, key, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := testWorkspace(t).Secrets.GetSecret(context.Background(), workspace.GetSecretRequest{Scope: scope, Key: key})
		if err != nil {
			return err
		}
		if got.Value != base64.StdEncoding.EncodeToString([]byte(want)) {
			return fmt.Errorf("secret %s/%s holds %q, want base64 of %q", scope, key, got.Value, want)
		}
		return nil
	}
}

func checkSecretACL(t *testing.T, scope, principal string, want workspace.AclPermission) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := testWorkspace(t).Secrets.GetAcl(context.Background(), workspace.GetAclRequest{Scope: scope, Principal: principal})
		if err != nil {
			return err
		}
		if got.Permission != want {
			return fmt.Errorf("ACL of %s on %s is %s, want %s", principal, scope, got.Permission, want)
		}
		return nil
	}
}
