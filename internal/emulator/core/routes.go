package core

import (
	"net/http"
	"strings"
)

// routes registers the core's own routes. The services register theirs
// (workspace/routes.go, azure, github); families never collide: the
// workspace API lives under /api/, ARM under /subscriptions/, GitHub under
// /github/, operator endpoints under /_emulator/. GET /_emulator/routes
// lists them all.
func (s *Server) routes() {
	// Operator endpoints (operator.go): not part of any real API.
	op := s.OperatorRoute
	op("GET /_emulator/health", s.health)
	op("POST /_emulator/reset", s.reset)
	op("GET /_emulator/requests", s.requests)
	op("DELETE /_emulator/requests", s.clearRequests)
	op("GET /_emulator/faults", s.getFaults)
	op("PUT /_emulator/faults", s.putFaults)
	op("DELETE /_emulator/faults", s.clearFaults)
	op("GET /_emulator/routes", s.listRoutes)
	op("GET /_emulator/clock", s.getClock)
	op("POST /_emulator/clock", s.advanceClock)
	// Anything else: 501 in the family's error shape. A bare 404 would read
	// as "resource gone" to a client and make Terraform drop state silently.
	s.mux.HandleFunc("/", s.unknownRoute)
}

// APIHandler serves one route: it returns the body of a 200 answer, or an
// error (an *APIError to answer in the API's shape).
type APIHandler func(r *http.Request) (any, error)

// WorkspaceRoute registers a workspace API route behind bearer-token auth.
func (s *Server) WorkspaceRoute(pattern string, h APIHandler) {
	s.addRoute(FamilyWorkspace, pattern)
	s.handleAPI(pattern, s.CheckWorkspaceAuth, h)
}

// PublicRoute registers a workspace route that production serves without
// authentication (host discovery).
func (s *Server) PublicRoute(pattern string, h APIHandler) {
	s.routeTable = append(s.routeTable, Route{Family: FamilyWorkspace, Pattern: pattern, Open: true})
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.answer(w, r, h) })
}

// handleAPI serves pattern behind auth, in the workspace API's error shape.
func (s *Server) handleAPI(pattern string, auth func(*http.Request) error, h APIHandler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := auth(r); err != nil {
			WriteAPIError(w, err)
			return
		}
		s.answer(w, r, h)
	})
}

// answer writes h's result in the workspace API's shape.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, h APIHandler) {
	body, err := h(r)
	if err != nil {
		WriteAPIError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, body)
}

// OperatorRoute registers an operator endpoint: the workspace API's error
// shape, behind the operator token (operator_auth.go).
func (s *Server) OperatorRoute(pattern string, h APIHandler) {
	s.addRoute(familyOperator, pattern)
	s.handleAPI(pattern, s.checkOperatorAuth, h)
}

// Route families, as GET /_emulator/routes reports them: each has its own
// auth and error shape (Databricks {"error_code","message"}, ARM
// {"error":{"code","message"}}, Entra ID OAuth errors, GitHub {"message"}).
const (
	FamilyWorkspace = "workspace"
	familyOperator  = "operator"
	FamilyARM       = "arm"
	FamilyEntra     = "entra"
	FamilyGitHub    = "github"
)

// Route is one entry of the route table.
type Route struct {
	Family  string `json:"family"`
	Pattern string `json:"pattern"`
	// Open routes need no credentials, as in production.
	Open bool `json:"open,omitempty"`
}

func (s *Server) addRoute(family, pattern string) {
	s.routeTable = append(s.routeTable, Route{Family: family, Pattern: pattern})
}

// Handle registers a route whose handler writes its whole answer (its
// family's auth, error shape or content type), listed under family.
func (s *Server) Handle(family, pattern string, h http.HandlerFunc) {
	s.addRoute(family, pattern)
	s.mux.HandleFunc(pattern, h)
}

// UnknownUnder answers the paths under prefix that no route matches, in the
// shape of the family that owns prefix (GitHub's, ARM's), instead of the
// workspace API's 501.
func (s *Server) UnknownUnder(prefix string, h http.HandlerFunc) {
	s.unknown = append(s.unknown, prefixHandler{prefix, h})
}

type prefixHandler struct {
	prefix string
	h      http.HandlerFunc
}

// Families under a path prefix are dispatched here rather than given their
// own catch-all pattern: "/github/" would conflict with Entra ID's
// "POST /{tenant}/oauth2/v2.0/token" in the mux.
func (s *Server) unknownRoute(w http.ResponseWriter, r *http.Request) {
	for _, u := range s.unknown {
		if strings.HasPrefix(r.URL.Path, u.prefix) {
			u.h(w, r)
			return
		}
	}
	check := s.CheckWorkspaceAuth
	if strings.HasPrefix(r.URL.Path, operatorPrefix) {
		check = s.checkOperatorAuth
	}
	if err := check(r); err != nil {
		WriteAPIError(w, err)
		return
	}
	WriteAPIError(w, APIErr(http.StatusNotImplemented, CodeNotImplemented,
		"The emulator does not implement %s %s.", r.Method, r.URL.Path))
}
