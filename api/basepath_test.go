package api_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/api"
	"github.com/stretchr/testify/require"
)

// TestBasePath: under a prefix, Location and Link keep it, the API
// reference links to its spec and assets under it, and requests work with
// the prefix and without it (a proxy that strips it).
func TestBasePath(t *testing.T) {
	e := newEnv(t, stores["sqlite"], withAPIOptions(api.WithBasePath("/civicspace/")))
	send := func(method, path string, body []byte) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+e.key)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, string(data)
	}
	for _, country := range []string{"NOR", "SWE"} {
		res, body := send("POST", "/civicspace/v1/assessments", mustJSON(t, fullAssessment(e.svc.Catalog, country)))
		require.Equal(t, http.StatusCreated, res.StatusCode, body)
		loc := res.Header.Get("Location")
		require.True(t, strings.HasPrefix(loc, "/civicspace/v1/assessments/asm_"), loc)
		res, body = send("GET", loc, nil)
		require.Equal(t, http.StatusOK, res.StatusCode, body)
		res, body = send("GET", strings.TrimPrefix(loc, "/civicspace"), nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "without the prefix too: %s", body)
	}
	res, body := send("GET", "/civicspace/v1/assessments?page_size=1", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Regexp(t, `^</civicspace/v1/assessments\?[^>]*page_token=[^>]+>; rel="next"$`, res.Header.Get("Link"))
	res, body = send("GET", "/civicspace/docs", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, "/civicspace/openapi.yaml")
	require.Contains(t, body, "/civicspace/docs/")
	res, body = send("GET", "/civicspace/openapi.yaml", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	res, _ = send("GET", "/civicspacex/v1/catalog", nil)
	require.Equal(t, http.StatusNotFound, res.StatusCode, "a longer first segment is not the prefix")
}
