package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Tokens: the emulator issues Entra ID access tokens (JWTs signed with a key
// kept in the data directory, so they survive a restart) and every family
// checks them. Issuing them over OAuth2 is the azure package's (Entra ID's
// token endpoints); verifying them is the core's, because the workspace API
// accepts them too.

// ServicePrincipal is an application registration the emulated Entra ID
// knows: who may obtain tokens, with which secret, in which tenant.
type ServicePrincipal struct {
	ClientID string
	Secret   string
	TenantID string
}

// ParseServicePrincipal reads the `--service-principal` flag form
// id:secret:tenant. The secret is everything between the first and the last
// colon, so a secret may itself contain colons.
func ParseServicePrincipal(s string) (ServicePrincipal, error) {
	first, last := strings.Index(s, ":"), strings.LastIndex(s, ":")
	if first < 0 || first == last {
		return ServicePrincipal{}, fmt.Errorf("service principal %q: want client-id:secret:tenant-id", s)
	}
	sp := ServicePrincipal{ClientID: s[:first], Secret: s[first+1 : last], TenantID: s[last+1:]}
	if sp.ClientID == "" || sp.Secret == "" || sp.TenantID == "" {
		return ServicePrincipal{}, fmt.Errorf("service principal %q: client id, secret and tenant id must all be set", s)
	}
	return sp, nil
}

// Well-known identifiers. Sources: databricks-sdk-go
// common/environment/environments.go (the Azure Databricks application id
// every production Azure environment uses) and GitHub's OIDC documentation
// (issuer, and the audience Entra ID federation expects).
const (
	AzureDatabricksAppID    = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"
	GitHubActionsIssuer     = "https://token.actions.githubusercontent.com"
	TokenExchangeAudience   = "api://AzureADTokenExchange"
	ClientAssertionTypeJWT  = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	AccessTokenLifetime     = time.Hour
	signingKeyFile          = "entra-signing.key"
	DefaultFederatedSubject = "repo:brickops/mlops:ref:refs/heads/main"
)

// armAudiences are the audiences Azure Resource Manager accepts, in every
// national cloud: the resource URIs azidentity (cloud.Configuration
// Services[ResourceManager].Audience) and the Databricks SDK
// (ServiceManagementEndpoint) ask tokens for.
var armAudiences = map[string]bool{
	"https://management.azure.com":              true,
	"https://management.core.windows.net":       true,
	"https://management.usgovcloudapi.net":      true,
	"https://management.core.usgovcloudapi.net": true,
	"https://management.chinacloudapi.cn":       true,
	"https://management.core.chinacloudapi.cn":  true,
}

// AudienceFamily is the service a token's audience is for.
type AudienceFamily int

const (
	AudienceUnknown AudienceFamily = iota
	AudienceARM
	AudienceDatabricks
)

// ClassifyAudience tells which service accepts tokens for aud. self is the
// emulator's own base URL as the client reached it: ARM also accepts tokens
// whose audience is its own endpoint (the Databricks SDK asks for one when
// it resolves a workspace host from its ARM id: config/azure.go,
// azureEnsureWorkspaceUrl), and the emulator is that endpoint.
func ClassifyAudience(aud, self string) AudienceFamily {
	switch {
	case armAudiences[strings.TrimSuffix(aud, "/")], strings.TrimSuffix(aud, "/") == self:
		return AudienceARM
	case aud == AzureDatabricksAppID:
		return AudienceDatabricks
	}
	return AudienceUnknown
}

// EntraID issues and verifies the emulator's tokens. It is shared by the
// root server and every hosted workspace, so a token is valid on all of them.
type EntraID struct {
	key        []byte
	principals []ServicePrincipal
	Now        func() time.Time
}

// newEntraID loads the signing key from dataDir, creating it on first start.
func newEntraID(dataDir string, principals []ServicePrincipal, now func() time.Time) (*EntraID, error) {
	path := filepath.Join(dataDir, signingKeyFile)
	key, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("generating the token signing key: %w", err)
		}
		if err := os.WriteFile(path, key, 0o600); err != nil {
			return nil, fmt.Errorf("writing the token signing key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("reading the token signing key: %w", err)
	}
	return &EntraID{key: key, principals: principals, Now: now}, nil
}

// TokenClaims are the claims of the emulator's JWTs: the subset of an Entra
// ID app-only access token (and of a GitHub Actions ID token) that clients
// and the emulator's services look at.
type TokenClaims struct {
	Audience  string `json:"aud"`
	Issuer    string `json:"iss"`
	IssuedAt  int64  `json:"iat"`
	NotBefore int64  `json:"nbf"`
	Expires   int64  `json:"exp"`
	AppID     string `json:"appid,omitempty"`
	ObjectID  string `json:"oid,omitempty"`
	Subject   string `json:"sub"`
	TenantID  string `json:"tid,omitempty"`
	IDType    string `json:"idtyp,omitempty"`
	Version   string `json:"ver,omitempty"`
}

// Sign makes a JWT of c, signed with the emulator's key.
func (e *EntraID) Sign(c TokenClaims) (string, error) {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encoding token claims: %w", err)
	}
	signed := header + "." + base64.RawURLEncoding.EncodeToString(payload)
	return signed + "." + base64.RawURLEncoding.EncodeToString(e.mac(signed)), nil
}

func (e *EntraID) mac(signed string) []byte {
	m := hmac.New(sha256.New, e.key)
	m.Write([]byte(signed))
	return m.Sum(nil)
}

var (
	errNotEmulatorToken = errors.New("not a token this emulator issued")
	ErrTokenExpired     = errors.New("token expired")
)

// Verify checks a JWT's signature and validity window and returns its claims.
func (e *EntraID) Verify(token string) (TokenClaims, error) {
	var c TokenClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, errNotEmulatorToken
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, e.mac(parts[0]+"."+parts[1])) {
		return c, errNotEmulatorToken
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c, errNotEmulatorToken
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, errNotEmulatorToken
	}
	now := e.Now().Unix()
	if now >= c.Expires || now < c.NotBefore-300 {
		return c, ErrTokenExpired
	}
	return c, nil
}

// Principal finds clientID among the configured service principals.
func (e *EntraID) Principal(clientID string) (ServicePrincipal, bool) {
	for _, sp := range e.principals {
		if sp.ClientID == clientID {
			return sp, true
		}
	}
	return ServicePrincipal{}, false
}

// KnowsTenant reports whether a configured service principal is in tenant.
func (e *EntraID) KnowsTenant(tenant string) bool {
	for _, sp := range e.principals {
		if strings.EqualFold(sp.TenantID, tenant) {
			return true
		}
	}
	return false
}

// objectID derives a stable object id (a GUID) for a service principal.
func objectID(clientID string) string {
	h := sha256.Sum256([]byte("sp:" + clientID))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// Issue signs an app-only access token for sp and resource.
func (e *EntraID) Issue(sp ServicePrincipal, resource, version string) (string, time.Time, error) {
	now := e.Now()
	exp := now.Add(AccessTokenLifetime)
	issuer := "https://sts.windows.net/" + sp.TenantID + "/"
	if version == "2.0" {
		issuer = "https://login.microsoftonline.com/" + sp.TenantID + "/v2.0"
	}
	tok, err := e.Sign(TokenClaims{
		Audience: resource, Issuer: issuer, IssuedAt: now.Unix(), NotBefore: now.Unix(), Expires: exp.Unix(),
		AppID: sp.ClientID, ObjectID: objectID(sp.ClientID), Subject: objectID(sp.ClientID),
		TenantID: sp.TenantID, IDType: "app", Version: version,
	})
	return tok, exp, err
}

// RequestBase is the scheme://host the client used to reach the emulator.
func RequestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Entra is the token issuer shared by the root server and every hosted
// workspace, so a token is valid on all of them.
func (s *Server) Entra() *EntraID { return s.entra }
