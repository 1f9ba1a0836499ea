// Package api is the REST API of civicspace: the HTTP surface of a
// civicspace.Service and nothing else.
//
// The contract is openapi.yaml at the repository's root. oapi-codegen
// generates the models, the std-http router and the strict server from it
// into api.gen.go (go generate ./api/); this package supplies the strict
// handlers (handlers.go), the one mapping between generated and domain types
// (convert.go), RFC 9457 problem responses with the one table from domain
// error codes to statuses (problem.go), and the middleware (middleware.go):
// panic recovery, request IDs and slog access logs, Prometheus metrics by
// route template, the body limit and request validation against the spec.
//
// Create a Server with New and serve it:
//
//	srv, err := api.New(svc, api.WithLogger(logger))
//	http.ListenAndServe(addr, srv)
package api
