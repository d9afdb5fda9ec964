package core

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// operatorTokenPrefix marks generated operator tokens so that one pasted
// into the wrong place is recognisable.
const operatorTokenPrefix = "bo-operator-"

// resolveOperatorToken generates the operator token when none is given and
// refuses one that is also a workspace token: the operator API must have a
// credential of its own.
func resolveOperatorToken(opts *Options) error {
	if opts.OperatorToken == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("emulator: generating the operator token: %w", err)
		}
		opts.OperatorToken = operatorTokenPrefix + hex.EncodeToString(b)
	}
	if slices.Contains(opts.Tokens, opts.OperatorToken) {
		return fmt.Errorf("emulator: the operator token must differ from every --token value")
	}
	return nil
}

// OperatorToken is the credential of the operator API (/_emulator/…),
// generated at start unless Options.OperatorToken set it.
func (s *Server) OperatorToken() string { return s.opts.OperatorToken }

// checkOperatorAuth lets through only "Authorization: Bearer <operator
// token>", sent once. Workspace (--token), Entra ID and GitHub tokens are
// refused with a message that says which credential is wanted.
func (s *Server) checkOperatorAuth(r *http.Request) error {
	hs := r.Header.Values("Authorization")
	if len(hs) == 0 {
		return APIErr(http.StatusUnauthorized, codeUnauthenticated,
			"The emulator's operator API needs Authorization: Bearer <operator token> (printed by `brickops emulator` at start, or set with --operator-token).")
	}
	if len(hs) > 1 {
		return APIErr(http.StatusUnauthorized, codeUnauthenticated, ErrMultipleAuthorization)
	}
	token, ok := strings.CutPrefix(hs[0], "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.opts.OperatorToken)) != 1 {
		return APIErr(http.StatusForbidden, CodePermissionDenied,
			"Invalid operator token. The operator API (/_emulator/) accepts only the --operator-token credential, never a workspace, Entra ID or GitHub token.")
	}
	return nil
}
