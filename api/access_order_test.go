package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestAccessBeforeInput checks that who may call an operation is decided
// before its input is read: without a key a caller gets 401, with a key
// whose role is not enough 403, never a 400 about parameters or a body it
// may not send.
func TestAccessBeforeInput(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	watchdog := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog, Organisation: "Civic Watch"}))
	for _, tc := range []struct {
		method, path string
		body         any
		auth         header
		status       int
		code         string
	}{
		// No pack parameter (required): the caller is not known yet.
		{"POST", "/v1/assessments/x/rescore", nil, bearer(""), http.StatusUnauthorized, civicspace.EUNAUTHORIZED},
		{"POST", "/v1/assessments/x/rescore", nil, watchdog, http.StatusForbidden, civicspace.EFORBIDDEN},
		// A since that is not a date.
		{"GET", "/v1/audit?since=x", nil, bearer(""), http.StatusUnauthorized, civicspace.EUNAUTHORIZED},
		{"GET", "/v1/audit?since=x", nil, watchdog, http.StatusForbidden, civicspace.EFORBIDDEN},
		// A body that is not a key request.
		{"POST", "/v1/keys", map[string]any{"role": 7}, watchdog, http.StatusForbidden, civicspace.EFORBIDDEN},
		// A page size out of range: a watchdog may list packs no more.
		{"GET", "/v1/policy-packs?page_size=x", nil, watchdog, http.StatusForbidden, civicspace.EFORBIDDEN},
		// A body that is no assessment, without a key.
		{"POST", "/v1/assessments", map[string]any{"kind": 3}, bearer(""), http.StatusUnauthorized, civicspace.EUNAUTHORIZED},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			e.do(tc.method, tc.path, tc.body, tc.auth).problem(t, tc.status, tc.code)
		})
	}
	// With the right, the same input is a 400.
	e.do("POST", "/v1/assessments/x/rescore", nil).problem(t, http.StatusBadRequest, civicspace.EINVALID)
	e.do("GET", "/v1/audit?since=x", nil).problem(t, http.StatusBadRequest, civicspace.EINVALID)
}

// TestDraftOwnership checks who owns a self assessment's draft: the
// organisation that authors it. Another ministry's assessor of the same
// country may read it but neither rewrite it (author included), delete it
// nor submit it, and an assessor key without an organisation writes no
// assessment at all; the reviewer of the country still decides on it.
func TestDraftOwnership(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		a := fullAssessment(e.svc.Catalog, "NOR")
		justice := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: a.Author}))
		foreign := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: "Ministry of Foreign Affairs of NOR"}))
		noOrg := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}}))
		reviewer := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleReviewer, Subjects: []string{"NOR"}}))

		res := e.do("POST", "/v1/assessments", a, justice)
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		path := res.Header.Get("Location")

		// A key without an organisation writes none, whatever the author.
		p := e.do("POST", "/v1/assessments", a, noOrg).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		require.Equal(t, "/author", p.Errors[0].Pointer)
		e.do("PUT", path, a, noOrg, ifMatch("*")).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)

		// Another ministry reads the draft but may not take it over.
		res = e.do("GET", path, nil, foreign)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		taken := *a
		taken.Author = "Ministry of Foreign Affairs of NOR"
		e.do("PUT", path, &taken, foreign, ifMatch("*")).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		e.do("PUT", path, a, foreign, ifMatch("*")).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		e.do("POST", path+"/submit", nil, foreign, ifMatch("*")).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		e.do("DELETE", path, nil, foreign, ifMatch("*")).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)

		// Its author may not give it away either.
		e.do("PUT", path, &taken, justice, ifMatch("*")).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)

		// Nothing changed: the author's ministry submits, the reviewer publishes.
		res = e.do("POST", path+"/submit", nil, justice, ifMatch("*"))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var rec struct {
			Version int `json:"version"`
		}
		res.decode(t, &rec)
		require.Equal(t, 2, rec.Version, "the refused writes left no revision")
		res = e.do("POST", path+"/publish", nil, reviewer, ifMatch("*"))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	})
}

// TestLibraryRefusesWhatRESTRefuses drives the Service directly, as an
// assessor, and is refused what the REST API refuses it: another
// country's draft does not exist for it, it may not publish its own, and
// it may not read the audit trail.
func TestLibraryRefusesWhatRESTRefuses(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		ctx := context.Background()
		admin := asAdmin(ctx)
		swe, _, err := e.svc.CreateAssessment(admin, fullAssessment(e.svc.Catalog, "SWE"))
		require.NoError(t, err)
		a := fullAssessment(e.svc.Catalog, "NOR")
		assessor := civicspace.NewContextWithPrincipal(ctx, &civicspace.Principal{KeyID: "lib", Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: a.Author})
		key := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: a.Author}))

		rec, _, err := e.svc.CreateAssessment(assessor, a)
		require.NoError(t, err)
		rec, _, err = e.svc.Transition(assessor, rec.ID, rec.Version, civicspace.ActionSubmit, "")
		require.NoError(t, err)

		for _, tc := range []struct {
			name string
			lib  error
			rest *response
			code string
		}{
			{"publish own", ignore2(e.svc.Transition(assessor, rec.ID, rec.Version, civicspace.ActionPublish, "")),
				e.do("POST", "/v1/assessments/"+rec.ID+"/publish", nil, key, ifMatch("*")), civicspace.EFORBIDDEN},
			{"read another country's draft", ignore2(e.svc.Assessment(assessor, swe.ID)),
				e.do("GET", "/v1/assessments/"+swe.ID, nil, key), civicspace.ENOTFOUND},
			{"update another country's draft", ignore2(e.svc.UpdateAssessment(assessor, swe.ID, 1, a, "")),
				e.do("PUT", "/v1/assessments/"+swe.ID, a, key, ifMatch("*")), civicspace.ENOTFOUND},
			{"read the audit trail", ignore1(e.svc.Audit(assessor, civicspace.AuditFilter{})),
				e.do("GET", "/v1/audit", nil, key), civicspace.EFORBIDDEN},
			{"create a key", ignore2(e.svc.CreateKey(assessor, civicspace.KeySpec{Role: civicspace.RoleAdmin})),
				e.do("POST", "/v1/keys", map[string]any{"role": "admin"}, key), civicspace.EFORBIDDEN},
		} {
			require.Equal(t, tc.code, civicspace.ErrorCode(tc.lib), tc.name)
			tc.rest.problem(t, map[string]int{civicspace.EFORBIDDEN: http.StatusForbidden, civicspace.ENOTFOUND: http.StatusNotFound}[tc.code], tc.code)
		}
	})
}

func ignore1[T any](_ T, err error) error         { return err }
func ignore2[T, U any](_ T, _ U, err error) error { return err }
