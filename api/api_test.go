package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	root "github.com/civicspace/civicspace"
	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestRoutesMatchSpec checks that the server registers exactly the
// operations of openapi.yaml: no undocumented route, no missing one.
func TestRoutesMatchSpec(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	var ops []string
	for path, item := range e.spec.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	routes := e.srv.Routes()
	slices.Sort(ops)
	slices.Sort(routes)
	require.Equal(t, ops, routes)
}

// TestSelfAssessmentFlow walks the README's tour with the keys of the
// real roles: the government's assessor creates a draft, reads its
// problems, fixes them and submits it; its reviewer publishes it; anyone
// reads the explained score.
func TestSelfAssessmentFlow(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		good := exampleAssessment(t)
		ev := evidenceIndicator(t)
		assessor := bearer(e.newKey(civicspace.KeySpec{Name: "Demoland's assessor", Role: civicspace.RoleAssessor,
			Subjects: []string{good.Subject.Key()}, Organisation: good.Author}))
		reviewer := bearer(e.newKey(civicspace.KeySpec{Name: "Demoland's reviewer", Role: civicspace.RoleReviewer,
			Subjects: []string{good.Subject.Key()}}))
		anonymous := bearer("")

		// A draft with two problems: evidence missing, an unknown indicator.
		draft := *good
		draft.Answers = map[string]civicspace.Answer{}
		for k, v := range good.Answers {
			draft.Answers[k] = v
		}
		bare := draft.Answers[ev.ID]
		bare.Evidence = nil
		draft.Answers[ev.ID] = bare
		draft.Answers["no-such-indicator"] = civicspace.Answer{Value: civicspace.BoolValue(true)}

		res := e.do("POST", "/v1/assessments", &draft, assessor)
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var rec api.AssessmentRecord
		res.decode(t, &rec)
		require.Equal(t, api.AssessmentStatusDraft, rec.Status)
		require.Regexp(t, `^key:[a-z0-9]{8}$`, rec.CreatedBy, "the revision names the assessor's key")
		require.Equal(t, 1, rec.Version)
		require.Equal(t, "/v1/assessments/"+rec.ID, location(t, res))
		etag := res.Header.Get("ETag")
		require.Equal(t, fmt.Sprintf("%q", rec.ID+".1"), etag)
		require.Equal(t, []api.ProblemDetail{
			{Pointer: "/answers/" + ev.ID + "/evidence", Detail: fmt.Sprintf("indicator %q requires evidence: add at least one source (title, and a URL or date)", ev.ID)},
			{Pointer: "/answers/no-such-indicator", Detail: `unknown indicator "no-such-indicator"`},
		}, rec.Problems)
		require.Zero(t, e.scorer.calls.Load(), "a draft with problems is not scored")

		// Its problems, and no score yet; the draft does not exist for
		// the public.
		res = e.do("GET", "/v1/assessments/"+rec.ID+"/problems", nil, assessor)
		require.Equal(t, http.StatusOK, res.StatusCode)
		var report api.ValidationReport
		res.decode(t, &report)
		require.False(t, report.Valid)
		require.Equal(t, rec.Problems, report.Problems)
		e.do("GET", "/v1/assessments/"+rec.ID+"/score", nil, assessor).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
		e.do("GET", "/v1/assessments/"+rec.ID, nil, anonymous).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)

		// Submitting it is refused with every problem listed.
		p := e.do("POST", "/v1/assessments/"+rec.ID+"/submit", nil, assessor, ifMatch(etag)).problem(t, http.StatusUnprocessableEntity, civicspace.EINVALID)
		require.Equal(t, rec.Problems, p.Errors)

		// Fix it.
		res = e.do("PUT", "/v1/assessments/"+rec.ID, good, assessor, ifMatch(etag))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res.decode(t, &rec)
		require.Equal(t, 2, rec.Version)
		require.Empty(t, rec.Problems)
		etag = res.Header.Get("ETag")
		require.Equal(t, int64(1), e.scorer.calls.Load(), "a valid revision is scored when written")

		// Submit and publish: the content does not change, nor does its
		// score. The assessor may not publish its own work; the reviewer
		// may.
		res = e.do("POST", "/v1/assessments/"+rec.ID+"/submit", map[string]string{"note": "ready for review"}, assessor, ifMatch(etag))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res.decode(t, &rec)
		require.Equal(t, api.AssessmentStatusSubmitted, rec.Status)
		etag = res.Header.Get("ETag")
		e.do("POST", "/v1/assessments/"+rec.ID+"/publish", nil, assessor, ifMatch(etag)).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		res = e.do("POST", "/v1/assessments/"+rec.ID+"/publish", nil, reviewer, ifMatch(etag))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res.decode(t, &rec)
		require.NotEqual(t, rec.CreatedBy, rec.UpdatedBy, "published by the reviewer's key")
		require.Equal(t, api.AssessmentStatusPublished, rec.Status)
		require.Equal(t, 4, rec.Version)
		require.Equal(t, 4, rec.PublishedVersion)
		require.Equal(t, int64(1), e.scorer.calls.Load(), "lifecycle moves reuse the stored score")

		// The explained score, as stored, for anyone.
		res = e.do("GET", "/v1/assessments/"+rec.ID+"/score", nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var sc api.StoredScore
		res.decode(t, &sc)
		require.Equal(t, rec.ID, sc.AssessmentID)
		require.Equal(t, 4, sc.Version)
		require.Equal(t, e.svc.Scorer.PolicyDigest(), sc.PolicyDigest)
		require.Equal(t, civicspace.DefaultCatalog().Digest(), sc.CatalogDigest)
		var result api.Result
		require.NoError(t, json.Unmarshal(sc.Result, &result))
		require.Equal(t, "XAA", result.Subject.Country)
		require.Equal(t, sc.Band, result.Rating.Band)
		require.Equal(t, sc.Score, result.Rating.Score)
		require.Len(t, result.Indicators, len(civicspace.DefaultCatalog().Indicators()))
		require.NotEmpty(t, result.Recommendations[0].Explanation)

		// It is the score an inline request gives for the same content.
		res = e.do("POST", "/v1/score", good, assessor)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var inline api.Result
		res.decode(t, &inline)
		require.Equal(t, result, inline)

		// Every revision is kept, with what it changed, for its owners.
		res = e.do("GET", "/v1/assessments/"+rec.ID+"/revisions", nil, reviewer)
		require.Equal(t, http.StatusOK, res.StatusCode)
		var revs api.RevisionList
		res.decode(t, &revs)
		var actions []api.Action
		for _, r := range revs.Revisions {
			actions = append(actions, r.Action)
		}
		require.Equal(t, []api.Action{api.ActionCreate, api.ActionUpdate, api.ActionSubmit, api.ActionPublish}, actions)
		require.Equal(t, "ready for review", revs.Revisions[2].Note)
		require.ElementsMatch(t, []string{"/answers/" + ev.ID, "/answers/no-such-indicator"}, revs.Revisions[1].Changes)

		res = e.do("GET", "/v1/assessments/"+rec.ID+"/revisions/1", nil, assessor)
		require.Equal(t, http.StatusOK, res.StatusCode)
		var rev1 api.Revision
		res.decode(t, &rev1)
		require.Contains(t, rev1.Assessment.Answers, "no-such-indicator")
		e.do("GET", "/v1/assessments/"+rec.ID+"/revisions/9", nil, assessor).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)

		// The public sees the published revision only.
		res = e.do("GET", "/v1/assessments/"+rec.ID+"/revisions", nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode)
		var public api.RevisionList
		res.decode(t, &public)
		require.Len(t, public.Revisions, 1)
		require.Equal(t, 4, public.Revisions[0].Version)
		e.do("GET", "/v1/assessments/"+rec.ID+"/revisions/1", nil, anonymous).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)

		// The first revision had problems: it has no score.
		e.do("GET", "/v1/assessments/"+rec.ID+"/score?version=1", nil, assessor).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
		res = e.do("GET", "/v1/assessments/"+rec.ID+"/score?version=2", nil, assessor)
		require.Equal(t, http.StatusOK, res.StatusCode)
	})
}

// TestStoredScoreNeverEvaluatesRego reads stored scores many times and
// checks the policy was never evaluated for them.
func TestStoredScoreNeverEvaluatesRego(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	res := e.do("POST", "/v1/assessments", fullAssessment(civicspace.DefaultCatalog(), "XAB"))
	require.Equal(t, http.StatusCreated, res.StatusCode)
	var rec api.AssessmentRecord
	res.decode(t, &rec)
	before := e.scorer.calls.Load()
	require.Equal(t, int64(1), before)
	for range 20 {
		res := e.do("GET", "/v1/assessments/"+rec.ID+"/score", nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	require.Equal(t, before, e.scorer.calls.Load())
}

// TestPagination pages through assessments by following Link headers.
func TestPagination(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		cat := civicspace.DefaultCatalog()
		want := map[string]bool{}
		for i := range 7 {
			country := []string{"XAA", "XAB"}[i%2]
			a := fullAssessment(cat, country)
			a.Answers = map[string]civicspace.Answer{} // the list does not need answers
			res := e.do("POST", "/v1/assessments", a)
			require.Equal(t, http.StatusCreated, res.StatusCode)
			var rec api.AssessmentRecord
			res.decode(t, &rec)
			if country == "XAA" {
				want[rec.ID] = true
			}
		}
		seen := map[string]bool{}
		next := "/v1/assessments?country=XAA&page_size=2"
		pages := 0
		for next != "" {
			res := e.do("GET", next, nil)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			var list api.AssessmentList
			res.decode(t, &list)
			pages++
			require.LessOrEqual(t, len(list.Assessments), 2)
			for _, a := range list.Assessments {
				require.Equal(t, "XAA", a.Subject.Country)
				require.False(t, seen[a.ID], "%s listed twice", a.ID)
				seen[a.ID] = true
			}
			link := res.Header.Get("Link")
			if list.NextPageToken == "" {
				require.Empty(t, link, "the last page has no next link")
				next = ""
				continue
			}
			require.True(t, strings.HasPrefix(link, "<") && strings.HasSuffix(link, `>; rel="next"`), link)
			next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
			u, err := url.Parse(next)
			require.NoError(t, err)
			require.Equal(t, list.NextPageToken, u.Query().Get("page_token"))
			require.Equal(t, "XAA", u.Query().Get("country"), "the next link keeps the filters")
		}
		require.Equal(t, want, seen)
		require.Equal(t, 2, pages)

		e.do("GET", "/v1/assessments?page_size=0", nil).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		e.do("GET", "/v1/assessments?page_size=501", nil).problem(t, http.StatusBadRequest, civicspace.EINVALID)
	})
}

// TestIfMatch checks the preconditions of every change.
func TestIfMatch(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		a := fullAssessment(civicspace.DefaultCatalog(), "XAC")
		res := e.do("POST", "/v1/assessments", a)
		require.Equal(t, http.StatusCreated, res.StatusCode)
		var rec api.AssessmentRecord
		res.decode(t, &rec)
		v1 := res.Header.Get("ETag")
		path := "/v1/assessments/" + rec.ID

		res = e.do("GET", path, nil)
		require.Equal(t, v1, res.Header.Get("ETag"))

		p := e.do("PUT", path, a).problem(t, http.StatusPreconditionRequired, civicspace.EINVALID)
		require.Contains(t, p.Detail, "If-Match")
		e.do("PUT", path, a, ifMatch("W/"+v1)).problem(t, http.StatusPreconditionFailed, civicspace.ECONFLICT)
		e.do("PUT", path, a, ifMatch(`"someone-else.1"`)).problem(t, http.StatusPreconditionFailed, civicspace.ECONFLICT)
		p = e.do("PUT", path, a, ifMatch(rec.ID+".1")).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		require.Equal(t, "/header/If-Match", p.Errors[0].Pointer)

		res = e.do("PUT", path, a, ifMatch(v1))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		v2 := res.Header.Get("ETag")
		require.NotEqual(t, v1, v2)

		// A stale ETag is refused, naming the current version.
		p = e.do("PUT", path, a, ifMatch(v1)).problem(t, http.StatusPreconditionFailed, civicspace.ECONFLICT)
		require.Contains(t, p.Detail, "2")
		e.do("POST", path+"/submit", nil, ifMatch(v1)).problem(t, http.StatusPreconditionFailed, civicspace.ECONFLICT)
		e.do("DELETE", path, nil, ifMatch(v1)).problem(t, http.StatusPreconditionFailed, civicspace.ECONFLICT)
		e.do("POST", path+"/publish", nil).problem(t, http.StatusPreconditionRequired, civicspace.EINVALID)

		// A list with the current tag matches; so does "*".
		res = e.do("PUT", path, a, ifMatch(v1+", "+v2))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res = e.do("PUT", path, a, ifMatch("*"))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		v4 := res.Header.Get("ETag")

		// Lifecycle rules are 409s.
		e.do("POST", path+"/publish", nil, ifMatch(v4)).problem(t, http.StatusConflict, civicspace.ESTATE)

		// Delete needs the current ETag too; then the draft is gone.
		e.do("DELETE", path, nil).problem(t, http.StatusPreconditionRequired, civicspace.EINVALID)
		res = e.do("DELETE", path, nil, ifMatch(v4))
		require.Equal(t, http.StatusNoContent, res.StatusCode, "%s", res.body)
		e.do("GET", path, nil).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
	})
}

// TestErrorPaths checks that every kind of failure is a problem document
// with the right status, code and pointers.
func TestErrorPaths(t *testing.T) {
	e := newEnv(t, stores["sqlite"], withAPIOptions(api.WithMaxBodyBytes(64<<10)))
	valid := fullAssessment(civicspace.DefaultCatalog(), "XAD")
	validJSON := mustJSON(t, valid)
	withField := func(field string, value any) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(validJSON, &m))
		m[field] = value
		return mustJSON(t, m)
	}
	bigNote := strings.Repeat("x", 70<<10)
	for _, tc := range []struct {
		name, method, path string
		body               any
		headers            []header
		status             int
		code               string
		pointers           []string
	}{
		{name: "unknown route", method: "GET", path: "/v1/nothing", status: 404, code: civicspace.ENOTFOUND},
		{name: "unknown route under docs", method: "GET", path: "/docs/", status: 404, code: civicspace.ENOTFOUND},
		{name: "method not allowed", method: "DELETE", path: "/v1/catalog", status: 405, code: "method_not_allowed"},
		{name: "unknown framework", method: "GET", path: "/v1/frameworks/nope", status: 404, code: civicspace.ENOTFOUND},
		{name: "unknown recommendation", method: "GET", path: "/v1/recommendations/nope", status: 404, code: civicspace.ENOTFOUND},
		{name: "unknown indicator", method: "GET", path: "/v1/indicators/nope", status: 404, code: civicspace.ENOTFOUND},
		{name: "indicators of unknown framework", method: "GET", path: "/v1/indicators?framework=nope", status: 404, code: civicspace.ENOTFOUND},
		{name: "indicators of a bad type", method: "GET", path: "/v1/indicators?type=essay", status: 400, code: civicspace.EINVALID, pointers: []string{"/query/type"}},
		{name: "crosswalk without to", method: "GET", path: "/v1/crosswalk?from=sdg", status: 400, code: civicspace.EINVALID, pointers: []string{"/query/to"}},
		{name: "crosswalk to unknown", method: "GET", path: "/v1/crosswalk?from=sdg&to=nope", status: 404, code: civicspace.ENOTFOUND},
		{name: "lower-case country", method: "GET", path: "/v1/countries/nor", status: 400, code: civicspace.EINVALID, pointers: []string{"/path/alpha3"}},
		{name: "unknown country", method: "GET", path: "/v1/countries/JJJ", status: 404, code: civicspace.ENOTFOUND},
		{name: "bad region", method: "GET", path: "/v1/countries?region=europe", status: 400, code: civicspace.EINVALID, pointers: []string{"/query/region"}},
		{name: "unknown assessment", method: "GET", path: "/v1/assessments/asm_nope", status: 404, code: civicspace.ENOTFOUND},
		{name: "score of unknown assessment", method: "GET", path: "/v1/assessments/asm_nope/score", status: 404, code: civicspace.ENOTFOUND},
		{name: "revision not a number", method: "GET", path: "/v1/assessments/asm_nope/revisions/one", status: 400, code: civicspace.EINVALID, pointers: []string{"/path/version"}},
		{name: "list with bad status", method: "GET", path: "/v1/assessments?status=lost", status: 400, code: civicspace.EINVALID, pointers: []string{"/query/status"}},
		{name: "body not JSON", method: "POST", path: "/v1/assessments", body: "{not json", status: 400, code: civicspace.EINVALID, pointers: []string{""}},
		{name: "body missing", method: "POST", path: "/v1/validate", body: "", status: 400, code: civicspace.EINVALID, pointers: []string{""}},
		{name: "unknown field", method: "POST", path: "/v1/assessments", body: withField("colour", "blue"), status: 400, code: civicspace.EINVALID, pointers: []string{"/colour"}},
		{name: "wrong kind", method: "POST", path: "/v1/score", body: withField("kind", "guess"), status: 400, code: civicspace.EINVALID, pointers: []string{"/kind"}},
		{name: "two shape errors", method: "POST", path: "/v1/validate", body: withField("roles", []any{"king", 3}), status: 400, code: civicspace.EINVALID, pointers: []string{"/roles/0", "/roles/1"}},
		{name: "answer of the wrong shape", method: "POST", path: "/v1/validate", body: withField("answers", map[string]any{"x/y": map[string]any{"value": []int{1}}}), status: 400, code: civicspace.EINVALID, pointers: []string{"/answers/x~1y/value"}},
		{name: "inline score of an invalid assessment", method: "POST", path: "/v1/score", body: withField("period", "last year"), status: 422, code: civicspace.EINVALID, pointers: []string{"/period"}},
		{name: "body too large", method: "POST", path: "/v1/validate", body: withField("title", bigNote), status: 413, code: civicspace.EINVALID},
		{name: "wrong content type", method: "POST", path: "/v1/validate", body: validJSON, headers: []header{{"Content-Type", "text/plain"}}, status: 415, code: civicspace.EINVALID},
		{name: "transition note too long", method: "POST", path: "/v1/assessments/asm_nope/submit", body: map[string]string{"note": strings.Repeat("n", 2001)}, headers: []header{ifMatch(`"asm_nope.1"`)}, status: 400, code: civicspace.EINVALID, pointers: []string{"/note"}},
		{name: "transition of unknown assessment", method: "POST", path: "/v1/assessments/asm_nope/withdraw", headers: []header{ifMatch(`"asm_nope.1"`)}, status: 404, code: civicspace.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			res := e.do(tc.method, tc.path, tc.body, tc.headers...)
			p := res.problem(t, tc.status, tc.code)
			var got []string
			for _, pe := range p.Errors {
				got = append(got, pe.Pointer)
				require.NotEmpty(t, pe.Detail)
			}
			require.Equal(t, tc.pointers, got, "%s", res.body)
			if tc.status == 405 {
				require.Equal(t, "GET, HEAD", res.Header.Get("Allow"))
			}
		})
	}
}

// panicStore panics when listing, as a bug would.
type panicStore struct{ civicspace.Store }

func (panicStore) ListAssessments(context.Context, civicspace.AssessmentFilter) (*civicspace.AssessmentPage, error) {
	panic("the store is broken: secret-detail-42")
}

// TestPanic checks a panicking handler gives a generic 500 problem, without
// the panic's detail or a stack trace, logged with the request ID.
func TestPanic(t *testing.T) {
	e := newEnv(t, stores["sqlite"], withStore(func(s civicspace.Store) civicspace.Store { return panicStore{s} }))
	res := e.do("GET", "/v1/assessments", nil, header{"X-Request-Id", "req-panic-1"})
	p := res.problem(t, http.StatusInternalServerError, civicspace.EINTERNAL)
	require.Equal(t, "req-panic-1", p.RequestID)
	require.Equal(t, "internal error", p.Detail)
	require.NotContains(t, string(res.body), "secret-detail-42")
	require.NotContains(t, string(res.body), "goroutine")
	require.NotContains(t, string(res.body), ".go:")

	var logged map[string]any
	for _, line := range strings.Split(e.logs.String(), "\n") {
		if strings.Contains(line, `"msg":"panic serving request"`) {
			require.NoError(t, json.Unmarshal([]byte(line), &logged))
		}
	}
	require.NotNil(t, logged, "the panic is logged: %s", e.logs.String())
	require.Equal(t, "req-panic-1", logged["request_id"])
	require.Contains(t, logged["panic"], "secret-detail-42")
	require.Contains(t, logged["stack"], "panicStore")
	require.Equal(t, 1, countLines(e.logs.String(), `"request_id":"req-panic-1","method":"GET","path":"/v1/assessments","route":"GET /v1/assessments","status":500`))

	// The server goes on serving.
	require.Equal(t, http.StatusOK, e.do("GET", "/healthz", nil).StatusCode)
}

// TestAccessLog checks each request is logged once, as JSON, with its
// request ID and route template.
func TestAccessLog(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	res := e.do("GET", "/v1/countries/NOR", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	id := res.Header.Get("X-Request-Id")
	require.Len(t, id, 24)
	var line map[string]any
	for _, l := range strings.Split(e.logs.String(), "\n") {
		if strings.Contains(l, id) {
			require.Nil(t, line, "one line per request")
			require.NoError(t, json.Unmarshal([]byte(l), &line))
		}
	}
	require.Equal(t, "request", line["msg"])
	require.Equal(t, "GET /v1/countries/{alpha3}", line["route"])
	require.Equal(t, "/v1/countries/NOR", line["path"])
	require.EqualValues(t, 200, line["status"])

	// A client's own ID is kept if sane, replaced if not.
	res = e.do("GET", "/healthz", nil, header{"X-Request-Id", "abc.DEF-1_2"})
	require.Equal(t, "abc.DEF-1_2", res.Header.Get("X-Request-Id"))
	res = e.do("GET", "/healthz", nil, header{"X-Request-Id", "bad id\u00e9"})
	require.Len(t, res.Header.Get("X-Request-Id"), 24)
}

// failingPing is a store that cannot be reached.
type failingPing struct{ civicspace.Store }

func (failingPing) Ping(context.Context) error { return fmt.Errorf("connection refused") }

func TestOperations(t *testing.T) {
	e := newEnv(t, stores["sqlite"])

	res := e.do("GET", "/healthz", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.JSONEq(t, `{"status":"ok"}`, string(res.body))

	res = e.do("GET", "/readyz", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.JSONEq(t, `{"status":"ok","checks":{"store":"ok","policy":"ok"}}`, string(res.body))

	res = e.do("GET", "/openapi.yaml", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "application/yaml", res.Header.Get("Content-Type"))
	require.Equal(t, root.OpenAPI, res.body)

	res = e.do("GET", "/docs", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, string(res.body), `src="/docs/swagger-ui-bundle.js"`)
	require.Contains(t, string(res.body), `/openapi.yaml`)
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(string(res.body), -1) {
		require.True(t, strings.HasPrefix(m[1], "/docs/"), "no CDN: every asset is served from /docs, not %s", m[1])
	}
	res = e.do("GET", "/docs/swagger-ui-bundle.js", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Content-Type"), "javascript")
	require.Greater(t, len(res.body), 100_000)
	e.do("GET", "/docs/secrets.txt", nil).problem(t, http.StatusBadRequest, civicspace.EINVALID)

	// Metrics are labelled by route template, never by raw path.
	e.do("GET", "/v1/countries/NOR", nil)
	e.do("GET", "/v1/countries/FRA", nil)
	e.do("GET", "/v1/no/such/path", nil)
	res = e.do("GET", "/metrics", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	body := string(res.body)
	require.Contains(t, body, `civicspace_http_requests_total{code="200",method="GET",route="GET /v1/countries/{alpha3}"} 2`)
	require.Contains(t, body, `civicspace_http_requests_total{code="404",method="GET",route="unmatched"} 1`)
	require.Contains(t, body, `civicspace_http_request_duration_seconds_bucket{method="GET",route="GET /v1/countries/{alpha3}",le="+Inf"} 2`)
	require.Contains(t, body, "go_goroutines")
	require.NotContains(t, body, "NOR")

	// Not ready when the store does not answer.
	e2 := newEnv(t, stores["sqlite"], withStore(func(s civicspace.Store) civicspace.Store { return failingPing{s} }))
	p := e2.do("GET", "/readyz", nil).problem(t, http.StatusServiceUnavailable, civicspace.EINTERNAL)
	require.Equal(t, "not ready: store", p.Detail)
	require.NotContains(t, p.Detail, "refused", "the cause is logged, not shown")
	require.Contains(t, e2.logs.String(), "connection refused")
}

func TestCatalog(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	cat := civicspace.DefaultCatalog()

	res := e.do("GET", "/v1/catalog", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	var info api.CatalogInfo
	res.decode(t, &info)
	require.Equal(t, cat.Version(), info.Version)
	require.Equal(t, cat.Digest(), info.Digest)
	require.Equal(t, len(cat.Frameworks()), info.Counts.Frameworks)
	require.Equal(t, len(cat.Recommendations()), info.Counts.Recommendations)
	require.Equal(t, len(cat.Indicators()), info.Counts.Indicators)
	require.Greater(t, info.Counts.Groups, info.Counts.Frameworks)

	// The export is the catalog's own JSON form.
	res = e.do("GET", "/v1/catalog/export", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	want, err := json.Marshal(cat)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(res.body))

	res = e.do("GET", "/v1/frameworks", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	var fl api.FrameworkList
	res.decode(t, &fl)
	require.Len(t, fl.Frameworks, len(cat.Frameworks()))
	f0 := cat.Frameworks()[0]
	require.Equal(t, f0.ID, fl.Frameworks[0].ID)
	require.Equal(t, len(cat.FrameworkRecommendations(f0.ID)), fl.Frameworks[0].Counts.Recommendations)

	// A framework's detail is its catalog JSON.
	res = e.do("GET", "/v1/frameworks/"+f0.ID, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	want, err = json.Marshal(f0)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(res.body))

	rec := cat.FrameworkRecommendations(f0.ID)[0]
	res = e.do("GET", "/v1/recommendations/"+rec.ID, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	var rd api.RecommendationDetail
	res.decode(t, &rd)
	require.Equal(t, f0.ID, rd.Framework)
	require.Equal(t, rec.Group().ID, rd.Group)
	require.Len(t, rd.Indicators, len(cat.IndicatorsFor(rec.ID)))

	// Indicator filters.
	var all, byRec, byFw, booleans api.IndicatorList
	e.do("GET", "/v1/indicators", nil).decode(t, &all)
	require.Len(t, all.Indicators, len(cat.Indicators()))
	e.do("GET", "/v1/indicators?recommendation="+rec.ID, nil).decode(t, &byRec)
	require.Len(t, byRec.Indicators, len(cat.IndicatorsFor(rec.ID)))
	e.do("GET", "/v1/indicators?framework="+f0.ID, nil).decode(t, &byFw)
	require.NotEmpty(t, byFw.Indicators)
	require.Less(t, len(byFw.Indicators), len(all.Indicators))
	e.do("GET", "/v1/indicators?type=boolean", nil).decode(t, &booleans)
	require.NotEmpty(t, booleans.Indicators)
	for _, ind := range booleans.Indicators {
		require.Equal(t, api.IndicatorTypeBoolean, ind.Type)
	}

	ind := cat.Indicators()[0]
	res = e.do("GET", "/v1/indicators/"+ind.ID, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	want, err = json.Marshal(ind)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(res.body))

	fws := cat.Frameworks()
	links, err := cat.Crosswalk(fws[0].ID, fws[1].ID)
	require.NoError(t, err)
	res = e.do("GET", "/v1/crosswalk?from="+fws[0].ID+"&to="+fws[1].ID, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	var cw api.Crosswalk
	res.decode(t, &cw)
	require.Len(t, cw.Links, len(links))
}

func TestCountries(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	countries := civicspace.DefaultCountries()

	var list api.CountryList
	e.do("GET", "/v1/countries", nil).decode(t, &list)
	require.Len(t, list.Countries, len(countries.All()))
	require.Len(t, list.Regions, len(countries.Regions()))
	require.NotEmpty(t, list.Sources)

	var europe api.CountryList
	e.do("GET", "/v1/countries?region=150", nil).decode(t, &europe)
	require.NotEmpty(t, europe.Countries)
	require.Less(t, len(europe.Countries), len(list.Countries))
	for _, c := range europe.Countries {
		require.Equal(t, "150", c.Region.Code)
	}
	var northern api.CountryList
	e.do("GET", "/v1/countries?region=154", nil).decode(t, &northern)
	require.True(t, slices.ContainsFunc(northern.Countries, func(c api.Country) bool { return c.Alpha3 == "NOR" }))

	res := e.do("GET", "/v1/countries/NOR", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	nor, _ := countries.Lookup("NOR")
	want, err := json.Marshal(nor)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(res.body))

	var demo api.Country
	e.do("GET", "/v1/countries/XAA", nil).decode(t, &demo)
	require.True(t, demo.UserAssigned)
}

func TestValidateInline(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	a := fullAssessment(civicspace.DefaultCatalog(), "XAE")
	var report api.ValidationReport
	e.do("POST", "/v1/validate", a).decode(t, &report)
	require.True(t, report.Valid)
	require.Empty(t, report.Problems)

	a.Author = ""
	a.Subject.Country = "ZZY"
	e.do("POST", "/v1/validate", a).decode(t, &report)
	require.False(t, report.Valid)
	require.Equal(t, []string{"/author"}, pointers(report.Problems), "ZZY is a user-assigned code, so a valid subject")
	require.Zero(t, e.scorer.calls.Load(), "validating never scores")
}

func pointers(ps []api.ProblemDetail) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Pointer)
	}
	return out
}
