package emulator

import (
	"net/http"
	"strings"
)

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

	// Azure Resource Manager (arm.go) and Entra ID (entraid.go) are served
	// by the root server only; workspaces created through ARM are hosted
	// on their own ports (workspace_hosts.go).
	if s.hosted != nil {
		s.armRoutes()
		s.entraRoutes()
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

	// Anything else: 501 in the family's error shape. A bare 404 would read
	// as "resource gone" to a client and make Terraform drop state silently.
	s.mux.HandleFunc("/", s.unknownRoute)
}

// armRoutes: resource groups and Microsoft.Databricks/workspaces. ARM
// matches segments case-insensitively; clients spell resource groups both
// ways (armdatabricks: resourceGroups, armresources: resourcegroups).
func (s *Server) armRoutes() {
	rgv, dbv := resourceGroupAPIVersions, databricksAPIVersions
	const ws = "Microsoft.Databricks/workspaces"
	for _, rgs := range []string{"resourceGroups", "resourcegroups"} {
		g := "/subscriptions/{sub}/" + rgs + "/{rg}"
		s.armRoute("PUT "+g, rgv, "resourceGroups", s.putResourceGroup)
		s.armRoute("GET "+g, rgv, "resourceGroups", s.getResourceGroup)
		s.armRoute("HEAD "+g, rgv, "resourceGroups", s.headResourceGroup)
		w := g + "/providers/Microsoft.Databricks/workspaces"
		s.armRoute("GET "+w, dbv, ws, s.listWorkspacesInGroup)
		s.armRoute("PUT "+w+"/{name}", dbv, ws, s.putWorkspace)
		s.armRoute("GET "+w+"/{name}", dbv, ws, s.getWorkspace)
		s.armRoute("PATCH "+w+"/{name}", dbv, ws, s.patchWorkspace)
		s.armRoute("DELETE "+w+"/{name}", dbv, ws, s.deleteWorkspace)
	}
	p := "/subscriptions/{sub}/providers/Microsoft.Databricks"
	s.armRoute("GET "+p+"/workspaces", dbv, ws, s.listWorkspacesInSubscription)
	s.armRoute("GET "+p+"/locations/{loc}/operationStatuses/{op}", dbv, ws, s.operationStatus)
	s.armRoute("GET "+p+"/locations/{loc}/operationResults/{op}", dbv, ws, s.operationResult)
}

// entraRoutes: Entra ID token issuance, the managed identity endpoint, and
// the GitHub Actions ID-token stand-in used for federated credentials.
func (s *Server) entraRoutes() {
	s.entraRoute("POST /{tenant}/oauth2/v2.0/token", s.tokenV2)
	s.entraRoute("POST /{tenant}/oauth2/token", s.tokenV1)
	s.entraRoute("GET /{tenant}/v2.0/.well-known/openid-configuration", s.openIDConfiguration)
	s.entraRoute("GET /metadata/identity/oauth2/token", s.imdsToken)
	s.operatorRoute("GET /_emulator/github-actions/idtoken", s.githubIDToken)
}

// apiHandler serves one route: it returns the body of a 200 answer, or an
// error (an *APIError to answer in the API's shape).
type apiHandler func(r *http.Request) (any, error)

// workspaceRoute registers a workspace API route behind bearer-token auth.
func (s *Server) workspaceRoute(pattern string, h apiHandler) {
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

func (s *Server) unknownRoute(w http.ResponseWriter, r *http.Request) {
	if s.hosted != nil && strings.HasPrefix(r.URL.Path, "/subscriptions/") {
		s.armUnknownRoute(w, r)
		return
	}
	if err := s.checkWorkspaceAuth(r); err != nil {
		writeAPIError(w, err)
		return
	}
	writeAPIError(w, apiErr(http.StatusNotImplemented, codeNotImplemented,
		"The emulator does not implement %s %s.", r.Method, r.URL.Path))
}
