package opa_test

import "flag"

// update rewrites golden files (and formats the built-in Rego) instead of
// comparing with them.
var update = flag.Bool("update", false, "rewrite golden files under testdata/")
