package emulator

import "net/http"

// routes is the emulator's table of contents. Paths follow the real REST API
// (databricks-sdk-go service/*/impl.go lists the ones its typed clients call);
// families never collide: the workspace API lives under /api/, operator
// endpoints under /_emulator/.
func (s *Server) routes() {
	ws := s.workspaceRoute

	// Host discovery, asked by recent SDKs before anything else.
	ws("GET /.well-known/databricks-config", s.wellKnownConfig)

	// Identity: the SDK and providers ask who the caller is.
	ws("GET /api/2.0/preview/scim/v2/Me", s.currentUser)

	// Clusters (clusters.go). The SDK calls 2.1; older clients and the
	// official provider still call 2.0, so both versions are served.
	for _, v := range []string{"2.0", "2.1"} {
		p := "/api/" + v + "/clusters/"
		ws("POST "+p+"create", s.createCluster)
		ws("GET "+p+"get", s.getCluster)
		ws("GET "+p+"list", s.listClusters)
		ws("POST "+p+"edit", s.editCluster)
		ws("POST "+p+"resize", s.resizeCluster)
		ws("POST "+p+"start", s.startCluster)
		ws("POST "+p+"restart", s.restartCluster)
		ws("POST "+p+"delete", s.deleteCluster)
		ws("POST "+p+"permanent-delete", s.permanentDeleteCluster)
		ws("GET "+p+"spark-versions", s.sparkVersions)
		ws("GET "+p+"list-node-types", s.listNodeTypes)
	}

	// Operator endpoints (operator.go): not part of any real API.
	op := s.operatorRoute
	op("GET /_emulator/health", s.health)
	op("POST /_emulator/reset", s.reset)
	op("GET /_emulator/requests", s.requests)
	op("DELETE /_emulator/requests", s.clearRequests)
	op("GET /_emulator/faults", s.getFaults)
	op("PUT /_emulator/faults", s.putFaults)
	op("DELETE /_emulator/faults", s.clearFaults)
	op("GET /_emulator/routes", s.listRoutes)

	// Anything else: 501 in the family's error shape. A bare 404 would read
	// as "resource gone" to a client and make Terraform drop state silently.
	s.mux.HandleFunc("/", s.unknownRoute)
}

// apiHandler serves one route: it returns the body of a 200 answer, or an
// error (an *APIError to answer in the API's shape).
type apiHandler func(r *http.Request) (any, error)

// workspaceRoute registers a workspace API route behind bearer-token auth.
func (s *Server) workspaceRoute(pattern string, h apiHandler) {
	s.patterns = append(s.patterns, pattern)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkWorkspaceAuth(r); err != nil {
			writeAPIError(w, err)
			return
		}
		body, err := h(r)
		if err != nil {
			writeAPIError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, body)
	})
}

// operatorRoute registers an operator endpoint; it shares the workspace
// API's tokens and error shape.
func (s *Server) operatorRoute(pattern string, h apiHandler) { s.workspaceRoute(pattern, h) }

// checkWorkspaceAuth answers like the workspace API: no credentials is 401,
// a token it does not know is 403 "Invalid access token.".
func (s *Server) checkWorkspaceAuth(r *http.Request) error {
	present, ok := s.authorized(r)
	switch {
	case ok:
		return nil
	case !present:
		return apiErr(http.StatusUnauthorized, codeUnauthenticated, "Credential was not sent or was of an unsupported type for this API.")
	default:
		return apiErr(http.StatusForbidden, codePermissionDenied, "Invalid access token.")
	}
}

func (s *Server) unknownRoute(w http.ResponseWriter, r *http.Request) {
	if err := s.checkWorkspaceAuth(r); err != nil {
		writeAPIError(w, err)
		return
	}
	writeAPIError(w, apiErr(http.StatusNotImplemented, codeNotImplemented,
		"The emulator does not implement %s %s.", r.Method, r.URL.Path))
}
