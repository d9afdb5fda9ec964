package workspace

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"sort"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Secrets: /api/2.0/secrets/*. Fields follow databricks-sdk-go
// service/workspace/model.go (CreateScope, SecretScope, PutSecret,
// SecretMetadata, GetSecretResponse, PutAcl, AclItem, DeleteScope,
// DeleteSecret, DeleteAcl, List*Response); paths follow
// service/workspace/impl.go (secretsImpl).
//
// A scope's creator gets MANAGE on it, or the group "users" when
// initial_manage_principal is "users" (the only value the API accepts).
// Azure Key Vault-backed scopes need an Entra ID token, never a personal
// access token, and are read-only through this API, as in production.

const (
	SecretScopesBucket = "secret_scopes"
	secretsBucket      = "secrets"
	secretACLsBucket   = "secret_acls"
	// maxSecretBytes is the documented limit on a secret value (128 KiB).
	maxSecretBytes = 128 << 10
	// maxSecretsPerScope is the documented limit on secrets in a scope.
	maxSecretsPerScope = 1000
)

var (
	scopeBackendTypes = []string{"DATABRICKS", "AZURE_KEYVAULT"}
	aclPermissions    = []string{"READ", "WRITE", "MANAGE"}
	// Secret keys: word characters, dashes and periods, 1-128; scope names
	// also allow @ and /.
	secretKeyRE   = regexp.MustCompile(`^[\w.-]{1,128}$`)
	secretScopeRE = regexp.MustCompile(`^[\w.@_/-]{1,128}$`)
)

type keyvaultMetadata struct {
	ResourceID string `json:"resource_id"`
	DNSName    string `json:"dns_name"`
}

type secretScope struct {
	Name             string            `json:"name"`
	BackendType      string            `json:"backend_type"`
	KeyvaultMetadata *keyvaultMetadata `json:"keyvault_metadata,omitempty"`
}

// storedSecret keeps the value as the API returns it from secrets/get:
// base64 of the bytes, whichever of string_value and bytes_value was put.
type storedSecret struct {
	Key                  string `json:"key"`
	Value                string `json:"value"`
	LastUpdatedTimestamp int64  `json:"last_updated_timestamp"`
}

type secretACL struct {
	Principal  string `json:"principal"`
	Permission string `json:"permission"`
}

// secretKey is the store key of something inside a scope.
func secretKey(scope, name string) string { return scope + "\x00" + name }

func (s *Service) createSecretScope(r *http.Request) (any, error) {
	var req struct {
		Scope                  string            `json:"scope"`
		InitialManagePrincipal string            `json:"initial_manage_principal"`
		ScopeBackendType       string            `json:"scope_backend_type"`
		BackendAzureKeyvault   *keyvaultMetadata `json:"backend_azure_keyvault"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("scope", req.Scope); err != nil {
		return nil, err
	}
	if !secretScopeRE.MatchString(req.Scope) {
		return nil, core.InvalidParam("Scope name must consist of alphanumeric characters, dashes, underscores, @, and periods, and may not exceed 128 characters.")
	}
	if err := core.OneOf("scope_backend_type", req.ScopeBackendType, scopeBackendTypes); err != nil {
		return nil, err
	}
	if req.InitialManagePrincipal != "" && req.InitialManagePrincipal != "users" {
		return nil, core.InvalidParam("Invalid initial_manage_principal %q: the only supported principal is 'users'.", req.InitialManagePrincipal)
	}
	sc := secretScope{Name: req.Scope, BackendType: "DATABRICKS"}
	if req.ScopeBackendType == "AZURE_KEYVAULT" || req.BackendAzureKeyvault != nil {
		kv := req.BackendAzureKeyvault
		if kv == nil || kv.ResourceID == "" || kv.DNSName == "" {
			return nil, core.InvalidParam("backend_azure_keyvault with resource_id and dns_name is required for an AZURE_KEYVAULT scope.")
		}
		if s.CredentialOf(r).Claims == nil {
			return nil, core.InvalidParam("Scope with Azure KeyVault must have userAADToken defined!")
		}
		sc.BackendType, sc.KeyvaultMetadata = "AZURE_KEYVAULT", kv
	}
	manager := s.Options().UserName
	if req.InitialManagePrincipal != "" {
		manager = req.InitialManagePrincipal
	}
	err := s.Store().Update(func(tx core.Tx) error {
		if found, err := tx.Get(SecretScopesBucket, sc.Name, &secretScope{}); err != nil || found {
			if found {
				return core.AlreadyExists("Scope %s already exists!", sc.Name)
			}
			return err
		}
		if err := tx.Put(SecretScopesBucket, sc.Name, sc); err != nil {
			return err
		}
		return tx.Put(secretACLsBucket, secretKey(sc.Name, manager), secretACL{Principal: manager, Permission: "MANAGE"})
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// loadScope answers the API's not-found message for an unknown scope.
func loadScope(tx core.Tx, name string) (secretScope, error) {
	var sc secretScope
	found, err := tx.Get(SecretScopesBucket, name, &sc)
	if err == nil && !found {
		err = core.NotFound("Scope %s does not exist!", name)
	}
	return sc, err
}

func (s *Service) listSecretScopes(*http.Request) (any, error) {
	scopes, err := UCList[secretScope](s, SecretScopesBucket, "")
	if err != nil {
		return nil, err
	}
	return map[string]any{"scopes": scopes}, nil
}

func (s *Service) deleteSecretScope(r *http.Request) (any, error) {
	var req struct {
		Scope string `json:"scope"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("scope", req.Scope); err != nil {
		return nil, err
	}
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		if _, err := loadScope(tx, req.Scope); err != nil {
			return err
		}
		for _, b := range []string{secretsBucket, secretACLsBucket} {
			if err := deleteUnder(tx, b, secretKey(req.Scope, "")); err != nil {
				return err
			}
		}
		return tx.Delete(SecretScopesBucket, req.Scope)
	})
}

func (s *Service) putSecret(r *http.Request) (any, error) {
	var req struct {
		Scope       string  `json:"scope"`
		Key         string  `json:"key"`
		StringValue *string `json:"string_value"`
		BytesValue  *string `json:"bytes_value"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := core.RequireString("scope", req.Scope); err != nil {
		return nil, err
	}
	if err := core.RequireString("key", req.Key); err != nil {
		return nil, err
	}
	if !secretKeyRE.MatchString(req.Key) {
		return nil, core.InvalidParam("Invalid key %q: a secret key must consist of alphanumeric characters, dashes, underscores, and periods, and may not exceed 128 characters.", req.Key)
	}
	var value []byte
	switch {
	case req.StringValue != nil && req.BytesValue != nil:
		return nil, core.InvalidParam("Only one of string_value and bytes_value may be specified.")
	case req.StringValue != nil:
		value = []byte(*req.StringValue)
	case req.BytesValue != nil:
		b, err := base64.StdEncoding.DecodeString(*req.BytesValue)
		if err != nil {
			return nil, core.InvalidParam("bytes_value must be base64-encoded.")
		}
		value = b
	default:
		return nil, core.InvalidParam("Either string_value or bytes_value must be specified.")
	}
	if len(value) > maxSecretBytes {
		return nil, core.InvalidParam("Secret value exceeds the maximum size of %d bytes.", maxSecretBytes)
	}
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		sc, err := loadScope(tx, req.Scope)
		if err != nil {
			return err
		}
		if sc.BackendType == "AZURE_KEYVAULT" {
			return core.InvalidParam("Scope %s is backed by Azure Key Vault and is read-only through the Secrets API; write the secret to the key vault.", req.Scope)
		}
		key := secretKey(req.Scope, req.Key)
		if found, err := tx.Get(secretsBucket, key, &storedSecret{}); err != nil {
			return err
		} else if !found {
			n, err := CountUnder(tx, secretsBucket, secretKey(req.Scope, ""))
			if err != nil {
				return err
			}
			if n >= maxSecretsPerScope {
				return core.APIErr(http.StatusBadRequest, "MAX_SECRETS_PER_SCOPE_EXCEEDED", "Exceeded maximum number of secrets (%d) in scope %s.", maxSecretsPerScope, req.Scope)
			}
		}
		return tx.Put(secretsBucket, key, storedSecret{
			Key: req.Key, Value: base64.StdEncoding.EncodeToString(value), LastUpdatedTimestamp: s.Now().UnixMilli(),
		})
	})
}

// scopeAndKey reads the scope and key query parameters of the GET routes.
func scopeAndKey(r *http.Request, keyField string) (string, string, error) {
	scope, key := r.URL.Query().Get("scope"), r.URL.Query().Get(keyField)
	if err := core.RequireString("scope", scope); err != nil {
		return "", "", err
	}
	return scope, key, core.RequireString(keyField, key)
}

func (s *Service) getSecret(r *http.Request) (any, error) {
	scope, key, err := scopeAndKey(r, "key")
	if err != nil {
		return nil, err
	}
	sec, err := getInScope[storedSecret](s, secretsBucket, scope, key, core.NotFound("Failed to get secret %s for scope %s.", key, scope))
	if err != nil {
		return nil, err
	}
	return map[string]any{"key": sec.Key, "value": sec.Value}, nil
}

// getInScope loads what bucket holds under name in scope, answering
// missing when the scope exists but the name does not.
func getInScope[T any](s *Service, bucket, scope, name string, missing *core.APIError) (T, error) {
	var v T
	err := s.Store().View(func(tx core.Tx) error {
		if _, err := loadScope(tx, scope); err != nil {
			return err
		}
		found, err := tx.Get(bucket, secretKey(scope, name), &v)
		if err == nil && !found {
			return missing
		}
		return err
	})
	return v, err
}

// deleteInScope is getInScope's counterpart for the delete routes, which
// take scope and name (key or principal) in the body.
func (s *Service) deleteInScope(r *http.Request, bucket, nameField string, missing func(scope, name string) *core.APIError) (any, error) {
	var req map[string]string
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	scope, name := req["scope"], req[nameField]
	if err := core.RequireString("scope", scope); err != nil {
		return nil, err
	}
	if err := core.RequireString(nameField, name); err != nil {
		return nil, err
	}
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		if _, err := loadScope(tx, scope); err != nil {
			return err
		}
		var probe map[string]any
		if found, err := tx.Get(bucket, secretKey(scope, name), &probe); err != nil || !found {
			if err == nil {
				err = missing(scope, name)
			}
			return err
		}
		return tx.Delete(bucket, secretKey(scope, name))
	})
}

func (s *Service) listSecrets(r *http.Request) (any, error) {
	scope := r.URL.Query().Get("scope")
	if err := core.RequireString("scope", scope); err != nil {
		return nil, err
	}
	type metadata struct {
		Key                  string `json:"key"`
		LastUpdatedTimestamp int64  `json:"last_updated_timestamp"`
	}
	var out []metadata
	err := s.Store().View(func(tx core.Tx) error {
		if _, err := loadScope(tx, scope); err != nil {
			return err
		}
		all, err := core.GetAll[storedSecret](tx, secretsBucket, secretKey(scope, ""))
		for _, sec := range all {
			out = append(out, metadata{Key: sec.Key, LastUpdatedTimestamp: sec.LastUpdatedTimestamp})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"secrets": out}, nil
}

func (s *Service) deleteSecret(r *http.Request) (any, error) {
	return s.deleteInScope(r, secretsBucket, "key", func(scope, key string) *core.APIError {
		return core.NotFound("Secret %s does not exist in scope %s!", key, scope)
	})
}

func (s *Service) putSecretACL(r *http.Request) (any, error) {
	var req struct {
		Scope      string `json:"scope"`
		Principal  string `json:"principal"`
		Permission string `json:"permission"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	for _, f := range [][2]string{{"scope", req.Scope}, {"principal", req.Principal}, {"permission", req.Permission}} {
		if err := core.RequireString(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	if err := core.OneOf("permission", req.Permission, aclPermissions); err != nil {
		return nil, err
	}
	return map[string]any{}, s.Store().Update(func(tx core.Tx) error {
		if _, err := loadScope(tx, req.Scope); err != nil {
			return err
		}
		return tx.Put(secretACLsBucket, secretKey(req.Scope, req.Principal), secretACL{Principal: req.Principal, Permission: req.Permission})
	})
}

func (s *Service) getSecretACL(r *http.Request) (any, error) {
	scope, principal, err := scopeAndKey(r, "principal")
	if err != nil {
		return nil, err
	}
	return getInScope[secretACL](s, secretACLsBucket, scope, principal,
		core.NotFound("Failed to get secret acl for principal %s in scope %s.", principal, scope))
}

func (s *Service) listSecretACLs(r *http.Request) (any, error) {
	scope := r.URL.Query().Get("scope")
	if err := core.RequireString("scope", scope); err != nil {
		return nil, err
	}
	var items []secretACL
	err := s.Store().View(func(tx core.Tx) error {
		if _, err := loadScope(tx, scope); err != nil {
			return err
		}
		var err error
		items, err = core.GetAll[secretACL](tx, secretACLsBucket, secretKey(scope, ""))
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Principal < items[j].Principal })
	return map[string]any{"items": items}, nil
}

func (s *Service) deleteSecretACL(r *http.Request) (any, error) {
	return s.deleteInScope(r, secretACLsBucket, "principal", func(scope, principal string) *core.APIError {
		return core.NotFound("Failed to delete secret acl for principal %s in scope %s: no such acl.", principal, scope)
	})
}
