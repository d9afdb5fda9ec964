package core

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
)

// Credential is what a request's Authorization header turned out to be.
type Credential struct {
	// Present: an Authorization header was sent at all.
	Present bool
	// Ambiguous: more than one was sent; which one counts is up to each
	// proxy on the way, so none does.
	Ambiguous bool
	// Static: one of the --token values, accepted by every family.
	Static bool
	// Claims of an emulator-issued Entra ID token (valid signature), with
	// Expired set when it is past its lifetime.
	Claims  *TokenClaims
	Expired bool
}

// CredentialOf reads r's bearer token: a static token, a token the emulated
// Entra ID issued, or something else.
func (s *Server) CredentialOf(r *http.Request) Credential {
	hs := r.Header.Values("Authorization")
	if len(hs) == 0 || hs[0] == "" {
		return Credential{}
	}
	if len(hs) > 1 {
		return Credential{Present: true, Ambiguous: true}
	}
	h := hs[0]
	token, found := strings.CutPrefix(h, "Bearer ")
	if !found {
		return Credential{Present: true}
	}
	if s.KnownToken(token) {
		return Credential{Present: true, Static: true}
	}
	c, err := s.entra.Verify(token)
	switch {
	case errors.Is(err, ErrTokenExpired):
		return Credential{Present: true, Claims: &c, Expired: true}
	case err != nil:
		return Credential{Present: true}
	}
	return Credential{Present: true, Claims: &c}
}

// ErrMultipleAuthorization answers a request with two Authorization
// headers: taking the first, as net/http's Header.Get does, would let a
// proxy and the service disagree about who is calling.
const ErrMultipleAuthorization = "More than one Authorization header was sent; send exactly one."

// KnownToken reports whether token is one of the static --token values,
// which every family (workspace, ARM, GitHub) accepts.
func (s *Server) KnownToken(token string) bool {
	for _, t := range s.tokens {
		if subtle.ConstantTimeCompare([]byte(token), t) == 1 {
			return true
		}
	}
	return false
}

// CheckWorkspaceAuth answers like the workspace API: no credentials is 401,
// a token it does not know is 403 "Invalid access token.". Entra ID tokens
// must be for the Azure Databricks application; an ARM (management) token
// is refused as the bearer token but accepted — and, as in production,
// checked — in X-Databricks-Azure-SP-Management-Token, which the SDK sends
// beside the Databricks token for service principals. Source:
// databricks-sdk-go config/oauth_visitors.go (serviceToServiceVisitor).
func (s *Server) CheckWorkspaceAuth(r *http.Request) error {
	c := s.CredentialOf(r)
	switch {
	case !c.Present:
		return APIErr(http.StatusUnauthorized, codeUnauthenticated, "Credential was not sent or was of an unsupported type for this API.")
	case c.Ambiguous:
		return APIErr(http.StatusUnauthorized, codeUnauthenticated, ErrMultipleAuthorization)
	case c.Static:
		return nil
	case c.Claims == nil:
		return APIErr(http.StatusForbidden, CodePermissionDenied, "Invalid access token.")
	case c.Expired:
		return APIErr(http.StatusUnauthorized, codeUnauthenticated, "Token is expired.")
	case ClassifyAudience(c.Claims.Audience, RequestBase(r)) != AudienceDatabricks:
		return APIErr(http.StatusForbidden, CodePermissionDenied,
			"Invalid access token. The token's audience '%s' is not the Azure Databricks application (%s).", c.Claims.Audience, AzureDatabricksAppID)
	}
	if mgmt := r.Header.Get("X-Databricks-Azure-SP-Management-Token"); mgmt != "" {
		mc, err := s.entra.Verify(mgmt)
		if err != nil || ClassifyAudience(mc.Audience, RequestBase(r)) != AudienceARM || mc.AppID != c.Claims.AppID {
			return APIErr(http.StatusForbidden, CodePermissionDenied,
				"Invalid Azure management token in X-Databricks-Azure-SP-Management-Token: it must be a valid Azure Resource Manager token of the same service principal.")
		}
	}
	return nil
}
