package api_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// The callers of the role matrix. "own" keys are scoped to NOR, the
// subject of the target assessment (a self assessment authored by NOR's
// ministry); "other" keys to SWE.
var matrixCallers = []string{"anon", "admin", "assessorOwn", "assessorOther", "reviewerOwn", "reviewerOther", "watchdog"}

// Expected outcomes per caller, in matrixCallers order: ok (any answer
// but 401, 403, or for an operation on the assessment 404), 401, 403,
// 404. The target is a draft: to everyone but its owners it does not
// exist.
const (
	allOK      = "ok ok ok ok ok ok ok"
	adminOnly  = "401 ok 403 403 403 403 403"
	anyKeyOK   = "401 ok ok ok ok ok ok"
	ownerRead  = "404 ok ok 404 ok 404 404"
	assessorW  = "401 ok ok 404 403 404 404"
	reviewerW  = "401 ok 403 404 ok 404 404"
	createSelf = "401 ok ok 403 403 403 403"
)

// roleMatrix is the expected outcome of every operation in openapi.yaml
// for every caller. TestRoleMatrix fails for an operation without a row.
var roleMatrix = map[string]string{
	"getCatalog": allOK, "exportCatalog": allOK, "listFrameworks": allOK, "getFramework": allOK,
	"getRecommendation": allOK, "listIndicators": allOK, "getIndicator": allOK, "getCrosswalk": allOK,
	"listCountries": allOK, "getCountry": allOK,

	"listAssessments": allOK,
	"getAssessment":   ownerRead, "listRevisions": ownerRead, "getRevision": ownerRead,
	"getAssessmentProblems": ownerRead, "getAssessmentScore": ownerRead,
	"createAssessment": createSelf,
	"updateAssessment": assessorW, "deleteAssessment": assessorW, "submitAssessment": assessorW,
	"publishAssessment": reviewerW, "returnAssessment": reviewerW, "withdrawAssessment": reviewerW,
	"correctAssessment": reviewerW, "reopenAssessment": reviewerW,
	// A bulk import answers 200 with per-item outcomes (refused items
	// name their reason): only a missing key fails the request.
	"importAssessments": anyKeyOK,

	"scoreAssessment": anyKeyOK, "validateAssessment": anyKeyOK,
	"rescoreAssessment": adminOnly,
	"createKey":         adminOnly, "listKeys": adminOnly, "revokeKey": adminOnly, "listAudit": adminOnly,
	"uploadPolicyPack": adminOnly, "listPolicyPacks": adminOnly, "getPolicyPack": adminOnly,

	// Commitments: the target is a draft commitment of NOR.
	"listCommitments": allOK, "getCountryCommitmentSummary": allOK,
	"getWorkstreamCommitmentSummary": allOK, "getFollowUpCommitmentSummary": allOK,
	"getCommitment": ownerRead, "listCommitmentRevisions": ownerRead, "listProgressReports": ownerRead,
	"createCommitment": createSelf, "updateCommitment": assessorW, "createProgressReport": assessorW,
	"publishCommitment": reviewerW, "correctCommitment": reviewerW, "withdrawCommitment": reviewerW,
	"reopenCommitment": reviewerW,

	// Comparisons read published scores; the scorecard of the draft is its
	// owners' only.
	"getRanking": allOK, "getTrend": allOK, "getRegionAggregates": allOK, "getGap": allOK,
	"getAssessmentScorecard": ownerRead, "getSdmxStructure": allOK,

	"getHealth": allOK, "getReadiness": allOK, "getMetrics": adminOnly,
	"getOpenAPI": allOK, "getDocs": allOK, "getDocsAsset": allOK,
}

// TestRoleMatrix calls every operation of openapi.yaml as every caller,
// each on a fresh draft, and checks the outcome against roleMatrix; every
// response is validated against the spec by the harness.
func TestRoleMatrix(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		cat := e.svc.Catalog
		keys := map[string]string{
			"anon":          "",
			"admin":         e.key,
			"assessorOwn":   e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: "Ministry of Justice of NOR"}),
			"assessorOther": e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"SWE"}}),
			"reviewerOwn":   e.newKey(civicspace.KeySpec{Role: civicspace.RoleReviewer, Subjects: []string{"NOR"}}),
			"reviewerOther": e.newKey(civicspace.KeySpec{Role: civicspace.RoleReviewer, Subjects: []string{"SWE"}}),
			"watchdog":      e.newKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog, Organisation: "Civic Watch"}),
		}
		pack := e.do("POST", "/v1/policy-packs", map[string]any{"name": "matrix", "version": "1",
			"files": map[string]string{"civicspace/policy/data.json": `{"min_coverage": 0.5}`}})
		require.Equal(t, http.StatusCreated, pack.StatusCode, "%s", pack.body)
		fw := cat.Frameworks()[0]
		a := fullAssessment(cat, "NOR")
		commitment := visaCommitment("NOR")
		// The government's report, as NOR's assessor (its organisation).
		govtReport := progressReport(civicspace.ReporterGovernment, "Ministry of Justice of NOR", civicspace.CompletionLimited, "2024-09-01")

		var ops []string
		for path, item := range e.spec.Paths.Map() {
			for method, op := range item.Operations() {
				ops = append(ops, op.OperationID)
				row, ok := roleMatrix[op.OperationID]
				if !assertRow(t, op.OperationID, ok, row) {
					continue
				}
				want := strings.Fields(row)
				for i, caller := range matrixCallers {
					t.Run(op.OperationID+"/"+caller, func(t *testing.T) {
						rec, _, err := e.svc.CreateAssessment(asAdmin(context.Background()), a)
						require.NoError(t, err)
						if strings.HasPrefix(path, "/v1/commitments/{id}") {
							v, err := e.svc.CreateCommitment(asAdmin(context.Background()), commitment)
							require.NoError(t, err)
							rec.ID = v.Record.ID
						}
						throwaway := e.newKey(civicspace.KeySpec{Role: civicspace.RoleAdmin})
						keyID, _ := civicspace.ParseAPIKey(throwaway)
						p := strings.NewReplacer(
							"{id}", rec.ID, "{version}", "1", "{frameworkId}", fw.ID,
							"{recommendationId}", cat.Recommendations()[0].ID, "{indicatorId}", cat.Indicators()[0].ID,
							"{alpha3}", "NOR", "{asset}", "index.css", "{keyId}", keyID, "{name}", "matrix",
							"{country}", "NOR", "{period}", "2025",
						).Replace(path)
						if strings.HasPrefix(path, "/v1/policy-packs/{name}") {
							p = "/v1/policy-packs/matrix/1"
						}
						q := url.Values{}
						switch op.OperationID {
						case "getCrosswalk":
							q.Set("from", fw.ID)
							q.Set("to", cat.Frameworks()[1].ID)
						case "rescoreAssessment":
							q.Set("pack", "matrix@1")
						}
						if len(q) > 0 {
							p += "?" + q.Encode()
						}
						var body any
						switch op.OperationID {
						case "createAssessment", "updateAssessment", "scoreAssessment", "validateAssessment":
							body = a
						case "importAssessments":
							body = []any{a}
						case "createCommitment", "updateCommitment":
							body = commitment
						case "createProgressReport":
							body = govtReport
						case "createKey":
							body = map[string]any{"role": "admin"}
						case "uploadPolicyPack":
							body = map[string]any{"name": "matrix", "version": "2", "files": map[string]string{}}
						}
						res := e.do(method, p, body, bearer(keys[caller]), ifMatch("*"))
						got := outcome(res.StatusCode, strings.Contains(path, "{id}"))
						require.Equal(t, want[i], got, "%s %s as %s: %d %s", method, p, caller, res.StatusCode, res.body)
						if got == "401" {
							require.Contains(t, res.Header.Get("WWW-Authenticate"), "Bearer")
						}
					})
				}
			}
		}
		for op := range roleMatrix {
			require.True(t, slices.Contains(ops, op), "roleMatrix has a row for %s, which openapi.yaml does not have", op)
		}
	})
}

func assertRow(t *testing.T, op string, ok bool, row string) bool {
	t.Helper()
	if !ok {
		t.Errorf("operation %s has no row in roleMatrix (and needs one in operationRules, api/authz.go)", op)
		return false
	}
	require.Len(t, strings.Fields(row), len(matrixCallers), op)
	return true
}

func outcome(status int, onAssessment bool) string {
	switch {
	case status == http.StatusUnauthorized:
		return "401"
	case status == http.StatusForbidden:
		return "403"
	case status == http.StatusNotFound && onAssessment:
		return "404"
	}
	return "ok"
}
