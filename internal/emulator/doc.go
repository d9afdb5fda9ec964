// Package emulator is a local, persistent imitation of the Azure Databricks
// REST API, of the parts of Azure Resource Manager and Entra ID that
// BrickOps uses, and of the GitHub REST API. It serves real clients —
// databricks-sdk-go, the Azure SDK, go-github — over HTTP, so tests, the
// demo and users' hermetic CI exercise exactly the path production takes.
//
// This package assembles the emulator (NewServer) and serves the console
// (/_console/, console*.go). The code lives by service:
//
//	core/       the Server and its route table (routes.go: the route kinds
//	            WorkspaceRoute, PublicRoute, OperatorRoute, Handle), the store
//	            (store.go, partition.go for hosted workspaces), auth and
//	            tokens (auth.go, tokens.go, operator_auth.go), the API error
//	            shape (errors.go), JSON decoding (decode.go), paging, faults,
//	            the request log, the recorder, TLS, the clock (Server.Now),
//	            the table data engine (tables.go: Server.TableData, rows of
//	            Unity Catalog tables in SQLite, package tabledata), the
//	            operator API /_emulator/… (operator.go), ListenAndServe.
//	workspace/  the Databricks workspace API, one file per API family:
//	            clusters.go, libraries.go, cluster_policies.go,
//	            instance_pools.go, jobs.go, catalogs.go, schemas.go,
//	            tables.go, volumes.go, grants.go, metastores.go,
//	            entity_tags.go, registered_models.go, model_versions.go,
//	            mlflow*.go, serving_endpoints.go, online_tables.go,
//	            quality_monitors.go, secrets.go, permissions.go, scim.go,
//	            sql_warehouses.go, sql_statements.go (reads table data),
//	            serving_invocations.go (writes inference tables),
//	            workspace_objects.go, repos.go, …;
//	            routes.go lists every workspace route in order.
//	azure/      ARM resource groups and Databricks workspaces with their
//	            long-running operations (arm.go), Entra ID token endpoints,
//	            IMDS, App Service identity and the GitHub OIDC stand-in
//	            (entraid.go), and the hosting of workspaces created through
//	            ARM on their own ports (workspace_hosts.go).
//	github/     the GitHub REST API under /github/ and its seeding operator
//	            endpoints; github.go ends with its route list.
//
// The whole route table, every family, is GET /_emulator/routes; the
// bad-input suite (badinput_test.go) fails when a route has no bad-input
// row. Tests that drive the emulator through the SDK clients live here.
//
// # How a service registers routes
//
// A service is a type embedding *core.Server (workspace.Service,
// azure.Service, github.Service); its handlers are methods on it, with the
// core's helpers at hand: s.Store() and core.Tx for state, s.Now() for the
// emulator clock, core.DecodeBody, core.InvalidParam / core.NotFound /
// core.APIErr for errors in the Databricks shape, core.Page for lists. Its
// Routes method registers each route with the route kind that gives the
// family's auth and error shape:
//
//	ws := s.WorkspaceRoute // bearer token, Databricks errors
//	ws("GET /api/2.0/things/{id}", s.getThing)
//	s.OperatorRoute("PUT /_emulator/things", s.seedThings) // operator token
//
// Families with their own shape (ARM, Entra ID, GitHub) wrap s.Handle, and
// claim their unmatched paths with s.UnknownUnder.
//
// # How to add a workspace API family
//
// Add workspace/<family>.go with the family's types, validation, state
// machine and handlers (methods on *Service); list its routes in
// workspace/routes.go under a comment naming the file and the
// databricks-sdk-go source of the paths; add its bad-input rows to
// badinput_test.go. A new service (rare) gets its own package with a
// Service embedding *core.Server and is registered in NewServer.
package emulator
