package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/require"
)

// TestErrorStatus is the test of the one table from errors to statuses.
func TestErrorStatus(t *testing.T) {
	problems := []civicspace.Problem{{Pointer: "/period", Detail: "missing"}}
	for _, tc := range []struct {
		name   string
		err    error
		status int
		code   string
		detail string
	}{
		{"invalid input", civicspace.Errorf(civicspace.EINVALID, "bad"), 400, civicspace.EINVALID, "bad"},
		{"invalid assessment", &civicspace.Error{Code: civicspace.EINVALID, Message: "has problems", Problems: problems}, 422, civicspace.EINVALID, "has problems"},
		{"not found", civicspace.Errorf(civicspace.ENOTFOUND, "gone"), 404, civicspace.ENOTFOUND, "gone"},
		{"stale version", civicspace.Errorf(civicspace.ECONFLICT, "stale"), 412, civicspace.ECONFLICT, "stale"},
		{"lifecycle", civicspace.Errorf(civicspace.ESTATE, "not now"), 409, civicspace.ESTATE, "not now"},
		{"unauthorized", civicspace.Errorf(civicspace.EUNAUTHORIZED, "who"), 401, civicspace.EUNAUTHORIZED, "who"},
		{"forbidden", civicspace.Errorf(civicspace.EFORBIDDEN, "no"), 403, civicspace.EFORBIDDEN, "no"},
		{"timeout", civicspace.Errorf(civicspace.ETIMEOUT, "slow"), 503, civicspace.ETIMEOUT, "slow"},
		{"internal", civicspace.WrapError(civicspace.EINTERNAL, fmt.Errorf("disk on fire"), "cannot save"), 500, civicspace.EINTERNAL, "cannot save"},
		{"wrapped domain error", fmt.Errorf("store: %w", civicspace.Errorf(civicspace.ENOTFOUND, "gone")), 404, civicspace.ENOTFOUND, "gone"},
		{"plain error hides its text", fmt.Errorf("pq: password authentication failed"), 500, civicspace.EINTERNAL, "internal error"},
		{"unknown code", &civicspace.Error{Code: "weird", Message: "?"}, 500, civicspace.EINTERNAL, "?"},
		{"body too large", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 10}), 413, civicspace.EINVALID, "the request body is larger than 10 bytes"},
		{"precondition required", &httpError{status: 428, code: civicspace.EINVALID, detail: "send If-Match"}, 428, civicspace.EINVALID, "send If-Match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code, detail, _ := errorStatus(tc.err)
			require.Equal(t, tc.status, status)
			require.Equal(t, tc.code, code)
			require.Equal(t, tc.detail, detail)
		})
	}
	for _, code := range []string{civicspace.EINVALID, civicspace.ENOTFOUND, civicspace.ECONFLICT, civicspace.ESTATE, civicspace.EUNAUTHORIZED, civicspace.EFORBIDDEN, civicspace.ETIMEOUT, civicspace.EINTERNAL} {
		require.Contains(t, statusByCode, code, "every domain code has a status")
	}
}

// TestValidationProblems walks real errors of the validator.
func TestValidationProblems(t *testing.T) {
	spec, err := LoadSpec()
	require.NoError(t, err)
	v := newValidator(spec)
	route := v.routes["POST /v1/validate"]
	require.NotNil(t, route)

	body := `{"subject":{"country":"XAA","planet":"Mars"},"roles":["domestic","king"],"period":2025,"kind":"self","author":"A",
		"answers":{"a/b":{"value":[1]},"c~d":{"status":"maybe","evidence":[{"url":"https://example.org"}]}}}`
	req := httptest.NewRequest("POST", "/v1/validate", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	// The operation needs a key: authentication has run before.
	req = req.WithContext(civicspace.NewContextWithPrincipal(req.Context(), &civicspace.Principal{KeyID: "k", Role: civicspace.RoleAssessor}))
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: v.options})
	require.Error(t, err)
	var got []string
	for _, p := range validationProblems(err) {
		got = append(got, p.Pointer)
		require.NotEmpty(t, p.Detail, p.Pointer)
	}
	require.Equal(t, []string{
		"/answers/a~1b/value",
		"/answers/c~0d/evidence/0/title",
		"/answers/c~0d/status",
		"/period",
		"/roles/1",
		"/subject/planet",
	}, got)

	// Parameters point into the query, path or header.
	route = v.routes["GET /v1/assessments"]
	req = httptest.NewRequest("GET", "/v1/assessments?page_size=0&kind=guess", nil)
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: v.options})
	require.Error(t, err)
	ps := validationProblems(err)
	require.Len(t, ps, 2)
	require.Equal(t, "/query/kind", ps[0].Pointer)
	require.Equal(t, "/query/page_size", ps[1].Pointer)
	require.Contains(t, ps[1].Detail, "1")
}

func TestParseETag(t *testing.T) {
	for _, tc := range []struct {
		tag     string
		version int
		ok      bool
	}{
		{`"asm_x.3"`, 3, true},
		{`"asm_x.12"`, 12, true},
		{`"asm_y.3"`, 0, false},
		{`"asm_x.0"`, 0, false},
		{`"asm_x.-1"`, 0, false},
		{`"asm_x."`, 0, false},
		{`"asm_x.3.1"`, 0, false},
		{`"asm_x"`, 0, false},
	} {
		v, ok := parseETag("asm_x", tc.tag)
		require.Equal(t, tc.ok, ok, tc.tag)
		require.Equal(t, tc.version, v, tc.tag)
	}
	require.Equal(t, `"asm_x.3"`, etag("asm_x", 3))
}
