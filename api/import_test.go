package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestImportAssessments imports a batch twice on each store: the second
// time nothing is created; a bad element and another subject's assessment
// are refused one by one, and NDJSON is read line by line.
func TestImportAssessments(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		cat := e.svc.Catalog
		batch := []any{fullAssessment(cat, "NOR"), fullAssessment(cat, "SWE"), map[string]any{"subject": map[string]any{"country": "NOR"}, "kind": 7}}
		counts := func(r api.ImportReport) [4]int { return [4]int{r.Created, r.Updated, r.Unchanged, r.Refused} }

		var first api.ImportReport
		res := e.do("POST", "/v1/assessments:import", batch)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res.decode(t, &first)
		require.Equal(t, [4]int{2, 0, 0, 1}, counts(first), "%s", res.body)
		require.Equal(t, "#/2", first.Results[2].Source)
		require.Equal(t, api.ImportResultCodeInvalid, first.Results[2].Code)
		require.Equal(t, "/kind", first.Results[2].Problems[0].Pointer)

		var second api.ImportReport
		e.do("POST", "/v1/assessments:import", batch).decode(t, &second)
		require.Equal(t, [4]int{0, 0, 2, 1}, counts(second))
		require.Equal(t, first.Results[0].ID, second.Results[0].ID)
		var list api.AssessmentList
		e.do("GET", "/v1/assessments", nil).decode(t, &list)
		require.Len(t, list.Assessments, 2)

		// An assessor of NOR: its own subject is matched (unchanged), SWE's
		// refused as a single create would be.
		assessor := e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: "Ministry of Justice of NOR"})
		var scoped api.ImportReport
		e.do("POST", "/v1/assessments:import", batch[:2], bearer(assessor)).decode(t, &scoped)
		require.Equal(t, api.ImportResultOutcomeUnchanged, scoped.Results[0].Outcome)
		require.Equal(t, api.ImportResultOutcomeRefused, scoped.Results[1].Outcome)
		require.Equal(t, api.ImportResultCodeForbidden, scoped.Results[1].Code)

		// NDJSON: one changed assessment (a new title) updates the draft.
		changed := fullAssessment(cat, "NOR")
		changed.Title = "second thoughts"
		line, err := json.Marshal(changed)
		require.NoError(t, err)
		var nd api.ImportReport
		res = e.do("POST", "/v1/assessments:import", string(line)+"\n\n{broken\n", header{"Content-Type", "application/x-ndjson"})
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res.decode(t, &nd)
		require.Equal(t, [4]int{0, 1, 0, 1}, counts(nd), "%s", res.body)
		require.Equal(t, ":1", nd.Results[0].Source)
		require.Equal(t, 2, nd.Results[0].Version)
		require.Equal(t, ":3", nd.Results[1].Source)

		// Without a key: 401, nothing read.
		res = e.do("POST", "/v1/assessments:import", batch, bearer(""))
		res.problem(t, http.StatusUnauthorized, "unauthorized")
		res = e.do("POST", "/v1/assessments:import", strings.Repeat("[", 3))
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
	})
}
