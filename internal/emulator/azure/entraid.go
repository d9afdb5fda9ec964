package azure

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Entra ID (Azure AD) token issuance: the OAuth2 token endpoints (v1 and
// v2.0), the tenant's OpenID configuration that MSAL (azidentity) reads
// before asking for a token, the Azure Instance Metadata Service endpoint
// managed identities use, and a GitHub Actions OIDC ID-token endpoint whose
// tokens the token endpoint accepts as federated client assertions.
//
// Issued access tokens are JWTs signed (HS256) with a key kept in the data
// directory, so they survive a restart, and carry the audience the caller
// asked for. The services check it the way the real ones do: ARM takes
// management-audience tokens, the workspace API takes tokens for the Azure
// Databricks application (2ff814a6-…), see core/auth.go.

// aadError is Entra ID's OAuth2 error body. Source: databricks-sdk-go
// config/azure.go (azureActiveDirectoryErrorResponse) and MSAL's
// apps/internal/oauth/ops/accesstokens (error, error_description,
// error_codes), which is what both clients parse.
type aadError struct {
	Status      int    `json:"-"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Codes       []int  `json:"error_codes"`
	Timestamp   string `json:"timestamp"`
	TraceID     string `json:"trace_id"`
	Correlation string `json:"correlation_id"`
	URI         string `json:"error_uri"`
}

// aadErr builds an AADSTS error. The description starts with the AADSTS
// code like the real service's, and the trace/correlation ids follow so the
// Databricks SDK's trimming (it cuts at ". Trace ID") behaves as in
// production.
func (e entra) aadErr(status int, errCode string, aadsts int, format string, args ...any) *aadError {
	trace := newGUID()
	corr := newGUID()
	ts := e.Now().UTC().Format("2006-01-02 15:04:05Z")
	return &aadError{
		Status: status, Error: errCode, Codes: []int{aadsts},
		Description: fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s", aadsts, fmt.Sprintf(format, args...), trace, corr, ts),
		Timestamp:   ts, TraceID: trace, Correlation: corr,
		URI: fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", aadsts),
	}
}

func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	x := hex.EncodeToString(b[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// authenticateClient validates a client-credentials grant: tenant, client,
// and either client_secret or a federated client_assertion.
func (e entra) authenticateClient(tenant string, form map[string][]string) (core.ServicePrincipal, *aadError) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if gt := get("grant_type"); gt != "client_credentials" {
		return core.ServicePrincipal{}, e.aadErr(http.StatusBadRequest, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type '%s'. The emulator supports client_credentials.", gt)
	}
	if !e.KnowsTenant(tenant) {
		return core.ServicePrincipal{}, e.aadErr(http.StatusBadRequest, "invalid_request", 90002,
			"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant)
	}
	clientID := get("client_id")
	if clientID == "" {
		return core.ServicePrincipal{}, e.aadErr(http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'client_id'.")
	}
	sp, ok := e.Principal(clientID)
	if !ok || !strings.EqualFold(sp.TenantID, tenant) {
		return core.ServicePrincipal{}, e.aadErr(http.StatusBadRequest, "unauthorized_client", 700016,
			"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, tenant)
	}
	if assertion := get("client_assertion"); assertion != "" {
		if at := get("client_assertion_type"); at != core.ClientAssertionTypeJWT {
			return core.ServicePrincipal{}, e.aadErr(http.StatusBadRequest, "invalid_request", 7000012,
				"The client_assertion_type '%s' is not supported; use '%s'.", at, core.ClientAssertionTypeJWT)
		}
		return sp, e.checkAssertion(sp, assertion)
	}
	secret := get("client_secret")
	if secret == "" {
		return core.ServicePrincipal{}, e.aadErr(http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(sp.Secret)) != 1 {
		return core.ServicePrincipal{}, e.aadErr(http.StatusUnauthorized, "invalid_client", 7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID)
	}
	return sp, nil
}

// checkAssertion validates a federated credential: a GitHub Actions ID
// token issued by this emulator (see githubIDToken), for the token-exchange
// audience, still valid. Every configured service principal trusts the
// emulated GitHub issuer for any subject.
func (e entra) checkAssertion(sp core.ServicePrincipal, assertion string) *aadError {
	c, err := e.Verify(assertion)
	switch {
	case errors.Is(err, core.ErrTokenExpired):
		return e.aadErr(http.StatusBadRequest, "invalid_client", 700024, "Client assertion is not within its valid time range.")
	case err != nil:
		return e.aadErr(http.StatusBadRequest, "invalid_client", 50027, "JWT token is invalid or is malformed.")
	case c.Issuer != core.GitHubActionsIssuer:
		return e.aadErr(http.StatusBadRequest, "invalid_client", 700211,
			"No matching federated identity record found for presented assertion issuer '%s'.", c.Issuer)
	case c.Audience != core.TokenExchangeAudience:
		return e.aadErr(http.StatusBadRequest, "invalid_client", 700212,
			"No matching federated identity record found for presented assertion audience '%s'.", c.Audience)
	}
	return nil
}

// resourceFromScope turns a v2.0 scope ("<resource>/.default") into the
// resource (audience) it names. The OpenID scopes MSAL always adds
// (openid, profile, offline_access) are ignored, as Entra ID does.
func (e entra) resourceFromScope(scope, tenant, self string) (string, *aadError) {
	var resources []string
	for _, sc := range strings.Fields(scope) {
		switch sc {
		case "openid", "profile", "offline_access", "email":
		default:
			resources = append(resources, sc)
		}
	}
	if len(resources) == 0 {
		return "", e.aadErr(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
	}
	resource, ok := strings.CutSuffix(resources[0], "/.default")
	if !ok || len(resources) > 1 {
		return "", e.aadErr(http.StatusBadRequest, "invalid_scope", 1002012,
			"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", strings.Join(resources, " "))
	}
	return resource, e.checkResource(resource, tenant, self)
}

func (e entra) checkResource(resource, tenant, self string) *aadError {
	if core.ClassifyAudience(resource, self) == core.AudienceUnknown {
		return e.aadErr(http.StatusBadRequest, "invalid_resource", 500011,
			"The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", resource, tenant)
	}
	return nil
}

// entraHandler serves one Entra ID endpoint: it returns a JSON body, or an
// *aadError to answer in Entra ID's error shape.
type entraHandler func(r *http.Request) (any, *aadError)

// entraRoute registers an Entra ID endpoint. Token endpoints take no bearer
// token: the client authenticates in the form body.
func (s *Service) entraRoute(pattern string, h entraHandler) {
	s.Handle(core.FamilyEntra, pattern, func(w http.ResponseWriter, r *http.Request) {
		body, aerr := h(r)
		if aerr != nil {
			core.WriteJSON(w, aerr.Status, aerr)
			return
		}
		w.Header().Set("Cache-Control", "no-store, no-cache")
		core.WriteJSON(w, http.StatusOK, body)
	})
}

// parseTokenForm reads a token request's form. Client credentials may also
// come as HTTP Basic auth (client_secret_basic, RFC 6749 section 2.3.1,
// form-encoded), which golang.org/x/oauth2 — under the Databricks SDK —
// tries first.
func (s *Service) parseTokenForm(r *http.Request) *aadError {
	r.Body = http.MaxBytesReader(nil, r.Body, core.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return s.entra.aadErr(http.StatusBadRequest, "invalid_request", 900144, "The request body could not be parsed: %v.", err)
	}
	if user, pass, ok := r.BasicAuth(); ok && r.PostForm.Get("client_id") == "" {
		id, err1 := url.QueryUnescape(user)
		secret, err2 := url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			return s.entra.aadErr(http.StatusUnauthorized, "invalid_client", 7000218, "The client credentials in the Authorization header are not form-encoded.")
		}
		r.PostForm.Set("client_id", id)
		r.PostForm.Set("client_secret", secret)
	}
	return nil
}

// tokenV2 is the v2.0 token endpoint MSAL (azidentity) calls:
// POST /{tenant}/oauth2/v2.0/token with scope=<resource>/.default.
func (s *Service) tokenV2(r *http.Request) (any, *aadError) {
	if aerr := s.parseTokenForm(r); aerr != nil {
		return nil, aerr
	}
	tenant := r.PathValue("tenant")
	sp, aerr := s.entra.authenticateClient(tenant, r.PostForm)
	if aerr != nil {
		return nil, aerr
	}
	resource, aerr := s.entra.resourceFromScope(r.PostForm.Get("scope"), tenant, core.RequestBase(r))
	if aerr != nil {
		return nil, aerr
	}
	tok, _, err := s.entra.Issue(sp, resource, "2.0")
	if err != nil {
		return nil, s.entra.aadErr(http.StatusInternalServerError, "server_error", 50000, "%v", err)
	}
	lifetime := int(core.AccessTokenLifetime.Seconds()) - 1
	return map[string]any{"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": tok}, nil
}

// tokenV1 is the v1 token endpoint the Databricks SDK calls for Azure client
// secret and GitHub OIDC auth: POST /{tenant}/oauth2/token with
// resource=<resource>. Source: databricks-sdk-go
// config/auth_azure_client_secret.go and config/auth_azure_github_oidc.go.
// Numbers are strings in v1 answers, as the real endpoint sends them.
func (s *Service) tokenV1(r *http.Request) (any, *aadError) {
	if aerr := s.parseTokenForm(r); aerr != nil {
		return nil, aerr
	}
	tenant := r.PathValue("tenant")
	sp, aerr := s.entra.authenticateClient(tenant, r.PostForm)
	if aerr != nil {
		return nil, aerr
	}
	resource := r.PostForm.Get("resource")
	if resource == "" {
		return nil, s.entra.aadErr(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'resource'.")
	}
	if aerr := s.entra.checkResource(resource, tenant, core.RequestBase(r)); aerr != nil {
		return nil, aerr
	}
	tok, exp, err := s.entra.Issue(sp, resource, "1.0")
	if err != nil {
		return nil, s.entra.aadErr(http.StatusInternalServerError, "server_error", 50000, "%v", err)
	}
	return v1TokenBody(tok, resource, exp, s.Now()), nil
}

func v1TokenBody(tok, resource string, exp, now time.Time) map[string]any {
	lifetime := strconv.Itoa(int(exp.Sub(now).Seconds()))
	return map[string]any{
		"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime,
		"expires_on": strconv.FormatInt(exp.Unix(), 10), "not_before": strconv.FormatInt(now.Unix(), 10),
		"resource": resource, "access_token": tok,
	}
}

// openIDConfiguration is the tenant discovery document MSAL fetches before
// its first token request; it requires authorization_endpoint,
// token_endpoint and an issuer on the authority's own host. Source: MSAL Go
// apps/internal/oauth/ops/authority (TenantDiscoveryResponse.Validate,
// ValidateIssuerMatchesAuthority).
func (s *Service) openIDConfiguration(r *http.Request) (any, *aadError) {
	tenant := r.PathValue("tenant")
	if !s.entra.KnowsTenant(tenant) {
		return nil, s.entra.aadErr(http.StatusBadRequest, "invalid_tenant", 90002,
			"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant)
	}
	base := core.RequestBase(r) + "/" + tenant
	return map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"issuer":                                base + "/v2.0",
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"tenant_region_scope":                   "EU",
	}, nil
}

// imdsToken is the Azure Instance Metadata Service managed-identity token
// endpoint: GET /metadata/identity/oauth2/token?api-version=2018-02-01
// &resource=…[&client_id=…] with "Metadata: true". Sources:
// databricks-sdk-go config/auth_azure_msi.go, MSAL Go apps/managedidentity
// (imdsAPIVersion, the response's string numbers).
func (s *Service) imdsToken(r *http.Request) (any, *aadError) {
	if r.Header.Get("Metadata") != "true" {
		return nil, &aadError{Status: http.StatusBadRequest, Error: "invalid_request", Description: "Required metadata header not specified"}
	}
	return s.managedIdentityToken(r)
}

// appServiceIdentityToken is the App Service (and Functions, Container
// Apps) managed-identity endpoint that IDENTITY_ENDPOINT names: GET
// ?api-version=2019-08-01&resource=…[&client_id=…] with the
// X-IDENTITY-HEADER secret from IDENTITY_HEADER — here, an emulator token.
// Unlike the fixed IMDS address, Azure's SDKs find it through those
// variables, so a managed identity can be pointed at the emulator. Source:
// MSAL Go apps/managedidentity (createAppServiceAuthRequest).
func (s *Service) appServiceIdentityToken(r *http.Request) (any, *aadError) {
	if !s.KnownToken(r.Header.Get("X-IDENTITY-HEADER")) {
		return nil, &aadError{Status: http.StatusUnauthorized, Error: "invalid_request", Description: "The X-IDENTITY-HEADER is missing or does not match IDENTITY_HEADER."}
	}
	return s.managedIdentityToken(r)
}

// managedIdentityToken issues a managed identity's token. The machine's
// identities are the --managed-identity ones: the first is system-assigned,
// client_id picks another (user-assigned). Without any, every request
// gets "Identity not found", as IMDS answers on a VM with no identity.
func (s *Service) managedIdentityToken(r *http.Request) (any, *aadError) {
	q := r.URL.Query()
	if q.Get("api-version") == "" {
		return nil, &aadError{Status: http.StatusBadRequest, Error: "invalid_request", Description: "Required query variable 'api-version' is missing"}
	}
	resource := q.Get("resource")
	if resource == "" {
		return nil, &aadError{Status: http.StatusBadRequest, Error: "invalid_request", Description: "Required query variable 'resource' is missing"}
	}
	if core.ClassifyAudience(resource, core.RequestBase(r)) == core.AudienceUnknown {
		return nil, &aadError{Status: http.StatusBadRequest, Error: "invalid_resource", Description: fmt.Sprintf("AADSTS500011: The resource principal named %s was not found in the tenant.", resource)}
	}
	id := q.Get("client_id")
	if id == "" && len(s.Options().ManagedIdentities) > 0 {
		id = s.Options().ManagedIdentities[0]
	}
	sp, ok := s.entra.Principal(id)
	if !ok || !slices.Contains(s.Options().ManagedIdentities, id) {
		return nil, &aadError{Status: http.StatusBadRequest, Error: "invalid_request", Description: "Identity not found"}
	}
	tok, exp, err := s.entra.Issue(sp, resource, "1.0")
	if err != nil {
		return nil, &aadError{Status: http.StatusInternalServerError, Error: "server_error", Description: err.Error()}
	}
	body := v1TokenBody(tok, resource, exp, s.Now())
	body["client_id"] = sp.ClientID
	return body, nil
}

// githubIDToken stands in for GitHub Actions' ID-token endpoint
// (ACTIONS_ID_TOKEN_REQUEST_URL, called with "Authorization: Bearer
// $ACTIONS_ID_TOKEN_REQUEST_TOKEN" and ?audience=…; it answers
// {"value": "<jwt>"}). Source: databricks-sdk-go
// config/experimental/auth/oidc (GithubIDTokenSource). Point
// ACTIONS_ID_TOKEN_REQUEST_URL at <emulator>/_emulator/github-actions/idtoken
// and use an emulator token as the request token; ?subject= sets the
// token's subject (default repo:brickops/mlops:ref:refs/heads/main).
func (s *Service) githubIDToken(r *http.Request) (any, error) {
	q := r.URL.Query()
	aud := q.Get("audience")
	if aud == "" {
		aud = "https://github.com/brickops"
	}
	sub := q.Get("subject")
	if sub == "" {
		sub = core.DefaultFederatedSubject
	}
	now := s.Now()
	tok, err := s.entra.Sign(core.TokenClaims{
		Audience: aud, Issuer: core.GitHubActionsIssuer, Subject: sub,
		IssuedAt: now.Unix(), NotBefore: now.Unix(), Expires: now.Add(5 * time.Minute).Unix(),
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"count": 1, "value": tok}, nil
}

// entraRoutes: Entra ID token issuance, the managed identity endpoint, and
// the GitHub Actions ID-token stand-in used for federated credentials.
func (s *Service) entraRoutes() {
	s.entraRoute("POST /{tenant}/oauth2/v2.0/token", s.tokenV2)
	s.entraRoute("POST /{tenant}/oauth2/token", s.tokenV1)
	s.entraRoute("GET /{tenant}/v2.0/.well-known/openid-configuration", s.openIDConfiguration)
	s.entraRoute("GET /metadata/identity/oauth2/token", s.imdsToken)
	s.entraRoute("GET /msi/token", s.appServiceIdentityToken)
	s.OperatorRoute("GET /_emulator/github-actions/idtoken", s.githubIDToken)
}
