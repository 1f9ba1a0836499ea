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

// TestEdgeRefusesNULAndInvalidUTF8 sends a NUL character (%00, \u0000)
// and invalid UTF-8 (%FF, a raw 0xFF byte) in every kind of string a
// client sends — path, query, header-derived, JSON body member names and
// values, policy pack file names — and expects 400 problem+json with a
// pointer to the place, on both stores (PostgreSQL cannot keep NUL in
// text: before the edge check these were 500s, and a commitment with a
// NUL in its occasion name was stored anyway). Nothing is stored.
func TestEdgeRefusesNULAndInvalidUTF8(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		for _, bad := range []string{"%00", "%FF"} {
			for _, c := range []struct{ path, pointer string }{
				{"/v1/assessments/asm_" + bad, "/path"},
				{"/v1/assessments/asm_" + bad + "/score", "/path"},
				{"/v1/assessments?period=" + bad, "/query/period"},
				{"/v1/assessments?organisation=" + bad, "/query/organisation"},
				{"/v1/assessments?country=XAA&organisation=x" + bad, "/query/organisation"},
				{"/v1/commitments/cmt_" + bad, "/path"},
				{"/v1/commitments?workstream=" + bad, "/query/workstream"},
				{"/v1/audit?action=" + bad, "/query/action"},
				{"/v1/policy-packs/" + bad + "/1", "/path"},
				{"/v1/countries/" + bad, "/path"},
				{"/v1/indicators?q" + bad + "=1", "/query"},
			} {
				t.Run(c.path, func(t *testing.T) {
					p := e.do("GET", c.path, nil).problem(t, http.StatusBadRequest, civicspace.EINVALID)
					require.Len(t, p.Errors, 1)
					require.Equal(t, c.pointer, p.Errors[0].Pointer)
				})
			}
		}

		// Header-derived: an API key with invalid UTF-8 (Go's server
		// refuses NUL in any header itself).
		p := e.do("GET", "/v1/audit", nil, header{"Authorization", "Bearer csk_\xff\xfe"}).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		require.Equal(t, "/header/Authorization", p.Errors[0].Pointer)
		p = e.do("PUT", "/v1/assessments/asm_x", `{}`, header{"If-Match", "\"asm_x.\xff\""}).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		require.Equal(t, "/header/If-Match", p.Errors[0].Pointer)

		// Bodies: the escape \u0000 in a value, in a member name, in a
		// pack's file name and content; raw invalid UTF-8.
		cmt := visaCommitment("NOR")
		cmt.Occasion.Name = "Summit\x00"
		p = e.do("POST", "/v1/commitments", cmt).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		require.Equal(t, "/occasion/name", p.Errors[0].Pointer)
		asm := mustJSON(t, fullAssessment(e.svc.Catalog, "NOR"))
		withNULKey := strings.Replace(string(asm), `"answers":{`, `"answers":{"x\u0000":{},`, 1)
		require.NotEqual(t, string(asm), withNULKey)
		p = e.do("POST", "/v1/assessments", withNULKey).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		require.Equal(t, "/answers", p.Errors[0].Pointer)
		p = e.do("POST", "/v1/policy-packs", map[string]any{"name": "p", "version": "1",
			"files": map[string]string{"civicspace/x\x00.rego": "package civicspace.x\n"}}).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		require.Equal(t, "/files", p.Errors[0].Pointer)
		p = e.do("POST", "/v1/policy-packs", map[string]any{"name": "p", "version": "1",
			"files": map[string]string{"civicspace/x.rego": "package civicspace.x\n# \x00\n"}}).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		require.Equal(t, "/files/civicspace~1x.rego", p.Errors[0].Pointer)
		p = e.do("POST", "/v1/commitments", strings.Replace(string(mustJSON(t, visaCommitment("NOR"))), "Humanitarian", "Humanit\xffarian", 1)).
			problem(t, http.StatusBadRequest, civicspace.EINVALID)
		require.Contains(t, p.Errors[0].Detail, "invalid UTF-8 at line 1")
		// An escaped backslash before u0000 is text, not a NUL.
		cmt = visaCommitment("NOR")
		cmt.Occasion.Name = `Summit \u0000 in words`
		res := e.do("POST", "/v1/commitments", cmt)
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)

		// Nothing refused was stored: the one commitment is the last one,
		// and it reads back.
		var list api.CommitmentList
		e.do("GET", "/v1/commitments", nil).decode(t, &list)
		require.Len(t, list.Commitments, 1)
		var rec api.CommitmentRecord
		e.do("GET", location(t, res), nil).decode(t, &rec)
		require.Equal(t, `Summit \u0000 in words`, rec.Commitment.Occasion.Name)
		var assessments api.AssessmentList
		e.do("GET", "/v1/assessments", nil).decode(t, &assessments)
		require.Empty(t, assessments.Assessments)
	})
}

// TestInvalidJSONSaysWhere: a body that does not parse is answered with
// the line and column of the fault.
func TestInvalidJSONSaysWhere(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	body := "{\n  \"subject\": {\"country\": \"NOR\"},\n  \"roles\": [\"domestic\",]\n}"
	p := e.do("POST", "/v1/assessments", body).problem(t, http.StatusBadRequest, civicspace.EINVALID)
	require.Len(t, p.Errors, 1)
	require.Contains(t, p.Errors[0].Detail, "invalid JSON at line 3, column 25")
	var v any
	require.Error(t, json.Unmarshal([]byte(body), &v))
}
