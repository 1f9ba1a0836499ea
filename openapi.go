// Package civicspace is the root of the civicspace module. It holds only the
// files that must sit at the repository's root and ship inside the binaries:
// the OpenAPI description of the REST API, which is the contract the server
// in package api is generated from. The library is in the civicspace
// subpackage (github.com/civicspace/civicspace/civicspace).
//
// The spec is embedded here because go:embed cannot reach a parent
// directory: api/ cannot embed ../openapi.yaml, and a copy under api/ could
// drift from the file people read and lint.
package civicspace

import _ "embed"

// OpenAPI is openapi.yaml, byte for byte.
//
//go:embed openapi.yaml
var OpenAPI []byte
