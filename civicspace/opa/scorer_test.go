package opa_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/stretchr/testify/require"
)

// TestPolicyRegoTests runs the built-in policy's _test.rego files.
func TestPolicyRegoTests(t *testing.T) {
	results, err := opa.RunPolicyTests(context.Background(), testCatalog(t))
	require.NoError(t, err)
	require.NotEmpty(t, results)
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			require.True(t, r.Pass, "%s %s at %s: %s", r.Package, r.Name, r.Location, r.Message)
		})
	}
}

func TestScoreSmoke(t *testing.T) {
	s := newScorer(t, testCatalog(t))
	a := assessment(t, `["domestic"]`, map[string]string{
		"t.law":    `{"value": true, "evidence": [{"title": "Constitution, art. 20"}]}`,
		"t.ban":    `{"value": false}`,
		"t.level":  `{"value": 2}`,
		"t.cases":  `{"value": 1}`,
		"t.regime": `{"value": "permit"}`,
	})
	r := score(t, s, a)
	b, _ := json.MarshalIndent(r, "", "  ")
	t.Log(string(b))
}
