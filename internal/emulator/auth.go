package emulator

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
)

// credential is what a request's Authorization header turned out to be.
type credential struct {
	// present: an Authorization header was sent at all.
	present bool
	// ambiguous: more than one was sent; which one counts is up to each
	// proxy on the way, so none does.
	ambiguous bool
	// static: one of the --token values, accepted by every family.
	static bool
	// claims of an emulator-issued Entra ID token (valid signature), with
	// expired set when it is past its lifetime.
	claims  *tokenClaims
	expired bool
}

// credentialOf reads r's bearer token: a static token, a token the emulated
// Entra ID issued, or something else.
func (s *Server) credentialOf(r *http.Request) credential {
	hs := r.Header.Values("Authorization")
	if len(hs) == 0 || hs[0] == "" {
		return credential{}
	}
	if len(hs) > 1 {
		return credential{present: true, ambiguous: true}
	}
	h := hs[0]
	token, found := strings.CutPrefix(h, "Bearer ")
	if !found {
		return credential{present: true}
	}
	if s.knownToken(token) {
		return credential{present: true, static: true}
	}
	c, err := s.entra.verify(token)
	switch {
	case errors.Is(err, errTokenExpired):
		return credential{present: true, claims: &c, expired: true}
	case err != nil:
		return credential{present: true}
	}
	return credential{present: true, claims: &c}
}

// errMultipleAuthorization answers a request with two Authorization
// headers: taking the first, as net/http's Header.Get does, would let a
// proxy and the service disagree about who is calling.
const errMultipleAuthorization = "More than one Authorization header was sent; send exactly one."

// knownToken reports whether token is one of the static --token values,
// which every family (workspace, ARM, GitHub) accepts.
func (s *Server) knownToken(token string) bool {
	for _, t := range s.tokens {
		if subtle.ConstantTimeCompare([]byte(token), t) == 1 {
			return true
		}
	}
	return false
}

// checkWorkspaceAuth answers like the workspace API: no credentials is 401,
// a token it does not know is 403 "Invalid access token.". Entra ID tokens
// must be for the Azure Databricks application; an ARM (management) token
// is refused as the bearer token but accepted — and, as in production,
// checked — in X-Databricks-Azure-SP-Management-Token, which the SDK sends
// beside the Databricks token for service principals. Source:
// databricks-sdk-go config/oauth_visitors.go (serviceToServiceVisitor).
func (s *Server) checkWorkspaceAuth(r *http.Request) error {
	c := s.credentialOf(r)
	switch {
	case !c.present:
		return apiErr(http.StatusUnauthorized, codeUnauthenticated, "Credential was not sent or was of an unsupported type for this API.")
	case c.ambiguous:
		return apiErr(http.StatusUnauthorized, codeUnauthenticated, errMultipleAuthorization)
	case c.static:
		return nil
	case c.claims == nil:
		return apiErr(http.StatusForbidden, codePermissionDenied, "Invalid access token.")
	case c.expired:
		return apiErr(http.StatusUnauthorized, codeUnauthenticated, "Token is expired.")
	case classifyAudience(c.claims.Audience, requestBase(r)) != audienceDatabricks:
		return apiErr(http.StatusForbidden, codePermissionDenied,
			"Invalid access token. The token's audience '%s' is not the Azure Databricks application (%s).", c.claims.Audience, AzureDatabricksAppID)
	}
	if mgmt := r.Header.Get("X-Databricks-Azure-SP-Management-Token"); mgmt != "" {
		mc, err := s.entra.verify(mgmt)
		if err != nil || classifyAudience(mc.Audience, requestBase(r)) != audienceARM || mc.AppID != c.claims.AppID {
			return apiErr(http.StatusForbidden, codePermissionDenied,
				"Invalid Azure management token in X-Databricks-Azure-SP-Management-Token: it must be a valid Azure Resource Manager token of the same service principal.")
		}
	}
	return nil
}
