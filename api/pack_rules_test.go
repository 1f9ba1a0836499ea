package api_test

import (
	"net/http"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestPackWithoutRequiredRulesIsRefused: a pack that replaces the points
// module without the rule the scorer evaluates is refused at upload with a
// 422 problem naming the rule, and is never stored.
func TestPackWithoutRequiredRulesIsRefused(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	p := e.do("POST", "/v1/policy-packs", map[string]any{"name": "partial", "version": "1", "files": map[string]string{
		"civicspace/points.rego": "package civicspace.points\n\nanswer(_, _) := {}\n",
	}}).problem(t, http.StatusUnprocessableEntity, civicspace.EINVALID)
	require.Contains(t, p.Detail, "data.civicspace.points.results")
	require.NotEmpty(t, p.Errors)
	e.do("GET", "/v1/policy-packs/partial/1", nil).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
}
