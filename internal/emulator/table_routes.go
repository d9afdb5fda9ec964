package emulator

import "net/http"

// tableDataRoutes registers the routes of table data: the SQL Statement
// Execution API (sql_statements.go), serving endpoint invocations
// (serving_invocations.go) and the operator's traffic and labels
// (serving_traffic.go).
func (s *Server) tableDataRoutes() {
	ws := s.workspaceRoute
	// Paths from databricks-sdk-go service/sql/impl.go (statementExecutionImpl).
	st := "/api/2.0/sql/statements"
	ws("POST "+st, s.executeStatement)
	ws("GET "+st+"/{statement_id}", s.getStatement)
	ws("POST "+st+"/{statement_id}/cancel", s.cancelStatement)
	ws("GET "+st+"/{statement_id}/result/chunks/{chunk_index}", s.getStatementResultChunk)

	// Invocations answer the scoring server's bodies and headers, not the
	// API's JSON envelope, so they are raw handlers (auth checked inside).
	// Path from databricks-sdk-go service/serving/impl.go (Query).
	for pattern, h := range map[string]func(w http.ResponseWriter, r *http.Request){
		"POST /serving-endpoints/{name}/invocations":                              s.invokeEndpoint,
		"POST /serving-endpoints/{name}/served-models/{served_model}/invocations": s.invokeServedModel,
	} {
		s.addRoute(familyWorkspace, pattern)
		s.mux.HandleFunc(pattern, h)
	}

	op := s.operatorRoute
	op("POST /_emulator/serving-endpoints/{name}/traffic", s.generateTraffic)
	op("POST /_emulator/serving-endpoints/{name}/labels", s.postLabels)
}
